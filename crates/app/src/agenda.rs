//! Gathers what the agenda drafting looks at: everything since the last
//! attended session. The draft itself is pure (`between_domain::agenda`).

use between_domain::agenda::{self, Inputs, Item, Moment};
use between_domain::appointment;
use between_domain::goal::GoalStatus;
use between_domain::measure::Instrument;
use between_domain::timespec::TimeRange;
use jiff::Timestamp;

use crate::error::AppError;
use crate::gather::Gathered;
use crate::principal::Principal;
use crate::roadblocks::roadblocks_in;
use crate::App;
use between_domain::roadblocks::Thresholds;

/// With no session attended yet, warning signs noticed within this many
/// days make a point.
const NO_SESSION_LOOKBACK_DAYS: i64 = 28;

/// A drafted agenda and the window it covers.
#[derive(Debug, Clone)]
pub struct Draft {
    pub since: Option<Timestamp>,
    /// The next planned appointment: (id, start).
    pub next_appointment: Option<(uuid::Uuid, Timestamp)>,
    pub items: Vec<Item>,
}

fn excerpt(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() > 80 {
        format!("{}…", line.chars().take(79).collect::<String>())
    } else {
        line.to_string()
    }
}

impl App {
    /// The agenda for the next appointment, drafted from now's data.
    pub async fn draft_agenda(&self, p: &Principal) -> Result<Draft, AppError> {
        let g = self
            .gather(p, self.now() - Thresholds::default().adherence_window)
            .await?;
        self.draft_from(p, &g).await
    }

    /// The draft from gathered data (the journal is read here).
    pub(crate) async fn draft_from(&self, p: &Principal, g: &Gathered) -> Result<Draft, AppError> {
        let thresholds = Thresholds::default();
        let now = g.now;
        let tz = &p.user.time_zone;
        let all = &g.appointments;
        let window = appointment::since_last_session(all, now);
        let since = window.last_attended;
        let entries = self.entries_in(p, TimeRange { since, until: None }).await?;
        let moments = entries
            .iter()
            .map(|e| Moment {
                id: e.id,
                at: e.occurred_at,
                day: e
                    .occurred_at
                    .to_zoned(tz.clone())
                    .strftime("%a %-d %b")
                    .to_string(),
                mood: e.content.mood,
                strongest: e.strongest_feeling().map(|f| (f.name.clone(), f.intensity)),
                excerpt: excerpt(&e.content.text),
                triggers: e.content.triggers.clone(),
            })
            .collect();
        let day_mood = |e: &between_domain::Entry| {
            e.content
                .mood
                .map(|m| (e.occurred_at.to_zoned(tz.clone()).date(), m))
        };
        let previous_moods: Vec<_> = match since {
            Some(s) => self
                .entries_in(
                    p,
                    TimeRange {
                        since: Some(s - now.duration_since(s)),
                        until: Some(s),
                    },
                )
                .await?
                .iter()
                .filter_map(day_mood)
                .collect(),
            None => Vec::new(),
        };
        let moods: Vec<_> = entries.iter().filter_map(day_mood).collect();
        let mood = between_domain::trend::trend_after(&previous_moods, &moods).movement;
        let today = now.to_zoned(tz.clone()).date();
        let from = since.map_or(today, |s| s.to_zoned(tz.clone()).date());
        let practices = g
            .practices
            .iter()
            .filter(|v| !v.practice.data.archived)
            .map(|v| {
                let s = v.stats_between(from, today, today);
                let title = &v.practice.data.title;
                let mut line = if s.scheduled == 0 && s.done == 0 {
                    format!("{title}: nothing was planned since last time")
                } else {
                    let adherence = s
                        .adherence
                        .map(|a| format!(" ({:.0}%)", a * 100.0))
                        .unwrap_or_default();
                    format!(
                        "{title}: done {} of {} planned {}{adherence}",
                        s.done,
                        s.scheduled,
                        if s.scheduled == 1 { "time" } else { "times" }
                    )
                };
                if s.current_streak >= 2 {
                    line.push_str(&format!("; {} planned times in a row", s.current_streak));
                }
                let drops: Vec<f64> = v
                    .recent
                    .iter()
                    .filter(|l| since.is_none_or(|s| l.occurred_at >= s))
                    .filter_map(|l| l.data.intensity_drop())
                    .map(f64::from)
                    .collect();
                if !drops.is_empty() {
                    line.push_str(&format!(
                        "; the feeling's intensity fell by {:.1} points on average",
                        drops.iter().sum::<f64>() / drops.len() as f64
                    ));
                }
                let noted: Vec<&str> = v
                    .recent
                    .iter()
                    .filter(|l| since.is_none_or(|s| l.occurred_at >= s))
                    .map(|l| l.data.note.trim())
                    .filter(|n| !n.is_empty())
                    .collect();
                if let Some(last) = noted.last() {
                    line.push_str(&format!("; noted: \"{}\"", excerpt(last)));
                }
                line.push('.');
                (v.practice.id, line)
            })
            .collect();
        let mut goals: Vec<(uuid::Uuid, String)> = g
            .goals
            .iter()
            .filter(|g| g.due_for_review)
            .map(|g| {
                let last = g.check_ins.last().map_or_else(
                    || "no check-in yet".to_string(),
                    |c| {
                        format!(
                            "last check-in {}",
                            c.occurred_at.to_zoned(tz.clone()).strftime("%-d %b")
                        )
                    },
                );
                (
                    g.goal.id,
                    format!("Review \"{}\" ({last}).", g.goal.data.title),
                )
            })
            .collect();
        for g in &g.goals {
            if g.goal.data.status == GoalStatus::Active
                && g.check_ins.is_empty()
                && !goals.iter().any(|(id, _)| *id == g.goal.id)
            {
                goals.push((
                    g.goal.id,
                    format!(
                        "\"{}\" has no check-in yet: how would we measure it?",
                        g.goal.data.title
                    ),
                ));
            }
        }
        let questions = g
            .questions
            .iter()
            .filter(|q| q.data.is_open())
            .map(|q| (q.id, q.data.text.clone()))
            .collect();
        let all_measures = &g.measures;
        let mut measures = Vec::new();
        for instrument in Instrument::ALL {
            if let Some(m) = all_measures
                .iter()
                .rev()
                .find(|m| m.response.data.instrument == instrument)
            {
                let change = m
                    .change
                    .map(|c| format!(", {} since the previous one", c.label()))
                    .unwrap_or_default();
                measures.push((
                    m.response.id,
                    format!(
                        "{} {}{} ({}){change}.",
                        instrument.name(),
                        m.scored.points,
                        instrument.def().unit,
                        m.scored.severity.label()
                    ),
                ));
            }
        }
        let safety = all_measures
            .iter()
            .filter(|m| m.scored.safety_alert && since.is_none_or(|s| m.response.occurred_at > s))
            .map(|m| m.response.id)
            .collect();
        let therapy = g
            .feedback
            .last()
            .filter(|r| r.low || r.falling || !r.feedback.data.change.trim().is_empty())
            .map(|r| {
                let mut text = String::from(if r.falling {
                    "My ratings of our sessions have been falling."
                } else if r.low {
                    "I rated the last session low."
                } else {
                    "About the last session:"
                });
                let change = r.feedback.data.change.trim();
                if !change.is_empty() {
                    text.push_str(&format!(" What I would change: {change}"));
                }
                vec![(r.feedback.id, text)]
            })
            .unwrap_or_default();
        let since_day = since.map(|s| s.to_zoned(tz.clone()).date());
        let warning_signs = self
            .warning_sign_matches(p)
            .await?
            .into_iter()
            .filter(|m| match since_day {
                Some(d) => m.data.last_seen >= d,
                None => {
                    now.duration_since(m.occurred_at)
                        < jiff::SignedDuration::from_hours(24 * NO_SESSION_LOOKBACK_DAYS)
                }
            })
            .map(|m| {
                let on = m.data.noticed.strftime("%-d %b");
                (
                    m.id,
                    format!(
                        "My warning sign \"{}\" matched on {on} ({}). I want to talk about it.",
                        m.data.name, m.data.evidence
                    ),
                )
            })
            .collect();
        let inputs = Inputs {
            moments,
            mood,
            pinned_patterns: self.pinned_patterns(p).await?,
            practices,
            goals,
            questions,
            measures,
            safety,
            warning_signs,
            therapy,
            roadblocks: roadblocks_in(p, g, &thresholds),
        };
        Ok(Draft {
            since,
            next_appointment: window.next_planned.and_then(|at| {
                all.iter()
                    .find(|a| a.starts_at == at && a.details.status == appointment::Status::Planned)
                    .map(|a| (a.id, at))
            }),
            items: agenda::draft(&inputs),
        })
    }
}
