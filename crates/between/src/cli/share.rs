//! Sharing with a therapist from the command line: `between share invite|
//! accept|list|scope|end`, `between access-log`, and for a therapist
//! `between clients` and `between client NAME`.

use between_domain::share::Scope;
use clap::{Args, Subcommand};
use serde_json::json;

use super::output::print_json;
use super::{CliError, CliResult, Context};
use crate::json::rfc3339;

#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// A one-time invitation (valid 7 days) for your therapist to link with you.
    Invite {
        #[arg(long)]
        json: bool,
    },
    /// As a therapist: accept a client's invitation code.
    Accept { code: String },
    /// Your links and what each one shares.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Switch what a linked therapist sees: agenda measures goals practice insights feedback journal.
    Scope {
        /// The therapist's account name.
        name: String,
        #[arg(long, num_args = 1.., value_name = "KIND")]
        on: Vec<String>,
        #[arg(long, num_args = 1.., value_name = "KIND")]
        off: Vec<String>,
    },
    /// End the link with NAME (either side); it takes effect at once.
    End { name: String },
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The client's account name.
    name: String,
    #[arg(long)]
    json: bool,
}

fn scopes(names: &[String]) -> CliResult<Vec<Scope>> {
    names
        .iter()
        .map(|n| {
            Scope::parse(n).ok_or_else(|| {
                CliError::input(format!(
                    "\"{n}\" is not something to share: use agenda, measures, goals, practice, insights, feedback or journal."
                ))
            })
        })
        .collect()
}

fn scope_names(list: &[Scope]) -> Vec<&'static str> {
    list.iter().map(|s| s.as_str()).collect()
}

pub async fn run(ctx: &Context, cmd: ShareCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        ShareCommand::Invite { json } => {
            let invite = app.create_share_invite(&p).await?;
            let url = format!(
                "{}/share/accept?code={}",
                ctx.public_url.trim_end_matches('/'),
                invite.code
            );
            if json {
                return print_json(&json!({
                    "code": invite.code,
                    "url": url,
                    "expires_at": rfc3339(invite.expires_at, &tz),
                }));
            }
            println!("{url}");
            eprintln!(
                "Send this to your therapist: valid once, until {}. They can also run `between share accept {}`. Nothing is shared until you switch it on with `between share scope`.",
                invite.expires_at.to_zoned(tz.clone()).strftime("%-d %B %Y, %H:%M"),
                invite.code
            );
            Ok(())
        }
        ShareCommand::Accept { code } => {
            let link = app.accept_share_invite(&p, &code).await?;
            println!("Linked with {}. They decide what you see.", link.client);
            Ok(())
        }
        ShareCommand::List { json } => {
            let links = app.shares(&p).await?;
            if json {
                let list: Vec<_> = links
                    .iter()
                    .map(|l| {
                        json!({
                            "id": l.id,
                            "client": l.client,
                            "therapist": l.therapist,
                            "since": rfc3339(l.since, &tz),
                            "scopes": scope_names(&l.scopes),
                        })
                    })
                    .collect();
                return print_json(&json!({ "shares": list }));
            }
            if links.is_empty() {
                println!(
                    "No links. `between share invite` creates an invitation for your therapist."
                );
            }
            for l in &links {
                let shared = if l.scopes.is_empty() {
                    "nothing but your appointments".to_string()
                } else {
                    scope_names(&l.scopes).join(", ")
                };
                println!(
                    "{} (since {}): {shared}",
                    l.with,
                    l.since.to_zoned(tz.clone()).strftime("%-d %B %Y")
                );
            }
            Ok(())
        }
        ShareCommand::Scope { name, on, off } => {
            if on.is_empty() && off.is_empty() {
                return Err(CliError::input(
                    "Say what to switch: --on KIND... and/or --off KIND...",
                ));
            }
            let link = app
                .set_share_scopes(&p, &name, &scopes(&on)?, &scopes(&off)?)
                .await?;
            println!(
                "{} now sees: {}.",
                link.therapist,
                if link.scopes.is_empty() {
                    "nothing but your appointments".to_string()
                } else {
                    scope_names(&link.scopes).join(", ")
                }
            );
            if !off.is_empty() {
                println!(
                    "What they already saw cannot be unseen; from now on they cannot open it."
                );
            }
            Ok(())
        }
        ShareCommand::End { name } => {
            app.end_share(&p, &name).await?;
            println!("The link with {name} has ended.");
            Ok(())
        }
    }
}

pub async fn access_log(ctx: &Context, args: JsonArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let log = app.access_log(&p).await?;
    if args.json {
        let list: Vec<_> = log
            .iter()
            .map(|a| {
                json!({
                    "who": a.reader_name,
                    "what": a.what,
                    "item_id": a.item_id,
                    "at": jiff::Timestamp::from_microsecond(a.at).ok().map(|t| rfc3339(t, &tz)),
                })
            })
            .collect();
        return print_json(&json!({ "access_log": list }));
    }
    if log.is_empty() {
        println!("Nobody has read anything of yours.");
    }
    for a in &log {
        let at = jiff::Timestamp::from_microsecond(a.at)
            .map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        println!("{at}  {}  {}", a.reader_name, a.what);
    }
    Ok(())
}

pub async fn clients(ctx: &Context, args: JsonArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let list = app.clients(&p).await?;
    if args.json {
        let list: Vec<_> = list
            .iter()
            .map(|l| json!({"name": l.client, "since": rfc3339(l.since, &tz), "scopes": scope_names(&l.scopes)}))
            .collect();
        return print_json(&json!({ "clients": list }));
    }
    if list.is_empty() {
        println!("No linked clients yet. A client sends you an invitation code: `between share accept CODE`.");
    }
    for l in &list {
        println!(
            "{}: shares {}",
            l.client,
            if l.scopes.is_empty() {
                "nothing yet".to_string()
            } else {
                scope_names(&l.scopes).join(", ")
            }
        );
    }
    Ok(())
}

/// What a linked client shares, scope by scope (each read is logged for
/// the client).
pub async fn client(ctx: &Context, args: ClientArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let link = app
        .clients(&p)
        .await?
        .into_iter()
        .find(|l| l.client == args.name.trim())
        .ok_or_else(|| CliError::input(format!("\"{}\" is not a linked client.", args.name)))?;
    let mut json_parts = serde_json::Map::new();
    let mut text = String::new();
    for scope in link.scopes.iter().copied().filter(|s| *s != Scope::Agenda) {
        let data = app.client_data(&p, &link.client, scope).await?;
        let (lines, items) = crate::client_doc::lines_and_json(&data, &tz);
        text.push_str(&format!("\n{}\n", scope.as_str()));
        if lines.is_empty() {
            text.push_str("  (nothing yet)\n");
        }
        for l in lines {
            text.push_str(&format!("  {l}\n"));
        }
        json_parts.insert(scope.as_str().to_string(), serde_json::Value::Array(items));
    }
    if args.json {
        return print_json(&json!({
            "name": link.client,
            "scopes": scope_names(&link.scopes),
            "shared": json_parts,
        }));
    }
    println!(
        "{} shares: {}",
        link.client,
        if link.scopes.is_empty() {
            "nothing yet".to_string()
        } else {
            scope_names(&link.scopes).join(", ")
        }
    );
    print!("{text}");
    Ok(())
}
