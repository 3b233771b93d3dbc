//! Turns a [`Document`] into pages of positioned marks.
//!
//! Layout is kept separate from PDF writing so that fitting to one page can
//! simply lay out again at a smaller size (layout is cheap) and so the
//! writer only ever sees final positions.

use crate::fonts::{Font, Fonts, Style};
use crate::{chart, Block, Document, Fit};

/// A4 in points.
pub(crate) const PAGE_WIDTH: f32 = 595.0;
pub(crate) const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const LEFT: f32 = MARGIN;
const TOP: f32 = PAGE_HEIGHT - MARGIN;
const BOTTOM: f32 = MARGIN;
const WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Baseline-to-baseline distance as a multiple of the font size.
pub(crate) const LINE_HEIGHT: f32 = 1.3;
/// Body sizes tried by [`Fit::OnePage`], largest first.
pub(crate) const LARGEST: f32 = 11.0;
const SMALLEST: f32 = 7.0;
const STEP: f32 = 0.5;
/// Space between a list marker and its text, as a multiple of the font size.
const MARKER_GAP: f32 = 0.5;
/// Absorbs float noise when comparing widths and heights.
const EPSILON: f32 = 0.01;

/// An RGB colour, components in `0.0..=1.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Color(pub(crate) f32, pub(crate) f32, pub(crate) f32);

impl Color {
    pub(crate) const fn gray(level: f32) -> Self {
        Color(level, level, level)
    }
}

/// Near-black: softer than pure black, still high contrast.
pub(crate) const INK: Color = Color::gray(0.1);
/// De-emphasised text: subtitles, optional items, notes, page numbers.
pub(crate) const MUTED: Color = Color::gray(0.45);

/// Something drawn on a page, in PDF coordinates (points, origin bottom left).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mark {
    /// One line of text; `y` is the baseline.
    Text {
        style: Style,
        size: f32,
        x: f32,
        y: f32,
        color: Color,
        text: String,
    },
    /// A stroked open path (a closed shape repeats its first point).
    Polyline {
        points: Vec<(f32, f32)>,
        width: f32,
        color: Color,
    },
    /// A filled circle.
    Dot {
        x: f32,
        y: f32,
        radius: f32,
        color: Color,
    },
}

/// The marks of one page, in painting order.
pub(crate) type Page = Vec<Mark>;

/// Lays out `doc` as `fit` asks. Always returns at least one page, and
/// exactly one for [`Fit::OnePage`].
pub(crate) fn lay_out(doc: &Document, fit: Fit, fonts: &Fonts) -> Vec<Page> {
    let mut pages = match fit {
        Fit::Pages => flow(doc, &doc.blocks, None, LARGEST, fonts),
        Fit::OnePage => one_page(doc, fonts),
    };
    if pages.len() > 1 {
        add_page_numbers(&mut pages, fonts);
    }
    pages
}

/// Shrinks the type until everything fits; failing that, keeps as many
/// leading blocks as fit at the smallest size and says how many were left out.
fn one_page(doc: &Document, fonts: &Fonts) -> Vec<Page> {
    let mut size = LARGEST;
    loop {
        let pages = flow(doc, &doc.blocks, None, size, fonts);
        if pages.len() == 1 {
            return pages;
        }
        if size - STEP < SMALLEST - EPSILON {
            break;
        }
        size -= STEP;
    }

    let total = doc.blocks.len();
    if total == 0 {
        // Only the title overflows: cut it off rather than fail.
        let mut pages = flow(doc, &[], None, SMALLEST, fonts);
        pages.truncate(1);
        return pages;
    }
    let with_note = |kept: usize| {
        let note = Block::Note(format!("… {} more not shown", total - kept));
        flow(doc, &doc.blocks[..kept], Some(&note), SMALLEST, fonts)
    };
    // All blocks do not fit; find the most that do, together with the note.
    let (mut fits, mut too_many) = (0, total);
    while too_many - fits > 1 {
        let mid = fits + (too_many - fits) / 2;
        if with_note(mid).len() == 1 {
            fits = mid;
        } else {
            too_many = mid;
        }
    }
    let mut pages = with_note(fits);
    // Still too long only if the title and the note alone overflow the page.
    pages.truncate(1);
    pages
}

/// Lays out the title and `blocks` (then `extra`, if any) at body size
/// `size`, breaking pages where needed.
fn flow(
    doc: &Document,
    blocks: &[Block],
    extra: Option<&Block>,
    size: f32,
    fonts: &Fonts,
) -> Vec<Page> {
    let mut flow = Flow {
        fonts,
        size,
        hang: hanging_indent(blocks, fonts.get(Style::Regular), size),
        pages: vec![Vec::new()],
        y: TOP,
        fresh: true,
    };
    flow.title(doc);
    for block in blocks.iter().chain(extra) {
        flow.block(block);
    }
    flow.pages
}

/// One indent for all list items, wide enough for the widest marker, so the
/// texts of "9." and "10." line up.
fn hanging_indent(blocks: &[Block], font: &Font, size: f32) -> f32 {
    let widest = blocks
        .iter()
        .filter_map(|block| match block {
            Block::Item { marker, .. } => Some(font.width(marker, size)),
            _ => None,
        })
        .fold(0.0, f32::max);
    (widest + MARKER_GAP * size).clamp(1.5 * size, 0.3 * WIDTH)
}

/// The state of laying out: the pages so far and where the next line goes.
struct Flow<'f> {
    fonts: &'f Fonts,
    /// Body text size in points; everything else is proportional to it.
    size: f32,
    /// Indent of list item text, past the markers.
    hang: f32,
    pages: Vec<Page>,
    /// Top of the next line's box.
    y: f32,
    /// Nothing has been placed on the current page yet, so space above a
    /// block is dropped and oversized content is placed anyway.
    fresh: bool,
}

impl Flow<'_> {
    fn title(&mut self, doc: &Document) {
        let font = self.fonts.get(Style::Bold);
        let size = 1.6 * self.size;
        if !doc.title.trim().is_empty() {
            for line in wrap(&doc.title, font, size, WIDTH) {
                self.text_line(LEFT, &line, Style::Bold, size, INK);
            }
        }
        if let Some(subtitle) = doc.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
            let font = self.fonts.get(Style::Regular);
            for line in wrap(subtitle, font, self.size, WIDTH) {
                self.text_line(LEFT, &line, Style::Regular, self.size, MUTED);
            }
        }
        self.space(0.6 * self.size);
    }

    fn block(&mut self, block: &Block) {
        let size = self.size;
        match block {
            Block::Heading(text) => {
                let heading = 1.25 * size;
                self.space(1.0 * size);
                // Keep a heading with the first line of what it introduces.
                self.room(LINE_HEIGHT * (heading + size));
                self.paragraph(text, Style::Bold, heading, INK, LEFT, WIDTH);
            }
            Block::Paragraph(text) => {
                self.space(0.45 * size);
                self.paragraph(text, Style::Regular, size, INK, LEFT, WIDTH);
            }
            Block::Item {
                marker,
                text,
                strong,
                muted,
            } => {
                self.space(0.2 * size);
                self.item(marker, text, *strong, *muted);
            }
            Block::Note(text) => {
                self.space(0.35 * size);
                self.paragraph(text, Style::Regular, 0.82 * size, MUTED, LEFT, WIDTH);
            }
            Block::Chart(data) => {
                self.space(0.8 * size);
                let height = chart::height(data, self.fonts, size, WIDTH);
                self.room(height);
                let marks = chart::draw(data, self.fonts, size, (LEFT, self.y), WIDTH);
                self.page().extend(marks);
                self.y -= height;
                self.fresh = false;
            }
        }
    }

    fn paragraph(&mut self, text: &str, style: Style, size: f32, color: Color, x: f32, width: f32) {
        if text.trim().is_empty() {
            return;
        }
        for line in wrap(text, self.fonts.get(style), size, width) {
            self.text_line(x, &line, style, size, color);
        }
    }

    fn item(&mut self, marker: &str, text: &str, strong: bool, muted: bool) {
        let style = if strong { Style::Bold } else { Style::Regular };
        let color = if muted { MUTED } else { INK };
        let size = self.size;
        let lines = wrap(text, self.fonts.get(style), size, WIDTH - self.hang);
        for (index, line) in lines.iter().enumerate() {
            let baseline = self.next_line(size);
            if index == 0 {
                // Right-aligned, so the dots of "9." and "10." line up.
                let marker = marker.trim();
                let width = self.fonts.get(Style::Regular).width(marker, size);
                let x = (LEFT + self.hang - MARKER_GAP * size - width).max(LEFT);
                self.push_text(x, baseline, marker, Style::Regular, size, color);
            }
            self.push_text(LEFT + self.hang, baseline, line, style, size, color);
        }
    }

    fn text_line(&mut self, x: f32, text: &str, style: Style, size: f32, color: Color) {
        let baseline = self.next_line(size);
        self.push_text(x, baseline, text, style, size, color);
    }

    /// Reserves a line box for text at `size` and returns its baseline.
    fn next_line(&mut self, size: f32) -> f32 {
        let height = LINE_HEIGHT * size;
        self.room(height);
        let baseline = baseline_below(self.y, self.fonts.get(Style::Regular), size);
        self.y -= height;
        self.fresh = false;
        baseline
    }

    fn push_text(&mut self, x: f32, y: f32, text: &str, style: Style, size: f32, color: Color) {
        if text.is_empty() {
            return;
        }
        self.page().push(Mark::Text {
            style,
            size,
            x,
            y,
            color,
            text: text.to_owned(),
        });
    }

    /// Vertical space before a block; none at the top of a page.
    fn space(&mut self, height: f32) {
        if !self.fresh {
            self.y -= height;
        }
    }

    /// Starts a new page unless `height` fits below the current position.
    fn room(&mut self, height: f32) {
        if !self.fresh && self.y - height < BOTTOM - EPSILON {
            self.pages.push(Vec::new());
            self.y = TOP;
            self.fresh = true;
        }
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
}

/// Adds "n / N" centred in the bottom margin of every page.
fn add_page_numbers(pages: &mut [Page], fonts: &Fonts) {
    let size = 8.0;
    let font = fonts.get(Style::Regular);
    let count = pages.len();
    for (index, page) in pages.iter_mut().enumerate() {
        let text = format!("{} / {}", index + 1, count);
        page.push(Mark::Text {
            style: Style::Regular,
            size,
            x: (PAGE_WIDTH - font.width(&text, size)) / 2.0,
            y: BOTTOM / 2.0,
            color: MUTED,
            text,
        });
    }
}

/// The baseline of a line of text at `size` whose line box starts at `top`:
/// the glyphs' extent is centred in the box, half the leading above it.
pub(crate) fn baseline_below(top: f32, font: &Font, size: f32) -> f32 {
    let extent = (font.ascender() - font.descender()) * size;
    top - (LINE_HEIGHT * size - extent) / 2.0 - font.ascender() * size
}

/// Whitespace where a line may break. No-break spaces (as in "50 %") hold
/// their neighbours together.
fn is_break(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}')
}

/// Greedy line breaking by glyph advance widths: as many words per line as
/// fit in `width` points; a word longer than a whole line is broken between
/// characters. A `\n` forces a break. Runs of spaces collapse to one, and
/// control characters are dropped. Returns at least one (maybe empty) line.
pub(crate) fn wrap(text: &str, font: &Font, size: f32, width: f32) -> Vec<String> {
    let space = font.width(" ", size);
    let mut lines = Vec::new();
    for hard_line in text.trim().split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        let words = hard_line
            .split(is_break)
            .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
            .filter(|word| !word.is_empty());
        for word in words {
            let word_width = font.width(&word, size);
            if !line.is_empty() {
                if line_width + space + word_width <= width + EPSILON {
                    line.push(' ');
                    line.push_str(&word);
                    line_width += space + word_width;
                    continue;
                }
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            if word_width <= width + EPSILON {
                line = word;
                line_width = word_width;
                continue;
            }
            for c in word.chars() {
                let char_width = font.advance(font.glyph(c)) * size / 1000.0;
                if !line.is_empty() && line_width + char_width > width + EPSILON {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += char_width;
            }
        }
        lines.push(line);
    }
    lines
}
