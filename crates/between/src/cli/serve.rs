//! `between serve`: the web app and JSON API on one listener.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;
use between_app::{App, Config};
use clap::Args;

use super::{CliResult, Context};
use crate::web::client_addr::Cidr;
use crate::web::{self, WebSettings};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BETWEEN_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Minutes without activity after which a web session ends.
    #[arg(long, env = "BETWEEN_SESSION_IDLE_MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=43_200))]
    session_idle_minutes: u64,
    /// Days after signing in at which a web session ends, however active.
    #[arg(long, env = "BETWEEN_SESSION_MAX_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=365))]
    session_max_days: u64,
    /// Let anyone create an account from the web (default: only the first account; later ones via the CLI).
    #[arg(long, env = "BETWEEN_OPEN_REGISTRATION")]
    open_registration: bool,
    /// The name shown in titles and headers; choose something neutral if others might see the screen.
    #[arg(long, env = "BETWEEN_APP_TITLE", default_value = "Between")]
    app_title: String,
    /// Crisis contacts for this deployment, one line each, separated by ";" (default: emergency numbers, 988, 116 123).
    #[arg(
        long,
        env = "BETWEEN_CRISIS_CONTACTS",
        value_name = "LINES",
        value_delimiter = ';'
    )]
    crisis_contacts: Vec<String>,
    /// Where the quick-exit button leads.
    #[arg(
        long,
        env = "BETWEEN_EXIT_URL",
        default_value = "https://www.bbc.co.uk/weather"
    )]
    exit_url: String,
    /// A reverse proxy in front of this server (an address or block, e.g.
    /// 127.0.0.1/32 or 10.0.0.0/8; repeat or separate with commas): sign-in
    /// throttles then count the client its X-Forwarded-For names.
    #[arg(
        long = "trusted-proxy",
        env = "BETWEEN_TRUSTED_PROXY",
        value_name = "CIDR",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<Cidr>,
    /// Serve Prometheus metrics (request counts and latencies per route, database pool, key-derivation queue; never user data) at http://ADDRESS/metrics, on a listener of its own (default: off).
    #[arg(long, env = "BETWEEN_METRICS_LISTEN", value_name = "ADDRESS")]
    metrics_listen: Option<SocketAddr>,
    /// How log lines are written: `text` for people, `json` (one object per line) for log collectors.
    #[arg(long, env = "BETWEEN_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Seconds between the reminder scheduler's looks for reminders that came due.
    #[arg(long, env = "BETWEEN_REMINDER_TICK_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=300))]
    reminder_tick_seconds: u64,
    /// The SMTP server email reminders go through, e.g. smtps://user:password@smtp.example.org or smtp://mail.internal:587?tls=required (default: no email reminders).
    #[arg(
        long,
        env = "BETWEEN_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    smtp_url: Option<String>,
    /// The sender of email reminders, e.g. "Between <reminders@example.org>".
    #[arg(long, env = "BETWEEN_SMTP_FROM", value_name = "ADDRESS")]
    smtp_from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

pub async fn run(ctx: &Context, args: ServeArgs) -> CliResult {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BETWEEN_LOG")
        .unwrap_or_else(|_| "info".into());
    match args.log_format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_env_filter(filter)
            .init(),
    }
    let store = ctx.store().await?;
    if ctx.kdf != between_app::KdfParams::PRODUCTION {
        tracing::warn!(kdf = %ctx.kdf, "password key derivation differs from the default (argon2id m=65536, t=3, p=1)");
    }
    let server_key = match ctx.server_key()? {
        Some(key) => Some(key),
        None if store.backend() == between_store::Backend::Sqlite => {
            let (key, path) = super::server_key::create(&ctx.paths.config_dir)?;
            tracing::info!(path = %path.display(), "made a server key for reminders (keep it apart from the data and its backups)");
            Some(key)
        }
        None => {
            tracing::info!("reminders are off: give every instance the same server key (`between config new-server-key`, then --server-key-file or BETWEEN_SERVER_KEY)");
            None
        }
    };
    if ctx.allow_loopback_targets {
        tracing::warn!(
            "reminders may go to loopback addresses (--allow-loopback-targets is for tests only)"
        );
    }
    let app = App::new(
        store,
        Config {
            session_idle: Duration::from_secs(args.session_idle_minutes * 60),
            session_max_age: Duration::from_secs(args.session_max_days * 24 * 60 * 60),
            open_registration: args.open_registration,
            kdf: ctx.kdf,
            server_key,
            allow_loopback_targets: ctx.allow_loopback_targets,
            public_url: Some(ctx.public_url.trim_end_matches('/').to_string()),
            ..Config::default()
        },
    );
    if let Err(why) = app.passkeys_available() {
        tracing::info!("{why}");
    }
    let settings = WebSettings {
        title: args.app_title,
        exit_url: args.exit_url,
        secure_cookies: ctx.public_url.starts_with("https://"),
        public_url: ctx.public_url.trim_end_matches('/').to_string(),
        crisis_contacts: {
            let lines: Vec<String> = args
                .crisis_contacts
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect();
            if lines.is_empty() {
                web::default_crisis_contacts()
            } else {
                lines
            }
        },
        trusted_proxies: args.trusted_proxies,
        push_public_key: None,
        email_reminders: false,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    let metrics_listener = match args.metrics_listen {
        Some(address) => {
            let listener = tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("could not listen for metrics on {address}"))?;
            tracing::info!(%address, "metrics at /metrics");
            Some(listener)
        }
        None => None,
    };
    tracing::info!(address = %args.listen, store = %ctx.paths.database_display(), "Between is listening");
    if args.log_format == LogFormat::Text {
        // With JSON logs, standard output holds nothing but log objects.
        // Where it listens, and where people reach it when that differs
        // (behind a proxy, or a --public-url left at its default).
        let local = format!("http://{}", args.listen);
        if local == settings.public_url {
            super::output::announce(format_args!(
                "Between is running at {local} (Ctrl-C stops it)."
            ));
        } else {
            super::output::announce(format_args!(
                "Between is listening on {} for {} (Ctrl-C stops it).",
                args.listen, settings.public_url
            ));
        }
    }
    let vapid = push_key(ctx, &app, &settings.public_url).await?;
    if args.smtp_from.is_some() && args.smtp_url.is_none() {
        return Err(super::CliError::input(
            "--smtp-from needs --smtp-url (the SMTP server reminder emails go through)",
        ));
    }
    let smtp = match (&args.smtp_url, app.config().server_key.is_some()) {
        (Some(url), true) => {
            let from = args.smtp_from.as_deref().ok_or_else(|| {
                super::CliError::input(
                    "--smtp-url needs --smtp-from (the sender of reminder emails)",
                )
            })?;
            Some(std::sync::Arc::new(
                crate::outbound::email::Smtp::new(url, from).map_err(super::CliError::input)?,
            ))
        }
        _ => None,
    };
    let mut settings = settings;
    settings.push_public_key = vapid.as_ref().map(|v| v.public_key().to_string());
    settings.email_reminders = smtp.is_some();
    let reminders = start_reminders(
        &app,
        &settings.public_url,
        ctx.allow_loopback_targets,
        vapid,
        smtp,
        Duration::from_secs(args.reminder_tick_seconds),
    )?;
    let served =
        web::serve_with(listener, metrics_listener, app, settings, shutdown_signal()).await;
    // A send cut off here stays claimed: that one reminder is lost rather
    // than sent twice.
    if let Some(task) = reminders {
        task.abort();
    }
    served?;
    Ok(())
}

/// The VAPID key for Web Push, when reminders are possible here: given,
/// or made on SQLite; refused when the store's push subscriptions were
/// made for another key.
async fn push_key(
    ctx: &Context,
    app: &App,
    public_url: &str,
) -> CliResult<Option<std::sync::Arc<crate::outbound::vapid::Vapid>>> {
    if app.config().server_key.is_none() {
        return Ok(None);
    }
    let contact = if public_url.starts_with("https://") {
        public_url.to_string()
    } else {
        "mailto:reminders@between.invalid".to_string()
    };
    let vapid = match super::server_key::find_vapid(&ctx.paths.config_dir, &contact)? {
        Some(v) => v,
        None if app.store().backend() == between_store::Backend::Sqlite => {
            let (v, path) = super::server_key::create_vapid(&ctx.paths.config_dir, &contact)?;
            tracing::info!(path = %path.display(), "made a VAPID key for Web Push reminders");
            v
        }
        None => {
            tracing::info!("Web Push reminders are off: give every instance the same VAPID key (BETWEEN_VAPID_PRIVATE_KEY or vapid.key in the config directory)");
            return Ok(None);
        }
    };
    let recorded = app
        .store()
        .meta_or_insert(crate::outbound::vapid::META_KEY, vapid.fingerprint())
        .await
        .map_err(|e| super::CliError::System(e.into()))?;
    if recorded != vapid.fingerprint() {
        tracing::error!(
            "Web Push reminders are not sent: this server's VAPID key ({}) is not the one the store's subscriptions were made for ({recorded})",
            vapid.fingerprint()
        );
        return Ok(None);
    }
    Ok(Some(vapid))
}

/// Starts the reminder scheduler when this server has a server key.
fn start_reminders(
    app: &App,
    public_url: &str,
    allow_loopback: bool,
    vapid: Option<std::sync::Arc<crate::outbound::vapid::Vapid>>,
    smtp: Option<std::sync::Arc<crate::outbound::email::Smtp>>,
    every: Duration,
) -> CliResult<Option<tokio::task::JoinHandle<()>>> {
    if app.config().server_key.is_none() {
        return Ok(None);
    }
    let outbound = crate::outbound::http::Outbound::new(allow_loopback)
        .map_err(|e| super::CliError::System(anyhow::anyhow!(e)))?;
    let transports = std::sync::Arc::new(crate::outbound::deliver::Transports {
        outbound,
        vapid,
        smtp,
        clock: app.clock().clone(),
    });
    let mut scheduler = between_app::reminders::Scheduler::new(app.clone(), transports, public_url);
    Ok(Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = scheduler.tick().await {
                tracing::warn!(error = %e, "the reminder scheduler's round failed; it tries again");
            }
        }
    })))
}

/// Ctrl-C, or SIGTERM (what systemd, Docker and Kubernetes send to stop).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM; only Ctrl-C stops the server");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
