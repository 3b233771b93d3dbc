//! Work a request leaves for later, in a bounded queue: today, publishing
//! the agenda snapshot a therapist sees after a client signs in (it drafts
//! the agenda, which decrypts every kind). At most one job per person is
//! waiting, at most [`MAX_PENDING`] in all (more are dropped: the snapshot
//! is published again when the person next reads or changes their agenda),
//! and each job takes its turn on the unlock gate, so a storm of sign-ins
//! cannot multiply this work in memory.

use std::collections::HashSet;
use std::sync::Mutex;

use tokio::sync::Notify;
use uuid::Uuid;

use crate::principal::Principal;
use crate::App;

/// Jobs waiting or running, at most.
pub const MAX_PENDING: usize = 256;

#[derive(Debug, Default)]
pub(crate) struct Background {
    pending: Mutex<HashSet<Uuid>>,
    idle: Notify,
}

impl Background {
    fn claim(&self, user: Uuid) -> bool {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.len() < MAX_PENDING && pending.insert(user)
    }

    fn finish(&self, user: Uuid) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.remove(&user);
        if pending.is_empty() {
            self.idle.notify_waiters();
        }
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
    /// Publishes `p`'s next agenda to their therapists in the background.
    pub(crate) fn queue_agenda_publishing(&self, p: &Principal) {
        if !self.background.claim(p.user.id) {
            tracing::debug!("agenda publishing already queued or the queue is full");
            return;
        }
        let app = self.clone();
        let p = p.clone();
        tokio::spawn(async move {
            if let Ok(_permit) = app.unlock_permit().await {
                app.publish_next_agenda(&p).await;
            }
            app.background.finish(p.user.id);
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
