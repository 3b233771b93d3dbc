//! Sealing and opening records of every kind beyond journal entries. Each
//! kind of record is encrypted under the key of its kind of data, with AAD
//! binding the ciphertext to kind, owner and id.

use between_store::{RecordBatch, RecordQuery, RecordRow};
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use crate::crypto;
use crate::error::AppError;
use crate::keyring::DataKind;
use crate::memo::MemoKey;
use crate::principal::Principal;
use crate::{from_micros, micros, App};

/// What a record is; decides its key and its `kind` in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Appointment,
    AppointmentSeries,
    Question,
    Insight,
    Feedback,
    Goal,
    GoalCheckIn,
    Practice,
    PracticeLog,
    CalendarPrefs,
    /// The calendar feed's secret, under a key no one else ever holds.
    CalendarFeed,
    Measure,
    /// How often one instrument is asked for.
    MeasureSchedule,
    SafetyPlan,
    /// A warning sign in the person's words with its rule.
    WarningSign,
    /// One episode of a warning sign matching.
    WarningSignMatch,
    /// What is shared of one private entry (parent): part of it or a summary.
    Excerpt,
    WinsSeen,
    PinnedPatterns,
    Tracker,
    /// One tracker's readings of one calendar month (a slot).
    TrackerMonth,
    /// Ids an import had to change, source id → id here, so importing the
    /// same archive again adds nothing.
    ImportMap,
    /// The agenda saved for one appointment.
    Agenda,
    /// Session minutes and review interval.
    AgendaPrefs,
    /// A saved periodic review with its reflections.
    Review,
    /// A reminder: what for, at which times, on which days.
    Reminder,
    /// Where reminders go (push subscription, email, webhook).
    ReminderChannel,
    /// Quiet hours and days.
    ReminderSettings,
}

impl RecordKind {
    pub const ALL: [RecordKind; 28] = [
        RecordKind::Appointment,
        RecordKind::AppointmentSeries,
        RecordKind::Question,
        RecordKind::Insight,
        RecordKind::Feedback,
        RecordKind::Goal,
        RecordKind::GoalCheckIn,
        RecordKind::Practice,
        RecordKind::PracticeLog,
        RecordKind::CalendarPrefs,
        RecordKind::CalendarFeed,
        RecordKind::Measure,
        RecordKind::MeasureSchedule,
        RecordKind::SafetyPlan,
        RecordKind::WarningSign,
        RecordKind::WarningSignMatch,
        RecordKind::Excerpt,
        RecordKind::WinsSeen,
        RecordKind::PinnedPatterns,
        RecordKind::Tracker,
        RecordKind::TrackerMonth,
        RecordKind::ImportMap,
        RecordKind::Agenda,
        RecordKind::AgendaPrefs,
        RecordKind::Review,
        RecordKind::Reminder,
        RecordKind::ReminderChannel,
        RecordKind::ReminderSettings,
    ];

    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Appointment => "appointment",
            RecordKind::AppointmentSeries => "appointment_series",
            RecordKind::Question => "question",
            RecordKind::Insight => "insight",
            RecordKind::Feedback => "feedback",
            RecordKind::Goal => "goal",
            RecordKind::GoalCheckIn => "goal_checkin",
            RecordKind::Practice => "practice",
            RecordKind::PracticeLog => "practice_log",
            RecordKind::CalendarPrefs => "calendar_prefs",
            RecordKind::CalendarFeed => "calendar_feed",
            RecordKind::Measure => "measure",
            RecordKind::MeasureSchedule => "measure_schedule",
            RecordKind::SafetyPlan => "safety_plan",
            RecordKind::WarningSign => "warning_sign",
            RecordKind::WarningSignMatch => "warning_sign_match",
            RecordKind::Excerpt => "excerpt",
            RecordKind::WinsSeen => "wins_seen",
            RecordKind::PinnedPatterns => "pinned_patterns",
            RecordKind::Tracker => "tracker",
            RecordKind::TrackerMonth => "tracker_month",
            RecordKind::ImportMap => "import_map",
            RecordKind::Agenda => "agenda",
            RecordKind::AgendaPrefs => "agenda_prefs",
            RecordKind::Review => "review",
            RecordKind::Reminder => "reminder",
            RecordKind::ReminderChannel => "reminder_channel",
            RecordKind::ReminderSettings => "reminder_settings",
        }
    }

    /// Whether the account archive carries records of this kind: not the
    /// import bookkeeping, never a credential's secret, and not reminder
    /// channels (a push subscription belongs to this server's key; an
    /// email address would need its opt-in again).
    pub fn archived(self) -> bool {
        !matches!(
            self,
            RecordKind::ImportMap | RecordKind::CalendarFeed | RecordKind::ReminderChannel
        )
    }

    pub(crate) fn data_kind(self) -> DataKind {
        match self {
            RecordKind::Appointment | RecordKind::AppointmentSeries => DataKind::Appointments,
            RecordKind::Question => DataKind::Questions,
            RecordKind::Excerpt => DataKind::SharedJournal,
            RecordKind::Insight => DataKind::Insights,
            RecordKind::Feedback => DataKind::Feedback,
            RecordKind::Goal | RecordKind::GoalCheckIn => DataKind::Goals,
            RecordKind::Practice => DataKind::Practices,
            RecordKind::PracticeLog => DataKind::PracticeLogs,
            RecordKind::CalendarPrefs => DataKind::Practices,
            RecordKind::CalendarFeed => DataKind::Account,
            RecordKind::Measure | RecordKind::MeasureSchedule => DataKind::Measures,
            RecordKind::SafetyPlan | RecordKind::WarningSign | RecordKind::WarningSignMatch => {
                DataKind::SafetyPlan
            }
            RecordKind::WinsSeen | RecordKind::PinnedPatterns | RecordKind::ImportMap => {
                DataKind::Journal
            }
            RecordKind::Tracker | RecordKind::TrackerMonth => DataKind::Trackers,
            RecordKind::Agenda | RecordKind::AgendaPrefs => DataKind::Agenda,
            RecordKind::Review => DataKind::Reviews,
            RecordKind::Reminder | RecordKind::ReminderChannel | RecordKind::ReminderSettings => {
                DataKind::Account
            }
        }
    }
}

/// Whether a batch writes (inserts, updates or deletes) any of `kinds`.
pub(crate) fn batch_touches(batch: &RecordBatch, kinds: &[RecordKind]) -> bool {
    let named = |k: &str| kinds.iter().any(|kind| kind.as_str() == k);
    batch
        .insert
        .iter()
        .chain(&batch.update)
        .chain(batch.update_if_unchanged.iter().map(|(r, _)| r))
        .any(|r| named(&r.kind))
        || batch.delete.iter().any(|(kind, _)| named(kind))
}

pub(crate) fn aad(kind: RecordKind, user_id: Uuid, id: Uuid) -> Vec<u8> {
    format!("record|{}|{user_id}|{id}", kind.as_str()).into_bytes()
}

/// A new or changed record, sealed for the store. `created_at` is kept from
/// `existing` when given.
#[allow(clippy::too_many_arguments)]
pub(crate) fn seal_at<T: Serialize>(
    now: i64,
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

/// A decoded record with the plain metadata the store keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored<T> {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub occurred_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub data: T,
}

pub(crate) fn stored<T: DeserializeOwned>(
    p: &Principal,
    kind: RecordKind,
    row: &RecordRow,
) -> Result<Stored<T>, AppError> {
    Ok(Stored {
        id: row.id,
        parent_id: row.parent_id,
        occurred_at: from_micros(row.occurred_at)?,
        created_at: from_micros(row.created_at)?,
        updated_at: from_micros(row.updated_at)?,
        data: open(p, kind, row)?,
    })
}

/// Plain create/read/update/delete of records that need nothing more.
impl App {
    /// A new or changed record, sealed for the store, stamped with the
    /// app's clock. `created_at` is kept from `existing` when given.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn seal<T: Serialize>(
        &self,
        p: &Principal,
        kind: RecordKind,
        id: Uuid,
        parent_id: Option<Uuid>,
        occurred_at: Timestamp,
        data: &T,
        existing: Option<&RecordRow>,
    ) -> Result<RecordRow, AppError> {
        seal_at(
            self.now_micros(),
            p,
            kind,
            id,
            parent_id,
            occurred_at,
            data,
            existing,
        )
    }

    pub(crate) async fn insert_record<T: Serialize + DeserializeOwned>(
        &self,
        p: &Principal,
        kind: RecordKind,
        parent_id: Option<Uuid>,
        occurred_at: Timestamp,
        data: &T,
    ) -> Result<Stored<T>, AppError> {
        p.require_read()?;
        let row = self.seal(p, kind, Uuid::now_v7(), parent_id, occurred_at, data, None)?;
        self.apply_records(
            p,
            &RecordBatch {
                insert: vec![row.clone()],
                ..Default::default()
            },
        )
        .await?;
        stored(p, kind, &row)
    }

    /// Inserts many records of possibly different kinds in one transaction.
    pub(crate) async fn insert_records<T: Serialize>(
        &self,
        p: &Principal,
        items: &[(RecordKind, Option<Uuid>, Timestamp, T)],
    ) -> Result<Vec<Uuid>, AppError> {
        p.require_read()?;
        let mut batch = RecordBatch::default();
        for (kind, parent, at, data) in items {
            batch
                .insert
                .push(self.seal(p, *kind, Uuid::now_v7(), *parent, *at, data, None)?);
        }
        let ids = batch.insert.iter().map(|r| r.id).collect();
        self.apply_records(p, &batch).await?;
        Ok(ids)
    }

    pub(crate) async fn get_record<T: DeserializeOwned>(
        &self,
        p: &Principal,
        kind: RecordKind,
        id: Uuid,
        what: &str,
    ) -> Result<(RecordRow, Stored<T>), AppError> {
        p.require_read()?;
        let row = self
            .store
            .record(p.user.id, kind.as_str(), id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("The {what} {id}")))?;
        let decoded = stored(p, kind, &row)?;
        Ok((row, decoded))
    }

    /// Every record of `kind` (under `parent_id`), opened; once per
    /// request that remembers (`memo.rs`).
    pub(crate) async fn list_records<T>(
        &self,
        p: &Principal,
        kind: RecordKind,
        parent_id: Option<Uuid>,
    ) -> Result<Vec<Stored<T>>, AppError>
    where
        T: DeserializeOwned + Clone + Send + Sync + 'static,
    {
        p.require_read()?;
        self.remembered(p, MemoKey::Records(kind, parent_id), async {
            let q = RecordQuery {
                kind: kind.as_str().into(),
                parent_id,
                ..Default::default()
            };
            self.store
                .list_records(p.user.id, &q)
                .await?
                .iter()
                .map(|row| stored(p, kind, row))
                .collect()
        })
        .await
    }

    /// The sealed rows of a kind in `range`, for callers that need only
    /// their plain metadata or decrypt selectively.
    pub(crate) async fn record_rows(
        &self,
        p: &Principal,
        kind: RecordKind,
        parent_id: Option<Uuid>,
        range: between_domain::timespec::TimeRange,
    ) -> Result<Vec<RecordRow>, AppError> {
        p.require_read()?;
        let q = RecordQuery {
            kind: kind.as_str().into(),
            parent_id,
            since: range.since.map(crate::micros),
            until: range.until.map(crate::micros),
        };
        Ok(self.store.list_records(p.user.id, &q).await?)
    }

    pub(crate) async fn replace_record<T: Serialize + DeserializeOwned>(
        &self,
        p: &Principal,
        kind: RecordKind,
        existing: &RecordRow,
        occurred_at: Timestamp,
        data: &T,
    ) -> Result<Stored<T>, AppError> {
        let row = self.seal(
            p,
            kind,
            existing.id,
            existing.parent_id,
            occurred_at,
            data,
            Some(existing),
        )?;
        self.apply_records(
            p,
            &RecordBatch {
                update: vec![row.clone()],
                ..Default::default()
            },
        )
        .await?;
        stored(p, kind, &row)
    }

    pub(crate) async fn delete_record(
        &self,
        p: &Principal,
        kind: RecordKind,
        id: Uuid,
        what: &str,
    ) -> Result<(), AppError> {
        self.get_record::<serde::de::IgnoredAny>(p, kind, id, what)
            .await?;
        let batch = RecordBatch {
            delete: vec![(kind.as_str().into(), id)],
            ..Default::default()
        };
        self.apply_records(p, &batch).await
    }
}
