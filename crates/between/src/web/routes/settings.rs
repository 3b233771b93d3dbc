//! Settings pages: password change, "Devices & tokens" (list, revoke one
//! or all, create an API token).

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
        Ok(_) => Ok(Redirect::to("/settings/devices?notice=password").into_response()),
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
    pub current: bool,
}

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage {
    layout: Layout,
    credentials: Vec<CredentialView>,
    /// Whether any device login or token could be revoked at once.
    revocable: bool,
    new_token: Option<String>,
}

async fn devices_page(
    state: &WebState,
    s: &SignedIn,
    new_token: Option<String>,
    notice: Option<&str>,
) -> PageResult {
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
            current: c.id == s.principal.credential_id,
        })
        .collect();
    let credentials: Vec<CredentialView> = credentials;
    render(&DevicesPage {
        layout: Layout::signed_in(state, s, "Devices & tokens", "settings").with_notice(notice),
        revocable: credentials
            .iter()
            .any(|c| c.kind == "device login" || c.kind == "API token"),
        credentials,
        new_token,
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
        Some("password") => Some("Your password is changed. Every other browser was signed out; device logins and API tokens below still work. If your old password may be known to someone else, revoke them all."),
        Some("revoked") => Some("Revoked. It no longer opens your journal."),
        Some("revoked-all") => Some("Every device login and API token is revoked. Sign in again on your devices (between login NAME) and make new tokens where you need them."),
        _ => None,
    };
    devices_page(&state, &s, None, notice).await
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

/// Revokes every device login and API token at once (after a password
/// change or a recovery, when the old password may be in other hands).
pub async fn revoke_all(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    if form.get("confirm") != "yes" {
        return Err(PageError::Unprocessable(
            "Tick “Yes, revoke them all” to revoke every device login and token; nothing was revoked.".into(),
        ));
    }
    state.app.revoke_devices_and_tokens(&s.principal).await?;
    Ok(Redirect::to("/settings/devices?notice=revoked-all").into_response())
}

pub async fn create_token(
    State(state): State<WebState>,
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
    let (_, secret) = state
        .app
        .create_token(&s.principal, form.get("name"), access)
        .await?;
    devices_page(&state, &s, Some(secret), None).await
}
