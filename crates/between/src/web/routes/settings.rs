//! Settings pages: password change, "Devices & tokens" (list, revoke one,
//! create an API token with the password confirmed). Ending everything else
//! at once is the "revoke other credentials" page (`revoke_others.rs`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use between_app::sessions::CredentialInfo;
use between_app::{Access, AppError};
use between_store::CredentialKind;
use uuid::Uuid;

use between_app::throttle::Attempt;

use crate::web::auth::{clear_session_cookie, cookie, SignedIn, DEVICE_COOKIE};
use crate::web::client_addr::ClientAddr;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::routes::account::zones;
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    user: String,
    zone: String,
    zones: Vec<String>,
    error: Option<String>,
}

pub async fn settings(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<NoticeParam>,
) -> PageResult {
    let notice = (q.notice.as_deref() == Some("zone")).then_some("Your time zone is changed.");
    render(&SettingsPage {
        layout: Layout::signed_in(&state, &s, "Settings", "settings").with_notice(notice),
        user: s.principal.user.name.clone(),
        zone: s.principal.user.time_zone_name().to_string(),
        zones: zones(),
        error: None,
    })
}

pub async fn change_time_zone(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    match state
        .app
        .set_time_zone(&s.principal, form.get("time_zone"))
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings?notice=zone").into_response()),
        Err(AppError::Invalid(e)) => {
            let page = SettingsPage {
                layout: Layout::signed_in(&state, &s, "Settings", "settings"),
                user: s.principal.user.name.clone(),
                zone: form.get("time_zone").to_string(),
                zones: zones(),
                error: Some(e.to_string()),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    error: Option<String>,
}

pub async fn password_form(State(state): State<WebState>, s: SignedIn) -> PageResult {
    render(&PasswordPage {
        layout: Layout::signed_in(&state, &s, "Change password", "settings"),
        error: None,
    })
}

pub async fn change_password(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let again = |message: String, status| -> PageResult {
        let page = PasswordPage {
            layout: Layout::signed_in(&state, &s, "Change password", "settings"),
            error: Some(message),
        };
        Ok((status, render(&page)?).into_response())
    };
    if let Checked::Stale(_) = checked {
        return again(
            "This form had expired. Please enter both passwords again.".into(),
            StatusCode::BAD_REQUEST,
        );
    }
    match state
        .app
        .change_password(
            &s.principal,
            form.get("current_password"),
            form.get("new_password"),
            &Attempt {
                client: &client,
                device: cookie(&headers, DEVICE_COOKIE),
            },
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/settings/revoke-others?after=password").into_response()),
        Err(AppError::Invalid(e)) => again(e.to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        Err(err @ AppError::Throttled { .. }) => {
            again(err.to_string(), StatusCode::TOO_MANY_REQUESTS)
        }
        Err(err) => Err(err.into()),
    }
}

pub struct CredentialView {
    pub id: Uuid,
    pub label: String,
    pub kind: &'static str,
    pub access: &'static str,
    pub created: String,
    pub last_used: String,
    /// When a token stops working, if it was given an expiry.
    pub expires: Option<String>,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage {
    layout: Layout,
    credentials: Vec<CredentialView>,
    /// Whether anything but this session can open the account.
    others: bool,
    new_token: Option<String>,
    /// The token form again after a wrong password (never the password).
    token_form: TokenForm,
    /// Whether the account asks for a code as well (two-step sign-in).
    second_factor: between_app::second_factor::SecondSteps,
}

/// What the token form shows: the label and scope typed, and what was wrong.
#[derive(Default)]
struct TokenForm {
    label: String,
    read_write: bool,
    expires_days: String,
    error: Option<String>,
}

/// Every credential of the account as the pages list them.
pub(super) async fn credential_views(
    state: &WebState,
    s: &SignedIn,
) -> Result<Vec<CredentialView>, PageError> {
    let tz = s.principal.user.time_zone.clone();
    let fmt = |t: jiff::Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%-d %b %Y %H:%M")
            .to_string()
    };
    let credentials = state
        .app
        .credentials(&s.principal)
        .await?
        .into_iter()
        .map(|c: CredentialInfo| CredentialView {
            id: c.id,
            label: c.label.clone(),
            kind: match c.kind {
                CredentialKind::Session => "browser session",
                CredentialKind::Device => "device login",
                CredentialKind::Calendar => "calendar feed",
                _ => "API token",
            },
            access: match c.access {
                Access::Full => "read and write",
                Access::WriteOnly => "write-only",
                Access::Calendar => "calendar titles and times",
            },
            created: fmt(c.created_at),
            last_used: c.last_used_at.map(fmt).unwrap_or_else(|| "never".into()),
            expires: c
                .expires_at
                .filter(|_| c.kind == CredentialKind::Token)
                .map(fmt),
            current: c.id == s.principal.credential_id,
        })
        .collect();
    Ok(credentials)
}

async fn devices_page(
    state: &WebState,
    s: &SignedIn,
    new_token: Option<String>,
    notice: Option<&str>,
    token_form: TokenForm,
) -> PageResult {
    let credentials = credential_views(state, s).await?;
    render(&DevicesPage {
        layout: Layout::signed_in(state, s, "Devices & tokens", "settings").with_notice(notice),
        others: credentials.iter().any(|c| !c.current),
        credentials,
        new_token,
        token_form,
        second_factor: state.app.second_step_of(&s.principal).await?,
    })
}

#[derive(serde::Deserialize)]
pub struct NoticeParam {
    notice: Option<String>,
}

pub async fn devices(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<NoticeParam>,
) -> PageResult {
    let notice = match q.notice.as_deref() {
        Some("revoked") => Some("Revoked. It no longer opens your journal."),
        _ => None,
    };
    devices_page(&state, &s, None, notice, TokenForm::default()).await
}

pub async fn revoke(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::NotFound)?;
    state.app.revoke_credential(&s.principal, id).await?;
    if id == s.principal.credential_id {
        let mut response = Redirect::to("/signin?notice=signed-out").into_response();
        response.headers_mut().insert(
            header::SET_COOKIE,
            clear_session_cookie(state.settings.secure_cookies),
        );
        return Ok(response);
    }
    Ok(Redirect::to("/settings/devices?notice=revoked").into_response())
}

/// Creates an API token, with the password confirmed in the same request
/// (a read-write token holds the root key and never expires: a stolen
/// session must not be able to mint one). A wrong password shows the form
/// again with what was wrong; nothing is created.
pub async fn create_token(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    // No choice means the least a token can do; an unknown one is an error.
    let access = match form.get("scope") {
        "" => Access::WriteOnly,
        given => Access::parse(given).ok_or_else(|| {
            PageError::BadRequest(format!(
                "\"{given}\" is not a kind of token: choose write-only or read-write."
            ))
        })?,
    };
    let attempt = crate::web::auth::attempt(&client, &headers);
    let result = match expiry(&state, form.get("expires_days")) {
        Ok(expires_at) => match state
            .app
            .confirm_with(
                &s.principal,
                form.get("password"),
                super::passkeys::second_proof(&form),
                &attempt,
            )
            .await
        {
            Ok(confirmed) => {
                state
                    .app
                    .create_token_until(
                        &s.principal,
                        confirmed,
                        form.get("name"),
                        access,
                        expires_at,
                    )
                    .await
            }
            Err(err) => Err(err),
        },
        Err(err) => Err(err),
    };
    match result {
        Ok((_, secret)) => devices_page(&state, &s, Some(secret), None, TokenForm::default()).await,
        Err(err @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            let status = reauth_status(&err);
            let form = TokenForm {
                label: form.get("name").to_string(),
                read_write: access == Access::Full,
                expires_days: form.get("expires_days").to_string(),
                error: Some(err.to_string()),
            };
            Ok((status, devices_page(&state, &s, None, None, form).await?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// A token's expiry from the form's "expires after N days" (empty: none).
fn expiry(state: &WebState, days: &str) -> Result<Option<jiff::Timestamp>, AppError> {
    let days = days.trim();
    if days.is_empty() {
        return Ok(None);
    }
    match days.parse::<i64>() {
        Ok(n @ 1..=3650) => Ok(Some(
            state.app.now() + jiff::SignedDuration::from_hours(24 * n),
        )),
        _ => Err(AppError::invalid(
            "expires_days",
            "A token can expire after 1 to 3650 days; leave it empty for none.",
        )),
    }
}

/// The status of a refused password confirmation: 429 when throttled, 422
/// for a wrong password (or another field's problem).
pub(super) fn reauth_status(err: &AppError) -> StatusCode {
    match err {
        AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}
