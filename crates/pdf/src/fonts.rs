//! The bundled fonts and their metrics.
//!
//! DejaVu Sans is bundled (rather than using the PDF base-14 fonts) because
//! the base-14 fonts only cover Latin-1: clients write in Greek, Cyrillic and
//! with typographic punctuation, and all of it must print and copy correctly.

use ttf_parser::{Face, GlyphId};

use crate::PdfError;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Which of the two bundled faces a piece of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Style {
    Regular,
    Bold,
}

impl Style {
    /// The name under which a page's resources refer to the font.
    pub(crate) fn resource_name(self) -> &'static [u8] {
        match self {
            Style::Regular => b"F1",
            Style::Bold => b"F2",
        }
    }
}

/// A parsed font face together with its raw bytes, which the writer subsets.
pub(crate) struct Font {
    pub(crate) data: &'static [u8],
    pub(crate) face: Face<'static>,
    pub(crate) postscript_name: &'static str,
    units_per_em: f32,
}

impl Font {
    fn load(data: &'static [u8], postscript_name: &'static str) -> Result<Self, PdfError> {
        let face = Face::parse(data, 0).map_err(|_| PdfError::Font(postscript_name))?;
        let units_per_em = f32::from(face.units_per_em());
        Ok(Font {
            data,
            face,
            postscript_name,
            units_per_em,
        })
    }

    /// The glyph drawn for `c`: without shaping, one character is one glyph.
    /// Characters the font lacks get glyph 0, the "missing" box.
    pub(crate) fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// Advance width of a glyph in thousandths of the font size, the unit of
    /// PDF glyph space and of the `/W` array.
    pub(crate) fn advance(&self, glyph: u16) -> f32 {
        let units = self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0);
        self.to_thousandths(f32::from(units))
    }

    /// Width of `text` set at `size` points, in points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Converts font design units to thousandths of the font size.
    pub(crate) fn to_thousandths(&self, units: f32) -> f32 {
        units * 1000.0 / self.units_per_em
    }

    /// Height above the baseline, as a fraction of the font size.
    pub(crate) fn ascender(&self) -> f32 {
        f32::from(self.face.ascender()) / self.units_per_em
    }

    /// Depth below the baseline, as a (negative) fraction of the font size.
    pub(crate) fn descender(&self) -> f32 {
        f32::from(self.face.descender()) / self.units_per_em
    }
}

/// Both bundled faces, parsed once per render (parsing only reads headers).
pub(crate) struct Fonts {
    regular: Font,
    bold: Font,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, PdfError> {
        Ok(Fonts {
            regular: Font::load(REGULAR, "DejaVuSans")?,
            bold: Font::load(BOLD, "DejaVuSans-Bold")?,
        })
    }

    pub(crate) fn get(&self, style: Style) -> &Font {
        match style {
            Style::Regular => &self.regular,
            Style::Bold => &self.bold,
        }
    }
}
