//! Importing a generated 100,000-entry jrnl export into a fresh SQLite
//! store, timed end to end (parse, check, encrypt, write in one
//! transaction). A single timed run, since one run takes seconds:
//! `cargo bench -p between-app --bench import`.

#![allow(clippy::unwrap_used)]

use std::fmt::Write;
use std::time::Instant;

use between_app::accounts::NewUser;
use between_app::sessions::SignInAs;
use between_app::{App, Config, Role};

const ENTRIES: usize = 100_000;

fn jrnl_file(n: usize) -> String {
    let words = [
        "Slept badly",
        "Long walk by the river",
        "Meeting went fine",
        "Felt anxious before the call",
        "Cooked with friends",
        "Quiet evening",
        "Argued about money",
        "Good run this morning",
    ];
    let mut out = String::with_capacity(n * 200);
    out.push_str("{\"tags\": {\"@work\": 1}, \"entries\": [");
    for i in 0..n {
        let day = jiff::civil::date(1990, 1, 1)
            .checked_add(jiff::Span::new().days((i / 3) as i64))
            .unwrap();
        let _ = write!(
            out,
            "{}{{\"title\": \"{} ({i}).\", \"body\": \"Some more words about the day, number {i}.\", \"date\": \"{day}\", \"time\": \"{:02}:{:02}\", \"tags\": [\"@work\"], \"starred\": {}}}",
            if i == 0 { "" } else { "," },
            words[i % words.len()],
            8 + (i % 3) * 5,
            i % 60,
            i % 17 == 0
        );
    }
    out.push_str("]}");
    out
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let text = jrnl_file(ENTRIES);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("import.db").display());
    rt.block_on(async {
        let store = between_store::Store::connect(&url).await.unwrap();
        let app = App::new(store, Config::testing());
        app.register(NewUser {
            name: "bench",
            password: "bench password",
            role: Role::Client,
            time_zone: "Europe/London",
        })
        .await
        .unwrap();
        let (p, _) = app
            .sign_in(
                "bench",
                "bench password",
                "bench",
                SignInAs::Device,
                "bench",
            )
            .await
            .unwrap();
        let started = Instant::now();
        let items = between_app::import::jrnl::parse(&text, &p.user.time_zone).unwrap();
        let parsed = started.elapsed();
        let report = app.import_entries(&p, items, false).await.unwrap();
        let total = started.elapsed();
        assert_eq!(report.added, ENTRIES);
        println!(
            "import {ENTRIES} jrnl entries into SQLite: {:.2} s ({:.0} entries/s; parsing {:.2} s)",
            total.as_secs_f64(),
            ENTRIES as f64 / total.as_secs_f64(),
            parsed.as_secs_f64()
        );
        let again = Instant::now();
        let items = between_app::import::jrnl::parse(&text, &p.user.time_zone).unwrap();
        let report = app.import_entries(&p, items, false).await.unwrap();
        assert_eq!(report.skipped, ENTRIES);
        println!(
            "the same file again (all skipped): {:.2} s",
            again.elapsed().as_secs_f64()
        );
    });
}
