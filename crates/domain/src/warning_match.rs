//! That a warning sign matched, as the person's app records it when it
//! checks their signs (after a write, at sign-in): one record per
//! *episode* — from the day it was first noticed while it keeps being
//! seen on consecutive checks — so the agenda can raise it once, a linked
//! therapist who was told about it sees one flag, and the person can look
//! back at when it happened. Pure: which records to add or extend.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::warning_sign::Fired;

/// One episode of a warning sign matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    /// The sign's id.
    pub sign: Uuid,
    /// Its name when it matched (the sign may be renamed or deleted later).
    pub name: String,
    /// The first day the rule saw (from [`Fired::on`]).
    pub since: Date,
    /// The person's day it was first noticed.
    pub noticed: Date,
    /// The last day a check saw it matching.
    pub last_seen: Date,
    /// What it saw, in words (the latest check's).
    pub evidence: String,
}

/// What a check writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A new episode.
    New(Match),
    /// Record `id` seen again today.
    Seen { id: Uuid, updated: Match },
}

/// How many days without a check may pass inside one episode: a sign seen
/// yesterday and today is the same episode; a gap longer than this starts
/// a new one (it may well have stopped and started again meanwhile).
pub const EPISODE_GAP_DAYS: i64 = 1;

/// The records a check on `today` writes, from the signs that match now
/// (`(id, name, what fired)`) and each sign's latest recorded episode
/// (`(record id, match)`); at most one write per sign per day.
pub fn note(today: Date, fired: &[(Uuid, String, Fired)], latest: &[(Uuid, Match)]) -> Vec<Note> {
    let mut out = Vec::new();
    for (sign, name, f) in fired {
        let last = latest
            .iter()
            .filter(|(_, m)| m.sign == *sign)
            .max_by_key(|(_, m)| m.last_seen);
        match last {
            Some((id, m)) if continues(m.last_seen, today) => {
                if m.last_seen < today {
                    out.push(Note::Seen {
                        id: *id,
                        updated: Match {
                            last_seen: today,
                            evidence: f.evidence.clone(),
                            ..m.clone()
                        },
                    });
                }
            }
            _ => out.push(Note::New(Match {
                sign: *sign,
                name: name.clone(),
                since: f.on.min(today),
                noticed: today,
                last_seen: today,
                evidence: f.evidence.clone(),
            })),
        }
    }
    out
}

/// Whether an episode last seen on `last_seen` goes on to `today`.
fn continues(last_seen: Date, today: Date) -> bool {
    if last_seen >= today {
        return true;
    }
    today
        .since(last_seen)
        .is_ok_and(|gap| i64::from(gap.get_days()) <= EPISODE_GAP_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn fired(on: Date) -> Fired {
        Fired {
            on,
            evidence: "sleep under 6 on 3 days in a row".into(),
        }
    }

    fn episode(sign: Uuid, noticed: Date, last_seen: Date) -> Match {
        Match {
            sign,
            name: "Not sleeping".into(),
            since: noticed,
            noticed,
            last_seen,
            evidence: "before".into(),
        }
    }

    #[test]
    fn a_sign_that_matches_for_the_first_time_starts_an_episode() {
        let sign = Uuid::now_v7();
        let today = date(2026, 3, 5);
        let notes = note(
            today,
            &[(sign, "Not sleeping".into(), fired(date(2026, 3, 3)))],
            &[],
        );
        let [Note::New(m)] = notes.as_slice() else {
            panic!("one new episode, got {notes:?}");
        };
        assert_eq!(
            (m.since, m.noticed, m.last_seen),
            (date(2026, 3, 3), today, today)
        );
        assert_eq!(m.name, "Not sleeping");
    }

    #[test]
    fn checks_on_the_same_day_write_nothing_more() {
        let sign = Uuid::now_v7();
        let today = date(2026, 3, 5);
        let latest = [(Uuid::now_v7(), episode(sign, today, today))];
        assert!(note(today, &[(sign, "x".into(), fired(today))], &latest).is_empty());
    }

    #[test]
    fn seen_again_the_next_day_extends_the_same_episode() {
        let sign = Uuid::now_v7();
        let record = Uuid::now_v7();
        let latest = [(record, episode(sign, date(2026, 3, 1), date(2026, 3, 4)))];
        let notes = note(
            date(2026, 3, 5),
            &[(sign, "x".into(), fired(date(2026, 3, 3)))],
            &latest,
        );
        let [Note::Seen { id, updated }] = notes.as_slice() else {
            panic!("the episode extended, got {notes:?}");
        };
        assert_eq!(*id, record);
        assert_eq!(updated.noticed, date(2026, 3, 1));
        assert_eq!(updated.last_seen, date(2026, 3, 5));
        assert_eq!(updated.evidence, "sleep under 6 on 3 days in a row");
    }

    #[test]
    fn after_a_gap_it_is_a_new_episode() {
        let sign = Uuid::now_v7();
        let latest = [(
            Uuid::now_v7(),
            episode(sign, date(2026, 2, 1), date(2026, 2, 3)),
        )];
        let notes = note(
            date(2026, 3, 5),
            &[(sign, "x".into(), fired(date(2026, 3, 4)))],
            &latest,
        );
        assert!(matches!(notes.as_slice(), [Note::New(m)] if m.noticed == date(2026, 3, 5)));
    }

    #[test]
    fn each_sign_has_its_own_episodes_and_quiet_signs_write_nothing() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let today = date(2026, 3, 5);
        let latest = [(Uuid::now_v7(), episode(a, today, today))];
        let notes = note(today, &[(b, "b".into(), fired(today))], &latest);
        assert!(matches!(notes.as_slice(), [Note::New(m)] if m.sign == b));
        assert!(note(today, &[], &latest).is_empty());
    }
}
