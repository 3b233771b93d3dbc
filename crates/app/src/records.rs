//! Sealing and opening records of every kind beyond journal entries. Each
//! kind of record is encrypted under the key of its kind of data, with AAD
//! binding the ciphertext to kind, owner and id.

use between_store::RecordRow;
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use crate::crypto;
use crate::error::AppError;
use crate::keyring::DataKind;
use crate::principal::Principal;
use crate::{micros, now_micros};

/// What a record is; decides its key and its `kind` in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Appointment,
    AppointmentSeries,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Appointment => "appointment",
            RecordKind::AppointmentSeries => "appointment_series",
        }
    }

    fn data_kind(self) -> DataKind {
        match self {
            RecordKind::Appointment | RecordKind::AppointmentSeries => DataKind::Appointments,
        }
    }
}

fn aad(kind: RecordKind, user_id: Uuid, id: Uuid) -> Vec<u8> {
    format!("record|{}|{user_id}|{id}", kind.as_str()).into_bytes()
}

/// A new or changed record, sealed for the store. `created_at` is kept from
/// `existing` when given.
pub(crate) fn seal<T: Serialize>(
    p: &Principal,
    kind: RecordKind,
    id: Uuid,
    parent_id: Option<Uuid>,
    occurred_at: Timestamp,
    data: &T,
    existing: Option<&RecordRow>,
) -> Result<RecordRow, AppError> {
    let (key_id, key) = p.keys.current(kind.data_kind())?;
    let bytes = rmp_serde::to_vec_named(data).map_err(|e| AppError::Corrupt(e.to_string()))?;
    let now = now_micros();
    Ok(RecordRow {
        id,
        user_id: p.user.id,
        kind: kind.as_str().to_string(),
        parent_id,
        key_id,
        occurred_at: micros(occurred_at),
        created_at: existing.map_or(now, |r| r.created_at),
        updated_at: now,
        payload: crypto::seal(key, &aad(kind, p.user.id, id), &bytes),
    })
}

/// Decrypts and decodes a record's payload.
pub(crate) fn open<T: DeserializeOwned>(
    p: &Principal,
    kind: RecordKind,
    row: &RecordRow,
) -> Result<T, AppError> {
    let key = p.keys.by_id(row.key_id)?;
    let bytes = crypto::open(key, &aad(kind, row.user_id, row.id), &row.payload)
        .map_err(|_| AppError::Corrupt(format!("{} {} does not decrypt", kind.as_str(), row.id)))?;
    rmp_serde::from_slice(&bytes)
        .map_err(|e| AppError::Corrupt(format!("{} {}: {e}", kind.as_str(), row.id)))
}
