//! `between security-log`: every change to how you get into your account,
//! newest first, with what exactly (sealed to you in the database).

use serde_json::json;

use super::output::print_json;
use super::share::JsonArgs;
use super::{CliResult, Context};

pub async fn run(ctx: &Context, args: JsonArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let log = app.security_log(&p).await?;
    if args.json() {
        let list: Vec<_> = log
            .iter()
            .map(|l| crate::json::security_log_json(l, &tz))
            .collect();
        return print_json(&json!({ "security_log": list }));
    }
    if log.is_empty() {
        outln!("Nothing yet.");
    }
    for l in &log {
        let at = l.at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M");
        if l.details.is_empty() {
            outln!("{at}  {}", l.sentence());
        } else {
            outln!("{at}  {} {}", l.sentence(), l.details.join("; "));
        }
    }
    Ok(())
}
