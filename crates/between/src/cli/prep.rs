//! `between prep`: the agenda for the next appointment, drafted from
//! everything since the last attended session, and the edits that shape
//! (and save) it.

use std::path::PathBuf;

use anyhow::Context as _;
use between_app::agenda_saved::{Agenda, Change, Target};
use clap::{Args, Subcommand, ValueEnum};

use super::output::print_json;
use super::question::parse_id;
use super::{CliError, CliResult, Context};
use crate::agenda_doc;
use crate::json::{agenda_json, changes_json};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct PrepArgs {
    /// Which appointment's agenda (default: the next planned one).
    #[arg(long, global = true, value_name = "ID")]
    appointment: Option<String>,
    /// text, md (Markdown), json or pdf.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Same as --format json.
    #[arg(long)]
    json: bool,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<PrepCommand>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Md,
    Json,
    Pdf,
}

#[derive(Debug, Subcommand)]
enum PrepCommand {
    /// Add your own point.
    Add { text: String },
    /// Take a point off the agenda (by its number or id).
    Remove { item: String },
    /// Move a point to another position.
    Move {
        item: String,
        #[arg(long, value_name = "N")]
        to: usize,
    },
    /// Mark a point a top priority (it gets time first); --off unmarks.
    Top {
        item: String,
        #[arg(long)]
        off: bool,
    },
    /// Tick a point discussed (after the session: the last session's agenda
    /// unless --appointment says otherwise); --off unticks.
    Discussed {
        item: String,
        #[arg(long)]
        off: bool,
    },
    /// Save the draft as it is, so later data does not change it.
    Save,
    /// Show what changed in your data since the agenda was saved.
    Changes {
        #[arg(long)]
        json: bool,
    },
    /// Take those changes into the saved agenda.
    Refresh,
    /// Minutes a session has for the agenda (default 50).
    Minutes { minutes: u32 },
}

pub async fn run(ctx: &Context, args: PrepArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let chosen = match &args.appointment {
        Some(id) => Some(Target::Appointment(parse_id(id, "an appointment")?)),
        None => None,
    };
    let target = chosen.unwrap_or(Target::Next);
    let change = match args.command {
        None => None,
        Some(PrepCommand::Changes { json }) => {
            let (agenda, changes) = app.agenda_changes(&p, target).await?;
            if json {
                return print_json(&changes_json(&changes));
            }
            if !agenda.saved() {
                outln!("This agenda is still a draft: it already shows your latest data.");
            } else if changes.is_empty() {
                outln!("Nothing changed since the agenda was saved.");
            } else {
                for x in &changes.added {
                    outln!("+ {}", x.text);
                }
                for (before, now) in &changes.reworded {
                    outln!("~ {}\n  now: {}", before.text, now.text);
                }
                for x in &changes.gone {
                    outln!("- {}", x.text);
                }
                outln!("Run `between prep refresh` to take these in.");
            }
            return Ok(());
        }
        Some(PrepCommand::Minutes { minutes }) => {
            let mut prefs = app.agenda_prefs(&p).await?;
            prefs.session_minutes = minutes;
            app.set_agenda_prefs(&p, prefs).await?;
            outln!("Agendas now plan for {minutes}-minute sessions.");
            return Ok(());
        }
        Some(PrepCommand::Add { text }) => Some(Change::Add(text)),
        Some(PrepCommand::Remove { item }) => Some(Change::Remove(item)),
        Some(PrepCommand::Move { item, to }) => Some(Change::Move { which: item, to }),
        Some(PrepCommand::Top { item, off }) => Some(Change::Top {
            which: item,
            on: !off,
        }),
        Some(PrepCommand::Discussed { item, off }) => {
            let target = chosen.unwrap_or(Target::Last);
            let agenda = app
                .change_agenda(
                    &p,
                    target,
                    Change::Discussed {
                        which: item,
                        on: !off,
                    },
                )
                .await?;
            return show(&agenda, &tz, args.json, Format::Text, args.output).await;
        }
        Some(PrepCommand::Save) => Some(Change::Save),
        Some(PrepCommand::Refresh) => Some(Change::Refresh),
    };
    let agenda = match change {
        Some(change) => app.change_agenda(&p, target, change).await?,
        None => app.agenda(&p, target).await?,
    };
    // What therapists added is part of the agenda's text (agenda_doc).
    show(&agenda, &tz, args.json, args.format, args.output).await?;
    Ok(())
}

async fn show(
    agenda: &Agenda,
    tz: &jiff::tz::TimeZone,
    json: bool,
    format: Format,
    output: Option<PathBuf>,
) -> CliResult {
    let format = if json { Format::Json } else { format };
    let bytes = match format {
        Format::Json => {
            if output.is_none() {
                return print_json(&agenda_json(agenda, tz));
            }
            serde_json::to_vec_pretty(&agenda_json(agenda, tz)).context("could not encode JSON")?
        }
        Format::Text => agenda_doc::text(agenda, tz).into_bytes(),
        Format::Md => agenda_doc::markdown(agenda, tz).into_bytes(),
        Format::Pdf => agenda_doc::pdf(agenda, tz)
            .await
            .map_err(|e| CliError::System(e.into()))?,
    };
    match output {
        Some(path) => super::output::write_private_file(
            &path,
            &bytes,
            super::output::Replace::Allowed,
            "a document",
        )?,
        None => super::output::write_bytes(&bytes),
    }
    Ok(())
}
