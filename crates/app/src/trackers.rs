//! Daily trackers: definitions, the daily check-in (one reading per tracker
//! per local day) and readings over a period. A tracker's readings are
//! kept one record per calendar month (a "slot": parent = tracker,
//! occurred_at = the month's first day, 00:00 UTC), so ten years of three
//! trackers are 360 records rather than 11,000; a check-in rewrites its
//! month with a guarded update and retries if another write came first.

use std::collections::HashMap;

use between_domain::timespec::TimeRange;
use between_domain::tracker::Tracker;
use between_domain::ValidationErrors;
use between_store::{RecordBatch, RecordRow};
use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{self, RecordKind, Stored};
use crate::{micros, App};

const WHAT: &str = "tracker";
/// Attempts at a check-in when other writes to the same month come first.
const ATTEMPTS: usize = 5;

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

/// The slot of `date`'s month: its first day at 00:00 UTC, the same
/// whatever the person's time zone is now or later.
pub(crate) fn month_slot(date: Date) -> Result<Timestamp, AppError> {
    date.first_of_month()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| AppError::invalid("date", e.to_string()))
}

/// The month slots that can hold readings of `range` (a day either side,
/// since days are local and slots are UTC).
fn slots_of(p: &Principal, range: TimeRange) -> Result<TimeRange, AppError> {
    let tz = &p.user.time_zone;
    let slot_around = |t: Timestamp, days: i64| -> Result<Timestamp, AppError> {
        let d = t
            .to_zoned(tz.clone())
            .date()
            .checked_add(jiff::Span::new().days(days))
            .map_err(|e| AppError::invalid("date", e.to_string()))?;
        month_slot(d)
    };
    Ok(TimeRange {
        since: range.since.map(|t| slot_around(t, -1)).transpose()?,
        until: range
            .until
            .map(|t| slot_around(t, 1).map(|s| crate::from_micros(micros(s) + 1)))
            .transpose()?
            .transpose()?,
    })
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
        for o in all.iter().filter(|o| Some(o.id) != except) {
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
        self.insert_record(p, RecordKind::Tracker, None, self.now(), &tracker)
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
        for r in self
            .record_rows(p, RecordKind::TrackerMonth, Some(id), TimeRange::default())
            .await?
        {
            batch
                .delete
                .push((RecordKind::TrackerMonth.as_str().into(), r.id));
        }
        batch.delete.push((RecordKind::Tracker.as_str().into(), id));
        self.apply_records(p, &batch).await
    }

    /// Month slots (of one tracker, or all) that may hold readings of `range`.
    async fn month_rows(
        &self,
        p: &Principal,
        tracker_id: Option<Uuid>,
        range: TimeRange,
    ) -> Result<Vec<RecordRow>, AppError> {
        self.record_rows(p, RecordKind::TrackerMonth, tracker_id, slots_of(p, range)?)
            .await
    }

    /// A tracker's readings in `range`, oldest first.
    pub async fn readings(
        &self,
        p: &Principal,
        tracker_id: Uuid,
        range: TimeRange,
    ) -> Result<Vec<Reading>, AppError> {
        let mut out = Vec::new();
        for row in self.month_rows(p, Some(tracker_id), range).await? {
            let month: Vec<Reading> = records::open(p, RecordKind::TrackerMonth, &row)?;
            for r in month {
                if range.contains(noon(p, r.date)?) {
                    out.push(r);
                }
            }
        }
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
        let slot = micros(month_slot(date)?);
        let mut values: HashMap<Uuid, f64> = HashMap::new();
        for row in self
            .month_rows(p, None, day_range(p, date)?)
            .await?
            .iter()
            .filter(|r| r.occurred_at == slot)
        {
            let month: Vec<Reading> = records::open(p, RecordKind::TrackerMonth, row)?;
            if let (Some(parent), Some(r)) = (row.parent_id, month.iter().find(|r| r.date == date))
            {
                values.insert(parent, r.value);
            }
        }
        Ok(self
            .trackers(p)
            .await?
            .into_iter()
            .map(|t| {
                let v = values.get(&t.id).copied();
                (t, v)
            })
            .collect())
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
        if date > self.today(p) {
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
        let changes: Vec<(Uuid, Option<f64>)> = parsed.iter().map(|(t, v)| (t.id, *v)).collect();
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.write_day(p, date, &changes).await {
                Err(AppError::Conflict(_)) if attempt < ATTEMPTS => continue,
                other => other?,
            }
            break;
        }
        Ok(parsed
            .into_iter()
            .map(|(t, v)| (t.data.clone(), v))
            .collect())
    }

    /// One attempt at writing a day's readings into their month slots.
    async fn write_day(
        &self,
        p: &Principal,
        date: Date,
        changes: &[(Uuid, Option<f64>)],
    ) -> Result<(), AppError> {
        let slot = month_slot(date)?;
        let rows: HashMap<Uuid, RecordRow> = self
            .month_rows(p, None, day_range(p, date)?)
            .await?
            .into_iter()
            .filter(|r| r.occurred_at == micros(slot))
            .filter_map(|r| r.parent_id.map(|parent| (parent, r)))
            .collect();
        let mut batch = RecordBatch::default();
        for (tracker_id, value) in changes {
            let row = rows.get(tracker_id);
            let mut month: Vec<Reading> = match row {
                Some(row) => records::open(p, RecordKind::TrackerMonth, row)?,
                None => Vec::new(),
            };
            month.retain(|r| r.date != date);
            if let Some(value) = value {
                month.push(Reading {
                    date,
                    value: *value,
                });
                month.sort_by_key(|r| r.date);
            } else if row.is_none() {
                continue;
            }
            let sealed = self.seal(
                p,
                RecordKind::TrackerMonth,
                row.map_or_else(Uuid::now_v7, |r| r.id),
                Some(*tracker_id),
                slot,
                &month,
                row,
            )?;
            match row {
                Some(row) => batch.update_if_unchanged.push((sealed, row.updated_at)),
                None => batch.insert.push(sealed),
            }
        }
        self.apply_records(p, &batch).await
    }
}

/// The instants of one local day.
fn day_range(p: &Principal, date: Date) -> Result<TimeRange, AppError> {
    let at = noon(p, date)?;
    Ok(TimeRange {
        since: Some(at),
        until: Some(crate::from_micros(micros(at) + 1)?),
    })
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
