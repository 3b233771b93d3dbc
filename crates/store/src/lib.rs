//! Storage of Between: one API over SQLite (the embedded default) and
//! PostgreSQL (multi-user deployments). This is the only crate that writes
//! SQL. It stores ciphertext and plain metadata; it never sees what a person
//! wrote.

mod backup;
mod connect;
mod consents;
mod credentials;
mod entries;
mod error;
mod files;
mod idempotency;
mod import;
mod in_use;
mod inbox;
mod invites;
mod keys;
mod meta;
mod packed;
mod passkeys;
mod private_links;
mod records;
mod reminders;
mod restore;
mod second_factors;
mod security_events;
mod share_items;
mod sharing;
mod throttle;
mod users;

pub use connect::{sqlite_file, Backend, PoolUse, Store};
pub use credentials::{CredentialKind, CredentialRow};
pub use entries::{EntryQuery, EntryRow};
pub use error::StoreError;
pub use idempotency::IdempotencyClaim;
pub use in_use::ExclusiveUse;
pub use inbox::{InboxRow, PendingWork};
pub use invites::InviteRow;
pub use keys::KindKeyRow;
pub use meta::StoreSize;
pub use passkeys::{CeremonyRow, PasskeyRow};
pub use private_links::PrivateLinkRow;
pub use records::{RecordBatch, RecordQuery, RecordRow};
pub use reminders::{ChannelStatusRow, ClaimRow, ReminderPlanRow};
pub use restore::{restore_sqlite, Restored};
pub use second_factors::{PendingSignInRow, SecondFactorRow};
pub use security_events::SecurityEventRow;
pub use share_items::ShareItemRow;
pub use sharing::{AccessRow, KeypairRow, ShareKeyRow, ShareRow};
pub use throttle::ThrottleKey;
pub use users::{NewAccount, UserRow};

#[cfg(feature = "testing")]
pub mod testing;
