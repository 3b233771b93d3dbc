//! How fast the journal answers with ten years of daily entries (the size
//! of `between demo --years 10`) in an SQLite store: listing one month, and
//! searching the whole journal (which decrypts every entry in memory).
//!
//! Run with `cargo bench -p between-app`; figures go in the README.

#![allow(clippy::unwrap_used)]

use between_app::accounts::NewUser;
use between_app::journal::ListEntries;
use between_app::sessions::SignInAs;
use between_app::{demo, App, Config, Principal, Role};
use between_domain::timespec::TimeRange;
use criterion::{criterion_group, criterion_main, Criterion};
use jiff::Timestamp;

struct Fixture {
    rt: tokio::runtime::Runtime,
    app: App,
    p: Principal,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let (app, p) = rt.block_on(async {
        let store = between_store::Store::connect(&url).await.unwrap();
        let app = App::new(store, Config::testing());
        app.register(NewUser {
            name: "demo",
            password: "bench password",
            role: Role::Client,
            time_zone: "Europe/London",
        })
        .await
        .unwrap();
        let (p, _) = app
            .sign_in("demo", "bench password", "bench", SignInAs::Device, "bench")
            .await
            .unwrap();
        let entries = demo::journal(10, 1, Timestamp::now(), &p.user.time_zone);
        let mut day_moods: Vec<_> = entries
            .iter()
            .filter_map(|(c, at)| {
                c.mood
                    .map(|m| (at.to_zoned(p.user.time_zone.clone()).date(), m))
            })
            .collect();
        day_moods.sort();
        app.add_entries(&p, entries).await.unwrap();
        // Patterns also read practices and daily trackers.
        demo::fill_practices(&app, &p, 10, 1).await.unwrap();
        demo::fill_trackers(&app, &p, &day_moods, 1).await.unwrap();
        (app, p)
    });
    Fixture {
        rt,
        app,
        p,
        _dir: dir,
    }
}

fn journal(c: &mut Criterion) {
    let f = fixture();
    let until = Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(180 * 24))
        .unwrap();
    let month = TimeRange {
        since: Some(
            until
                .checked_sub(jiff::SignedDuration::from_hours(30 * 24))
                .unwrap(),
        ),
        until: Some(until),
    };
    let count =
        f.rt.block_on(f.app.list_entries(
            &f.p,
            &ListEntries {
                range: month,
                ..Default::default()
            },
        ))
        .unwrap()
        .entries
        .len();
    assert!(count >= 25, "a month holds about 30 entries, got {count}");

    c.bench_function("list one month of a 10-year journal", |b| {
        b.iter(|| {
            f.rt.block_on(f.app.list_entries(
                &f.p,
                &ListEntries {
                    range: month,
                    ..Default::default()
                },
            ))
            .unwrap()
        })
    });
    c.bench_function("read every row of a 10-year journal (no decryption)", |b| {
        b.iter(|| {
            f.rt.block_on(
                f.app
                    .store()
                    .list_entries(f.p.user.id, &between_store::EntryQuery::default()),
            )
            .unwrap()
        })
    });
    c.bench_function("search a 10-year journal (word in ~1 in 10 entries)", |b| {
        b.iter(|| {
            f.rt.block_on(f.app.search_entries(&f.p, "breathing", usize::MAX))
                .unwrap()
        })
    });
    c.bench_function("mood trend of a 10-year journal", |b| {
        b.iter(|| {
            f.rt.block_on(f.app.mood_trend(&f.p, TimeRange::default()))
                .unwrap()
        })
    });
    c.bench_function("patterns of a 10-year journal", |b| {
        b.iter(|| {
            f.rt.block_on(f.app.patterns(&f.p, TimeRange::default()))
                .unwrap()
        })
    });
    let quarter = TimeRange {
        since: Some(
            jiff::Timestamp::now()
                .checked_sub(jiff::SignedDuration::from_hours(90 * 24))
                .unwrap(),
        ),
        until: None,
    };
    c.bench_function("patterns of the last 3 months (the page's default)", |b| {
        b.iter(|| f.rt.block_on(f.app.patterns(&f.p, quarter)).unwrap())
    });
    c.bench_function("three daily trackers over 10 years", |b| {
        b.iter(|| {
            f.rt.block_on(f.app.tracker_views(&f.p, TimeRange::default()))
                .unwrap()
        })
    });
    c.bench_function("search a 10-year journal (no match)", |b| {
        b.iter(|| {
            f.rt.block_on(f.app.search_entries(&f.p, "xylophone", usize::MAX))
                .unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = journal
}
criterion_main!(benches);
