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
    /// Crisis contacts for this deployment, separated by ";" (default: emergency numbers, 988, 116 123).
    #[arg(long, env = "BETWEEN_CRISIS_CONTACTS", value_name = "LINES")]
    crisis_contacts: Option<String>,
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
}

pub async fn run(ctx: &Context, args: ServeArgs) -> CliResult {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BETWEEN_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let store = ctx.store().await?;
    if ctx.kdf != between_app::KdfParams::PRODUCTION {
        tracing::warn!(kdf = %ctx.kdf, "password key derivation differs from the default (argon2id m=65536, t=3, p=1)");
    }
    let app = App::new(
        store,
        Config {
            session_idle: Duration::from_secs(args.session_idle_minutes * 60),
            session_max_age: Duration::from_secs(args.session_max_days * 24 * 60 * 60),
            open_registration: args.open_registration,
            kdf: ctx.kdf,
            ..Config::default()
        },
    );
    let settings = WebSettings {
        title: args.app_title,
        exit_url: args.exit_url,
        secure_cookies: ctx.public_url.starts_with("https://"),
        public_url: ctx.public_url.trim_end_matches('/').to_string(),
        crisis_contacts: match args.crisis_contacts {
            Some(lines) => lines
                .split(';')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect(),
            None => web::default_crisis_contacts(),
        },
        trusted_proxies: args.trusted_proxies,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("could not listen on {}", args.listen))?;
    tracing::info!(address = %args.listen, store = %ctx.paths.database_display(), "Between is listening");
    super::output::announce(format_args!(
        "Between is running at {} (Ctrl-C stops it).",
        settings.public_url
    ));
    web::serve(listener, app, settings, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
