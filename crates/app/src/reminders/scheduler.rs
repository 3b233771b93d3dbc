//! The scheduler: on each tick, reads the plans that changed, works out
//! the slots that came due since the last tick, claims each slot for each
//! channel in the store (committed before anything is sent, so a slot goes
//! out at most once across restarts and instances) and hands the claimed
//! ones to a [`Deliver`]er with bounded concurrency. Only definite
//! failures are retried, with back-off; a crash mid-send loses that one
//! reminder rather than sending it twice.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use between_domain::reminder::{message, slots};
use between_store::{ChannelStatusRow, ClaimRow};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::channels::Target;
use super::plan::{open_plan, SealedPlan};
use crate::crypto::{self, Key};
use crate::error::AppError;
use crate::App;

/// Slots up to this late are still sent (a restart, a slow tick); older
/// ones are dropped.
pub const GRACE: SignedDuration = SignedDuration::from_mins(10);

/// Sends at once, at most.
pub const CONCURRENCY: usize = 8;

/// Attempts of one slot on one channel, at most.
pub const MAX_ATTEMPTS: i64 = 4;

/// Claims are kept this long (then a slot that old is never due again).
const KEEP_CLAIMS: SignedDuration = SignedDuration::from_hours(72);

/// What is sent: never anything the person wrote unless they chose
/// detailed text for the channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    pub title: String,
    pub body: String,
    /// The page a tap opens, absolute.
    pub url: String,
    /// What kind of reminder (`checkin`, `practice`…), for grouping;
    /// `opt-in` for the email that asks to confirm an address.
    pub tag: String,
    /// An email's unsubscribe link (its `List-Unsubscribe`).
    #[serde(default)]
    pub unsubscribe: Option<String>,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Certainly not delivered (refused connection, 5xx, 429): try again.
    Retry(String),
    /// Not delivered or not known to be: never again (at most once).
    Failed(String),
    /// The subscription ended (404/410 from a push service): the channel
    /// stops.
    Gone(String),
}

/// Sends one message through one channel.
pub trait Deliver: Send + Sync + 'static {
    /// Whether this server can send to `target` at all (it has the keys and
    /// settings the channel's kind needs). Slots are not claimed for
    /// channels it cannot serve, so an instance that can sends them.
    fn can_send(&self, _target: &Target) -> bool {
        true
    }

    fn deliver<'a>(
        &'a self,
        user: Uuid,
        channel: Uuid,
        target: &'a Target,
        message: &'a Outgoing,
    ) -> Pin<Box<dyn Future<Output = Delivery> + Send + 'a>>;
}

/// What a tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Claimed already (by another instance or an earlier tick).
    pub claimed_elsewhere: usize,
    /// This server's key is not the store's: nothing was sent.
    pub refused: bool,
    /// Opt-in emails sent.
    pub opt_ins: usize,
}

struct Cached {
    version: i64,
    /// `None` while the plan is wrapped under another server key.
    open: Option<(SealedPlan, Key)>,
}

pub struct Scheduler {
    app: App,
    deliver: Arc<dyn Deliver>,
    base_url: String,
    cache: HashMap<Uuid, Cached>,
    last_tick: Option<Timestamp>,
    last_sweep: Option<Timestamp>,
    refusal_logged: bool,
}

struct Job {
    claim: ClaimRow,
    target: Target,
    message: Outgoing,
}

impl Scheduler {
    /// `base_url`: the deployment's public URL, for the page a tap opens.
    pub fn new(app: App, deliver: Arc<dyn Deliver>, base_url: &str) -> Scheduler {
        Scheduler {
            app,
            deliver,
            base_url: base_url.trim_end_matches('/').to_string(),
            cache: HashMap::new(),
            last_tick: None,
            last_sweep: None,
            refusal_logged: false,
        }
    }

    /// One round: see the module's description.
    pub async fn tick(&mut self) -> Result<TickReport, AppError> {
        let mut report = TickReport::default();
        let Some(key) = self.app.config.server_key.clone() else {
            return Ok(report);
        };
        if !self.app.server_key_matches().await? {
            if !self.refusal_logged {
                tracing::error!(
                    "reminders are not sent: this server's key ({}) is not the one the store's reminders are wrapped under",
                    key.fingerprint()
                );
                self.refusal_logged = true;
            }
            report.refused = true;
            return Ok(report);
        }
        let now = self.app.now();
        let earliest = now - GRACE;
        let after = self.last_tick.map_or(earliest, |t| t.max(earliest));
        self.read_plans(&key).await?;

        let mut jobs = Vec::new();
        let mut opt_ins = Vec::new();
        for (user, cached) in &self.cache {
            let Some((plan, message_key)) = &cached.open else {
                continue;
            };
            let due = slots(&plan.plan, after, now);
            let emails = plan.channels.iter().any(|c| {
                matches!(c.target, Target::Email { .. }) && self.deliver.can_send(&c.target)
            });
            if due.is_empty() && !emails {
                continue;
            }
            let statuses = self.app.store.channel_statuses(*user).await?;
            // An address gets one opt-in email before anything else.
            for channel in &plan.channels {
                let Target::Email { .. } = channel.target else {
                    continue;
                };
                let status = statuses.iter().find(|s| s.channel_id == channel.id);
                let waiting =
                    status.is_none_or(|s| s.confirmed_at.is_none() && s.stopped_at.is_none());
                if !waiting
                    || !self.deliver.can_send(&channel.target)
                    || self
                        .app
                        .store
                        .has_reminder_link(*user, channel.id, super::email_links::CONFIRM)
                        .await?
                {
                    continue;
                }
                let secret = self.app.new_confirm_link(*user, channel.id).await?;
                opt_ins.push((*user, channel.id, channel.target.clone(), Outgoing {
                    title: "Confirm email reminders".into(),
                    body: "Someone, hopefully you, asked for reminders at this address. Follow the link to confirm. If it was not you, ignore this email: nothing more will come.".into(),
                    url: format!("{}/reminders/confirm/{secret}", self.base_url),
                    tag: "opt-in".into(),
                    unsubscribe: None,
                }));
            }
            for slot in &due {
                for channel in plan.channels.iter().filter(|c| {
                    active(c.id, &c.target, &statuses) && self.deliver.can_send(&c.target)
                }) {
                    let words = message(slot, channel.detailed);
                    let unsubscribe = match channel.target {
                        Target::Email { .. } => Some(format!(
                            "{}/reminders/unsubscribe/{}",
                            self.base_url,
                            self.app
                                .unsubscribe_link(message_key, *user, channel.id)
                                .await?
                        )),
                        _ => None,
                    };
                    let outgoing = Outgoing {
                        title: words.title,
                        body: words.body,
                        url: format!("{}{}", self.base_url, words.path),
                        tag: slot.kind.as_str().to_string(),
                        unsubscribe,
                    };
                    let claim = ClaimRow {
                        user_id: *user,
                        slot: crypto::keyed_id(message_key, &slot.key()).to_string(),
                        channel_id: channel.id,
                        attempts: 1,
                        sealed_message: seal_message(message_key, *user, &outgoing)?,
                    };
                    if self
                        .app
                        .store
                        .claim_reminder(&claim, now.as_microsecond())
                        .await?
                    {
                        jobs.push(Job {
                            claim,
                            target: channel.target.clone(),
                            message: outgoing,
                        });
                    } else {
                        report.claimed_elsewhere += 1;
                    }
                }
            }
        }
        for claim in self
            .app
            .store
            .claim_reminder_retries(now.as_microsecond(), 100)
            .await?
        {
            let found = self
                .cache
                .get(&claim.user_id)
                .and_then(|c| c.open.as_ref())
                .and_then(|(plan, key)| {
                    let channel = plan.channels.iter().find(|c| c.id == claim.channel_id)?;
                    let message = open_message(key, claim.user_id, &claim.sealed_message).ok()?;
                    Some((channel.target.clone(), message))
                });
            match found {
                Some((target, message)) => jobs.push(Job {
                    claim,
                    target,
                    message,
                }),
                None => {
                    self.app
                        .store
                        .finish_reminder(&claim, "failed", None)
                        .await?;
                    report.failed += 1;
                }
            }
        }
        // Opt-in emails are not claimed: the link kept for each is what
        // says it went out, so each is sent once.
        for (user, channel, target, message) in opt_ins {
            match self.deliver.deliver(user, channel, &target, &message).await {
                Delivery::Sent => report.opt_ins += 1,
                Delivery::Retry(why) | Delivery::Failed(why) | Delivery::Gone(why) => {
                    self.app
                        .store
                        .note_channel_delivery(user, channel, None, Some(&why))
                        .await?;
                }
            }
        }
        self.send(jobs, &mut report).await?;
        if self
            .last_sweep
            .is_none_or(|t| now.duration_since(t) > SignedDuration::from_hours(1))
        {
            self.app
                .store
                .forget_reminder_claims((now - KEEP_CLAIMS).as_microsecond())
                .await?;
            self.last_sweep = Some(now);
        }
        self.last_tick = Some(now);
        Ok(report)
    }

    /// Reads the plans whose version changed since the last tick.
    async fn read_plans(&mut self, key: &super::ServerKey) -> Result<(), AppError> {
        let versions = self.app.store.reminder_plan_versions().await?;
        self.cache
            .retain(|user, _| versions.iter().any(|(u, _)| u == user));
        for (user, version) in versions {
            if self.cache.get(&user).is_some_and(|c| c.version == version) {
                continue;
            }
            let Some(row) = self.app.store.reminder_plan(user).await? else {
                continue;
            };
            let open = if row.server_key == key.fingerprint() {
                match open_plan(key, &row) {
                    Ok(open) => Some(open),
                    Err(e) => {
                        tracing::warn!("a reminder plan could not be opened: {e}");
                        None
                    }
                }
            } else {
                None
            };
            self.cache.insert(
                user,
                Cached {
                    version: row.version,
                    open,
                },
            );
        }
        Ok(())
    }

    async fn send(&self, jobs: Vec<Job>, report: &mut TickReport) -> Result<(), AppError> {
        let gate = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
        let mut running = tokio::task::JoinSet::new();
        for job in jobs {
            let deliver = self.deliver.clone();
            let gate = gate.clone();
            running.spawn(async move {
                let _permit = gate.acquire_owned().await;
                let outcome = deliver
                    .deliver(
                        job.claim.user_id,
                        job.claim.channel_id,
                        &job.target,
                        &job.message,
                    )
                    .await;
                (job.claim, outcome)
            });
        }
        while let Some(done) = running.join_next().await {
            let Ok((claim, outcome)) = done else {
                report.failed += 1;
                continue;
            };
            let store = &self.app.store;
            let now = self.app.now().as_microsecond();
            match outcome {
                Delivery::Sent => {
                    store.finish_reminder(&claim, "sent", None).await?;
                    store
                        .note_channel_delivery(claim.user_id, claim.channel_id, Some(now), None)
                        .await?;
                    report.sent += 1;
                }
                Delivery::Retry(why) if claim.attempts < MAX_ATTEMPTS => {
                    let wait = SignedDuration::from_mins(5i64.pow(claim.attempts as u32 - 1));
                    store
                        .finish_reminder(&claim, "retry", Some(now + wait.as_micros() as i64))
                        .await?;
                    store
                        .note_channel_delivery(claim.user_id, claim.channel_id, None, Some(&why))
                        .await?;
                    report.retrying += 1;
                }
                Delivery::Retry(why) | Delivery::Failed(why) => {
                    store.finish_reminder(&claim, "failed", None).await?;
                    store
                        .note_channel_delivery(claim.user_id, claim.channel_id, None, Some(&why))
                        .await?;
                    report.failed += 1;
                }
                Delivery::Gone(why) => {
                    store.finish_reminder(&claim, "failed", None).await?;
                    store
                        .stop_channel(claim.user_id, claim.channel_id, &why, now)
                        .await?;
                    report.failed += 1;
                }
            }
        }
        Ok(())
    }
}

/// A channel reminders may go through now: not stopped, and an email
/// address only once its opt-in was confirmed.
fn active(id: Uuid, target: &Target, statuses: &[ChannelStatusRow]) -> bool {
    let status = statuses.iter().find(|s| s.channel_id == id);
    if status.is_some_and(|s| s.stopped_at.is_some()) {
        return false;
    }
    match target {
        Target::Email { .. } => status.is_some_and(|s| s.confirmed_at.is_some()),
        _ => true,
    }
}

fn seal_message(key: &Key, user: Uuid, message: &Outgoing) -> Result<Vec<u8>, AppError> {
    let bytes = rmp_serde::to_vec_named(message).map_err(|e| AppError::Corrupt(e.to_string()))?;
    Ok(crypto::seal(
        key,
        format!("reminder-message|{user}").as_bytes(),
        &bytes,
    ))
}

fn open_message(key: &Key, user: Uuid, sealed: &[u8]) -> Result<Outgoing, AppError> {
    let bytes = crypto::open(key, format!("reminder-message|{user}").as_bytes(), sealed)
        .map_err(|_| AppError::Corrupt("a reminder message does not open".into()))?;
    rmp_serde::from_slice(&bytes).map_err(|e| AppError::Corrupt(e.to_string()))
}
