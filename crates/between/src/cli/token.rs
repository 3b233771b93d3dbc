//! `between token …`: personal access tokens for the JSON API.

use anyhow::Context as _;
use between_app::sessions::CredentialInfo;
use between_app::throttle::Attempt;
use between_app::Access;
use between_store::CredentialKind;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use uuid::Uuid;

use super::{read_password_stdin, CliError, CliResult, Context};
use crate::json::rfc3339;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; the token is printed once.
    Create(CreateArgs),
    /// List tokens and device logins.
    List(ListArgs),
    /// Revoke a token, device login or session by id.
    Revoke(RevokeArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScopeArg {
    /// Read and write everything.
    ReadWrite,
    /// Add journal entries only, read nothing (e.g. for a phone shortcut).
    WriteOnly,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A label to recognise the token by.
    #[arg(long, value_name = "LABEL", default_value = "")]
    name: String,
    #[arg(long, value_enum, default_value = "read-write")]
    scope: ScopeArg,
    /// The token stops working after this many days (1–3650); without it,
    /// it works until revoked.
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u16).range(1..=3650))]
    expires_days: Option<u16>,
    /// Read the account's password from standard input (required: a token
    /// opens the account until revoked, so making one needs the password).
    #[arg(long)]
    password_stdin: bool,
    /// The code your authenticator app shows, for an account with
    /// two-step sign-in.
    #[arg(long, value_name = "CODE")]
    totp: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    id: String,
}

pub async fn run(ctx: &Context, cmd: TokenCommand) -> CliResult {
    // The password is read before anything else happens.
    let password = match &cmd {
        TokenCommand::Create(args) if !args.password_stdin => {
            return Err(CliError::input(
                "a token opens your account until revoked: pass your password on standard input with --password-stdin",
            ))
        }
        TokenCommand::Create(_) => Some(read_password_stdin()?),
        _ => None,
    };
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    let info_json = |c: &CredentialInfo| {
        json!({
            "id": c.id,
            "kind": c.kind.as_str(),
            "name": c.label,
            "scope": c.access.as_str(),
            "created_at": rfc3339(c.created_at, &tz),
            "last_used_at": c.last_used_at.map(|t| rfc3339(t, &tz)),
            "expires_at": c.expires_at.map(|t| rfc3339(t, &tz)),
        })
    };
    match cmd {
        TokenCommand::Create(args) => {
            let access = match args.scope {
                ScopeArg::ReadWrite => Access::Full,
                ScopeArg::WriteOnly => Access::WriteOnly,
            };
            let confirmed = app
                .confirm(
                    &p,
                    password.as_deref().unwrap_or_default(),
                    args.totp.as_deref(),
                    &Attempt::from("cli"),
                )
                .await
                .map_err(|e| super::login::code_hint(e, args.totp.as_deref()))?;
            let expires_at = args
                .expires_days
                .map(|days| app.now() + jiff::SignedDuration::from_hours(24 * i64::from(days)));
            let (info, secret) = app
                .create_token_until(&p, confirmed, &args.name, access, expires_at)
                .await?;
            if args.json {
                let mut value = info_json(&info);
                value["token"] = json!(secret);
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&value).context("could not encode JSON")?
                );
            } else {
                outln!("{secret}");
            }
        }
        TokenCommand::List(args) => {
            let creds: Vec<CredentialInfo> = app
                .credentials(&p)
                .await?
                .into_iter()
                .filter(|c| c.kind != CredentialKind::Session)
                .collect();
            if args.json {
                let list: Vec<_> = creds.iter().map(info_json).collect();
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&list).context("could not encode JSON")?
                );
            } else if creds.is_empty() {
                outln!("No tokens or device logins.");
            } else {
                for c in &creds {
                    let used = c
                        .last_used_at
                        .map(|t| {
                            t.to_zoned(tz.clone())
                                .strftime("%Y-%m-%d %H:%M")
                                .to_string()
                        })
                        .unwrap_or_else(|| "never used".into());
                    let expires = c
                        .expires_at
                        .filter(|_| c.kind != CredentialKind::Session)
                        .map(|t| {
                            format!(
                                "  expires {}",
                                t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M")
                            )
                        })
                        .unwrap_or_default();
                    let this = if c.id == p.credential_id {
                        "  (this device)"
                    } else {
                        ""
                    };
                    outln!(
                        "{}  {:<6}  {:<10}  {:<24}  {used}{expires}{this}",
                        c.id,
                        c.kind.as_str(),
                        c.access.as_str(),
                        c.label
                    );
                }
            }
        }
        TokenCommand::Revoke(args) => {
            let id = Uuid::parse_str(args.id.trim())
                .map_err(|_| CliError::input(format!("\"{}\" is not a token id", args.id)))?;
            app.revoke_credential(&p, id).await?;
            outln!("Revoked {id}.");
        }
    }
    Ok(())
}
