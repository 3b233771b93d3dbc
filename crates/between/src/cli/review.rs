//! `between review`: the progress review of a period (default: the last 12
//! weeks), saved reviews with reflections, and how each compares with the
//! one before.

use std::path::PathBuf;

use anyhow::Context as _;
use between_domain::review::Reflections;
use clap::{Args, Subcommand, ValueEnum};

use super::output::print_json;
use super::question::parse_id;
use super::{CliError, CliResult, Context};
use crate::json::{review_json, saved_review_json};
use crate::review_doc::{self, ReviewDoc};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReviewArgs {
    #[command(flatten)]
    period: Period,
    #[command(flatten)]
    out: Output,
    #[command(subcommand)]
    command: Option<ReviewCommand>,
}

#[derive(Debug, Args)]
struct Period {
    /// Start: a date, or how long ago (12w, 3m, 90d). Default: the review interval (12 weeks).
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    /// End (a date or how long ago); default now.
    #[arg(long, value_name = "WHEN")]
    until: Option<String>,
}

#[derive(Debug, Args)]
struct Output {
    /// text, md (Markdown), html (a standalone page), pdf or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Same as --format json.
    #[arg(long)]
    json: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Md,
    Html,
    Pdf,
    Json,
}

#[derive(Debug, Subcommand)]
enum ReviewCommand {
    /// Save the review of the period with your reflections.
    Save {
        #[command(flatten)]
        period: Period,
        /// What have I learned?
        #[arg(long, default_value = "")]
        learned: String,
        /// What has changed?
        #[arg(long, default_value = "")]
        changed: String,
        /// What do I want to focus on next?
        #[arg(long, default_value = "")]
        focus: String,
    },
    /// Saved reviews, oldest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// A saved review with its reflections, compared with the one before.
    Show {
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Delete a saved review.
    Delete { id: String },
    /// How many weeks between reviews (default 12); `between review due` says when.
    Every { weeks: u32 },
    /// When the next review is due.
    Due,
}

pub async fn run(ctx: &Context, args: ReviewArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match args.command {
        None => {
            let (since, until) = app
                .review_period(
                    &p,
                    args.period.since.as_deref(),
                    args.period.until.as_deref(),
                )
                .await?;
            let review = app.review(&p, since, until).await?;
            let doc = ReviewDoc {
                review: &review,
                reflections: None,
                saved_at: None,
                comparison: None,
            };
            write(&doc, &args.out, || review_json(&review)).await
        }
        Some(ReviewCommand::Save {
            period: period_args,
            learned,
            changed,
            focus,
        }) => {
            let (since, until) = app
                .review_period(
                    &p,
                    period_args.since.as_deref(),
                    period_args.until.as_deref(),
                )
                .await?;
            let saved = app
                .save_review(
                    &p,
                    since,
                    until,
                    Reflections {
                        learned,
                        changed,
                        focus,
                    },
                )
                .await?;
            outln!(
                "Saved the review of {} as {}.",
                review_doc::period(&saved.data.review),
                saved.id
            );
            Ok(())
        }
        Some(ReviewCommand::List { json }) => {
            let all = app.saved_reviews(&p).await?;
            if json {
                let list: Vec<_> = all
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "id": s.id,
                            "from": s.data.review.from,
                            "to": s.data.review.to,
                            "saved_at": crate::json::rfc3339(s.data.saved_at, &tz),
                        })
                    })
                    .collect();
                return print_json(&serde_json::json!({ "reviews": list }));
            }
            if all.is_empty() {
                outln!("No saved reviews yet. `between review save` keeps one.");
            }
            for s in &all {
                outln!("{}  {}", s.id, review_doc::period(&s.data.review));
            }
            Ok(())
        }
        Some(ReviewCommand::Show { id, out }) => {
            let id = parse_id(&id, "a review")?;
            let shown = app.saved_review(&p, id).await?;
            let doc = ReviewDoc::of_saved(&shown);
            write(&doc, &out, || saved_review_json(&shown, &tz)).await
        }
        Some(ReviewCommand::Delete { id }) => {
            let id = parse_id(&id, "a review")?;
            app.delete_review(&p, id).await?;
            outln!("Deleted the review {id}.");
            Ok(())
        }
        Some(ReviewCommand::Every { weeks }) => {
            let mut prefs = app.agenda_prefs(&p).await?;
            prefs.review_weeks = weeks;
            app.set_agenda_prefs(&p, prefs).await?;
            outln!("A progress review is now due every {weeks} weeks.");
            Ok(())
        }
        Some(ReviewCommand::Due) => {
            match app.review_due(&p).await? {
                Some(day) if day <= app.now().to_zoned(tz.clone()).date() => {
                    outln!(
                        "A progress review is due (since {}).",
                        day.strftime("%-d %B %Y")
                    )
                }
                Some(day) => outln!(
                    "The next progress review is due on {}.",
                    day.strftime("%-d %B %Y")
                ),
                None => outln!("No review is due: there is nothing to review yet."),
            }
            Ok(())
        }
    }
}

async fn write(
    doc: &ReviewDoc<'_>,
    out: &Output,
    json: impl FnOnce() -> serde_json::Value,
) -> CliResult {
    let format = if out.json { Format::Json } else { out.format };
    let bytes = match format {
        Format::Json => {
            let value = json();
            if out.output.is_none() {
                return print_json(&value);
            }
            serde_json::to_vec_pretty(&value).context("could not encode JSON")?
        }
        Format::Text => review_doc::text(doc).into_bytes(),
        Format::Md => review_doc::markdown(doc).into_bytes(),
        Format::Html => review_doc::html(doc)
            .map_err(|e| CliError::System(anyhow::anyhow!("could not render the page: {e}")))?
            .into_bytes(),
        Format::Pdf => review_doc::pdf(doc)
            .await
            .map_err(|e| CliError::System(e.into()))?,
    };
    match &out.output {
        Some(path) => super::output::write_private_file(
            path,
            &bytes,
            super::output::Replace::Allowed,
            "a document",
        )?,
        None => super::output::write_bytes(&bytes),
    }
    Ok(())
}
