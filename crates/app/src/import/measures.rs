//! Measure responses read from another system's file (FHIR, `fhir.rs`)
//! stored as measure records: all checked, then written in one transaction
//! or none. A response already there — the same instrument taken at the
//! same moment, whether it came from this file before or from Between's
//! own form — is skipped, so importing a file twice, or one's own export,
//! adds nothing.

use std::collections::{BTreeMap, HashSet};

use between_domain::measure::Instrument;
use between_domain::ValidationErrors;
use between_store::{RecordBatch, RecordRow};

use super::fhir::ImportedMeasure;
use crate::archive::{ImportReport, Progress};
use crate::error::AppError;
use crate::keyring::DataKind;
use crate::principal::Principal;
use crate::records::RecordKind;
use crate::{blocking, crypto, micros, App};

impl App {
    /// Adds imported measure responses (see the module's note), telling
    /// `progress` (done, total) as they are encrypted.
    pub async fn import_measures_with(
        &self,
        p: &Principal,
        items: Vec<ImportedMeasure>,
        dry_run: bool,
        progress: Progress,
    ) -> Result<ImportReport, AppError> {
        p.require_read()?;
        let taken: HashSet<(Instrument, i64)> = self
            .measures(p)
            .await?
            .iter()
            .map(|m| (m.response.data.instrument, micros(m.response.occurred_at)))
            .collect();
        let (app, who) = (self.clone(), p.clone());
        let (rows, report) =
            blocking::run(move || app.seal_measures(&who, items, &taken, dry_run, progress))
                .await?;
        if !dry_run && !rows.is_empty() {
            let batch = RecordBatch {
                insert: rows,
                ..Default::default()
            };
            self.store.import(p.user.id, &[], &batch).await?;
        }
        Ok(report)
    }

    /// Checks each response's time and encrypts the new ones: CPU work,
    /// for the blocking pool.
    fn seal_measures(
        &self,
        p: &Principal,
        items: Vec<ImportedMeasure>,
        taken: &HashSet<(Instrument, i64)>,
        dry_run: bool,
        progress: Progress,
    ) -> Result<(Vec<RecordRow>, ImportReport), AppError> {
        let total = items.len();
        let (_, key) = p.keys.current(DataKind::Measures)?;
        let mut seen = HashSet::new();
        let mut errors = ValidationErrors::new();
        let mut rows = Vec::new();
        let mut report = ImportReport {
            dry_run,
            ..Default::default()
        };
        for (i, item) in items.into_iter().enumerate() {
            if let Some(tell) = progress.as_ref().filter(|_| i.is_multiple_of(500)) {
                tell(i, total);
            }
            let at = (item.response.instrument, micros(item.occurred_at));
            if taken.contains(&at) || !seen.insert(at) {
                report.skipped += 1;
                continue;
            }
            if let Err(e) =
                between_domain::timespec::check_instant(item.occurred_at, &p.user.time_zone)
            {
                errors.add(
                    &format!("responses[{i}].authored"),
                    format!("Response {}: {e}", i + 1),
                );
                continue;
            }
            if item.occurred_at > self.now() {
                errors.add(
                    &format!("responses[{i}].authored"),
                    format!(
                        "Response {}: it was authored in the future ({}).",
                        i + 1,
                        item.occurred_at
                    ),
                );
                continue;
            }
            if errors.is_empty() {
                let id = crypto::keyed_id(key, &item.source_key);
                rows.push(self.seal(
                    p,
                    RecordKind::Measure,
                    id,
                    None,
                    item.occurred_at,
                    &item.response,
                    None,
                )?);
            }
        }
        if !errors.is_empty() {
            return Err(errors.into());
        }
        report.added = rows.len();
        if !rows.is_empty() {
            report.added_by_kind =
                BTreeMap::from([(RecordKind::Measure.as_str().to_string(), rows.len())]);
        }
        Ok((rows, report))
    }
}
