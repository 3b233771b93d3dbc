//! What one page request has opened already: a page that needs a kind of
//! record in several places (home asks for appointments, goals, measures
//! and questions from four features each) decrypts and decodes it once.
//!
//! A memo belongs to a principal made for one request
//! ([`Principal::remembering`]: the web's sign-in extractor gives one to
//! every page `GET`). Every write through that principal empties it
//! (`sealed_writes.rs`), and work left for later never takes it
//! ([`Principal::forgetful`]), so a memo only ever answers what the
//! request would have read itself. Nothing outlives the request.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::RecordKind;
use crate::App;

/// What was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum MemoKey {
    /// Every record of a kind (under one parent, or all).
    Records(RecordKind, Option<Uuid>),
    /// The plain times of every record of a kind under one parent (a
    /// practice's log days).
    RecordTimes(RecordKind, Uuid),
    /// The appointments, series extended.
    Appointments,
}

type Remembered = Arc<dyn Any + Send + Sync>;

#[derive(Default)]
pub struct Memo {
    values: Mutex<HashMap<(MemoKey, TypeId), Remembered>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl Memo {
    fn get<T: Clone + 'static>(&self, key: MemoKey) -> Option<T> {
        let values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        values
            .get(&(key, TypeId::of::<T>()))
            .and_then(|v| v.downcast_ref::<T>())
            .cloned()
    }

    fn put<T: Send + Sync + 'static>(&self, key: MemoKey, value: T) {
        let mut values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        values.insert((key, TypeId::of::<T>()), Arc::new(value));
    }

    /// Forgets everything (after a write).
    pub(crate) fn clear(&self) {
        self.values
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

impl App {
    /// `load`'s result, or what the request's memo holds from an earlier
    /// load of `key`. Without a memo this is `load` itself.
    pub(crate) async fn remembered<T, F>(
        &self,
        p: &Principal,
        key: MemoKey,
        load: F,
    ) -> Result<T, AppError>
    where
        T: Clone + Send + Sync + 'static,
        F: Future<Output = Result<T, AppError>>,
    {
        let Some(memo) = &p.memo else {
            return load.await;
        };
        if let Some(value) = memo.get::<T>(key) {
            return Ok(value);
        }
        let value = load.await?;
        memo.put(key, value.clone());
        Ok(value)
    }
}
