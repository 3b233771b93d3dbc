//! Private links, on SQLite and PostgreSQL: the link's secret is the only
//! credential, it opens one snapshot (never a private entry) until it
//! expires, runs out of views or is revoked, and every opening is logged.

#![allow(clippy::unwrap_used)]

mod support;

use between_app::agenda_saved::{Change, Target};
use between_app::private_links::{LinkKind, LinkState};
use between_app::{App, AppError, Config};
use between_domain::snapshot::Snapshot;
use between_domain::EntryContent;
use between_store::testing::TestDb;
use jiff::SignedDuration;
use support::{signed_in, stored_bytes};

on_both_backends!(
    an_agenda_link_opens_its_snapshot_and_nothing_private,
    a_link_closes_when_it_expires_runs_out_of_views_or_is_revoked,
    bad_link_settings_are_refused_and_change_nothing,
);

const DAY: SignedDuration = SignedDuration::from_hours(24);

fn all_text(s: &Snapshot) -> String {
    s.sections
        .iter()
        .flat_map(|x| &x.lines)
        .map(|l| format!("{}\n", l.text))
        .collect()
}

async fn an_agenda_link_opens_its_snapshot_and_nothing_private(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    for (text, shared) in [("PRIVATE-night-9c1", false), ("SHARED-call-77a", true)] {
        app.add_entry(
            &ada,
            EntryContent {
                text: text.into(),
                mood: Some(2),
                shared,
                ..EntryContent::default()
            },
            None,
        )
        .await
        .unwrap();
    }
    app.add_question(&ada, "QUESTION-41f: is this normal?")
        .await
        .unwrap();
    app.change_agenda(&ada, Target::Next, Change::Add("OWN-5d2 my sister".into()))
        .await
        .unwrap();
    let (agenda, snapshot) = app.agenda_snapshot(&ada, Target::Next).await.unwrap();
    assert!(agenda
        .plan
        .points
        .iter()
        .any(|p| p.item.text.contains("PRIVATE")));
    let (link, secret) = app
        .create_private_link(&ada, LinkKind::Agenda, None, &snapshot, DAY * 7, None)
        .await
        .unwrap();
    assert_eq!(link.state, LinkState::Open);
    assert_eq!(link.title, "Agenda for my next session");

    let opened = app.open_private_link(&secret).await.unwrap();
    let text = all_text(&opened.snapshot);
    assert!(text.contains("QUESTION-41f"), "{text}");
    assert!(text.contains("OWN-5d2"), "{text}");
    assert!(text.contains("SHARED-call-77a"), "{text}");
    assert!(!text.contains("PRIVATE"), "never a private entry: {text}");
    assert_eq!(opened.views_left, None);

    // The database alone opens nothing: the snapshot is sealed under a key
    // derived from the secret, which is never stored.
    let bytes = stored_bytes(db).await;
    for needle in ["QUESTION-41f", "OWN-5d2", secret.as_str()] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} is stored in the clear"
        );
    }
    // A guessed or altered link finds nothing.
    for guess in [
        "",
        "short",
        &format!("{secret}x"),
        &secret[..secret.len() - 1],
    ] {
        assert!(matches!(
            app.open_private_link(guess).await,
            Err(AppError::NotFound(_))
        ));
    }
    let log = app.access_log(&ada).await.unwrap();
    assert_eq!(
        log.iter()
            .filter(|a| a.what == "agenda (private link)")
            .count(),
        1,
        "{log:?}"
    );
    let listed = app.private_links(&ada).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].views, 1);

    // Another person cannot list or revoke it.
    let (bob, _, _) = signed_in(&app, "bob").await;
    assert!(app.private_links(&bob).await.unwrap().is_empty());
    assert!(matches!(
        app.revoke_private_link(&bob, link.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.open_private_link(&secret).await.is_ok());
}

async fn a_link_closes_when_it_expires_runs_out_of_views_or_is_revoked(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let (_, snapshot) = app.agenda_snapshot(&ada, Target::Next).await.unwrap();
    let make = |views: Option<u32>, valid: SignedDuration| {
        let (app, ada, snapshot) = (app.clone(), ada.clone(), snapshot.clone());
        async move {
            app.create_private_link(&ada, LinkKind::Agenda, None, &snapshot, valid, views)
                .await
                .unwrap()
        }
    };
    let gone = |r: Result<_, AppError>| matches!(r, Err(AppError::Gone(_)));

    let (_, twice) = make(Some(2), DAY).await;
    assert_eq!(
        app.open_private_link(&twice).await.unwrap().views_left,
        Some(1)
    );
    assert_eq!(
        app.open_private_link(&twice).await.unwrap().views_left,
        Some(0)
    );
    assert!(gone(app.open_private_link(&twice).await), "the third view");

    let (link, revoked) = make(None, DAY).await;
    app.revoke_private_link(&ada, link.id).await.unwrap();
    assert!(gone(app.open_private_link(&revoked).await));

    let (_, soon) = make(None, SignedDuration::from_hours(2)).await;
    let later = App::new(
        db.store.clone(),
        Config {
            clock: between_app::Clock::manual(
                jiff::Timestamp::now() + SignedDuration::from_hours(3),
            ),
            ..Config::testing()
        },
    );
    assert!(app.open_private_link(&soon).await.is_ok(), "still open now");
    assert!(gone(later.open_private_link(&soon).await), "expired");

    let states: Vec<LinkState> = later
        .private_links(&ada)
        .await
        .unwrap()
        .iter()
        .map(|l| l.state)
        .collect();
    assert!(states.contains(&LinkState::UsedUp));
    assert!(states.contains(&LinkState::Revoked));
    assert!(states.contains(&LinkState::Expired));

    // A closed link keeps nothing to open: its sealed snapshot is erased
    // at revoke, at the view that used it up, at an open after it expired,
    // and by the server's sweep; an open link keeps its own.
    let sealed = |id| {
        let store = db.store.clone();
        let owner = ada.user.id;
        async move {
            store
                .private_links(owner)
                .await
                .unwrap()
                .into_iter()
                .find(|r| r.id == id)
                .unwrap()
                .sealed
        }
    };
    let rows = db.store.private_links(ada.user.id).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|r| r.sealed.is_empty()),
        "all three closed links erased"
    );
    let (expiring, _) = make(None, SignedDuration::from_hours(2)).await;
    let (lasting, _) = make(None, DAY).await;
    let in_three_hours = (jiff::Timestamp::now() + SignedDuration::from_hours(3)).as_microsecond();
    assert_eq!(
        db.store
            .erase_closed_private_links(in_three_hours)
            .await
            .unwrap(),
        1
    );
    assert!(
        sealed(expiring.id).await.is_empty(),
        "the sweep erased the expired one"
    );
    assert!(
        !sealed(lasting.id).await.is_empty(),
        "an open link keeps its snapshot"
    );
}

async fn bad_link_settings_are_refused_and_change_nothing(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let (ada, _, _) = signed_in(&app, "ada").await;
    let (_, snapshot) = app.agenda_snapshot(&ada, Target::Next).await.unwrap();
    for (valid, views) in [
        (SignedDuration::from_mins(30), None),
        (DAY * 91, None),
        (DAY, Some(0)),
        (DAY, Some(1001)),
    ] {
        let err = app
            .create_private_link(&ada, LinkKind::Review, None, &snapshot, valid, views)
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)), "{err}");
    }
    assert!(app.private_links(&ada).await.unwrap().is_empty());
}
