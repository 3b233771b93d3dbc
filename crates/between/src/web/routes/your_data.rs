//! Your data: download everything (the archive, with the password typed
//! again; the Markdown journal; FHIR measures), bring files in from Between
//! or other journals (one import at a time: the upload takes the app's
//! import slot before its body is read), and delete the account for good
//! (after being offered the download, with the name and the password typed
//! again).

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use between_app::archive::ImportReport;
use between_app::import::{FileImport, Input, Options, Source};
use between_app::AppError;
use serde::Deserialize;

use super::account::with_cookie;
use super::settings::reauth_status;
use crate::web::auth::{clear_session_cookie, SignedIn};
use crate::web::client_addr::ClientAddr;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::import_slot::{Busy, Slot};
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "delete_account.html")]
struct DeletePage {
    layout: Layout,
    name: String,
    /// The name typed, shown again after a mistake (never the password).
    typed: String,
    error: Option<String>,
    /// Which field the error is about: `confirm` or `password`.
    error_field: &'static str,
    /// Whether the account asks for a code as well (two-step sign-in).
    second_factor: between_app::second_factor::SecondSteps,
}

#[derive(Deserialize)]
pub struct ExportParams {
    format: Option<String>,
}

/// A download (never cached) that a signed-in page may link to: the
/// journal as Markdown or the measures as a FHIR bundle. The whole archive
/// needs the password (`export_archive`), so asking for it here leads to
/// its form.
pub async fn export(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<ExportParams>,
) -> PageResult {
    let p = &s.principal;
    let (body, kind, extension) = match q.format.as_deref().unwrap_or("json") {
        "json" => return Ok(Redirect::to("/settings/data#everything").into_response()),
        "markdown" => {
            let entries = state.app.all_entries(p).await?;
            let text = crate::markdown::single(&entries, &p.user.time_zone);
            (text.into_bytes(), "text/markdown; charset=utf-8", "md")
        }
        "fhir" => {
            let bundle = between_app::fhir::bundle(&state.app.measures(p).await?, state.app.now());
            let body = serde_json::to_vec_pretty(&bundle)
                .map_err(|e| PageError::Internal(e.to_string()))?;
            (body, "application/fhir+json", "fhir.json")
        }
        _ => return Err(PageError::NotFound),
    };
    Ok(download(&state, &s, body, kind, extension))
}

fn download(
    state: &WebState,
    s: &SignedIn,
    body: Vec<u8>,
    kind: &str,
    extension: &str,
) -> axum::response::Response {
    let name = format!(
        "attachment; filename=\"between-{}-{}.{extension}\"",
        s.principal.user.name,
        state.app.now().strftime("%Y-%m-%d")
    );
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

/// The whole account as one archive, with the password typed again: a
/// stolen session must not take everything in one download. A wrong
/// password shows the page again with what was wrong.
pub async fn export_archive(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let attempt = crate::web::auth::attempt(&client, &headers);
    let confirmed = state
        .app
        .confirm_with(
            &s.principal,
            form.get("password"),
            super::passkeys::second_proof(&form),
            &attempt,
        )
        .await;
    let archive = match confirmed {
        Ok(confirmed) => {
            state
                .app
                .export_archive(&s.principal, Some(confirmed))
                .await?
        }
        Err(err @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            let mut page = data_page(&state, &s).await?;
            page.download_error = Some(err.to_string());
            return Ok((reauth_status(&err), render(&page)?).into_response());
        }
        Err(err) => return Err(err.into()),
    };
    let body =
        serde_json::to_vec_pretty(&archive).map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(download(&state, &s, body, "application/json", "json"))
}

pub async fn delete_form(State(state): State<WebState>, s: SignedIn) -> PageResult {
    render(&DeletePage {
        layout: Layout::signed_in(&state, &s, "Delete my account", "settings"),
        name: s.principal.user.name.clone(),
        typed: String::new(),
        error: None,
        error_field: "",
        second_factor: state.app.second_step_of(&s.principal).await?,
    })
}

/// Deletes the account once its name is typed again and the password is
/// confirmed in the same request; anything wrong shows the form again and
/// deletes nothing.
pub async fn delete(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let attempt = crate::web::auth::attempt(&client, &headers);
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
                .delete_account(&s.principal, confirmed, form.get("confirm"))
                .await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(()) => Ok(with_cookie(
            Redirect::to("/signin?notice=deleted").into_response(),
            Some(clear_session_cookie(state.settings.secure_cookies)),
        )),
        Err(err @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            let error_field = match &err {
                AppError::Invalid(e) if e.get("confirm").is_some() => "confirm",
                AppError::Invalid(e) if e.get("code").is_some() => "code",
                _ => "password",
            };
            let page = DeletePage {
                layout: Layout::signed_in(&state, &s, "Delete my account", "settings"),
                name: s.principal.user.name.clone(),
                typed: form.get("confirm").to_string(),
                error: Some(err.to_string()),
                error_field,
                second_factor: state.app.second_step_of(&s.principal).await?,
            };
            Ok((reauth_status(&err), render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(Template)]
#[template(path = "your_data.html")]
struct DataPage {
    layout: Layout,
    sources: Vec<(&'static str, &'static str)>,
    from: String,
    map: String,
    mood_map: String,
    error: Option<String>,
    report: Option<ImportReport>,
    added: String,
    /// The largest file imported, as people read it.
    limit: String,
    /// What was wrong with the password for the archive download.
    download_error: Option<String>,
    /// Whether the account asks for a code as well (two-step sign-in).
    second_factor: between_app::second_factor::SecondSteps,
}

async fn data_page(state: &WebState, s: &SignedIn) -> PageResult<DataPage> {
    Ok(DataPage {
        layout: Layout::signed_in(state, s, "Your data", "settings"),
        sources: Source::ALL
            .iter()
            .map(|x| (x.as_str(), x.label()))
            .collect(),
        from: "between".into(),
        map: String::new(),
        mood_map: String::new(),
        error: None,
        report: None,
        added: String::new(),
        limit: between_domain::echo::size(between_app::import::MAX_FILE_BYTES),
        download_error: None,
        second_factor: state.app.second_step_of(&s.principal).await?,
    })
}

pub async fn data(State(state): State<WebState>, s: SignedIn) -> PageResult {
    render(&data_page(&state, &s).await?)
}

/// `Name=value` lines of a text box.
fn lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.split_once('='))
        .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .collect()
}

pub async fn import(
    State(state): State<WebState>,
    slot: Result<Slot, Busy>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let Slot(slot) = slot?;
    let mut page = data_page(&state, &s).await?;
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    if form.has("from") {
        page.from = form.get("from").into();
    }
    page.map = form.get("map").into();
    page.mood_map = form.get("mood_map").into();
    let dry_run = form.has("dry_run");
    // A file part; a client that sent the file as a plain field gets it
    // read as one (it then had to be storable text).
    let file: &[u8] = match form.file("file") {
        Some(bytes) => bytes,
        None => form.get("file").as_bytes(),
    };
    if let Checked::Stale(_) = checked {
        page.error = Some("This form had been open for a long time, so nothing was imported. Please choose the file again.".into());
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    }
    let mut options = Options::default();
    let mut problems = Vec::new();
    for (column, field) in lines(&page.map) {
        options.add_map(&column, &field);
    }
    for (name, n) in lines(&page.mood_map) {
        if let Err(why) = options.add_mood(&name, &n) {
            problems.push(why);
        }
    }
    let source = Source::parse(&page.from);
    if source.is_none() {
        problems.push("Choose where the file comes from.".into());
    }
    if file.is_empty() {
        problems.push("Choose a file to import.".into());
    }
    let result = match (source, problems.is_empty()) {
        (Some(source), true) => {
            let file = FileImport {
                source,
                input: Input::Bytes(file.to_vec()),
                options,
                dry_run,
                progress: None,
            };
            state.app.import_file(&slot, &s.principal, file).await
        }
        _ => Err(AppError::invalid("file", problems.join(" "))),
    };
    match result {
        Ok(report) => {
            page.added = report
                .added_by_kind
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect::<Vec<_>>()
                .join(", ");
            page.report = Some(report);
            render(&page)
        }
        Err(AppError::Invalid(e)) => {
            page.error = Some(format!("Nothing was imported. {e}"));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
