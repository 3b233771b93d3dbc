//! `between patterns`: what goes with what in the journal.

use between_domain::timespec;
use clap::Args;

use super::output::print_json;
use super::{CliError, CliResult, Context};

#[derive(Debug, Args)]
pub struct PatternsArgs {
    /// From when: a date or 90d, 3m, 1y (default 90d).
    #[arg(long, value_name = "WHEN", default_value = "90d")]
    since: String,
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: PatternsArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let range = timespec::parse_range(Some(&args.since), None, &p.user.time_zone, app.now())
        .map_err(|e| CliError::input(e.to_string()))?;
    let found = app.patterns(&p, range).await?;
    if args.json {
        return print_json(&found);
    }
    if found.findings.is_empty() {
        outln!("No clear patterns in this period yet.");
    }
    for f in &found.findings {
        outln!("- {}", f.sentence.replace('*', ""));
    }
    for n in found.needs.iter().take(5) {
        outln!("  ({})", n.replace('*', ""));
    }
    Ok(())
}
