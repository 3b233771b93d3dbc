//! Passkeys in the browser: Settings → Passkeys (the list, removing one,
//! and adding one — three JSON requests the page's script makes around the
//! browser's WebAuthn calls), and signing in with one from the sign-in
//! page. The checks and the keys are `between_app::passkeys`; here are the
//! form tokens, the cookies and the answers as JSON.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use between_app::passkeys::PasskeyInfo;
use between_app::second_factor::SecondProof;
use between_app::AppError;
use serde_json::json;

use super::account::with_cookie;
use crate::web::auth::{cookie, device_cookie, session_cookie, SignedIn};
use crate::web::client_addr::ClientAddr;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{AnonForm, Checked, FormData, PageQuery, SignedForm};
use crate::web::next_path::safe_next;
use crate::web::{Layout, WebState};

struct PasskeyView {
    id: String,
    label: String,
    created: String,
    last_used: String,
    synced: bool,
    second_step: bool,
}

#[derive(Template)]
#[template(path = "passkeys.html")]
struct PasskeysPage {
    layout: Layout,
    passkeys: Vec<PasskeyView>,
    /// Why passkeys cannot be used here, if they cannot.
    unavailable: Option<String>,
    second_factor: between_app::second_factor::SecondSteps,
    /// What was wrong with the removal form.
    remove_error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct Params {
    notice: Option<String>,
}

async fn page(state: &WebState, s: &SignedIn, notice: Option<&str>) -> PageResult<PasskeysPage> {
    let tz = &s.principal.user.time_zone;
    let fmt = |t: jiff::Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%-d %b %Y, %H:%M")
            .to_string()
    };
    let passkeys = state
        .app
        .passkeys(&s.principal)
        .await?
        .into_iter()
        .filter(|k: &PasskeyInfo| k.unlocks || k.second_step)
        .map(|k| PasskeyView {
            id: k.id.to_string(),
            label: k.label,
            created: fmt(k.created_at),
            last_used: k.last_used_at.map(fmt).unwrap_or_else(|| "never".into()),
            synced: k.backed_up,
            second_step: k.second_step,
        })
        .collect();
    Ok(PasskeysPage {
        layout: Layout::signed_in(state, s, "Passkeys", "settings").with_notice(notice),
        passkeys,
        unavailable: state.app.passkeys_available().err(),
        second_factor: state.app.second_step_of(&s.principal).await?,
        remove_error: None,
    })
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<Params>,
) -> PageResult {
    let notice = match q.notice.as_deref() {
        Some("added") => Some("Passkey added: it signs you in and opens your journal."),
        Some("removed") => Some("Passkey removed: it no longer opens your account."),
        _ => None,
    };
    render(&page(&state, &s, notice).await?)
}

/// An app error as the script reads it: `{"error": "…"}` with its status.
fn json_error(err: AppError) -> Response {
    let status = match &err {
        AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        _ => {
            tracing::error!(error = %err, "passkey request failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"error": "Something went wrong on the server; nothing changed."})),
            )
                .into_response();
        }
    };
    (status, Json(json!({"error": err.to_string()}))).into_response()
}

fn json_reply(result: Result<serde_json::Value, AppError>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(err) => json_error(err),
    }
}

/// These requests come from the page's script; a form posted without it
/// gets a page saying what is needed.
fn from_script(headers: &HeaderMap) -> Result<(), PageError> {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        Ok(())
    } else {
        Err(PageError::BadRequest(
            "Passkeys need JavaScript in this browser; nothing was changed.".into(),
        ))
    }
}

/// The second step a form brings: a passkey's assertion (filled in by the
/// page's script) or else the code typed.
pub(crate) fn second_proof(form: &FormData) -> SecondProof<'_> {
    match uuid::Uuid::parse_str(form.get("passkey_ceremony")) {
        Ok(ceremony) if !form.get("passkey_assertion").is_empty() => SecondProof::Passkey {
            ceremony,
            assertion: form.get("passkey_assertion"),
        },
        _ => SecondProof::code(Some(form.get("code"))),
    }
}

fn ceremony_id(form: &FormData) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(form.get("ceremony"))
        .map_err(|_| AppError::Unauthorized(between_app::passkeys::CEREMONY_GONE.into()))
}

/// Begins adding a passkey, with the password (and code) confirmed.
pub async fn begin(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    from_script(&headers)?;
    let attempt = crate::web::auth::attempt(&client, &headers);
    let result = async {
        let confirmed = state
            .app
            .confirm_with(
                &s.principal,
                form.get("password"),
                super::passkeys::second_proof(&form),
                &attempt,
            )
            .await?;
        let ceremony = state
            .app
            .begin_passkey_registration(&s.principal, confirmed, form.get("label"))
            .await?;
        Ok(json!({"ceremony": ceremony.id, "options": ceremony.options}))
    }
    .await;
    Ok(json_reply(result))
}

/// The browser's new credential; answers with the unlocking ceremony.
pub async fn finish(
    State(state): State<WebState>,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    from_script(&headers)?;
    let result = async {
        let unlock = state
            .app
            .finish_passkey_registration(&s.principal, ceremony_id(&form)?, form.get("credential"))
            .await?;
        Ok(json!({"ceremony": unlock.id, "options": unlock.options}))
    }
    .await;
    Ok(json_reply(result))
}

/// The assertion with the PRF output that seals the root key.
pub async fn unlock(
    State(state): State<WebState>,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    from_script(&headers)?;
    let result = async {
        let added = state
            .app
            .finish_passkey_unlock(
                &s.principal,
                ceremony_id(&form)?,
                form.get("credential"),
                form.get("prf"),
            )
            .await?;
        // A new second step offers to end what was signed in before.
        let go = if added.unlocks {
            "/settings/passkeys?notice=added"
        } else {
            "/settings/revoke-others?after=two-step"
        };
        Ok(json!({"go": go}))
    }
    .await;
    Ok(json_reply(result))
}

/// Removes the chosen passkey, with a fresh proof (the password and the
/// second step, if any); a mistake shows the page again.
pub async fn remove(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let attempt = crate::web::auth::attempt(&client, &headers);
    let id = super::path_id(form.get("passkey"))?;
    let result = match state
        .app
        .confirm_with(
            &s.principal,
            form.get("password"),
            second_proof(&form),
            &attempt,
        )
        .await
    {
        Ok(confirmed) => state.app.remove_passkey(&s.principal, confirmed, id).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/settings/passkeys?notice=removed").into_response()),
        Err(
            err @ (AppError::Invalid(_) | AppError::Throttled { .. } | AppError::Unauthorized(_)),
        ) => {
            let mut page = page(&state, &s, None).await?;
            page.remove_error = Some(err.to_string());
            Ok((super::settings::reauth_status(&err), render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// A passkey check standing in for a code on a form that asks for a
/// fresh proof (the script fills the form's hidden fields with it).
pub async fn check(
    State(state): State<WebState>,
    headers: HeaderMap,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    from_script(&headers)?;
    let result = async {
        let ceremony = state.app.begin_passkey_check(&s.principal).await?;
        Ok(json!({"ceremony": ceremony.id, "options": ceremony.options}))
    }
    .await;
    Ok(json_reply(result))
}

/// The same for a browser's code step at sign-in (found by its cookie).
pub async fn check_pending(
    State(state): State<WebState>,
    headers: HeaderMap,
    AnonForm { form, .. }: AnonForm,
) -> PageResult {
    from_script(&headers)?;
    if let Checked::Stale(_) = form {
        return Ok(json_error(AppError::Unauthorized(
            "This page had expired: reload it and try again.".into(),
        )));
    }
    let secret = cookie(&headers, crate::web::auth::PENDING_COOKIE).unwrap_or_default();
    let result = async {
        let ceremony = state.app.begin_pending_passkey_check(secret).await?;
        Ok(json!({"ceremony": ceremony.id, "options": ceremony.options}))
    }
    .await;
    Ok(json_reply(result))
}

/// Begins a passkey sign-in for the name typed.
pub async fn begin_sign_in(
    State(state): State<WebState>,
    headers: HeaderMap,
    AnonForm { form, .. }: AnonForm,
) -> PageResult {
    from_script(&headers)?;
    let Checked::Fresh(form) = form else {
        return Ok(json_error(AppError::Unauthorized(
            "This page had expired: reload it and try again.".into(),
        )));
    };
    let result = async {
        let ceremony = state.app.begin_passkey_sign_in(form.get("name")).await?;
        Ok(json!({"ceremony": ceremony.id, "options": ceremony.options}))
    }
    .await;
    Ok(json_reply(result))
}

/// Finishes a passkey sign-in: the session cookie, and where to go.
pub async fn finish_sign_in(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    AnonForm { form, .. }: AnonForm,
) -> PageResult {
    from_script(&headers)?;
    let Checked::Fresh(form) = form else {
        return Ok(json_error(AppError::Unauthorized(
            "This page had expired: reload it and try again.".into(),
        )));
    };
    let attempt = crate::web::auth::attempt(&client, &headers);
    let ceremony = match ceremony_id(&form) {
        Ok(id) => id,
        Err(err) => return Ok(json_error(err)),
    };
    match state
        .app
        .finish_passkey_sign_in(ceremony, form.get("credential"), form.get("prf"), &attempt)
        .await
    {
        Ok(done) => {
            let secure = state.settings.secure_cookies;
            let response = Json(json!({"go": safe_next(form.get("next"))})).into_response();
            Ok(with_cookie(
                with_cookie(response, Some(session_cookie(&done.secret, secure))),
                done.device.map(|d| device_cookie(&d, secure)),
            ))
        }
        Err(err) => Ok(json_error(err)),
    }
}
