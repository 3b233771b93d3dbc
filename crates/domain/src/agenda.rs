//! Drafting the agenda for the next appointment from what happened since
//! the last attended session. Pure: the app gathers the inputs, this
//! decides what goes on the agenda, in which order, and what fits the time.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::roadblocks::Roadblock;
use crate::trend::Movement;

/// Sections in the order they appear; a safety flag always comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Safety,
    SinceLast,
    Practice,
    Goals,
    Questions,
    Measures,
    Therapy,
    Roadblocks,
    Own,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Safety,
        Section::SinceLast,
        Section::Practice,
        Section::Goals,
        Section::Questions,
        Section::Measures,
        Section::Therapy,
        Section::Roadblocks,
        Section::Own,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Safety => "safety",
            Section::SinceLast => "since_last",
            Section::Practice => "practice",
            Section::Goals => "goals",
            Section::Questions => "questions",
            Section::Measures => "measures",
            Section::Therapy => "therapy",
            Section::Roadblocks => "roadblocks",
            Section::Own => "own",
        }
    }

    pub fn parse(s: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn heading(self) -> &'static str {
        match self {
            Section::Safety => "First: safety",
            Section::SinceLast => "Since last time",
            Section::Practice => "Practice",
            Section::Goals => "Goals",
            Section::Questions => "Questions",
            Section::Measures => "Measures",
            Section::Therapy => "The therapy itself",
            Section::Roadblocks => "Roadblocks",
            Section::Own => "My own points",
        }
    }
}

/// One point on the agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Stable across redrafts, e.g. "question:ID", so edits can refer to it.
    pub key: String,
    pub section: Section,
    pub text: String,
    /// Ids of the records behind it.
    pub evidence: Vec<Uuid>,
    /// A rough estimate of the session time it needs.
    pub minutes: u32,
}

/// A journal entry as the agenda sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub id: Uuid,
    pub at: Timestamp,
    /// The day in the person's zone, as shown: "Mon 2 Nov".
    pub day: String,
    pub mood: Option<u8>,
    /// The strongest feeling and its intensity.
    pub strongest: Option<(String, u8)>,
    pub excerpt: String,
    pub triggers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inputs {
    /// Entries since the last attended session, oldest first.
    pub moments: Vec<Moment>,
    /// How mood moved since last time (against the same time before), as
    /// [`crate::trend::trend_after`] says it everywhere.
    pub mood: Movement,
    pub pinned_patterns: Vec<String>,
    /// (practice id, one line about adherence, streak, difficulties, drop).
    pub practices: Vec<(Uuid, String)>,
    /// (goal id, one line: due for review with its last check-in, or none yet).
    pub goals: Vec<(Uuid, String)>,
    /// Open questions, oldest first.
    pub questions: Vec<(Uuid, String)>,
    /// (measure id, one line with the score, severity and change).
    pub measures: Vec<(Uuid, String)>,
    /// PHQ-9 responses since last time with item 9 above 0.
    pub safety: Vec<Uuid>,
    /// (episode id, one line) for warning signs that matched since last time.
    pub warning_signs: Vec<(Uuid, String)>,
    /// (feedback id, one line) for low or falling feedback and "what I would change".
    pub therapy: Vec<(Uuid, String)>,
    pub roadblocks: Vec<Roadblock>,
}

fn word_count_minutes(text: &str) -> u32 {
    // Short points take a few minutes; longer ones a little more.
    3 + (text.split_whitespace().count() as u32 / 25).min(7)
}

fn item(key: String, section: Section, text: String, evidence: Vec<Uuid>) -> Item {
    Item {
        minutes: word_count_minutes(&text),
        key,
        section,
        text,
        evidence,
    }
}

/// A short stable name for a sentence (FNV-1a), so its key survives a
/// redraft.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The draft, in agenda order.
pub fn draft(i: &Inputs) -> Vec<Item> {
    let mut out = Vec::new();
    if !i.safety.is_empty() {
        out.push(Item {
            key: "safety".into(),
            section: Section::Safety,
            text: "I answered the question about thoughts of being better off dead or of hurting myself with more than \"not at all\". I want to talk about it first.".into(),
            evidence: i.safety.clone(),
            minutes: 10,
        });
    }
    for (id, text) in &i.warning_signs {
        out.push(Item {
            key: format!("warning_sign:{id}"),
            section: Section::Safety,
            text: text.clone(),
            evidence: vec![*id],
            minutes: 10,
        });
    }
    let n = i.moments.len();
    let mut summary = format!(
        "{n} journal {} since last time",
        if n == 1 { "entry" } else { "entries" }
    );
    if i.mood.average.is_some() {
        summary.push_str("; ");
        summary.push_str(&i.mood.summary);
    }
    summary.push('.');
    out.push(item(
        "since_last".into(),
        Section::SinceLast,
        summary,
        Vec::new(),
    ));
    // The three strongest moments: highest feeling intensity, else lowest mood.
    let mut strong: Vec<&Moment> = i.moments.iter().collect();
    let weight = |m: &Moment| {
        let feeling = m.strongest.as_ref().map_or(0, |(_, x)| i32::from(*x));
        let low_mood = m.mood.map_or(0, |x| 11 - i32::from(x));
        feeling.max(low_mood)
    };
    strong.sort_by(|a, b| weight(b).cmp(&weight(a)).then(a.at.cmp(&b.at)));
    for m in strong.iter().take(3).filter(|m| weight(m) > 0) {
        let what = match (&m.strongest, m.mood) {
            (Some((f, x)), _) => format!("{f} {x}/10"),
            (None, Some(mood)) => format!("mood {mood}/10"),
            (None, None) => String::new(),
        };
        out.push(item(
            format!("moment:{}", m.id),
            Section::SinceLast,
            format!("{} ({what}): {}", m.day, m.excerpt.trim()),
            vec![m.id],
        ));
    }
    let mut triggers: Vec<(String, Vec<Uuid>)> = Vec::new();
    for m in &i.moments {
        for t in &m.triggers {
            match triggers.iter_mut().find(|(x, _)| x.eq_ignore_ascii_case(t)) {
                Some((_, ids)) => ids.push(m.id),
                None => triggers.push((t.clone(), vec![m.id])),
            }
        }
    }
    triggers.retain(|(_, ids)| ids.len() >= 2);
    triggers.sort_by_key(|t| std::cmp::Reverse(t.1.len()));
    if !triggers.is_empty() {
        let names: Vec<String> = triggers
            .iter()
            .map(|(t, ids)| format!("{t} ({}×)", ids.len()))
            .collect();
        out.push(item(
            "triggers".into(),
            Section::SinceLast,
            format!("Recurring triggers: {}.", names.join(", ")),
            triggers.into_iter().flat_map(|(_, ids)| ids).collect(),
        ));
    }
    for p in &i.pinned_patterns {
        out.push(item(
            format!("pattern:{:016x}", fnv1a(p)),
            Section::SinceLast,
            format!("A pattern I noticed: {}", p.replace('*', "")),
            Vec::new(),
        ));
    }
    let lines = |section: Section, prefix: &str, list: &[(Uuid, String)], out: &mut Vec<Item>| {
        for (id, text) in list {
            out.push(item(
                format!("{prefix}:{id}"),
                section,
                text.clone(),
                vec![*id],
            ));
        }
    };
    lines(Section::Practice, "practice", &i.practices, &mut out);
    lines(Section::Goals, "goal", &i.goals, &mut out);
    lines(Section::Questions, "question", &i.questions, &mut out);
    lines(Section::Measures, "measure", &i.measures, &mut out);
    lines(Section::Therapy, "feedback", &i.therapy, &mut out);
    for r in &i.roadblocks {
        // Keyed by rule and evidence, so a redraft finds the same finding.
        let first = r.evidence.first().map(Uuid::to_string).unwrap_or_default();
        out.push(item(
            format!("roadblock:{:?}:{first}", r.kind),
            Section::Roadblocks,
            r.starter.clone(),
            r.evidence.clone(),
        ));
    }
    out
}

/// Which items fit a session of `minutes`, in order: top priorities first
/// get their time, then the rest in agenda order. `top` lists item keys.
pub fn fits(items: &[Item], top: &[String], minutes: u32) -> Vec<bool> {
    let mut left = minutes;
    let mut fit = vec![false; items.len()];
    let order = items
        .iter()
        .enumerate()
        .filter(|(_, x)| top.contains(&x.key))
        .chain(
            items
                .iter()
                .enumerate()
                .filter(|(_, x)| !top.contains(&x.key)),
        );
    for (n, x) in order {
        if x.minutes <= left {
            left -= x.minutes;
            fit[n] = true;
        }
    }
    fit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moment(
        day: i64,
        mood: u8,
        feeling: Option<(&str, u8)>,
        text: &str,
        triggers: &[&str],
    ) -> Moment {
        let at = "2026-11-01T20:00:00Z".parse::<Timestamp>().unwrap()
            + jiff::SignedDuration::from_hours(24 * day);
        Moment {
            id: Uuid::now_v7(),
            at,
            day: at.strftime("%a %-d %b").to_string(),
            mood: Some(mood),
            strongest: feeling.map(|(f, x)| (f.to_string(), x)),
            excerpt: text.into(),
            triggers: triggers.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn safety_comes_first_and_the_strongest_moments_are_picked() {
        let inputs = Inputs {
            moments: vec![
                moment(0, 6, Some(("calm", 4)), "Quiet day", &[]),
                moment(
                    1,
                    3,
                    Some(("anxious", 9)),
                    "Panic before the review",
                    &["work meeting"],
                ),
                moment(2, 2, None, "Could not get up", &["poor sleep"]),
                moment(
                    3,
                    5,
                    Some(("angry", 7)),
                    "Argument about money",
                    &["work meeting"],
                ),
            ],
            mood: crate::trend::trend_after(
                &[(jiff::civil::date(2026, 10, 20), 5)],
                &[2, 3, 5, 6].map(|m| (jiff::civil::date(2026, 11, 2), m)),
            )
            .movement,
            safety: vec![Uuid::now_v7()],
            questions: vec![(Uuid::now_v7(), "Why do I freeze in meetings?".into())],
            ..Default::default()
        };
        let items = draft(&inputs);
        assert_eq!(items[0].section, Section::Safety);
        assert_eq!(items[1].text, "4 journal entries since last time; average mood 4.0, down from 5.0 the period before (only 1 day with a mood: too few to tell how it moved).");
        let moments: Vec<&str> = items
            .iter()
            .filter(|x| x.key.starts_with("moment:"))
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(
            moments,
            vec![
                "Mon 2 Nov (anxious 9/10): Panic before the review",
                "Tue 3 Nov (mood 2/10): Could not get up",
                "Wed 4 Nov (angry 7/10): Argument about money"
            ]
        );
        assert!(items
            .iter()
            .any(|x| x.text == "Recurring triggers: work meeting (2×)."));
        let sections: Vec<Section> = items.iter().map(|x| x.section).collect();
        let mut sorted = sections.clone();
        sorted.sort();
        assert_eq!(sections, sorted, "items come in section order");
    }

    #[test]
    fn a_warning_sign_that_matched_is_a_safety_point_after_the_phq9_one() {
        let (episode, response) = (Uuid::now_v7(), Uuid::now_v7());
        let items = draft(&Inputs {
            safety: vec![response],
            warning_signs: vec![(episode, "My warning sign \"Not sleeping\" matched.".into())],
            ..Default::default()
        });
        let safety: Vec<(&str, &[Uuid])> = items
            .iter()
            .filter(|x| x.section == Section::Safety)
            .map(|x| (x.key.as_str(), x.evidence.as_slice()))
            .collect();
        let key = format!("warning_sign:{episode}");
        assert_eq!(
            safety,
            vec![("safety", &[response][..]), (key.as_str(), &[episode][..])]
        );
    }

    #[test]
    fn what_does_not_fit_the_session_is_marked_and_top_priorities_go_first() {
        let items: Vec<Item> = (0..6)
            .map(|n| Item {
                key: format!("k{n}"),
                section: Section::Own,
                text: String::new(),
                evidence: Vec::new(),
                minutes: 10,
            })
            .collect();
        assert_eq!(
            fits(&items, &[], 50),
            vec![true, true, true, true, true, false]
        );
        assert_eq!(
            fits(&items, &["k5".to_string()], 50),
            vec![true, true, true, true, false, true]
        );
    }
}
