//! "Sign out everywhere else": the one page that lists everything else
//! that can open the account (other browser sessions, device logins, API
//! tokens, the calendar feed's link) and ends what the person chooses in
//! one step, keeping this browser. A password change, a recovery and "sign
//! out everywhere" all lead here; the work is `App::revoke_other_credentials`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::reauth::Others;
use serde::Deserialize;

use super::account::with_cookie;
use super::settings::{credential_views, CredentialView};
use crate::web::auth::{clear_session_cookie, SignedIn};
use crate::web::errors::{render, PageResult};
use crate::web::forms::{PageQuery, SignedForm};
use crate::web::{Layout, WebState};

const TITLE: &str = "Sign out everywhere else";

#[derive(Template)]
#[template(path = "revoke_others.html")]
struct RevokePage {
    layout: Layout,
    /// Everything but this browser, newest first.
    others: Vec<CredentialView>,
    sessions: usize,
    devices: usize,
    tokens: usize,
    calendar: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct RevokeParams {
    /// What led here: `password`, `recovery`, `two-step` or `done`.
    after: Option<String>,
}

async fn page(state: &WebState, s: &SignedIn, notice: Option<&str>) -> PageResult<RevokePage> {
    let others: Vec<CredentialView> = credential_views(state, s)
        .await?
        .into_iter()
        .filter(|c| !c.current)
        .collect();
    let count = |kind: &str| others.iter().filter(|c| c.kind == kind).count();
    Ok(RevokePage {
        layout: Layout::signed_in(state, s, TITLE, "settings").with_notice(notice),
        sessions: count("browser session"),
        devices: count("device login"),
        tokens: count("API token"),
        calendar: count("calendar feed") > 0,
        others,
        error: None,
    })
}

pub async fn form(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<RevokeParams>,
) -> PageResult {
    let notice = match q.after.as_deref() {
        Some("password") => Some("Your password is changed, and every other browser is signed out. If your old password may be known to someone else, end what is left below too."),
        Some("recovery") => Some("Your new password is set, and every other browser is signed out. If someone else may have had your password, end what is left below too."),
        Some("done") => Some("Done: what you chose no longer opens your account."),
        Some("two-step") => Some("Two-step sign-in is on: from now on, signing in with your password also asks for a code from your app or your passkey. Device logins and tokens made before still work without it; if your password may have been known to someone else, end them below."),
        _ => None,
    };
    render(&page(&state, &s, notice).await?)
}

/// Ends the chosen kinds of other credentials, and this browser's session
/// too when asked (which is "sign out everywhere").
pub async fn revoke(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let chosen = |name: &str| form.get(name) == "yes";
    let what = Others {
        sessions: chosen("sessions"),
        devices: chosen("devices"),
        tokens: chosen("tokens"),
        calendar: chosen("calendar"),
    };
    let this_too = chosen("this_browser");
    if what.is_empty() && !this_too {
        let mut again = page(&state, &s, None).await?;
        again.error = Some("Choose what to end; nothing was ended.".into());
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&again)?).into_response());
    }
    if !what.is_empty() {
        state
            .app
            .revoke_other_credentials(&s.principal, what)
            .await?;
    }
    if this_too {
        state.app.sign_out(&s.principal).await?;
        return Ok(with_cookie(
            Redirect::to("/signin?notice=signed-out").into_response(),
            Some(clear_session_cookie(state.settings.secure_cookies)),
        ));
    }
    Ok(Redirect::to("/settings/revoke-others?after=done").into_response())
}
