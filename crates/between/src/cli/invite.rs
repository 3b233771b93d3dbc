//! `between invite create`: a one-time link for one person to create an
//! account from the web, when open registration is off.

use between_app::Role;
use clap::{Args, Subcommand};
use jiff::SignedDuration;

use super::user::RoleArg;
use super::{CliResult, Context};

#[derive(Debug, Subcommand)]
pub enum InviteCommand {
    /// Create an invitation and print its link (valid once).
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long, value_enum, default_value = "client")]
    role: RoleArg,
    /// How many days the link stays valid.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=90))]
    days: u32,
}

pub async fn run(ctx: &Context, cmd: InviteCommand) -> CliResult {
    let InviteCommand::Create(args) = cmd;
    let app = ctx.app().await?;
    let role = match args.role {
        RoleArg::Client => Role::Client,
        RoleArg::Therapist => Role::Therapist,
    };
    let invite = app
        .create_invite(role, SignedDuration::from_hours(24 * i64::from(args.days)))
        .await?;
    outln!(
        "{}/setup?invite={}",
        ctx.public_url.trim_end_matches('/'),
        invite.code
    );
    eprintln!(
        "Valid once, until {} (UTC), for a {} account.",
        invite.expires_at.strftime("%Y-%m-%d %H:%M"),
        invite.role.as_str()
    );
    Ok(())
}
