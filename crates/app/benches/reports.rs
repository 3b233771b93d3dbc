//! How fast the reports that gather everything answer for a ten-year demo
//! account (`between demo --years 10`: journal, appointments, feedback,
//! goals, practices, measures, trackers) in an SQLite store: drafting the
//! next session's agenda (target: well under 20 ms), the progress review
//! of the last 12 months (target: under 100 ms), and a linked therapist's
//! dashboard row and shared agenda (target: under 50 ms).
//!
//! Run with `cargo bench -p between-app --bench reports`; figures go in the
//! README.

#![allow(clippy::unwrap_used)]

use between_app::accounts::NewUser;
use between_app::agenda_saved::Target;
use between_app::sessions::SignInAs;
use between_app::{demo, App, Config, Role};
use between_domain::share::Scope;
use criterion::{criterion_group, criterion_main, Criterion};

fn reports(c: &mut Criterion) {
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
        let counts = demo::fill(&app, &p, 10, 1).await.unwrap();
        assert!(counts.entries > 3000, "{counts:?}");
        (app, p)
    });
    let agenda = rt.block_on(app.agenda(&p, Target::Next)).unwrap();
    assert!(agenda.plan.points.len() >= 5);

    c.bench_function("draft the next agenda (10-year demo)", |b| {
        b.iter(|| rt.block_on(app.agenda(&p, Target::Next)).unwrap())
    });
    let year_ago = app.now() - jiff::SignedDuration::from_hours(24 * 365);
    let review = rt.block_on(app.review(&p, year_ago, None)).unwrap();
    assert!(review.mood.entries > 300, "{}", review.mood.entries);
    c.bench_function("review of the last 12 months (10-year demo)", |b| {
        b.iter(|| rt.block_on(app.review(&p, year_ago, None)).unwrap())
    });

    // A therapist linked with every scope: their dashboard row of this
    // client (each shared kind loaded once, roadblock rules included) and
    // the shared agenda (opening the sealed snapshot).
    let therapist = rt.block_on(async {
        app.register(NewUser {
            name: "dr-bench",
            password: "bench password",
            role: Role::Therapist,
            time_zone: "Europe/London",
        })
        .await
        .unwrap();
        let (t, _) = app
            .sign_in(
                "dr-bench",
                "bench password",
                "bench",
                SignInAs::Device,
                "bench",
            )
            .await
            .unwrap();
        let invite = app.create_share_invite(&p).await.unwrap();
        app.accept_share_invite(&t, &invite.code).await.unwrap();
        app.set_share_scopes(&p, "dr-bench", &Scope::ALL, &[])
            .await
            .unwrap();
        t
    });
    let rows = rt.block_on(app.client_summaries(&therapist)).unwrap();
    assert!(rows[0].measures.is_some() && rows[0].adherence.is_some());
    c.bench_function("therapist dashboard, one client (10-year demo)", |b| {
        b.iter(|| rt.block_on(app.client_summaries(&therapist)).unwrap())
    });
    assert!(rt
        .block_on(app.client_agenda(&therapist, "demo"))
        .unwrap()
        .snapshot
        .is_some());
    c.bench_function("therapist reads the shared agenda (10-year demo)", |b| {
        b.iter(|| rt.block_on(app.client_agenda(&therapist, "demo")).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = reports
}
criterion_main!(benches);
