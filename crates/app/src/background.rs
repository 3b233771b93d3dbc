//! Work a request leaves for later, in a bounded queue: checking the
//! person's warning signs (`warning_signs.rs`) and publishing what a
//! client's linked therapists see — the agenda snapshot and the dashboard
//! summary (`summary_share.rs`) — after the person signs in or writes what
//! these look at (drafting them decrypts every kind). At most one job per
//! person is queued or running; a change while it runs asks it to run once
//! more (up to [`MAX_RUNS`] runs), so the last write is reflected. At most [`MAX_PENDING`]
//! people wait in all (more are dropped: the snapshot is published again
//! when the person next reads or changes their agenda, the summary and the
//! signs at their next write or sign-in), and each job takes its turn on
//! the unlock gate, so a storm of sign-ins cannot multiply this work in
//! memory.

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

/// What one person's job is to do (on its next run).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Work {
    /// Check the warning signs.
    pub signs: bool,
    /// Publish to linked therapists.
    pub publish: bool,
}

impl Work {
    /// Only checking the warning signs.
    pub const SIGNS: Work = Work {
        signs: true,
        publish: false,
    };

    fn any(self) -> bool {
        self.signs || self.publish
    }

    fn and(self, other: Work) -> Work {
        Work {
            signs: self.signs || other.signs,
            publish: self.publish || other.publish,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Background {
    /// People with a job queued or running, and what its next run should
    /// do (something changed meanwhile; nothing when it need not run again).
    pending: Mutex<HashMap<Uuid, Work>>,
    idle: Notify,
}

impl Background {
    /// Whether a new job should start for `user` (else one is queued or
    /// running, and now runs again when it ends, doing `work` too).
    fn claim(&self, user: Uuid, work: Work) -> bool {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(next) = pending.get_mut(&user) {
            *next = next.and(work);
            return false;
        }
        if pending.len() >= MAX_PENDING {
            return false;
        }
        pending.insert(user, Work::default());
        true
    }

    /// Ends a run: what the next should do, if anything.
    fn finish(&self, user: Uuid) -> Option<Work> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(next) = pending.get_mut(&user) {
            if next.any() {
                return Some(std::mem::take(next));
            }
        }
        pending.remove(&user);
        if pending.is_empty() {
            self.idle.notify_waiters();
        }
        None
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
    /// Queues `work` for `p` in the background (publishing only for
    /// someone with link keys).
    pub(crate) fn queue_work(&self, p: &Principal, work: Work) {
        let work = Work {
            publish: work.publish && p.keys.identity().is_some(),
            signs: work.signs && p.access == crate::principal::Access::Full,
        };
        if !work.any() {
            return;
        }
        if !self.background.claim(p.user.id, work) {
            tracing::debug!("background work already queued (it runs again) or the queue is full");
            return;
        }
        let app = self.clone();
        let p = p.forgetful();
        tokio::spawn(async move {
            let mut work = work;
            for run in 1.. {
                if let Ok(_permit) = app.unlock_permit().await {
                    if work.signs {
                        // A new episode is itself a write that asks to
                        // publish (the summary may flag it).
                        app.check_warning_signs_quietly(&p).await;
                    }
                    if work.publish && p.keys.identity().is_some() {
                        app.publish_next_agenda(&p).await;
                        app.publish_summaries(&p).await;
                    }
                }
                match app.background.finish(p.user.id) {
                    None => break,
                    Some(next) => work = next,
                }
                if run == MAX_RUNS {
                    tracing::warn!(
                        "background work asked for itself again {MAX_RUNS} times; stopped"
                    );
                    while app.background.finish(p.user.id).is_some() {}
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
