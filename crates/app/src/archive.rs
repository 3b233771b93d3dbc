//! The complete archive of one account: every entry and every record,
//! decrypted, as versioned JSON (schema: docs/archive-v1.schema.json), and
//! bringing such an archive back in — atomically (all or nothing) and
//! idempotently (what is already here is skipped). Ids are kept where they
//! are free; an id another account already uses gets a new one, remembered
//! in an encrypted `import_map` so importing the same file again adds
//! nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use between_domain::appointment::{Details, Series};
use between_domain::feedback::Feedback;
use between_domain::goal::{CheckIn, Goal};
use between_domain::insight::Insight;
use between_domain::measure::Response;
use between_domain::practice::definition::{Log, Practice};
use between_domain::question::Question;
use between_domain::tracker::Tracker;
use between_domain::{echo, EntryContent, ValidationErrors};
use between_store::{CredentialKind, EntryRow, RecordQuery, RecordRow};
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::calendar::CalendarPrefs;
use crate::error::AppError;
use crate::measures::SafetyPlan;
use crate::principal::Principal;
use crate::reauth::PasswordConfirmed;
use crate::records::{self, RecordKind};
use crate::trackers::Reading;
use crate::{blocking, from_micros, micros, App};

/// What the store already holds that an archive's import depends on.
struct Known {
    /// Ids of this account's entries and records.
    owned: HashSet<Uuid>,
    /// The account's map of renumbered ids, and the record holding it.
    map_row: Option<RecordRow>,
    map: BTreeMap<Uuid, Uuid>,
    /// Ids in the archive that another account uses.
    taken: HashSet<Uuid>,
}

pub const FORMAT: &str = "between-archive";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Archive {
    pub format: String,
    pub format_version: u32,
    pub exported_at: Timestamp,
    pub account: ArchivedAccount,
    pub entries: Vec<ArchivedEntry>,
    pub records: Vec<ArchivedRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedAccount {
    pub name: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedEntry {
    pub id: Uuid,
    pub occurred_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<Timestamp>,
    pub content: EntryContent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedRecord {
    pub id: Uuid,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Uuid>,
    pub occurred_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The record itself, shaped by its kind.
    pub data: serde_json::Value,
}

/// Told (done, total) as an import checks and encrypts what it brings in
/// (from the blocking pool, hence shared and `Send`).
pub type Progress = Option<std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>>;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub added: usize,
    pub skipped: usize,
    /// Added records (and entries) by kind.
    pub added_by_kind: BTreeMap<String, usize>,
    /// Ids that another account already used and were given new ones.
    pub renumbered: usize,
    pub dry_run: bool,
}

/// Calls `$f::<T>($args)` with the type stored under each kind.
macro_rules! with_type {
    ($kind:expr, $f:ident ( $($arg:expr),* )) => {
        match $kind {
            RecordKind::Appointment => $f::<Details>($($arg),*),
            RecordKind::AppointmentSeries => $f::<Series>($($arg),*),
            RecordKind::Question => $f::<Question>($($arg),*),
            RecordKind::Insight => $f::<Insight>($($arg),*),
            RecordKind::Feedback => $f::<Feedback>($($arg),*),
            RecordKind::Goal => $f::<Goal>($($arg),*),
            RecordKind::GoalCheckIn => $f::<CheckIn>($($arg),*),
            RecordKind::Practice => $f::<Practice>($($arg),*),
            RecordKind::PracticeLog => $f::<Log>($($arg),*),
            RecordKind::CalendarPrefs => $f::<CalendarPrefs>($($arg),*),
            RecordKind::CalendarFeed => $f::<crate::calendar::CalendarFeed>($($arg),*),
            RecordKind::Measure => $f::<Response>($($arg),*),
            RecordKind::MeasureSchedule => $f::<crate::measure_schedules::MeasureSchedule>($($arg),*),
            RecordKind::SafetyPlan => $f::<SafetyPlan>($($arg),*),
            RecordKind::WarningSign => $f::<between_domain::warning_sign::WarningSign>($($arg),*),
            RecordKind::WarningSignMatch => $f::<between_domain::warning_match::Match>($($arg),*),
            RecordKind::Excerpt => $f::<between_domain::excerpt::Excerpt>($($arg),*),
            RecordKind::WinsSeen => $f::<std::collections::BTreeSet<String>>($($arg),*),
            RecordKind::PinnedPatterns => $f::<Vec<String>>($($arg),*),
            RecordKind::Tracker => $f::<Tracker>($($arg),*),
            RecordKind::TrackerMonth => $f::<Vec<Reading>>($($arg),*),
            RecordKind::ImportMap => $f::<BTreeMap<Uuid, Uuid>>($($arg),*),
            RecordKind::Agenda => $f::<between_domain::agenda_plan::SavedAgenda>($($arg),*),
            RecordKind::AgendaPrefs => $f::<between_domain::agenda_plan::Prefs>($($arg),*),
            RecordKind::Review => $f::<between_domain::review::SavedReview>($($arg),*),
            RecordKind::Reminder => $f::<between_domain::reminder::Reminder>($($arg),*),
            RecordKind::ReminderChannel => $f::<crate::reminders::Channel>($($arg),*),
            RecordKind::ReminderSettings => $f::<crate::reminders::ReminderSettings>($($arg),*),
        }
    };
}

fn to_json<T: DeserializeOwned + Serialize>(
    p: &Principal,
    kind: RecordKind,
    row: &RecordRow,
) -> Result<serde_json::Value, AppError> {
    let data: T = records::open(p, kind, row)?;
    serde_json::to_value(&data).map_err(|e| AppError::Corrupt(e.to_string()))
}

/// Checks `data` has the shape of `kind` and seals it.
fn from_json<T: DeserializeOwned + Serialize>(
    p: &Principal,
    kind: RecordKind,
    r: &ArchivedRecord,
    id: Uuid,
    parent_id: Option<Uuid>,
    data: serde_json::Value,
) -> Result<RecordRow, String> {
    storable_strings(&data, "data")?;
    let typed: T = serde_json::from_value(data).map_err(|e| echo::error(&e))?;
    let mut row = records::seal_at(
        micros(r.updated_at),
        p,
        kind,
        id,
        parent_id,
        r.occurred_at,
        &typed,
        None,
    )
    .map_err(|e| e.to_string())?;
    row.created_at = micros(r.created_at);
    row.updated_at = micros(r.updated_at);
    Ok(row)
}

/// Refuses a record whose data holds text that cannot be stored (a NUL),
/// naming where: `data.answer`, `data.levels[2]`.
fn storable_strings(value: &serde_json::Value, path: &str) -> Result<(), String> {
    match value {
        serde_json::Value::String(s) => {
            between_domain::storable::check_text(path, s).map_err(|e| e.to_string())
        }
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| storable_strings(v, &format!("{path}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            between_domain::storable::check_text(path, k).map_err(|e| e.to_string())?;
            storable_strings(v, &format!("{path}.{k}"))
        }),
        _ => Ok(()),
    }
}

/// Replaces every string that is a renumbered id, wherever it stands.
fn renumber(value: &mut serde_json::Value, map: &HashMap<Uuid, Uuid>) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(new) = Uuid::parse_str(s).ok().and_then(|id| map.get(&id)) {
                *s = new.to_string();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| renumber(v, map)),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(|v| renumber(v, map)),
        _ => {}
    }
}

impl App {
    /// Everything of the signed-in account, decrypted. A web session must
    /// bring its password, confirmed in the same request
    /// ([`App::confirm_password`]), so a stolen session cannot take the
    /// whole account in one download; a device login or read-write token,
    /// which only a password could make, needs none.
    pub async fn export_archive(
        &self,
        p: &Principal,
        confirmed: Option<PasswordConfirmed>,
    ) -> Result<Archive, AppError> {
        p.require_read()?;
        match confirmed {
            Some(confirmed) => confirmed.check(p)?,
            None if p.credential_kind == CredentialKind::Session => {
                return Err(AppError::Forbidden(
                    "Enter your password to download everything.".into(),
                ))
            }
            None => {}
        }
        let mut entries = Vec::new();
        for e in self.all_entries(p).await? {
            entries.push(ArchivedEntry {
                id: e.id,
                occurred_at: e.occurred_at,
                created_at: e.created_at,
                updated_at: e.updated_at,
                deleted_at: e.deleted_at,
                content: e.content,
            });
        }
        let mut out = Vec::new();
        for kind in RecordKind::ALL {
            if !kind.archived() {
                continue;
            }
            let q = RecordQuery {
                kind: kind.as_str().into(),
                ..Default::default()
            };
            for row in self.store.list_records(p.user.id, &q).await? {
                out.push(ArchivedRecord {
                    id: row.id,
                    kind: kind.as_str().into(),
                    parent_id: row.parent_id,
                    occurred_at: from_micros(row.occurred_at)?,
                    created_at: from_micros(row.created_at)?,
                    updated_at: from_micros(row.updated_at)?,
                    data: with_type!(kind, to_json(p, kind, &row))?,
                });
            }
        }
        Ok(Archive {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            exported_at: self.now(),
            account: ArchivedAccount {
                name: p.user.name.clone(),
                time_zone: p.user.time_zone.iana_name().unwrap_or("UTC").to_string(),
            },
            entries,
            records: out,
        })
    }

    /// Brings `archive` into the signed-in account. Every entry and record
    /// is checked first; the first problems are reported by position, id
    /// and field, and then nothing is written. (Front ends use
    /// [`App::import_file`], which does not copy the archive.)
    pub async fn import_archive(
        &self,
        p: &Principal,
        archive: &Archive,
        dry_run: bool,
    ) -> Result<ImportReport, AppError> {
        self.import_archive_with(p, archive.clone(), dry_run, None)
            .await
    }

    /// As [`App::import_archive`], telling `progress` (done, total). What
    /// is stored is read first; checking and encrypting run on the
    /// blocking pool.
    pub async fn import_archive_with(
        &self,
        p: &Principal,
        archive: Archive,
        dry_run: bool,
        progress: Progress,
    ) -> Result<ImportReport, AppError> {
        p.require_read()?;
        if archive.format != FORMAT || archive.format_version != FORMAT_VERSION {
            return Err(AppError::invalid(
                "format_version",
                format!(
                    "This is not a Between archive this version can read (format {}, version {}; expected \"{FORMAT}\", version {FORMAT_VERSION}).",
                    echo::quote(&archive.format),
                    archive.format_version
                ),
            ));
        }
        let owned = self.store.owned_ids(p.user.id).await?;
        // Ids renumbered by earlier imports of the same source.
        let (map_row, map) = self.import_map(p).await?;
        let unmapped: Vec<Uuid> = archive
            .entries
            .iter()
            .map(|e| e.id)
            .chain(archive.records.iter().map(|r| r.id))
            .filter(|id| !map.contains_key(id) && !owned.contains(id))
            .collect();
        let taken = self.store.taken_ids(&unmapped).await?;
        let known = Known {
            owned,
            map_row,
            map,
            taken,
        };
        let (app, who) = (self.clone(), p.clone());
        let (entry_rows, batch, report) =
            blocking::run(move || app.seal_archive(&who, archive, known, dry_run, progress))
                .await?;
        if !dry_run {
            self.import_rows(p, entry_rows, &batch).await?;
        }
        Ok(report)
    }

    /// Checks the whole archive and encrypts what is new: CPU work, for
    /// the blocking pool.
    fn seal_archive(
        &self,
        p: &Principal,
        archive: Archive,
        known: Known,
        dry_run: bool,
        progress: Progress,
    ) -> Result<(Vec<EntryRow>, between_store::RecordBatch, ImportReport), AppError> {
        let Known {
            owned,
            map_row,
            mut map,
            taken,
        } = known;
        let total = archive.entries.len() + archive.records.len();
        let tell = |done: usize| {
            if let Some(f) = progress.as_ref().filter(|_| done.is_multiple_of(500)) {
                f(done, total);
            }
        };
        let map_before = map.clone();
        let mut seen = HashSet::new();
        let mut errors = ValidationErrors::new();
        let source_ids = archive
            .entries
            .iter()
            .map(|e| e.id)
            .chain(archive.records.iter().map(|r| r.id));
        for (i, id) in source_ids.enumerate() {
            if !seen.insert(id) {
                errors.add(
                    &format!("item {}", i + 1),
                    format!("The id {id} appears twice in the archive."),
                );
            }
        }
        drop(seen);
        let mut renumbered = 0;
        for id in &taken {
            map.insert(*id, Uuid::now_v7());
            renumbered += 1;
        }
        let target = |id: Uuid| map.get(&id).copied().unwrap_or(id);
        let mut report = ImportReport {
            dry_run,
            renumbered,
            ..Default::default()
        };
        let Archive {
            entries, records, ..
        } = archive;
        let entry_count = entries.len();
        let mut entry_rows = Vec::new();
        for (i, e) in entries.into_iter().enumerate() {
            tell(i);
            let id = target(e.id);
            if owned.contains(&id) {
                report.skipped += 1;
                continue;
            }
            if let Err(why) =
                between_domain::timespec::check_instant(e.occurred_at, &p.user.time_zone)
            {
                errors.add(
                    &format!("entries[{i}].occurred_at"),
                    format!("Entry {} ({}): {why}", i + 1, e.id),
                );
                continue;
            }
            let content = match e.content.validated() {
                Ok(c) => c,
                Err(err) => {
                    errors.add(
                        &format!("entries[{i}]"),
                        format!("Entry {} ({}) is not valid: {err}", i + 1, e.id),
                    );
                    continue;
                }
            };
            let (key_id, payload) = self.seal_entry(p, id, &content)?;
            entry_rows.push(EntryRow {
                id,
                user_id: p.user.id,
                key_id,
                occurred_at: micros(e.occurred_at),
                created_at: micros(e.created_at),
                updated_at: micros(e.updated_at),
                deleted_at: e.deleted_at.map(micros),
                payload,
            });
            *report.added_by_kind.entry("entry".into()).or_default() += 1;
        }
        let id_map: HashMap<Uuid, Uuid> = map.iter().map(|(a, b)| (*a, *b)).collect();
        let mut record_rows = Vec::new();
        for (i, mut r) in records.into_iter().enumerate() {
            tell(entry_count + i);
            let Some(kind) = RecordKind::parse(&r.kind).filter(|k| k.archived()) else {
                errors.add(
                    &format!("records[{i}].kind"),
                    format!(
                        "Record {} ({}) has an unknown kind {}.",
                        i + 1,
                        r.id,
                        echo::quote(&r.kind)
                    ),
                );
                continue;
            };
            let id = target(r.id);
            if owned.contains(&id) {
                report.skipped += 1;
                continue;
            }
            if let Err(why) =
                between_domain::timespec::check_instant(r.occurred_at, &p.user.time_zone)
            {
                errors.add(
                    &format!("records[{i}].occurred_at"),
                    format!("Record {} ({}): {why}", i + 1, r.id),
                );
                continue;
            }
            let mut data = std::mem::take(&mut r.data);
            renumber(&mut data, &id_map);
            let parent = r.parent_id.map(target);
            match with_type!(kind, from_json(p, kind, &r, id, parent, data)) {
                Ok(row) => {
                    record_rows.push(row);
                    *report.added_by_kind.entry(r.kind.clone()).or_default() += 1;
                }
                Err(why) => errors.add(
                    &format!("records[{i}]"),
                    format!(
                        "Record {} ({} {}) is not valid: {why}.",
                        i + 1,
                        kind.as_str(),
                        r.id
                    ),
                ),
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        report.added = entry_rows.len() + record_rows.len();
        let mut batch = between_store::RecordBatch {
            insert: record_rows,
            ..Default::default()
        };
        // The map changes only together with what it describes.
        if !dry_run && map != map_before {
            let sealed = self.seal(
                p,
                RecordKind::ImportMap,
                map_row.as_ref().map_or_else(Uuid::now_v7, |r| r.id),
                None,
                self.now(),
                &map,
                map_row.as_ref(),
            )?;
            match &map_row {
                Some(_) => batch.update.push(sealed),
                None => batch.insert.push(sealed),
            }
        }
        Ok((entry_rows, batch, report))
    }

    async fn import_map(
        &self,
        p: &Principal,
    ) -> Result<(Option<RecordRow>, BTreeMap<Uuid, Uuid>), AppError> {
        let q = RecordQuery {
            kind: RecordKind::ImportMap.as_str().into(),
            ..Default::default()
        };
        match self
            .store
            .list_records(p.user.id, &q)
            .await?
            .into_iter()
            .next()
        {
            Some(row) => {
                let map = records::open(p, RecordKind::ImportMap, &row)?;
                Ok((Some(row), map))
            }
            None => Ok((None, BTreeMap::new())),
        }
    }
}
