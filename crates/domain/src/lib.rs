//! Pure domain logic of Between: what an entry is, what makes it valid, the
//! feelings vocabulary, guided prompts, search matching and time parsing.
//! No IO and no async, so everything here is tested exhaustively.

pub mod agenda;
pub mod agenda_plan;
pub mod appointment;
pub mod echo;
pub mod entry;
pub mod excerpt;
pub mod feedback;
pub mod feelings;
pub mod goal;
pub mod insight;
pub mod measure;
pub mod patterns;
pub mod practice;
pub mod prompts;
pub mod question;
pub mod reminder;
pub mod review;
pub mod roadblocks;
pub mod search;
pub mod share;
pub mod snapshot;
pub mod storable;
pub mod timespec;
pub mod totp;
pub mod tracker;
pub mod trend;
pub mod validation;
pub mod warning_match;
pub mod warning_sign;
pub mod wins;
pub mod words;
pub mod zone;

pub use entry::{Entry, EntryContent, Feeling, PromptAnswer};
pub use validation::ValidationErrors;
