//! Roadblocks: signs that therapy may be stuck, each with the evidence
//! behind it and a sentence the person can use to raise it. The rules are
//! pure functions of plain facts; the thresholds live in [`Thresholds`].

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use uuid::Uuid;

use crate::measure::{Change, Instrument};

/// When a rule speaks up. Defaults follow the project's issue text; each
/// is a judgement call meant to prompt a conversation, not a diagnosis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// A goal is flat when its last `flat_check_ins` check-ins, spanning at
    /// least `flat_span`, show no improvement.
    pub flat_check_ins: usize,
    pub flat_span: SignedDuration,
    /// No reliable improvement on a measure after this many attended sessions.
    pub sessions_without_change: usize,
    /// Practice adherence below this over `adherence_window` is low.
    pub low_adherence: f64,
    pub adherence_window: SignedDuration,
    /// The same difficulty noted this many times in a practice's logs
    /// within `adherence_window`.
    pub repeated_difficulty: usize,
    /// A question open across this many attended sessions.
    pub question_sessions: usize,
    /// This many cancelled or missed appointments within `missed_window`.
    pub missed: usize,
    pub missed_window: SignedDuration,
}

impl Default for Thresholds {
    fn default() -> Self {
        let weeks = |w: i64| SignedDuration::from_hours(24 * 7 * w);
        Thresholds {
            flat_check_ins: 3,
            flat_span: weeks(6),
            sessions_without_change: 8,
            low_adherence: 0.4,
            adherence_window: weeks(3),
            repeated_difficulty: 3,
            question_sessions: 3,
            missed: 2,
            missed_window: weeks(6),
        }
    }
}

/// A goal's check-ins as progress values (higher is better), oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalFacts {
    pub id: Uuid,
    pub title: String,
    pub check_ins: Vec<(Uuid, Timestamp, f64)>,
    /// At its expected outcome or beyond (GAS level 0 or more, a numeric
    /// target reached): holding steady there is not being stuck.
    pub reached: bool,
    /// Where the goal started, as progress: 0 for a numeric goal (its
    /// baseline; progress runs from the baseline towards the target
    /// whichever way is better), none for a GAS goal. A goal whose latest
    /// check-in is better than where it started has moved towards its
    /// target, and a plateau after that is not being stuck.
    pub start: Option<f64>,
}

/// One measure response compared with the previous one and the first.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureFacts {
    pub id: Uuid,
    pub instrument: Instrument,
    pub at: Timestamp,
    pub change_from_baseline: Option<Change>,
    pub change: Option<Change>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PracticeFacts {
    pub id: Uuid,
    pub title: String,
    /// Adherence over the recent window, when anything was scheduled.
    pub recent_adherence: Option<f64>,
    /// Difficulties noted in recent logs (within `adherence_window`), with
    /// the log ids.
    pub difficulties: Vec<(Uuid, String)>,
}

/// Everything the rules look at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub now: Option<Timestamp>,
    pub goals: Vec<GoalFacts>,
    /// All measure responses, oldest first.
    pub measures: Vec<MeasureFacts>,
    /// Times of attended sessions, oldest first.
    pub attended: Vec<Timestamp>,
    /// Feedback flags from the session loop: (feedback id, low, falling).
    pub feedback: Vec<(Uuid, bool, bool)>,
    pub practices: Vec<PracticeFacts>,
    /// Open questions: (id, text, asked at).
    pub open_questions: Vec<(Uuid, String, Timestamp)>,
    /// Cancelled or missed appointments: (id, when).
    pub not_attended: Vec<(Uuid, Timestamp)>,
    /// Whose facts, when the sentences are for someone else (their
    /// therapist): written in the third person with this name ("Robin's
    /// goal …"); `None` speaks to the person ("Your goal …").
    pub about: Option<String>,
}

impl Facts {
    /// "Your" or "Robin's", to start a sentence.
    fn whose(&self) -> String {
        match &self.about {
            Some(name) => format!("{name}'s"),
            None => "Your".into(),
        }
    }

    /// "your" or "Robin's", inside a sentence.
    fn whose_inside(&self) -> String {
        match &self.about {
            Some(name) => format!("{name}'s"),
            None => "your".into(),
        }
    }

    /// "You" or "Robin", as the subject.
    fn who(&self) -> String {
        self.about.clone().unwrap_or_else(|| "You".into())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    FlatGoal,
    NoReliableImprovement,
    Deterioration,
    SessionFeedback,
    LowAdherence,
    RepeatedDifficulty,
    LingeringQuestion,
    MissedSessions,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::FlatGoal,
        Kind::NoReliableImprovement,
        Kind::Deterioration,
        Kind::SessionFeedback,
        Kind::LowAdherence,
        Kind::RepeatedDifficulty,
        Kind::LingeringQuestion,
        Kind::MissedSessions,
    ];
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Roadblock {
    pub kind: Kind,
    /// What was noticed, in a sentence.
    pub text: String,
    /// A way to raise it in the session.
    pub starter: String,
    /// Ids of the records behind it.
    pub evidence: Vec<Uuid>,
}

/// What to do when therapy feels stuck (the product's guidance).
pub const GUIDANCE: [&str; 3] = [
    "Talk about the therapy itself: what is helping, what is not, and how the two of you work together.",
    "Ask whether the approach could change: different homework, a different focus, a different pace.",
    "If it still feels stuck, it is all right to ask whether another style of therapy or another therapist might suit you better.",
];

fn flat_goals(f: &Facts, t: &Thresholds, out: &mut Vec<Roadblock>) {
    for g in &f.goals {
        if g.reached || g.check_ins.len() < t.flat_check_ins {
            continue;
        }
        let moved = match (g.start, g.check_ins.last()) {
            (Some(start), Some(latest)) => latest.2 > start + 1e-9,
            _ => false,
        };
        if moved {
            continue;
        }
        let last = &g.check_ins[g.check_ins.len() - t.flat_check_ins..];
        let (first, latest) = (&last[0], &last[last.len() - 1]);
        let span = latest.1.duration_since(first.1);
        let improved = last.windows(2).any(|w| w[1].2 > w[0].2 + 1e-9);
        if span >= t.flat_span && !improved {
            out.push(Roadblock {
                kind: Kind::FlatGoal,
                text: format!(
                    "{} goal \"{}\" has not moved over its last {} check-ins ({} weeks).",
                    f.whose(),
                    g.title,
                    last.len(),
                    span.as_hours() / (24 * 7)
                ),
                starter: format!(
                    "My goal \"{}\" seems stuck. Can we look at whether it is the right goal, or what is getting in the way?",
                    g.title
                ),
                evidence: std::iter::once(g.id)
                    .chain(last.iter().map(|c| c.0))
                    .collect(),
            });
        }
    }
}

/// The "not improving" rule of one instrument: at least
/// `sessions_without_change` attended sessions since its first response,
/// at least two responses, and none reliably better than the first (in
/// the instrument's direction).
pub fn not_improving(
    sessions_since_first: usize,
    ever_improved: bool,
    responses: usize,
    t: &Thresholds,
) -> bool {
    sessions_since_first >= t.sessions_without_change && !ever_improved && responses >= 2
}

fn measures(f: &Facts, t: &Thresholds, out: &mut Vec<Roadblock>) {
    for instrument in Instrument::ALL {
        let list: Vec<&MeasureFacts> = f
            .measures
            .iter()
            .filter(|m| m.instrument == instrument)
            .collect();
        let Some(latest) = list.last() else { continue };
        if latest.change == Some(Change::ReliableDeterioration)
            || latest.change_from_baseline == Some(Change::ReliableDeterioration)
        {
            out.push(Roadblock {
                kind: Kind::Deterioration,
                text: format!(
                    "{} latest {} score is reliably worse than before.",
                    f.whose(),
                    instrument.name()
                ),
                starter: format!(
                    "My {} scores have got worse. Can we talk about what is going on and whether we should change something?",
                    instrument.name()
                ),
                evidence: vec![latest.id],
            });
            continue;
        }
        let Some(first) = list.first() else { continue };
        let sessions = f.attended.iter().filter(|a| **a >= first.at).count();
        let ever_improved = list
            .iter()
            .any(|m| m.change_from_baseline == Some(Change::ReliableImprovement));
        if not_improving(sessions, ever_improved, list.len(), t) {
            out.push(Roadblock {
                kind: Kind::NoReliableImprovement,
                text: format!(
                    "After {sessions} sessions {} {} scores show no reliable improvement yet.",
                    f.whose_inside(),
                    instrument.name()
                ),
                starter: "I'd like to look at my progress together: my scores haven't really changed. What could we do differently?".into(),
                evidence: list.iter().map(|m| m.id).collect(),
            });
        }
    }
}

fn feedback(f: &Facts, out: &mut Vec<Roadblock>) {
    let flagged: Vec<&(Uuid, bool, bool)> = f.feedback.iter().filter(|x| x.1 || x.2).collect();
    if let Some(last) = flagged.last() {
        if f.feedback.last().map(|x| x.0) == Some(last.0) {
            out.push(Roadblock {
                kind: Kind::SessionFeedback,
                text: if last.2 {
                    format!("{} ratings of the sessions have been falling.", f.whose())
                } else {
                    format!("{} rated the last session low.", f.who())
                },
                starter: "Something about our sessions isn't working as well for me. Can we talk about how we work together?".into(),
                evidence: vec![last.0],
            });
        }
    }
}

fn practices(f: &Facts, t: &Thresholds, out: &mut Vec<Roadblock>) {
    for p in &f.practices {
        if let Some(a) = p.recent_adherence.filter(|a| *a < t.low_adherence) {
            out.push(Roadblock {
                kind: Kind::LowAdherence,
                text: format!(
                    "\"{}\" was done {:.0}% of the planned times in the last {} weeks.",
                    p.title,
                    a * 100.0,
                    t.adherence_window.as_hours() / (24 * 7)
                ),
                starter: format!(
                    "I've noticed \"{}\" keeps slipping — can we look at what gets in the way?",
                    p.title
                ),
                evidence: vec![p.id],
            });
        }
        let mut counts: Vec<(String, Vec<Uuid>)> = Vec::new();
        for (id, text) in &p.difficulties {
            let key = text.trim().to_lowercase();
            if key.is_empty() {
                continue;
            }
            match counts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, ids)) => ids.push(*id),
                None => counts.push((key, vec![*id])),
            }
        }
        for (text, ids) in counts {
            if ids.len() >= t.repeated_difficulty {
                out.push(Roadblock {
                    kind: Kind::RepeatedDifficulty,
                    text: format!(
                        "In \"{}\" {} noted the same difficulty {} times: \"{text}\".",
                        p.title,
                        f.about.as_deref().unwrap_or("you"),
                        ids.len()
                    ),
                    starter: format!(
                        "The same thing keeps getting in the way of \"{}\": {text}. Can we work on that?",
                        p.title
                    ),
                    evidence: std::iter::once(p.id).chain(ids).collect(),
                });
            }
        }
    }
}

fn questions(f: &Facts, t: &Thresholds, out: &mut Vec<Roadblock>) {
    for (id, text, asked) in &f.open_questions {
        let sessions = f.attended.iter().filter(|a| *a > asked).count();
        if sessions >= t.question_sessions {
            out.push(Roadblock {
                kind: Kind::LingeringQuestion,
                text: format!("\"{text}\" has stayed open across {sessions} sessions."),
                starter: format!(
                    "There's a question I keep not getting to: \"{text}\". Can we make time for it first?"
                ),
                evidence: vec![*id],
            });
        }
    }
}

fn missed(f: &Facts, t: &Thresholds, out: &mut Vec<Roadblock>) {
    let Some(now) = f.now else { return };
    let since = now - t.missed_window;
    let recent: Vec<&(Uuid, Timestamp)> = f
        .not_attended
        .iter()
        .filter(|(_, at)| *at >= since && *at <= now)
        .collect();
    if recent.len() >= t.missed {
        out.push(Roadblock {
            kind: Kind::MissedSessions,
            text: format!(
                "{} appointments were cancelled or missed in the last {} weeks.",
                recent.len(),
                t.missed_window.as_hours() / (24 * 7)
            ),
            starter: "I've missed a few sessions lately. Can we talk about what makes it hard to come, and whether the timing or format should change?".into(),
            evidence: recent.iter().map(|(id, _)| *id).collect(),
        });
    }
}

/// Every roadblock the facts show, in the order of the rules above.
pub fn find(f: &Facts, t: &Thresholds) -> Vec<Roadblock> {
    let mut out = Vec::new();
    flat_goals(f, t, &mut out);
    measures(f, t, &mut out);
    feedback(f, &mut out);
    practices(f, t, &mut out);
    questions(f, t, &mut out);
    missed(f, t, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_hours(24 * (20_000 + n))
    }

    fn id() -> Uuid {
        Uuid::now_v7()
    }

    fn kinds(f: &Facts) -> Vec<Kind> {
        find(f, &Thresholds::default())
            .iter()
            .map(|r| r.kind)
            .collect()
    }

    #[test]
    fn a_goal_flat_over_three_check_ins_and_six_weeks_is_stuck() {
        let goal = |points: &[(i64, f64)]| GoalFacts {
            id: id(),
            title: "Sleep by 11".into(),
            check_ins: points.iter().map(|(d, v)| (id(), day(*d), *v)).collect(),
            reached: false,
            start: None,
        };
        let flat = Facts {
            goals: vec![goal(&[(0, 0.2), (21, 0.2), (42, 0.1)])],
            ..Default::default()
        };
        let found = find(&flat, &Thresholds::default());
        assert_eq!(found[0].kind, Kind::FlatGoal);
        assert_eq!(
            found[0].text,
            "Your goal \"Sleep by 11\" has not moved over its last 3 check-ins (6 weeks)."
        );
        assert_eq!(found[0].evidence.len(), 4, "the goal and its check-ins");
        let too_soon = Facts {
            goals: vec![goal(&[(0, 0.2), (14, 0.2), (28, 0.2)])],
            ..Default::default()
        };
        assert!(kinds(&too_soon).is_empty());
        let moving = Facts {
            goals: vec![goal(&[(0, 0.2), (21, 0.4), (42, 0.3)])],
            ..Default::default()
        };
        assert!(kinds(&moving).is_empty());
        let holding_at_target = Facts {
            goals: vec![GoalFacts {
                reached: true,
                ..goal(&[(0, 1.0), (21, 1.0), (42, 1.0)])
            }],
            ..Default::default()
        };
        assert!(
            kinds(&holding_at_target).is_empty(),
            "steady at the goal is not stuck"
        );
    }

    /// A numeric goal from `baseline` to `target` with values at days.
    fn numeric_goal(baseline: f64, target: f64, values: &[(i64, f64)]) -> GoalFacts {
        let lower_is_better = target < baseline;
        GoalFacts {
            id: id(),
            title: "Fewer panic attacks".into(),
            check_ins: values
                .iter()
                .map(|(d, v)| {
                    let p = crate::goal::numeric_progress(baseline, target, lower_is_better, *v);
                    (id(), day(*d), p)
                })
                .collect(),
            reached: false,
            start: Some(0.0),
        }
    }

    #[test]
    fn a_lower_is_better_goal_that_came_down_is_never_stuck() {
        // From 7 to 2 panic attacks a week (target 0), then steady at 2.
        let came_down = Facts {
            goals: vec![numeric_goal(
                7.0,
                0.0,
                &[(0, 7.0), (21, 4.0), (42, 2.0), (63, 2.0), (84, 2.0)],
            )],
            ..Default::default()
        };
        assert!(kinds(&came_down).is_empty());
        // Even a step back after coming down is not "not moved".
        let wobble = Facts {
            goals: vec![numeric_goal(7.0, 0.0, &[(0, 2.0), (21, 2.0), (42, 3.0)])],
            ..Default::default()
        };
        assert!(kinds(&wobble).is_empty());
    }

    #[test]
    fn a_numeric_goal_no_better_than_its_baseline_is_stuck_either_way() {
        let lower_flat = Facts {
            goals: vec![numeric_goal(7.0, 0.0, &[(0, 7.0), (21, 7.0), (42, 8.0)])],
            ..Default::default()
        };
        assert_eq!(kinds(&lower_flat), vec![Kind::FlatGoal]);
        let higher_flat = Facts {
            goals: vec![numeric_goal(2.0, 10.0, &[(0, 2.0), (21, 2.0), (42, 1.0)])],
            ..Default::default()
        };
        assert_eq!(kinds(&higher_flat), vec![Kind::FlatGoal]);
        let higher_up = Facts {
            goals: vec![numeric_goal(2.0, 10.0, &[(0, 5.0), (21, 5.0), (42, 5.0)])],
            ..Default::default()
        };
        assert!(kinds(&higher_up).is_empty());
    }

    fn measure(at: i64, from_baseline: Option<Change>, change: Option<Change>) -> MeasureFacts {
        MeasureFacts {
            id: id(),
            instrument: Instrument::Phq9,
            at: day(at),
            change_from_baseline: from_baseline,
            change,
        }
    }

    #[test]
    fn no_reliable_improvement_after_eight_sessions_or_any_deterioration() {
        let attended: Vec<Timestamp> = (1..=8).map(|w| day(w * 7)).collect();
        let flat = Facts {
            measures: vec![
                measure(0, None, None),
                measure(
                    56,
                    Some(Change::NoReliableChange),
                    Some(Change::NoReliableChange),
                ),
            ],
            attended: attended.clone(),
            ..Default::default()
        };
        assert_eq!(kinds(&flat), vec![Kind::NoReliableImprovement]);
        let fewer = Facts {
            attended: attended[..7].to_vec(),
            ..flat.clone()
        };
        assert!(kinds(&fewer).is_empty());
        let improved = Facts {
            measures: vec![
                measure(0, None, None),
                measure(
                    28,
                    Some(Change::ReliableImprovement),
                    Some(Change::ReliableImprovement),
                ),
                measure(
                    56,
                    Some(Change::NoReliableChange),
                    Some(Change::NoReliableChange),
                ),
            ],
            ..flat.clone()
        };
        assert!(kinds(&improved).is_empty());
        let worse = Facts {
            measures: vec![
                measure(0, None, None),
                measure(
                    14,
                    Some(Change::ReliableDeterioration),
                    Some(Change::ReliableDeterioration),
                ),
            ],
            ..Default::default()
        };
        assert_eq!(kinds(&worse), vec![Kind::Deterioration]);
    }

    #[test]
    fn the_latest_feedback_flag_counts_not_an_old_one() {
        let (a, b) = (id(), id());
        let low_now = Facts {
            feedback: vec![(a, false, false), (b, true, false)],
            ..Default::default()
        };
        assert_eq!(kinds(&low_now), vec![Kind::SessionFeedback]);
        let recovered = Facts {
            feedback: vec![(b, true, false), (a, false, false)],
            ..Default::default()
        };
        assert!(kinds(&recovered).is_empty());
    }

    #[test]
    fn low_adherence_and_a_repeated_difficulty_are_named() {
        let f = Facts {
            practices: vec![PracticeFacts {
                id: id(),
                title: "Evening walk".into(),
                recent_adherence: Some(0.25),
                difficulties: vec![
                    (id(), "Too tired".into()),
                    (id(), "too tired ".into()),
                    (id(), "Rain".into()),
                    (id(), "Too Tired".into()),
                ],
            }],
            ..Default::default()
        };
        let found = find(&f, &Thresholds::default());
        assert_eq!(
            found.iter().map(|r| r.kind).collect::<Vec<_>>(),
            vec![Kind::LowAdherence, Kind::RepeatedDifficulty]
        );
        assert_eq!(
            found[0].starter,
            "I've noticed \"Evening walk\" keeps slipping — can we look at what gets in the way?"
        );
        assert!(found[1]
            .text
            .contains("the same difficulty 3 times: \"too tired\""));
    }

    #[test]
    fn questions_open_across_three_sessions_and_two_missed_appointments() {
        let f = Facts {
            now: Some(day(60)),
            attended: vec![day(10), day(20), day(30)],
            open_questions: vec![
                (id(), "Why do I freeze in meetings?".into(), day(5)),
                (id(), "Asked later".into(), day(25)),
            ],
            not_attended: vec![(id(), day(40)), (id(), day(55)), (id(), day(1))],
            ..Default::default()
        };
        let found = find(&f, &Thresholds::default());
        assert_eq!(
            found.iter().map(|r| r.kind).collect::<Vec<_>>(),
            vec![Kind::LingeringQuestion, Kind::MissedSessions]
        );
        assert_eq!(
            found[0].text,
            "\"Why do I freeze in meetings?\" has stayed open across 3 sessions."
        );
        assert_eq!(found[1].evidence.len(), 2, "only the last six weeks count");
    }

    #[test]
    fn written_for_a_therapist_the_sentences_name_the_client_in_the_third_person() {
        let facts = Facts {
            about: Some("Robin".into()),
            goals: vec![GoalFacts {
                id: id(),
                title: "Sleep by 11".into(),
                check_ins: [(0, 0.2), (21, 0.2), (42, 0.1)]
                    .iter()
                    .map(|(d, v)| (id(), day(*d), *v))
                    .collect(),
                start: None,
                reached: false,
            }],
            measures: vec![MeasureFacts {
                id: id(),
                instrument: Instrument::Phq9,
                at: day(40),
                change_from_baseline: None,
                change: Some(Change::ReliableDeterioration),
            }],
            feedback: vec![(id(), true, false)],
            ..Default::default()
        };
        let texts: Vec<String> = find(&facts, &Thresholds::default())
            .into_iter()
            .map(|r| r.text)
            .collect();
        assert_eq!(
            texts,
            [
                "Robin's goal \"Sleep by 11\" has not moved over its last 3 check-ins (6 weeks).",
                "Robin's latest PHQ-9 score is reliably worse than before.",
                "Robin rated the last session low.",
            ]
        );
        assert!(texts.iter().all(|t| !t.to_lowercase().contains("your")));
    }
}
