//! Imports run one at a time: an import holds a whole file and everything
//! parsed from it in memory, so [`App::import_file`] takes an
//! [`ImportSlot`] and the app hands out [`IMPORT_SLOTS`] of them. The web
//! asks for a slot before it reads an upload's body and answers "busy"
//! when none is free, so a flood of uploads holds one file in memory, not
//! one per request.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{App, AppError};

/// How many imports run at once.
pub const IMPORT_SLOTS: usize = 1;

/// Permission to run one import; the slot is free again when this drops.
#[derive(Debug)]
pub struct ImportSlot(#[allow(dead_code)] OwnedSemaphorePermit);

/// The app's import slots.
#[derive(Debug, Clone)]
pub(crate) struct Slots(Arc<Semaphore>);

impl Default for Slots {
    fn default() -> Self {
        Slots(Arc::new(Semaphore::new(IMPORT_SLOTS)))
    }
}

impl App {
    /// A slot if one is free now; `None` while other imports fill them.
    pub fn try_import_slot(&self) -> Option<ImportSlot> {
        self.import_slots
            .0
            .clone()
            .try_acquire_owned()
            .ok()
            .map(ImportSlot)
    }

    /// Waits for a free slot.
    pub async fn import_slot(&self) -> Result<ImportSlot, AppError> {
        self.import_slots
            .0
            .clone()
            .acquire_owned()
            .await
            .map(ImportSlot)
            .map_err(|_| AppError::Conflict("Imports have stopped: the app is closing.".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slot_is_free_again_when_its_import_ends() {
        let db = between_store::testing::TestDb::sqlite().await;
        let app = App::new(db.store.clone(), crate::Config::default());
        let slot = app.try_import_slot().expect("a free slot");
        assert!(app.try_import_slot().is_none(), "one import at a time");
        drop(slot);
        assert!(app.try_import_slot().is_some());
        assert!(app.import_slot().await.is_ok());
    }
}
