//! The unlock path's one gate. Opening an account with a password or
//! recovery code is the most expensive thing the server does: a key
//! derivation (64 MiB of memory by default), then the sign-in's own work
//! (due key rotations, sealing keys to links). All of it runs behind one
//! semaphore sized to the machine, so a storm of sign-ins queues instead of
//! multiplying memory and starving other requests; what can wait (the
//! agenda snapshot for a therapist) goes to the bounded background queue.

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::AppError;
use crate::App;

/// How many unlocks may run at once: one per core.
pub fn default_permits() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

pub(crate) fn semaphore(permits: usize) -> Semaphore {
    Semaphore::new(permits.max(1))
}

impl App {
    /// Waits for a turn on the unlock path.
    pub(crate) async fn unlock_permit(&self) -> Result<SemaphorePermit<'_>, AppError> {
        let _waiting = crate::metrics::Waiting::new(&self.counters.unlock_waiting);
        self.unlock
            .acquire()
            .await
            .map_err(|_| AppError::Corrupt("the unlock gate is closed".into()))
    }
}
