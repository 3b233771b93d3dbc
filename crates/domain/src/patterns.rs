//! Patterns in the journal: which triggers go with which feelings and mood,
//! and when mood is higher or lower. Findings need enough data and a large
//! enough difference; otherwise the page says what it still needs. A feeling
//! not recorded in an entry is missing, not 0.

use jiff::civil::Weekday;
use serde::Serialize;

use crate::tracker::{fmt, Tracker, TrackerKind};
use crate::words::plural;

/// Entries needed with a trigger before anything is claimed about it.
pub const MIN_ENTRIES: usize = 3;
/// Differences smaller than this (Cohen's d) are not findings.
pub const MIN_EFFECT: f64 = 0.5;
/// Or, for how often a feeling is recorded, at least this difference in rate.
pub const MIN_RATE_DIFFERENCE: f64 = 0.3;

/// What patterns look at in one entry (the person's local time).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryFacts {
    pub weekday: Weekday,
    pub hour: i8,
    pub mood: Option<u8>,
    pub feelings: Vec<(String, u8)>,
    pub triggers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// e.g. "trigger_feeling", "trigger_mood", "when_mood", "tracker_mood".
    pub kind: &'static str,
    pub subject: String,
    pub entries: usize,
    /// Cohen's d, or the difference in rate for how often a feeling appears.
    pub effect: f64,
    pub sentence: String,
    /// Words that find the entries behind it with the journal's search.
    pub search: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Patterns {
    pub findings: Vec<Finding>,
    /// What more data would let the page tell (e.g. "2 more entries with *sleep*").
    pub needs: Vec<String>,
}

/// The groups the patterns page shows findings in, in its order:
/// (id, heading, the finding kinds in it).
pub const GROUPS: [(&str, &str, &[&str]); 5] = [
    ("triggers", "Triggers", &["trigger_feeling", "trigger_mood"]),
    ("trackers", "Sleep and other trackers", &["tracker_mood"]),
    ("when", "When", &["when_mood", "when_feeling"]),
    ("helps", "What helps", &["what_helps"]),
    ("together", "Feelings that come together", &["co_occurring"]),
];

/// Findings by group (see [`GROUPS`]), each group's strongest first;
/// empty groups are left out. Effects are compared only within a kind's
/// group, where they mean the same thing.
pub fn grouped(findings: &[Finding]) -> Vec<(&'static str, &'static str, Vec<&Finding>)> {
    GROUPS
        .iter()
        .filter_map(|(id, heading, kinds)| {
            let mut these: Vec<&Finding> = findings
                .iter()
                .filter(|f| kinds.contains(&f.kind))
                .collect();
            these.sort_by(|a, b| b.effect.total_cmp(&a.effect));
            (!these.is_empty()).then_some((*id, *heading, these))
        })
        .collect()
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Cohen's d with a pooled standard deviation; `None` without two values a side.
fn cohens_d(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let (ma, mb) = (mean(a)?, mean(b)?);
    let var = |xs: &[f64], m: f64| {
        xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64
    };
    let pooled = (((a.len() - 1) as f64 * var(a, ma) + (b.len() - 1) as f64 * var(b, mb))
        / (a.len() + b.len() - 2) as f64)
        .sqrt();
    if pooled < 1e-9 {
        // No spread: any difference is the whole story.
        return Some(if (ma - mb).abs() < 1e-9 {
            0.0
        } else {
            (ma - mb).signum() * 10.0
        });
    }
    Some((ma - mb) / pooled)
}

/// Running count, sum and sum of squares: one pass gives mean and variance.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    n: usize,
    sum: f64,
    sumsq: f64,
}

impl Sums {
    fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        self.sumsq += x * x;
    }

    fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// The sample variance (n − 1).
    fn var(&self) -> f64 {
        ((self.sumsq - self.sum * self.sum / self.n as f64) / (self.n - 1) as f64).max(0.0)
    }

    /// Cohen's d of `self` against `other`, as [`cohens_d`].
    fn cohens_d(&self, other: &Sums) -> Option<f64> {
        if self.n < 2 || other.n < 2 {
            return None;
        }
        let (ma, mb) = (self.mean()?, other.mean()?);
        let pooled = (((self.n - 1) as f64 * self.var() + (other.n - 1) as f64 * other.var())
            / (self.n + other.n - 2) as f64)
            .sqrt();
        if pooled < 1e-6 {
            return Some(if (ma - mb).abs() < 1e-9 {
                0.0
            } else {
                (ma - mb).signum() * 10.0
            });
        }
        Some((ma - mb) / pooled)
    }
}

/// Entries' feelings as indices into one list of names (in order of first
/// appearance, each feeling once per entry), so statistics take one pass
/// over the entries per group rather than one per feeling.
struct Indexed<'a> {
    names: Vec<&'a str>,
    feelings: Vec<Vec<(usize, u8)>>,
}

impl<'a> Indexed<'a> {
    fn new(entries: &'a [EntryFacts]) -> Indexed<'a> {
        let mut names: Vec<&'a str> = Vec::new();
        let mut lookup: std::collections::HashMap<&'a str, usize> = Default::default();
        let feelings = entries
            .iter()
            .map(|e| {
                let mut fs: Vec<(usize, u8)> = Vec::with_capacity(e.feelings.len());
                for (name, intensity) in &e.feelings {
                    let next = names.len();
                    let f = *lookup.entry(name.as_str()).or_insert(next);
                    if f == next {
                        names.push(name);
                    }
                    if !fs.iter().any(|(g, _)| *g == f) {
                        fs.push((f, *intensity));
                    }
                }
                fs
            })
            .collect();
        Indexed { names, feelings }
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Mondays",
        Weekday::Tuesday => "Tuesdays",
        Weekday::Wednesday => "Wednesdays",
        Weekday::Thursday => "Thursdays",
        Weekday::Friday => "Fridays",
        Weekday::Saturday => "Saturdays",
        Weekday::Sunday => "Sundays",
    }
}

/// All patterns in `entries`, strongest first.
pub fn patterns(entries: &[EntryFacts]) -> Patterns {
    let mut findings = Vec::new();
    let mut needs = Vec::new();
    let mut triggers: Vec<String> = Vec::new();
    for e in entries {
        for t in &e.triggers {
            if !triggers.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                triggers.push(t.clone());
            }
        }
    }
    let ix = Indexed::new(entries);
    let nf = ix.names.len();
    for trigger in &triggers {
        let has = |e: &EntryFacts| e.triggers.iter().any(|t| t.eq_ignore_ascii_case(trigger));
        let (mut with_n, mut without_n) = (0usize, 0usize);
        let (mut fw, mut fo) = (vec![Sums::default(); nf], vec![Sums::default(); nf]);
        let (mut mood_w, mut mood_o) = (Sums::default(), Sums::default());
        for (k, e) in entries.iter().enumerate() {
            let (n, sums, mood) = if has(e) {
                (&mut with_n, &mut fw, &mut mood_w)
            } else {
                (&mut without_n, &mut fo, &mut mood_o)
            };
            *n += 1;
            for (f, i) in &ix.feelings[k] {
                sums[*f].add(f64::from(*i));
            }
            if let Some(m) = e.mood {
                mood.add(f64::from(m));
            }
        }
        if with_n < MIN_ENTRIES {
            needs.push(format!(
                "{} more {} with *{trigger}* to tell",
                MIN_ENTRIES - with_n,
                if MIN_ENTRIES - with_n == 1 {
                    "entry"
                } else {
                    "entries"
                }
            ));
            continue;
        }
        if without_n < MIN_ENTRIES {
            continue;
        }
        for (f, feeling) in ix.names.iter().enumerate() {
            let (iw, io) = (&fw[f], &fo[f]);
            if let (Some(d), Some(mw), Some(mo)) = (iw.cohens_d(io), iw.mean(), io.mean()) {
                if d >= MIN_EFFECT && iw.n >= MIN_ENTRIES {
                    findings.push(Finding {
                        kind: "trigger_feeling",
                        subject: format!("{trigger} → {feeling}"),
                        search: Some(format!("{trigger} {feeling}")),
                        entries: with_n,
                        effect: d,
                        sentence: format!("After *{trigger}* ({}) you felt *{feeling}* at {mw:.1} on average, vs {mo:.1} otherwise.", plural(with_n, "entry", "entries")),
                    });
                    continue;
                }
            }
            let (rw, ro) = (iw.n as f64 / with_n as f64, io.n as f64 / without_n as f64);
            if rw - ro >= MIN_RATE_DIFFERENCE && iw.n >= MIN_ENTRIES {
                findings.push(Finding {
                    kind: "trigger_feeling",
                    subject: format!("{trigger} → {feeling}"),
                    search: Some(format!("{trigger} {feeling}")),
                    entries: with_n,
                    effect: rw - ro,
                    sentence: format!(
                        "In entries with *{trigger}* you recorded *{feeling}* {} than in others: {} of {with_n}, against {} of {without_n}.",
                        if rw >= 2.0 * ro { "much more often" } else { "more often" },
                        iw.n,
                        io.n
                    ),
                });
            }
        }
        if let (Some(d), Some(a), Some(b)) =
            (mood_w.cohens_d(&mood_o), mood_w.mean(), mood_o.mean())
        {
            if d.abs() >= MIN_EFFECT && mood_w.n >= MIN_ENTRIES {
                findings.push(Finding {
                    kind: "trigger_mood",
                    subject: trigger.clone(),
                    search: Some(trigger.clone()),
                    entries: mood_w.n,
                    effect: d.abs(),
                    sentence: format!("On entries with *{trigger}* ({}) your mood was {a:.1} on average, vs {b:.1} otherwise.", plural(mood_w.n, "entry", "entries")),
                });
            }
        }
    }
    findings.extend(when(entries, &ix));
    findings.sort_by(|a, b| b.effect.total_cmp(&a.effect));
    if entries.len() < MIN_ENTRIES * 3 {
        needs.insert(
            0,
            format!(
                "{} with feelings and triggers before patterns show",
                plural(
                    MIN_ENTRIES * 3 - entries.len(),
                    "more entry",
                    "more entries"
                )
            ),
        );
    }
    Patterns { findings, needs }
}

/// Parts of the day, in the person's local time.
pub const TIMES_OF_DAY: [(&str, i8, i8); 4] = [
    ("at night", 0, 6),
    ("in the mornings", 6, 12),
    ("in the afternoons", 12, 18),
    ("in the evenings", 18, 24),
];

/// When: mood and feelings by weekday and by time of day, each bucket
/// compared with all other times.
fn when(entries: &[EntryFacts], ix: &Indexed) -> Vec<Finding> {
    type Inside = Box<dyn Fn(&EntryFacts) -> bool>;
    let mut buckets: Vec<(String, &str, Inside)> = Vec::new();
    for day in [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ] {
        buckets.push((
            format!("On {}", weekday_name(day)),
            "on other days",
            Box::new(move |e: &EntryFacts| e.weekday == day),
        ));
    }
    for (label, from, to) in TIMES_OF_DAY {
        let mut phrase = label.to_string();
        if let Some(first) = phrase.get(0..1) {
            phrase = first.to_uppercase() + &phrase[1..];
        }
        buckets.push((
            phrase,
            "at other times",
            Box::new(move |e: &EntryFacts| (from..to).contains(&e.hour)),
        ));
    }
    let nf = ix.names.len();
    let mut out = Vec::new();
    for (phrase, otherwise, inside) in &buckets {
        let (mut fon, mut foff) = (vec![Sums::default(); nf], vec![Sums::default(); nf]);
        let (mut mon, mut moff) = (Sums::default(), Sums::default());
        for (k, e) in entries.iter().enumerate() {
            let (sums, mood) = if inside(e) {
                (&mut fon, &mut mon)
            } else {
                (&mut foff, &mut moff)
            };
            for (f, i) in &ix.feelings[k] {
                sums[*f].add(f64::from(*i));
            }
            if let Some(m) = e.mood {
                mood.add(f64::from(m));
            }
        }
        if mon.n >= MIN_ENTRIES * 2 {
            if let (Some(d), Some(a), Some(b)) = (mon.cohens_d(&moff), mon.mean(), moff.mean()) {
                if d.abs() >= MIN_EFFECT {
                    out.push(Finding {
                        kind: "when_mood",
                        subject: phrase.clone(),
                        search: None,
                        entries: mon.n,
                        effect: d.abs(),
                        sentence: format!(
                            "{phrase} your mood is {a:.1} on average, vs {b:.1} {otherwise}."
                        ),
                    });
                }
            }
        }
        for (f, feeling) in ix.names.iter().enumerate() {
            let (ion, ioff) = (&fon[f], &foff[f]);
            if ion.n < MIN_ENTRIES * 2 {
                continue;
            }
            if let (Some(d), Some(a), Some(b)) = (ion.cohens_d(ioff), ion.mean(), ioff.mean()) {
                if d >= MIN_EFFECT {
                    out.push(Finding {
                        kind: "when_feeling",
                        subject: format!("{phrase} → {feeling}"),
                        search: Some(feeling.to_string()),
                        entries: ion.n,
                        effect: d,
                        sentence: format!(
                            "{phrase} you felt *{feeling}* at {a:.1} on average, vs {b:.1} {otherwise}."
                        ),
                    });
                }
            }
        }
    }
    out
}

/// How a tracker's readings divide into low and high: each bound with
/// whether it is itself included.
struct Split {
    low: (f64, bool),
    high: (f64, bool),
    low_label: String,
    high_label: String,
}

impl Split {
    fn is_low(&self, v: f64) -> bool {
        v < self.low.0 || (self.low.1 && v == self.low.0)
    }

    fn is_high(&self, v: f64) -> bool {
        v > self.high.0 || (self.high.1 && v == self.high.0)
    }
}

/// Tracker → mood: mood on days with a tracker's low readings vs its high
/// ones (without vs with, for yes/no). A day's reading goes with that day's
/// mood, so sleep is recorded on the day after the night.
pub fn tracker_mood(
    day_moods: &[(jiff::civil::Date, f64)],
    tracker: &Tracker,
    readings: &[(jiff::civil::Date, f64)],
) -> Patterns {
    let name = &tracker.name;
    let mut out = Patterns {
        findings: Vec::new(),
        needs: Vec::new(),
    };
    let paired: Vec<(f64, f64)> = readings
        .iter()
        .filter_map(|(d, v)| {
            day_moods
                .binary_search_by(|(x, _)| x.cmp(d))
                .ok()
                .map(|i| (*v, day_moods[i].1))
        })
        .collect();
    if paired.len() < MIN_ENTRIES * 2 {
        out.needs.push(format!(
            "{} with *{name}* and a mood to tell",
            plural(MIN_ENTRIES * 2 - paired.len(), "more day", "more days")
        ));
        return out;
    }
    let unit = tracker
        .unit
        .as_ref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let split = match (tracker.kind, tracker.low_below, tracker.high_from) {
        (TrackerKind::YesNo, _, _) => Split {
            low: (0.5, false),
            high: (0.5, true),
            low_label: "without it".to_string(),
            high_label: format!("with *{name}*"),
        },
        (_, Some(lo), Some(hi)) => Split {
            low: (lo, false),
            high: (hi, true),
            low_label: format!("with *{name}* under {}{unit}", fmt(lo)),
            high_label: format!("with {}{unit} or more", fmt(hi)),
        },
        _ => {
            let mut sorted: Vec<f64> = paired.iter().map(|(v, _)| *v).collect();
            sorted.sort_by(f64::total_cmp);
            let n = sorted.len() - 1;
            let (ql, qh) = (sorted[n / 3], sorted[2 * n / 3]);
            if ql < qh {
                Split {
                    low: (ql, true),
                    high: (qh, true),
                    low_label: format!("with *{name}* at {}{unit} or less", fmt(ql)),
                    high_label: format!("with {}{unit} or more", fmt(qh)),
                }
            } else {
                Split {
                    low: (ql, false),
                    high: (qh, false),
                    low_label: format!("with *{name}* under {}{unit}", fmt(ql)),
                    high_label: format!("with more than {}{unit}", fmt(qh)),
                }
            }
        }
    };
    let (low_label, high_label) = (split.low_label.clone(), split.high_label.clone());
    let low = |v: f64| split.is_low(v);
    let high = |v: f64| split.is_high(v);
    let lows: Vec<f64> = paired
        .iter()
        .filter(|(v, _)| low(*v))
        .map(|(_, m)| *m)
        .collect();
    let highs: Vec<f64> = paired
        .iter()
        .filter(|(v, _)| high(*v))
        .map(|(_, m)| *m)
        .collect();
    for (group, label) in [(&lows, &low_label), (&highs, &high_label)] {
        if group.len() < MIN_ENTRIES {
            let label = if tracker.kind == TrackerKind::YesNo && label == &low_label {
                format!("without *{name}*")
            } else {
                label.clone()
            };
            out.needs.push(format!(
                "{} {label} to tell",
                plural(MIN_ENTRIES - group.len(), "more day", "more days")
            ));
        }
    }
    if !out.needs.is_empty() {
        return out;
    }
    if let (Some(d), Some(a), Some(b)) = (cohens_d(&lows, &highs), mean(&lows), mean(&highs)) {
        if d.abs() >= MIN_EFFECT {
            let sentence = if tracker.kind == TrackerKind::YesNo {
                format!(
                    "On days {high_label} ({}) your mood was {b:.1} on average, vs {a:.1} on days {low_label} ({}).",
                    plural(highs.len(), "day", "days"),
                    plural(lows.len(), "day", "days")
                )
            } else {
                format!(
                    "On days {low_label} ({}) your mood was {a:.1} on average, vs {b:.1} on days {high_label} ({}).",
                    plural(lows.len(), "day", "days"),
                    plural(highs.len(), "day", "days")
                )
            };
            out.findings.push(Finding {
                kind: "tracker_mood",
                subject: name.clone(),
                search: None,
                entries: paired.len(),
                effect: d.abs(),
                sentence,
            });
        }
    }
    out
}

/// Feelings that come together more often than chance would have them
/// (lift ≥ 1.5, in at least `MIN_ENTRIES` entries).
pub fn co_occurring(entries: &[EntryFacts]) -> Vec<Finding> {
    let n = entries.len() as f64;
    let ix = Indexed::new(entries);
    let mut singles = vec![0usize; ix.names.len()];
    let mut pairs: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    for fs in &ix.feelings {
        for (x, (a, _)) in fs.iter().enumerate() {
            singles[*a] += 1;
            for (b, _) in &fs[x + 1..] {
                *pairs.entry((*a.min(b), *a.max(b))).or_default() += 1;
            }
        }
    }
    let mut out = Vec::new();
    for ((a, b), both) in pairs {
        if both < MIN_ENTRIES {
            continue;
        }
        let pa = singles[a] as f64 / n;
        let pb = singles[b] as f64 / n;
        let lift = (both as f64 / n) / (pa * pb);
        if lift >= 1.5 {
            // Told from the rarer feeling: "in 9 of your 12 entries with it".
            let (a, b) = if singles[b] < singles[a] {
                (b, a)
            } else {
                (a, b)
            };
            let with_a = singles[a];
            let (a, b) = (ix.names[a], ix.names[b]);
            out.push(Finding {
                kind: "co_occurring",
                subject: format!("{a} + {b}"),
                search: Some(format!("{a} {b}")),
                entries: both,
                effect: lift,
                sentence: format!(
                    "*{a}* and *{b}* often come together: you felt *{b}* in {both} of your {} with *{a}*, {} than in your other entries.",
                    plural(with_a, "entry", "entries"),
                    if lift >= 3.0 { "much more often" } else { "more often" }
                ),
            });
        }
    }
    out.sort_by(|x, y| y.effect.total_cmp(&x.effect));
    out.truncate(5);
    out
}

/// What helps: mean mood on days a practice was done vs other days, and the
/// average drop in intensity recorded in thought records.
pub fn what_helps(
    day_moods: &[(jiff::civil::Date, f64)],
    practices: &[(String, Vec<jiff::civil::Date>)],
    thought_drops: &[i16],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (title, days) in practices {
        let days: std::collections::HashSet<&jiff::civil::Date> = days.iter().collect();
        let (on, off): (Vec<f64>, Vec<f64>) = {
            let mut on = Vec::new();
            let mut off = Vec::new();
            for (d, m) in day_moods {
                if days.contains(d) {
                    on.push(*m);
                } else {
                    off.push(*m);
                }
            }
            (on, off)
        };
        if on.len() < MIN_ENTRIES || off.len() < MIN_ENTRIES {
            continue;
        }
        if let (Some(d), Some(a), Some(b)) = (cohens_d(&on, &off), mean(&on), mean(&off)) {
            if d >= MIN_EFFECT {
                out.push(Finding {
                    kind: "what_helps",
                    subject: title.clone(),
                    search: None,
                    entries: on.len(),
                    effect: d,
                    sentence: format!("On days you did *{title}* ({}) your mood was {a:.1} on average, vs {b:.1} on other days.", plural(on.len(), "day", "days")),
                });
            }
        }
    }
    if thought_drops.len() >= MIN_ENTRIES {
        let avg =
            thought_drops.iter().map(|d| f64::from(*d)).sum::<f64>() / thought_drops.len() as f64;
        if avg > 0.0 {
            out.push(Finding {
                kind: "what_helps",
                subject: "thought records".into(),
                search: None,
                entries: thought_drops.len(),
                effect: avg,
                sentence: format!("In your *thought records* ({} of them) the feeling's intensity dropped by {avg:.1} points on average.", thought_drops.len()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feelings_that_come_together_and_what_helps_are_found() {
        let mut entries = Vec::new();
        for i in 0..12 {
            let feelings = if i % 3 == 0 {
                vec![("anxious".to_string(), 7), ("tired".to_string(), 6)]
            } else {
                vec![("calm".to_string(), 5)]
            };
            entries.push(EntryFacts {
                weekday: Weekday::Monday,
                hour: 9,
                mood: Some(5),
                feelings,
                triggers: vec![],
            });
        }
        let co = co_occurring(&entries);
        assert_eq!(co[0].subject, "anxious + tired");
        assert_eq!(
            co[0].sentence,
            "*anxious* and *tired* often come together: you felt *tired* in 4 of your 4 entries with *anxious*, much more often than in your other entries.",
            "plain words and counts, no ratio to chance"
        );
        let days: Vec<jiff::civil::Date> =
            (1..=10).map(|d| jiff::civil::date(2026, 3, d)).collect();
        let moods: Vec<(jiff::civil::Date, f64)> = days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    *d,
                    if i % 2 == 0 {
                        8.0
                    } else {
                        4.0 + (i % 3) as f64 * 0.1
                    },
                )
            })
            .collect();
        let walked: Vec<jiff::civil::Date> = days.iter().step_by(2).copied().collect();
        let helps = what_helps(&moods, &[("Walk".into(), walked)], &[3, 4, 2]);
        assert!(helps
            .iter()
            .any(|f| f.sentence.starts_with("On days you did *Walk*")));
        assert!(helps
            .iter()
            .any(|f| f.sentence.contains("dropped by 3.0 points")));
    }

    fn entry(
        trigger: Option<&str>,
        feeling: Option<(&str, u8)>,
        mood: u8,
        weekday: Weekday,
    ) -> EntryFacts {
        EntryFacts {
            weekday,
            hour: 20,
            mood: Some(mood),
            feelings: feeling
                .map(|(f, i)| vec![(f.to_string(), i)])
                .unwrap_or_default(),
            triggers: trigger.map(|t| vec![t.to_string()]).unwrap_or_default(),
        }
    }

    #[test]
    fn a_trigger_that_goes_with_a_strong_feeling_is_found_and_phrased() {
        let mut entries = Vec::new();
        for i in 0..6 {
            entries.push(entry(
                Some("work meeting"),
                Some(("anxious", 7 + (i % 2))),
                4,
                Weekday::Monday,
            ));
            entries.push(entry(
                None,
                Some(("anxious", 3 - (i % 2))),
                7,
                Weekday::Saturday,
            ));
        }
        let p = patterns(&entries);
        let f = p
            .findings
            .iter()
            .find(|f| f.kind == "trigger_feeling")
            .unwrap();
        assert!(f.sentence.contains("After *work meeting* (6 entries) you felt *anxious* at 7.5 on average, vs 2.5 otherwise."), "{}", f.sentence);
        assert!(p.findings.iter().any(|f| f.kind == "trigger_mood"));
    }

    #[test]
    fn missing_feelings_are_not_zero_and_small_differences_are_not_findings() {
        let mut entries = Vec::new();
        for i in 0..6 {
            entries.push(entry(
                Some("call with mum"),
                Some(("sad", 5 + (i % 3))),
                5,
                Weekday::Monday,
            ));
            entries.push(entry(
                None,
                Some(("sad", 5 + ((i + 1) % 3))),
                5,
                Weekday::Tuesday,
            ));
            entries.push(entry(None, None, 5, Weekday::Wednesday));
        }
        let p = patterns(&entries);
        assert!(
            !p.findings
                .iter()
                .any(|f| f.subject == "call with mum → sad" && f.sentence.contains("on average")),
            "{:?}",
            p.findings
        );
    }

    #[test]
    fn too_little_data_says_what_it_needs() {
        let entries = vec![entry(Some("sleep"), Some(("tired", 8)), 4, Weekday::Monday)];
        let p = patterns(&entries);
        assert!(p.findings.is_empty());
        assert!(
            p.needs
                .iter()
                .any(|n| n == "2 more entries with *sleep* to tell"),
            "{:?}",
            p.needs
        );
    }

    fn days(n: i8) -> Vec<jiff::civil::Date> {
        (1..=n).map(|d| jiff::civil::date(2026, 3, d)).collect()
    }

    #[test]
    fn short_sleep_goes_with_lower_mood_in_a_sentence() {
        let sleep = crate::tracker::preset("sleep").unwrap();
        let dates = days(12);
        let readings: Vec<_> = dates
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, if i % 2 == 0 { 5.0 } else { 8.0 }))
            .collect();
        let moods: Vec<_> = dates
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    *d,
                    if i % 2 == 0 {
                        3.0 + (i % 3) as f64
                    } else {
                        7.0 + (i % 3) as f64
                    },
                )
            })
            .collect();
        let p = tracker_mood(&moods, &sleep, &readings);
        assert!(p.needs.is_empty(), "{:?}", p.needs);
        assert_eq!(
            p.findings[0].sentence,
            "On days with *Sleep* under 6 hours (6 days) your mood was 4.0 on average, vs 8.0 on days with 7 hours or more (6 days)."
        );
    }

    #[test]
    fn a_yes_no_tracker_compares_days_with_and_without() {
        let t = crate::tracker::preset("exercise").unwrap();
        let dates = days(10);
        let readings: Vec<_> = dates
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, f64::from(u8::from(i < 5))))
            .collect();
        let moods: Vec<_> = dates
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    *d,
                    if i < 5 {
                        7.0 + (i % 2) as f64
                    } else {
                        4.0 + (i % 2) as f64
                    },
                )
            })
            .collect();
        let p = tracker_mood(&moods, &t, &readings);
        assert!(
            p.findings[0]
                .sentence
                .starts_with("On days with *Exercise* (5 days) your mood was 7.4 on average, vs 4.6 on days without it (5 days)."),
            "{}",
            p.findings[0].sentence
        );
    }

    #[test]
    fn a_tracker_without_enough_days_on_each_side_says_what_it_needs() {
        let t = crate::tracker::preset("exercise").unwrap();
        let dates = days(8);
        let readings: Vec<_> = dates.iter().map(|d| (*d, 1.0)).collect();
        let moods: Vec<_> = dates.iter().map(|d| (*d, 5.0)).collect();
        let p = tracker_mood(&moods, &t, &readings);
        assert!(p.findings.is_empty());
        assert_eq!(p.needs, vec!["3 more days without *Exercise* to tell"]);
        let few = tracker_mood(&moods[..2], &t, &readings);
        assert_eq!(
            few.needs,
            vec!["4 more days with *Exercise* and a mood to tell"]
        );
    }

    #[test]
    fn numbers_without_cut_offs_compare_their_thirds() {
        let coffee = crate::tracker::Tracker::new("Coffee", TrackerKind::Number, Some("cups"));
        let dates = days(9);
        let readings: Vec<_> = dates
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, (i % 3) as f64))
            .collect();
        let moods: Vec<_> = dates
            .iter()
            .enumerate()
            .map(|(i, d)| (*d, 8.0 - (i % 3) as f64 * 2.0 + (i / 3) as f64 * 0.3))
            .collect();
        let p = tracker_mood(&moods, &coffee, &readings);
        assert!(
            p.findings[0]
                .sentence
                .starts_with("On days with *Coffee* at 0 cups or less (3 days)"),
            "{:?}",
            p
        );
    }

    #[test]
    fn evenings_with_stronger_feelings_are_found() {
        let mut entries = Vec::new();
        for i in 0..8u8 {
            let mut e = entry(None, Some(("anxious", 7 + i % 2)), 4, Weekday::Monday);
            e.hour = 21;
            entries.push(e);
            let mut m = entry(None, Some(("anxious", 2 + i % 2)), 7, Weekday::Monday);
            m.hour = 8;
            entries.push(m);
        }
        let p = patterns(&entries);
        let sentences: Vec<&str> = p.findings.iter().map(|f| f.sentence.as_str()).collect();
        assert!(
            sentences.contains(
                &"In the evenings you felt *anxious* at 7.5 on average, vs 2.5 at other times."
            ),
            "{sentences:?}"
        );
        assert!(
            sentences
                .contains(&"In the mornings your mood is 7.0 on average, vs 4.0 at other times."),
            "{sentences:?}"
        );
    }

    #[test]
    fn one_pass_sums_give_the_same_effect_sizes() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % 11) as f64
        };
        for len in 2..40 {
            let a: Vec<f64> = (0..len).map(|_| next()).collect();
            let b: Vec<f64> = (0..len + 3).map(|_| next()).collect();
            let sums = |xs: &[f64]| {
                let mut s = Sums::default();
                xs.iter().for_each(|x| s.add(*x));
                s
            };
            let (x, y) = (
                cohens_d(&a, &b).unwrap(),
                sums(&a).cohens_d(&sums(&b)).unwrap(),
            );
            assert!((x - y).abs() < 1e-9, "{x} vs {y}");
        }
        let same = [4.0, 4.0, 4.0];
        assert_eq!(
            {
                let mut s = Sums::default();
                same.iter().for_each(|x| s.add(*x));
                s.cohens_d(&s)
            },
            Some(0.0)
        );
    }

    #[test]
    fn cohens_d_needs_two_values_a_side() {
        assert_eq!(cohens_d(&[1.0], &[2.0, 3.0]), None);
        assert!(cohens_d(&[8.0, 9.0], &[2.0, 3.0]).unwrap() > 5.0);
    }

    fn finding(kind: &'static str, effect: f64) -> Finding {
        Finding {
            kind,
            subject: format!("{kind} {effect}"),
            entries: 5,
            effect,
            sentence: String::new(),
            search: None,
        }
    }

    #[test]
    fn findings_are_grouped_by_kind_strongest_first_and_empty_groups_left_out() {
        let findings = vec![
            finding("co_occurring", 12.5),
            finding("when_mood", 0.6),
            finding("trigger_mood", 0.7),
            finding("trigger_feeling", 1.4),
            finding("when_feeling", 0.9),
        ];
        let groups = grouped(&findings);
        let shape: Vec<(&str, Vec<f64>)> = groups
            .iter()
            .map(|(id, _, fs)| (*id, fs.iter().map(|f| f.effect).collect()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("triggers", vec![1.4, 0.7]),
                ("when", vec![0.9, 0.6]),
                ("together", vec![12.5]),
            ],
            "a lift of 12.5 does not outrank a Cohen's d of another group"
        );
    }
}
