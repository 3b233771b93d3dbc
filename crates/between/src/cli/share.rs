//! Sharing with a therapist from the command line: `between share invite|
//! accept|list|scope|end`, `between access-log`, and for a therapist
//! `between clients` and `between client NAME`.

use between_app::private_links::LinkKind;
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
    Accept {
        /// The code (it may begin with "-", like any base64url text).
        #[arg(allow_hyphen_values = true)]
        code: String,
    },
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
    /// What therapist NAME sees about you: their page, built the way their
    /// app builds it from exactly the keys you shared (not logged as their view).
    Preview {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// End the link with NAME (either side); it takes effect at once.
    End { name: String },
    /// Confirm the link with therapist NAME after comparing their key's
    /// fingerprint (for a link your app cannot check on its own).
    Confirm { name: String },
    /// Send an agenda or a saved review as a private link that expires
    /// (prints its address).
    Link {
        /// agenda or review
        kind: String,
        /// The appointment (agenda; default: the next one) or the saved
        /// review's id.
        id: Option<String>,
        /// How long it stays open: 48h, 7d, 2w (at most 90 days).
        #[arg(long, default_value = "7d")]
        expires: String,
        /// Close it after this many views.
        #[arg(long)]
        max_views: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Your private links: what, until when, views, open or closed.
    Links {
        #[arg(long)]
        json: bool,
    },
    /// Close a private link at once.
    RevokeLink { id: String },
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    #[arg(long)]
    json: bool,
}

impl JsonArgs {
    pub fn json(&self) -> bool {
        self.json
    }
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    /// The client's account name.
    name: String,
    #[arg(long)]
    json: bool,
    /// Add a comment to the client's shared agenda.
    #[arg(long, conflicts_with = "point")]
    comment: Option<String>,
    /// Add a point of your own to the client's shared agenda.
    #[arg(long)]
    point: Option<String>,
    /// The agenda point a comment is about, by key (see `--json`).
    #[arg(long)]
    on: Option<String>,
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
            outln!("{url}");
            eprintln!(
                "Send this to your therapist: valid once, until {}. They can also run `between share accept {}`. Nothing is shared until you switch it on with `between share scope`.",
                invite.expires_at.to_zoned(tz.clone()).strftime("%-d %B %Y, %H:%M"),
                invite.code
            );
            Ok(())
        }
        ShareCommand::Accept { code } => {
            let link = app.accept_share_invite(&p, &code).await?;
            outln!("Linked with {}. They decide what you see.", link.client);
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
                            "confirmed": l.confirmed,
                            "therapist_fingerprint": l.therapist_fingerprint,
                        })
                    })
                    .collect();
                return print_json(&json!({ "shares": list }));
            }
            if links.is_empty() {
                outln!(
                    "No links. `between share invite` creates an invitation for your therapist."
                );
            }
            for l in &links {
                let shared = if l.scopes.is_empty() {
                    "nothing but your appointments".to_string()
                } else {
                    scope_names(&l.scopes).join(", ")
                };
                outln!(
                    "{} (since {}): {shared}",
                    l.with,
                    l.since.to_zoned(tz.clone()).strftime("%-d %B %Y")
                );
                if !l.confirmed {
                    outln!(
                        "  not confirmed: nothing is shared until you compare {}'s key fingerprint {} and run `between share confirm {}`",
                        l.with,
                        l.therapist_fingerprint.as_deref().unwrap_or("?"),
                        l.with
                    );
                }
            }
            if p.user.role == between_app::Role::Therapist {
                if let Some(f) = app.own_fingerprint(&p) {
                    outln!("Your key's fingerprint (for a client confirming a link): {f}");
                }
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
            outln!(
                "{} now sees: {}.",
                link.therapist,
                if link.scopes.is_empty() {
                    "nothing but your appointments".to_string()
                } else {
                    scope_names(&link.scopes).join(", ")
                }
            );
            if !off.is_empty() {
                outln!("What they already saw cannot be unseen; from now on they cannot open it.");
            }
            Ok(())
        }
        ShareCommand::Confirm { name } => {
            app.confirm_share(&p, &name).await?;
            outln!("The link with {name} is confirmed.");
            Ok(())
        }
        ShareCommand::Preview { name, json } => {
            // The same gathering as the therapist's `between client`.
            let page = app.preview_client_page(&p, name.trim()).await?;
            if !json {
                outln!(
                    "What {} sees about you (in their time zone; looking is not recorded as their view):",
                    page.link.therapist
                );
            }
            print_client_page(page, json)
        }
        ShareCommand::End { name } => {
            app.end_share(&p, &name).await?;
            outln!("The link with {name} has ended.");
            Ok(())
        }
        ShareCommand::Link {
            kind,
            id,
            expires,
            max_views,
            json,
        } => {
            let kind = LinkKind::parse(&kind).ok_or_else(|| {
                CliError::input(format!(
                    "\"{kind}\" cannot be sent as a link: use agenda or review."
                ))
            })?;
            let valid_for =
                between_domain::share::parse_length(&expires).map_err(CliError::input)?;
            let id = match id.as_deref() {
                None | Some("next") => None,
                Some(given) => Some(crate::cli::question::parse_id(given, "an id")?),
            };
            let (link, url) = crate::private_link_doc::create(
                &app,
                &p,
                kind,
                id,
                valid_for,
                max_views,
                &ctx.public_url,
            )
            .await?;
            if json {
                return print_json(&json!({
                    "id": link.id,
                    "url": url,
                    "kind": link.kind.as_str(),
                    "expires_at": rfc3339(link.expires_at, &tz),
                    "max_views": link.max_views,
                }));
            }
            outln!("{url}");
            eprintln!(
                "Opens \"{}\" until {}{}. Anyone with the link can open it; each opening shows in `between access-log`. Close it early with `between share revoke-link {}`.",
                link.title,
                link.expires_at.to_zoned(tz.clone()).strftime("%-d %B %Y, %H:%M"),
                link.max_views
                    .map(|n| format!(" or {n} views"))
                    .unwrap_or_default(),
                link.id
            );
            Ok(())
        }
        ShareCommand::Links { json } => {
            let links = app.private_links(&p).await?;
            if json {
                let list: Vec<_> = links
                    .iter()
                    .map(|l| crate::private_link_doc::json(l, &tz))
                    .collect();
                return print_json(&json!({ "private_links": list }));
            }
            if links.is_empty() {
                outln!("No private links. `between share link agenda` makes one.");
            }
            for l in &links {
                outln!(
                    "{}  {}  {}, until {}, {} {}",
                    l.id,
                    l.title,
                    l.state.as_str(),
                    l.expires_at
                        .to_zoned(tz.clone())
                        .strftime("%-d %b %Y %H:%M"),
                    l.views,
                    if l.views == 1 { "view" } else { "views" }
                );
            }
            Ok(())
        }
        ShareCommand::RevokeLink { id } => {
            let id = crate::cli::question::parse_id(&id, "a private link")?;
            app.revoke_private_link(&p, id).await?;
            outln!("The link is closed; opening it now shows that it was revoked.");
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
                    "details": a.details,
                })
            })
            .collect();
        return print_json(&json!({ "access_log": list }));
    }
    if log.is_empty() {
        outln!("Nobody has read anything of yours.");
    }
    for a in &log {
        let at = jiff::Timestamp::from_microsecond(a.at)
            .map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        if a.details.is_empty() {
            outln!("{at}  {}  {}", a.reader_name, a.what);
        } else {
            outln!(
                "{at}  {}  {}: {}",
                a.reader_name,
                a.what,
                a.details.join("; ")
            );
        }
    }
    Ok(())
}

pub async fn clients(ctx: &Context, args: JsonArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let list = app.client_summaries(&p).await?;
    if args.json {
        let list: Vec<_> = list
            .iter()
            .map(|c| {
                let l = &c.link;
                json!({
                    "name": l.client,
                    "since": rfc3339(l.since, &tz),
                    "scopes": scope_names(&l.scopes),
                    "summary": crate::client_doc::summary_json(c, &tz),
                })
            })
            .collect();
        return print_json(&json!({ "clients": list }));
    }
    if list.is_empty() {
        outln!("No linked clients yet. A client sends you an invitation code: `between share accept CODE`.");
    }
    for c in &list {
        let l = &c.link;
        outln!(
            "{}: shares {}",
            l.client,
            if l.scopes.is_empty() {
                "nothing yet".to_string()
            } else {
                scope_names(&l.scopes).join(", ")
            }
        );
        let s = crate::client_doc::SummaryText::of(c, &tz, app.now());
        outln!(
            "  next {} · {} · adherence {}{}",
            s.next,
            s.measures,
            s.adherence,
            if s.as_of.is_empty() {
                String::new()
            } else {
                format!(" ({})", s.as_of)
            }
        );
        for f in &s.flags {
            outln!("  ! {f}");
        }
    }
    Ok(())
}

/// What a linked client shares, scope by scope (each read is logged for
/// the client).
pub async fn client(ctx: &Context, args: ClientArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let link = app
        .clients(&p)
        .await?
        .into_iter()
        .find(|l| l.client == args.name.trim())
        .ok_or_else(|| CliError::input(format!("\"{}\" is not a linked client.", args.name)))?;
    if let Some((text, point)) = args
        .comment
        .clone()
        .map(|c| (c, false))
        .or(args.point.clone().map(|c| (c, true)))
    {
        let note = between_app::agenda_share::Note {
            text,
            point,
            on: args.on.clone(),
        };
        app.add_agenda_note(&p, &link.client, note).await?;
        outln!(
            "Added {} to {}'s agenda; only {} and you can read it.",
            if point { "your point" } else { "your comment" },
            link.client,
            link.client
        );
        return Ok(());
    }
    let page = app.client_page(&p, &link.client).await?;
    print_client_page(page, args.json)
}

/// A client's page as text or JSON: appointments, assigned practice and
/// each shared scope.
fn print_client_page(page: between_app::client_page::ClientPage, json: bool) -> CliResult {
    let (text, value) = crate::client_doc::page_text_and_json(page);
    if json {
        return print_json(&value);
    }
    out!("{text}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::super::{Cli, Command};
    use super::ShareCommand;

    #[test]
    fn an_invitation_code_may_begin_with_a_hyphen() {
        let cli = Cli::try_parse_from(["between", "share", "accept", "-oAbC_9"]).unwrap();
        let Command::Share(share) = cli.command else {
            panic!("not a share command")
        };
        assert!(matches!(share, ShareCommand::Accept { code } if code == "-oAbC_9"));
    }
}
