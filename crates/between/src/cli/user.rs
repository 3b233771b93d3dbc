//! `between user add`: create an account from the command line and print its
//! recovery code once. `between user delete`: delete one for good.

use between_app::accounts::NewUser;
use between_app::Role;
use clap::{Args, Subcommand, ValueEnum};

use super::login::save_device_login;
use super::{read_password_stdin, CliError, CliResult, Context};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Prints its recovery code once: keep it safe.
    Add(AddArgs),
    /// Delete an account and everything in it, for good (export it first).
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The account to delete.
    name: String,
    /// Type the account's name again to confirm.
    #[arg(long, value_name = "NAME")]
    confirm: String,
    /// Read the account's password from standard input (required: deleting
    /// is confirmed with the password even where a device login is saved).
    #[arg(long)]
    password_stdin: bool,
    /// The code your authenticator app shows, for an account with
    /// two-step sign-in.
    #[arg(long, value_name = "CODE")]
    totp: Option<String>,
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
        UserCommand::Delete(args) => delete(ctx, args).await,
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
    outln!(
        "Created account \"{}\" ({}).",
        registered.user.name,
        registered.user.time_zone_name()
    );
    outln!("Recovery code (shown once; without it a forgotten password means the data is lost):");
    outln!("{}", registered.recovery_code);
    if args.login {
        save_device_login(ctx, &app, &registered.user.name, &password, None).await?;
        outln!("Saved a device login for \"{}\".", registered.user.name);
    }
    Ok(())
}

async fn delete(ctx: &Context, args: DeleteArgs) -> CliResult {
    if args.confirm.trim().to_lowercase() != args.name.trim().to_lowercase() {
        return Err(CliError::input(format!(
            "--confirm must repeat the account's name (\"{}\"); nothing was deleted",
            args.name
        )));
    }
    if !args.password_stdin {
        return Err(CliError::input(
            "deleting an account needs its password: pass it on standard input with --password-stdin; nothing was deleted",
        ));
    }
    let password = read_password_stdin()?;
    let app = ctx.app().await?;
    // The saved device login of the account, or else a sign-in with the
    // password; either way the password is confirmed for the deletion.
    let p = match ctx.principal_for(&app, &args.name).await {
        Ok(p) => p,
        Err(_) => {
            let step = app
                .sign_in_step(
                    between_app::sessions::SignIn {
                        name: &args.name,
                        password: &password,
                        attempt: between_app::throttle::Attempt::from("cli"),
                        as_: between_app::sessions::SignInAs::Device,
                        label: "account deletion",
                    },
                    args.totp.as_deref(),
                )
                .await
                .map_err(|e| super::login::code_hint(e, args.totp.as_deref()))?;
            match step {
                between_app::sessions::SignInStep::Done(done) => done.principal,
                between_app::sessions::SignInStep::Code(_) => {
                    return Err(CliError::input(super::login::TOTP_NEEDED))
                }
            }
        }
    };
    let confirmed = app
        .confirm(
            &p,
            &password,
            args.totp.as_deref(),
            &between_app::throttle::Attempt::from("cli"),
        )
        .await
        .map_err(|e| super::login::code_hint(e, args.totp.as_deref()))?;
    app.delete_account(&p, confirmed, &args.confirm).await?;
    let store_id = app
        .store()
        .store_id()
        .await
        .map_err(|e| CliError::System(e.into()))?;
    let mut logins = super::logins::Logins::load(&ctx.paths.config_dir)?;
    if logins.remove(&store_id, &p.user.name).is_some() {
        logins.save(&ctx.paths.config_dir)?;
    }
    outln!(
        "Deleted the account \"{}\" and everything in it. Backups made before today still hold it (encrypted, readable with its old password or recovery code) until they are deleted.",
        p.user.name
    );
    Ok(())
}
