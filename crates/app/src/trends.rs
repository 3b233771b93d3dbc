//! The mood trend and the patterns of a period, from the journal, in the
//! person's local days.

use between_domain::patterns::{self, EntryFacts, Patterns};
use between_domain::timespec::TimeRange;
use between_domain::trend::{self, Trend};

use between_domain::practice::definition::{Log, Practice};

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::RecordKind;
use crate::{from_micros, App};

/// Per practice, its title and the days it was done; and thought records'
/// intensity drops.
type PracticeDays = (Vec<(String, Vec<jiff::civil::Date>)>, Vec<i16>);

impl App {
    /// The mood trend of `range`, its smoothed line warmed up on (and its
    /// average compared with) the same length of time just before it. The
    /// one place that says how mood moved, for every page that words it.
    pub async fn mood_trend(&self, p: &Principal, range: TimeRange) -> Result<Trend, AppError> {
        let tz = &p.user.time_zone;
        let moods = |entries: &[between_domain::Entry]| {
            entries
                .iter()
                .filter_map(|e| {
                    e.content
                        .mood
                        .map(|m| (e.occurred_at.to_zoned(tz.clone()).date(), m))
                })
                .collect::<Vec<_>>()
        };
        let now = moods(&self.entries_in(p, range).await?);
        let before = match range.since {
            Some(since) => {
                let until = range.until.unwrap_or_else(|| self.now()).max(since);
                let earlier = TimeRange {
                    since: Some(since - until.duration_since(since)),
                    until: Some(since),
                };
                moods(&self.entries_in(p, earlier).await?)
            }
            None => Vec::new(),
        };
        Ok(trend::trend_after(&before, &now))
    }

    /// Patterns in the journal entries of `range`, with what helps (practice
    /// days, thought records), feelings that come together and trackers.
    pub async fn patterns(&self, p: &Principal, range: TimeRange) -> Result<Patterns, AppError> {
        let tz = &p.user.time_zone;
        let entries = self.entries_in(p, range).await?;
        let (practice_days, drops) = self.practice_days(p, range).await?;
        let trackers = self.tracker_views(p, range).await?;
        let facts: Vec<EntryFacts> = entries
            .iter()
            .map(|e| {
                let local = e.occurred_at.to_zoned(tz.clone());
                EntryFacts {
                    weekday: local.weekday(),
                    hour: local.hour(),
                    mood: e.content.mood,
                    feelings: e
                        .content
                        .feelings
                        .iter()
                        .map(|f| (f.name.clone(), f.intensity))
                        .collect(),
                    triggers: e.content.triggers.clone(),
                }
            })
            .collect();
        let mut found = patterns::patterns(&facts);
        found.findings.extend(patterns::co_occurring(&facts));
        let day_moods: Vec<(jiff::civil::Date, f64)> = trend::trend(
            &entries
                .iter()
                .filter_map(|e| {
                    e.content
                        .mood
                        .map(|m| (e.occurred_at.to_zoned(tz.clone()).date(), m))
                })
                .collect::<Vec<_>>(),
        )
        .days
        .iter()
        .map(|d| (d.date, d.mean))
        .collect();
        found
            .findings
            .extend(patterns::what_helps(&day_moods, &practice_days, &drops));
        for v in trackers {
            let readings: Vec<_> = v.readings.iter().map(|r| (r.date, r.value)).collect();
            let t = patterns::tracker_mood(&day_moods, &v.tracker.data, &readings);
            found.findings.extend(t.findings);
            found.needs.extend(t.needs);
        }
        found.findings.sort_by(|a, b| b.effect.total_cmp(&a.effect));
        Ok(found)
    }

    /// Each practice's days with a log in `range`, and the intensity drops
    /// of thought records. Only logs with intensities are decrypted; for
    /// the others the plain date of the log is enough.
    async fn practice_days(
        &self,
        p: &Principal,
        range: TimeRange,
    ) -> Result<PracticeDays, AppError> {
        let tz = &p.user.time_zone;
        let mut practice_days = Vec::new();
        let mut drops = Vec::new();
        for practice in self
            .list_records::<Practice>(p, RecordKind::Practice, None)
            .await?
        {
            let has_intensity = practice
                .data
                .template
                .fields()
                .iter()
                .any(|f| f.key == "intensity_before");
            let times: Vec<i64> = if has_intensity {
                let rows = self
                    .record_rows(p, RecordKind::PracticeLog, Some(practice.id), range)
                    .await?;
                for row in &rows {
                    let log: Log = crate::records::open(p, RecordKind::PracticeLog, row)?;
                    drops.extend(log.intensity_drop());
                }
                rows.iter().map(|r| r.occurred_at).collect()
            } else {
                self.store
                    .record_times(
                        p.user.id,
                        &between_store::RecordQuery {
                            kind: RecordKind::PracticeLog.as_str().into(),
                            parent_id: Some(practice.id),
                            since: range.since.map(crate::micros),
                            until: range.until.map(crate::micros),
                        },
                    )
                    .await?
            };
            let mut days = Vec::with_capacity(times.len());
            for t in times {
                days.push(from_micros(t)?.to_zoned(tz.clone()).date());
            }
            practice_days.push((practice.data.title.clone(), days));
        }
        Ok((practice_days, drops))
    }

    /// Patterns the person noticed and wants on the next session's agenda.
    pub async fn pinned_patterns(&self, p: &Principal) -> Result<Vec<String>, AppError> {
        Ok(self
            .list_records::<Vec<String>>(p, crate::records::RecordKind::PinnedPatterns, None)
            .await?
            .pop()
            .map(|s| s.data)
            .unwrap_or_default())
    }

    /// Pins (or with `pin == false` unpins) a pattern's sentence.
    pub async fn pin_pattern(
        &self,
        p: &Principal,
        sentence: &str,
        pin: bool,
    ) -> Result<Vec<String>, AppError> {
        use crate::records::RecordKind;
        let sentence = sentence.trim();
        if sentence.is_empty() || sentence.chars().count() > 500 {
            return Err(AppError::invalid(
                "sentence",
                "Pin a pattern's sentence (at most 500 characters).",
            ));
        }
        let mut pinned = self.pinned_patterns(p).await?;
        pinned.retain(|s| s != sentence);
        if pin {
            pinned.push(sentence.to_string());
        }
        let q = between_store::RecordQuery {
            kind: RecordKind::PinnedPatterns.as_str().into(),
            ..Default::default()
        };
        let existing = self
            .store
            .list_records(p.user.id, &q)
            .await?
            .into_iter()
            .next();
        let now = self.now();
        let mut batch = between_store::RecordBatch::default();
        match existing {
            Some(row) => batch.update.push(self.seal(
                p,
                RecordKind::PinnedPatterns,
                row.id,
                None,
                now,
                &pinned,
                Some(&row),
            )?),
            None => batch.insert.push(self.seal(
                p,
                RecordKind::PinnedPatterns,
                uuid::Uuid::now_v7(),
                None,
                now,
                &pinned,
                None,
            )?),
        }
        self.apply_records(p, &batch).await?;
        Ok(pinned)
    }
}
