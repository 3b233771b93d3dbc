//! Gathers the facts the roadblock rules look at from the person's goals,
//! measures, appointments, feedback, practices and questions.

use between_domain::appointment::Status;
use between_domain::goal::GoalStatus;
use between_domain::roadblocks::{
    self, Facts, GoalFacts, MeasureFacts, PracticeFacts, Roadblock, Thresholds,
};
use jiff::Timestamp;

use crate::error::AppError;
use crate::gather::Gathered;
use crate::principal::Principal;
use crate::App;

impl App {
    /// Signs that therapy may be stuck, with default thresholds.
    pub async fn roadblocks(&self, p: &Principal) -> Result<Vec<Roadblock>, AppError> {
        self.roadblocks_with(p, &Thresholds::default(), self.now())
            .await
    }

    pub async fn roadblocks_with(
        &self,
        p: &Principal,
        t: &Thresholds,
        now: Timestamp,
    ) -> Result<Vec<Roadblock>, AppError> {
        let mut g = self.gather(p, now - t.adherence_window).await?;
        g.now = now;
        Ok(roadblocks_in(p, &g, t))
    }
}

/// The roadblocks in gathered data, as of `g.now`.
pub(crate) fn roadblocks_in(p: &Principal, g: &Gathered, t: &Thresholds) -> Vec<Roadblock> {
    roadblocks_about(p, g, t, None)
}

/// The roadblocks in gathered data; with `about` (the person's name) the
/// sentences are written for someone else, in the third person.
pub(crate) fn roadblocks_about(
    p: &Principal,
    g: &Gathered,
    t: &Thresholds,
    about: Option<&str>,
) -> Vec<Roadblock> {
    let now = g.now;
    let tz = &p.user.time_zone;
    let goals = g
        .goals
        .iter()
        .filter(|g| g.goal.data.status == GoalStatus::Active)
        .map(|g| GoalFacts {
            id: g.goal.id,
            title: g.goal.data.title.clone(),
            start: match g.goal.data.measure {
                between_domain::goal::Measure::Gas { .. } => None,
                between_domain::goal::Measure::Numeric { .. } => Some(0.0),
            },
            reached: g
                .check_ins
                .last()
                .and_then(|c| g.goal.data.progress(&c.data))
                .is_some_and(|x| match g.goal.data.measure {
                    between_domain::goal::Measure::Gas { .. } => x >= 0.0,
                    between_domain::goal::Measure::Numeric { .. } => x >= 1.0 - 1e-9,
                }),
            check_ins: g
                .check_ins
                .iter()
                .filter_map(|c| {
                    g.goal
                        .data
                        .progress(&c.data)
                        .map(|v| (c.id, c.occurred_at, v))
                })
                .collect(),
        })
        .collect();
    let measures = g
        .measures
        .iter()
        .map(|m| MeasureFacts {
            id: m.response.id,
            instrument: m.response.data.instrument,
            at: m.response.occurred_at,
            change_from_baseline: m.change_from_baseline,
            change: m.change,
        })
        .collect();
    let mut attended: Vec<Timestamp> = g
        .appointments
        .iter()
        .filter(|a| a.details.status == Status::Attended && a.starts_at <= now)
        .map(|a| a.starts_at)
        .collect();
    attended.sort();
    let not_attended = g
        .appointments
        .iter()
        .filter(|a| matches!(a.details.status, Status::Cancelled | Status::Missed))
        .map(|a| (a.id, a.starts_at))
        .collect();
    let feedback = g
        .feedback
        .iter()
        .map(|r| (r.feedback.id, r.low, r.falling))
        .collect();
    let today = now.to_zoned(tz.clone()).date();
    let window_start = (now - t.adherence_window).to_zoned(tz.clone()).date();
    let practices = g
        .practices
        .iter()
        .filter(|v| !v.practice.data.archived)
        .map(|v| {
            let stats = v.stats_between(window_start, today, today);
            PracticeFacts {
                id: v.practice.id,
                title: v.practice.data.title.clone(),
                recent_adherence: stats.adherence,
                difficulties: v
                    .recent
                    .iter()
                    .filter(|l| {
                        l.occurred_at >= now - t.adherence_window && !l.data.note.trim().is_empty()
                    })
                    .map(|l| (l.id, l.data.note.trim().to_string()))
                    .collect(),
            }
        })
        .collect();
    let open_questions = g
        .questions
        .iter()
        .filter(|q| q.data.is_open())
        .map(|q| (q.id, q.data.text.clone(), q.created_at))
        .collect();
    roadblocks::find(
        &Facts {
            now: Some(now),
            goals,
            measures,
            attended,
            feedback,
            practices,
            open_questions,
            not_attended,
            about: about.map(str::to_string),
        },
        t,
    )
}
