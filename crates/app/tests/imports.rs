//! Imports leave the runtime free: unpacking and parsing a file run on the
//! blocking pool, so the async workers that answer requests are never
//! held by a large or hostile file.

#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use between_app::import::{FileImport, Input, Options, Source};
use between_app::testing::zips;
use between_store::testing::TestDb;
use support::{app_on, signed_in};

#[test]
fn unpacking_a_zip_leaves_the_runtime_free_for_other_work() {
    // One thread runs every task. The import is polled inside this task;
    // the task spawned just before it can run before the import ends only
    // if the import hands its work to another thread and yields. (The
    // import reads nothing from the store before it parses, so nothing
    // else makes it yield first.)
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = TestDb::sqlite().await;
        let app = app_on(db.store.clone()).await;
        let (p, _, _) = signed_in(&app, "ada").await;
        let slot = app.import_slot().await.unwrap();
        let other_ran = Arc::new(AtomicBool::new(false));
        let flag = other_ran.clone();
        tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
        let file = FileImport {
            source: Source::DayOne,
            input: Input::Bytes(zips::bomb("Journal.json", 64)),
            options: Options::default(),
            dry_run: false,
            progress: None,
        };
        let err = app.import_file(&slot, &p, file).await.unwrap_err();
        assert!(err.to_string().contains("unpacks to more than"), "{err}");
        assert!(
            other_ran.load(Ordering::SeqCst),
            "another task ran while the zip was unpacked"
        );
    });
}

/// Text that no backend may store (a NUL, escaped or raw) is refused in
/// every kind of file, naming where it is, and nothing is imported.
#[tokio::test]
async fn a_nul_in_any_imported_file_is_refused_naming_where_and_imports_nothing() {
    let db = TestDb::sqlite().await;
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let archive = serde_json::json!({
        "format": "between-archive", "format_version": 1, "exported_at": "2026-11-01T10:00:00Z",
        "account": {"name": "ada", "time_zone": "Europe/Berlin"},
        "entries": [],
        "records": [{
            "id": "01936d3a-0000-7000-8000-000000000001", "kind": "question",
            "occurred_at": "2026-10-01T10:00:00Z", "created_at": "2026-10-01T10:00:00Z",
            "updated_at": "2026-10-01T10:00:00Z",
            "data": {"text": "Why\u{0}?", "answer": null}
        }]
    })
    .to_string();
    let cases: Vec<(Source, Vec<u8>, &str)> = vec![
        (
            Source::Jrnl,
            br#"{"entries":[{"date":"2026-10-01","time":"08:15","title":"Hello\u0000","body":"","tags":[],"starred":false}]}"#.to_vec(),
            "text",
        ),
        (Source::Csv, b"date,text\n2026-10-01,raw\0nul\n".to_vec(), "file"),
        (Source::Between, archive.into_bytes(), "data.text"),
    ];
    for (source, bytes, where_) in cases {
        let slot = app.import_slot().await.unwrap();
        let mut options = Options::default();
        options.add_map("date", "date");
        options.add_map("text", "text");
        let file = FileImport {
            source,
            input: Input::Bytes(bytes),
            options,
            dry_run: false,
            progress: None,
        };
        let err = app.import_file(&slot, &p, file).await.unwrap_err();
        assert!(err.is_input_error(), "{source:?}: {err}");
        let message = err.to_string();
        assert!(
            message.contains("NUL") && message.contains(where_),
            "{source:?}: {message}"
        );
    }
    let page = app
        .list_entries(&p, &between_app::journal::ListEntries::default())
        .await
        .unwrap();
    assert!(page.entries.is_empty());
    assert!(app.questions(&p).await.unwrap().is_empty());
}

/// One range of days everywhere: what an imported file dates outside the
/// days Between keeps (and so could never be queried) is refused, naming
/// the entry, and nothing is imported.
#[tokio::test]
async fn imported_times_outside_the_kept_days_are_refused_naming_the_entry() {
    let db = TestDb::sqlite().await;
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let jrnl = br#"{"entries":[
        {"date":"2026-10-01","time":"08:15","title":"Fine","body":"","tags":[],"starred":false},
        {"date":"1850-10-01","time":"08:15","title":"Too early","body":"","tags":[],"starred":false}]}"#;
    let slot = app.import_slot().await.unwrap();
    let file = FileImport {
        source: Source::Jrnl,
        input: Input::Bytes(jrnl.to_vec()),
        options: Options::default(),
        dry_run: false,
        progress: None,
    };
    let err = app.import_file(&slot, &p, file).await.unwrap_err();
    assert!(err.is_input_error(), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("Entry 2") && message.contains("1900-01-01"),
        "{message}"
    );
    let page = app
        .list_entries(&p, &between_app::journal::ListEntries::default())
        .await
        .unwrap();
    assert!(
        page.entries.is_empty(),
        "the good entry waits for the file to be right"
    );
}
