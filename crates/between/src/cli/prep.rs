//! `between prep`: the drafted agenda for the next appointment, from
//! everything since the last attended session.

use between_domain::agenda::{fits, Section};
use clap::Args;

use super::output::print_json;
use super::{CliResult, Context};
use crate::json::{agenda_json, SESSION_MINUTES};

#[derive(Debug, Args)]
pub struct PrepArgs {
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: PrepArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let draft = app.draft_agenda(&p).await?;
    let fit = fits(&draft.items, &[], SESSION_MINUTES);
    if args.json {
        return print_json(&agenda_json(&draft, &tz));
    }
    match draft.next_appointment {
        Some((_, at)) => println!(
            "Agenda for {}",
            at.to_zoned(tz.clone()).strftime("%A %-d %B %Y, %H:%M")
        ),
        None => println!("Agenda for your next session (none is planned yet)"),
    }
    if let Some(since) = draft.since {
        println!(
            "From what happened since {}.",
            since.to_zoned(tz.clone()).strftime("%-d %B")
        );
    }
    let mut section: Option<Section> = None;
    for (item, f) in draft.items.iter().zip(&fit) {
        if section != Some(item.section) {
            println!("\n{}", item.section.heading());
            section = Some(item.section);
        }
        println!(
            "- {}{}",
            item.text,
            if *f { "" } else { "  (if time allows)" }
        );
    }
    Ok(())
}
