//! Settings → Two-step sign-in: turning codes from an authenticator app
//! on (a new secret shown as a QR code and as text, confirmed with a code
//! the app shows and the password) and off (the password and a current
//! code). The work and the checks are `App::enable_totp`,
//! `App::disable_second_factor` and `App::confirm`.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect};
use between_app::second_factor::{Enrolment, SecondFactorInfo, TOTP};
use between_app::AppError;
use qrcode::render::svg;
use qrcode::QrCode;
use serde::Deserialize;

use super::settings::reauth_status;
use crate::web::auth::SignedIn;
use crate::web::client_addr::ClientAddr;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{PageQuery, SignedForm};
use crate::web::{Layout, WebState};

const TITLE: &str = "Two-step sign-in";

/// The enrolment form: the secret three ways (QR code, text, hidden field).
struct Setup {
    secret: String,
    /// The secret in groups of four, for typing.
    grouped: String,
    qr: String,
}

struct Factor {
    what: &'static str,
    since: String,
    last_used: String,
}

#[derive(Template)]
#[template(path = "two_step.html")]
struct TwoStepPage {
    layout: Layout,
    /// The factor in use, if codes are on.
    on: Option<Factor>,
    setup: Option<Setup>,
    error: Option<String>,
    /// A passkey is a second step already (Settings → Passkeys).
    passkey_step: bool,
}

/// The `otpauth://` address as an inline SVG QR code (no image service,
/// no script).
fn qr_svg(uri: &str) -> Result<String, PageError> {
    let code = QrCode::new(uri.as_bytes()).map_err(|e| PageError::Internal(e.to_string()))?;
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Inline in HTML: no XML declaration; a title for screen readers.
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code to add Between to your authenticator app\" ",
        1,
    ))
}

fn setup(enrolment: &Enrolment) -> Result<Setup, PageError> {
    let grouped = enrolment
        .secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Setup {
        secret: enrolment.secret.clone(),
        grouped,
        qr: qr_svg(&enrolment.uri)?,
    })
}

async fn page(state: &WebState, s: &SignedIn, notice: Option<&str>) -> PageResult<TwoStepPage> {
    let tz = &s.principal.user.time_zone;
    let fmt = |t: jiff::Timestamp| {
        t.to_zoned(tz.clone())
            .strftime("%-d %b %Y, %H:%M")
            .to_string()
    };
    let factors: Vec<SecondFactorInfo> = state.app.second_factors(&s.principal).await?;
    let on = factors.iter().find(|f| f.kind == TOTP).map(|f| Factor {
        what: f.label(),
        since: fmt(f.created_at),
        last_used: f.last_used_at.map(fmt).unwrap_or_else(|| "never".into()),
    });
    let setup = match on {
        Some(_) => None,
        None => Some(setup(&state.app.totp_enrolment(&s.principal)?)?),
    };
    Ok(TwoStepPage {
        layout: Layout::signed_in(state, s, TITLE, "settings").with_notice(notice),
        on,
        setup,
        error: None,
        passkey_step: state.app.second_step_of(&s.principal).await?.passkey_step,
    })
}

#[derive(Deserialize)]
pub struct Params {
    notice: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<Params>,
) -> PageResult {
    let notice = match q.notice.as_deref() {
        Some("off") => Some("Two-step sign-in is off: your password alone signs you in."),
        _ => None,
    };
    render(&page(&state, &s, notice).await?)
}

/// Turns codes on once the app's code for the new secret and the password
/// are right; then offers to end what was signed in before.
pub async fn turn_on(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    if state.app.second_step_of(&s.principal).await?.codes {
        return Err(PageError::BadRequest(
            "Two-step sign-in is on already; to use another app, turn it off first.".into(),
        ));
    }
    let attempt = crate::web::auth::attempt(&client, &headers);
    let secret = form.get("secret");
    let result = match state
        .app
        .confirm_password(&s.principal, form.get("password"), &attempt)
        .await
    {
        Ok(confirmed) => {
            state
                .app
                .enable_totp(&s.principal, confirmed, secret, form.get("code"))
                .await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/settings/revoke-others?after=two-step").into_response()),
        Err(err @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            let mut again = page(&state, &s, None).await?;
            // The same secret again, so a code from the app that has it
            // already works on the next try.
            if let Ok(totp) = between_domain::totp::Totp::from_base32(secret) {
                again.setup = Some(setup(&Enrolment {
                    secret: totp.secret_base32(),
                    uri: totp
                        .otpauth_uri(between_app::second_factor::ISSUER, &s.principal.user.name),
                })?);
            }
            again.error = Some(err.to_string());
            Ok((reauth_status(&err), render(&again)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// Turns codes off with the password and a current code.
pub async fn turn_off(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let attempt = crate::web::auth::attempt(&client, &headers);
    let factor = state
        .app
        .second_factors(&s.principal)
        .await?
        .into_iter()
        .find(|f| f.kind == TOTP)
        .ok_or_else(|| PageError::BadRequest("Two-step sign-in is off already.".into()))?;
    let result = match state
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
                .disable_second_factor(&s.principal, confirmed, factor.id)
                .await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/settings/two-step?notice=off").into_response()),
        Err(err @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            let mut again = page(&state, &s, None).await?;
            again.error = Some(err.to_string());
            Ok((reauth_status(&err), render(&again)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_inline_svg_with_a_name() {
        let svg =
            qr_svg("otpauth://totp/Between:ada?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label="),
            "{}",
            &svg[..80]
        );
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains("<path") || svg.contains("<rect"));
    }
}
