//! The mood trend and the patterns of a period, from the journal, in the
//! person's local days.

use between_domain::patterns::{self, EntryFacts, Patterns};
use between_domain::timespec::TimeRange;
use between_domain::trend::{self, Trend};

use crate::error::AppError;
use crate::principal::Principal;
use crate::App;

impl App {
    pub async fn mood_trend(&self, p: &Principal, range: TimeRange) -> Result<Trend, AppError> {
        let tz = &p.user.time_zone;
        let moods: Vec<_> = self
            .entries_in(p, range)
            .await?
            .iter()
            .filter_map(|e| {
                e.content
                    .mood
                    .map(|m| (e.occurred_at.to_zoned(tz.clone()).date(), m))
            })
            .collect();
        Ok(trend::trend(&moods))
    }

    /// Patterns in the journal entries of `range`, with what helps (practice
    /// days, thought records) and feelings that come together.
    pub async fn patterns(&self, p: &Principal, range: TimeRange) -> Result<Patterns, AppError> {
        let tz = &p.user.time_zone;
        let entries = self.entries_in(p, range).await?;
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
        let mut practice_days = Vec::new();
        let mut drops = Vec::new();
        for v in self.practices(p).await? {
            let logs: Vec<_> = v
                .logs
                .iter()
                .filter(|l| range.contains(l.occurred_at))
                .collect();
            drops.extend(logs.iter().filter_map(|l| l.data.intensity_drop()));
            practice_days.push((
                v.practice.data.title.clone(),
                logs.iter()
                    .map(|l| l.occurred_at.to_zoned(tz.clone()).date())
                    .collect(),
            ));
        }
        found
            .findings
            .extend(patterns::what_helps(&day_moods, &practice_days, &drops));
        Ok(found)
    }
}
