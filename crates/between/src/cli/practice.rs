//! `between practice …`: homework and exercises with schedules, logging,
//! today's list and adherence statistics.

use between_app::assignments::{Answer, Assignment};
use between_app::practices::PracticeView;
use between_domain::timespec;
use clap::{Args, Subcommand};
use jiff::civil::Date;
use jiff::Span;
use serde_json::json;

use super::output::print_json;
use super::question::parse_id;
use super::{CliError, CliResult, Context};
use crate::json::{stats_json, LogInput, LogJson, PracticeInput, PracticeJson};

#[derive(Debug, Subcommand)]
pub enum PracticeCommand {
    /// Add a practice; prints its id.
    Add(AddArgs),
    /// List practices with their adherence.
    List(JsonArg),
    /// Show one practice with its logs.
    Show(IdArgs),
    /// Change a practice: given flags replace those fields.
    Edit(EditArgs),
    /// Archive a practice (it stops being due; its history stays).
    Archive(ArchiveArgs),
    /// Log doing a practice (now, or --at a past time).
    Log(LogArgs),
    /// Remove a mistaken log.
    Unlog(IdArgs),
    /// What is due today.
    Today(JsonArg),
    /// Adherence and streaks per practice.
    Stats(StatsArgs),
    /// Practice your therapist assigned, waiting for your answer.
    Assigned(JsonArg),
    /// Take on an assigned practice (with another --schedule if you like).
    Accept(AcceptArgs),
    /// Decline an assigned practice, with a note for your therapist.
    Decline(DeclineArgs),
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    id: String,
    /// Another schedule: daily, mon,wed,fri, per-week:N, every:Nd, once:DATE.
    #[arg(long, value_name = "SPEC")]
    schedule: Option<String>,
    /// A note for your therapist.
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct DeclineArgs {
    id: String,
    /// Why, in a few words, for your therapist.
    #[arg(long, value_name = "TEXT")]
    note: String,
}

/// `between assign NAME --practice TITLE …`: a therapist assigns practice.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The client's account name.
    name: String,
    /// The practice's title.
    #[arg(long, value_name = "TITLE")]
    practice: String,
    #[command(flatten)]
    def: Definition,
    #[arg(long)]
    json: bool,
}

fn assignment_line(a: &Assignment) -> String {
    format!(
        "{}  {} ({}) from {}, {}{}",
        a.id,
        a.practice.title,
        a.practice.schedule.describe(),
        a.therapist,
        a.state.as_str(),
        crate::client_doc::assignment_reply(a)
    )
}

pub async fn assign(ctx: &Context, args: AssignArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let today = app.now().to_zoned(tz.clone()).date();
    if args.def.goal.is_some() {
        return Err(CliError::input(
            "--goal cannot be used here: you do not see your client's goals.",
        ));
    }
    let mut input = PracticeInput {
        title: args.practice,
        ..PracticeInput::default()
    };
    apply(&mut input, args.def);
    let a = app
        .assign_practice(&p, &args.name, input.parse(today)?)
        .await?;
    if args.json {
        return print_json(&crate::json::assignment_json(&a, &tz));
    }
    outln!("{}", a.id);
    eprintln!(
        "Assigned \"{}\" to {}; they see it when they next sign in and can accept, adjust or decline it.",
        a.practice.title, a.client
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct Definition {
    /// Instructions (what to do and how).
    #[arg(long, value_name = "TEXT")]
    instructions: Option<String>,
    /// Why it matters.
    #[arg(long, value_name = "TEXT")]
    why: Option<String>,
    /// thought-record, mindfulness, experiment, communication or free.
    #[arg(long)]
    template: Option<String>,
    /// daily, mon,wed,fri, per-week:N, every:Nd or once:DATE.
    #[arg(long, value_name = "SPEC")]
    schedule: Option<String>,
    /// A custom RFC 5545 rule instead of --schedule, e.g. "FREQ=MONTHLY;BYMONTHDAY=1".
    #[arg(long, value_name = "RRULE", conflicts_with = "schedule")]
    rrule: Option<String>,
    /// First day (default today).
    #[arg(long, value_name = "DATE")]
    start: Option<String>,
    /// Last day, inclusive.
    #[arg(long, value_name = "DATE")]
    end: Option<String>,
    /// The goal it serves.
    #[arg(long, value_name = "ID")]
    goal: Option<String>,
    /// Who assigned it: self, or a therapist's name.
    #[arg(long, value_name = "LABEL")]
    assigned_by: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    title: String,
    #[command(flatten)]
    def: Definition,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    id: String,
    #[arg(long)]
    title: Option<String>,
    #[command(flatten)]
    def: Definition,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    id: String,
    /// Bring an archived practice back.
    #[arg(long)]
    undo: bool,
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
pub struct LogArgs {
    id: String,
    /// When (default now): a past day or time is fine.
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[arg(long, allow_negative_numbers = true)]
    minutes: Option<i64>,
    /// How hard it was, 0–10.
    #[arg(long, allow_negative_numbers = true)]
    difficulty: Option<i64>,
    /// Notes, e.g. "couldn't do it because…".
    #[arg(long, value_name = "TEXT", default_value = "")]
    note: String,
    /// A field of the practice's template, e.g. --field intensity_before=8.
    #[arg(long = "field", value_name = "KEY=VALUE")]
    fields: Vec<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// One practice (default: all).
    id: Option<String>,
    #[arg(long, value_name = "DATE", requires = "to", conflicts_with = "weeks")]
    from: Option<String>,
    #[arg(long, value_name = "DATE", requires = "from")]
    to: Option<String>,
    /// The last N weeks.
    #[arg(long)]
    weeks: Option<u32>,
    #[arg(long)]
    json: bool,
}

fn apply(input: &mut PracticeInput, def: Definition) {
    if let Some(v) = def.instructions {
        input.instructions = v;
    }
    if let Some(v) = def.why {
        input.why = v;
    }
    if def.template.is_some() {
        input.template = def.template;
    }
    if def.schedule.is_some() {
        input.schedule = def.schedule;
        input.rrule = None;
    }
    if def.rrule.is_some() {
        input.rrule = def.rrule;
        input.schedule = None;
    }
    if def.start.is_some() {
        input.start = def.start;
    }
    if def.end.is_some() {
        input.end = def.end;
    }
    if def.assigned_by.is_some() {
        input.assigned_by = def.assigned_by;
    }
}

fn line(v: &PracticeView) -> String {
    let p = &v.practice.data;
    let s = &v.stats;
    let adherence = s
        .adherence
        .map(|a| format!("{:.0}%", a * 100.0))
        .unwrap_or_else(|| "–".into());
    let flag = if p.archived {
        " (archived)"
    } else if s.overdue {
        " overdue"
    } else if s.due_today {
        " due today"
    } else if s.done_today {
        " done today"
    } else {
        ""
    };
    format!(
        "{:<28} {:<24} adherence {adherence:>4}  streak {}/{}{flag}  {}",
        p.title,
        p.schedule.describe(),
        s.current_streak,
        s.longest_streak,
        v.practice.id
    )
}

fn date(field: &str, s: &str) -> CliResult<Date> {
    between_domain::timespec::parse_day(s).map_err(|e| CliError::input(format!("--{field}: {e}")))
}

pub async fn run(ctx: &Context, cmd: PracticeCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let today = app.now().to_zoned(tz.clone()).date();
    match cmd {
        PracticeCommand::Add(args) => {
            let goal = args
                .def
                .goal
                .as_deref()
                .map(|g| parse_id(g, "a goal"))
                .transpose()?;
            let mut input = PracticeInput {
                title: args.title,
                goal_id: goal,
                ..PracticeInput::default()
            };
            apply(&mut input, args.def);
            let v = app.add_practice(&p, input.parse(today)?).await?;
            if args.json {
                print_json(&PracticeJson::new(&v, &tz))
            } else {
                outln!("{}", v.practice.id);
                Ok(())
            }
        }
        PracticeCommand::Edit(args) => {
            let id = parse_id(&args.id, "a practice")?;
            let current = app.practice(&p, id).await?;
            let mut input = PracticeInput::from_practice(&current.practice.data);
            if let Some(t) = args.title {
                input.title = t;
            }
            if let Some(g) = args.def.goal.as_deref() {
                input.goal_id = Some(parse_id(g, "a goal")?);
            }
            apply(&mut input, args.def);
            let v = app.update_practice(&p, id, input.parse(today)?).await?;
            if args.json {
                print_json(&PracticeJson::new(&v, &tz))
            } else {
                outln!("{}", line(&v));
                Ok(())
            }
        }
        PracticeCommand::List(args) => {
            let all = app.practices(&p).await?;
            if args.json {
                return print_json(
                    &all.iter()
                        .map(|v| PracticeJson::new(v, &tz))
                        .collect::<Vec<_>>(),
                );
            }
            if all.is_empty() {
                outln!("No practices yet.");
            }
            all.iter().for_each(|v| outln!("{}", line(v)));
            Ok(())
        }
        PracticeCommand::Show(args) => {
            let v = app.practice(&p, parse_id(&args.id, "a practice")?).await?;
            if args.json {
                let mut value = serde_json::to_value(PracticeJson::new(&v, &tz))
                    .map_err(|e| CliError::System(e.into()))?;
                value["logs"] = json!(v
                    .logs
                    .iter()
                    .map(|l| LogJson::new(l, &tz))
                    .collect::<Vec<_>>());
                return print_json(&value);
            }
            outln!("{}", line(&v));
            if !v.practice.data.instructions.is_empty() {
                outln!("{}", v.practice.data.instructions);
            }
            for l in &v.logs {
                let at = l
                    .occurred_at
                    .to_zoned(tz.clone())
                    .strftime("%Y-%m-%d %H:%M");
                outln!("  {at}  {}  {}", l.data.note, l.id);
            }
            Ok(())
        }
        PracticeCommand::Archive(args) => {
            let v = app
                .archive_practice(&p, parse_id(&args.id, "a practice")?, !args.undo)
                .await?;
            if args.json {
                print_json(&PracticeJson::new(&v, &tz))
            } else {
                outln!("{}", line(&v));
                Ok(())
            }
        }
        PracticeCommand::Log(args) => {
            let id = parse_id(&args.id, "a practice")?;
            let practice = app.practice(&p, id).await?;
            let mut fields = std::collections::BTreeMap::new();
            for f in &args.fields {
                let (k, v) = f.split_once('=').ok_or_else(|| {
                    CliError::input(format!("--field \"{f}\" must look like KEY=VALUE"))
                })?;
                fields.insert(k.trim().to_string(), json!(v));
            }
            let input = LogInput {
                at: None,
                minutes: args.minutes,
                difficulty: args.difficulty,
                note: args.note,
                fields,
            };
            let log = input.log(practice.practice.data.template)?;
            let at = args
                .at
                .as_deref()
                .map(|a| {
                    timespec::parse_instant(a, &tz)
                        .map_err(|e| CliError::input(format!("--at: {e}")))
                })
                .transpose()?;
            let (stored, v) = app.log_practice(&p, id, log, at).await?;
            if args.json {
                print_json(&LogJson::new(&stored, &tz))
            } else {
                outln!("{}", stored.id);
                eprintln!("{}", line(&v));
                Ok(())
            }
        }
        PracticeCommand::Unlog(args) => {
            let v = app.unlog_practice(&p, parse_id(&args.id, "a log")?).await?;
            if args.json {
                print_json(&PracticeJson::new(&v, &tz))
            } else {
                outln!("Removed. {}", line(&v));
                Ok(())
            }
        }
        PracticeCommand::Today(args) => {
            let due = app.practices_today(&p).await?;
            if args.json {
                return print_json(
                    &due.iter()
                        .map(|v| PracticeJson::new(v, &tz))
                        .collect::<Vec<_>>(),
                );
            }
            if due.is_empty() {
                outln!("Nothing due today.");
            }
            due.iter().for_each(|v| outln!("{}", line(v)));
            Ok(())
        }
        PracticeCommand::Assigned(args) => {
            let list = app.assignments(&p).await?;
            if args.json {
                let list: Vec<_> = list
                    .iter()
                    .map(|a| crate::json::assignment_json(a, &tz))
                    .collect();
                return print_json(&json!({ "assignments": list }));
            }
            if list.is_empty() {
                outln!("Nothing assigned by a therapist.");
            }
            for a in &list {
                outln!("{}", assignment_line(a));
            }
            Ok(())
        }
        PracticeCommand::Accept(args) => {
            let id = parse_id(&args.id, "an assignment")?;
            let schedule = args
                .schedule
                .as_deref()
                .map(between_domain::practice::schedule::Schedule::parse)
                .transpose()
                .map_err(between_app::AppError::from)?;
            let (_, view) = app
                .answer_assignment(
                    &p,
                    id,
                    Answer::Accept {
                        schedule,
                        note: args.note,
                    },
                )
                .await?;
            let view = view.ok_or_else(|| CliError::input("Nothing was added."))?;
            if args.json {
                return print_json(&PracticeJson::new(&view, &tz));
            }
            outln!("{}", line(&view));
            Ok(())
        }
        PracticeCommand::Decline(args) => {
            let id = parse_id(&args.id, "an assignment")?;
            let (a, _) = app
                .answer_assignment(&p, id, Answer::Decline { note: args.note })
                .await?;
            outln!(
                "Declined \"{}\"; {} sees your note.",
                a.practice.title,
                a.therapist
            );
            Ok(())
        }
        PracticeCommand::Stats(args) => {
            let (from, to) = match (args.from, args.to, args.weeks) {
                (Some(f), Some(t), _) => (date("from", &f)?, date("to", &t)?),
                (_, _, Some(w)) => (
                    today
                        .checked_sub(Span::new().weeks(i64::from(w)))
                        .unwrap_or(today),
                    today,
                ),
                _ => (Date::MIN, today),
            };
            if from > to {
                return Err(CliError::input(format!("--from {from} is after --to {to}")));
            }
            let all = match args.id {
                Some(id) => vec![app.practice(&p, parse_id(&id, "a practice")?).await?],
                None => app.practices(&p).await?,
            };
            let rows: Vec<_> = all
                .iter()
                .map(|v| {
                    let s = v.stats_between(&tz, from, to, today);
                    let mut value = stats_json(&s);
                    value["id"] = json!(v.practice.id);
                    value["title"] = json!(v.practice.data.title);
                    value
                })
                .collect();
            if args.json {
                return print_json(&rows);
            }
            for r in &rows {
                let adherence = r["adherence"]
                    .as_f64()
                    .map(|a| format!("{:.0}%", a * 100.0))
                    .unwrap_or_else(|| "–".into());
                outln!(
                    "{:<28} {adherence:>4}  {}/{} done  streak {} (longest {})",
                    r["title"].as_str().unwrap_or(""),
                    r["done"],
                    r["scheduled"],
                    r["current_streak"],
                    r["longest_streak"]
                );
            }
            Ok(())
        }
    }
}
