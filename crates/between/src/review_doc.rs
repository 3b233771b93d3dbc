//! A progress review as a document people read and keep: plain text for
//! the terminal, Markdown, a PDF with the mood chart, and the parts the
//! web page and the standalone HTML share. One order of sections
//! everywhere, so the formats say the same thing.

use std::fmt::Write;

use between_domain::review::{Reflections, Review, PROMPTS};
use jiff::Timestamp;

/// A review as shown: fresh or saved (with reflections and how it compares
/// with the review before).
pub struct ReviewDoc<'a> {
    pub review: &'a Review,
    pub reflections: Option<&'a Reflections>,
    pub saved_at: Option<Timestamp>,
    /// (the previous review's period, the comparison's sentences).
    pub comparison: Option<(String, &'a [String])>,
}

impl<'a> ReviewDoc<'a> {
    /// A saved review with its reflections and the comparison with the one before.
    pub fn of_saved(shown: &'a between_app::reviews::ReviewWithPrevious) -> ReviewDoc<'a> {
        ReviewDoc {
            review: &shown.saved.data.review,
            reflections: Some(&shown.saved.data.reflections),
            saved_at: Some(shown.saved.data.saved_at),
            comparison: shown
                .previous
                .as_ref()
                .map(|prev| (period(&prev.data.review), shown.comparison.as_slice())),
        }
    }
}

/// The review as a snapshot for a private link: its sections, then the
/// reflections and the comparison with the previous review.
pub fn snapshot(doc: &ReviewDoc<'_>) -> between_domain::snapshot::Snapshot {
    use between_domain::snapshot::{Snapshot, SnapshotLine, SnapshotSection};
    let r = doc.review;
    let mut sections: Vec<SnapshotSection> = sections(r)
        .into_iter()
        .map(|s| SnapshotSection {
            heading: s.heading.to_string(),
            lines: if s.lines.is_empty() {
                vec![SnapshotLine::plain(s.empty)]
            } else {
                s.lines.into_iter().map(SnapshotLine::plain).collect()
            },
        })
        .collect();
    if let Some(refl) = doc.reflections {
        sections.push(SnapshotSection {
            heading: "Reflections".into(),
            lines: reflections(refl)
                .into_iter()
                .map(|(q, a)| SnapshotLine::plain(format!("{q} {a}")))
                .collect(),
        });
    }
    if let Some((previous, lines)) = &doc.comparison {
        sections.push(SnapshotSection {
            heading: format!("Compared with {previous}"),
            lines: lines.iter().map(SnapshotLine::plain).collect(),
        });
    }
    Snapshot {
        title: title(r),
        subtitle: subtitle(r),
        sections,
    }
}

/// A section: heading and lines (an empty list prints `empty`).
pub struct Section {
    pub heading: &'static str,
    pub lines: Vec<String>,
    pub empty: &'static str,
}

pub fn period(r: &Review) -> String {
    if r.from.year() == r.to.year() {
        format!(
            "{} – {}",
            r.from.strftime("%-d %B"),
            r.to.strftime("%-d %B %Y")
        )
    } else {
        format!(
            "{} – {}",
            r.from.strftime("%-d %B %Y"),
            r.to.strftime("%-d %B %Y")
        )
    }
}

pub fn title(r: &Review) -> String {
    format!("Progress review: {}", period(r))
}

pub fn subtitle(r: &Review) -> String {
    let days = (r.to - r.from).get_days() + 1;
    // "12w" ago to today spans 12 weeks and a day: still 12 weeks.
    let length = if days >= 7 && days % 7 <= 1 {
        let weeks = days / 7;
        format!("{weeks} {}", if weeks == 1 { "week" } else { "weeks" })
    } else {
        format!("{days} {}", if days == 1 { "day" } else { "days" })
    };
    format!(
        "{length} · {} {} attended",
        r.sessions_attended,
        if r.sessions_attended == 1 {
            "session"
        } else {
            "sessions"
        }
    )
}

fn measure_line(m: &between_domain::review::MeasureChange) -> String {
    let name = m.instrument.name();
    let end = format!("{} ({})", m.end.total, m.end.severity);
    let n = format!(
        "{} {} in the period",
        m.count,
        if m.count == 1 {
            "response"
        } else {
            "responses"
        }
    );
    match (&m.start, m.change) {
        (Some(s), Some(c)) => format!(
            "{name}: {} ({}) on {} → {end} on {}: {}; {n}.",
            s.total,
            s.severity,
            s.day.strftime("%-d %b"),
            m.end.day.strftime("%-d %b"),
            c.label()
        ),
        _ => format!("{name}: {end} on {}; {n}.", m.end.day.strftime("%-d %b")),
    }
}

/// The sections, in order.
pub fn sections(r: &Review) -> Vec<Section> {
    let dated = |day: jiff::civil::Date, text: &str| format!("{}: {text}", day.strftime("%-d %b"));
    let mut mood = Vec::new();
    if r.mood.entries > 0 {
        let mut line = format!(
            "{} {} with a mood",
            r.mood.entries,
            if r.mood.entries == 1 {
                "entry"
            } else {
                "entries"
            }
        );
        // How it moved (average, the time before, the smoothed line) is the
        // one sentence of the domain's trend, as on the trend page.
        line.push('.');
        mood.push(line);
        mood.push(r.mood.sentence.clone());
    }
    let mut roadblocks: Vec<String> = r
        .roadblocks_resolved
        .iter()
        .map(|t| format!("Resolved: {t}"))
        .collect();
    roadblocks.extend(r.roadblocks_open.iter().map(|t| format!("Still open: {t}")));
    vec![
        Section {
            heading: "Strategies I learned",
            lines: r.strategies.iter().map(|n| dated(n.day, &n.text)).collect(),
            empty: "No strategies recorded in this period.",
        },
        Section {
            heading: "Key insights",
            lines: r.insights.iter().map(|n| dated(n.day, &n.text)).collect(),
            empty: "No insights recorded in this period.",
        },
        Section {
            heading: "Measures",
            lines: r.measures.iter().map(measure_line).collect(),
            empty: "No PHQ-9 or GAD-7 in this period.",
        },
        Section {
            heading: "Goals",
            lines: r.goals.iter().map(|g| g.sentence()).collect(),
            empty: "No active goals.",
        },
        Section {
            heading: "Practice",
            lines: r
                .practices
                .iter()
                .map(|p| {
                    let share = p
                        .adherence
                        .map(|a| format!(" ({:.0}%)", a * 100.0))
                        .unwrap_or_default();
                    format!(
                        "{}: done {} of {} planned times{share}; longest streak {}.",
                        p.title, p.done, p.scheduled, p.longest_streak
                    )
                })
                .collect(),
            empty: "No practice planned in this period.",
        },
        Section {
            heading: "Mood",
            lines: mood,
            empty: "No mood recorded in this period.",
        },
        Section {
            heading: "Small wins",
            lines: r.wins.iter().map(|n| dated(n.day, &n.text)).collect(),
            empty: "No milestones in this period — progress is rarely a straight line.",
        },
        Section {
            heading: "Roadblocks",
            lines: roadblocks,
            empty: "None seen at the start or the end of the period.",
        },
        Section {
            heading: "Questions answered",
            lines: r
                .answered
                .iter()
                .map(|a| format!("{} — {}", a.question, a.answer))
                .collect(),
            empty: "No questions answered in this period.",
        },
    ]
}

/// The reflection prompts with their answers (or "—").
pub fn reflections(r: &Reflections) -> Vec<(&'static str, String)> {
    PROMPTS
        .iter()
        .zip(r.answers())
        .map(|(q, a)| {
            (
                *q,
                if a.trim().is_empty() {
                    "—".to_string()
                } else {
                    a.to_string()
                },
            )
        })
        .collect()
}

pub fn text(doc: &ReviewDoc<'_>) -> String {
    let r = doc.review;
    let mut out = String::new();
    let _ = writeln!(out, "{}", title(r));
    let _ = writeln!(out, "{}", subtitle(r));
    for s in sections(r) {
        let _ = writeln!(out, "\n{}", s.heading);
        if s.lines.is_empty() {
            let _ = writeln!(out, "  {}", s.empty);
        }
        for l in &s.lines {
            let _ = writeln!(out, "- {l}");
        }
    }
    if let Some(refl) = doc.reflections {
        let _ = writeln!(out, "\nMy reflections");
        for (q, a) in reflections(refl) {
            let _ = writeln!(out, "{q}\n  {}", a.replace('\n', "\n  "));
        }
    }
    if let Some((when, lines)) = &doc.comparison {
        let _ = writeln!(out, "\nCompared with the review of {when}");
        for l in lines.iter() {
            let _ = writeln!(out, "- {l}");
        }
    }
    out
}

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

pub fn markdown(doc: &ReviewDoc<'_>) -> String {
    let r = doc.review;
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n\n{}\n", escape(&title(r)), escape(&subtitle(r)));
    for s in sections(r) {
        let _ = writeln!(out, "## {}\n", s.heading);
        if s.lines.is_empty() {
            let _ = writeln!(out, "{}\n", escape(s.empty));
            continue;
        }
        for l in &s.lines {
            let _ = writeln!(out, "- {}", escape(l));
        }
        out.push('\n');
    }
    if let Some(refl) = doc.reflections {
        let _ = writeln!(out, "## My reflections\n");
        for (q, a) in reflections(refl) {
            let _ = writeln!(out, "**{q}**\n\n{}\n", escape(&a));
        }
    }
    if let Some((when, lines)) = &doc.comparison {
        let _ = writeln!(out, "## Compared with the review of {when}\n");
        for l in lines.iter() {
            let _ = writeln!(out, "- {}", escape(l));
        }
        out.push('\n');
    }
    out
}

/// Chart points: x scaled to 0..=1 over the period, y in mood units.
pub type Series = Vec<(f64, f64)>;

/// The mood chart's daily points and smoothed line.
pub fn mood_series(r: &Review) -> (Series, Series) {
    let span = ((r.to - r.from).get_days().max(1)) as f64;
    let x = |d: jiff::civil::Date| f64::from((d - r.from).get_days()) / span;
    (
        r.mood.days.iter().map(|(d, m, _)| (x(*d), *m)).collect(),
        r.mood.days.iter().map(|(d, _, t)| (x(*d), *t)).collect(),
    )
}

/// The review as PDF pages (it can run longer than one page).
pub async fn pdf(doc: &ReviewDoc<'_>) -> Result<Vec<u8>, between_pdf::PdfError> {
    use between_pdf::{Block, Chart, Document, Fit};
    let r = doc.review;
    let mut blocks = Vec::new();
    for s in sections(r) {
        blocks.push(Block::Heading(s.heading.to_string()));
        if s.heading == "Mood" && !r.mood.days.is_empty() {
            let (points, line) = mood_series(r);
            blocks.push(Block::Chart(Chart {
                title: "Mood each day (dots) and the smoothed line, 1 to 10".into(),
                y_min: 1.0,
                y_max: 10.0,
                points,
                line,
                x_labels: vec![
                    (0.0, r.from.strftime("%-d %b %Y").to_string()),
                    (1.0, r.to.strftime("%-d %b %Y").to_string()),
                ],
                y_labels: vec![(1.0, "1".into()), (5.0, "5".into()), (10.0, "10".into())],
            }));
        }
        if s.lines.is_empty() {
            blocks.push(Block::Note(s.empty.to_string()));
        }
        for l in s.lines {
            blocks.push(Block::Item {
                marker: "•".into(),
                text: l,
                strong: false,
                muted: false,
            });
        }
    }
    if let Some(refl) = doc.reflections {
        blocks.push(Block::Heading("My reflections".into()));
        for (q, a) in reflections(refl) {
            blocks.push(Block::Item {
                marker: "•".into(),
                text: q.to_string(),
                strong: true,
                muted: false,
            });
            blocks.push(Block::Paragraph(a));
        }
    }
    if let Some((when, lines)) = &doc.comparison {
        blocks.push(Block::Heading(format!(
            "Compared with the review of {when}"
        )));
        for l in lines.iter() {
            blocks.push(Block::Item {
                marker: "•".into(),
                text: l.clone(),
                strong: false,
                muted: false,
            });
        }
    }
    blocks.push(Block::Note("Made with Between.".into()));
    crate::pdf_file::render(
        Document {
            title: title(r),
            subtitle: Some(subtitle(r)),
            blocks,
        },
        Fit::Pages,
    )
    .await
}

/// What the HTML of a review shows (the web page and the standalone file).
pub struct Body {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
    /// The mood chart as inline SVG ("" without mood data).
    pub chart: String,
    pub reflections: Option<Vec<(&'static str, String)>>,
    pub comparison: Option<(String, Vec<String>)>,
}

impl Body {
    pub fn of(doc: &ReviewDoc<'_>) -> Body {
        let r = doc.review;
        Body {
            title: title(r),
            subtitle: subtitle(r),
            sections: sections(r),
            chart: mood_svg(r),
            reflections: doc.reflections.map(reflections),
            comparison: doc
                .comparison
                .as_ref()
                .map(|(when, lines)| (when.clone(), lines.to_vec())),
        }
    }
}

/// The mood chart: daily points and the smoothed line.
pub fn mood_svg(r: &Review) -> String {
    crate::web::charts::mood(&r.mood.days, &r.mood.sentence)
}

#[derive(askama::Template)]
#[template(path = "review_print.html")]
struct Standalone {
    body: Body,
}

/// A self-contained HTML file (styles and chart inline) that prints well.
pub fn html(doc: &ReviewDoc<'_>) -> Result<String, askama::Error> {
    askama::Template::render(&Standalone {
        body: Body::of(doc),
    })
}

/// A review file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Pdf,
    Markdown,
    Html,
}

impl FileFormat {
    pub fn parse(s: &str) -> Option<FileFormat> {
        match s {
            "pdf" => Some(FileFormat::Pdf),
            "md" | "markdown" => Some(FileFormat::Markdown),
            "html" => Some(FileFormat::Html),
            _ => None,
        }
    }
}

/// The review as a file named for the last day of its period.
pub async fn file(
    doc: &ReviewDoc<'_>,
    format: FileFormat,
) -> Result<crate::agenda_doc::Download, String> {
    use crate::agenda_doc::Download;
    let name = format!("review-{}", doc.review.to);
    Ok(match format {
        FileFormat::Pdf => Download {
            content_type: "application/pdf",
            file_name: format!("{name}.pdf"),
            bytes: pdf(doc).await.map_err(|e| e.to_string())?,
        },
        FileFormat::Markdown => Download {
            content_type: "text/markdown; charset=utf-8",
            file_name: format!("{name}.md"),
            bytes: markdown(doc).into_bytes(),
        },
        FileFormat::Html => Download {
            content_type: "text/html; charset=utf-8",
            file_name: format!("{name}.html"),
            bytes: html(doc).map_err(|e| e.to_string())?.into_bytes(),
        },
    })
}
