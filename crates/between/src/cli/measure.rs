//! `between measure …`: take a PHQ-9 or GAD-7 (prompted, or with
//! --answers), and list past results.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Context as _;
use between_domain::measure::instrument::{ANSWERS, STEM};
use between_domain::measure::{Instrument, Response};
use between_domain::timespec;
use clap::{Args, Subcommand};

use super::output::print_json;
use super::{CliError, CliResult, Context};
use crate::json::{small_answers, MeasureJson};

#[derive(Debug, Subcommand)]
pub enum MeasureCommand {
    /// Answer a questionnaire: phq9 or gad7.
    Take(TakeArgs),
    /// Past results, oldest first.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct TakeArgs {
    /// phq9 or gad7.
    instrument: String,
    /// All answers at once, 0–3 each, e.g. 0,1,2,1,0,0,1,2,0.
    #[arg(long, value_name = "LIST")]
    answers: Option<String>,
    /// The unscored difficulty question, 0–3.
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
            a.parse::<i64>()
                .map_err(|_| CliError::input(format!("\"{a}\" is not an answer: use 0, 1, 2 or 3")))
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
    eprintln!("{STEM}");
    for (i, a) in ANSWERS.iter().enumerate() {
        eprintln!("  {i} = {a}");
    }
    let mut answers = Vec::new();
    for (n, item) in instrument.items().iter().enumerate() {
        loop {
            eprint!("{}. {item}: ", n + 1);
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
                Ok(a) if (0..=3).contains(&a) => {
                    answers.push(a);
                    break;
                }
                _ => eprintln!("   Please type 0, 1, 2 or 3."),
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
            if args.difficulty.is_some_and(|d| !(0..=3).contains(&d)) {
                return Err(CliError::input("--difficulty must be 0, 1, 2 or 3"));
            }
            let answers = match &args.answers {
                Some(list) => parse_answers(list)?,
                None => ask(instrument)?,
            };
            let response = Response {
                instrument,
                answers: small_answers(&answers)?,
                difficulty: args.difficulty.map(|d| d as u8),
            };
            let m = app.take_measure(&p, response, at).await?;
            if args.json {
                print_json(&MeasureJson::new(&m, &tz))?;
            } else {
                outln!(
                    "{}: {} of {} ({})",
                    instrument.name(),
                    m.scored.total,
                    instrument.max_total(),
                    m.scored.severity.label()
                );
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
                outln!(
                    "{when}  {:<6} {:>2}/{:<2} {}{change}",
                    m.response.data.instrument.name(),
                    m.scored.total,
                    m.response.data.instrument.max_total(),
                    m.scored.severity.label()
                );
            }
            Ok(())
        }
    }
}
