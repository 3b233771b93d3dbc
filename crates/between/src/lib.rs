//! The `between` binary's library: the CLI, the web front end (pages and
//! JSON API) and the JSON shapes they share. `main.rs` is only glue, and
//! tests drive these modules directly.

pub mod agenda_doc;
pub mod cli;
pub mod client_doc;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod outbound;
pub mod pdf_file;
pub mod private_link_doc;
pub mod review_doc;
pub mod web;
