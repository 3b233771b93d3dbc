//! Adherence and streaks for ten practices over ten years of daily logs:
//! what the practice pages compute on every request.
//!
//! Run with `cargo bench -p between-domain`; figures go in the README.

#![allow(clippy::unwrap_used)]

use between_domain::practice::adherence::{stats, Plan};
use between_domain::practice::schedule::Schedule;
use criterion::{criterion_group, criterion_main, Criterion};
use jiff::civil::{date, Date};
use jiff::Span;

fn ten_practices() -> Vec<(Plan, Vec<Date>)> {
    let start = date(2016, 1, 4);
    let specs = [
        "daily",
        "mon,wed,fri",
        "per-week:3",
        "every:2d",
        "tue,thu",
        "daily",
        "sat,sun",
        "per-week:5",
        "every:7d",
        "mon,tue,wed,thu,fri",
    ];
    specs
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let plan = Plan {
                schedule: Schedule::parse(spec).unwrap(),
                start,
                end: None,
            };
            // Done on about 70% of days, deterministically.
            let logs = (0..3650i64)
                .filter(|d| (d * 7 + i as i64 * 13) % 10 < 7)
                .map(|d| start.checked_add(Span::new().days(d)).unwrap())
                .collect();
            (plan, logs)
        })
        .collect()
}

fn adherence(c: &mut Criterion) {
    let practices = ten_practices();
    let today = date(2025, 12, 31);
    c.bench_function("adherence and streaks of 10 practices over 10 years", |b| {
        b.iter(|| {
            practices
                .iter()
                .map(|(plan, logs)| stats(plan, logs, plan.start, today, today))
                .collect::<Vec<_>>()
        })
    });
    c.bench_function("adherence of 10 practices over the last 12 weeks", |b| {
        let from = date(2025, 10, 9);
        b.iter(|| {
            practices
                .iter()
                .map(|(plan, logs)| stats(plan, logs, from, today, today))
                .collect::<Vec<_>>()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = adherence
}
criterion_main!(benches);
