//! Daily trackers: definitions, the daily check-in (one reading per tracker
//! per local day) and readings over a period. Readings are records whose
//! parent is their tracker, dated at noon of their local day.

use std::collections::HashMap;

use between_domain::timespec::TimeRange;
use between_domain::tracker::Tracker;
use between_domain::ValidationErrors;
use between_store::{RecordBatch, RecordQuery};
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{self, RecordKind, Stored};
use crate::{micros, App};

const WHAT: &str = "tracker";

/// One day's reading of one tracker.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub date: Date,
    pub value: f64,
}

/// What a person gave for one tracker in a check-in.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// Typed text: "7.5", "yes".
    Text(String),
    /// Already a number (the API); yes/no as 1/0.
    Number(f64),
    /// Remove that day's reading.
    Clear,
}

/// A tracker with its readings (oldest first).
#[derive(Debug, Clone)]
pub struct TrackerView {
    pub tracker: Stored<Tracker>,
    pub readings: Vec<Reading>,
}

fn noon(p: &Principal, date: Date) -> Result<Timestamp, AppError> {
    date.at(12, 0, 0, 0)
        .to_zoned(p.user.time_zone.clone())
        .map(|z| z.timestamp())
        .map_err(|e| AppError::invalid("date", e.to_string()))
}

/// Today in the person's time zone.
pub fn today(p: &Principal) -> Date {
    Timestamp::now().to_zoned(p.user.time_zone.clone()).date()
}

impl App {
    /// All trackers, oldest first.
    pub async fn trackers(&self, p: &Principal) -> Result<Vec<Stored<Tracker>>, AppError> {
        self.list_records(p, RecordKind::Tracker, None).await
    }

    pub async fn tracker(&self, p: &Principal, id: Uuid) -> Result<Stored<Tracker>, AppError> {
        Ok(self.get_record(p, RecordKind::Tracker, id, WHAT).await?.1)
    }

    /// The tracker whose short name (or name) is `key`.
    pub async fn tracker_by_key(
        &self,
        p: &Principal,
        key: &str,
    ) -> Result<Stored<Tracker>, AppError> {
        let all = self.trackers(p).await?;
        find_by_key(&all, key)
            .cloned()
            .ok_or_else(|| unknown_key(&all, key))
    }

    fn check_unique(
        all: &[Stored<Tracker>],
        t: &Tracker,
        except: Option<Uuid>,
    ) -> Result<(), AppError> {
        let others = all.iter().filter(|o| Some(o.id) != except);
        for o in others {
            if o.data.key == t.key {
                return Err(AppError::invalid(
                    "key",
                    format!("You already have a tracker called \"{}\".", t.key),
                ));
            }
            if o.data.name.eq_ignore_ascii_case(&t.name) {
                return Err(AppError::invalid(
                    "name",
                    format!("You already have a tracker named \"{}\".", t.name),
                ));
            }
        }
        Ok(())
    }

    pub async fn add_tracker(
        &self,
        p: &Principal,
        tracker: Tracker,
    ) -> Result<Stored<Tracker>, AppError> {
        let tracker = tracker.validated()?;
        Self::check_unique(&self.trackers(p).await?, &tracker, None)?;
        self.insert_record(p, RecordKind::Tracker, None, Timestamp::now(), &tracker)
            .await
    }

    /// Changes a definition. Its kind cannot change while it has readings,
    /// since they would no longer mean the same.
    pub async fn edit_tracker(
        &self,
        p: &Principal,
        id: Uuid,
        tracker: Tracker,
    ) -> Result<Stored<Tracker>, AppError> {
        let tracker = tracker.validated()?;
        let (row, current) = self
            .get_record::<Tracker>(p, RecordKind::Tracker, id, WHAT)
            .await?;
        Self::check_unique(&self.trackers(p).await?, &tracker, Some(id))?;
        if tracker.kind != current.data.kind
            && !self.readings(p, id, TimeRange::default()).await?.is_empty()
        {
            return Err(AppError::invalid(
                "kind",
                "A tracker with readings keeps its kind; add a new tracker instead.",
            ));
        }
        self.replace_record(p, RecordKind::Tracker, &row, current.occurred_at, &tracker)
            .await
    }

    /// Deletes a tracker and all its readings, together.
    pub async fn delete_tracker(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.tracker(p, id).await?;
        let mut batch = RecordBatch::default();
        for r in self.reading_rows(p, id, TimeRange::default()).await? {
            batch
                .delete
                .push((RecordKind::TrackerReading.as_str().into(), r.id));
        }
        batch.delete.push((RecordKind::Tracker.as_str().into(), id));
        Ok(self.store.apply_records(p.user.id, &batch).await?)
    }

    async fn reading_rows(
        &self,
        p: &Principal,
        tracker_id: Uuid,
        range: TimeRange,
    ) -> Result<Vec<Stored<Reading>>, AppError> {
        p.require_read()?;
        let q = RecordQuery {
            kind: RecordKind::TrackerReading.as_str().into(),
            parent_id: Some(tracker_id),
            since: range.since.map(micros),
            until: range.until.map(micros),
        };
        self.store
            .list_records(p.user.id, &q)
            .await?
            .iter()
            .map(|row| records::stored(p, RecordKind::TrackerReading, row))
            .collect()
    }

    /// A tracker's readings in `range`, oldest first.
    pub async fn readings(
        &self,
        p: &Principal,
        tracker_id: Uuid,
        range: TimeRange,
    ) -> Result<Vec<Reading>, AppError> {
        let mut out: Vec<Reading> = self
            .reading_rows(p, tracker_id, range)
            .await?
            .into_iter()
            .map(|r| r.data)
            .collect();
        out.sort_by_key(|r| r.date);
        Ok(out)
    }

    /// Every tracker with its readings in `range`.
    pub async fn tracker_views(
        &self,
        p: &Principal,
        range: TimeRange,
    ) -> Result<Vec<TrackerView>, AppError> {
        let mut out = Vec::new();
        for tracker in self.trackers(p).await? {
            let readings = self.readings(p, tracker.id, range).await?;
            out.push(TrackerView { tracker, readings });
        }
        Ok(out)
    }

    /// Each tracker with its reading on `date`, if any.
    pub async fn tracked_on(
        &self,
        p: &Principal,
        date: Date,
    ) -> Result<Vec<(Stored<Tracker>, Option<f64>)>, AppError> {
        let at = micros(noon(p, date)?);
        let range = TimeRange {
            since: Some(crate::from_micros(at)?),
            until: Some(crate::from_micros(at + 1)?),
        };
        let mut out = Vec::new();
        for v in self.tracker_views(p, range).await? {
            let value = v.readings.iter().find(|r| r.date == date).map(|r| r.value);
            out.push((v.tracker, value));
        }
        Ok(out)
    }

    /// Records `date`'s readings, keyed by tracker short name. Every value is
    /// checked before anything is written; then all are written together,
    /// replacing that day's earlier readings. Returns what was recorded.
    pub async fn track(
        &self,
        p: &Principal,
        date: Date,
        given: &[(String, Given)],
    ) -> Result<Vec<(Tracker, Option<f64>)>, AppError> {
        p.require_read()?;
        if given.is_empty() {
            return Err(AppError::invalid(
                "values",
                "Give at least one reading, e.g. sleep=7.5.",
            ));
        }
        if date > today(p) {
            return Err(AppError::invalid(
                "date",
                format!("{date} is in the future; record a day once it has begun."),
            ));
        }
        let all = self.trackers(p).await?;
        let mut errors = ValidationErrors::new();
        let mut parsed: Vec<(&Stored<Tracker>, Option<f64>)> = Vec::new();
        for (key, value) in given {
            let Some(t) = find_by_key(&all, key) else {
                if let AppError::Invalid(e) = unknown_key(&all, key) {
                    for (f, m) in e.fields() {
                        errors.add(&format!("{f}.{key}"), m.clone());
                    }
                }
                continue;
            };
            if parsed.iter().any(|(o, _)| o.id == t.id) {
                errors.add(
                    &t.data.key,
                    format!("{} is given twice; give it once.", t.data.name),
                );
                continue;
            }
            let v = match value {
                Given::Text(s) => t.data.parse_reading(s).map(Some),
                Given::Number(n) => t.data.check_reading(*n).map(Some),
                Given::Clear => Ok(None),
            };
            match v {
                Ok(v) => parsed.push((t, v)),
                Err(m) => errors.add(&t.data.key, m),
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let at = noon(p, date)?;
        let mut existing: HashMap<Uuid, between_store::RecordRow> = HashMap::new();
        let q = RecordQuery {
            kind: RecordKind::TrackerReading.as_str().into(),
            parent_id: None,
            since: Some(micros(at)),
            until: Some(micros(at) + 1),
        };
        for row in self.store.list_records(p.user.id, &q).await? {
            if let Some(parent) = row.parent_id {
                existing.insert(parent, row);
            }
        }
        let mut batch = RecordBatch::default();
        for (t, v) in &parsed {
            match (v, existing.get(&t.id)) {
                (Some(value), row) => {
                    let reading = Reading {
                        date,
                        value: *value,
                    };
                    let sealed = records::seal(
                        p,
                        RecordKind::TrackerReading,
                        row.map_or_else(Uuid::now_v7, |r| r.id),
                        Some(t.id),
                        at,
                        &reading,
                        row,
                    )?;
                    if row.is_some() {
                        batch.update.push(sealed);
                    } else {
                        batch.insert.push(sealed);
                    }
                }
                (None, Some(row)) => batch
                    .delete
                    .push((RecordKind::TrackerReading.as_str().into(), row.id)),
                (None, None) => {}
            }
        }
        self.store.apply_records(p.user.id, &batch).await?;
        Ok(parsed
            .into_iter()
            .map(|(t, v)| (t.data.clone(), v))
            .collect())
    }
}

fn find_by_key<'a>(all: &'a [Stored<Tracker>], key: &str) -> Option<&'a Stored<Tracker>> {
    let key = key.trim();
    all.iter()
        .find(|t| t.data.key == key)
        .or_else(|| all.iter().find(|t| t.data.name.eq_ignore_ascii_case(key)))
        .or_else(|| {
            let k = key.to_ascii_lowercase();
            all.iter().find(|t| t.data.key == k)
        })
}

fn unknown_key(all: &[Stored<Tracker>], key: &str) -> AppError {
    let known: Vec<&str> = all.iter().map(|t| t.data.key.as_str()).collect();
    let hint = if known.is_empty() {
        "You have no trackers yet; add one first (e.g. between tracker add --preset sleep).".into()
    } else {
        format!("Your trackers are: {}.", known.join(", "))
    };
    AppError::invalid(
        "tracker",
        format!("There is no tracker called \"{}\". {hint}", key.trim()),
    )
}
