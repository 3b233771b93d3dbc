//! The calendar as iCalendar (RFC 5545): appointments as timed events in
//! UTC, practices as all-day events with their RRULE, reminders as VALARMs.
//! Titles are neutral unless the person chose detailed ones: a calendar is
//! often seen by others.

use between_app::calendar::CalendarData;
use between_domain::appointment::Status;
use between_domain::practice::schedule::{week_start, Schedule};
use chrono::{NaiveDate, TimeZone, Utc};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, EventStatus};
use jiff::civil::Date;

fn utc(t: jiff::Timestamp) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(t.as_second(), 0)
        .single()
        .unwrap_or_default()
}

fn naive(d: Date) -> NaiveDate {
    NaiveDate::from_ymd_opt(i32::from(d.year()), d.month() as u32, d.day() as u32)
        .unwrap_or_default()
}

fn until(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// The whole calendar as an `.ics` document.
pub fn render(data: &CalendarData, host: &str, now: jiff::Timestamp) -> String {
    let mut cal = Calendar::new();
    cal.name(if data.prefs.detailed {
        "Between"
    } else {
        "Calendar"
    });
    for a in &data.appointments {
        let summary = if data.prefs.detailed {
            if a.details.with.is_empty() {
                "Therapy appointment".to_string()
            } else {
                format!("Therapy with {}", a.details.with)
            }
        } else {
            "Appointment".to_string()
        };
        let mut event = Event::new();
        event
            .uid(&format!("appointment-{}@{host}", a.id))
            .summary(&summary)
            .starts(utc(a.starts_at))
            .ends(utc(a.ends_at()));
        if data.prefs.detailed && !a.details.place.is_empty() {
            event.location(&a.details.place);
        }
        if a.details.status == Status::Cancelled {
            event.status(EventStatus::Cancelled);
        } else {
            event.alarm(Alarm::display(&summary, -chrono::Duration::hours(1)));
        }
        cal.push(event.done());
    }
    for (id, p) in &data.practices {
        let summary = if data.prefs.detailed {
            p.title.clone()
        } else {
            "Practice".to_string()
        };
        let mut event = Event::new();
        event
            .uid(&format!("practice-{id}@{host}"))
            .summary(&summary);
        let end = p
            .end
            .map(|e| format!(";UNTIL={}", until(e)))
            .unwrap_or_default();
        match &p.schedule {
            Schedule::Rule { rrule } => {
                event.all_day(naive(p.start));
                event.add_property("RRULE", format!("{rrule}{end}"));
            }
            Schedule::PerWeek { times } => {
                // Not expressible in RFC 5545: a weekly reminder on Mondays.
                event.all_day(naive(week_start(p.start)));
                event.add_property("RRULE", format!("FREQ=WEEKLY;BYDAY=MO{end}"));
                if data.prefs.detailed {
                    event.description(&match times {
                        1 => "Once this week, on any day".to_string(),
                        n => format!("{n} times this week, on any days"),
                    });
                }
            }
            Schedule::Once { by } => {
                event.all_day(naive(*by));
            }
        }
        if p.archived {
            event.status(EventStatus::Cancelled);
        }
        // 09:00 on the day (all-day events start at local midnight).
        event.alarm(Alarm::display(&summary, chrono::Duration::hours(9)));
        cal.push(event.done());
    }
    if data.prefs.journal_reminder {
        let mut event = Event::new();
        event
            .uid(&format!("journal-reminder@{host}"))
            .summary(if data.prefs.detailed {
                "Write in my journal"
            } else {
                "Reminder"
            })
            .all_day(naive(now.to_zoned(jiff::tz::TimeZone::UTC).date()))
            .add_property("RRULE", "FREQ=DAILY")
            .alarm(Alarm::display("Reminder", chrono::Duration::hours(20)));
        cal.push(event.done());
    }
    cal.done().to_string()
}
