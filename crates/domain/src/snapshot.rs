//! A document frozen for someone else to read: the agenda a linked
//! therapist sees, or an agenda or review sent as a private link. Plain
//! strings only, so it renders safely anywhere, and built only from what
//! the reader may see: a point of the agenda is kept when the scope its
//! data comes from is shared, and nothing from a private journal entry is.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::agenda_plan::Point;
use crate::roadblocks::Kind;
use crate::share::Scope;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<SnapshotSection>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotSection {
    pub heading: String,
    pub lines: Vec<SnapshotLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotLine {
    pub text: String,
    /// A top priority of the client's.
    #[serde(default)]
    pub top: bool,
    /// The agenda point it shows, so a reader's comment can refer to it.
    #[serde(default)]
    pub key: Option<String>,
}

impl SnapshotLine {
    pub fn plain(text: impl Into<String>) -> SnapshotLine {
        SnapshotLine {
            text: text.into(),
            top: false,
            key: None,
        }
    }
}

/// What a reader was given: the scopes they hold and the journal entries
/// the client marked "share".
#[derive(Debug, Clone, Default)]
pub struct Audience {
    pub scopes: Vec<Scope>,
    pub shared_entries: HashSet<Uuid>,
}

impl Audience {
    /// Someone the client sends a document to directly: every scope, but
    /// still only shared journal entries.
    pub fn everything(shared_entries: HashSet<Uuid>) -> Audience {
        Audience {
            scopes: Scope::ALL.to_vec(),
            shared_entries,
        }
    }

    fn has(&self, s: Scope) -> bool {
        self.scopes.contains(&s)
    }

    /// Whether this agenda point may be shown. Points drawn from the whole
    /// journal (the mood summary, patterns) never are: they summarise
    /// private entries too.
    pub fn may_see(&self, point: &Point) -> bool {
        let key = point.item.key.as_str();
        let (prefix, rest) = key.split_once(':').unwrap_or((key, ""));
        let journal = || {
            self.has(Scope::Journal)
                && !point.item.evidence.is_empty()
                && point
                    .item
                    .evidence
                    .iter()
                    .all(|id| self.shared_entries.contains(id))
        };
        match prefix {
            "safety" | "measure" => self.has(Scope::Measures),
            "moment" | "triggers" => journal(),
            "since_last" | "pattern" => false,
            "practice" => self.has(Scope::Practice),
            "goal" => self.has(Scope::Goals),
            "feedback" => self.has(Scope::Feedback),
            "question" | "own" => self.has(Scope::Agenda),
            // On the agenda at all only with the agenda scope, and then only
            // when its evidence's scope is shared too.
            "roadblock" => {
                let name = rest.split(':').next().unwrap_or("");
                Kind::ALL
                    .into_iter()
                    .find(|k| format!("{k:?}") == name)
                    .is_some_and(|k| {
                        self.has(Scope::Agenda)
                            && crate::share::roadblock_scope(k).is_none_or(|s| self.has(s))
                    })
            }
            // Anything new is private until a rule says otherwise.
            _ => false,
        }
    }
}

/// The agenda's points the audience may see, grouped under their headings
/// in agenda order.
pub fn agenda_sections(points: &[Point], audience: &Audience) -> Vec<SnapshotSection> {
    let mut out: Vec<SnapshotSection> = Vec::new();
    for p in points.iter().filter(|p| audience.may_see(p)) {
        let heading = p.item.section.heading();
        let mut text = String::new();
        if p.discussed {
            text.push_str("✓ ");
        }
        text.push_str(&p.item.text);
        if p.carried {
            text.push_str(" (from last time)");
        }
        let line = SnapshotLine {
            text,
            top: p.top,
            key: Some(p.item.key.clone()),
        };
        match out.last_mut() {
            Some(s) if s.heading == heading => s.lines.push(line),
            _ => out.push(SnapshotSection {
                heading: heading.to_string(),
                lines: vec![line],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agenda::{Item, Section};

    fn point(key: &str, section: Section, evidence: Vec<Uuid>) -> Point {
        Point::new(Item {
            key: key.into(),
            section,
            text: format!("text of {key}"),
            evidence,
            minutes: 5,
        })
    }

    fn keys(points: &[Point], a: &Audience) -> Vec<String> {
        agenda_sections(points, a)
            .into_iter()
            .flat_map(|s| s.lines)
            .filter_map(|l| l.key)
            .collect()
    }

    #[test]
    fn a_point_is_shown_only_when_its_scope_is_shared() {
        let g = Uuid::now_v7();
        let points = vec![
            point("safety", Section::Safety, vec![g]),
            point(&format!("goal:{g}"), Section::Goals, vec![g]),
            point(&format!("practice:{g}"), Section::Practice, vec![g]),
            point(&format!("question:{g}"), Section::Questions, vec![g]),
            point("own:1", Section::Own, vec![]),
            point(
                &format!("roadblock:FlatGoal:{g}"),
                Section::Roadblocks,
                vec![g],
            ),
            point(
                &format!("roadblock:LowAdherence:{g}"),
                Section::Roadblocks,
                vec![g],
            ),
        ];
        let goals_only = Audience {
            scopes: vec![Scope::Goals],
            ..Default::default()
        };
        assert_eq!(keys(&points, &goals_only), vec![format!("goal:{g}")]);
        let goals_on_agenda = Audience {
            scopes: vec![Scope::Agenda, Scope::Goals],
            ..Default::default()
        };
        assert_eq!(
            keys(&points, &goals_on_agenda),
            vec![
                format!("goal:{g}"),
                format!("question:{g}"),
                "own:1".into(),
                format!("roadblock:FlatGoal:{g}")
            ]
        );
        let agenda = Audience {
            scopes: vec![Scope::Agenda, Scope::Measures],
            ..Default::default()
        };
        assert_eq!(
            keys(&points, &agenda),
            vec![
                "safety".to_string(),
                format!("question:{g}"),
                "own:1".into()
            ]
        );
        assert!(keys(&points, &Audience::default()).is_empty());
    }

    #[test]
    fn nothing_from_a_private_entry_or_the_whole_journal_is_shown() {
        let shared = Uuid::now_v7();
        let private = Uuid::now_v7();
        let points = vec![
            point("since_last", Section::SinceLast, vec![]),
            point(
                &format!("moment:{shared}"),
                Section::SinceLast,
                vec![shared],
            ),
            point(
                &format!("moment:{private}"),
                Section::SinceLast,
                vec![private],
            ),
            point("triggers", Section::SinceLast, vec![shared, private]),
            point("pattern:00ff", Section::SinceLast, vec![]),
        ];
        let everything = Audience::everything([shared].into_iter().collect());
        assert_eq!(keys(&points, &everything), vec![format!("moment:{shared}")]);
        let no_journal = Audience {
            scopes: vec![Scope::Agenda],
            shared_entries: [shared].into_iter().collect(),
        };
        assert!(keys(&points, &no_journal).is_empty());
    }

    #[test]
    fn lines_keep_agenda_order_marks_and_headings() {
        let mut a = point("own:1", Section::Own, vec![]);
        a.top = true;
        let mut b = point("own:2", Section::Own, vec![]);
        b.discussed = true;
        b.carried = true;
        let s = agenda_sections(&[a, b], &Audience::everything(HashSet::new()));
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].heading, Section::Own.heading());
        assert!(s[0].lines[0].top);
        assert_eq!(s[0].lines[1].text, "✓ text of own:2 (from last time)");
    }
}
