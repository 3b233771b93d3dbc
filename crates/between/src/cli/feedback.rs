//! `between feedback add`: a 30-second check after an attended session.

use clap::{Args, Subcommand};

use super::output::print_json;
use super::question::parse_id;
use super::{CliResult, Context};
use crate::json::{FeedbackInput, FeedbackJson};

#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// Rate an attended session (0–10 each); replaces earlier feedback on it.
    Add(AddArgs),
    /// Every session's feedback, oldest first, with low/falling flags.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The appointment's id.
    appointment: String,
    /// "I felt heard and respected", 0–10.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    heard: i64,
    /// "We worked on what I wanted to work on", 0–10.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    worked_on: i64,
    /// "The approach fits me", 0–10.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    approach: i64,
    /// "Overall, the session was right for me", 0–10.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    overall: i64,
    /// What is working.
    #[arg(long, value_name = "TEXT", default_value = "")]
    working: String,
    /// What I would change.
    #[arg(long, value_name = "TEXT", default_value = "")]
    change: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, cmd: FeedbackCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        FeedbackCommand::Add(args) => {
            let appointment = parse_id(&args.appointment, "an appointment")?;
            let fb = FeedbackInput {
                heard: Some(args.heard),
                worked_on: Some(args.worked_on),
                approach: Some(args.approach),
                overall: Some(args.overall),
                working: args.working,
                change: args.change,
            }
            .parse()?;
            let rated = app.set_feedback(&p, appointment, fb).await?;
            if args.json {
                return print_json(&FeedbackJson::new(&rated, &tz));
            }
            let f = &rated.feedback.data;
            outln!("Saved: {} of 40.", f.total());
            if rated.low {
                outln!("This session scored low; it will be raised on your next agenda.");
            }
            if rated.falling {
                outln!("Your ratings are falling compared with recent sessions.");
            }
            Ok(())
        }
        FeedbackCommand::List(args) => {
            let all = app.all_feedback(&p).await?;
            if args.json {
                return print_json(
                    &all.iter()
                        .map(|r| FeedbackJson::new(r, &tz))
                        .collect::<Vec<_>>(),
                );
            }
            if all.is_empty() {
                outln!("No feedback yet.");
            }
            for r in &all {
                let f = &r.feedback.data;
                let date = r
                    .feedback
                    .occurred_at
                    .to_zoned(tz.clone())
                    .strftime("%Y-%m-%d");
                let flags = [(r.low, " low"), (r.falling, " falling")]
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, s)| *s)
                    .collect::<String>();
                outln!(
                    "{date}  {}/{}/{}/{}  total {:>2}{flags}",
                    f.heard,
                    f.worked_on,
                    f.approach,
                    f.overall,
                    f.total()
                );
            }
            Ok(())
        }
    }
}
