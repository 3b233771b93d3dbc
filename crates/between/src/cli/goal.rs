//! `between goal …`: concrete goals with measurable progress, check-ins and
//! periodic review.

use between_app::goals::GoalView;
use between_domain::goal::{GoalStatus, GAS_LEVELS};
use between_domain::timespec;
use clap::{Args, Subcommand};

use super::output::print_json;
use super::question::parse_id;
use super::{CliError, CliResult, Context};
use crate::json::{CheckInInput, GoalInput, GoalJson};

#[derive(Debug, Subcommand)]
pub enum GoalCommand {
    /// Add a goal measured by five GAS levels or by a number; prints its id.
    Add(AddArgs),
    /// List goals with their progress.
    List(JsonArg),
    /// Show one goal with its check-ins.
    Show(IdArgs),
    /// Record where you are: a GAS level or a value.
    Checkin(CheckinArgs),
    /// Goals due for review.
    ReviewDue(JsonArg),
    /// Set a goal active, paused, achieved or dropped (history is kept).
    SetStatus(StatusArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Something concrete, e.g. "Speak up once in every team meeting".
    title: String,
    /// Why it matters to you.
    #[arg(long, value_name = "TEXT", default_value = "")]
    why: String,
    /// anxiety, mood, relationships, sleep, work, self-esteem or other.
    #[arg(long)]
    area: Option<String>,
    /// A GAS level and what it looks like, e.g. --gas-level "0=Speak once per meeting"; give all five (-2 … 2).
    #[arg(
        long = "gas-level",
        value_name = "LEVEL=TEXT",
        allow_hyphen_values = true
    )]
    gas_levels: Vec<String>,
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    baseline: Option<f64>,
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    target: Option<f64>,
    /// The unit of a numeric goal, e.g. "panic attacks per week".
    #[arg(long, value_name = "U")]
    unit: Option<String>,
    #[arg(long)]
    lower_is_better: bool,
    /// How often to review it: Nd or Nw (default 4w).
    #[arg(long, value_name = "SPAN", default_value = "4w")]
    review_every: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct JsonArg {
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    id: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct CheckinArgs {
    id: String,
    /// The GAS level reached, -2 … 2.
    #[arg(long, allow_negative_numbers = true, conflicts_with = "value")]
    level: Option<i64>,
    /// The measured value.
    #[arg(long, allow_negative_numbers = true)]
    value: Option<f64>,
    /// When (default now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    id: String,
    /// active, paused, achieved or dropped.
    status: String,
    #[arg(long)]
    json: bool,
}

fn parse_days(s: &str) -> CliResult<i64> {
    let bad = || CliError::input(format!("--review-every \"{s}\" must look like 28d or 4w"));
    let s = s.trim();
    let (n, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = n.parse().map_err(|_| bad())?;
    match unit {
        "d" => Ok(n),
        "w" => Ok(n * 7),
        _ => Err(bad()),
    }
}

fn gas_levels(given: &[String]) -> CliResult<Option<Vec<String>>> {
    if given.is_empty() {
        return Ok(None);
    }
    let mut levels: [Option<String>; 5] = Default::default();
    for g in given {
        let bad = || {
            CliError::input(format!(
                "--gas-level \"{g}\" must look like LEVEL=TEXT with LEVEL from -2 to 2"
            ))
        };
        let (level, text) = g.split_once('=').ok_or_else(bad)?;
        let level: i64 = level
            .trim()
            .trim_start_matches('+')
            .parse()
            .map_err(|_| bad())?;
        let slot = usize::try_from(level + 2)
            .ok()
            .filter(|i| *i < 5)
            .ok_or_else(bad)?;
        levels[slot] = Some(text.to_string());
    }
    let missing: Vec<String> = GAS_LEVELS
        .iter()
        .zip(&levels)
        .filter(|(_, l)| l.is_none())
        .map(|((level, _), _)| format!("{level:+}"))
        .collect();
    if !missing.is_empty() {
        return Err(CliError::input(format!(
            "describe every GAS level: missing --gas-level for {}",
            missing.join(", ")
        )));
    }
    Ok(Some(
        levels.into_iter().map(Option::unwrap_or_default).collect(),
    ))
}

fn print_goal(v: &GoalView) {
    let g = &v.goal.data;
    let progress = match (&g.measure, v.progress) {
        (_, None) => "no check-in yet".to_string(),
        (between_domain::goal::Measure::Gas { .. }, Some(level)) => format!("level {level:+}"),
        (_, Some(p)) => format!("{:.0}% of the way", p * 100.0),
    };
    let due = if v.due_for_review { "  review due" } else { "" };
    outln!(
        "{:<9} {}  ({progress}){due}  {}",
        g.status.as_str(),
        g.title,
        v.goal.id
    );
}

pub async fn run(ctx: &Context, cmd: GoalCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        GoalCommand::Add(args) => {
            let input = GoalInput {
                title: args.title,
                why: args.why,
                area: args.area,
                gas_levels: gas_levels(&args.gas_levels)?,
                baseline: args.baseline,
                target: args.target,
                unit: args.unit,
                lower_is_better: args.lower_is_better,
                review_every_days: Some(parse_days(&args.review_every)?),
                status: None,
            };
            let v = app.add_goal(&p, input.parse()?).await?;
            if args.json {
                print_json(&GoalJson::new(&v, &tz))
            } else {
                outln!("{}", v.goal.id);
                Ok(())
            }
        }
        GoalCommand::List(args) => {
            let all = app.goals(&p).await?;
            if args.json {
                return print_json(
                    &all.iter()
                        .map(|v| GoalJson::new(v, &tz))
                        .collect::<Vec<_>>(),
                );
            }
            if all.is_empty() {
                outln!("No goals yet.");
            }
            all.iter().for_each(print_goal);
            Ok(())
        }
        GoalCommand::ReviewDue(args) => {
            let due = app.goals_due_for_review(&p).await?;
            if args.json {
                return print_json(
                    &due.iter()
                        .map(|v| GoalJson::new(v, &tz))
                        .collect::<Vec<_>>(),
                );
            }
            if due.is_empty() {
                outln!("No goal is due for review.");
            }
            due.iter().for_each(print_goal);
            Ok(())
        }
        GoalCommand::Show(args) => {
            let v = app.goal(&p, parse_id(&args.id, "a goal")?).await?;
            if args.json {
                return print_json(&GoalJson::new(&v, &tz));
            }
            print_goal(&v);
            for c in &v.check_ins {
                let at = c.occurred_at.to_zoned(tz.clone()).strftime("%Y-%m-%d");
                let what = c
                    .data
                    .level
                    .map(|l| format!("level {l:+}"))
                    .or(c.data.value.map(|x| format!("{x}")))
                    .unwrap_or_default();
                outln!("  {at}  {what}  {}", c.data.note);
            }
            Ok(())
        }
        GoalCommand::Checkin(args) => {
            let id = parse_id(&args.id, "a goal")?;
            let input = CheckInInput {
                level: args.level,
                value: args.value,
                at: args.at.clone(),
                note: args.note,
            };
            let at = args
                .at
                .as_deref()
                .map(|a| {
                    timespec::parse_instant(a, &tz)
                        .map_err(|e| CliError::input(format!("--at: {e}")))
                })
                .transpose()?;
            let v = app.check_in(&p, id, input.check_in()?, at).await?;
            if args.json {
                print_json(&GoalJson::new(&v, &tz))
            } else {
                print_goal(&v);
                Ok(())
            }
        }
        GoalCommand::SetStatus(args) => {
            let status = GoalStatus::parse(&args.status)?;
            let v = app
                .set_goal_status(&p, parse_id(&args.id, "a goal")?, status)
                .await?;
            print_goal(&v);
            Ok(())
        }
    }
}
