//! Importers from other journals. Each turns a file into entries with a
//! stable source key (the tool's own id where it has one, else the entry's
//! date and text); `App::import_entries` turns keys into ids keyed by the
//! person's key, so importing a file twice adds nothing, and writes all
//! entries in one transaction or none. [`App::import_file`], the one entry
//! point of every front end, reads at most [`MAX_FILE_BYTES`] (unpacked,
//! for a zip), one import at a time (see [`slots`]), and unpacks, parses,
//! checks and encrypts on the blocking pool (see [`crate::blocking`]).

pub mod daylio;
pub mod dayone;
pub mod fhir;
pub mod generic_csv;
pub mod jrnl;
mod measures;
pub mod slots;
pub mod unzip;

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Seek};

use between_domain::{echo, EntryContent, ValidationErrors};
use between_store::{EntryRow, RecordBatch};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::archive::{Archive, ImportReport, Progress};
use crate::error::AppError;
use crate::keyring::DataKind;
use crate::principal::Principal;
use crate::{blocking, crypto, micros, App};

pub use slots::ImportSlot;

/// The largest file imported at once, and the most a zip may unpack in
/// all: everything parsed from a file is held in memory until it is written
/// in one transaction (ten years of daily entries are a few MB).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The most members a zip may list (a Day One export holds each journal's
/// JSON and its photos).
pub const MAX_ZIP_MEMBERS: u64 = 10_000;

/// What a zip may hold and unpack.
pub const ZIP_LIMITS: unzip::Limits = unzip::Limits {
    members: MAX_ZIP_MEMBERS,
    bytes: MAX_FILE_BYTES,
};

/// How a zip starts: with a member, or (empty) with its end record.
fn is_zip(start: &[u8]) -> bool {
    start.starts_with(b"PK\x03\x04") || start.starts_with(b"PK\x05\x06")
}

/// The file to import: bytes already in memory (an upload) or a file on
/// disk (the CLI), from which a zip is read member by member.
#[derive(Debug)]
pub enum Input {
    Bytes(Vec<u8>),
    File(std::fs::File),
}

/// One file to import and how.
pub struct FileImport {
    pub source: Source,
    pub input: Input,
    pub options: Options,
    /// Only check and count; write nothing.
    pub dry_run: bool,
    pub progress: Progress,
}

fn too_large() -> ValidationErrors {
    ValidationErrors::single(
        "file",
        format!(
            "This file is larger than {}, the most Between imports at once. For a Day One export with photos, import the .json file inside the zip.",
            echo::size(MAX_FILE_BYTES)
        ),
    )
}

/// Reads all of `reader` if it holds at most [`MAX_FILE_BYTES`].
pub fn read_capped(reader: impl Read) -> Result<Vec<u8>, ValidationErrors> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            ValidationErrors::single(
                "file",
                format!("The file could not be read: {}.", echo::error(&e)),
            )
        })?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// What a file holds once parsed.
enum Parsed {
    Entries(Vec<Imported>),
    Measures(Vec<fhir::ImportedMeasure>),
    Archive(Box<Archive>),
}

/// Reads and parses `input` as `source`: on the blocking pool only.
fn parse(
    source: Source,
    input: Input,
    tz: &TimeZone,
    options: &Options,
) -> Result<Parsed, ValidationErrors> {
    let bytes = match input {
        Input::Bytes(bytes) if bytes.len() as u64 > MAX_FILE_BYTES => return Err(too_large()),
        Input::Bytes(bytes) => bytes,
        Input::File(mut file) => {
            let mut magic = [0u8; 4];
            let is_zip = file.read_exact(&mut magic).is_ok() && is_zip(&magic);
            file.rewind().map_err(|e| {
                ValidationErrors::single(
                    "file",
                    format!("The file could not be read: {}.", echo::error(&e)),
                )
            })?;
            if is_zip && source == Source::DayOne {
                return dayone::parse_zip(file).map(Parsed::Entries);
            }
            read_capped(file)?
        }
    };
    if is_zip(&bytes) {
        if source == Source::DayOne {
            return dayone::parse_zip(std::io::Cursor::new(bytes)).map(Parsed::Entries);
        }
        return Err(ValidationErrors::single(
            "file",
            "This is a zip file: unzip it and import the file inside.",
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ValidationErrors::single(
            "file",
            format!(
                "The file is not UTF-8 text (first bad byte at offset {}).",
                e.valid_up_to()
            ),
        )
    })?;
    between_domain::storable::check_text("file", text)?;
    Ok(Parsed::Entries(match source {
        Source::Between => {
            let archive: Archive = serde_json::from_str(text).map_err(|e| {
                ValidationErrors::single(
                    "file",
                    format!("This is not a Between archive: {}.", echo::error(&e)),
                )
            })?;
            return Ok(Parsed::Archive(Box::new(archive)));
        }
        Source::Fhir => return fhir::parse(text, tz).map(Parsed::Measures),
        Source::Jrnl => jrnl::parse(text, tz)?,
        Source::DayOne => dayone::parse(text)?,
        Source::Daylio => daylio::parse(&bytes, tz, &options.mood_map)?,
        Source::Csv => generic_csv::parse(&bytes, tz, &options.map)?,
    }))
}

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
    /// FHIR R4 QuestionnaireResponses of known instruments.
    Fhir,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::Between,
        Source::Jrnl,
        Source::DayOne,
        Source::Daylio,
        Source::Csv,
        Source::Fhir,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Between => "between",
            Source::Jrnl => "jrnl",
            Source::DayOne => "dayone",
            Source::Daylio => "daylio",
            Source::Csv => "csv",
            Source::Fhir => "fhir",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Between => "A Between export (JSON)",
            Source::Jrnl => "jrnl (jrnl --format json)",
            Source::DayOne => "Day One (the export zip, or the .json inside it)",
            Source::Daylio => "Daylio (CSV export)",
            Source::Csv => "Another CSV file (say which column is which)",
            Source::Fhir => {
                "Measures as FHIR (QuestionnaireResponses of the PHQ-9, GAD-7, WHO-5 or PCL-5)"
            }
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
            .ok_or_else(|| {
                format!(
                    "{}: a mood's number is from 1 to 10.",
                    echo::quote(&format!("{name}={number}"))
                )
            })?;
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
    /// Reads `file` and imports what it holds (see [`App::import_entries`]
    /// and [`App::import_archive`]). Holding `_slot` bounds how many
    /// imports run at once.
    pub async fn import_file(
        &self,
        _slot: &ImportSlot,
        p: &Principal,
        file: FileImport,
    ) -> Result<ImportReport, AppError> {
        p.require_read()?;
        let FileImport {
            source,
            input,
            options,
            dry_run,
            progress,
        } = file;
        let tz = p.user.time_zone.clone();
        let parsed = blocking::run(move || parse(source, input, &tz, &options)).await?;
        let report = match parsed {
            Parsed::Entries(items) => self.import_entries_with(p, items, dry_run, progress).await,
            Parsed::Measures(items) => self.import_measures_with(p, items, dry_run, progress).await,
            Parsed::Archive(archive) => {
                self.import_archive_with(p, *archive, dry_run, progress)
                    .await
            }
        }?;
        if !dry_run {
            self.count_import(report.added);
        }
        Ok(report)
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
    /// entries are checked and encrypted (on the blocking pool).
    pub async fn import_entries_with(
        &self,
        p: &Principal,
        items: Vec<Imported>,
        dry_run: bool,
        progress: Progress,
    ) -> Result<ImportReport, AppError> {
        p.require_read()?;
        let owned = self.store.owned_ids(p.user.id).await?;
        let (app, who) = (self.clone(), p.clone());
        let (rows, report) =
            blocking::run(move || app.seal_imported(&who, items, &owned, dry_run, progress))
                .await?;
        if !dry_run && !rows.is_empty() {
            self.store
                .import(p.user.id, &rows, &RecordBatch::default())
                .await?;
        }
        Ok(report)
    }

    /// Checks every item and encrypts the new ones: CPU work, for the
    /// blocking pool.
    fn seal_imported(
        &self,
        p: &Principal,
        items: Vec<Imported>,
        owned: &HashSet<uuid::Uuid>,
        dry_run: bool,
        progress: Progress,
    ) -> Result<(Vec<EntryRow>, ImportReport), AppError> {
        let total = items.len();
        let (_, key) = p.keys.current(DataKind::Journal)?;
        let mut seen = HashSet::new();
        let mut errors = ValidationErrors::new();
        let mut rows = Vec::with_capacity(items.len());
        let mut report = ImportReport {
            dry_run,
            ..Default::default()
        };
        let now = self.now_micros();
        for (i, item) in items.into_iter().enumerate() {
            if let Some(tell) = progress.as_ref().filter(|_| i.is_multiple_of(500)) {
                tell(i, total);
            }
            let id = crypto::keyed_id(key, &item.source_key);
            if owned.contains(&id) || !seen.insert(id) {
                report.skipped += 1;
                continue;
            }
            if let Err(e) =
                between_domain::timespec::check_instant(item.occurred_at, &p.user.time_zone)
            {
                problem(&mut errors, i, "date", e.to_string());
                continue;
            }
            let content = match item.content.validated() {
                Ok(c) => c,
                Err(e) => {
                    for (field, why) in e.fields() {
                        problem(&mut errors, i, field, why.clone());
                    }
                    errors.add_unnamed(e.more());
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
        Ok((rows, report))
    }
}
