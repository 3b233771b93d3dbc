//! `between wins`: milestones reached, oldest first.

use clap::Args;

use super::output::print_json;
use super::{CliResult, Context};

#[derive(Debug, Args)]
pub struct WinsArgs {
    #[arg(long)]
    json: bool,
}

pub async fn run(ctx: &Context, args: WinsArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let wins = app.wins(&p).await?;
    if args.json {
        return print_json(&wins);
    }
    if wins.is_empty() {
        outln!("No wins yet: they come with your first entry, practice or check-in.");
    }
    for w in &wins {
        outln!("{}  {}", w.date, w.title);
    }
    Ok(())
}
