//! `between roadblocks`: signs that therapy may be stuck, each with a way
//! to raise it in the next session.

use between_domain::roadblocks::GUIDANCE;
use clap::Args;

use super::output::print_json;
use super::{CliResult, Context};

#[derive(Debug, Args)]
pub struct RoadblocksArgs {
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: RoadblocksArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let found = app.roadblocks(&p).await?;
    if args.json {
        return print_json(&serde_json::json!({ "roadblocks": found }));
    }
    if found.is_empty() {
        outln!("Nothing looks stuck right now.");
        return Ok(());
    }
    for r in &found {
        outln!("- {}", r.text);
        outln!("  You could say: \"{}\"", r.starter);
    }
    outln!();
    outln!("If therapy feels stuck:");
    for g in GUIDANCE {
        outln!("- {g}");
    }
    Ok(())
}
