//! Reminders that reach a person while they are signed out (issue 17).
//!
//! What the person sets — reminders, quiet times, channels — are records
//! under their own account key. From them, their practices, appointments,
//! questionnaires and reviews the app builds a small plan (the domain's
//! `reminder::plan`) and seals it to a key pair of its own; that pair's
//! secret is wrapped under the server key, which lives outside the
//! database. So the scheduler can read plans (times, kinds, channels) and
//! nothing else, and a copied database or backup opens no plan.

mod channels;
mod email_links;
mod plan;
mod records;
pub mod scheduler;
mod server_key;
pub mod targets;

pub use channels::{Channel, ChannelView, Target};
pub(crate) use plan::affects_plan;
pub use plan::{PlanChannel, ReminderStatus, SealedPlan};
pub use records::ReminderSettings;
pub use scheduler::{Deliver, Delivery, Outgoing, Scheduler, TickReport};
pub use server_key::ServerKey;
