//! The links in reminder emails, opened without signing in: confirming an
//! address (the opt-in) and unsubscribing. The first page only shows a
//! button (mail scanners and link previews fetch it and change nothing);
//! the button's POST, with this browser's form token, does it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use between_app::AppError;

use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{AnonCsrf, AnonForm, Checked};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "reminder_link.html")]
struct LinkPage {
    layout: Layout,
    heading: &'static str,
    text: &'static str,
    /// The button, until it was pressed.
    button: Option<&'static str>,
    csrf: String,
}

#[derive(Clone, Copy)]
enum Purpose {
    Confirm,
    Unsubscribe,
}

impl Purpose {
    fn parse(word: &str) -> Result<Purpose, PageError> {
        match word {
            "confirm" => Ok(Purpose::Confirm),
            "unsubscribe" => Ok(Purpose::Unsubscribe),
            _ => Err(PageError::NotFound),
        }
    }

    fn page(self, done: bool) -> (&'static str, &'static str, Option<&'static str>) {
        match (self, done) {
            (Purpose::Confirm, false) => (
                "Confirm email reminders",
                "Reminders you set up in Between will come to this address. If you did not ask for them, close this page: nothing will come.",
                Some("Confirm this address"),
            ),
            (Purpose::Confirm, true) => (
                "Email reminders confirmed",
                "Reminders will come to this address. Every email has a link to stop them, and you can change them in Settings → Reminders.",
                None,
            ),
            (Purpose::Unsubscribe, false) => (
                "Stop reminder emails",
                "No more reminders will come to this address. You can add it again in Settings → Reminders.",
                Some("Stop reminder emails"),
            ),
            (Purpose::Unsubscribe, true) => (
                "Reminder emails stopped",
                "No more reminders will come to this address.",
                None,
            ),
        }
    }
}

/// `GET /reminders/{purpose}/{secret}`: the button, nothing done yet.
pub async fn first(
    State(state): State<WebState>,
    Path((purpose, _secret)): Path<(String, String)>,
    token: AnonCsrf,
) -> PageResult {
    let purpose = Purpose::parse(&purpose)?;
    let (heading, text, button) = purpose.page(false);
    let mut response = render(&LinkPage {
        layout: Layout::new(&state, heading, ""),
        heading,
        text,
        button,
        csrf: token.token.clone(),
    })?;
    if let Some(cookie) = token.set_cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// `POST /reminders/{purpose}/{secret}`: confirms or unsubscribes.
pub async fn act(
    State(state): State<WebState>,
    Path((purpose, secret)): Path<(String, String)>,
    AnonForm { form, .. }: AnonForm,
) -> PageResult {
    let purpose = Purpose::parse(&purpose)?;
    if let Checked::Stale(_) = form {
        return Err(PageError::BadRequest(
            "This page was open for a long time, so nothing was done. Go back, reload it and press the button again.".into(),
        ));
    }
    let done = match purpose {
        Purpose::Confirm => state.app.confirm_reminder_email(&secret).await,
        Purpose::Unsubscribe => state.app.unsubscribe_reminder_email(&secret).await,
    };
    match done {
        Ok(()) => {}
        Err(AppError::NotFound(_)) => {
            return Err(PageError::BadRequest(
                "This link does not work (any more): an opt-in link works for 7 days and once. Add the address again in Settings → Reminders for a new one.".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let (heading, text, button) = purpose.page(true);
    Ok(render(&LinkPage {
        layout: Layout::new(&state, heading, ""),
        heading,
        text,
        button,
        csrf: String::new(),
    })?
    .into_response())
}
