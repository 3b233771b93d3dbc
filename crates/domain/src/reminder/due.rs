//! When a plan's reminders come: each item's local times on its days,
//! turned into instants in the person's zone. A time that a DST change
//! skips comes at the same offset after the gap (02:30 on a spring-forward
//! night is 03:30); a time that happens twice comes once, the first time.
//! Nothing comes in quiet hours or on quiet days.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use uuid::Uuid;

use super::plan::Plan;
use super::rule::Kind;

/// At most this many days are looked at for one window.
pub const MAX_WINDOW_DAYS: i64 = 62;

/// One reminder to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// The item (reminder) it belongs to.
    pub reminder: Uuid,
    pub kind: Kind,
    pub title: Option<String>,
    /// The local date and time it was set for.
    pub local: DateTime,
    /// When it comes.
    pub at: Timestamp,
}

impl Slot {
    /// Unique per reminder and local time: the key a delivery is claimed
    /// under, so it is sent at most once.
    pub fn key(&self) -> String {
        format!("{}/{}", self.reminder, self.local)
    }
}

/// Every slot with `after < at <= until`, ordered by time then reminder.
/// Windows longer than [`MAX_WINDOW_DAYS`] are cut to that length.
pub fn slots(plan: &Plan, after: Timestamp, until: Timestamp) -> Vec<Slot> {
    let tz = crate::zone::get(&plan.zone).unwrap_or(TimeZone::UTC);
    let mut out = Vec::new();
    if until <= after {
        return out;
    }
    // A local date can hold instants a day away from the UTC date, so look
    // a day either side; the instant test below keeps only the window.
    let first = local_date(&tz, after)
        .yesterday()
        .unwrap_or(local_date(&tz, after));
    let last_wanted = local_date(&tz, until)
        .tomorrow()
        .unwrap_or(local_date(&tz, until));
    let last = first
        .checked_add(Span::new().days(MAX_WINDOW_DAYS))
        .map(|cap| cap.min(last_wanted))
        .unwrap_or(last_wanted);
    let mut date = first;
    while date <= last {
        for item in &plan.items {
            if !item.days.includes(date) {
                continue;
            }
            for time in &item.times {
                let local = date.to_datetime(*time);
                if plan.quiet.contains(local) {
                    continue;
                }
                let Ok(at) = tz.to_ambiguous_timestamp(local).compatible() else {
                    continue;
                };
                if at > after && at <= until {
                    out.push(Slot {
                        reminder: item.id,
                        kind: item.kind,
                        title: item.title.clone(),
                        local,
                        at,
                    });
                }
            }
        }
        match date.tomorrow() {
            Ok(next) => date = next,
            Err(_) => break,
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.reminder.cmp(&b.reminder)));
    // A time listed twice is still one slot.
    out.dedup_by(|a, b| a.reminder == b.reminder && a.local == b.local);
    out
}

/// The first slot after `after`, looking `days` ahead (at most
/// [`MAX_WINDOW_DAYS`]); `None` when nothing comes in that time.
pub fn next_after(plan: &Plan, after: Timestamp, days: i64) -> Option<Slot> {
    let until = after
        .checked_add(Span::new().hours(24 * days.clamp(1, MAX_WINDOW_DAYS - 2)))
        .ok()?;
    slots(plan, after, until).into_iter().next()
}

fn local_date(tz: &TimeZone, at: Timestamp) -> Date {
    at.to_zoned(tz.clone()).date()
}
