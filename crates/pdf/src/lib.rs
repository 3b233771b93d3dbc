//! Printable documents for Between (agendas, summaries, mood charts) rendered
//! to PDF in-process.
//!
//! Why in-process: a client's words must never leave the server to be
//! printed, and exports should not depend on a browser or an external tool.
//! So the crate lays out a deliberately small document model itself and
//! writes the PDF with [`pdf_writer`], embedding only the glyphs it used from
//! the bundled DejaVu fonts, which cover Latin, Greek and Cyrillic text.
//!
//! Output is byte-for-byte deterministic for the same input (no timestamps,
//! no random ids), so it can be snapshot-tested and cached.
//!
//! ```
//! use between_pdf::{render, Block, Document, Fit};
//!
//! let doc = Document {
//!     title: "Agenda".to_owned(),
//!     subtitle: Some("Tuesday, 14 April".to_owned()),
//!     blocks: vec![
//!         Block::Heading("To talk about".to_owned()),
//!         Block::Item {
//!             marker: "1.".to_owned(),
//!             text: "Sleep".to_owned(),
//!             strong: false,
//!             muted: false,
//!         },
//!     ],
//! };
//! let pdf = render(&doc, Fit::OnePage)?;
//! assert!(pdf.starts_with(b"%PDF"));
//! # Ok::<(), between_pdf::PdfError>(())
//! ```

mod chart;
mod fonts;
mod layout;
mod write;

#[cfg(test)]
mod tests;

/// A document to print: a title, an optional subtitle and a flow of blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Shown in bold at the top of the first page and used as the PDF title.
    pub title: String,
    /// Shown under the title, e.g. the date of the session.
    pub subtitle: Option<String>,
    /// The content, in reading order.
    pub blocks: Vec<Block>,
}

/// One piece of content. Kept small on purpose: these are the shapes the
/// app's printouts need, and each has a fixed, calm style.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading (bold, larger).
    Heading(String),
    /// Running text, wrapped to the page width. A `\n` starts a new line.
    Paragraph(String),
    /// A list item: a marker such as "1." or "•", the text (wrapped with a
    /// hanging indent), and whether it is de-emphasised (grey, for "if time
    /// allows").
    Item {
        /// Drawn in the left column, e.g. "1." or "•".
        marker: String,
        /// The item's text, wrapped so that it never runs under the marker.
        text: String,
        /// Bold, for the items that matter most.
        strong: bool,
        /// Grey, for items that are optional.
        muted: bool,
    },
    /// Small grey text (footnotes, "generated on …").
    Note(String),
    /// A simple line chart drawn with vector lines: raw points as small dots
    /// and an optional smoothed line.
    Chart(Chart),
}

/// A line chart. The caller does the statistics (smoothing, labels); this
/// crate only draws, so the numbers on paper match the numbers on screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chart {
    /// Shown above the plot; may be empty.
    pub title: String,
    /// Bottom of the value axis, in data units.
    pub y_min: f64,
    /// Top of the value axis, in data units. Values outside the range are
    /// drawn at the edge rather than dropped, so no reading disappears.
    pub y_max: f64,
    /// Raw readings as small dots: `x` in `0.0..=1.0` across the plot, `y` in
    /// data units.
    pub points: Vec<(f64, f64)>,
    /// A smoothed line through the readings, same coordinates as `points`.
    /// Empty for no line.
    pub line: Vec<(f64, f64)>,
    /// Labels under the plot at `x` in `0.0..=1.0`.
    pub x_labels: Vec<(f64, String)>,
    /// Labels left of the plot at `y` in data units, with a faint grid line.
    pub y_labels: Vec<(f64, String)>,
}

/// How to handle content longer than a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fit {
    /// Shrink the type (from 11 pt down to 7 pt) until everything fits on one
    /// A4 page; if it still does not, drop the last blocks and end with a
    /// Note "… N more not shown". For handouts that must stay one sheet.
    OnePage,
    /// Flow onto as many A4 pages as needed, numbered "n / N".
    #[default]
    Pages,
}

/// Why a document could not be rendered. Only the bundled fonts can fail,
/// so in practice this signals a build or packaging problem, not bad input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// A bundled font could not be parsed.
    #[error("the bundled font {0} could not be read")]
    Font(&'static str),
    /// A bundled font could not be reduced to the glyphs used.
    #[error("the bundled font {font} could not be subset: {reason}")]
    Subset {
        /// The font's PostScript name.
        font: &'static str,
        /// What the subsetter reported.
        reason: String,
    },
}

/// Renders `doc` to the bytes of a PDF file (A4, embedded subset fonts).
///
/// Any text is accepted: characters the fonts lack are drawn as a blank box
/// but still come out right when the text is copied or extracted.
pub fn render(doc: &Document, fit: Fit) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts::Fonts::load()?;
    let pages = layout::lay_out(doc, fit, &fonts);
    write::write(doc, &pages, &fonts)
}
