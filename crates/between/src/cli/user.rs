//! `between user add`: create an account from the command line and print its
//! recovery code once.

use between_app::accounts::NewUser;
use between_app::Role;
use clap::{Args, Subcommand, ValueEnum};

use super::login::save_device_login;
use super::{read_password_stdin, CliError, CliResult, Context};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Prints its recovery code once: keep it safe.
    Add(AddArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Client,
    Therapist,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The name to sign in with.
    name: String,
    /// Read the password from standard input (required: passwords never go on the command line).
    #[arg(long)]
    password_stdin: bool,
    #[arg(long, value_enum, default_value = "client")]
    role: RoleArg,
    /// IANA time zone (default: this system's); a person's "day" is their local day.
    #[arg(long, value_name = "ZONE")]
    tz: Option<String>,
    /// Also save a device login on this machine, so later commands need no password.
    #[arg(long)]
    login: bool,
}

pub async fn run(ctx: &Context, cmd: UserCommand) -> CliResult {
    match cmd {
        UserCommand::Add(args) => add(ctx, args).await,
    }
}

/// The system's IANA zone name, or UTC.
pub fn system_zone() -> String {
    jiff::tz::TimeZone::system()
        .iana_name()
        .unwrap_or("UTC")
        .to_string()
}

async fn add(ctx: &Context, args: AddArgs) -> CliResult {
    if !args.password_stdin {
        return Err(CliError::input(
            "pass the password on standard input with --password-stdin",
        ));
    }
    let password = read_password_stdin()?;
    let app = ctx.app().await?;
    let zone = args.tz.unwrap_or_else(system_zone);
    let registered = app
        .register(NewUser {
            name: &args.name,
            password: &password,
            role: match args.role {
                RoleArg::Client => Role::Client,
                RoleArg::Therapist => Role::Therapist,
            },
            time_zone: &zone,
        })
        .await?;
    println!(
        "Created account \"{}\" ({}).",
        registered.user.name,
        registered.user.time_zone_name()
    );
    println!("Recovery code (shown once; without it a forgotten password means the data is lost):");
    println!("{}", registered.recovery_code);
    if args.login {
        save_device_login(ctx, &app, &registered.user.name, &password).await?;
        println!("Saved a device login for \"{}\".", registered.user.name);
    }
    Ok(())
}
