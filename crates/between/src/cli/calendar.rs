//! `between calendar …`: the calendar as an .ics file, and the private feed link.

use clap::{Args, Subcommand};

use super::{CliResult, Context};

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Write appointments and practices as iCalendar to standard output.
    Export,
    /// Print the private calendar feed link (made on first use).
    Url(UrlArgs),
}

#[derive(Debug, Args)]
pub struct UrlArgs {
    /// Make a new link; the old one stops working.
    #[arg(long)]
    rotate: bool,
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, cmd: CalendarCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let base = ctx.public_url.trim_end_matches('/');
    match cmd {
        CalendarCommand::Export => {
            let data = app.calendar(&p).await?;
            let host = base
                .split("://")
                .nth(1)
                .unwrap_or("between.local")
                .split('/')
                .next()
                .unwrap_or("between.local");
            out!("{}", crate::ics::render(&data, host, app.now()));
        }
        CalendarCommand::Url(args) => {
            let secret = app.calendar_secret(&p, args.rotate).await?;
            let url = format!("{base}/ical/{secret}.ics");
            if args.json {
                super::output::print_json(&serde_json::json!({ "url": url }))?;
            } else {
                outln!("{url}");
            }
        }
    }
    Ok(())
}
