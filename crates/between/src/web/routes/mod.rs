//! The route table of the pages: one place to see every URL.

mod account;
mod agenda;
mod appointments;
mod calendar;
mod confirm;
mod entry_form;
mod excerpts;
mod feedback;
mod goals;
mod home;
mod insights;
mod journal;
mod measures;
mod offline;
mod passkeys;
mod patterns;
mod practices;
mod private_links;
mod questions;
mod reminder_links;
mod reminders;
mod review;
mod revoke_others;
mod roadblocks;
mod security_log;
mod settings;
mod share;
mod statics;
mod trackers;
mod trend;
mod two_step;
mod warning_signs;
mod wins;
mod your_data;

use super::route_table::{get, post, Route};

/// An id from the path; one that does not parse is simply not found.
pub(crate) fn path_id(id: &str) -> Result<uuid::Uuid, crate::web::errors::PageError> {
    uuid::Uuid::parse_str(id).map_err(|_| crate::web::errors::PageError::NotFound)
}

/// Largest accepted form body: a long entry with every field filled.
pub(super) const FORM_LIMIT: usize = 2 * 1024 * 1024;

/// Every page: method, path, handler.
pub fn table() -> Vec<Route> {
    vec![
        get("/", home::home),
        get("/appointments", appointments::list),
        post("/appointments", appointments::create),
        get("/appointments/new", appointments::new_form),
        post("/appointments/{id}/feedback", feedback::save),
        get("/feedback", feedback::overview),
        get("/goals", goals::list),
        post("/goals", goals::create),
        get("/goals/new", goals::new_form),
        get("/goals/{id}", goals::show),
        post("/goals/{id}/checkins", goals::check_in),
        post("/goals/{id}/status", goals::set_status),
        get("/practices", practices::list),
        post("/practices", practices::create),
        get("/practices/new", practices::new_form),
        get("/practices/{id}", practices::show),
        post("/practices/{id}/logs", practices::log),
        post("/practices/{id}/logs/{log_id}/delete", practices::unlog),
        post("/practices/{id}/archive", practices::archive),
        post("/practices/assigned/{id}", practices::answer_assignment),
        get("/trend", trend::page),
        get("/trackers", trackers::show),
        post("/trackers", trackers::create),
        post("/trackers/checkin", trackers::check_in),
        get("/trackers/{id}/delete", trackers::delete_confirm),
        post("/trackers/{id}/delete", trackers::delete),
        get("/patterns", patterns::page),
        post("/patterns/pin", patterns::pin),
        get("/wins", wins::page),
        get("/roadblocks", roadblocks::page),
        get("/agenda", agenda::show),
        post("/agenda/edit", agenda::edit),
        get("/agenda/changes", agenda::changes),
        get("/agenda/download", agenda::download),
        get("/review", review::show),
        post("/review/save", review::save),
        get("/review/download", review::download_period),
        get("/share/accept", share::accept_form),
        post("/share/accept", share::accept),
        get("/sharing", share::sharing),
        post("/sharing/invite", share::invite),
        get("/sharing/access-log", share::access_log),
        get("/sharing/access-log.csv", share::access_log_csv),
        post("/sharing/{id}", share::set_scopes),
        post("/sharing/{id}/confirm", share::confirm),
        get("/sharing/{id}/preview", share::preview),
        get("/sharing/{id}/end", confirm::end_share),
        post("/sharing/{id}/end", share::end),
        get("/clients", share::clients),
        get("/clients/sessions", share::sessions),
        get("/clients/{id}", share::client),
        post("/clients/{id}/agenda", share::add_agenda_note),
        post("/clients/{id}/assign", share::assign),
        post("/clients/{id}/measures", share::request_measures),
        post("/agenda/link", private_links::create_for_agenda),
        post("/reviews/{id}/link", private_links::create_for_review),
        get("/reminders/{purpose}/{secret}", reminder_links::first),
        post("/reminders/{purpose}/{secret}", reminder_links::act),
        get("/s/{secret}", private_links::first),
        post("/s/{secret}", private_links::open),
        get("/sharing/links/{id}/revoke", confirm::revoke_private_link),
        post("/sharing/links/{id}/revoke", private_links::revoke),
        get("/reviews", review::list),
        post("/reviews/interval", review::interval),
        get("/reviews/{id}", review::saved),
        get("/reviews/{id}/delete", confirm::delete_review),
        post("/reviews/{id}/delete", review::delete),
        get("/reviews/{id}/download", review::download_saved),
        get("/measures", measures::list),
        get("/measures/take/{instrument}", measures::take_form),
        post("/measures/take/{instrument}", measures::take),
        post("/measures/schedule/{instrument}", measures::schedule),
        post("/measures/requests/{id}", measures::answer_request),
        get("/crisis", measures::crisis),
        get("/safety-plan", measures::safety_plan),
        post("/safety-plan", measures::save_safety_plan),
        post("/safety-plan/warning-signs", warning_signs::add),
        post(
            "/safety-plan/warning-signs/{id}/delete",
            warning_signs::delete,
        ),
        get("/questions", questions::list),
        post("/questions", questions::create),
        post("/questions/{id}/answer", questions::answer),
        get("/questions/{id}/delete", confirm::delete_question),
        post("/questions/{id}/delete", questions::delete),
        get("/insights", insights::list),
        post("/insights", insights::create),
        get("/insights/{id}/delete", confirm::delete_insight),
        post("/insights/{id}/delete", insights::delete),
        get("/appointments/{id}", appointments::show),
        post("/appointments/{id}", appointments::update),
        get("/appointments/{id}/edit", appointments::edit_form),
        post("/appointments/{id}/status", appointments::set_status),
        get("/appointments/{id}/cancel", confirm::cancel_appointment),
        get("/appointments/{id}/delete", appointments::delete_confirm),
        post("/appointments/{id}/delete", appointments::delete),
        get("/setup", account::setup_form),
        post("/setup", account::setup),
        post("/recovery-code.txt", account::recovery_code_file),
        get("/signin", account::signin_form),
        post("/signin", account::signin),
        get("/signin/code", account::signin_code_form),
        post("/signin/code/passkey", passkeys::check_pending),
        post("/signin/passkey", passkeys::begin_sign_in),
        post("/signin/passkey/finish", passkeys::finish_sign_in),
        post("/signin/code", account::signin_code),
        post("/signout", account::signout),
        get("/recover", account::recover_form),
        post("/recover", account::recover),
        get("/journal", journal::list),
        post("/journal", journal::create),
        get("/journal/new", journal::new_form),
        get("/journal/search", journal::search),
        get("/journal/deleted", journal::deleted),
        get("/journal/{id}", journal::show),
        post("/journal/{id}", journal::update),
        get("/journal/{id}/edit", journal::edit_form),
        get("/journal/{id}/delete", journal::delete_confirm),
        post("/journal/{id}/delete", journal::delete),
        post("/journal/{id}/restore", journal::restore),
        get("/journal/{id}/share", excerpts::form),
        post("/journal/{id}/share", excerpts::share),
        post("/journal/{id}/excerpt/delete", excerpts::stop),
        get("/settings", settings::settings),
        get("/settings/export", your_data::export),
        post("/settings/export", your_data::export_archive),
        get("/settings/data", your_data::data),
        post("/settings/import", your_data::import).body_limit(crate::web::api::IMPORT_LIMIT),
        get("/settings/delete", your_data::delete_form),
        post("/settings/delete", your_data::delete),
        get("/settings/reminders", reminders::show),
        post("/settings/reminders", reminders::add),
        post("/settings/reminders/state", reminders::switch),
        post("/settings/reminders/quiet", reminders::quiet),
        post("/settings/reminders/channels", reminders::add_channel),
        post(
            "/settings/reminders/channels/{id}",
            reminders::update_channel,
        ),
        post(
            "/settings/reminders/channels/{id}/delete",
            reminders::delete_channel,
        ),
        post("/settings/reminders/{id}", reminders::update),
        post("/settings/reminders/{id}/delete", reminders::delete),
        get("/settings/calendar", calendar::settings),
        post("/settings/calendar", calendar::save),
        post("/settings/calendar/link", calendar::link),
        get("/ical/{file}", calendar::feed),
        post("/settings/time-zone", settings::change_time_zone),
        get("/settings/password", settings::password_form),
        post("/settings/password", settings::change_password),
        get("/settings/devices", settings::devices),
        post("/settings/devices/{id}/revoke", settings::revoke),
        get("/settings/security-log", security_log::show),
        get("/settings/passkeys", passkeys::show),
        post("/settings/passkeys", passkeys::begin),
        post("/settings/passkeys/finish", passkeys::finish),
        post("/settings/passkeys/unlock", passkeys::unlock),
        post("/settings/passkeys/remove", passkeys::remove),
        post("/settings/passkeys/check", passkeys::check),
        get("/settings/two-step", two_step::show),
        post("/settings/two-step", two_step::turn_on),
        post("/settings/two-step/off", two_step::turn_off),
        get("/settings/revoke-others", revoke_others::form),
        post("/settings/revoke-others", revoke_others::revoke),
        post("/settings/tokens", settings::create_token),
        get("/static/style.css", statics::style),
        get("/static/app.js", statics::script),
        get("/static/icon.svg", statics::icon),
        get("/manifest.webmanifest", statics::manifest),
        get("/sw.js", statics::service_worker),
        get("/offline", offline::page),
        get("/offline/write", offline::write),
        get("/offline/check-in", offline::check_in),
        post("/sync", offline::sync),
        get("/healthz", statics::healthz),
        get("/exit", statics::exit),
    ]
}
