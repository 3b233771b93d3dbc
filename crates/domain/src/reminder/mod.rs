//! Reminders: what a person asked to be reminded of ([`rule`]), the quiet
//! times nothing is sent ([`quiet`]), the small plan the scheduler can read
//! while the person is signed out ([`plan`]), when that plan is due
//! ([`due`]) and what a reminder says ([`wording`]). Pure: times are civil
//! times in the person's zone, turned into instants here, DST included.

pub mod due;
pub mod plan;
pub mod quiet;
pub mod rule;
pub mod wording;

pub use due::{next_after, slots, Slot};
pub use plan::{Days, Item, Plan, PracticeDays};
pub use quiet::Quiet;
pub use rule::{Kind, Reminder};
pub use wording::{message, Message};
