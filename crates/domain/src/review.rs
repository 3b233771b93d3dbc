//! The periodic progress review: what a period of therapy brought —
//! strategies and insights, measure change with its reliable-change class,
//! goal progress, practice adherence, the mood trend, wins, roadblocks met
//! and resolved, questions answered — and how it compares with an earlier
//! review. Pure: the app gathers the facts of the period.

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::measure::{classify_change, Change, Instrument};
use crate::trend::{self, Direction};

/// Longest reflection answer, in characters.
pub const MAX_REFLECTION: usize = 5000;

/// The reflection prompts, in order.
pub const PROMPTS: [&str; 3] = [
    "What have I learned?",
    "What has changed?",
    "What do I want to focus on next?",
];

/// A dated line: an insight, a strategy, a win.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub id: Option<Uuid>,
    pub day: Date,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub id: Uuid,
    pub day: Date,
    pub total: u8,
    pub severity: String,
}

/// One instrument over the period: where it started (the last score on or
/// before the start, else the first in the period) and where it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureChange {
    pub instrument: Instrument,
    pub start: Option<Score>,
    pub end: Score,
    /// Responses within the period.
    pub count: usize,
    pub change: Option<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalProgress {
    pub id: Uuid,
    pub title: String,
    pub gas: bool,
    /// Progress at the start (the last check-in before it) and at the end:
    /// a GAS level, or the fraction of the way to a numeric target.
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub check_ins: usize,
}

impl GoalProgress {
    pub fn sentence(&self) -> String {
        let show = |x: f64| {
            if self.gas {
                format!("{x:+.0}")
            } else {
                format!("{:.0}%", x * 100.0)
            }
        };
        let scale = if self.gas {
            " on its -2 to +2 scale"
        } else {
            " of the way to the target"
        };
        match (self.start, self.end) {
            (Some(a), Some(b)) if (a - b).abs() < 1e-9 => {
                format!("{}: stayed at {}{scale}.", self.title, show(b))
            }
            (Some(a), Some(b)) => {
                format!("{}: from {} to {}{scale}.", self.title, show(a), show(b))
            }
            (None, Some(b)) => format!("{}: {}{scale} at the last check-in.", self.title, show(b)),
            _ => format!("{}: no check-in yet.", self.title),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticeSummary {
    pub id: Uuid,
    pub title: String,
    pub done: u32,
    pub scheduled: u32,
    pub adherence: Option<f64>,
    pub longest_streak: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoodSummary {
    pub entries: usize,
    pub average: Option<f64>,
    /// The same length of time before the period.
    pub previous_average: Option<f64>,
    pub direction: Direction,
    pub sentence: String,
    /// (day, mean of the day, smoothed trend), oldest first.
    pub days: Vec<(Date, f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answered {
    pub id: Uuid,
    pub day: Date,
    pub question: String,
    pub answer: String,
}

/// The review of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    /// First and last local day of the period.
    pub from: Date,
    pub to: Date,
    pub sessions_attended: usize,
    pub strategies: Vec<Note>,
    pub insights: Vec<Note>,
    pub measures: Vec<MeasureChange>,
    pub goals: Vec<GoalProgress>,
    pub practices: Vec<PracticeSummary>,
    pub mood: MoodSummary,
    pub wins: Vec<Note>,
    /// Roadblocks seen at the end of the period.
    pub roadblocks_open: Vec<String>,
    /// Seen at the start, gone by the end.
    pub roadblocks_resolved: Vec<String>,
    pub answered: Vec<Answered>,
}

/// What the person wrote in answer to the prompts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Reflections {
    pub learned: String,
    pub changed: String,
    pub focus: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("\"{prompt}\" can be at most {MAX_REFLECTION} characters (this answer has {length}).")]
pub struct ReflectionTooLong {
    pub prompt: &'static str,
    pub length: usize,
}

impl Reflections {
    pub fn validated(self) -> Result<Reflections, ReflectionTooLong> {
        let r = Reflections {
            learned: self.learned.trim().to_string(),
            changed: self.changed.trim().to_string(),
            focus: self.focus.trim().to_string(),
        };
        for (prompt, text) in PROMPTS.iter().zip(r.answers()) {
            let length = text.chars().count();
            if length > MAX_REFLECTION {
                return Err(ReflectionTooLong { prompt, length });
            }
        }
        Ok(r)
    }

    pub fn answers(&self) -> [&str; 3] {
        [&self.learned, &self.changed, &self.focus]
    }
}

/// A review as saved: the period's review then, and the reflections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedReview {
    pub review: Review,
    pub reflections: Reflections,
    pub saved_at: Timestamp,
}

/// A PHQ-9 or GAD-7 response as the review sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureInput {
    pub id: Uuid,
    pub at: Timestamp,
    pub day: Date,
    pub instrument: Instrument,
    pub total: u8,
    pub severity: String,
}

/// A goal with its check-ins as (when, progress).
#[derive(Debug, Clone, PartialEq)]
pub struct GoalInput {
    pub id: Uuid,
    pub title: String,
    pub gas: bool,
    pub check_ins: Vec<(Timestamp, f64)>,
}

/// The facts of a period, gathered by the app.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub sessions_attended: usize,
    /// Strategies and other insights of the period, oldest first.
    pub strategies: Vec<Note>,
    pub insights: Vec<Note>,
    /// Every response up to the end of the period, oldest first.
    pub measures: Vec<MeasureInput>,
    /// Goals that were active in the period.
    pub goals: Vec<GoalInput>,
    pub practices: Vec<PracticeSummary>,
    /// (local day, mood) of the period, and of the time before it.
    pub moods: Vec<(Date, u8)>,
    pub previous_moods: Vec<(Date, u8)>,
    pub wins: Vec<Note>,
    /// (what identifies it across time, what was noticed).
    pub roadblocks_at_start: Vec<(String, String)>,
    pub roadblocks_at_end: Vec<(String, String)>,
    pub answered: Vec<Answered>,
}

fn within(at: Timestamp, since: Option<Timestamp>, until: Option<Timestamp>) -> bool {
    since.is_none_or(|s| at >= s) && until.is_none_or(|u| at < u)
}

/// The review of the period the inputs describe.
pub fn review(i: &Inputs) -> Review {
    let mut measures = Vec::new();
    for instrument in Instrument::ALL {
        let of: Vec<&MeasureInput> = i
            .measures
            .iter()
            .filter(|m| m.instrument == instrument)
            .collect();
        let inside: Vec<&MeasureInput> = of
            .iter()
            .copied()
            .filter(|m| within(m.at, i.since, i.until))
            .collect();
        let Some(last) = inside.last().copied() else {
            continue;
        };
        let before = of
            .iter()
            .copied()
            .rfind(|m| i.since.is_some_and(|s| m.at < s));
        let start = before
            .or(inside.first().copied())
            .filter(|s| s.id != last.id);
        let score = |m: &MeasureInput| Score {
            id: m.id,
            day: m.day,
            total: m.total,
            severity: m.severity.clone(),
        };
        measures.push(MeasureChange {
            instrument,
            change: start.map(|s| classify_change(instrument, s.total, last.total)),
            start: start.map(&score),
            end: score(last),
            count: inside.len(),
        });
    }
    let goals = i
        .goals
        .iter()
        .map(|g| {
            let start = g
                .check_ins
                .iter()
                .rfind(|c| i.since.is_some_and(|s| c.0 < s))
                .or_else(|| g.check_ins.iter().find(|c| within(c.0, i.since, i.until)))
                .map(|c| c.1);
            let inside: Vec<_> = g
                .check_ins
                .iter()
                .filter(|c| within(c.0, i.since, i.until))
                .collect();
            GoalProgress {
                id: g.id,
                title: g.title.clone(),
                gas: g.gas,
                start,
                end: inside.last().map(|c| c.1).or(start),
                check_ins: inside.len(),
            }
        })
        .collect();
    let t = trend::trend_after(&i.previous_moods, &i.moods);
    let resolved = i
        .roadblocks_at_start
        .iter()
        .filter(|(key, _)| !i.roadblocks_at_end.iter().any(|(k, _)| k == key))
        .map(|(_, text)| text.clone())
        .collect();
    Review {
        from: i.from.unwrap_or(Date::MIN),
        to: i.to.unwrap_or(Date::MAX),
        sessions_attended: i.sessions_attended,
        strategies: i.strategies.clone(),
        insights: i.insights.clone(),
        measures,
        goals,
        practices: i.practices.clone(),
        mood: MoodSummary {
            entries: i.moods.len(),
            average: t.movement.average,
            previous_average: t.movement.previous_average,
            direction: t.direction,
            sentence: t.sentence.clone(),
            days: t.days.iter().map(|d| (d.date, d.mean, d.trend)).collect(),
        },
        wins: i.wins.clone(),
        roadblocks_open: i.roadblocks_at_end.iter().map(|(_, t)| t.clone()).collect(),
        roadblocks_resolved: resolved,
        answered: i.answered.clone(),
    }
}

/// When the next review is due: `weeks` after the last saved review's end,
/// or after the first thing recorded when there is none.
pub fn next_due(
    last_review_to: Option<Date>,
    first_activity: Option<Date>,
    weeks: u32,
) -> Option<Date> {
    let base = last_review_to.or(first_activity)?;
    base.checked_add(jiff::Span::new().weeks(i64::from(weeks)))
        .ok()
}

/// How `later` differs from `earlier`, in sentences.
pub fn compare(earlier: &Review, later: &Review) -> Vec<String> {
    let mut out = Vec::new();
    for m in &later.measures {
        if let Some(e) = earlier
            .measures
            .iter()
            .find(|e| e.instrument == m.instrument)
        {
            let change = classify_change(m.instrument, e.end.total, m.end.total);
            out.push(format!(
                "{}: {} ({}) then, {} ({}) now — {}.",
                m.instrument.name(),
                e.end.total,
                e.end.severity,
                m.end.total,
                m.end.severity,
                change.label()
            ));
        }
    }
    for g in &later.goals {
        if let Some(e) = earlier.goals.iter().find(|e| e.id == g.id) {
            if let (Some(a), Some(b)) = (e.end, g.end) {
                let show = |x: f64| {
                    if g.gas {
                        format!("{x:+.0}")
                    } else {
                        format!("{:.0}%", x * 100.0)
                    }
                };
                out.push(format!("{}: {} then, {} now.", g.title, show(a), show(b)));
            }
        }
    }
    for p in &later.practices {
        if let Some(e) = earlier.practices.iter().find(|e| e.id == p.id) {
            if let (Some(a), Some(b)) = (e.adherence, p.adherence) {
                out.push(format!(
                    "{}: done {:.0}% of planned times then, {:.0}% now.",
                    p.title,
                    a * 100.0,
                    b * 100.0
                ));
            }
        }
    }
    if let (Some(a), Some(b)) = (earlier.mood.average, later.mood.average) {
        out.push(format!("Mood: {a:.1} on average then, {b:.1} now."));
    }
    out.push(format!(
        "Strategies learned: {} then, {} now.",
        earlier.strategies.len(),
        later.strategies.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn at(d: Date) -> Timestamp {
        d.at(12, 0, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
    }

    fn period() -> Inputs {
        Inputs {
            since: Some(at(date(2026, 9, 1))),
            until: Some(at(date(2026, 11, 24))),
            from: Some(date(2026, 9, 1)),
            to: Some(date(2026, 11, 24)),
            ..Inputs::default()
        }
    }

    fn measure(d: Date, total: u8) -> MeasureInput {
        MeasureInput {
            id: Uuid::now_v7(),
            at: at(d),
            day: d,
            instrument: Instrument::Phq9,
            total,
            severity: "x".into(),
        }
    }

    #[test]
    fn measure_change_runs_from_the_score_before_the_period_to_the_last_in_it() {
        let mut i = period();
        i.measures = vec![
            measure(date(2026, 6, 1), 20),
            measure(date(2026, 8, 20), 16),
            measure(date(2026, 9, 15), 12),
            measure(date(2026, 11, 10), 9),
            measure(date(2026, 12, 10), 3),
        ];
        let r = review(&i);
        let m = &r.measures[0];
        assert_eq!(m.start.as_ref().unwrap().total, 16);
        assert_eq!(m.end.total, 9);
        assert_eq!(m.count, 2);
        assert_eq!(m.change, Some(Change::ReliableImprovement));
        assert!(
            r.measures.iter().all(|m| m.instrument != Instrument::Gad7),
            "no GAD-7 in the period, none shown"
        );
    }

    #[test]
    fn a_single_score_has_no_change_class() {
        let mut i = period();
        i.measures = vec![measure(date(2026, 10, 1), 12)];
        let m = &review(&i).measures[0];
        assert_eq!(m.start, None);
        assert_eq!(m.change, None);
    }

    #[test]
    fn goals_show_where_they_started_and_ended() {
        let mut i = period();
        let id = Uuid::now_v7();
        i.goals = vec![GoalInput {
            id,
            title: "Speak up in meetings".into(),
            gas: true,
            check_ins: vec![
                (at(date(2026, 8, 1)), -1.0),
                (at(date(2026, 10, 1)), 0.0),
                (at(date(2026, 11, 1)), 1.0),
            ],
        }];
        let g = &review(&i).goals[0];
        assert_eq!((g.start, g.end, g.check_ins), (Some(-1.0), Some(1.0), 2));
        assert_eq!(
            g.sentence(),
            "Speak up in meetings: from -1 to +1 on its -2 to +2 scale."
        );
    }

    #[test]
    fn roadblocks_gone_by_the_end_are_resolved() {
        let mut i = period();
        let rb = |k: &str, t: &str| (k.to_string(), t.to_string());
        i.roadblocks_at_start = vec![rb("a", "A"), rb("b", "B then")];
        i.roadblocks_at_end = vec![rb("b", "B now"), rb("c", "C")];
        let r = review(&i);
        assert_eq!(r.roadblocks_resolved, vec!["A".to_string()]);
        assert_eq!(
            r.roadblocks_open,
            vec!["B now".to_string(), "C".to_string()]
        );
    }

    #[test]
    fn the_mood_summary_compares_with_the_time_before() {
        let mut i = period();
        i.moods = vec![(date(2026, 9, 2), 6), (date(2026, 9, 3), 8)];
        i.previous_moods = vec![(date(2026, 8, 2), 4)];
        let r = review(&i);
        assert_eq!(r.mood.average, Some(7.0));
        assert_eq!(r.mood.previous_average, Some(4.0));
        assert_eq!(r.mood.days.len(), 2);
        assert_eq!(
            r.mood.sentence,
            trend::trend_after(&i.previous_moods, &i.moods).sentence,
            "the review words mood as the trend page does"
        );
        assert!(r
            .mood
            .sentence
            .contains("7.0, up from 4.0 the period before"));
    }

    #[test]
    fn reviews_are_due_every_n_weeks() {
        assert_eq!(
            next_due(Some(date(2026, 9, 1)), Some(date(2025, 1, 1)), 12),
            Some(date(2026, 11, 24))
        );
        assert_eq!(
            next_due(None, Some(date(2026, 1, 1)), 1),
            Some(date(2026, 1, 8))
        );
        assert_eq!(next_due(None, None, 12), None);
    }

    #[test]
    fn a_later_review_is_compared_with_an_earlier_one() {
        let mut a = period();
        a.measures = vec![measure(date(2026, 9, 15), 15)];
        a.moods = vec![(date(2026, 9, 2), 4)];
        let mut b = period();
        b.measures = vec![measure(date(2026, 11, 10), 8)];
        b.moods = vec![(date(2026, 11, 2), 6)];
        b.strategies = vec![Note {
            id: None,
            day: date(2026, 11, 2),
            text: "Breathe first".into(),
        }];
        let lines = compare(&review(&a), &review(&b));
        assert_eq!(
            lines,
            vec![
                "PHQ-9: 15 (x) then, 8 (x) now — reliable improvement.".to_string(),
                "Mood: 4.0 on average then, 6.0 now.".into(),
                "Strategies learned: 0 then, 1 now.".into(),
            ]
        );
    }

    #[test]
    fn long_reflections_are_refused_with_the_prompt_named() {
        let r = Reflections {
            learned: "x".repeat(MAX_REFLECTION + 1),
            ..Reflections::default()
        };
        let err = r.validated().unwrap_err();
        assert_eq!(err.prompt, "What have I learned?");
    }
}
