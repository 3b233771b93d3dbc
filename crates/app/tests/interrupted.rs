//! A password change stopped at any point (a crash, a dropped request) on
//! SQLite and PostgreSQL: the person can still sign in with one of the two
//! passwords, and with it reads everything they wrote.

#![allow(clippy::unwrap_used)]

mod support;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use between_app::sessions::SignInAs;
use between_app::throttle::Attempt;
use between_app::{App, AppError, Config};
use between_domain::EntryContent;
use between_store::testing::TestDb;
use support::{signed_in, PASSWORD};

on_both_backends!(a_password_change_stopped_anywhere_leaves_one_password_working);

const NEW: &str = "a brand new password";

/// Polls the inner future at most `left` times, then drops it where it
/// stands, as a crash or a cancelled request would.
struct StopAfter<F> {
    inner: Pin<Box<F>>,
    left: usize,
}

impl<F: Future> Future for StopAfter<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        match self.inner.as_mut().poll(cx) {
            Poll::Ready(out) => Poll::Ready(Some(out)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Whether `password` opens the account (from an address of its own, so
/// the wrong one of the two never adds up to a throttle).
async fn opens(app: &App, name: &str, password: &str) -> bool {
    let client = format!("{name}-{}", password.len());
    match app
        .sign_in(name, password, &client, SignInAs::Device, "check")
        .await
    {
        Ok(_) => true,
        Err(AppError::Unauthorized(_)) => false,
        Err(other) => panic!("signing in failed otherwise: {other}"),
    }
}

async fn a_password_change_stopped_anywhere_leaves_one_password_working(db: &TestDb) {
    let app = App::new(db.store.clone(), Config::testing());
    let mut polls = 1;
    loop {
        let name = format!("kit{polls}");
        let (p, _, _) = signed_in(&app, &name).await;
        let entry = app
            .add_entry(
                &p,
                EntryContent {
                    text: "written before the change".into(),
                    ..Default::default()
                },
                None,
            )
            .await
            .unwrap();
        let attempt = Attempt::from("t");
        let finished = StopAfter {
            inner: Box::pin(app.change_password(&p, PASSWORD, NEW, &attempt)),
            left: polls,
        }
        .await;
        // Whatever was left half done (a transaction) is rolled back, and
        // no connection is handed on inside it.
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        assert_eq!(
            db.store.idle_connections_in_a_transaction().await,
            0,
            "stopped after {polls} polls"
        );
        let (old, new) = (
            opens(&app, &name, PASSWORD).await,
            opens(&app, &name, NEW).await,
        );
        assert!(
            old ^ new,
            "stopped after {polls} polls: exactly one password opens (old {old}, new {new})"
        );
        let password = if new { NEW } else { PASSWORD };
        let (again, _) = app
            .sign_in(&name, password, &name, SignInAs::Device, "read")
            .await
            .unwrap();
        assert_eq!(
            app.entry(&again, entry.id).await.unwrap().content.text,
            "written before the change"
        );
        if let Some(result) = finished {
            result.unwrap();
            assert!(new, "a finished change leaves the new password");
            eprintln!("the change finished after {polls} polls");
            assert!(polls > 1, "the change was stopped at least once");
            break;
        }
        polls += 1;
        assert!(polls < 500, "the change never finished");
    }
}
