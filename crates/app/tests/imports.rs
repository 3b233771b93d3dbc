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
