//! What the app counts for an operator's metrics: numbers about the
//! server's work (key derivations, the unlock queue, background jobs,
//! imports, the database pool), never about a person or what they wrote.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use between_store::PoolUse;

use crate::App;

/// Counters the app keeps as it works.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Unlocks waiting for their turn on the gate.
    pub(crate) unlock_waiting: AtomicUsize,
    /// Imports finished, and what they added.
    pub(crate) imports: AtomicU64,
    pub(crate) imported_items: AtomicU64,
}

/// One reading of the app's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppMetrics {
    /// Password key derivations run since the start.
    pub key_derivations: u64,
    /// Unlocks (sign-ins, recovery) waiting for a turn, and running.
    pub unlock_waiting: usize,
    pub unlock_running: usize,
    /// How many unlocks may run at once.
    pub unlock_permits: usize,
    /// Background jobs (agenda publishing) waiting or running.
    pub background_pending: usize,
    /// Imports finished since the start, and the entries and records
    /// they added.
    pub imports: u64,
    pub imported_items: u64,
    pub pool: PoolUse,
}

/// Counts one waiter on the unlock gate while it lives.
pub(crate) struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    pub(crate) fn new(counter: &'a AtomicUsize) -> Waiting<'a> {
        counter.fetch_add(1, Ordering::Relaxed);
        Waiting(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl App {
    /// The app's metrics now.
    pub fn metrics(&self) -> AppMetrics {
        let permits = self.config.unlock_permits.max(1);
        AppMetrics {
            key_derivations: self.key_derivations(),
            unlock_waiting: self.counters.unlock_waiting.load(Ordering::Relaxed),
            unlock_running: permits.saturating_sub(self.unlock.available_permits()),
            unlock_permits: permits,
            background_pending: self.background.pending(),
            imports: self.counters.imports.load(Ordering::Relaxed),
            imported_items: self.counters.imported_items.load(Ordering::Relaxed),
            pool: self.store.pool_use(),
        }
    }

    /// Counts a finished import that added `added` items.
    pub(crate) fn count_import(&self, added: usize) {
        self.counters.imports.fetch_add(1, Ordering::Relaxed);
        self.counters
            .imported_items
            .fetch_add(u64::try_from(added).unwrap_or(u64::MAX), Ordering::Relaxed);
    }
}
