//! The command line: global flags (each also an environment variable), one
//! module per subcommand, and the shared steps of opening the store and
//! signing in with a saved device login.

// First, so its `outln!` and `out!` are in scope in every module below.
#[macro_use]
mod output;

mod appointment;
mod archive;
mod backup;
mod calendar;
mod config;
pub mod config_file;
mod demo;
mod error;
mod feedback;
mod goal;
mod insight;
mod invite;
mod journal;
mod login;
mod logins;
mod measure;
mod paths;
mod patterns;
mod practice;
mod prep;
mod question;
mod reminder;
mod review;
mod roadblocks;
mod security_log;
mod serve;
mod server_key;
mod share;
mod token;
mod tracker;
mod trend;
mod user;
mod warning_sign;
mod wins;

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context as _;
use between_app::{App, Config, KdfParams, Principal};
use between_store::Store;
use clap::{Parser, Subcommand};

pub use config_file::parse_cli as parse;
pub use error::{CliError, CliResult};
pub use user::system_zone;

/// Between: a private companion for the time between therapy sessions.
#[derive(Debug, Parser)]
#[command(name = "between", version, about, propagate_version = true)]
pub struct Cli {
    /// Where the embedded SQLite store lives (default: the XDG data directory).
    #[arg(long, env = "BETWEEN_DATA_DIR", global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://…; overrides the data directory's SQLite file.
    #[arg(
        long,
        env = "BETWEEN_DATABASE_URL",
        global = true,
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Most connections to the database this process keeps open (default 4 for SQLite, 10 for PostgreSQL). With several server instances on one PostgreSQL server, keep their sum below its max_connections.
    #[arg(
        long,
        env = "BETWEEN_DB_MAX_CONNECTIONS",
        global = true,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=1000)
    )]
    db_max_connections: Option<u32>,
    /// The server's settings file (default: between.toml in the config directory, when it exists); flags and environment variables win over it.
    #[arg(long, env = "BETWEEN_CONFIG", global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where saved device logins live (default: the XDG config directory). Never inside the data directory.
    #[arg(long, env = "BETWEEN_CONFIG_DIR", global = true, value_name = "DIR")]
    config_dir: Option<PathBuf>,
    /// Which account to act as; may be omitted when one login for this store is saved.
    #[arg(long, env = "BETWEEN_USER", global = true, value_name = "NAME")]
    user: Option<String>,
    /// The address people reach the server at, used in links.
    #[arg(
        long,
        env = "BETWEEN_PUBLIC_URL",
        global = true,
        value_name = "URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
    /// argon2id cost of new passwords and recovery codes, as m=KIB,t=PASSES,p=LANES (default m=65536,t=3,p=1). Lower only for tests: it is what a stolen database costs to guess at.
    #[arg(
        long,
        env = "BETWEEN_KDF",
        global = true,
        value_name = "PARAMS",
        default_value = "m=65536,t=3,p=1"
    )]
    kdf: KdfParams,
    /// The key reminders are wrapped under (default: server.key in the config directory, or the key itself in BETWEEN_SERVER_KEY). Kept apart from the data: a copied database or backup opens no reminder plan without it. With several instances, give each the same key.
    #[arg(
        long,
        env = "BETWEEN_SERVER_KEY_FILE",
        global = true,
        value_name = "FILE"
    )]
    server_key_file: Option<PathBuf>,
    /// For tests only: let reminders go to this machine's loopback addresses, over plain http too. Never in a deployment.
    #[arg(
        long,
        env = "BETWEEN_ALLOW_LOOPBACK_TARGETS",
        global = true,
        hide = true
    )]
    allow_loopback_targets: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Invitations to create an account from the web.
    #[command(subcommand)]
    Invite(invite::InviteCommand),
    /// Save a device login so later commands need no password.
    Login(login::LoginArgs),
    /// Remove a saved device login (and revoke it).
    Logout(login::LogoutArgs),
    /// Write and read journal entries.
    #[command(subcommand)]
    Journal(journal::JournalCommand),
    /// Therapy appointments, single or repeating.
    #[command(subcommand)]
    Appointment(appointment::AppointmentCommand),
    /// Goals with measurable progress.
    #[command(subcommand)]
    Goal(goal::GoalCommand),
    /// Questionnaires (PHQ-9, GAD-7, WHO-5, PCL-5): take them, see the history, set how often.
    #[command(subcommand)]
    Measure(measure::MeasureCommand),
    /// Homework and exercises between sessions.
    #[command(subcommand)]
    Practice(practice::PracticeCommand),
    /// Questions for the therapist.
    #[command(subcommand)]
    Question(question::QuestionCommand),
    /// Reminders between sessions, and where they go.
    #[command(subcommand)]
    Reminder(reminder::ReminderCommand),
    /// Insights, takeaways and strategies from sessions.
    #[command(subcommand)]
    Insight(insight::InsightCommand),
    /// Feedback on attended sessions.
    #[command(subcommand)]
    Feedback(feedback::FeedbackCommand),
    /// The calendar (.ics) and its private feed link.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Patterns: triggers, feelings, mood, weekdays, times of day, trackers.
    Patterns(patterns::PatternsArgs),
    /// The agenda for your next session, drafted from what happened since the last.
    Prep(prep::PrepArgs),
    /// The progress review of a period; saved reviews with reflections.
    Review(review::ReviewArgs),
    /// Signs that therapy may be stuck, with ways to raise them.
    Roadblocks(roadblocks::RoadblocksArgs),
    /// The mood trend of a period.
    Trend(trend::TrendArgs),
    /// Record today's daily trackers: `between track sleep=7.5 exercise=yes`.
    Track(tracker::TrackArgs),
    /// Daily trackers: sleep, exercise, medication, your own.
    #[command(subcommand)]
    Tracker(tracker::TrackerCommand),
    /// Small wins: milestones reached.
    Wins(wins::WinsArgs),
    /// Your warning signs as rules over your own data (step 1 of your safety plan): add, list, show, delete, check.
    #[command(subcommand)]
    WarningSign(warning_sign::WarningSignCommand),
    /// Everything of your account as one file (decrypted: keep it safe).
    Export(archive::ExportArgs),
    /// Bring an archive (or another journal's export) into your account.
    Import(archive::ImportArgs),
    /// A consistent copy of the whole store, taken while it runs.
    Backup(backup::BackupArgs),
    /// Put a backup back (stop the server first).
    Restore(backup::RestoreArgs),
    /// Link with your therapist and choose what they see.
    #[command(subcommand)]
    Share(share::ShareCommand),
    /// Who read what of your data.
    AccessLog(share::JsonArgs),
    /// Every change to how you sign in: password, recovery code, tokens, device logins.
    SecurityLog(share::JsonArgs),
    /// As a therapist: your linked clients.
    Clients(share::JsonArgs),
    /// As a therapist: what a linked client shares with you.
    Client(share::ClientArgs),
    /// As a therapist: assign practice to a linked client (same flags as `practice add`).
    Assign(practice::AssignArgs),
    /// Personal access tokens for the JSON API.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Run the web app and JSON API.
    Serve(serve::ServeArgs),
    /// Create (or refill) a `demo` account with realistic synthetic data.
    Demo(demo::DemoArgs),
    /// The settings file (between.toml): an example, or check one.
    #[command(subcommand)]
    Config(config::ConfigCommand),
}

/// What every subcommand gets: resolved paths and flags.
pub struct Context {
    paths: paths::Paths,
    user: Option<String>,
    public_url: String,
    kdf: KdfParams,
    db_max_connections: Option<u32>,
    server_key_file: Option<PathBuf>,
    allow_loopback_targets: bool,
}

pub async fn run(cli: Cli) -> CliResult {
    let ctx = Context {
        paths: paths::Paths::resolve(cli.data_dir, cli.database_url, cli.config_dir)?,
        user: cli.user,
        public_url: cli.public_url,
        kdf: cli.kdf,
        db_max_connections: cli.db_max_connections,
        server_key_file: cli.server_key_file,
        allow_loopback_targets: cli.allow_loopback_targets,
    };
    match cli.command {
        Command::User(cmd) => user::run(&ctx, cmd).await,
        Command::Invite(cmd) => invite::run(&ctx, cmd).await,
        Command::Login(args) => login::login(&ctx, args).await,
        Command::Logout(args) => login::logout(&ctx, args).await,
        Command::Journal(cmd) => journal::run(&ctx, cmd).await,
        Command::Appointment(cmd) => appointment::run(&ctx, cmd).await,
        Command::Goal(cmd) => goal::run(&ctx, cmd).await,
        Command::Measure(cmd) => measure::run(&ctx, cmd).await,
        Command::Practice(cmd) => practice::run(&ctx, cmd).await,
        Command::Question(cmd) => question::run(&ctx, cmd).await,
        Command::Reminder(cmd) => reminder::run(&ctx, cmd).await,
        Command::Insight(cmd) => insight::run(&ctx, cmd).await,
        Command::Feedback(cmd) => feedback::run(&ctx, cmd).await,
        Command::Calendar(cmd) => calendar::run(&ctx, cmd).await,
        Command::Patterns(args) => patterns::run(&ctx, args).await,
        Command::Prep(args) => prep::run(&ctx, args).await,
        Command::Review(args) => review::run(&ctx, args).await,
        Command::Roadblocks(args) => roadblocks::run(&ctx, args).await,
        Command::Trend(args) => trend::run(&ctx, args).await,
        Command::Track(args) => tracker::track(&ctx, args).await,
        Command::Tracker(cmd) => tracker::run(&ctx, cmd).await,
        Command::Wins(args) => wins::run(&ctx, args).await,
        Command::WarningSign(cmd) => warning_sign::run(&ctx, cmd).await,
        Command::Export(args) => archive::export(&ctx, args).await,
        Command::Import(args) => archive::import(&ctx, args).await,
        Command::Backup(args) => backup::backup(&ctx, args).await,
        Command::Restore(args) => backup::restore(&ctx, args).await,
        Command::Share(cmd) => share::run(&ctx, cmd).await,
        Command::AccessLog(args) => share::access_log(&ctx, args).await,
        Command::SecurityLog(args) => security_log::run(&ctx, args).await,
        Command::Clients(args) => share::clients(&ctx, args).await,
        Command::Client(args) => share::client(&ctx, args).await,
        Command::Assign(args) => practice::assign(&ctx, args).await,
        Command::Token(cmd) => token::run(&ctx, cmd).await,
        Command::Serve(args) => serve::run(&ctx, args).await,
        Command::Demo(args) => demo::run(&ctx, args).await,
        Command::Config(cmd) => config::run(cli.config.as_deref(), &ctx, cmd),
    }
}

impl Context {
    /// Opens (and migrates) the store.
    async fn store(&self) -> CliResult<Store> {
        let url = self.paths.database_url()?;
        Store::connect_with(&url, self.db_max_connections)
            .await
            .with_context(|| {
                format!(
                    "could not open the store at {}",
                    self.paths.database_display()
                )
            })
            .map_err(CliError::System)
    }

    async fn app(&self) -> CliResult<App> {
        Ok(App::new(
            self.store().await?,
            Config {
                kdf: self.kdf,
                server_key: self.server_key()?,
                allow_loopback_targets: self.allow_loopback_targets,
                ..Config::default()
            },
        ))
    }

    /// The server key, when one is given (see `server_key`).
    fn server_key(&self) -> CliResult<Option<std::sync::Arc<between_app::reminders::ServerKey>>> {
        server_key::find(&self.paths.config_dir, self.server_key_file.as_deref())
    }

    /// Signs in with the saved device login for `--user` (or the only one).
    async fn principal(&self, app: &App) -> CliResult<Principal> {
        self.login_as(app, self.user.as_deref()).await
    }

    /// Signs in with the saved device login of `name`.
    async fn principal_for(&self, app: &App, name: &str) -> CliResult<Principal> {
        self.login_as(app, Some(name)).await
    }

    async fn login_as(&self, app: &App, name: Option<&str>) -> CliResult<Principal> {
        let store_id = app
            .store()
            .store_id()
            .await
            .map_err(|e| CliError::System(e.into()))?;
        let logins = logins::Logins::load(&self.paths.config_dir)?;
        let login = logins.pick(&store_id, name)?;
        app.authenticate(&login.secret).await.map_err(|err| match err {
            between_app::AppError::Unauthorized(_) => CliError::input(format!(
                "the saved login for \"{}\" is no longer valid (revoked?); run `between login {}` again",
                login.user, login.user
            )),
            other => other.into(),
        })
    }
}

/// Reads a password (or other secret) from standard input: the first line,
/// without its line ending.
fn read_password_stdin() -> CliResult<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("could not read the password from standard input")?;
    let password = input.lines().next().unwrap_or("").to_string();
    if password.is_empty() {
        return Err(CliError::input(
            "no password on standard input (--password-stdin)",
        ));
    }
    Ok(password)
}
