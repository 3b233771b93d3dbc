//! `between measure …`: take any instrument (prompted, or with --answers),
//! and list past results.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Context as _;
use between_domain::measure::{Cadence, Instrument, Response};
use between_domain::timespec;
use clap::{Args, Subcommand};

use super::output::print_json;
use super::{CliError, CliResult, Context};
use crate::json::{small_answers, MeasureJson};

#[derive(Debug, Subcommand)]
pub enum MeasureCommand {
    /// Answer a questionnaire: phq9, gad7, who5, pcl5 or pcl5-weekly.
    Take(TakeArgs),
    /// Past results, oldest first.
    List(ListArgs),
    /// How often an instrument is asked for (`--every 2w`,
    /// `--before-appointment [--days 2]`, `--once`, `--off`); without
    /// options, every instrument's schedule and what is due.
    Schedule(ScheduleArgs),
    /// As a therapist: ask a linked client for questionnaires, e.g.
    /// `between measure ask robin --ask pcl5-weekly=every:1w --ask phq9=before`.
    Ask(AskArgs),
    /// What your therapists asked you for, answered or not.
    Requests(JsonArgs),
    /// Accept a request: its questionnaires go on your schedule.
    Accept(AnswerArgs),
    /// Decline a request.
    Decline(AnswerArgs),
}

#[derive(Debug, Args)]
pub struct AskArgs {
    /// The client's name.
    client: String,
    /// INSTRUMENT=HOW-OFTEN: every:2w, before, before:3, once.
    #[arg(long = "ask", value_name = "INSTRUMENT=HOW-OFTEN", required = true)]
    ask: Vec<String>,
    /// A note for the client.
    #[arg(long, default_value = "")]
    note: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AnswerArgs {
    /// The request's id (from `between measure requests`).
    id: String,
    /// A note for your therapist.
    #[arg(long, default_value = "")]
    note: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// phq9, gad7, who5, pcl5 or pcl5-weekly.
    instrument: Option<String>,
    /// Every this long since the last one, in whole weeks: 2w, 14d.
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["before_appointment", "once", "off"])]
    every: Option<String>,
    /// From some days before each appointment until it starts.
    #[arg(long, conflicts_with_all = ["once", "off"])]
    before_appointment: bool,
    /// How many days before the appointment (1–14; 2 if not given).
    #[arg(long, requires = "before_appointment")]
    days: Option<i64>,
    /// Once, until taken.
    #[arg(long, conflicts_with = "off")]
    once: bool,
    /// Not asked for.
    #[arg(long)]
    off: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct TakeArgs {
    /// phq9, gad7, who5, pcl5 or pcl5-weekly.
    instrument: String,
    /// All answers at once, in order, e.g. 0,1,2,1,0,0,1,2,0 (0–3 for the
    /// PHQ-9 and GAD-7, 0–5 for the WHO-5, 0–4 for the PCL-5).
    #[arg(long, value_name = "LIST")]
    answers: Option<String>,
    /// The PHQ-9's unscored difficulty question, 0–3.
    #[arg(long)]
    difficulty: Option<i64>,
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
}

fn parse_answers(s: &str) -> CliResult<Vec<i64>> {
    s.split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.parse::<i64>().map_err(|_| {
                CliError::input(format!("\"{a}\" is not an answer: use a whole number"))
            })
        })
        .collect()
}

/// Asks each question on the terminal; or reads answers from piped stdin.
fn ask(instrument: Instrument) -> CliResult<Vec<i64>> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut all = String::new();
        for line in stdin.lock().lines() {
            all.push_str(&line.context("could not read the answers")?);
            all.push('\n');
        }
        return parse_answers(&all);
    }
    let def = instrument.def();
    let max = i64::from(def.max_answer());
    eprintln!("{}", def.stem);
    if !def.lead.is_empty() {
        eprintln!("{}", def.lead);
    }
    for c in def.choices {
        eprintln!("  {} = {}", c.value, c.label);
    }
    let mut answers = Vec::new();
    for (n, item) in def.items.iter().enumerate() {
        loop {
            eprint!("{}. {}: ", n + 1, item.text);
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if stdin
                .lock()
                .read_line(&mut line)
                .context("could not read the answer")?
                == 0
            {
                return Err(CliError::input(
                    "stopped before every question was answered; nothing was saved",
                ));
            }
            match line.trim().parse::<i64>() {
                Ok(a) if (0..=max).contains(&a) => {
                    answers.push(a);
                    break;
                }
                _ => eprintln!("   Please type a whole number from 0 to {max}."),
            }
        }
    }
    Ok(answers)
}

pub async fn run(ctx: &Context, cmd: MeasureCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        MeasureCommand::Take(args) => {
            let instrument = Instrument::parse(&args.instrument)?;
            let at = args
                .at
                .as_deref()
                .map(|a| {
                    timespec::parse_instant(a, &tz)
                        .map_err(|e| CliError::input(format!("--at: {e}")))
                })
                .transpose()?;
            match (args.difficulty, instrument.def().follow_up) {
                (Some(_), None) => {
                    return Err(CliError::input(format!(
                        "--difficulty: the {} has no difficulty question",
                        instrument.name()
                    )))
                }
                (Some(d), Some(_)) if !(0..=3).contains(&d) => {
                    return Err(CliError::input("--difficulty must be 0, 1, 2 or 3"))
                }
                _ => {}
            }
            let answers = match &args.answers {
                Some(list) => parse_answers(list)?,
                None => ask(instrument)?,
            };
            let response = Response {
                instrument,
                answers: small_answers(instrument, &answers)?,
                difficulty: args.difficulty.map(|d| d as u8),
            };
            let m = app.take_measure(&p, response, at).await?;
            if args.json {
                print_json(&MeasureJson::new(&m, &tz))?;
            } else {
                outln!(
                    "{}: {} ({})",
                    instrument.name(),
                    instrument.def().score_words(m.scored.points),
                    m.scored.severity.label()
                );
                if !instrument.def().screen_note.is_empty() {
                    outln!("{}", instrument.def().screen_note);
                }
                if let Some(c) = m.change {
                    outln!("Since last time: {}.", c.label());
                }
            }
            if m.scored.safety_alert {
                eprintln!();
                eprintln!("You said you have had thoughts of being better off dead or of hurting yourself.");
                eprintln!("If you might act on them or are not safe, contact someone now: your local emergency number,");
                eprintln!("988 in the US, 116 123 (Samaritans) in the UK and Ireland. Please tell your therapist too;");
                eprintln!("this is flagged for your next session. Between is not an emergency service and nobody watches these answers.");
            }
            Ok(())
        }
        MeasureCommand::Schedule(args) => schedule(&app, &p, args).await,
        MeasureCommand::Ask(args) => ask_for(&app, &p, args).await,
        MeasureCommand::Requests(args) => {
            let all = app.measure_requests(&p).await?;
            if args.json {
                return print_json(&all.iter().map(|r| request_json(r, &tz)).collect::<Vec<_>>());
            }
            if all.is_empty() {
                outln!("No questionnaires asked for.");
            }
            for r in &all {
                outln!(
                    "{}  {} asks: {}  ({})",
                    r.id,
                    r.therapist,
                    r.words(),
                    r.state.as_str()
                );
                if !r.note.is_empty() {
                    outln!("    {}", r.note);
                }
            }
            Ok(())
        }
        MeasureCommand::Accept(args) => answer(&app, &p, args, true, &tz).await,
        MeasureCommand::Decline(args) => answer(&app, &p, args, false, &tz).await,
        MeasureCommand::List(args) => {
            let all = app.measures(&p).await?;
            if args.json {
                return print_json(
                    &all.iter()
                        .map(|m| MeasureJson::new(m, &tz))
                        .collect::<Vec<_>>(),
                );
            }
            if all.is_empty() {
                outln!("No measures yet. Take one with `between measure take phq9`.");
            }
            for m in &all {
                let when = m
                    .response
                    .occurred_at
                    .to_zoned(tz.clone())
                    .strftime("%Y-%m-%d");
                let change = m
                    .change
                    .map(|c| format!("  ({})", c.label()))
                    .unwrap_or_default();
                let i = m.response.data.instrument;
                outln!(
                    "{when}  {:<6} {:>8} {}{change}",
                    i.name(),
                    i.def().score_words(m.scored.points),
                    m.scored.severity.label()
                );
            }
            Ok(())
        }
    }
}

/// The cadence the options ask for, if any.
fn cadence(args: &ScheduleArgs) -> CliResult<Option<Cadence>> {
    Ok(if let Some(every) = &args.every {
        Some(Cadence::parse_every(every)?)
    } else if args.before_appointment {
        let days = args.days.unwrap_or(2);
        Some(Cadence::BeforeAppointment {
            days: u8::try_from(days).unwrap_or(u8::MAX),
        })
    } else if args.once {
        Some(Cadence::Once)
    } else if args.off {
        Some(Cadence::Off)
    } else {
        None
    })
}

async fn schedule(
    app: &between_app::App,
    p: &between_app::Principal,
    args: ScheduleArgs,
) -> CliResult {
    let wanted = cadence(&args)?;
    let all = match (&args.instrument, wanted) {
        (Some(name), Some(c)) => {
            let instrument = Instrument::parse(name)?;
            app.set_measure_schedule(p, instrument, c).await?;
            app.measure_schedules(p)
                .await?
                .into_iter()
                .filter(|s| s.instrument == instrument)
                .collect()
        }
        (Some(name), None) => {
            let instrument = Instrument::parse(name)?;
            app.measure_schedules(p)
                .await?
                .into_iter()
                .filter(|s| s.instrument == instrument)
                .collect()
        }
        (None, Some(_)) => {
            return Err(CliError::input(
                "name the instrument to schedule, e.g. `between measure schedule pcl5-weekly --every 1w`",
            ))
        }
        (None, None) => app.measure_schedules(p).await?,
    };
    if args.json {
        return print_json(
            &all.iter()
                .map(|s| {
                    serde_json::json!({
                        "instrument": s.instrument.as_str(),
                        "cadence": s.cadence,
                        "own": s.own,
                        "requested_by": s.requested_by,
                        "due": s.due,
                    })
                })
                .collect::<Vec<_>>(),
        );
    }
    for s in &all {
        outln!(
            "{:<18} {}{}",
            s.instrument.name(),
            s.cadence.words(),
            if s.due { "  · due now" } else { "" }
        );
    }
    Ok(())
}

fn request_json(
    r: &between_app::measure_requests::MeasureRequest,
    tz: &jiff::tz::TimeZone,
) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "therapist": r.therapist,
        "client": r.client,
        "at": crate::json::rfc3339(r.at, tz),
        "asked": r.asked.iter().map(|a| serde_json::json!({
            "instrument": a.instrument.as_str(),
            "cadence": a.cadence,
        })).collect::<Vec<_>>(),
        "note": r.note,
        "state": r.state.as_str(),
        "reply": r.reply,
    })
}

async fn ask_for(app: &between_app::App, p: &between_app::Principal, args: AskArgs) -> CliResult {
    let mut asked = Vec::new();
    for spec in &args.ask {
        let (name, how) = spec.split_once('=').ok_or_else(|| {
            CliError::input(format!(
                "--ask {spec}: write INSTRUMENT=HOW-OFTEN, e.g. pcl5-weekly=every:1w"
            ))
        })?;
        asked.push(between_app::measure_requests::Asked {
            instrument: Instrument::parse(name)?,
            cadence: Cadence::parse(how)?,
        });
    }
    let r = app
        .request_measures(p, &args.client, asked, &args.note)
        .await?;
    if args.json {
        return print_json(&request_json(&r, &p.user.time_zone));
    }
    outln!(
        "Asked {} for: {}. They accept or decline it when they next sign in.",
        r.client,
        r.words()
    );
    Ok(())
}

async fn answer(
    app: &between_app::App,
    p: &between_app::Principal,
    args: AnswerArgs,
    accept: bool,
    tz: &jiff::tz::TimeZone,
) -> CliResult {
    let id = uuid::Uuid::parse_str(args.id.trim())
        .map_err(|_| CliError::input(format!("{} is not a request id", args.id.trim())))?;
    let r = app
        .answer_measure_request(p, id, accept, &args.note)
        .await?;
    if args.json {
        return print_json(&request_json(&r, tz));
    }
    if accept {
        outln!(
            "Accepted: {} is on your schedule (see `between measure schedule`).",
            r.words()
        );
    } else {
        outln!("Declined. {} will see your answer.", r.therapist);
    }
    Ok(())
}
