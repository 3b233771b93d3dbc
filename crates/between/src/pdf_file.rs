//! Every PDF the binary returns or writes is rendered here, on the blocking
//! pool: layout, font subsetting and compression are CPU work that must not
//! hold an async worker while others wait for an answer.
//! `tests/off_the_executor.rs` fails on any other call of `between_pdf::render`.

use between_pdf::{Document, Fit, PdfError};

/// `doc` as PDF bytes, rendered on the blocking pool.
pub async fn render(doc: Document, fit: Fit) -> Result<Vec<u8>, PdfError> {
    between_app::blocking::run(move || between_pdf::render(&doc, fit)).await
}
