//! `between trend`: the mood trend of a period, as a sentence or JSON.

use between_domain::timespec;
use clap::Args;

use super::output::print_json;
use super::{CliError, CliResult, Context};

#[derive(Debug, Args)]
pub struct TrendArgs {
    /// From when: a date or 1m, 3m, 1y (default: everything).
    #[arg(long, value_name = "WHEN")]
    since: Option<String>,
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: TrendArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let range = timespec::parse_range(args.since.as_deref(), None, &p.user.time_zone, app.now())
        .map_err(|e| CliError::input(e.to_string()))?;
    let t = app.mood_trend(&p, range).await?;
    if args.json {
        return print_json(&t);
    }
    outln!("{}", t.sentence);
    Ok(())
}
