//! Everything the agenda and the roadblock rules read, loaded once and
//! concurrently: a report that gathers ten years of data should pay for
//! each kind of record once.

use between_domain::appointment::{self, Appointment};
use between_domain::question::Question;
use jiff::Timestamp;

use crate::error::AppError;
use crate::feedback::Rated;
use crate::goals::GoalView;
use crate::measures::MeasureView;
use crate::practices::PracticeRecent;
use crate::principal::Principal;
use crate::records::Stored;
use crate::App;

pub struct Gathered {
    pub now: Timestamp,
    pub goals: Vec<GoalView>,
    pub measures: Vec<MeasureView>,
    pub appointments: Vec<Appointment>,
    pub feedback: Vec<Rated>,
    pub questions: Vec<Stored<Question>>,
    /// Log days of every practice, with logs since the asked time opened.
    pub practices: Vec<PracticeRecent>,
}

/// How far back practice logs are opened before the last session is known;
/// older sessions are rare, and then the logs since are read afterwards.
const LOGS_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_hours(24 * 7 * 12);

/// Runs a loading method on its own task, so decrypting and decoding use
/// every core.
macro_rules! task {
    ($app:expr, $p:expr, $method:ident $(, $arg:expr)*) => {{
        let (app, p) = ($app.clone(), $p.clone());
        async move {
            tokio::spawn(async move { app.$method(&p $(, $arg)*).await })
                .await
                .map_err(|e| AppError::Corrupt(format!("a loading task failed: {e}")))?
        }
    }};
}

impl App {
    /// Loads every kind at once; practice logs are opened from the earlier
    /// of `logs_since` and the last attended session on.
    pub(crate) async fn gather(
        &self,
        p: &Principal,
        logs_since: Timestamp,
    ) -> Result<Gathered, AppError> {
        let now = self.now();
        let window = logs_since.min(now - LOGS_WINDOW);
        let (appointments, goals, measures, feedback, questions, mut practices) = tokio::try_join!(
            task!(self, p, appointments),
            task!(self, p, goals),
            task!(self, p, measures),
            task!(self, p, all_feedback),
            task!(self, p, questions),
            task!(self, p, practices_recent, window),
        )?;
        let last_session = appointment::since_last_session(&appointments, now).last_attended;
        if let Some(since) = last_session.filter(|s| *s < window) {
            practices = self.practices_recent(p, since.min(logs_since)).await?;
        }
        Ok(Gathered {
            now,
            goals,
            measures,
            appointments,
            feedback,
            questions,
            practices,
        })
    }

    /// [`App::gather`] for a caller that has the appointments already.
    pub(crate) async fn gather_with(
        &self,
        p: &Principal,
        logs_since: Timestamp,
        appointments: Vec<Appointment>,
    ) -> Result<Gathered, AppError> {
        let now = self.now();
        let last_session = appointment::since_last_session(&appointments, now).last_attended;
        let logs_since = last_session.map_or(logs_since, |s| s.min(logs_since));
        let (goals, measures, feedback, questions, practices) = tokio::try_join!(
            task!(self, p, goals),
            task!(self, p, measures),
            task!(self, p, all_feedback),
            task!(self, p, questions),
            task!(self, p, practices_recent, logs_since),
        )?;
        Ok(Gathered {
            now,
            goals,
            measures,
            appointments,
            feedback,
            questions,
            practices,
        })
    }
}

impl App {
    /// What a linked therapist's view of a client may load for the
    /// roadblock rules: the kinds of the shared scopes (appointments
    /// always), everything else empty, so no rule sees unshared data.
    pub(crate) async fn gather_shared(
        &self,
        view: &Principal,
        therapist: uuid::Uuid,
        scopes: &[between_domain::share::Scope],
        logs_since: Timestamp,
    ) -> Result<Gathered, AppError> {
        use between_domain::share::Scope;
        let has = |s: Scope| scopes.contains(&s);
        let appointments = self.visible_appointments(view, therapist).await?;
        Ok(Gathered {
            now: self.now(),
            goals: if has(Scope::Goals) {
                self.goals(view).await?
            } else {
                Vec::new()
            },
            measures: if has(Scope::Measures) {
                self.measures(view).await?
            } else {
                Vec::new()
            },
            appointments,
            feedback: if has(Scope::Feedback) {
                self.all_feedback(view).await?
            } else {
                Vec::new()
            },
            questions: Vec::new(),
            practices: if has(Scope::Practice) {
                self.practices_recent(view, logs_since).await?
            } else {
                Vec::new()
            },
        })
    }
}

impl Gathered {
    /// The data as it stood at `at`: what was recorded later is left out,
    /// and questions answered later count as open, so rules see the past.
    pub fn as_of(&self, at: Timestamp, tz: &jiff::tz::TimeZone) -> Gathered {
        let day = at.to_zoned(tz.clone()).date();
        Gathered {
            now: at,
            goals: self
                .goals
                .iter()
                .filter(|g| g.goal.occurred_at <= at)
                .map(|g| GoalView {
                    check_ins: g
                        .check_ins
                        .iter()
                        .filter(|c| c.occurred_at <= at)
                        .cloned()
                        .collect(),
                    ..g.clone()
                })
                .collect(),
            measures: self
                .measures
                .iter()
                .filter(|m| m.response.occurred_at <= at)
                .cloned()
                .collect(),
            appointments: self.appointments.clone(),
            feedback: self
                .feedback
                .iter()
                .filter(|f| f.feedback.occurred_at <= at)
                .cloned()
                .collect(),
            questions: self
                .questions
                .iter()
                .filter(|q| q.occurred_at <= at)
                .map(|q| {
                    let mut q = q.clone();
                    if q.data.answered_at.is_some_and(|t| t > at) {
                        q.data.answer = None;
                        q.data.answered_at = None;
                    }
                    q
                })
                .collect(),
            practices: self
                .practices
                .iter()
                .filter(|v| v.practice.occurred_at <= at)
                .map(|v| PracticeRecent {
                    practice: v.practice.clone(),
                    days: v.days.iter().copied().filter(|d| *d <= day).collect(),
                    recent: v
                        .recent
                        .iter()
                        .filter(|l| l.occurred_at <= at)
                        .cloned()
                        .collect(),
                })
                .collect(),
        }
    }
}
