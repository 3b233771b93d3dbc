//! Warning signs on the safety plan page: a form that builds a rule from
//! choices and numbers (no free-text code), and deleting one. The list
//! with what matches now is part of the plan page (`measures.rs`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::AppError;
use between_domain::measure::Instrument;
use between_domain::warning_sign::{Rule, WarningSign};

use crate::web::errors::{render, PageResult};
use crate::web::forms::{FormData, SignedForm};
use crate::web::WebState;

/// A number field, or a message naming it.
fn number<T: std::str::FromStr>(form: &FormData, field: &str, what: &str) -> Result<T, String> {
    form.get(field)
        .trim()
        .replace(',', ".")
        .parse::<T>()
        .map_err(|_| format!("{what}: write a number."))
}

/// The rule the form describes.
pub fn rule_of(form: &FormData) -> Result<Rule, String> {
    Ok(match form.get("look") {
        "tracker" => Rule::Tracker {
            tracker: form.get("tracker").to_string(),
            below: form.get("direction") != "above",
            value: number(form, "value", "The line")?,
            days: number(form, "tracker_days", "Days in a row")?,
        },
        "mood" => Rule::LowMood {
            at_most: number(form, "mood_at_most", "The mood")?,
            days: number(form, "mood_days", "How many days")?,
            window: number(form, "mood_within", "Within how many days")?,
        },
        "tag" => Rule::Tag {
            tag: form.get("tag").to_string(),
            times: number(form, "tag_times", "How many times")?,
            window: number(form, "tag_within", "Within how many days")?,
        },
        "feeling" => Rule::Feeling {
            feeling: form.get("feeling").to_string(),
            at_least: number(form, "feeling_at_least", "How strong")?,
            window: number(form, "feeling_within", "Within how many days")?,
        },
        "measure" => Rule::MeasureWorse {
            instrument: Instrument::parse(form.get("instrument")).map_err(|e| e.to_string())?,
        },
        _ => return Err("Choose what Between should look for.".into()),
    })
}

/// `POST /safety-plan/warning-signs`: adds one.
pub async fn add(State(state): State<WebState>, SignedForm { s, form }: SignedForm) -> PageResult {
    let result = match rule_of(&form) {
        Ok(rule) => {
            let sign = WarningSign {
                name: form.get("name").to_string(),
                rule,
                tell: form
                    .all("tell")
                    .into_iter()
                    .filter_map(|id| uuid::Uuid::parse_str(id.trim()).ok())
                    .collect(),
            };
            state.app.add_warning_sign(&s.principal, sign).await
        }
        Err(why) => Err(AppError::invalid("rule", why)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/safety-plan?sign=added#warning-signs").into_response()),
        Err(AppError::Invalid(e)) => {
            let mut page = super::measures::plan_page(&state, &s, None).await?;
            page.sign_error = Some(e.to_string());
            page.sign_name = form.get("name").to_string();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /safety-plan/warning-signs/{id}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    state.app.delete_warning_sign(&s.principal, id).await?;
    Ok(Redirect::to("/safety-plan?sign=deleted#warning-signs").into_response())
}
