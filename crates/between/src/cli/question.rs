//! `between question …`: capture questions for the therapist, list them
//! (open ones oldest first), record answers.

use between_app::records::Stored;
use between_domain::question::Question;
use clap::{Args, Subcommand};
use uuid::Uuid;

use super::output::print_json;
use super::{CliError, CliResult, Context};
use crate::json::QuestionJson;

#[derive(Debug, Subcommand)]
pub enum QuestionCommand {
    /// Capture a question; prints its id.
    Add(AddArgs),
    /// List questions, oldest first.
    List(ListArgs),
    /// Record the answer (and the appointment it was asked in).
    Answer(AnswerArgs),
    /// Find questions and answers containing every word of QUERY.
    Search(SearchArgs),
    /// Delete a question.
    Delete(IdArg),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    text: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only questions not yet answered.
    #[arg(long, conflicts_with = "answered")]
    open: bool,
    /// Only answered questions.
    #[arg(long)]
    answered: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AnswerArgs {
    id: String,
    #[arg(long, value_name = "TEXT")]
    answer: String,
    /// The appointment in which it was asked.
    #[arg(long, value_name = "ID")]
    appointment: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    query: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct IdArg {
    id: String,
    #[arg(long)]
    json: bool,
}

pub fn parse_id(s: &str, what: &str) -> CliResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| CliError::input(format!("\"{s}\" is not {what} id")))
}

fn print(list: &[Stored<Question>], tz: &jiff::tz::TimeZone, json: bool) -> CliResult {
    if json {
        return print_json(
            &list
                .iter()
                .map(|q| QuestionJson::new(q, tz))
                .collect::<Vec<_>>(),
        );
    }
    if list.is_empty() {
        outln!("No questions.");
    }
    for q in list {
        let date = q.created_at.to_zoned(tz.clone()).strftime("%Y-%m-%d");
        outln!("{date}  {}  {}", q.data.text, q.id);
        if let Some(a) = &q.data.answer {
            outln!("            → {a}");
        }
    }
    Ok(())
}

pub async fn run(ctx: &Context, cmd: QuestionCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        QuestionCommand::Add(args) => {
            let q = app.add_question(&p, &args.text).await?;
            if args.json {
                print_json(&QuestionJson::new(&q, &tz))
            } else {
                outln!("{}", q.id);
                Ok(())
            }
        }
        QuestionCommand::List(args) => {
            let list: Vec<_> = app
                .questions(&p)
                .await?
                .into_iter()
                .filter(|q| {
                    (!args.open || q.data.is_open()) && (!args.answered || !q.data.is_open())
                })
                .collect();
            print(&list, &tz, args.json)
        }
        QuestionCommand::Answer(args) => {
            let appointment = args
                .appointment
                .as_deref()
                .map(|a| parse_id(a, "an appointment"))
                .transpose()?;
            let q = app
                .answer_question(
                    &p,
                    parse_id(&args.id, "a question")?,
                    &args.answer,
                    appointment,
                )
                .await?;
            if args.json {
                print_json(&QuestionJson::new(&q, &tz))
            } else {
                outln!("Answered {}.", q.id);
                Ok(())
            }
        }
        QuestionCommand::Search(args) => print(
            &app.search_questions(&p, &args.query).await?,
            &tz,
            args.json,
        ),
        QuestionCommand::Delete(args) => {
            let id = parse_id(&args.id, "a question")?;
            app.delete_question(&p, id).await?;
            if args.json {
                return print_json(&serde_json::json!({ "deleted": id }));
            }
            outln!("Deleted {id}.");
            Ok(())
        }
    }
}
