//! Importers from other journals. Each turns a file into entries with a
//! stable source key (the tool's own id where it has one, else the entry's
//! date and text); `App::import_entries` turns keys into ids keyed by the
//! person's key, so importing a file twice adds nothing, and writes all
//! entries in one transaction or none.

pub mod daylio;
pub mod dayone;
pub mod generic_csv;
pub mod jrnl;

use std::collections::{BTreeMap, HashSet};

use between_domain::{EntryContent, ValidationErrors};
use between_store::{EntryRow, RecordBatch};
use jiff::Timestamp;

use crate::archive::{ImportReport, Progress};
use crate::error::AppError;
use crate::keyring::DataKind;
use crate::principal::Principal;
use crate::{crypto, micros, App};

/// One entry read from another tool's file.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Identifies the entry in its source (e.g. "jrnl|2026-09-01 08:15|title…").
    pub source_key: String,
    pub occurred_at: Timestamp,
    pub content: EntryContent,
}

/// A CSV file always has an even number of `"` (quotes inside a field are
/// doubled); an odd number means it was cut off inside a quoted field,
/// which the CSV reader would otherwise take as the rest of the file.
pub fn check_quotes(bytes: &[u8]) -> Result<(), ValidationErrors> {
    if bytes.iter().filter(|b| **b == b'"').count() % 2 == 1 {
        return Err(ValidationErrors::single(
            "file",
            "The file ends inside a quoted field: it looks cut off. Export it again.",
        ));
    }
    Ok(())
}

/// A problem with one entry of a file: which entry, which field, why.
pub fn problem(errors: &mut ValidationErrors, index: usize, field: &str, why: impl Into<String>) {
    errors.add(
        &format!("entries[{index}].{field}"),
        format!("Entry {}: {}", index + 1, why.into()),
    );
}

/// What made a file being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An archive made by Between's export.
    Between,
    Jrnl,
    DayOne,
    Daylio,
    Csv,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::Between,
        Source::Jrnl,
        Source::DayOne,
        Source::Daylio,
        Source::Csv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Between => "between",
            Source::Jrnl => "jrnl",
            Source::DayOne => "dayone",
            Source::Daylio => "daylio",
            Source::Csv => "csv",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Between => "A Between export (JSON)",
            Source::Jrnl => "jrnl (jrnl --format json)",
            Source::DayOne => "Day One (the export zip, or the .json inside it)",
            Source::Daylio => "Daylio (CSV export)",
            Source::Csv => "Another CSV file (say which column is which)",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }
}

/// Options some sources need.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// CSV: column → field.
    pub map: BTreeMap<String, String>,
    /// Daylio: mood name → 1–10.
    pub mood_map: BTreeMap<String, u8>,
}

impl Options {
    /// CSV: `column` holds `field` (fields are matched in lower case).
    pub fn add_map(&mut self, column: &str, field: &str) {
        self.map
            .insert(column.trim().to_string(), field.trim().to_lowercase());
    }

    /// Daylio: the mood `name` is `number` on the 1–10 scale.
    pub fn add_mood(&mut self, name: &str, number: &str) -> Result<(), String> {
        let (name, number) = (name.trim(), number.trim());
        let n = number
            .parse::<u8>()
            .ok()
            .filter(|n| (1..=10).contains(n))
            .ok_or_else(|| format!("{name}={number}: a mood's number is from 1 to 10."))?;
        self.mood_map.insert(name.to_lowercase(), n);
        Ok(())
    }
}

/// A title and a body as one text, the body after a blank line.
pub fn join_title(title: &str, body: &str) -> String {
    match (title.is_empty(), body.is_empty()) {
        (_, true) => title.to_string(),
        (true, false) => body.to_string(),
        (false, false) => format!("{title}\n\n{body}"),
    }
}

impl App {
    /// Reads `bytes` as `source` and imports it (see [`App::import_entries`]
    /// and [`App::import_archive`]).
    pub async fn import_file(
        &self,
        p: &Principal,
        source: Source,
        bytes: &[u8],
        options: &Options,
        dry_run: bool,
        progress: Progress<'_>,
    ) -> Result<ImportReport, AppError> {
        if bytes.starts_with(b"PK\x03\x04") {
            if source == Source::DayOne {
                let items = dayone::parse_zip(bytes)?;
                return self.import_entries_with(p, items, dry_run, progress).await;
            }
            return Err(AppError::invalid(
                "file",
                "This is a zip file: unzip it and import the file inside.",
            ));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| {
            AppError::invalid(
                "file",
                format!(
                    "The file is not UTF-8 text (first bad byte at offset {}).",
                    e.valid_up_to()
                ),
            )
        })?;
        let tz = &p.user.time_zone;
        let items = match source {
            Source::Between => {
                let archive: crate::archive::Archive = serde_json::from_str(text).map_err(|e| {
                    AppError::invalid("file", format!("This is not a Between archive: {e}."))
                })?;
                return self
                    .import_archive_with(p, &archive, dry_run, progress)
                    .await;
            }
            Source::Jrnl => jrnl::parse(text, tz)?,
            Source::DayOne => dayone::parse(text)?,
            Source::Daylio => daylio::parse(bytes, tz, &options.mood_map)?,
            Source::Csv => generic_csv::parse(bytes, tz, &options.map)?,
        };
        self.import_entries_with(p, items, dry_run, progress).await
    }

    /// Adds imported entries: checked whole, then written together; entries
    /// already imported (same source key) are skipped.
    pub async fn import_entries(
        &self,
        p: &Principal,
        items: Vec<Imported>,
        dry_run: bool,
    ) -> Result<ImportReport, AppError> {
        self.import_entries_with(p, items, dry_run, None).await
    }

    /// As [`App::import_entries`], telling `progress` (done, total) as
    /// entries are checked and encrypted.
    pub async fn import_entries_with(
        &self,
        p: &Principal,
        items: Vec<Imported>,
        dry_run: bool,
        progress: Progress<'_>,
    ) -> Result<ImportReport, AppError> {
        p.require_read()?;
        let total = items.len();
        let (_, key) = p.keys.current(DataKind::Journal)?;
        let owned = self.store.owned_ids(p.user.id).await?;
        let mut seen = HashSet::new();
        let mut errors = ValidationErrors::new();
        let mut rows = Vec::with_capacity(items.len());
        let mut report = ImportReport {
            dry_run,
            ..Default::default()
        };
        let now = self.now_micros();
        for (i, item) in items.into_iter().enumerate() {
            if let Some(tell) = progress.filter(|_| i.is_multiple_of(500)) {
                tell(i, total);
            }
            let id = crypto::keyed_id(key, &item.source_key);
            if owned.contains(&id) || !seen.insert(id) {
                report.skipped += 1;
                continue;
            }
            let content = match item.content.validated() {
                Ok(c) => c,
                Err(e) => {
                    for (field, why) in e.fields() {
                        problem(&mut errors, i, field, why.clone());
                    }
                    continue;
                }
            };
            if errors.is_empty() {
                let (key_id, payload) = self.seal_entry(p, id, &content)?;
                rows.push(EntryRow {
                    id,
                    user_id: p.user.id,
                    key_id,
                    occurred_at: micros(item.occurred_at),
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                    payload,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        report.added = rows.len();
        if !rows.is_empty() {
            report.added_by_kind = BTreeMap::from([("entry".to_string(), rows.len())]);
        }
        if !dry_run && !rows.is_empty() {
            self.store
                .import(p.user.id, &rows, &RecordBatch::default())
                .await?;
        }
        Ok(report)
    }
}
