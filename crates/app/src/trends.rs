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

    /// Patterns in the journal entries of `range`.
    pub async fn patterns(&self, p: &Principal, range: TimeRange) -> Result<Patterns, AppError> {
        let tz = &p.user.time_zone;
        let facts: Vec<EntryFacts> = self
            .entries_in(p, range)
            .await?
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
        Ok(patterns::patterns(&facts))
    }
}
