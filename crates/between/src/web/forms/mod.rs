//! Page input at one boundary. A page handler receives what a person sent
//! only through the extractors here, and each of them does every check in
//! one step: the body is read within the route's limit, every field (and
//! every query parameter) is refused with a 400 naming it when it holds
//! text no backend may store (NUL, invalid UTF-8), the session is found,
//! and the form token is compared. Reading a body, parsing it and comparing
//! tokens are private to this module, so a handler cannot forget a check.
//!
//! - [`SignedForm`]: signed in, token right, or a 400 page.
//! - [`SignedFormOrStale`]: signed in; a wrong token hands the form back as
//!   [`Checked::Stale`] so the page can show the person's input again.
//! - [`MaybeSignedForm`]: a form that may arrive after the session ended.
//! - [`AnonForm`]: forms shown before sign-in (double-submit cookie).
//! - [`check_query`]: a layer refusing unstorable text in every page's
//!   query string; [`PageQuery`] reads one.
//! - [`check_origin`]: a layer refusing a state-changing page request a
//!   browser says came from another site (`Sec-Fetch-Site`, `Origin`).

mod anon;
mod body;
mod csrf;
mod data;
mod decode;
mod origin;
mod query;
mod signed;

pub use anon::AnonForm;
pub use csrf::{for_session, AnonCsrf, ANON_COOKIE};
pub use data::{split_list, FormData, FromForm};
pub use origin::check_origin;
pub use query::{check_query, PageQuery};
pub use signed::{Checked, MaybeSignedForm, SignedForm, SignedFormOrStale};
