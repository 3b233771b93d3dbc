//! Adherence, streaks and "due today" for a practice, from the local days
//! on which it was logged. Streaks count scheduled occurrences, not calendar
//! days: a Mon/Wed/Fri practice done every Mon/Wed/Fri has an unbroken
//! streak. An occurrence today that is not done yet is pending, never a miss.

use jiff::civil::Date;
use jiff::Span;
use serde::Serialize;

use super::schedule::{week_start, Schedule};

/// When a practice applies: its schedule and its first and last days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub schedule: Schedule,
    pub start: Date,
    pub end: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stats {
    /// Occurrences that were due in the window (for per-week: the weekly
    /// targets of the weeks in it).
    pub scheduled: u32,
    /// Of those, how many were done (capped per occurrence).
    pub done: u32,
    /// done / scheduled; `None` when nothing was due yet.
    pub adherence: Option<f64>,
    pub current_streak: u32,
    /// The longest run of done occurrences (weeks, for per-week) ever.
    pub longest_streak: u32,
    /// The longest run within `[from, to]` (what a review of a period shows).
    pub longest_in_window: u32,
    /// Due today (or, for per-week, this week) and not done yet.
    pub due_today: bool,
    pub done_today: bool,
    /// A one-off practice whose date has passed undone.
    pub overdue: bool,
}

/// Statistics of `plan` over the local days `[from, to]`, given the local
/// days it was logged on (any order, duplicates allowed) and today.
pub fn stats(plan: &Plan, logs: &[Date], from: Date, to: Date, today: Date) -> Stats {
    // Logs after today cannot count yet (the app refuses them anyway).
    let mut days: Vec<Date> = logs.iter().copied().filter(|d| *d <= today).collect();
    days.sort();
    days.dedup();
    let logged = |d: Date| days.binary_search(&d).is_ok();
    let last_day = [Some(today), plan.end]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(today);
    let done_today = logged(today);
    match &plan.schedule {
        Schedule::Rule { .. } => {
            // All occurrences up to today, for streaks; the window for adherence.
            let all: Vec<Date> = plan
                .schedule
                .occurrences(plan.start, plan.start, last_day)
                .into_iter()
                .filter(|d| *d < today || logged(*d))
                .collect();
            let in_window: Vec<&Date> = all.iter().filter(|d| **d >= from && **d <= to).collect();
            let done = in_window.iter().filter(|d| logged(***d)).count() as u32;
            let (current, longest) = runs(all.iter().map(|d| logged(*d)));
            let (_, longest_in_window) = runs(in_window.iter().map(|d| logged(**d)));
            let due_today = !done_today
                && plan.start <= today
                && plan.end.is_none_or(|e| today <= e)
                && plan
                    .schedule
                    .occurrences(plan.start, today, today)
                    .contains(&today);
            finish(
                in_window.len() as u32,
                done,
                (current, longest, longest_in_window),
                due_today,
                done_today,
                false,
            )
        }
        Schedule::PerWeek { times } => {
            per_week(plan, u32::from(*times), &days, from, to, today, last_day)
        }
        Schedule::Once { by } => {
            // The occurrence is the day it was done, or its date while undone.
            let done_on = days.iter().find(|d| **d >= plan.start && *d <= by).copied();
            let occurrence = done_on.unwrap_or(*by);
            let counted = done_on.is_some() || *by < today;
            let in_window = counted && occurrence >= from && occurrence <= to;
            let scheduled = u32::from(in_window);
            let done = u32::from(in_window && done_on.is_some());
            let streak = u32::from(done_on.is_some());
            let due_today = done_on.is_none() && plan.start <= today && today <= *by;
            finish(
                scheduled,
                done,
                (streak, streak, streak.min(u32::from(in_window))),
                due_today,
                done_today,
                done_on.is_none() && *by < today,
            )
        }
    }
}

/// `streaks`: (current, longest ever, longest within the window).
fn finish(
    scheduled: u32,
    done: u32,
    (current, longest, longest_in_window): (u32, u32, u32),
    due_today: bool,
    done_today: bool,
    overdue: bool,
) -> Stats {
    Stats {
        scheduled,
        done,
        adherence: (scheduled > 0).then(|| f64::from(done) / f64::from(scheduled)),
        current_streak: current,
        longest_streak: longest,
        longest_in_window,
        due_today,
        done_today,
        overdue,
    }
}

/// (trailing run of `true`, longest run of `true`).
fn runs(values: impl Iterator<Item = bool>) -> (u32, u32) {
    let (mut current, mut longest) = (0u32, 0u32);
    for v in values {
        current = if v { current + 1 } else { 0 };
        longest = longest.max(current);
    }
    (current, longest)
}

fn per_week(
    plan: &Plan,
    times: u32,
    days: &[Date],
    from: Date,
    to: Date,
    today: Date,
    last_day: Date,
) -> Stats {
    let mut scheduled = 0;
    let mut done = 0;
    let mut results = Vec::new();
    let mut in_window = Vec::new();
    let mut due_today = false;
    let mut week = week_start(plan.start);
    while week <= last_day {
        let sunday = week.checked_add(Span::new().days(6)).unwrap_or(week);
        let first = week.max(plan.start);
        let last = sunday.min(plan.end.unwrap_or(sunday));
        let available =
            u32::try_from(last.since(first).map(|s| s.get_days() + 1).unwrap_or(0)).unwrap_or(0);
        let target = times.min(available);
        let done_here = days.iter().filter(|d| **d >= first && **d <= last).count() as u32;
        let ended = sunday < today || plan.end.is_some_and(|e| e < today && e <= sunday);
        let achieved = done_here.min(target);
        // A running week counts only what is already done: it cannot be missed yet.
        let (week_scheduled, success) = if ended {
            (target, done_here >= target)
        } else {
            (achieved, done_here >= target)
        };
        if sunday >= from && week <= to {
            scheduled += week_scheduled;
            done += achieved.min(week_scheduled);
        }
        if ended || success {
            results.push(success);
            if sunday >= from && week <= to {
                in_window.push(success);
            }
        }
        if !ended && week <= today && today <= sunday {
            due_today = done_here < target;
        }
        week = week.checked_add(Span::new().weeks(1)).unwrap_or(sunday);
    }
    let (current, longest) = runs(results.into_iter());
    let (_, longest_in_window) = runs(in_window.into_iter());
    let done_today = days.binary_search(&today).is_ok();
    finish(
        scheduled,
        done,
        (current, longest, longest_in_window),
        due_today && !done_today,
        done_today,
        false,
    )
}

/// How one day looks on a practice's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayState {
    /// Done (logged) that day.
    Done,
    /// Due and not done, and the day is over.
    Missed,
    /// Due today, not done yet.
    Pending,
    /// Not a scheduled day (or any day, for per-week practices), not done.
    Free,
    /// Before the start, after the end, or in the future.
    Outside,
}

/// The state of every day in `[from, to]`.
pub fn calendar(
    plan: &Plan,
    logs: &[Date],
    from: Date,
    to: Date,
    today: Date,
) -> Vec<(Date, DayState)> {
    let scheduled: Vec<Date> = match &plan.schedule {
        Schedule::Rule { .. } => plan.schedule.occurrences(plan.start, from, to),
        Schedule::Once { by } => vec![*by],
        Schedule::PerWeek { .. } => Vec::new(),
    };
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        let outside = d < plan.start || plan.end.is_some_and(|e| d > e) || d > today;
        let state = if logs.contains(&d) && !outside {
            DayState::Done
        } else if outside {
            DayState::Outside
        } else if scheduled.contains(&d) {
            if d < today {
                DayState::Missed
            } else {
                DayState::Pending
            }
        } else {
            DayState::Free
        };
        out.push((d, state));
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    out
}

#[cfg(test)]
mod calendar_tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn each_day_shows_done_missed_pending_free_or_outside() {
        let plan = Plan {
            schedule: Schedule::Rule {
                rrule: "FREQ=WEEKLY;BYDAY=MO,WE,FR".into(),
            },
            start: date(2026, 3, 3),
            end: None,
        };
        let days = calendar(
            &plan,
            &[date(2026, 3, 4), date(2026, 3, 7)],
            date(2026, 3, 2),
            date(2026, 3, 10),
            date(2026, 3, 9),
        );
        let states: Vec<DayState> = days.iter().map(|(_, s)| *s).collect();
        use DayState::*;
        assert_eq!(
            states,
            vec![Outside, Free, Done, Free, Missed, Done, Free, Pending, Outside]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn weekly(days: &str) -> Schedule {
        Schedule::Rule {
            rrule: format!("FREQ=WEEKLY;BYDAY={days}"),
        }
    }

    fn plan(schedule: Schedule, start: Date) -> Plan {
        Plan {
            schedule,
            start,
            end: None,
        }
    }

    #[test]
    fn a_mon_wed_fri_practice_done_on_those_days_has_an_unbroken_streak() {
        // Mon 2 March 2026 to Fri 13 March: six occurrences, all done.
        let p = plan(weekly("MO,WE,FR"), date(2026, 3, 2));
        let logs = [
            date(2026, 3, 2),
            date(2026, 3, 4),
            date(2026, 3, 6),
            date(2026, 3, 9),
            date(2026, 3, 11),
            date(2026, 3, 13),
        ];
        let s = stats(
            &p,
            &logs,
            date(2026, 3, 2),
            date(2026, 3, 14),
            date(2026, 3, 14),
        );
        assert_eq!(
            (s.scheduled, s.done, s.current_streak, s.longest_streak),
            (6, 6, 6, 6)
        );
        assert_eq!(s.adherence, Some(1.0));
    }

    #[test]
    fn the_longest_streak_of_a_window_counts_only_days_in_it() {
        // Daily from 1 March: done 1–10, missed 11, done 12–14.
        let p = plan(
            Schedule::Rule {
                rrule: "FREQ=DAILY".into(),
            },
            date(2026, 3, 1),
        );
        let mut logs: Vec<Date> = (1..=10).map(|d| date(2026, 3, d)).collect();
        logs.extend((12..=14).map(|d| date(2026, 3, d)));
        let s = stats(
            &p,
            &logs,
            date(2026, 3, 9),
            date(2026, 3, 14),
            date(2026, 3, 14),
        );
        assert_eq!(s.longest_streak, 10, "ever");
        assert_eq!(s.longest_in_window, 3, "9–10 is two, 12–14 is three");
        let weekly = plan(Schedule::PerWeek { times: 2 }, date(2026, 3, 2));
        let logs = [
            date(2026, 3, 2),
            date(2026, 3, 3),
            date(2026, 3, 9),
            date(2026, 3, 10),
        ];
        let s = stats(
            &weekly,
            &logs,
            date(2026, 3, 9),
            date(2026, 3, 15),
            date(2026, 3, 16),
        );
        assert_eq!((s.longest_streak, s.longest_in_window), (2, 1));
    }

    #[test]
    fn a_missed_occurrence_breaks_the_streak_and_lowers_adherence() {
        let p = plan(weekly("MO,WE,FR"), date(2026, 3, 2));
        let logs = [
            date(2026, 3, 2),
            date(2026, 3, 4),
            date(2026, 3, 9),
            date(2026, 3, 11),
        ];
        let s = stats(
            &p,
            &logs,
            date(2026, 3, 2),
            date(2026, 3, 12),
            date(2026, 3, 12),
        );
        assert_eq!(
            (s.scheduled, s.done, s.current_streak, s.longest_streak),
            (5, 4, 2, 2)
        );
    }

    #[test]
    fn today_not_yet_done_is_pending_not_missed() {
        let p = plan(
            Schedule::Rule {
                rrule: "FREQ=DAILY".into(),
            },
            date(2026, 3, 1),
        );
        let logs = [date(2026, 3, 1), date(2026, 3, 2)];
        let s = stats(
            &p,
            &logs,
            date(2026, 3, 1),
            date(2026, 3, 3),
            date(2026, 3, 3),
        );
        assert_eq!((s.scheduled, s.current_streak), (2, 2));
        assert!(s.due_today && !s.done_today);
        let s = stats(
            &p,
            &[date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)],
            date(2026, 3, 1),
            date(2026, 3, 3),
            date(2026, 3, 3),
        );
        assert_eq!((s.scheduled, s.current_streak), (3, 3));
        assert!(!s.due_today && s.done_today);
    }

    #[test]
    fn per_week_counts_min_done_and_target_per_week() {
        // 3 a week from Mon 2 March; week 1: 4 done (counts 3), week 2: 1 done.
        let p = plan(Schedule::PerWeek { times: 3 }, date(2026, 3, 2));
        let logs = [
            date(2026, 3, 2),
            date(2026, 3, 3),
            date(2026, 3, 4),
            date(2026, 3, 5),
            date(2026, 3, 12),
        ];
        let s = stats(
            &p,
            &logs,
            date(2026, 3, 2),
            date(2026, 3, 15),
            date(2026, 3, 16),
        );
        assert_eq!((s.scheduled, s.done), (6, 4));
        assert_eq!((s.current_streak, s.longest_streak), (0, 1));
        // During a running week only what is done counts.
        let s = stats(
            &p,
            &logs[..1],
            date(2026, 3, 2),
            date(2026, 3, 8),
            date(2026, 3, 3),
        );
        assert_eq!((s.scheduled, s.done, s.adherence), (1, 1, Some(1.0)));
        assert!(s.due_today);
    }

    #[test]
    fn a_one_off_practice_is_overdue_after_its_date() {
        let p = Plan {
            schedule: Schedule::Once {
                by: date(2026, 3, 10),
            },
            start: date(2026, 3, 1),
            end: Some(date(2026, 3, 10)),
        };
        let s = stats(
            &p,
            &[],
            date(2026, 3, 1),
            date(2026, 3, 31),
            date(2026, 3, 5),
        );
        assert!(s.due_today && !s.overdue && s.adherence.is_none());
        let s = stats(
            &p,
            &[],
            date(2026, 3, 1),
            date(2026, 3, 31),
            date(2026, 3, 11),
        );
        assert!(s.overdue && s.adherence == Some(0.0));
        let s = stats(
            &p,
            &[date(2026, 3, 7)],
            date(2026, 3, 1),
            date(2026, 3, 31),
            date(2026, 3, 11),
        );
        assert_eq!((s.done, s.adherence, s.overdue), (1, Some(1.0), false));
    }

    #[test]
    fn nothing_is_due_before_the_start_or_after_the_end() {
        let p = Plan {
            schedule: Schedule::Rule {
                rrule: "FREQ=DAILY".into(),
            },
            start: date(2026, 3, 10),
            end: Some(date(2026, 3, 12)),
        };
        let s = stats(
            &p,
            &[],
            date(2026, 3, 1),
            date(2026, 3, 31),
            date(2026, 3, 20),
        );
        assert_eq!(s.scheduled, 3);
        assert!(!s.due_today);
    }
}
