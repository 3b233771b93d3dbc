//! The person's warning signs (`domain::warning_sign`), one record each
//! under the safety plan's key, and what matches now: facts gathered from
//! the last 60 days of entries, trackers and questionnaires, in the
//! person's days. Evaluated only for a signed-in person (the keys are
//! open then); the rules never enter the reminder plan, and nobody watches
//! them in real time.

use std::collections::BTreeMap;

use between_domain::measure::Change;
use between_domain::timespec::TimeRange;
use between_domain::warning_sign::{Facts, Fired, WarningSign, MAX_WINDOW};
use jiff::SignedDuration;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::App;

/// A warning sign with whether it matches now.
#[derive(Debug, Clone)]
pub struct SignView {
    pub sign: Stored<WarningSign>,
    pub fired: Option<Fired>,
}

impl App {
    /// Adds a warning sign.
    pub async fn add_warning_sign(
        &self,
        p: &Principal,
        sign: WarningSign,
    ) -> Result<Stored<WarningSign>, AppError> {
        let sign = sign.validated()?;
        self.insert_record(p, RecordKind::WarningSign, None, self.now(), &sign)
            .await
    }

    pub async fn delete_warning_sign(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.delete_record(p, RecordKind::WarningSign, id, "warning sign")
            .await
    }

    /// Every warning sign, oldest first, each with what matches now.
    pub async fn warning_signs(&self, p: &Principal) -> Result<Vec<SignView>, AppError> {
        let signs: Vec<Stored<WarningSign>> =
            self.list_records(p, RecordKind::WarningSign, None).await?;
        if signs.is_empty() {
            return Ok(Vec::new());
        }
        let facts = self.warning_facts(p).await?;
        Ok(signs
            .into_iter()
            .map(|sign| SignView {
                fired: sign.data.rule.evaluate(&facts),
                sign,
            })
            .collect())
    }

    /// The warning signs that match now.
    pub async fn warning_signs_fired(&self, p: &Principal) -> Result<Vec<SignView>, AppError> {
        let mut all = self.warning_signs(p).await?;
        all.retain(|s| s.fired.is_some());
        Ok(all)
    }

    /// What the rules look at: the last 60 days of entries and tracker
    /// readings as the person's days, and every questionnaire's latest.
    pub async fn warning_facts(&self, p: &Principal) -> Result<Facts, AppError> {
        let tz = &p.user.time_zone;
        let now = self.now();
        let range = TimeRange {
            since: Some(now - SignedDuration::from_hours(24 * (i64::from(MAX_WINDOW) + 1))),
            until: None,
        };
        let mut days: BTreeMap<jiff::civil::Date, between_domain::warning_sign::Day> =
            BTreeMap::new();
        for e in self.entries_in(p, range).await? {
            let day = days
                .entry(e.occurred_at.to_zoned(tz.clone()).date())
                .or_default();
            day.moods.extend(e.content.mood);
            day.tags.extend(
                e.content
                    .tags
                    .iter()
                    .map(|t| t.trim().trim_start_matches('#').to_lowercase()),
            );
            day.feelings.extend(
                e.content
                    .feelings
                    .iter()
                    .map(|f| (f.name.trim().to_lowercase(), f.intensity)),
            );
        }
        for v in self.tracker_views(p, range).await? {
            let key = v.tracker.data.key.to_lowercase();
            for r in v.readings {
                days.entry(r.date)
                    .or_default()
                    .trackers
                    .insert(key.clone(), r.value);
            }
        }
        let measures = self
            .measures(p)
            .await?
            .iter()
            .map(|m| {
                let worse = m.change == Some(Change::ReliableDeterioration)
                    || m.change_from_baseline == Some(Change::ReliableDeterioration);
                (
                    m.response.data.instrument,
                    m.response.occurred_at.to_zoned(tz.clone()).date(),
                    worse,
                )
            })
            .collect();
        Ok(Facts {
            today: Some(now.to_zoned(tz.clone()).date()),
            days,
            measures,
        })
    }
}
