//! An agenda as a document people read: plain text for the terminal,
//! Markdown to keep or send. Points are numbered in agenda order (the
//! numbers `between prep remove N` takes), grouped under their section's
//! heading wherever the section changes.

use std::fmt::Write;

use between_app::agenda_saved::Agenda;
use between_domain::agenda_plan::Point;
use jiff::tz::TimeZone;

/// Marks before a point's text: top priority, discussed, from last time.
pub fn flags(x: &Point) -> String {
    let mut s = String::new();
    if x.top {
        s.push_str("★ ");
    }
    if x.discussed {
        s.push_str("✓ ");
    }
    s
}

/// After a point's text.
pub fn notes(x: &Point, fits: bool) -> String {
    let mut s = String::new();
    if x.carried {
        s.push_str(" (from last time)");
    }
    if !fits {
        s.push_str(" (if time allows)");
    }
    s
}

/// A point with its 1-based number and whether it fits the session.
pub type Numbered<'a> = (usize, &'a Point, bool);

/// Heading of the top priorities, which come right after safety.
pub const TOP_HEADING: &str = "Top priorities";

/// Runs of points under one heading, numbered from 1 in the agenda's one
/// order (`Plan::put_in_order`: safety, top priorities, the rest): the
/// page, the text, the Markdown and the PDF all come from this.
pub fn groups(agenda: &Agenda) -> Vec<(&'static str, Vec<Numbered<'_>>)> {
    let fit = agenda.fits();
    let mut out: Vec<(&'static str, Vec<Numbered<'_>>)> = Vec::new();
    for (n, (x, f)) in agenda.plan.points.iter().zip(fit).enumerate() {
        let heading = match x.place() {
            1 => TOP_HEADING,
            _ => x.item.section.heading(),
        };
        match out.last_mut() {
            Some((h, list)) if *h == heading => list.push((n + 1, x, f)),
            _ => out.push((heading, vec![(n + 1, x, f)])),
        }
    }
    out
}

/// The heading over what therapists added.
pub const FROM_THERAPISTS: &str = "From your therapist";

/// What the person's therapists added, one line each, oldest first:
/// `dr-rivera (a point): Sleep first`. The page, the PDF, Markdown and the
/// terminal all show these lines (from [`Agenda::from_therapists`]).
pub fn from_therapists(agenda: &Agenda) -> Vec<String> {
    agenda
        .from_therapists
        .iter()
        .map(|n| {
            let kind = if n.note.point { "a point" } else { "a comment" };
            let unverified = if n.verified {
                ""
            } else {
                crate::client_doc::NOT_VERIFIED
            };
            format!("{}{unverified} ({kind}): {}", n.from, n.note.text)
        })
        .collect()
}

pub fn text(agenda: &Agenda, tz: &TimeZone) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", agenda.title(tz));
    let _ = writeln!(out, "{}", agenda.subtitle(tz));
    if !agenda.saved() {
        let _ = writeln!(
            out,
            "A draft: it follows your data until you edit it or run `between prep save`."
        );
    }
    for (heading, points) in groups(agenda) {
        let _ = writeln!(out, "\n{heading}");
        for (n, x, f) in points {
            let _ = writeln!(out, "{n:>3}. {}{}{}", flags(x), x.item.text, notes(x, f));
        }
    }
    if agenda.plan.points.is_empty() {
        let _ = writeln!(out, "\nNothing on the agenda yet.");
    }
    let added = from_therapists(agenda);
    if !added.is_empty() {
        let _ = writeln!(out, "\n{FROM_THERAPISTS}");
        for line in added {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

/// Markdown: a heading per section, a numbered list (numbers continue
/// across sections), top priorities in bold, discussed points ticked.
pub fn markdown(agenda: &Agenda, tz: &TimeZone) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&agenda.title(tz)));
    let _ = writeln!(out, "{}\n", escape(&agenda.subtitle(tz)));
    for (heading, points) in groups(agenda) {
        let _ = writeln!(out, "## {heading}\n");
        for (n, x, f) in points {
            let text = escape(&x.item.text);
            let text = if x.top { format!("**{text}**") } else { text };
            let _ = writeln!(
                out,
                "{n}. {}{text}{}",
                if x.discussed { "✓ " } else { "" },
                notes(x, f)
            );
        }
        out.push('\n');
    }
    if agenda.plan.points.is_empty() {
        out.push_str("Nothing on the agenda yet.\n");
    }
    let added = from_therapists(agenda);
    if !added.is_empty() {
        let _ = writeln!(out, "\n## {FROM_THERAPISTS}\n");
        for line in added {
            let _ = writeln!(out, "- {}", escape(&line));
        }
    }
    out
}

/// Escapes the characters Markdown would read as formatting.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A format an agenda downloads in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocFormat {
    Markdown,
    Pdf,
}

impl DocFormat {
    pub fn parse(s: &str) -> Option<DocFormat> {
        match s {
            "md" | "markdown" => Some(DocFormat::Markdown),
            "pdf" => Some(DocFormat::Pdf),
            _ => None,
        }
    }
}

/// A file to download: its media type, name and bytes.
pub struct Download {
    pub content_type: &'static str,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl axum::response::IntoResponse for Download {
    fn into_response(self) -> axum::response::Response {
        use axum::http::header;
        (
            [
                (header::CONTENT_TYPE, self.content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}\"", self.file_name),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            self.bytes,
        )
            .into_response()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be made: {0}")]
pub struct DocError(String);

/// The agenda as a file named for its appointment's day.
pub async fn download(
    agenda: &Agenda,
    tz: &TimeZone,
    format: DocFormat,
) -> Result<Download, DocError> {
    let day = agenda.appointment.map_or_else(
        || "next".to_string(),
        |(_, at)| at.to_zoned(tz.clone()).strftime("%Y-%m-%d").to_string(),
    );
    Ok(match format {
        DocFormat::Markdown => Download {
            content_type: "text/markdown; charset=utf-8",
            file_name: format!("agenda-{day}.md"),
            bytes: markdown(agenda, tz).into_bytes(),
        },
        DocFormat::Pdf => Download {
            content_type: "application/pdf",
            file_name: format!("agenda-{day}.pdf"),
            bytes: pdf(agenda, tz).await?,
        },
    })
}

/// One A4 page (the type shrinks to fit), to bring along or send.
pub async fn pdf(agenda: &Agenda, tz: &TimeZone) -> Result<Vec<u8>, DocError> {
    use between_pdf::{Block, Document, Fit};
    let mut blocks = Vec::new();
    for (heading, points) in groups(agenda) {
        blocks.push(Block::Heading(heading.to_string()));
        for (n, x, f) in points {
            blocks.push(Block::Item {
                marker: format!("{n}."),
                text: format!("{}{}{}", flags(x), x.item.text, notes(x, f)),
                strong: x.top,
                muted: !f,
            });
        }
    }
    if agenda.plan.points.is_empty() {
        blocks.push(Block::Paragraph("Nothing on the agenda yet.".into()));
    }
    let added = from_therapists(agenda);
    if !added.is_empty() {
        blocks.push(Block::Heading(FROM_THERAPISTS.into()));
        for line in added {
            blocks.push(Block::Item {
                marker: "•".into(),
                text: line,
                strong: false,
                muted: false,
            });
        }
    }
    blocks.push(Block::Note(
        "★ top priority · ✓ discussed · made with Between".into(),
    ));
    let doc = Document {
        title: agenda.title(tz),
        subtitle: Some(agenda.subtitle(tz)),
        blocks,
    };
    crate::pdf_file::render(doc, Fit::OnePage)
        .await
        .map_err(|e| DocError(e.to_string()))
}
