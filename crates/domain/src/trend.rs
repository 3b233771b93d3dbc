//! Mood over time: every raw point, a smoothed trend, and a plain sentence
//! about it, so progress that is real but not linear is visible and a
//! setback inside an improving trend is named as such.
//!
//! The trend is a time-aware exponentially weighted mean of daily mean mood
//! with a half-life of 7 days (gaps between entries weigh by elapsed days):
//! simple, stable on sparse data, and cheap for ten years of entries.

use jiff::civil::Date;
use serde::Serialize;

/// Half-life of the smoothing, in days.
pub const HALF_LIFE_DAYS: f64 = 7.0;
/// A dip of the trend at least this deep (in mood points) is a setback.
pub const SETBACK_DEPTH: f64 = 0.8;
/// A change of the trend at least this large over the period is a direction.
pub const MEANINGFUL_CHANGE: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DayMood {
    pub date: Date,
    /// Mean mood of the day's entries, 1–10.
    pub mean: f64,
    pub entries: u32,
    /// The smoothed trend on that day.
    pub trend: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Improving,
    Worsening,
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
    pub direction: Direction,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub setbacks: Vec<Setback>,
    pub sentence: String,
}

/// The trend of `(day, mood)` pairs (any order; several a day allowed).
pub fn trend(moods: &[(Date, u8)]) -> Trend {
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
                trend: 0.0,
            }),
        }
    }
    let mut previous: Option<(Date, f64)> = None;
    for day in &mut days {
        day.trend = match previous {
            None => day.mean,
            Some((date, value)) => {
                let gap = date
                    .until(day.date)
                    .map(|s| s.get_days())
                    .unwrap_or(1)
                    .max(1) as f64;
                let keep = 0.5f64.powf(gap / HALF_LIFE_DAYS);
                keep * value + (1.0 - keep) * day.mean
            }
        };
        previous = Some((day.date, day.trend));
    }
    let start = days.first().map(|d| d.trend);
    let end = days.last().map(|d| d.trend);
    let direction = match (start, end) {
        (Some(s), Some(e)) if e - s >= MEANINGFUL_CHANGE => Direction::Improving,
        (Some(s), Some(e)) if s - e >= MEANINGFUL_CHANGE => Direction::Worsening,
        _ => Direction::Steady,
    };
    let setbacks = setbacks(&days);
    let sentence = sentence(&days, direction, start, end, &setbacks);
    Trend {
        days,
        direction,
        start,
        end,
        setbacks,
        sentence,
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

fn sentence(
    days: &[DayMood],
    direction: Direction,
    start: Option<f64>,
    end: Option<f64>,
    setbacks: &[Setback],
) -> String {
    let (Some(s), Some(e)) = (start, end) else {
        return "There is no mood recorded in this period yet.".into();
    };
    if days.len() < 5 {
        return format!(
            "Only {} days with a mood in this period: too few to tell a trend yet.",
            days.len()
        );
    }
    let mut text = match direction {
        Direction::Improving => format!("Your mood trend rose from {s:.1} to {e:.1}."),
        Direction::Worsening => format!("Your mood trend fell from {s:.1} to {e:.1}."),
        Direction::Steady => format!("Your mood trend stayed about level, near {e:.1}."),
    };
    if let Some(worst) = setbacks.iter().max_by(|a, b| a.depth.total_cmp(&b.depth)) {
        let around = worst.to.strftime("%-d %B %Y");
        if direction == Direction::Improving {
            text.push_str(&format!(
                " There were {} setback{} along the way (the deepest around {around}, {:.1} points), but the direction is up: setbacks are part of progress.",
                setbacks.len(),
                if setbacks.len() == 1 { "" } else { "s" },
                worst.depth
            ));
        } else {
            text.push_str(&format!(
                " The deepest dip was around {around} ({:.1} points).",
                worst.depth
            ));
        }
    }
    text
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

    #[test]
    fn too_little_data_says_so_instead_of_claiming_a_trend() {
        assert!(trend(&[]).sentence.contains("no mood"));
        assert!(trend(&series(&[2, 9])).sentence.contains("too few"));
    }

    #[test]
    fn a_falling_mood_is_called_worsening() {
        let t = trend(&series(&[8, 8, 7, 7, 6, 5, 5, 4, 4, 3, 3, 3]));
        assert_eq!(t.direction, Direction::Worsening);
        assert!(t.sentence.contains("fell"));
    }
}
