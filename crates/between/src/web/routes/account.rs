//! Account pages: first-run set-up, sign in and out (with a draft carried
//! across an expired session), and recovery with the recovery code.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use between_app::accounts::{NewUser, Recovery};
use between_app::pending_signin::PENDING_MINUTES;
use between_app::second_factor::SecondSteps;
use between_app::sessions::{SignIn, SignInAs, SignInStep, SignedInWith};
use between_app::throttle::Attempt;
use between_app::{AppError, Role};
use between_domain::ValidationErrors;
use serde::Deserialize;

use super::entry_form::EntryForm;
use super::journal::render_draft;
use crate::web::auth::{
    clear_pending_cookie, clear_session_cookie, cookie, device_cookie, pending_cookie,
    session_cookie, MaybeSignedIn, SignedIn, PENDING_COOKIE,
};
use crate::web::client_addr::ClientAddr;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{
    for_session, AnonCsrf, AnonForm, Checked, FormData, PageQuery, SignedForm, SignedFormOrStale,
};
use crate::web::next_path::{safe_next, FALLBACK};
use crate::web::{Layout, WebState};

const DRAFT_PREFIX: &str = "draft:";

/// Adds a Set-Cookie header to a response.
pub(super) fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    layout: Layout,
    first: bool,
    csrf: String,
    name: String,
    time_zone: String,
    zones: Vec<String>,
    errors: ValidationErrors,
    form_error: Option<String>,
    invite: String,
}

/// Every IANA zone name, sorted, for a datalist.
pub fn zones() -> Vec<String> {
    let mut zones: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    zones.sort();
    zones
}

async fn setup_page(
    state: &WebState,
    csrf: String,
    name: &str,
    zone: &str,
    errors: ValidationErrors,
    form_error: Option<String>,
) -> PageResult<SetupPage> {
    let first = state
        .app
        .store()
        .count_users()
        .await
        .map_err(|e| PageError::Internal(e.to_string()))?
        == 0;
    Ok(SetupPage {
        layout: Layout::new(
            state,
            if first {
                "Welcome"
            } else {
                "Create an account"
            },
            "setup",
        ),
        first,
        csrf,
        name: name.to_string(),
        time_zone: zone.to_string(),
        zones: zones(),
        errors,
        form_error,
        invite: String::new(),
    })
}

#[derive(Deserialize)]
pub struct SetupParams {
    invite: Option<String>,
}

pub async fn setup_form(
    State(state): State<WebState>,
    token: AnonCsrf,
    PageQuery(q): PageQuery<SetupParams>,
) -> PageResult {
    let invite = q.invite.unwrap_or_default();
    if !invite.is_empty() {
        state.app.check_invite(&invite).await?;
    } else if !state.app.web_registration_open().await? {
        return Ok(Redirect::to("/signin").into_response());
    }
    let zone = crate::cli::system_zone();
    let mut page = setup_page(
        &state,
        token.token.clone(),
        "",
        &zone,
        ValidationErrors::new(),
        None,
    )
    .await?;
    page.invite = invite;
    Ok(with_cookie(render(&page)?, token.set_cookie))
}

#[derive(Template)]
#[template(path = "welcome.html")]
struct WelcomePage {
    layout: Layout,
    heading: &'static str,
    code: String,
    next: &'static str,
}

pub async fn setup(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    AnonForm {
        token,
        form: checked,
    }: AnonForm,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let invite = form.get("invite").to_string();
    if invite.is_empty() && !state.app.web_registration_open().await? {
        return Err(PageError::BadRequest(
            "New accounts can only be created with an invitation or by the operator of this server.".into(),
        ));
    }
    let (name, zone) = (form.get("name"), form.get("time_zone"));
    let page_again = |errors: ValidationErrors, form_error: Option<String>| {
        let (state, token, invite) = (&state, token.token.clone(), invite.clone());
        async move {
            let mut page = setup_page(state, token, name, zone, errors, form_error).await?;
            page.invite = invite;
            Ok::<SetupPage, PageError>(page)
        }
    };
    if let Checked::Stale(_) = checked {
        let page = page_again(
            ValidationErrors::new(),
            Some("This form had expired, so nothing was created. Please enter your password again and submit.".into()),
        )
        .await?;
        return Ok(with_cookie(
            (StatusCode::BAD_REQUEST, render(&page)?).into_response(),
            token.set_cookie,
        ));
    }
    let new = NewUser {
        name,
        password: form.get("password"),
        role: Role::Client,
        time_zone: zone,
    };
    let registered = if invite.is_empty() {
        state.app.register(new).await
    } else {
        state.app.register_with_invite(&invite, new).await
    };
    let registered = match registered {
        Ok(r) => r,
        Err(AppError::Invalid(errors)) => {
            let page = page_again(errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
        Err(AppError::Conflict(message)) => {
            let page = page_again(ValidationErrors::single("name", message), None).await?;
            return Ok((StatusCode::CONFLICT, render(&page)?).into_response());
        }
        Err(err) => return Err(err.into()),
    };
    let welcome = Welcome {
        title: "Your recovery code",
        heading: "Your account is ready",
        code: registered.recovery_code,
        next: "/journal/new",
    };
    let attempt = crate::web::auth::attempt(&client, &headers);
    signed_in_welcome(
        &state,
        &registered.user.name,
        form.get("password"),
        attempt,
        welcome,
    )
    .await
}

/// What the page after sign-up or recovery says.
struct Welcome {
    title: &'static str,
    heading: &'static str,
    code: String,
    next: &'static str,
}

/// Signs the person in and shows their (new) recovery code once.
async fn signed_in_welcome(
    state: &WebState,
    name: &str,
    password: &str,
    attempt: Attempt<'_>,
    w: Welcome,
) -> PageResult {
    let done = state
        .app
        .sign_in_with(SignIn {
            name,
            password,
            attempt,
            as_: SignInAs::WebSession,
            label: "web browser",
        })
        .await?;
    welcome_page(state, done, w)
}

/// The page after sign-up or recovery, with the new session's cookies.
fn welcome_page(state: &WebState, done: SignedInWith, w: Welcome) -> PageResult {
    let SignedInWith {
        principal,
        secret,
        device,
    } = done;
    let s = SignedIn {
        principal,
        csrf: for_session(&secret),
    };
    let page = WelcomePage {
        layout: Layout::signed_in(state, &s, w.title, "setup"),
        heading: w.heading,
        code: w.code,
        next: w.next,
    };
    let secure = state.settings.secure_cookies;
    Ok(with_cookie(
        with_cookie(render(&page)?, Some(session_cookie(&secret, secure))),
        device.map(|d| device_cookie(&d, secure)),
    ))
}

/// The recovery code as a file to keep.
pub async fn recovery_code_file(SignedFormOrStale { s, form }: SignedFormOrStale) -> PageResult {
    let Checked::Fresh(form) = form else {
        return Err(PageError::BadRequest(
            "This page had expired; the recovery code is still shown on it.".into(),
        ));
    };
    let code: String = form
        .get("code")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    if code.is_empty() {
        return Err(PageError::BadRequest(
            "There is no recovery code to save: it is shown once, right after it is made.".into(),
        ));
    }
    let text = format!(
        "Recovery code for the account \"{}\":\n\n{code}\n\nKeep this private. It opens your journal if you forget your password.\n",
        s.principal.user.name
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"recovery-code.txt\"",
            ),
        ],
        text,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    layout: Layout,
    csrf: String,
    next: String,
    name: String,
    error: Option<String>,
    draft: Vec<(String, String)>,
    has_draft: bool,
    registration_open: bool,
    /// Whether the "Sign in with a passkey" button may show.
    passkeys: bool,
}

#[derive(Deserialize)]
pub struct SigninParams {
    next: Option<String>,
    notice: Option<String>,
}

pub async fn signin_form(
    State(state): State<WebState>,
    token: AnonCsrf,
    MaybeSignedIn(s): MaybeSignedIn,
    PageQuery(q): PageQuery<SigninParams>,
) -> PageResult {
    if s.is_some() {
        return Ok(Redirect::to(FALLBACK).into_response());
    }
    let notice = match q.notice.as_deref() {
        Some("signed-out") => Some("You are signed out."),
        Some("recovered") => Some("Your new password is set. Sign in with it."),
        Some("deleted") => Some("Your account and everything in it are deleted."),
        _ => None,
    };
    let page = SigninPage {
        layout: Layout::new(&state, "Sign in", "signin").with_notice(notice),
        csrf: token.token.clone(),
        next: safe_next(q.next.as_deref().unwrap_or(FALLBACK)),
        name: String::new(),
        error: None,
        draft: Vec::new(),
        has_draft: false,
        registration_open: state.app.web_registration_open().await?,
        passkeys: state.app.passkeys_available().is_ok(),
    };
    Ok(with_cookie(render(&page)?, token.set_cookie))
}

/// The sign-in page for someone whose session ended while they wrote: the
/// entry travels along in hidden fields and comes back after signing in.
pub async fn signin_with_draft(state: &WebState, form: &EntryForm, action: &str) -> PageResult {
    let token = AnonCsrf::fresh(state).await?;
    let mut draft: Vec<(String, String)> = form.to_pairs();
    draft.push(("_action".into(), action.to_string()));
    let page = SigninPage {
        layout: Layout::new(state, "Sign in", "signin"),
        csrf: token.token.clone(),
        next: action.to_string(),
        name: String::new(),
        error: None,
        draft,
        has_draft: true,
        registration_open: false,
        passkeys: state.app.passkeys_available().is_ok(),
    };
    Ok(with_cookie(
        (StatusCode::UNAUTHORIZED, render(&page)?).into_response(),
        token.set_cookie,
    ))
}

pub async fn signin(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    AnonForm {
        token,
        form: checked,
    }: AnonForm,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let draft = form.under(DRAFT_PREFIX);
    let draft_pairs = draft.pairs().to_vec();
    let page = |error: String| SigninPage {
        layout: Layout::new(&state, "Sign in", "signin"),
        csrf: token.token.clone(),
        next: safe_next(form.get("next")),
        name: form.get("name").to_string(),
        error: Some(error),
        has_draft: !draft_pairs.is_empty(),
        draft: draft_pairs.clone(),
        registration_open: false,
        passkeys: state.app.passkeys_available().is_ok(),
    };
    if let Checked::Stale(_) = checked {
        let p = page("This sign-in form had expired (or cookies are blocked). Please enter your password again.".into());
        return Ok(with_cookie(
            (StatusCode::BAD_REQUEST, render(&p)?).into_response(),
            token.set_cookie,
        ));
    }
    let attempt = crate::web::auth::attempt(&client, &headers);
    let result = state
        .app
        .sign_in_step(
            SignIn {
                name: form.get("name"),
                password: form.get("password"),
                attempt,
                as_: SignInAs::WebSession,
                label: "web browser",
            },
            None,
        )
        .await;
    let done = match result {
        Ok(SignInStep::Done(done)) => *done,
        Ok(SignInStep::Code(pending)) => {
            let (codes, passkeys) = offers(&state, Some(pending.steps));
            let page = CodePage {
                layout: Layout::new(&state, "Sign in: code", "signin"),
                csrf: token.token.clone(),
                next: safe_next(form.get("next")),
                draft: draft_pairs.clone(),
                error: None,
                minutes: PENDING_MINUTES,
                codes,
                passkeys,
            };
            return Ok(with_cookie(
                render(&page)?,
                Some(pending_cookie(
                    &pending.secret,
                    pending.max_age,
                    state.settings.secure_cookies,
                )),
            ));
        }
        Err(err @ (AppError::Unauthorized(_) | AppError::Throttled { .. })) => {
            let status = if matches!(err, AppError::Throttled { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            return Ok((status, render(&page(err.to_string()))?).into_response());
        }
        Err(err) => return Err(err.into()),
    };
    signed_in_response(&state, done, form.get("next"), &draft, None)
}

/// Where a finished sign-in goes: the entry written before the session
/// ended back in its form, or the page asked for; with the session cookie
/// (and the known-device cookie for a browser that had none).
fn signed_in_response(
    state: &WebState,
    done: SignedInWith,
    next: &str,
    draft: &FormData,
    extra_cookie: Option<HeaderValue>,
) -> PageResult {
    let SignedInWith {
        principal,
        secret,
        device,
    } = done;
    let secure = state.settings.secure_cookies;
    let device = device.map(|d| device_cookie(&d, secure));
    let cookie = Some(session_cookie(&secret, secure));
    let response = if !draft.pairs().is_empty() {
        let s = SignedIn {
            principal,
            csrf: for_session(&secret),
        };
        let entry_form = EntryForm::read(draft);
        let action = safe_next(draft.get("_action"));
        let action = if action.starts_with("/journal") {
            action
        } else {
            "/journal".into()
        };
        render_draft(state, &s, &entry_form, &action)?
    } else {
        Redirect::to(&safe_next(next)).into_response()
    };
    Ok(with_cookie(
        with_cookie(with_cookie(response, cookie), device),
        extra_cookie,
    ))
}

#[derive(Template)]
#[template(path = "signin_code.html")]
struct CodePage {
    layout: Layout,
    csrf: String,
    next: String,
    draft: Vec<(String, String)>,
    error: Option<String>,
    minutes: i64,
    /// The code field shows.
    codes: bool,
    /// The passkey button shows.
    passkeys: bool,
}

/// What the code step offers, from the account's second steps (a code
/// field when nothing is known).
fn offers(state: &WebState, steps: Option<SecondSteps>) -> (bool, bool) {
    match steps {
        Some(steps) => (
            steps.codes,
            steps.passkey_usable() && state.app.passkeys_available().is_ok(),
        ),
        None => (true, false),
    }
}

#[derive(Deserialize)]
pub struct CodeParams {
    next: Option<String>,
}

/// The code step again (a reload): only while this browser has one
/// waiting, else the sign-in page.
pub async fn signin_code_form(
    State(state): State<WebState>,
    headers: HeaderMap,
    token: AnonCsrf,
    PageQuery(q): PageQuery<CodeParams>,
) -> PageResult {
    let secret = cookie(&headers, PENDING_COOKIE).unwrap_or_default();
    let Ok(steps) = state.app.pending_steps(secret).await else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let (codes, passkeys) = offers(&state, Some(steps));
    let page = CodePage {
        layout: Layout::new(&state, "Sign in: code", "signin"),
        csrf: token.token.clone(),
        next: safe_next(q.next.as_deref().unwrap_or(FALLBACK)),
        draft: Vec::new(),
        error: None,
        minutes: PENDING_MINUTES,
        codes,
        passkeys,
    };
    Ok(with_cookie(render(&page)?, token.set_cookie))
}

/// Finishes a sign-in with the code of the second factor. A wrong code
/// shows the step again; a step that is gone (used, expired, too many
/// wrong codes) goes back to the password.
pub async fn signin_code(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    AnonForm {
        token,
        form: checked,
    }: AnonForm,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let draft = form.under(DRAFT_PREFIX);
    let secure = state.settings.secure_cookies;
    let secret = cookie(&headers, PENDING_COOKIE).unwrap_or_default();
    let (codes, passkeys) = offers(&state, state.app.pending_steps(secret).await.ok());
    let code_page = |error: String| CodePage {
        layout: Layout::new(&state, "Sign in: code", "signin"),
        csrf: token.token.clone(),
        next: safe_next(form.get("next")),
        draft: draft.pairs().to_vec(),
        error: Some(error),
        minutes: PENDING_MINUTES,
        codes,
        passkeys,
    };
    if let Checked::Stale(_) = checked {
        let p = code_page(
            "This form had expired (or cookies are blocked). Please enter the code again.".into(),
        );
        return Ok(with_cookie(
            (StatusCode::BAD_REQUEST, render(&p)?).into_response(),
            token.set_cookie,
        ));
    }
    let attempt = crate::web::auth::attempt(&client, &headers);
    match state
        .app
        .finish_pending_sign_in(secret, super::passkeys::second_proof(form), &attempt)
        .await
    {
        Ok(done) => signed_in_response(
            &state,
            done,
            form.get("next"),
            &draft,
            Some(clear_pending_cookie(secure)),
        ),
        Err(err @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            let status = if matches!(err, AppError::Throttled { .. }) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            Ok((status, render(&code_page(err.to_string()))?).into_response())
        }
        Err(err @ AppError::Unauthorized(_)) => {
            let page = SigninPage {
                layout: Layout::new(&state, "Sign in", "signin"),
                csrf: token.token.clone(),
                next: safe_next(form.get("next")),
                name: String::new(),
                error: Some(err.to_string()),
                has_draft: !draft.pairs().is_empty(),
                draft: draft.pairs().to_vec(),
                registration_open: false,
                passkeys: state.app.passkeys_available().is_ok(),
            };
            Ok(with_cookie(
                (StatusCode::UNAUTHORIZED, render(&page)?).into_response(),
                Some(clear_pending_cookie(secure)),
            ))
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn signout(
    State(state): State<WebState>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    state.app.sign_out(&s.principal).await?;
    Ok(with_cookie(
        Redirect::to("/signin?notice=signed-out").into_response(),
        Some(clear_session_cookie(state.settings.secure_cookies)),
    ))
}

#[derive(Template)]
#[template(path = "recover.html")]
struct RecoverPage {
    layout: Layout,
    csrf: String,
    name: String,
    code: String,
    error: Option<String>,
}

pub async fn recover_form(State(state): State<WebState>, token: AnonCsrf) -> PageResult {
    let page = RecoverPage {
        layout: Layout::new(&state, "Recover access", "signin"),
        csrf: token.token.clone(),
        name: String::new(),
        code: String::new(),
        error: None,
    };
    Ok(with_cookie(render(&page)?, token.set_cookie))
}

pub async fn recover(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    AnonForm {
        token,
        form: checked,
    }: AnonForm,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let page = |error: String| RecoverPage {
        layout: Layout::new(&state, "Recover access", "signin"),
        csrf: token.token.clone(),
        name: form.get("name").to_string(),
        code: form.get("code").to_string(),
        error: Some(error),
    };
    if let Checked::Stale(_) = checked {
        let p = page("This form had expired. Please submit it again.".into());
        return Ok(with_cookie(
            (StatusCode::BAD_REQUEST, render(&p)?).into_response(),
            token.set_cookie,
        ));
    }
    let attempt = crate::web::auth::attempt(&client, &headers);
    let recovered = match state
        .app
        .recover_and_sign_in(
            Recovery {
                name: form.get("name"),
                code: form.get("code"),
                new_password: form.get("password"),
                drop_second_factors: form.get("codes_off") == "yes",
            },
            &attempt,
        )
        .await
    {
        Ok(recovered) => recovered,
        Err(err) if err.is_input_error() => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&page(err.to_string()))?,
            )
                .into_response());
        }
        Err(err) => return Err(err.into()),
    };
    let welcome = Welcome {
        title: "Your new recovery code",
        heading: "Your new password is set",
        code: recovered.recovery_code,
        // What else can open the account, to end it if the old password
        // was in someone else's hands.
        next: "/settings/revoke-others?after=recovery",
    };
    welcome_page(&state, recovered.signed_in, welcome)
}
