//! `between login` / `between logout`: save or remove a device login, a
//! credential of its own that can be revoked from the web.

use between_app::sessions::{SignIn, SignInAs, SignInStep};
use between_app::throttle::Attempt;
use between_app::App;
use clap::Args;

use super::logins::{Logins, SavedLogin};
use super::{read_password_stdin, CliError, CliResult, Context};

#[derive(Debug, Args)]
pub struct LoginArgs {
    name: String,
    /// Read the password from standard input.
    #[arg(long)]
    password_stdin: bool,
    /// The code your authenticator app shows, for an account with
    /// two-step sign-in.
    #[arg(long, value_name = "CODE")]
    totp: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Whose login to remove (default: --user, or the only saved one).
    name: Option<String>,
}

fn device_label() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    let host = host.trim();
    if host.is_empty() {
        "CLI".to_string()
    } else {
        format!("CLI on {host}")
    }
}

/// Said when an account with two-step sign-in was given no code.
pub const TOTP_NEEDED: &str = "this account has two-step sign-in: add --totp CODE with the 6-digit code your authenticator app shows; nothing was done";

/// An input error about a missing code, said the CLI's way.
pub fn code_hint(err: between_app::AppError, code: Option<&str>) -> CliError {
    match &err {
        between_app::AppError::Invalid(e)
            if code.is_none() && e.get("code") == Some(between_app::second_factor::CODE_NEEDED) =>
        {
            CliError::input(TOTP_NEEDED)
        }
        _ => err.into(),
    }
}

pub async fn save_device_login(
    ctx: &Context,
    app: &App,
    name: &str,
    password: &str,
    code: Option<&str>,
) -> CliResult {
    let step = app
        .sign_in_step(
            SignIn {
                name,
                password,
                attempt: Attempt::from("cli"),
                as_: SignInAs::Device,
                label: &device_label(),
            },
            code,
        )
        .await
        .map_err(|e| code_hint(e, code))?;
    let SignInStep::Done(done) = step else {
        return Err(CliError::input(TOTP_NEEDED));
    };
    let (principal, secret) = (done.principal, done.secret);
    // What a sign-in leaves for the background (a therapist's agenda
    // snapshot) finishes before the process ends.
    app.settle().await;
    let store_id = app
        .store()
        .store_id()
        .await
        .map_err(|e| CliError::System(e.into()))?;
    let mut logins = Logins::load(&ctx.paths.config_dir)?;
    let replaced = logins.put(SavedLogin {
        store_id,
        user: principal.user.name.clone(),
        secret,
    });
    logins.save(&ctx.paths.config_dir)?;
    if let Some(old) = replaced {
        if let Ok(old) = app.authenticate(&old.secret).await {
            app.sign_out(&old).await?;
        }
    }
    Ok(())
}

pub async fn login(ctx: &Context, args: LoginArgs) -> CliResult {
    if !args.password_stdin {
        return Err(CliError::input(
            "pass the password on standard input with --password-stdin",
        ));
    }
    let password = read_password_stdin()?;
    let app = ctx.app().await?;
    save_device_login(ctx, &app, &args.name, &password, args.totp.as_deref()).await?;
    outln!(
        "Saved a device login for \"{}\".",
        args.name.trim().to_lowercase()
    );
    Ok(())
}

pub async fn logout(ctx: &Context, args: LogoutArgs) -> CliResult {
    let app = ctx.app().await?;
    let store_id = app
        .store()
        .store_id()
        .await
        .map_err(|e| CliError::System(e.into()))?;
    let mut logins = Logins::load(&ctx.paths.config_dir)?;
    let wanted = args.name.or_else(|| ctx.user.clone());
    let user = logins.pick(&store_id, wanted.as_deref())?.user.clone();
    if let Some(login) = logins.remove(&store_id, &user) {
        logins.save(&ctx.paths.config_dir)?;
        if let Ok(principal) = app.authenticate(&login.secret).await {
            app.sign_out(&principal).await?;
        }
    }
    outln!("Removed the device login for \"{user}\".");
    Ok(())
}
