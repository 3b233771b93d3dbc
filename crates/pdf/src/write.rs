//! Writes laid-out pages as a PDF file.
//!
//! Fonts are embedded as Type0/CIDFontType2 with Identity-H encoding, which
//! is the standard way to use any glyph of a TrueType font, and subset to the
//! glyphs actually used so that a one-page document stays a few dozen KB.
//! Each font gets a ToUnicode map so copying and `pdftotext` return the exact
//! text. Nothing time- or randomness-dependent is written, so the same input
//! always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use pdf_writer::types::{
    CidFontType, FontFlags, LineCapStyle, LineJoinStyle, SystemInfo, UnicodeCmap,
};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::fonts::{Font, Fonts, Style};
use crate::layout::{Color, Mark, Page, PAGE_HEIGHT, PAGE_WIDTH};
use crate::{Document, PdfError};

/// The app's user interface is English; `/Lang` helps screen readers.
const LANGUAGE: &str = "en";
const PRODUCER: &str = "Between";
/// zlib level: near the best ratio for these small streams at little cost.
const DEFLATE_LEVEL: u8 = 9;
/// CIDs of an Identity-H font need no registry; this is the customary value.
const IDENTITY: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Hands out object numbers in writing order, keeping output deterministic.
struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// A font as embedded in this document.
struct Embedded {
    type0: Ref,
    /// The code (CID) each character is written with in content streams.
    cids: BTreeMap<char, u16>,
}

pub(crate) fn write(doc: &Document, pages: &[Page], fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let mut pdf = Pdf::new();
    let mut refs = Refs(0);
    let catalog = refs.next();
    let page_tree = refs.next();
    let info = refs.next();

    let mut used: BTreeMap<Style, BTreeSet<char>> = BTreeMap::new();
    for mark in pages.iter().flatten() {
        if let Mark::Text { style, text, .. } = mark {
            used.entry(*style).or_default().extend(text.chars());
        }
    }
    let mut embedded = BTreeMap::new();
    for (style, chars) in &used {
        let font = embed_font(&mut pdf, &mut refs, fonts.get(*style), chars)?;
        embedded.insert(*style, font);
    }

    let page_refs: Vec<(Ref, Ref)> = pages.iter().map(|_| (refs.next(), refs.next())).collect();
    pdf.catalog(catalog)
        .pages(page_tree)
        .lang(TextStr(LANGUAGE))
        .viewer_preferences()
        .display_doc_title(true);
    pdf.pages(page_tree)
        .kids(page_refs.iter().map(|(page, _)| *page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    for (page, (page_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let mut writer = pdf.page(*page_ref);
        writer
            .parent(page_tree)
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .contents(*content_ref);
        let mut resources = writer.resources();
        let mut font_resources = resources.fonts();
        for (style, font) in &embedded {
            font_resources.pair(Name(style.resource_name()), font.type0);
        }
        font_resources.finish();
        resources.finish();
        writer.finish();

        let content = deflate(&page_content(page, &embedded));
        pdf.stream(*content_ref, &content)
            .filter(Filter::FlateDecode);
    }
    pdf.document_info(info)
        .title(TextStr(&doc.title))
        .producer(TextStr(PRODUCER));
    Ok(pdf.finish())
}

/// Embeds the glyphs `font` needs for `chars` and returns how to address them.
fn embed_font(
    pdf: &mut Pdf,
    refs: &mut Refs,
    font: &Font,
    chars: &BTreeSet<char>,
) -> Result<Embedded, PdfError> {
    let glyphs: Vec<u16> = chars
        .iter()
        .map(|&c| font.glyph(c))
        .filter(|&glyph| glyph != 0)
        .collect();
    // Sorted, so the new glyph ids depend only on the set of glyphs used.
    let remapper = GlyphRemapper::new_from_glyphs_sorted(&glyphs);
    let subset = subsetter::subset(font.data, 0, &remapper).map_err(|error| PdfError::Subset {
        font: font.postscript_name,
        reason: error.to_string(),
    })?;
    // Old glyph id of each new glyph id, for the widths.
    let old_glyphs: Vec<u16> = remapper.remapped_gids().collect();

    // A character is written as its glyph's new id, so /CIDToGIDMap can be
    // /Identity. A character without a glyph of its own (missing from the
    // font, or sharing a glyph with another character) gets an extra code
    // past the glyphs instead, mapped to its glyph by an explicit map, so
    // that ToUnicode can still name every character. Code 0 stays .notdef.
    let mut cid_to_gid: Vec<u16> = (0..remapper.num_gids()).collect();
    let mut claimed = vec![false; cid_to_gid.len()];
    if let Some(notdef) = claimed.first_mut() {
        *notdef = true;
    }
    let mut cids = BTreeMap::new();
    for &c in chars {
        let gid = remapper.get(font.glyph(c)).unwrap_or(0);
        let cid = match claimed.get_mut(usize::from(gid)) {
            Some(taken) if !*taken => {
                *taken = true;
                gid
            }
            _ => match u16::try_from(cid_to_gid.len()) {
                Ok(cid) if cid < u16::MAX => {
                    cid_to_gid.push(gid);
                    cid
                }
                // Out of codes: only reachable with ~65,000 distinct missing
                // characters. Draw the box, without extractable text.
                _ => 0,
            },
        };
        cids.insert(c, cid);
    }
    let identity = cid_to_gid.len() == usize::from(remapper.num_gids());

    let type0 = refs.next();
    let cid_font = refs.next();
    let descriptor = refs.next();
    let font_file = refs.next();
    let to_unicode = refs.next();
    let gid_map = (!identity).then(|| refs.next());

    let base_font = format!(
        "{}+{}",
        subset_tag(font.postscript_name, chars),
        font.postscript_name
    );
    let base_font = Name(base_font.as_bytes());

    pdf.type0_font(type0)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_font)
        .to_unicode(to_unicode);

    let mut cid_writer = pdf.cid_font(cid_font);
    cid_writer
        .subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(IDENTITY)
        .font_descriptor(descriptor);
    let widths = cid_to_gid.iter().map(|&gid| {
        let old = old_glyphs.get(usize::from(gid)).copied().unwrap_or(0);
        font.advance(old)
    });
    cid_writer.widths().consecutive(0, widths);
    match gid_map {
        Some(map) => cid_writer.cid_to_gid_map_stream(map),
        None => cid_writer.cid_to_gid_map_predefined(Name(b"Identity")),
    };
    cid_writer.finish();

    let face = &font.face;
    let units = |value: i16| font.to_thousandths(f32::from(value));
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(base_font)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            units(bbox.x_min),
            units(bbox.y_min),
            units(bbox.x_max),
            units(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(units(face.ascender()))
        .descent(units(face.descender()))
        .cap_height(units(cap_height(font)))
        // The usual estimate from the weight class; only used for hinting.
        .stem_v(10.0 + 0.244 * (f32::from(face.weight().to_number()) - 50.0))
        .font_file2(font_file);

    let compressed = deflate(&subset);
    pdf.stream(font_file, &compressed)
        .filter(Filter::FlateDecode)
        .pair(
            Name(b"Length1"),
            i32::try_from(subset.len()).unwrap_or(i32::MAX),
        );

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), IDENTITY);
    for (&c, &cid) in &cids {
        if cid != 0 {
            cmap.pair(cid, c);
        }
    }
    let compressed = deflate(cmap.finish().as_slice());
    pdf.stream(to_unicode, &compressed)
        .filter(Filter::FlateDecode);

    if let Some(map_ref) = gid_map {
        let map: Vec<u8> = cid_to_gid
            .iter()
            .flat_map(|gid| gid.to_be_bytes())
            .collect();
        let compressed = deflate(&map);
        pdf.stream(map_ref, &compressed).filter(Filter::FlateDecode);
    }

    Ok(Embedded { type0, cids })
}

/// Height of capital letters in font units: from the OS/2 table if it has
/// it (DejaVu's does not), else measured on "H".
fn cap_height(font: &Font) -> i16 {
    let face = &font.face;
    face.capital_height()
        .or_else(|| {
            let glyph = ttf_parser::GlyphId(font.glyph('H'));
            face.glyph_bounding_box(glyph).map(|bbox| bbox.y_max)
        })
        .unwrap_or(face.ascender())
}

/// The six-letter prefix that marks a subset font. Derived from the content
/// (not random) so output is deterministic, yet differs between subsets.
fn subset_tag(name: &str, chars: &BTreeSet<char>) -> String {
    // FNV-1a: tiny and stable across platforms and Rust versions.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = name
        .bytes()
        .chain(chars.iter().flat_map(|&c| u32::from(c).to_le_bytes()));
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (0..6)
        .map(|_| {
            let letter = char::from(b'A' + (hash % 26) as u8);
            hash /= 26;
            letter
        })
        .collect()
}

/// The content stream of one page.
fn page_content(page: &Page, embedded: &BTreeMap<Style, Embedded>) -> Vec<u8> {
    let mut content = Content::new();
    content
        .set_line_cap(LineCapStyle::RoundCap)
        .set_line_join(LineJoinStyle::RoundJoin);
    let mut in_text = false;
    let mut fill: Option<Color> = None;
    let mut stroke: Option<(Color, f32)> = None;
    let mut font: Option<(Style, f32)> = None;

    for mark in page {
        match mark {
            Mark::Text {
                style,
                size,
                x,
                y,
                color,
                text,
            } => {
                let Some(embedding) = embedded.get(style) else {
                    continue;
                };
                if !in_text {
                    content.begin_text();
                    in_text = true;
                }
                if fill != Some(*color) {
                    content.set_fill_rgb(color.0, color.1, color.2);
                    fill = Some(*color);
                }
                if font != Some((*style, *size)) {
                    content.set_font(Name(style.resource_name()), *size);
                    font = Some((*style, *size));
                }
                content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
                let codes: Vec<u8> = text
                    .chars()
                    .flat_map(|c| embedding.cids.get(&c).copied().unwrap_or(0).to_be_bytes())
                    .collect();
                content.show(Str(&codes));
            }
            Mark::Polyline {
                points,
                width,
                color,
            } => {
                let [(first_x, first_y), rest @ ..] = points.as_slice() else {
                    continue;
                };
                if in_text {
                    content.end_text();
                    in_text = false;
                }
                if stroke != Some((*color, *width)) {
                    content
                        .set_stroke_rgb(color.0, color.1, color.2)
                        .set_line_width(*width);
                    stroke = Some((*color, *width));
                }
                content.move_to(*first_x, *first_y);
                for (x, y) in rest {
                    content.line_to(*x, *y);
                }
                content.stroke();
            }
            Mark::Dot {
                x,
                y,
                radius,
                color,
            } => {
                if in_text {
                    content.end_text();
                    in_text = false;
                }
                if fill != Some(*color) {
                    content.set_fill_rgb(color.0, color.1, color.2);
                    fill = Some(*color);
                }
                circle(&mut content, *x, *y, *radius);
                content.fill_nonzero();
            }
        }
    }
    if in_text {
        content.end_text();
    }
    content.finish().into_vec()
}

/// A circle as four Bézier arcs (PDF has no circle operator).
fn circle(content: &mut Content, x: f32, y: f32, r: f32) {
    // Control point distance for a quarter circle.
    let k = 0.552_284_8 * r;
    content
        .move_to(x + r, y)
        .cubic_to(x + r, y + k, x + k, y + r, x, y + r)
        .cubic_to(x - k, y + r, x - r, y + k, x - r, y)
        .cubic_to(x - r, y - k, x - k, y - r, x, y - r)
        .cubic_to(x + k, y - r, x + r, y - k, x + r, y)
        .close_path();
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, DEFLATE_LEVEL)
}
