//! Work a request leaves for later, in a bounded queue: publishing what a
//! client's linked therapists see — the agenda snapshot and the dashboard
//! summary (`summary_share.rs`) — after the client signs in or writes what
//! they show (drafting them decrypts every kind). At most one job per
//! person is queued or running; a change while it runs asks it to run once
//! more (up to [`MAX_RUNS`] runs), so the last write is reflected. At most [`MAX_PENDING`]
//! people wait in all (more are dropped: the snapshot is published again
//! when the person next reads or changes their agenda, the summary at
//! their next write or sign-in), and each job takes its turn on the
//! unlock gate, so a storm of sign-ins cannot multiply this work in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::Notify;
use uuid::Uuid;

use crate::principal::Principal;
use crate::App;

/// Jobs waiting or running, at most.
pub const MAX_PENDING: usize = 256;

/// Runs of one job, at most: a job whose own drafting wrote something it
/// publishes (say, a series kept a year ahead) would otherwise ask for
/// itself again for ever.
const MAX_RUNS: usize = 4;

#[derive(Debug, Default)]
pub(crate) struct Background {
    /// People with a job queued or running, and whether it should run
    /// again when it ends (something changed meanwhile).
    pending: Mutex<HashMap<Uuid, bool>>,
    idle: Notify,
}

impl Background {
    /// Whether a new job should start for `user` (else one is queued or
    /// running, and now runs again when it ends).
    fn claim(&self, user: Uuid) -> bool {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(again) = pending.get_mut(&user) {
            *again = true;
            return false;
        }
        if pending.len() >= MAX_PENDING {
            return false;
        }
        pending.insert(user, false);
        true
    }

    /// Ends a run: true when it should run once more.
    fn finish(&self, user: Uuid) -> bool {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(again) = pending.get_mut(&user) {
            if *again {
                *again = false;
                return true;
            }
        }
        pending.remove(&user);
        if pending.is_empty() {
            self.idle.notify_waiters();
        }
        false
    }

    pub(crate) fn pending(&self) -> usize {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    fn is_idle(&self) -> bool {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
    }
}

impl App {
    /// Publishes `p`'s next agenda and summary to their therapists in the
    /// background. Nothing for someone with no link keys.
    pub(crate) fn queue_publishing(&self, p: &Principal) {
        if p.keys.identity().is_none() {
            return;
        }
        if !self.background.claim(p.user.id) {
            tracing::debug!("publishing already queued (it runs again) or the queue is full");
            return;
        }
        let app = self.clone();
        let p = p.forgetful();
        tokio::spawn(async move {
            for run in 1.. {
                if let Ok(_permit) = app.unlock_permit().await {
                    app.publish_next_agenda(&p).await;
                    app.publish_summaries(&p).await;
                }
                if !app.background.finish(p.user.id) {
                    break;
                }
                if run == MAX_RUNS {
                    tracing::warn!("publishing asked for itself again {MAX_RUNS} times; stopped");
                    app.background.finish(p.user.id);
                    break;
                }
            }
        });
    }

    /// Waits until the background queue is empty (the CLI before it exits,
    /// tests before they look).
    pub async fn settle(&self) {
        loop {
            let notified = self.background.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.background.is_idle() {
                return;
            }
            notified.await;
        }
    }
}
