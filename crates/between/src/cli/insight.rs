//! `between insight …`: capture what to remember from a session in seconds.

use between_app::insights::LinkTo;
use between_app::records::Stored;
use between_domain::insight::{Insight, InsightKind};
use clap::{Args, Subcommand};

use super::output::print_json;
use super::question::parse_id;
use super::{CliResult, Context};
use crate::json::InsightJson;

#[derive(Debug, Subcommand)]
pub enum InsightCommand {
    /// Record an insight, takeaway or strategy; prints its id.
    Add(AddArgs),
    /// List insights, oldest first.
    List(JsonArg),
    /// Find insights containing every word of QUERY.
    Search(SearchArgs),
    /// Delete an insight.
    Delete(IdArg),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    text: String,
    /// takeaway, insight, strategy or other.
    #[arg(long, default_value = "insight")]
    kind: String,
    /// Link it to this appointment.
    #[arg(long, value_name = "ID", conflicts_with = "last")]
    appointment: Option<String>,
    /// Link it to the last attended appointment.
    #[arg(long)]
    last: bool,
    #[arg(long = "tag", value_name = "T")]
    tags: Vec<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct JsonArg {
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

fn print(list: &[Stored<Insight>], tz: &jiff::tz::TimeZone, json: bool) -> CliResult {
    if json {
        return print_json(
            &list
                .iter()
                .map(|i| InsightJson::new(i, tz))
                .collect::<Vec<_>>(),
        );
    }
    if list.is_empty() {
        outln!("No insights.");
    }
    for i in list {
        let date = i.created_at.to_zoned(tz.clone()).strftime("%Y-%m-%d");
        let tags: String = i.data.tags.iter().map(|t| format!(" #{t}")).collect();
        outln!(
            "{date}  [{}] {}{tags}  {}",
            i.data.kind.as_str(),
            i.data.text,
            i.id
        );
    }
    Ok(())
}

pub async fn run(ctx: &Context, cmd: InsightCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        InsightCommand::Add(args) => {
            let kind = InsightKind::parse(&args.kind)?;
            let link = match (args.appointment, args.last) {
                (Some(a), _) => LinkTo::Appointment(parse_id(&a, "an appointment")?),
                (None, true) => LinkTo::Last,
                (None, false) => LinkTo::None,
            };
            let i = app
                .add_insight(&p, &args.text, kind, link, args.tags)
                .await?;
            if args.json {
                print_json(&InsightJson::new(&i, &tz))
            } else {
                outln!("{}", i.id);
                Ok(())
            }
        }
        InsightCommand::List(args) => print(&app.insights(&p).await?, &tz, args.json),
        InsightCommand::Search(args) => {
            print(&app.search_insights(&p, &args.query).await?, &tz, args.json)
        }
        InsightCommand::Delete(args) => {
            let id = parse_id(&args.id, "an insight")?;
            app.delete_insight(&p, id).await?;
            if args.json {
                return print_json(&serde_json::json!({ "deleted": id }));
            }
            outln!("Deleted {id}.");
            Ok(())
        }
    }
}
