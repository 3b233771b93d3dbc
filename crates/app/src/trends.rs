//! The mood trend of a period, from the journal, in the person's local days.

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
}
