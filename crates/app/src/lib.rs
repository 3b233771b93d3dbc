//! Use cases of Between, shared by the web app, the JSON API and the CLI:
//! accounts and credentials, authorisation, encryption at rest, and the
//! journal. Front ends stay thin; every rule lives here or in the domain.

pub mod access_details;
pub mod accounts;
pub mod agenda;
pub mod agenda_saved;
pub mod agenda_share;
pub mod appointments;
pub mod archive;
pub mod assignments;
mod background;
pub mod blocking;
pub mod calendar;
pub mod client_page;
pub mod clock;
pub mod consent;
mod credential;
pub mod crypto;
pub mod demo;
pub mod demo_care;
pub mod demo_clinic;
pub mod error;
pub mod excerpts;
pub mod feedback;
pub mod fhir;
mod form_tokens;
mod gather;
pub mod goals;
pub mod import;
mod inbox;
pub mod insights;
pub mod invites;
pub mod journal;
pub mod kdf;
pub mod keyring;
pub mod link_read;
pub mod measure_requests;
pub mod measure_schedules;
pub mod measures;
mod memo;
pub mod metrics;
pub mod offline;
pub mod passkeys;
mod passwords;
pub mod pending_signin;
pub mod practices;
pub mod principal;
pub mod private_links;
pub mod questions;
pub mod reauth;
pub mod records;
pub mod relying_party;
pub mod reminders;
pub mod reviews;
pub mod roadblocks;
mod rotation;
mod scan;
mod sealed_writes;
pub mod second_factor;
pub mod security_events;
pub mod security_log;
pub mod sessions;
pub mod sharing;
mod summary_share;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod throttle;
pub mod trackers;
pub mod trends;
pub mod unlock;
pub mod warning_signs;
pub mod wins;

use std::sync::Arc;
use std::time::Duration;

use between_store::Store;
use jiff::Timestamp;

pub use clock::Clock;
pub use error::AppError;
pub use kdf::KdfParams;
pub use principal::{Access, Principal, Role, User};

/// Settings of one deployment.
#[derive(Debug, Clone)]
pub struct Config {
    /// A web session ends after this long without a request.
    pub session_idle: Duration,
    /// A web session ends this long after signing in, however active: a
    /// stolen session cookie is not access for ever.
    pub session_max_age: Duration,
    /// Whether anyone may create an account from the web once the first
    /// account exists (otherwise only the CLI can).
    pub open_registration: bool,
    /// Where "now" comes from: the system clock, or a manual one that
    /// tests and benchmarks set and advance.
    pub clock: Clock,
    /// argon2id parameters for new password and recovery credentials; older
    /// ones are re-made with these at their next use.
    pub kdf: KdfParams,
    /// How many unlocks (password sign-ins, recoveries) run at once.
    pub unlock_permits: usize,
    /// The key reminder secrets are wrapped under, kept outside the
    /// database; without it reminders cannot be turned on or sent.
    pub server_key: Option<Arc<reminders::ServerKey>>,
    /// Let reminders go to loopback addresses, over plain http too. For
    /// tests only: nothing else ever reaches this host's own services.
    pub allow_loopback_targets: bool,
    /// The address people open the site at (`--public-url`): passkeys are
    /// bound to its host name (see `relying_party`).
    pub public_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            session_idle: Duration::from_secs(60 * 60),
            session_max_age: Duration::from_secs(30 * 24 * 60 * 60),
            open_registration: false,
            clock: Clock::system(),
            kdf: KdfParams::PRODUCTION,
            unlock_permits: unlock::default_permits(),
            server_key: None,
            allow_loopback_targets: false,
            public_url: None,
        }
    }
}

impl Config {
    /// The defaults with cheap key derivation, so test suites stay fast.
    /// Never for real accounts.
    pub fn testing() -> Config {
        Config {
            kdf: KdfParams::TESTING,
            ..Config::default()
        }
    }
}

/// The application: a store plus the deployment's settings. Cheap to clone.
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) config: Arc<Config>,
    pub(crate) unlock: Arc<tokio::sync::Semaphore>,
    pub(crate) background: Arc<background::Background>,
    /// Password key derivations run so far (a metric; tests check that
    /// every check costs exactly one).
    pub(crate) derivations: Arc<std::sync::atomic::AtomicU64>,
    pub(crate) counters: Arc<metrics::Counters>,
    pub(crate) import_slots: import::slots::Slots,
    /// The deployment's site key, read from the store once (`form_tokens`).
    pub(crate) site_key: Arc<tokio::sync::OnceCell<crypto::Key>>,
    /// Who this server is to a passkey (from `Config::public_url`).
    pub(crate) relying_party: Arc<relying_party::RelyingParty>,
    /// Where a test pauses the next key rotation (between listing and
    /// re-keying).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) rotation_pause: Arc<std::sync::Mutex<Option<testing::pause::Hook>>>,
}

impl App {
    pub fn new(store: Store, config: Config) -> App {
        App {
            store,
            relying_party: Arc::new(relying_party::RelyingParty::from_public_url(
                config.public_url.as_deref(),
            )),
            unlock: Arc::new(unlock::semaphore(config.unlock_permits)),
            config: Arc::new(config),
            background: Arc::default(),
            derivations: Arc::default(),
            counters: Arc::default(),
            import_slots: import::slots::Slots::default(),
            site_key: Arc::default(),
            #[cfg(any(test, feature = "testing"))]
            rotation_pause: Arc::default(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Now, by the app's one clock (see [`Clock`]).
    pub fn now(&self) -> Timestamp {
        self.config.clock.now()
    }

    /// Now as the store keeps times (microseconds since the Unix epoch).
    pub fn now_micros(&self) -> i64 {
        self.config.clock.now_micros()
    }

    /// How many password key derivations this app has run.
    pub fn key_derivations(&self) -> u64 {
        self.derivations.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The app's clock, for front ends that need "now" (the web, the CLI).
    pub fn clock(&self) -> &Clock {
        &self.config.clock
    }
}

/// Timestamps are stored as microseconds since the Unix epoch.
pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn from_micros(us: i64) -> Result<Timestamp, AppError> {
    Timestamp::from_microsecond(us).map_err(|_| AppError::Corrupt(format!("bad timestamp {us}")))
}
