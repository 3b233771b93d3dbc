//! Periodic progress reviews: the facts of a period gathered for the pure
//! review (`between_domain::review`), saved reviews with their reflections,
//! comparison with the one before, and when the next is due.

use between_domain::appointment::Status;
use between_domain::insight::InsightKind;
use between_domain::review::{
    self, Answered, GoalInput, Inputs, MeasureInput, Note, PracticeSummary, Reflections, Review,
    SavedReview,
};
use between_domain::roadblocks::Thresholds;
use between_domain::timespec::TimeRange;
use jiff::civil::Date;
use jiff::Timestamp;
use uuid::Uuid;

use crate::error::AppError;
use crate::principal::Principal;
use crate::records::{RecordKind, Stored};
use crate::roadblocks::roadblocks_in;
use crate::App;

/// A saved review with the one saved before it, to compare with.
#[derive(Debug, Clone)]
pub struct ReviewWithPrevious {
    pub saved: Stored<SavedReview>,
    pub previous: Option<Stored<SavedReview>>,
    /// How it differs from the previous one, in sentences.
    pub comparison: Vec<String>,
}

impl App {
    /// The period a review covers, from what a person typed: `since` a date
    /// or how long ago (default: the review interval, e.g. `12w`), `until` a
    /// date or how long ago (default: now).
    pub async fn review_period(
        &self,
        p: &Principal,
        since: Option<&str>,
        until: Option<&str>,
    ) -> Result<(Timestamp, Option<Timestamp>), AppError> {
        use between_domain::timespec;
        let tz = &p.user.time_zone;
        let now = self.now();
        let since = match since.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => timespec::parse_since(s, tz, now)
                .map_err(|e| AppError::invalid("since", e.to_string()))?,
            None => {
                let weeks = self.agenda_prefs(p).await?.review_weeks;
                timespec::parse_since(&format!("{weeks}w"), tz, now)?
            }
        };
        let until = until
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(|u| timespec::parse_until(u, tz, now))
            .transpose()
            .map_err(|e| AppError::invalid("until", e.to_string()))?;
        Ok((since, until))
    }

    /// The review of `[since, until)` (until: now).
    pub async fn review(
        &self,
        p: &Principal,
        since: Timestamp,
        until: Option<Timestamp>,
    ) -> Result<Review, AppError> {
        p.require_read()?;
        // Up to and including this moment.
        let until = until.unwrap_or_else(|| self.now() + jiff::SignedDuration::from_secs(1));
        if since >= until {
            return Err(AppError::invalid(
                "since",
                "A review needs a period that starts before it ends.",
            ));
        }
        let tz = &p.user.time_zone;
        // A review covers whole days.
        let since = since
            .to_zoned(tz.clone())
            .start_of_day()
            .map(|z| z.timestamp())
            .unwrap_or(since);
        let day = |t: Timestamp| t.to_zoned(tz.clone()).date();
        let inside = |t: Timestamp| t >= since && t < until;
        let thresholds = Thresholds::default();
        let g = self.gather(p, since - thresholds.adherence_window).await?;
        let g_end = g.as_of(until, tz);
        let g_start = g.as_of(since, tz);
        let key = |r: &between_domain::roadblocks::Roadblock| (r.starter.clone(), r.text.clone());
        let roadblocks_at_start = roadblocks_in(p, &g_start, &thresholds)
            .iter()
            .map(key)
            .collect();
        let roadblocks_at_end = roadblocks_in(p, &g_end, &thresholds)
            .iter()
            .map(key)
            .collect();

        let (insights, entries, previous, wins) = tokio::try_join!(
            self.insights(p),
            self.entries_in(
                p,
                TimeRange {
                    since: Some(since),
                    until: Some(until)
                }
            ),
            self.entries_in(
                p,
                TimeRange {
                    since: Some(since - until.duration_since(since)),
                    until: Some(since)
                }
            ),
            self.wins(p),
        )?;
        let (from, to) = (day(since), day(until - jiff::SignedDuration::from_secs(1)));
        let note = |i: &Stored<between_domain::insight::Insight>| Note {
            id: Some(i.id),
            day: day(i.occurred_at),
            text: i.data.text.clone(),
        };
        let in_period: Vec<_> = insights.iter().filter(|i| inside(i.occurred_at)).collect();
        let today = day(self.now()).min(to);
        let practices = g
            .practices
            .iter()
            .filter(|v| v.practice.occurred_at < until)
            .map(|v| {
                let s = v.stats_between(from, to, today);
                PracticeSummary {
                    id: v.practice.id,
                    title: v.practice.data.title.clone(),
                    done: s.done,
                    scheduled: s.scheduled,
                    adherence: s.adherence,
                    longest_streak: s.longest_in_window,
                }
            })
            .filter(|s| s.scheduled > 0 || s.done > 0)
            .collect();
        let moods = |list: &[between_domain::Entry]| {
            list.iter()
                .filter_map(|e| e.content.mood.map(|m| (day(e.occurred_at), m)))
                .collect::<Vec<(Date, u8)>>()
        };
        let inputs = Inputs {
            since: Some(since),
            until: Some(until),
            from: Some(from),
            to: Some(to),
            sessions_attended: g
                .appointments
                .iter()
                .filter(|a| a.details.status == Status::Attended && inside(a.starts_at))
                .count(),
            strategies: in_period
                .iter()
                .filter(|i| i.data.kind == InsightKind::Strategy)
                .map(|i| note(i))
                .collect(),
            insights: in_period
                .iter()
                .filter(|i| i.data.kind != InsightKind::Strategy)
                .map(|i| note(i))
                .collect(),
            measures: g
                .measures
                .iter()
                .filter(|m| m.response.occurred_at < until)
                .map(|m| MeasureInput {
                    id: m.response.id,
                    at: m.response.occurred_at,
                    day: day(m.response.occurred_at),
                    instrument: m.response.data.instrument,
                    total: m.scored.total,
                    severity: m.scored.severity.label().to_string(),
                })
                .collect(),
            goals: g
                .goals
                .iter()
                .filter(|v| v.goal.occurred_at < until)
                .filter(|v| {
                    v.goal.data.status == between_domain::goal::GoalStatus::Active
                        || v.check_ins.iter().any(|c| inside(c.occurred_at))
                })
                .map(|v| GoalInput {
                    id: v.goal.id,
                    title: v.goal.data.title.clone(),
                    gas: matches!(
                        v.goal.data.measure,
                        between_domain::goal::Measure::Gas { .. }
                    ),
                    check_ins: v
                        .check_ins
                        .iter()
                        .filter_map(|c| v.goal.data.progress(&c.data).map(|x| (c.occurred_at, x)))
                        .collect(),
                })
                .collect(),
            practices,
            moods: moods(&entries),
            previous_moods: moods(&previous),
            wins: wins
                .iter()
                .filter(|w| w.date >= from && w.date <= to)
                .map(|w| Note {
                    id: None,
                    day: w.date,
                    text: w.title.clone(),
                })
                .collect(),
            roadblocks_at_start,
            roadblocks_at_end,
            answered: g
                .questions
                .iter()
                .filter_map(|q| {
                    let at = q.data.answered_at.filter(|t| inside(*t))?;
                    Some(Answered {
                        id: q.id,
                        day: day(at),
                        question: q.data.text.clone(),
                        answer: q.data.answer.clone().unwrap_or_default(),
                    })
                })
                .collect(),
        };
        Ok(review::review(&inputs))
    }

    /// Saves the review of the period with the person's reflections.
    pub async fn save_review(
        &self,
        p: &Principal,
        since: Timestamp,
        until: Option<Timestamp>,
        reflections: Reflections,
    ) -> Result<Stored<SavedReview>, AppError> {
        let reflections = reflections
            .validated()
            .map_err(|e| AppError::invalid("reflections", e.to_string()))?;
        let until_at = until.unwrap_or_else(|| self.now() + jiff::SignedDuration::from_secs(1));
        let review = self.review(p, since, Some(until_at)).await?;
        let saved = SavedReview {
            review,
            reflections,
            saved_at: self.now(),
        };
        self.insert_record(p, RecordKind::Review, None, until_at, &saved)
            .await
    }

    /// Saved reviews, oldest first.
    pub async fn saved_reviews(&self, p: &Principal) -> Result<Vec<Stored<SavedReview>>, AppError> {
        self.list_records(p, RecordKind::Review, None).await
    }

    /// A saved review, compared with the one saved before it.
    pub async fn saved_review(
        &self,
        p: &Principal,
        id: Uuid,
    ) -> Result<ReviewWithPrevious, AppError> {
        let all = self.saved_reviews(p).await?;
        let at = all
            .iter()
            .position(|r| r.id == id)
            .ok_or_else(|| AppError::NotFound(format!("The review {id}")))?;
        let previous = at.checked_sub(1).and_then(|i| all.get(i)).cloned();
        let saved = all[at].clone();
        let comparison = previous
            .as_ref()
            .map(|prev| review::compare(&prev.data.review, &saved.data.review))
            .unwrap_or_default();
        Ok(ReviewWithPrevious {
            saved,
            previous,
            comparison,
        })
    }

    pub async fn delete_review(&self, p: &Principal, id: Uuid) -> Result<(), AppError> {
        self.delete_record(p, RecordKind::Review, id, "review")
            .await
    }

    /// The day the next review is due (it is due when that day has come):
    /// every N weeks (the person's setting) after the last saved review,
    /// or after the first journal entry when there is none.
    pub async fn review_due(&self, p: &Principal) -> Result<Option<Date>, AppError> {
        let tz = &p.user.time_zone;
        let weeks = self.agenda_prefs(p).await?.review_weeks;
        let last = self
            .saved_reviews(p)
            .await?
            .last()
            .map(|r| r.data.review.to);
        let first = self
            .store
            .entry_times(p.user.id)
            .await?
            .first()
            .map(|t| crate::from_micros(*t))
            .transpose()?
            .map(|t| t.to_zoned(tz.clone()).date());
        Ok(review::next_due(last, first, weeks))
    }
}
