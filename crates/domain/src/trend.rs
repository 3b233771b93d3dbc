//! Mood over time: every raw point, a smoothed line, and the one plain
//! sentence about how mood moved over a period, so the trend page, the
//! review, the agenda and home can never contradict each other.
//!
//! The smoothed line is a time-aware exponentially weighted mean of daily
//! mean mood with a half-life of 7 days (recent days count more; gaps between
//! entries weigh by elapsed days). It is warmed up on the period before, so
//! its first value is not just the first day's mood; without an earlier
//! period it starts from the mean of the period's first week.

use jiff::civil::Date;
use serde::Serialize;

/// Half-life of the smoothing, in days.
pub const HALF_LIFE_DAYS: f64 = 7.0;
/// A dip of the trend at least this deep (in mood points) is a setback.
pub const SETBACK_DEPTH: f64 = 0.8;
/// A change of the trend at least this large over the period is a direction.
pub const MEANINGFUL_CHANGE: f64 = 0.5;
/// Fewer days with a mood than this are too few to tell how mood moved.
pub const MIN_DAYS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayMood {
    pub date: Date,
    /// Mean mood of the day's entries, 1–10.
    pub mean: f64,
    pub entries: u32,
    /// The smoothed trend on that day.
    pub trend: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Improving,
    Worsening,
    #[default]
    Steady,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Setback {
    pub from: Date,
    pub to: Date,
    /// How far the trend fell from its previous high, in mood points.
    pub depth: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub days: Vec<DayMood>,
    /// The direction of the smoothed line over the period.
    pub direction: Direction,
    /// The smoothed line on the period's first and last day with a mood.
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub setbacks: Vec<Setback>,
    /// [`Movement::sentence`] and, when there were setbacks, a word on them.
    pub sentence: String,
    /// How mood moved, in numbers and words.
    #[serde(skip)]
    pub movement: Movement,
}

/// How mood moved over a period: its average against the period before and
/// the smoothed line's start and end, with one sentence saying both.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Movement {
    /// Moods recorded in the period (entries with a mood).
    pub moods: usize,
    /// Days with a mood in the period.
    pub days: usize,
    /// Mean of every mood recorded in the period, and in the period before.
    pub average: Option<f64>,
    pub previous_average: Option<f64>,
    /// The smoothed line at the period's first and last day with a mood;
    /// `None` when there are fewer than [`MIN_DAYS`] days.
    pub line_start: Option<f64>,
    pub line_end: Option<f64>,
    /// The direction of the smoothed line (steady when too few days).
    pub direction: Direction,
    /// The clause without a subject, for lists such as the agenda:
    /// "average mood 6.8, up from 6.2 the period before; the smoothed line
    /// rose from 6.0 to 6.8".
    pub summary: String,
    /// The full sentence, addressed to the person: "Your average mood was
    /// 6.8, up from 6.2 the period before; the smoothed line rose from 6.0
    /// to 6.8."
    pub sentence: String,
}

/// The trend of `(day, mood)` pairs (any order; several a day allowed),
/// with nothing known about the time before.
pub fn trend(moods: &[(Date, u8)]) -> Trend {
    trend_after(&[], moods)
}

/// The trend of a period's `(day, mood)` pairs, the smoothed line warmed up
/// on `before` (the period before it, any order) and the movement compared
/// with that period's average.
pub fn trend_after(before: &[(Date, u8)], moods: &[(Date, u8)]) -> Trend {
    let earlier = daily(before);
    let mut days = daily(moods);
    let mut previous: Option<(Date, f64)> = None;
    for day in &earlier {
        previous = Some(step(previous, day));
    }
    if previous.is_none() {
        // No history: start from the first week's mean, not one noisy day.
        if let Some(first) = days.first().map(|d| d.date) {
            let week: Vec<f64> = days
                .iter()
                .take_while(|d| days_between(first, d.date) < HALF_LIFE_DAYS as i64)
                .map(|d| d.mean)
                .collect();
            previous = Some((first, week.iter().sum::<f64>() / week.len() as f64));
        }
    }
    for day in &mut days {
        let next = step(previous, day);
        day.trend = next.1;
        previous = Some(next);
    }
    let start = days.first().map(|d| d.trend);
    let end = days.last().map(|d| d.trend);
    let setbacks = setbacks(&days);
    let movement = movement(&days, mean(moods), mean(before), moods.len());
    let mut sentence = movement.sentence.clone();
    if movement.line_start.is_some() {
        sentence.push_str(&setback_words(movement.direction, &setbacks));
    }
    Trend {
        direction: movement.direction,
        days,
        start,
        end,
        setbacks,
        sentence,
        movement,
    }
}

/// One mean per day, oldest first.
fn daily(moods: &[(Date, u8)]) -> Vec<DayMood> {
    let mut sorted: Vec<(Date, u8)> = moods.to_vec();
    sorted.sort_by_key(|(d, _)| *d);
    let mut days: Vec<DayMood> = Vec::new();
    for (date, mood) in sorted {
        match days.last_mut() {
            Some(last) if last.date == date => {
                last.mean = (last.mean * f64::from(last.entries) + f64::from(mood))
                    / f64::from(last.entries + 1);
                last.entries += 1;
            }
            _ => days.push(DayMood {
                date,
                mean: f64::from(mood),
                entries: 1,
                trend: f64::from(mood),
            }),
        }
    }
    days
}

fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// The smoothed line on `day`, from its value on an earlier day.
fn step(previous: Option<(Date, f64)>, day: &DayMood) -> (Date, f64) {
    match previous {
        None => (day.date, day.mean),
        Some((date, value)) => {
            let gap = days_between(date, day.date).max(1) as f64;
            let keep = 0.5f64.powf(gap / HALF_LIFE_DAYS);
            (day.date, keep * value + (1.0 - keep) * day.mean)
        }
    }
}

fn mean(xs: &[(Date, u8)]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().map(|(_, m)| f64::from(*m)).sum::<f64>() / xs.len() as f64)
}

/// A mood as shown: one decimal.
fn one(x: f64) -> String {
    format!("{x:.1}")
}

/// How mood moved, from the period's days (with the smoothed line), the
/// averages of this period and the one before, and the number of moods.
fn movement(
    days: &[DayMood],
    average: Option<f64>,
    previous_average: Option<f64>,
    moods: usize,
) -> Movement {
    let mut m = Movement {
        moods,
        days: days.len(),
        average,
        previous_average,
        ..Movement::default()
    };
    let Some(avg) = average else {
        m.summary = "no mood recorded".into();
        m.sentence = "There is no mood recorded in this period yet.".into();
        return m;
    };
    // Compare the averages as shown, so "up from 6.2" never reads 6.2 → 6.2.
    let (now, before) = (one(avg), previous_average.map(one));
    let average_words = match &before {
        Some(b) if avg > previous_average.unwrap_or(avg) && now != *b => {
            format!("{now}, up from {b} the period before")
        }
        Some(b) if now != *b => format!("{now}, down from {b} the period before"),
        Some(_) => format!("{now}, about the same as the period before"),
        None => now.clone(),
    };
    let average_rose = before.as_ref().is_some_and(|b| now != *b) && previous_average < average;
    let average_fell = before.as_ref().is_some_and(|b| now != *b) && previous_average > average;
    if days.len() < MIN_DAYS {
        let n = days.len();
        let days = if n == 1 { "day" } else { "days" };
        m.summary = format!(
            "average mood {average_words} (only {n} {days} with a mood: too few to tell how it moved)"
        );
        m.sentence = format!(
            "Your average mood was {average_words}. There {} only {n} {days} with a mood: too few to tell how it moved.",
            if n == 1 { "was" } else { "were" }
        );
        return m;
    }
    let (s, e) = (days[0].trend, days[days.len() - 1].trend);
    m.line_start = Some(s);
    m.line_end = Some(e);
    m.direction = if e - s >= MEANINGFUL_CHANGE {
        Direction::Improving
    } else if s - e >= MEANINGFUL_CHANGE {
        Direction::Worsening
    } else {
        Direction::Steady
    };
    let line_words = match m.direction {
        Direction::Improving => format!("the smoothed line rose from {} to {}", one(s), one(e)),
        Direction::Worsening => format!("the smoothed line fell from {} to {}", one(s), one(e)),
        Direction::Steady => format!(
            "the smoothed line stayed about level ({} at the start, {} at the end)",
            one(s),
            one(e)
        ),
    };
    // When the average and the line disagree, say so instead of hiding one.
    let (joint, coda) = match m.direction {
        Direction::Worsening if average_rose => (
            ", but ",
            ": the latest days were lower than earlier in the period",
        ),
        Direction::Improving if average_fell => (
            ", but ",
            ": the latest days were better than earlier in the period",
        ),
        _ => ("; ", ""),
    };
    m.summary = format!("average mood {average_words}{joint}{line_words}{coda}");
    m.sentence = format!("Your average mood was {average_words}{joint}{line_words}{coda}.");
    m
}

/// A word on the setbacks of the period, after the movement sentence.
fn setback_words(direction: Direction, setbacks: &[Setback]) -> String {
    let Some(worst) = setbacks.iter().max_by(|a, b| a.depth.total_cmp(&b.depth)) else {
        return String::new();
    };
    let around = worst.to.strftime("%-d %B %Y");
    if direction == Direction::Improving {
        format!(
            " There {} {} setback{} along the way (the deepest around {around}, {:.1} points), but the direction is up: setbacks are part of progress.",
            if setbacks.len() == 1 { "was" } else { "were" },
            setbacks.len(),
            if setbacks.len() == 1 { "" } else { "s" },
            worst.depth
        )
    } else {
        format!(
            " The deepest dip was around {around} ({:.1} points).",
            worst.depth
        )
    }
}

/// Stretches where the trend fell at least `SETBACK_DEPTH` below its
/// previous high, from that high to the lowest point.
fn setbacks(days: &[DayMood]) -> Vec<Setback> {
    let mut out = Vec::new();
    let Some(first) = days.first() else {
        return out;
    };
    let (mut peak, mut peak_day) = (first.trend, first.date);
    let (mut low, mut low_day) = (first.trend, first.date);
    for d in days {
        if d.trend >= peak {
            if peak - low >= SETBACK_DEPTH {
                out.push(Setback {
                    from: peak_day,
                    to: low_day,
                    depth: peak - low,
                });
            }
            peak = d.trend;
            peak_day = d.date;
            low = d.trend;
            low_day = d.date;
        } else if d.trend < low {
            low = d.trend;
            low_day = d.date;
        }
    }
    if peak - low >= SETBACK_DEPTH {
        out.push(Setback {
            from: peak_day,
            to: low_day,
            depth: peak - low,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::Span;

    fn series(values: &[u8]) -> Vec<(Date, u8)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    date(2026, 1, 1)
                        .checked_add(Span::new().days(i as i64))
                        .unwrap(),
                    *v,
                )
            })
            .collect()
    }

    #[test]
    fn a_rising_mood_with_a_dip_is_improving_with_a_named_setback() {
        let mut values: Vec<u8> = (0..40).map(|i| 3 + (i / 8) as u8).collect();
        for v in values.iter_mut().skip(20).take(10) {
            *v = 2;
        }
        let t = trend(&series(&values));
        assert_eq!(t.direction, Direction::Improving);
        assert!(!t.setbacks.is_empty());
        assert!(
            t.sentence.contains("setback") && t.sentence.contains("direction is up"),
            "{}",
            t.sentence
        );
    }

    #[test]
    fn several_entries_a_day_become_one_mean_and_the_trend_follows_the_data() {
        let mut moods = series(&[5, 5, 5, 5, 5]);
        moods.push((date(2026, 1, 1), 7));
        let t = trend(&moods);
        assert_eq!(t.days.len(), 5);
        assert_eq!((t.days[0].mean, t.days[0].entries), (6.0, 2));
        assert_eq!(t.direction, Direction::Steady);
        assert!(t.days.iter().all(|d| (1.0..=10.0).contains(&d.trend)));
    }

    /// The same values on the days just before `series` starts.
    fn before(values: &[u8]) -> Vec<(Date, u8)> {
        let n = values.len() as i64;
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    date(2026, 1, 1)
                        .checked_sub(Span::new().days(n - i as i64))
                        .unwrap(),
                    *v,
                )
            })
            .collect()
    }

    #[test]
    fn too_little_data_says_so_instead_of_claiming_a_trend() {
        let none = trend(&[]);
        assert_eq!(
            none.sentence,
            "There is no mood recorded in this period yet."
        );
        assert_eq!(none.movement.average, None);
        let two = trend_after(&before(&[5, 5]), &series(&[2, 9]));
        assert_eq!(
            two.sentence,
            "Your average mood was 5.5, up from 5.0 the period before. There were only 2 days with a mood: too few to tell how it moved."
        );
        assert_eq!(
            (two.movement.line_start, two.movement.direction),
            (None, Direction::Steady)
        );
        let one = trend(&series(&[7]));
        assert!(
            one.sentence.contains("There was only 1 day with a mood"),
            "{}",
            one.sentence
        );
    }

    #[test]
    fn a_rising_mood_names_the_higher_average_and_the_rising_line_with_numbers() {
        let t = trend_after(
            &before(&[5; 14]),
            &series(&[5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9]),
        );
        let m = &t.movement;
        assert_eq!(m.direction, Direction::Improving);
        assert_eq!((m.moods, m.days), (12, 12));
        assert_eq!(m.previous_average, Some(5.0));
        assert_eq!(
            m.sentence,
            format!(
                "Your average mood was 6.8, up from 5.0 the period before; the smoothed line rose from {:.1} to {:.1}.",
                m.line_start.unwrap(),
                m.line_end.unwrap()
            )
        );
        assert!(m.summary.starts_with(
            "average mood 6.8, up from 5.0 the period before; the smoothed line rose from"
        ));
        assert_eq!(t.sentence, m.sentence, "no setbacks, nothing added");
    }

    #[test]
    fn a_falling_mood_names_the_lower_average_and_the_falling_line() {
        let t = trend_after(
            &before(&[8; 7]),
            &series(&[8, 8, 7, 7, 6, 5, 5, 4, 4, 3, 3, 2]),
        );
        assert_eq!(t.direction, Direction::Worsening);
        assert!(
            t.sentence.starts_with("Your average mood was 5.2, down from 8.0 the period before; the smoothed line fell from 8.0 to "),
            "{}",
            t.sentence
        );
    }

    #[test]
    fn a_flat_mood_says_level_with_both_ends() {
        let t = trend(&series(&[6, 7, 6, 7, 6, 7, 6, 7, 6, 7]));
        assert_eq!(t.direction, Direction::Steady);
        assert!(
            t.sentence
                .starts_with("Your average mood was 6.5; the smoothed line stayed about level (6."),
            "{}",
            t.sentence
        );
    }

    #[test]
    fn an_average_that_rose_while_the_line_fell_says_both_honestly() {
        // A better period than the last one on average, but it ended lower.
        let period: Vec<u8> = [[9u8; 21], [3u8; 21]].concat();
        let t = trend_after(&before(&[5; 14]), &series(&period));
        let m = &t.movement;
        assert!(m.average > m.previous_average);
        assert_eq!(m.direction, Direction::Worsening);
        assert!(
            m.sentence
                .contains("up from 5.0 the period before, but the smoothed line fell from"),
            "{}",
            m.sentence
        );
        assert!(
            m.sentence
                .ends_with("the latest days were lower than earlier in the period."),
            "{}",
            m.sentence
        );
        assert!(!m.sentence.contains("rose"), "never claims the line rose");
    }

    #[test]
    fn the_line_starts_from_history_or_the_first_week_not_one_noisy_day() {
        // A single 10 on the first day does not make the line "fall from 10".
        let t = trend(&series(&[10, 6, 6, 6, 6, 6, 6, 6, 6, 6]));
        assert!(t.start.unwrap() < 7.5, "{:?}", t.start);
        // With a steady 6 before, the period starts near 6 too.
        let warmed = trend_after(&before(&[6; 21]), &series(&[10, 6, 6, 6, 6, 6]));
        assert!(warmed.start.unwrap() < 7.0, "{:?}", warmed.start);
        assert_eq!(warmed.days.len(), 6, "only the period's days are drawn");
    }

    #[test]
    fn a_falling_mood_without_history_is_called_worsening() {
        let t = trend(&series(&[8, 8, 7, 7, 6, 5, 5, 4, 4, 3, 3, 3]));
        assert_eq!(t.direction, Direction::Worsening);
        assert!(t.sentence.contains("fell"));
    }
}
