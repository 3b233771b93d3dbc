//! The route table of the pages: one place to see every URL.

mod account;
mod agenda;
mod appointments;
mod calendar;
mod entry_form;
mod feedback;
mod goals;
mod home;
mod insights;
mod journal;
mod measures;
mod patterns;
mod practices;
mod questions;
mod review;
mod roadblocks;
mod settings;
mod share;
mod statics;
mod trackers;
mod trend;
mod wins;
mod your_data;

use axum::routing::{get, post};
use axum::Router;

use super::WebState;

/// An id from the path; one that does not parse is simply not found.
pub(crate) fn path_id(id: &str) -> Result<uuid::Uuid, crate::web::errors::PageError> {
    uuid::Uuid::parse_str(id).map_err(|_| crate::web::errors::PageError::NotFound)
}

/// Largest accepted form body: a long entry with every field filled.
const FORM_LIMIT: usize = 2 * 1024 * 1024;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home::home))
        .route(
            "/appointments",
            get(appointments::list).post(appointments::create),
        )
        .route("/appointments/new", get(appointments::new_form))
        .route("/appointments/{id}/feedback", post(feedback::save))
        .route("/feedback", get(feedback::overview))
        .route("/goals", get(goals::list).post(goals::create))
        .route("/goals/new", get(goals::new_form))
        .route("/goals/{id}", get(goals::show))
        .route("/goals/{id}/checkins", post(goals::check_in))
        .route("/goals/{id}/status", post(goals::set_status))
        .route("/practices", get(practices::list).post(practices::create))
        .route("/practices/new", get(practices::new_form))
        .route("/practices/{id}", get(practices::show))
        .route("/practices/{id}/logs", post(practices::log))
        .route(
            "/practices/{id}/logs/{log_id}/delete",
            post(practices::unlog),
        )
        .route("/practices/{id}/archive", post(practices::archive))
        .route("/trend", get(trend::page))
        .route("/trackers", get(trackers::show).post(trackers::create))
        .route("/trackers/checkin", post(trackers::check_in))
        .route(
            "/trackers/{id}/delete",
            get(trackers::delete_confirm).post(trackers::delete),
        )
        .route("/patterns", get(patterns::page))
        .route("/patterns/pin", post(patterns::pin))
        .route("/wins", get(wins::page))
        .route("/roadblocks", get(roadblocks::page))
        .route("/agenda", get(agenda::show))
        .route("/agenda/edit", post(agenda::edit))
        .route("/agenda/changes", get(agenda::changes))
        .route("/agenda/download", get(agenda::download))
        .route("/review", get(review::show))
        .route("/review/save", post(review::save))
        .route("/review/download", get(review::download_period))
        .route("/share/accept", get(share::accept_form).post(share::accept))
        .route("/sharing", get(share::sharing))
        .route("/sharing/invite", post(share::invite))
        .route("/sharing/access-log", get(share::access_log))
        .route("/sharing/access-log.csv", get(share::access_log_csv))
        .route("/sharing/{id}", post(share::set_scopes))
        .route("/sharing/{id}/end", post(share::end))
        .route("/clients/{id}", get(share::client))
        .route("/reviews", get(review::list))
        .route("/reviews/interval", post(review::interval))
        .route("/reviews/{id}", get(review::saved))
        .route("/reviews/{id}/delete", post(review::delete))
        .route("/reviews/{id}/download", get(review::download_saved))
        .route("/measures", get(measures::list))
        .route(
            "/measures/take/{instrument}",
            get(measures::take_form).post(measures::take),
        )
        .route("/crisis", get(measures::crisis))
        .route(
            "/safety-plan",
            get(measures::safety_plan).post(measures::save_safety_plan),
        )
        .route("/questions", get(questions::list).post(questions::create))
        .route("/questions/{id}/answer", post(questions::answer))
        .route("/questions/{id}/delete", post(questions::delete))
        .route("/insights", get(insights::list).post(insights::create))
        .route("/insights/{id}/delete", post(insights::delete))
        .route(
            "/appointments/{id}",
            get(appointments::show).post(appointments::update),
        )
        .route("/appointments/{id}/edit", get(appointments::edit_form))
        .route("/appointments/{id}/status", post(appointments::set_status))
        .route(
            "/appointments/{id}/delete",
            get(appointments::delete_confirm).post(appointments::delete),
        )
        .route("/setup", get(account::setup_form).post(account::setup))
        .route("/recovery-code.txt", post(account::recovery_code_file))
        .route("/signin", get(account::signin_form).post(account::signin))
        .route("/signout", post(account::signout))
        .route("/signout-everywhere", post(account::signout_everywhere))
        .route(
            "/recover",
            get(account::recover_form).post(account::recover),
        )
        .route("/journal", get(journal::list).post(journal::create))
        .route("/journal/new", get(journal::new_form))
        .route("/journal/search", get(journal::search))
        .route("/journal/deleted", get(journal::deleted))
        .route("/journal/{id}", get(journal::show).post(journal::update))
        .route("/journal/{id}/edit", get(journal::edit_form))
        .route(
            "/journal/{id}/delete",
            get(journal::delete_confirm).post(journal::delete),
        )
        .route("/journal/{id}/restore", post(journal::restore))
        .route("/settings", get(settings::settings))
        .route("/settings/export", get(your_data::export))
        .route("/settings/data", get(your_data::data))
        .route(
            "/settings/import",
            post(your_data::import).layer(axum::extract::DefaultBodyLimit::max(
                crate::web::api::IMPORT_LIMIT,
            )),
        )
        .route(
            "/settings/delete",
            get(your_data::delete_form).post(your_data::delete),
        )
        .route(
            "/settings/calendar",
            get(calendar::settings).post(calendar::save),
        )
        .route("/settings/calendar/link", post(calendar::link))
        .route("/ical/{file}", get(calendar::feed))
        .route("/settings/time-zone", post(settings::change_time_zone))
        .route(
            "/settings/password",
            get(settings::password_form).post(settings::change_password),
        )
        .route("/settings/devices", get(settings::devices))
        .route("/settings/devices/{id}/revoke", post(settings::revoke))
        .route("/settings/tokens", post(settings::create_token))
        .route("/static/style.css", get(statics::style))
        .route("/static/app.js", get(statics::script))
        .route("/static/icon.svg", get(statics::icon))
        .route("/manifest.webmanifest", get(statics::manifest))
        .route("/healthz", get(statics::healthz))
        .route("/exit", get(statics::exit))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
}
