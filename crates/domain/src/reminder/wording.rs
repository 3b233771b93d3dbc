//! What a reminder says. Neutral unless the person chose detailed text for
//! the channel: the neutral text names no practice, no appointment and
//! nothing the person wrote, so a notification on a locked screen gives
//! nothing away. Every reminder opens the page it is about.

use super::due::Slot;
use super::rule::Kind;

/// The neutral title every reminder carries (the app's own name stays off
/// a locked screen too).
pub const NEUTRAL_TITLE: &str = "A moment for yourself?";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub title: String,
    pub body: String,
    /// The path a tap opens (`/journal/new`, `/practices/…`).
    pub path: String,
}

/// The message for `slot`, neutral or detailed.
pub fn message(slot: &Slot, detailed: bool) -> Message {
    let path = match slot.kind {
        Kind::Checkin => "/journal/new".to_string(),
        Kind::Practice { practice } => format!("/practices/{practice}"),
        Kind::Session => "/agenda".to_string(),
        Kind::Measures => "/measures".to_string(),
        Kind::Review => "/review".to_string(),
    };
    if !detailed {
        return Message {
            title: NEUTRAL_TITLE.into(),
            body: "Open the app when you have a minute.".into(),
            path,
        };
    }
    let body = match (slot.kind, &slot.title) {
        (Kind::Checkin, _) => "Time for a check-in: how are you feeling?".to_string(),
        (Kind::Practice { .. }, Some(title)) => format!("{title} is due today."),
        (Kind::Practice { .. }, None) => "A practice is due today.".to_string(),
        (Kind::Session, _) => "Your session is tomorrow — your agenda is ready.".to_string(),
        (Kind::Measures, _) => "Questionnaires are due before your next session.".to_string(),
        (Kind::Review, _) => "Your progress review is due.".to_string(),
    };
    Message {
        title: "Between".into(),
        body,
        path,
    }
}
