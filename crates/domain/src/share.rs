//! Sharing with a therapist: the consent scopes a client switches on or off
//! per link, and the rules of a one-time invitation. Pure; the app maps
//! scopes to the keys it wraps for the therapist.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// How long an invitation to link stays valid.
pub const INVITE_VALID_FOR: SignedDuration = SignedDuration::from_hours(24 * 7);

/// What a client may share with one linked therapist; all off by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Agenda,
    Measures,
    Goals,
    Practice,
    Insights,
    Feedback,
    /// Journal entries marked "share" (never private ones).
    Journal,
}

impl Scope {
    pub const ALL: [Scope; 7] = [
        Scope::Agenda,
        Scope::Measures,
        Scope::Goals,
        Scope::Practice,
        Scope::Insights,
        Scope::Feedback,
        Scope::Journal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Agenda => "agenda",
            Scope::Measures => "measures",
            Scope::Goals => "goals",
            Scope::Practice => "practice",
            Scope::Insights => "insights",
            Scope::Feedback => "feedback",
            Scope::Journal => "journal",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        let s = s.trim().to_ascii_lowercase();
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// What it shares, in words for the client.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Agenda => "your agenda for each session",
            Scope::Measures => "questionnaire scores",
            Scope::Goals => "goals and check-ins",
            Scope::Practice => "practice adherence and logs",
            Scope::Insights => "insights and strategies",
            Scope::Feedback => "your session feedback",
            Scope::Journal => "journal entries you mark \"share\"",
        }
    }
}

/// The scope a roadblock's evidence comes from, so a therapist is shown
/// only roadblocks built from what is shared with them; `None` for
/// appointments, which every link shows.
pub fn roadblock_scope(kind: crate::roadblocks::Kind) -> Option<Scope> {
    use crate::roadblocks::Kind;
    match kind {
        Kind::FlatGoal => Some(Scope::Goals),
        Kind::NoReliableImprovement | Kind::Deterioration => Some(Scope::Measures),
        Kind::SessionFeedback => Some(Scope::Feedback),
        Kind::LowAdherence | Kind::RepeatedDifficulty => Some(Scope::Practice),
        // Questions are shared only on the agenda.
        Kind::LingeringQuestion => Some(Scope::Agenda),
        Kind::MissedSessions => None,
    }
}

/// Why an invitation cannot be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteState {
    Valid,
    Used,
    Expired,
}

/// Whether an invitation created at `created` and used (or not) can be
/// accepted `now`.
pub fn invite_state(created: Timestamp, used: bool, now: Timestamp) -> InviteState {
    if used {
        InviteState::Used
    } else if now >= created + INVITE_VALID_FOR {
        InviteState::Expired
    } else {
        InviteState::Valid
    }
}

/// A length of time as people type it: `48h`, `7d`, `2w`, `7 days`.
pub fn parse_length(input: &str) -> Result<SignedDuration, String> {
    let s = input.trim().to_ascii_lowercase();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let bad = || {
        format!(
            "\"{}\" is not a length of time: write e.g. 48h, 7d or 2w.",
            input.trim()
        )
    };
    let n: i64 = n.parse().map_err(|_| bad())?;
    let hours = match unit.trim() {
        "h" | "hour" | "hours" => 1,
        "d" | "day" | "days" => 24,
        "w" | "week" | "weeks" => 24 * 7,
        _ => return Err(bad()),
    };
    n.checked_mul(hours)
        .filter(|h| *h <= 24 * 366 * 10)
        .map(SignedDuration::from_hours)
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_read_hours_days_and_weeks() {
        assert_eq!(parse_length("48h"), Ok(SignedDuration::from_hours(48)));
        assert_eq!(parse_length(" 7d "), Ok(SignedDuration::from_hours(168)));
        assert_eq!(parse_length("7 days"), Ok(SignedDuration::from_hours(168)));
        assert_eq!(parse_length("2w"), Ok(SignedDuration::from_hours(336)));
        for bad in ["", "d", "7", "7y", "-1d", "99999999999999d"] {
            assert!(parse_length(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes_parse_from_their_names_only() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(s));
        }
        assert_eq!(Scope::parse(" Measures "), Some(Scope::Measures));
        assert_eq!(Scope::parse("everything"), None);
    }

    #[test]
    fn an_invitation_is_valid_for_seven_days_and_once() {
        let t: Timestamp = "2026-11-01T10:00:00Z".parse().unwrap();
        let day = SignedDuration::from_hours(24);
        assert_eq!(invite_state(t, false, t + day * 6), InviteState::Valid);
        assert_eq!(invite_state(t, false, t + day * 7), InviteState::Expired);
        assert_eq!(invite_state(t, true, t + day), InviteState::Used);
    }
}
