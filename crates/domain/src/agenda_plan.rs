//! The agenda a person shapes from the draft: the order they chose, their
//! top priorities, their own points, what was discussed. Once saved it is
//! stable; new data only reaches it through an explicit refresh, whose
//! changes can be looked at first. What was not discussed carries over.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::agenda::{fits, Item, Section};

/// Longest own point, in characters.
pub const MAX_OWN_TEXT: usize = 500;
/// Most points an agenda holds.
pub const MAX_POINTS: usize = 100;

/// One point with what the person chose about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub item: Item,
    #[serde(default)]
    pub top: bool,
    #[serde(default)]
    pub discussed: bool,
    /// Came from an earlier agenda where it was not discussed.
    #[serde(default)]
    pub carried: bool,
}

impl Point {
    pub fn new(item: Item) -> Point {
        Point {
            item,
            top: false,
            discussed: false,
            carried: false,
        }
    }

    /// Where the point stands in the one order of an agenda: safety first
    /// (0), then the person's top priorities (1), then the rest (2).
    pub fn place(&self) -> u8 {
        if self.item.section == Section::Safety {
            0
        } else if self.top {
            1
        } else {
            2
        }
    }
}

/// The points of an agenda, in the person's order, and the drafted keys
/// they removed (so a refresh does not bring them back).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Plan {
    pub points: Vec<Point>,
    #[serde(default)]
    pub removed: Vec<String>,
    /// The point removed last and where it stood, so the removal can be
    /// undone. Never shown to anyone (snapshots take only `points`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_removed: Option<Removed>,
}

/// A removed point and its 1-based position when it was removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Removed {
    pub position: usize,
    pub point: Point,
}

/// A change the person makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Adds an own point at the end.
    Add(String),
    Remove(String),
    /// Puts the point removed last back where it was.
    UndoRemove,
    /// Moves a point to a 1-based position.
    Move {
        key: String,
        to: usize,
    },
    Top {
        key: String,
        on: bool,
    },
    Discussed {
        key: String,
        on: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EditError {
    #[error("There is no point {0} on this agenda.")]
    NoSuchPoint(String),
    #[error("An own point needs some text.")]
    Empty,
    #[error("An own point can be at most {MAX_OWN_TEXT} characters (this one has {0}).")]
    TooLong(usize),
    #[error("An agenda holds at most {MAX_POINTS} points.")]
    Full,
    #[error("Position {0} is outside the agenda (1 to {1}).")]
    Position(usize, usize),
    #[error("There is no removed point to put back.")]
    NothingToUndo,
}

/// What a refresh from new data would change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    /// Drafted now, not on the saved agenda (and not removed by the person).
    pub added: Vec<Item>,
    /// On both, with different wording now: (saved, now).
    pub reworded: Vec<(Item, Item)>,
    /// Drafted before, no longer drafted (own and carried points stay).
    pub gone: Vec<Item>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.reworded.is_empty() && self.gone.is_empty()
    }
}

impl Plan {
    /// A fresh plan from a draft, with the undiscussed points of the
    /// previous agenda carried over into their sections.
    pub fn from_draft(draft: Vec<Item>, previous: Option<&Plan>) -> Plan {
        let mut points: Vec<Point> = draft.into_iter().map(Point::new).collect();
        if let Some(previous) = previous {
            for old in previous.points.iter().filter(|x| !x.discussed) {
                match points.iter_mut().find(|x| x.item.key == old.item.key) {
                    // Still drafted: it is on the agenda anyway, and
                    // stays a top priority if it was one.
                    Some(same) => same.top |= old.top,
                    None => points.push(Point {
                        carried: true,
                        discussed: false,
                        ..old.clone()
                    }),
                }
            }
            // Stable: drafted points keep their order, carried ones follow
            // the drafted points of their section.
            points.sort_by_key(|x| x.item.section);
        }
        let mut plan = Plan {
            points,
            removed: Vec::new(),
            last_removed: None,
        };
        plan.put_in_order();
        plan
    }

    /// The one order of an agenda, which the page, the documents and the
    /// numbers edits take all follow: safety first, then the top
    /// priorities, then the rest, each run in the person's order. Marking a
    /// point top moves it up to the end of the top priorities; unmarking it
    /// moves it to the start of the rest.
    pub fn put_in_order(&mut self) {
        self.points.sort_by_key(Point::place);
    }

    /// The key of the point at a 1-based position or with that key.
    pub fn resolve(&self, which: &str) -> Result<String, EditError> {
        let which = which.trim();
        if let Ok(n) = which.parse::<usize>() {
            return match n.checked_sub(1).and_then(|i| self.points.get(i)) {
                Some(x) => Ok(x.item.key.clone()),
                None => Err(EditError::NoSuchPoint(which.to_string())),
            };
        }
        self.points
            .iter()
            .find(|x| x.item.key == which)
            .map(|x| x.item.key.clone())
            .ok_or_else(|| EditError::NoSuchPoint(which.to_string()))
    }

    fn index(&self, key: &str) -> Result<usize, EditError> {
        self.points
            .iter()
            .position(|x| x.item.key == key)
            .ok_or_else(|| EditError::NoSuchPoint(key.to_string()))
    }

    /// Applies one edit; on error nothing changed. `new_key` names an own
    /// point (the caller supplies a fresh id).
    pub fn apply(&mut self, edit: Edit, new_key: impl FnOnce() -> String) -> Result<(), EditError> {
        match edit {
            Edit::Add(text) => {
                let text = text.trim();
                if text.is_empty() {
                    return Err(EditError::Empty);
                }
                let n = text.chars().count();
                if n > MAX_OWN_TEXT {
                    return Err(EditError::TooLong(n));
                }
                if self.points.len() >= MAX_POINTS {
                    return Err(EditError::Full);
                }
                let item = Item {
                    key: new_key(),
                    section: Section::Own,
                    minutes: 3 + (text.split_whitespace().count() as u32 / 25).min(7),
                    text: text.to_string(),
                    evidence: Vec::new(),
                };
                self.points.push(Point::new(item));
            }
            Edit::Remove(key) => {
                let i = self.index(&key)?;
                let gone = self.points.remove(i);
                if gone.item.section != Section::Own {
                    self.removed.push(gone.item.key.clone());
                }
                self.last_removed = Some(Removed {
                    position: i + 1,
                    point: gone,
                });
            }
            Edit::UndoRemove => {
                let back = self.last_removed.take().ok_or(EditError::NothingToUndo)?;
                if self.points.len() >= MAX_POINTS {
                    self.last_removed = Some(back);
                    return Err(EditError::Full);
                }
                self.removed.retain(|k| *k != back.point.item.key);
                let at = (back.position - 1).min(self.points.len());
                self.points.insert(at, back.point);
            }
            Edit::Move { key, to } => {
                let i = self.index(&key)?;
                let len = self.points.len();
                if to == 0 || to > len {
                    return Err(EditError::Position(to, len));
                }
                let point = self.points.remove(i);
                self.points.insert(to - 1, point);
            }
            Edit::Top { key, on } => {
                let i = self.index(&key)?;
                self.points[i].top = on;
            }
            Edit::Discussed { key, on } => {
                let i = self.index(&key)?;
                self.points[i].discussed = on;
            }
        }
        self.put_in_order();
        Ok(())
    }

    /// What taking `draft` into this plan would change.
    pub fn changes(&self, draft: &[Item]) -> Changes {
        let mut c = Changes::default();
        for now in draft {
            match self.points.iter().find(|x| x.item.key == now.key) {
                Some(saved) if saved.item.text != now.text => {
                    c.reworded.push((saved.item.clone(), now.clone()))
                }
                Some(_) => {}
                None if self.removed.contains(&now.key) => {}
                None => c.added.push(now.clone()),
            }
        }
        for saved in &self.points {
            if saved.item.section != Section::Own
                && !saved.carried
                && !draft.iter().any(|x| x.key == saved.item.key)
            {
                c.gone.push(saved.item.clone());
            }
        }
        c
    }

    /// Takes `draft` in: rewords and drops drafted points, adds new ones
    /// after the last point of their section; the person's order, top
    /// marks, own points and ticks stay.
    pub fn refresh(&mut self, draft: &[Item]) {
        let c = self.changes(draft);
        self.points
            .retain(|x| !c.gone.iter().any(|g| g.key == x.item.key));
        for (_, now) in c.reworded {
            if let Some(x) = self.points.iter_mut().find(|x| x.item.key == now.key) {
                x.item = now;
            }
        }
        for item in c.added {
            let at = self
                .points
                .iter()
                .rposition(|x| x.item.section <= item.section)
                .map_or(0, |i| i + 1);
            self.points.insert(at, Point::new(item));
        }
        self.put_in_order();
    }

    /// Per point: whether it fits a session of `minutes`, top priorities
    /// first.
    pub fn fits(&self, minutes: u32) -> Vec<bool> {
        let items: Vec<Item> = self.points.iter().map(|x| x.item.clone()).collect();
        let top: Vec<String> = self
            .points
            .iter()
            .filter(|x| x.top)
            .map(|x| x.item.key.clone())
            .collect();
        fits(&items, &top, minutes)
    }
}

/// How the person likes their agenda and reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefs {
    /// Minutes a session has for the agenda.
    pub session_minutes: u32,
    /// Weeks between periodic reviews.
    pub review_weeks: u32,
}

impl Default for Prefs {
    fn default() -> Prefs {
        Prefs {
            session_minutes: 50,
            review_weeks: 12,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PrefsError {
    #[error("A session can have 10 to 240 minutes (not {0}).")]
    Minutes(u32),
    #[error("Reviews can come every 1 to 52 weeks (not {0}).")]
    Weeks(u32),
}

impl Prefs {
    pub fn validate(self) -> Result<Prefs, PrefsError> {
        if !(10..=240).contains(&self.session_minutes) {
            return Err(PrefsError::Minutes(self.session_minutes));
        }
        if !(1..=52).contains(&self.review_weeks) {
            return Err(PrefsError::Weeks(self.review_weeks));
        }
        Ok(self)
    }
}

/// A plan saved for an appointment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedAgenda {
    /// Start of the window the draft covered.
    pub since: Option<Timestamp>,
    pub saved_at: Timestamp,
    pub plan: Plan,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, section: Section, text: &str) -> Item {
        Item {
            key: key.into(),
            section,
            text: text.into(),
            evidence: Vec::new(),
            minutes: 5,
        }
    }

    fn keys(p: &Plan) -> Vec<&str> {
        p.points.iter().map(|x| x.item.key.as_str()).collect()
    }

    fn plan() -> Plan {
        Plan::from_draft(
            vec![
                item("since_last", Section::SinceLast, "3 entries"),
                item("practice:a", Section::Practice, "Breathing 2 of 7"),
                item("question:q", Section::Questions, "Why do I freeze?"),
            ],
            None,
        )
    }

    #[test]
    fn edits_remove_reorder_add_and_mark_points() {
        let mut p = plan();
        p.apply(Edit::Add("Talk about my sister".into()), || "own:1".into())
            .unwrap();
        p.apply(
            Edit::Move {
                key: "own:1".into(),
                to: 1,
            },
            String::new,
        )
        .unwrap();
        p.apply(
            Edit::Top {
                key: "question:q".into(),
                on: true,
            },
            String::new,
        )
        .unwrap();
        p.apply(Edit::Remove("practice:a".into()), String::new)
            .unwrap();
        assert_eq!(
            keys(&p),
            vec!["question:q", "own:1", "since_last"],
            "a top priority comes first"
        );
        assert!(p.points[0].top);
        assert_eq!(p.removed, vec!["practice:a".to_string()]);
        assert_eq!(p.points[1].item.section, Section::Own);
    }

    #[test]
    fn bad_edits_say_what_is_wrong_and_change_nothing() {
        let mut p = plan();
        let before = p.clone();
        assert_eq!(
            p.apply(Edit::Remove("nope".into()), String::new),
            Err(EditError::NoSuchPoint("nope".into()))
        );
        assert_eq!(
            p.apply(
                Edit::Move {
                    key: "since_last".into(),
                    to: 9
                },
                String::new
            ),
            Err(EditError::Position(9, 3))
        );
        assert_eq!(
            p.apply(Edit::Add("   ".into()), String::new),
            Err(EditError::Empty)
        );
        assert_eq!(
            p.apply(Edit::Add("x".repeat(501)), String::new),
            Err(EditError::TooLong(501))
        );
        assert_eq!(p, before);
    }

    #[test]
    fn points_are_found_by_position_or_key() {
        let p = plan();
        assert_eq!(p.resolve("2").unwrap(), "practice:a");
        assert_eq!(p.resolve("question:q").unwrap(), "question:q");
        assert!(p.resolve("0").is_err());
        assert!(p.resolve("4").is_err());
    }

    #[test]
    fn a_refresh_shows_and_takes_new_data_but_keeps_the_persons_choices() {
        let mut p = plan();
        p.apply(Edit::Add("My point".into()), || "own:1".into())
            .unwrap();
        p.apply(Edit::Remove("practice:a".into()), String::new)
            .unwrap();
        p.apply(
            Edit::Move {
                key: "question:q".into(),
                to: 1,
            },
            String::new,
        )
        .unwrap();
        let draft = vec![
            item("since_last", Section::SinceLast, "5 entries"),
            item("practice:a", Section::Practice, "Breathing 3 of 7"),
            item("goal:g", Section::Goals, "Review sleep goal"),
        ];
        let c = p.changes(&draft);
        assert_eq!(
            c.added.iter().map(|x| &x.key[..]).collect::<Vec<_>>(),
            vec!["goal:g"]
        );
        assert_eq!(c.reworded.len(), 1);
        assert_eq!(c.reworded[0].1.text, "5 entries");
        assert_eq!(
            c.gone.iter().map(|x| &x.key[..]).collect::<Vec<_>>(),
            vec!["question:q"]
        );
        p.refresh(&draft);
        assert_eq!(keys(&p), vec!["since_last", "goal:g", "own:1"]);
        assert_eq!(p.points[0].item.text, "5 entries");
        assert!(p.changes(&draft).is_empty());
    }

    #[test]
    fn what_was_not_discussed_carries_over_into_its_section() {
        let mut before = plan();
        before
            .apply(Edit::Add("Ask about group therapy".into()), || {
                "own:1".into()
            })
            .unwrap();
        before
            .apply(
                Edit::Discussed {
                    key: "practice:a".into(),
                    on: true,
                },
                String::new,
            )
            .unwrap();
        before
            .apply(
                Edit::Top {
                    key: "question:q".into(),
                    on: true,
                },
                String::new,
            )
            .unwrap();
        let next = Plan::from_draft(
            vec![
                item("since_last", Section::SinceLast, "2 entries"),
                item("question:q", Section::Questions, "Why do I freeze?"),
                item("goal:g", Section::Goals, "Review"),
            ],
            Some(&before),
        );
        assert_eq!(
            keys(&next),
            vec!["question:q", "since_last", "goal:g", "own:1"]
        );
        let own = &next.points[3];
        assert!(own.carried && !own.discussed);
        assert!(next.points[0].top, "a top priority stays one, first");
        assert!(!next.points.iter().any(|x| x.item.key == "practice:a"));
    }

    #[test]
    fn top_priorities_get_their_time_first() {
        let mut p = plan();
        p.apply(
            Edit::Top {
                key: "question:q".into(),
                on: true,
            },
            String::new,
        )
        .unwrap();
        assert_eq!(keys(&p), vec!["question:q", "since_last", "practice:a"]);
        assert_eq!(p.fits(10), vec![true, true, false]);
    }

    #[test]
    fn marking_a_point_top_moves_it_up_after_safety_and_unmarking_moves_it_back_down() {
        let mut p = Plan::from_draft(
            vec![
                item("safety", Section::Safety, "Thoughts of self-harm"),
                item("since_last", Section::SinceLast, "3 entries"),
                item("practice:a", Section::Practice, "Breathing 2 of 7"),
                item("question:q", Section::Questions, "Why do I freeze?"),
            ],
            None,
        );
        let top = |p: &mut Plan, key: &str, on: bool| {
            p.apply(
                Edit::Top {
                    key: key.into(),
                    on,
                },
                String::new,
            )
            .unwrap()
        };
        top(&mut p, "question:q", true);
        top(&mut p, "practice:a", true);
        assert_eq!(
            keys(&p),
            vec!["safety", "question:q", "practice:a", "since_last"],
            "safety first, then the top priorities in the order they were marked"
        );
        // Moving a point above a top priority keeps the top priorities first.
        p.apply(
            Edit::Move {
                key: "since_last".into(),
                to: 1,
            },
            String::new,
        )
        .unwrap();
        assert_eq!(
            keys(&p),
            vec!["safety", "question:q", "practice:a", "since_last"]
        );
        top(&mut p, "question:q", false);
        assert_eq!(
            keys(&p),
            vec!["safety", "practice:a", "question:q", "since_last"],
            "no longer top: first of the rest"
        );
    }

    #[test]
    fn a_removed_point_comes_back_where_it_was_with_undo() {
        let mut p = plan();
        let keys: Vec<String> = p.points.iter().map(|x| x.item.key.clone()).collect();
        let second = keys[1].clone();
        p.apply(Edit::Remove(second.clone()), String::new).unwrap();
        assert!(p.points.iter().all(|x| x.item.key != second));
        p.apply(Edit::UndoRemove, String::new).unwrap();
        let after: Vec<String> = p.points.iter().map(|x| x.item.key.clone()).collect();
        assert_eq!(after, keys);
        assert!(
            !p.removed.contains(&second),
            "a refresh may bring it back too"
        );
        assert_eq!(
            p.apply(Edit::UndoRemove, String::new),
            Err(EditError::NothingToUndo)
        );
    }
}
