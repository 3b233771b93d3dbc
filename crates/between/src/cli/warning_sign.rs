//! `between warning-sign …`: the person's warning signs — step 1 of their
//! safety plan — as rules over their own data, and which match now.

use between_app::sharing::Link;
use between_app::warning_signs::SignView;
use between_domain::measure::Instrument;
use between_domain::warning_sign::{Rule, WarningSign};
use clap::{Args, Subcommand};

use super::output::print_json;
use super::{CliError, CliResult, Context};

#[derive(Debug, Subcommand)]
pub enum WarningSignCommand {
    /// Add one, e.g. `between warning-sign add "Not sleeping" --tracker sleep --below 6 --days 3`.
    Add(AddArgs),
    /// Every warning sign, and whether it matches now.
    List(JsonArgs),
    /// One warning sign.
    Show(IdArgs),
    Delete(IdArgs),
    /// Those that match now, with the next steps of your safety plan.
    Check(JsonArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// What you call it, in your own words.
    name: String,
    /// A tracker's key (see `between tracker list`), with --below or --above and --days.
    #[arg(long, conflicts_with_all = ["low_mood", "tag", "feeling", "measure_worse"])]
    tracker: Option<String>,
    #[arg(long, requires = "tracker", conflicts_with = "above")]
    below: Option<f64>,
    #[arg(long, requires = "tracker")]
    above: Option<f64>,
    /// Mood at this (1–10) or lower, on --days days --within N days.
    #[arg(long, conflicts_with_all = ["tag", "feeling", "measure_worse"])]
    low_mood: Option<u8>,
    /// A tag, --times times --within N days.
    #[arg(long, conflicts_with_all = ["feeling", "measure_worse"])]
    tag: Option<String>,
    /// A feeling at --at-least (0–10) --within N days.
    #[arg(long, conflicts_with = "measure_worse")]
    feeling: Option<String>,
    /// A questionnaire reliably worse: phq9, gad7, who5, pcl5, pcl5-weekly.
    #[arg(long)]
    measure_worse: Option<String>,
    /// Days in a row (--tracker) or days within the window (--low-mood).
    #[arg(long)]
    days: Option<u8>,
    #[arg(long, default_value_t = 7)]
    within: u8,
    #[arg(long, default_value_t = 2)]
    times: u8,
    #[arg(long, default_value_t = 7)]
    at_least: u8,
    /// Let this linked therapist's list of clients flag it when it matches
    /// (their name as in `between share list`; repeat for more).
    #[arg(long, value_name = "THERAPIST")]
    tell: Vec<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    id: String,
    #[arg(long)]
    json: bool,
}

fn rule_of(a: &AddArgs) -> Result<Rule, CliError> {
    if let Some(tracker) = &a.tracker {
        let (below, value) = match (a.below, a.above) {
            (Some(v), None) => (true, v),
            (None, Some(v)) => (false, v),
            _ => {
                return Err(CliError::input(
                    "with --tracker, say --below N or --above N",
                ))
            }
        };
        return Ok(Rule::Tracker {
            tracker: tracker.clone(),
            below,
            value,
            days: a.days.unwrap_or(3),
        });
    }
    if let Some(at_most) = a.low_mood {
        return Ok(Rule::LowMood {
            at_most,
            days: a.days.unwrap_or(2),
            window: a.within,
        });
    }
    if let Some(tag) = &a.tag {
        return Ok(Rule::Tag {
            tag: tag.clone(),
            times: a.times,
            window: a.within,
        });
    }
    if let Some(feeling) = &a.feeling {
        return Ok(Rule::Feeling {
            feeling: feeling.clone(),
            at_least: a.at_least,
            window: a.within,
        });
    }
    if let Some(name) = &a.measure_worse {
        return Ok(Rule::MeasureWorse {
            instrument: Instrument::parse(name)?,
        });
    }
    Err(CliError::input(
        "say what to look for: --tracker, --low-mood, --tag, --feeling or --measure-worse",
    ))
}

fn view_json(v: &SignView, links: &[Link]) -> serde_json::Value {
    crate::json::warning_sign_json(v, links)
}

fn line(v: &SignView, links: &[Link]) -> String {
    let state = match (&v.fired, &v.last) {
        (Some(f), _) => format!("matches now: {}", f.evidence),
        (None, Some(m)) => format!("last matched {}", m.last_seen),
        (None, None) => "not now".into(),
    };
    let told = crate::json::told(v, links);
    let told = if told.is_empty() {
        String::new()
    } else {
        format!(" [shown to {}]", told.join(", "))
    };
    format!(
        "{}  {} ({}) — {state}{told}",
        v.sign.id,
        v.sign.data.name,
        v.sign.data.rule.words()
    )
}

pub async fn run(ctx: &Context, cmd: WarningSignCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let parse_id = |id: &str| {
        uuid::Uuid::parse_str(id.trim())
            .map_err(|_| CliError::input(format!("{} is not a warning sign's id", id.trim())))
    };
    let links = app.client_links(&p).await?;
    match cmd {
        WarningSignCommand::Add(args) => {
            let tell = app.links_named(&p, &args.tell).await?;
            let sign = WarningSign {
                name: args.name.clone(),
                rule: rule_of(&args)?,
                tell,
            };
            let stored = app.add_warning_sign(&p, sign).await?;
            if args.json {
                return print_json(&serde_json::json!({"id": stored.id, "name": stored.data.name}));
            }
            outln!(
                "Added: {} ({}).",
                stored.data.name,
                stored.data.rule.words()
            );
            outln!("Between checks it when you write and when you sign in — nobody watches it in real time.");
            Ok(())
        }
        WarningSignCommand::List(args) => {
            let all = app.warning_signs(&p).await?;
            if args.json {
                return print_json(&all.iter().map(|v| view_json(v, &links)).collect::<Vec<_>>());
            }
            if all.is_empty() {
                outln!("No warning signs yet. Add one with `between warning-sign add`.");
            }
            for v in &all {
                outln!("{}", line(v, &links));
            }
            Ok(())
        }
        WarningSignCommand::Show(args) => {
            let id = parse_id(&args.id)?;
            let v = app
                .warning_signs(&p)
                .await?
                .into_iter()
                .find(|v| v.sign.id == id)
                .ok_or_else(|| {
                    CliError::from(between_app::AppError::NotFound(format!(
                        "The warning sign {id}"
                    )))
                })?;
            if args.json {
                return print_json(&view_json(&v, &links));
            }
            outln!("{}", line(&v, &links));
            Ok(())
        }
        WarningSignCommand::Delete(args) => {
            let id = parse_id(&args.id)?;
            app.delete_warning_sign(&p, id).await?;
            if !args.json {
                outln!("Deleted.");
            }
            Ok(())
        }
        WarningSignCommand::Check(args) => {
            app.check_warning_signs(&p).await?;
            let fired = app.warning_signs_fired(&p).await?;
            if args.json {
                return print_json(
                    &fired
                        .iter()
                        .map(|v| view_json(v, &links))
                        .collect::<Vec<_>>(),
                );
            }
            if fired.is_empty() {
                outln!("None of your warning signs matches now.");
                return Ok(());
            }
            for v in &fired {
                outln!("{}", line(v, &links));
            }
            let plan = app.safety_plan(&p).await?;
            for (field, heading, _) in between_app::measures::SAFETY_PLAN_SECTIONS
                .iter()
                .skip(1)
                .take(4)
            {
                let text = plan.get(field).trim();
                if !text.is_empty() {
                    outln!("{heading}: {text}");
                }
            }
            outln!("If you are not safe, call your local emergency number now (988 in the US, 116 123 in the UK and Ireland).");
            Ok(())
        }
    }
}
