//! Measures in FHIR R4: each instrument's definition as a `Questionnaire`
//! (SDC style: LOINC-coded where codes are listed, answers with their
//! ordinal values, the total as a calculated read-only item), every
//! response as a `QuestionnaireResponse` that references it, and a
//! `collection` Bundle of both for export. Reading responses back is
//! `crate::import::fhir`, on the same link ids and codes.

pub mod bundle;
pub mod questionnaire;
pub mod response;

pub use bundle::bundle;
pub use questionnaire::questionnaire;
pub use response::response;
