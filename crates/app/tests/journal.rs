//! Stories of the journal, on SQLite and PostgreSQL, including the promise
//! that nothing a person wrote is readable in the stored bytes.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::journal::{Cursor, ListEntries};
use between_app::AppError;
use between_domain::timespec::TimeRange;
use between_domain::{EntryContent, Feeling};
use between_store::testing::TestDb;
use jiff::Timestamp;
use support::{app_on, signed_in, stored_bytes};

on_both_backends!(
    an_entry_round_trips_with_everything_in_it,
    entries_list_newest_first_in_a_range_and_page_with_a_cursor,
    invalid_entries_are_rejected_and_write_nothing,
    one_person_never_sees_another_persons_entries,
    deleted_entries_can_be_restored,
    search_finds_words_in_text_feelings_and_tags,
    nothing_written_is_readable_in_the_stored_bytes,
);

fn rich(marker: &str) -> EntryContent {
    EntryContent {
        text: format!("Today {marker} happened.\nSecond line."),
        mood: Some(3),
        feelings: vec![Feeling {
            name: "Wistfulness".into(),
            intensity: 7,
        }],
        triggers: vec!["Quarterly review meeting".into()],
        tags: vec!["#work".into()],
        prompts: vec![between_domain::PromptAnswer {
            prompt: "What did I do?".into(),
            answer: "Breathed slowly".into(),
        }],
        starred: true,
        shared: false,
    }
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn an_entry_round_trips_with_everything_in_it(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "ada").await;
    let added = app
        .add_entry(&p, rich("zebra"), Some(at("2026-05-01T10:00:00Z")))
        .await
        .unwrap();
    let read = app.entry(&p, added.id).await.unwrap();
    assert_eq!(read, added);
    assert_eq!(read.content.tags, vec!["work"], "validated before storing");
    assert_eq!(read.occurred_at, at("2026-05-01T10:00:00Z"));

    let mut changed = read.content.clone();
    changed.text = "Edited".into();
    changed.shared = true;
    let edited = app.update_entry(&p, added.id, changed, None).await.unwrap();
    assert_eq!(edited.content.text, "Edited");
    assert!(edited.content.shared);
    assert_eq!(
        edited.occurred_at, added.occurred_at,
        "time kept unless given"
    );
    assert!(edited.updated_at >= added.updated_at);
    assert_eq!(app.entry(&p, added.id).await.unwrap(), edited);
}

async fn entries_list_newest_first_in_a_range_and_page_with_a_cursor(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "bo").await;
    for day in 1..=5 {
        let content = EntryContent {
            text: format!("day {day}"),
            ..Default::default()
        };
        app.add_entry(&p, content, Some(at(&format!("2026-03-0{day}T12:00:00Z"))))
            .await
            .unwrap();
    }
    let texts = |entries: &[between_domain::Entry]| {
        entries
            .iter()
            .map(|e| e.content.text.clone())
            .collect::<Vec<_>>()
    };
    let all = app.list_entries(&p, &ListEntries::default()).await.unwrap();
    assert_eq!(
        texts(&all.entries),
        ["day 5", "day 4", "day 3", "day 2", "day 1"]
    );
    assert!(all.next.is_none());

    let range = TimeRange {
        since: Some(at("2026-03-02T00:00:00Z")),
        until: Some(at("2026-03-04T00:00:00Z")),
    };
    let some = app
        .list_entries(
            &p,
            &ListEntries {
                range,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(texts(&some.entries), ["day 3", "day 2"]);

    let first = app
        .list_entries(
            &p,
            &ListEntries {
                limit: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let cursor = Cursor::decode(&first.next.unwrap().encode()).unwrap();
    let second = app
        .list_entries(
            &p,
            &ListEntries {
                limit: Some(2),
                after: Some(cursor),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(texts(&first.entries), ["day 5", "day 4"]);
    assert_eq!(texts(&second.entries), ["day 3", "day 2"]);

    let err = app
        .list_entries(
            &p,
            &ListEntries {
                limit: Some(1001),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1001"));
}

async fn invalid_entries_are_rejected_and_write_nothing(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "cy").await;
    let bad = EntryContent {
        mood: Some(11),
        ..rich("x")
    };
    let err = app.add_entry(&p, bad, None).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref e) if e.get("mood").is_some()),
        "{err}"
    );
    assert!(app
        .list_entries(&p, &ListEntries::default())
        .await
        .unwrap()
        .entries
        .is_empty());

    let good = app.add_entry(&p, rich("y"), None).await.unwrap();
    let err = app
        .update_entry(&p, good.id, EntryContent::default(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)));
    assert_eq!(
        app.entry(&p, good.id).await.unwrap(),
        good,
        "a failed edit changes nothing"
    );
}

async fn one_person_never_sees_another_persons_entries(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (a, _, _) = signed_in(&app, "dee").await;
    let (b, _, _) = signed_in(&app, "eve").await;
    let mine = app.add_entry(&a, rich("private"), None).await.unwrap();
    assert!(matches!(
        app.entry(&b, mine.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.update_entry(&b, mine.id, rich("hijack"), None).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.delete_entry(&b, mine.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app
        .list_entries(&b, &ListEntries::default())
        .await
        .unwrap()
        .entries
        .is_empty());
    assert!(app
        .search_entries(&b, "private", 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(app.entry(&a, mine.id).await.unwrap(), mine);
}

async fn deleted_entries_can_be_restored(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "fay").await;
    let e = app.add_entry(&p, rich("gone"), None).await.unwrap();
    app.delete_entry(&p, e.id).await.unwrap();
    assert!(app
        .list_entries(&p, &ListEntries::default())
        .await
        .unwrap()
        .entries
        .is_empty());
    let deleted = app
        .list_entries(
            &p,
            &ListEntries {
                deleted: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(deleted.entries.len(), 1);
    assert!(deleted.entries[0].deleted_at.is_some());
    assert!(matches!(
        app.update_entry(&p, e.id, rich("edit"), None).await,
        Err(AppError::Conflict(_))
    ));
    let back = app.restore_entry(&p, e.id).await.unwrap();
    assert_eq!(back.deleted_at, None);
    assert_eq!(
        app.list_entries(&p, &ListEntries::default())
            .await
            .unwrap()
            .entries
            .len(),
        1
    );
    assert!(matches!(
        app.restore_entry(&p, e.id).await,
        Err(AppError::NotFound(_))
    ));
}

async fn search_finds_words_in_text_feelings_and_tags(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, _) = signed_in(&app, "gus").await;
    app.add_entry(&p, rich("giraffe"), None).await.unwrap();
    app.add_entry(
        &p,
        EntryContent {
            text: "A quiet walk".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let hits = |q: &str| {
        let app = app.clone();
        let p = p.clone();
        let q = q.to_string();
        async move { app.search_entries(&p, &q, 100).await.unwrap().len() }
    };
    assert_eq!(hits("GIRAFFE").await, 1);
    assert_eq!(hits("wistfulness work").await, 1);
    assert_eq!(hits("quiet").await, 1);
    assert_eq!(hits("giraffe quiet").await, 0);
    assert!(matches!(
        app.search_entries(&p, "  ", 10).await,
        Err(AppError::Invalid(_))
    ));
}

async fn nothing_written_is_readable_in_the_stored_bytes(db: &TestDb) {
    let app = app_on(db.store.clone()).await;
    let (p, _, code) = signed_in(&app, "hal").await;
    let marker = "Xylophonist4711";
    let entry = app.add_entry(&p, rich(marker), None).await.unwrap();
    let json = serde_json::to_string(&entry.content).unwrap();
    let bytes = stored_bytes(db).await;
    if bytes.is_empty() {
        return;
    }
    let hay = String::from_utf8_lossy(&bytes).to_lowercase();
    assert!(
        hay.contains("hal"),
        "sanity: the dump holds the account name"
    );
    for secret in [
        marker,
        "wistfulness",
        "quarterly review meeting",
        "breathed slowly",
        &json,
        support::PASSWORD,
        &code,
    ] {
        assert!(
            !hay.contains(&secret.to_lowercase()),
            "{secret:?} is readable at rest"
        );
    }
}
