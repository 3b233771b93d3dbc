//! Who may reach what. Every page and API endpoint of the router's own
//! route table is requested by seven actors — the owner of the data, a
//! linked therapist with every scope, a linked therapist with none, an
//! unlinked therapist, another client, someone signed out, and a therapist
//! whose link was just ended — on SQLite and PostgreSQL, and each must get
//! exactly the outcome its row says. A route without a row here fails, and
//! so does a row without a route.
//!
//! Two more credentials of the owner — a write-only token and the calendar
//! feed's secret, each sent as a Bearer token to the API and as a session
//! cookie to pages — are refused on every route except the one each is
//! for (`POST /api/v1/entries`; `/ical/{secret}.ics`).
//!
//! Mutating requests carry the actor's own form token and an empty body, so
//! an owner's request is refused as incomplete and changes nothing; the few
//! that act without fields (delete, end, sign out) aim at spare items.
//!
//! A second table-driven test posts every state-changing page (every
//! non-GET page route) with no token, another person's token, and a NUL or
//! invalid UTF-8 in a field, url-encoded and multipart, and proves with a
//! fingerprint of the whole store that none of them changed anything.

#![allow(clippy::unwrap_used)]

mod support;

use std::collections::{BTreeSet, HashMap};

use axum::body::Body;
use axum::http::{header, Request};
use between::web::route_table::{endpoints, Endpoint};
use between_app::sessions::SignInAs;
use between_app::sharing::Link;
use between_app::{Access, Principal, Role};
use between_domain::share::Scope;
use between_store::testing::TestDb;
use serde_json::{json, Value};
use support::{Jar, TestApp, PASSWORD};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Actor {
    Owner,
    Scoped,
    Unscoped,
    Unlinked,
    OtherClient,
    Anonymous,
    Revoked,
}

const ACTORS: [Actor; 7] = [
    Actor::Owner,
    Actor::Scoped,
    Actor::Unscoped,
    Actor::Unlinked,
    Actor::OtherClient,
    Actor::Anonymous,
    Actor::Revoked,
];

/// Stands for "sent to sign in": a redirect to `/signin` for pages.
const SIGN_IN: u16 = 0;

#[derive(Clone, Copy, Debug)]
enum Rule {
    /// Everyone, signed in or not, gets this status.
    Public(u16),
    /// Everyone signed in gets this status for their own data; anonymous
    /// is sent to sign in (401 from the API).
    Mine(u16),
    /// Only the owner reaches the item; every other signed-in actor gets 404.
    Owners(u16),
    /// Only a linked therapist holding the scope reaches it; everyone else
    /// signed in gets 404, including the owner and a linked therapist
    /// without the scope.
    Shared(u16),
    /// Both linked therapists reach it (it needs a link, not a scope).
    Linked(u16),
    /// The exact status of each actor, in the order of [`ACTORS`].
    Each([u16; 7]),
}

struct Row {
    method: &'static str,
    path: &'static str,
    /// The request: `path` with the fixture's ids in braces.
    url: &'static str,
    /// Form fields (pages, besides the form token) or a JSON body (API).
    body: &'static str,
    rule: Rule,
    /// Requests that end the session run with a session of their own.
    own_session: bool,
}

const fn row(method: &'static str, path: &'static str, url: &'static str, rule: Rule) -> Row {
    Row {
        method,
        path,
        url,
        body: "",
        rule,
        own_session: false,
    }
}

fn expected(rule: Rule, actor: Actor, api: bool) -> u16 {
    let anonymous = if api { 401 } else { SIGN_IN };
    match (rule, actor) {
        (Rule::Public(s), _) => s,
        (Rule::Each(all), a) => all[ACTORS.iter().position(|x| *x == a).unwrap()],
        (_, Actor::Anonymous) => anonymous,
        (Rule::Mine(s), _) => s,
        (Rule::Owners(s), Actor::Owner) => s,
        (Rule::Shared(s), Actor::Scoped) => s,
        (Rule::Linked(s), Actor::Scoped | Actor::Unscoped) => s,
        _ => 404,
    }
}

use Rule::*;

/// Every route, with the request that probes it and who gets what.
fn table() -> Vec<Row> {
    let mut rows = vec![
        // Pages anyone may open.
        row("GET", "/signin", "/signin", Each([303, 303, 303, 303, 303, 200, 303])),
        row("POST", "/signin", "/signin", Public(400)),
        row("GET", "/setup", "/setup", Public(303)),
        row("POST", "/setup", "/setup", Public(400)),
        row("GET", "/signin/code", "/signin/code", Public(303)),
        row("POST", "/signin/code", "/signin/code", Public(400)),
        row("POST", "/signin/passkey", "/signin/passkey", Public(400)),
        row("POST", "/signin/code/passkey", "/signin/code/passkey", Public(400)),
        row("POST", "/signin/passkey/finish", "/signin/passkey/finish", Public(400)),
        row("GET", "/recover", "/recover", Public(200)),
        row("POST", "/recover", "/recover", Public(400)),
        row("POST", "/recovery-code.txt", "/recovery-code.txt", Mine(400)),
        row("GET", "/crisis", "/crisis", Public(200)),
        row("GET", "/exit", "/exit", Public(303)),
        row("GET", "/healthz", "/healthz", Public(200)),
        row("GET", "/static/style.css", "/static/style.css", Public(200)),
        row("GET", "/static/app.js", "/static/app.js", Public(200)),
        row("GET", "/static/icon.svg", "/static/icon.svg", Public(200)),
        row("GET", "/manifest.webmanifest", "/manifest.webmanifest", Public(200)),
        row("GET", "/sw.js", "/sw.js", Public(200)),
        // The blank forms the service worker keeps hold nothing personal.
        row("GET", "/offline", "/offline", Public(200)),
        row("GET", "/offline/write", "/offline/write", Public(200)),
        row("GET", "/offline/check-in", "/offline/check-in", Public(200)),
        // A calendar feed's secret is its credential; a wrong one opens nothing.
        row("GET", "/ical/{file}", "/ical/not-a-secret.ics", Public(404)),
        // Each person's own pages. A journal form sent signed out answers
        // 401 with a sign-in form that keeps the draft, so nothing is lost.
        // A therapist's home is their clients.
        row("GET", "/", "/", Each([200, 303, 303, 303, 200, SIGN_IN, 303])),
        row("GET", "/journal", "/journal", Mine(200)),
        row("POST", "/journal", "/journal", Each([422, 422, 422, 422, 422, 401, 422])),
        row("GET", "/journal/new", "/journal/new", Mine(200)),
        row("GET", "/journal/search", "/journal/search?q=entry", Mine(200)),
        row("GET", "/journal/deleted", "/journal/deleted", Mine(200)),
        row("GET", "/journal/{id}", "/journal/{entry}", Owners(200)),
        row("POST", "/journal/{id}", "/journal/{entry}", Each([422, 404, 404, 404, 404, 401, 404])),
        row("GET", "/journal/{id}/edit", "/journal/{entry}/edit", Owners(200)),
        row("GET", "/journal/{id}/delete", "/journal/{entry}/delete", Owners(200)),
        row("POST", "/journal/{id}/delete", "/journal/{spare_entry}/delete", Owners(303)),
        row("POST", "/journal/{id}/restore", "/journal/{spare_entry}/restore", Owners(303)),
        row("GET", "/journal/{id}/share", "/journal/{entry}/share", Owners(200)),
        Row {
            body: "what=part&text=Probe+part&kind=part",
            ..row("POST", "/journal/{id}/share", "/journal/{entry}/share", Owners(303))
        },
        row("POST", "/journal/{id}/excerpt/delete", "/journal/{excerpt_entry}/excerpt/delete", Owners(303)),
        row("GET", "/appointments", "/appointments", Mine(200)),
        row("POST", "/appointments", "/appointments", Mine(422)),
        row("GET", "/appointments/new", "/appointments/new", Mine(200)),
        row("GET", "/appointments/{id}", "/appointments/{appointment}", Owners(200)),
        row("POST", "/appointments/{id}", "/appointments/{appointment}", Owners(422)),
        row("GET", "/appointments/{id}/edit", "/appointments/{appointment}/edit", Owners(200)),
        Row {
            body: "status=attended",
            ..row("POST", "/appointments/{id}/status", "/appointments/{appointment}/status", Owners(303))
        },
        row("GET", "/appointments/{id}/cancel", "/appointments/{appointment}/cancel", Owners(200)),
        row("GET", "/appointments/{id}/delete", "/appointments/{appointment}/delete", Owners(200)),
        row("POST", "/appointments/{id}/delete", "/appointments/{spare_appointment}/delete", Owners(303)),
        row("POST", "/appointments/{id}/feedback", "/appointments/{appointment}/feedback", Owners(422)),
        row("GET", "/feedback", "/feedback", Mine(200)),
        row("GET", "/goals", "/goals", Mine(200)),
        row("POST", "/goals", "/goals", Mine(422)),
        row("GET", "/goals/new", "/goals/new", Mine(200)),
        row("GET", "/goals/{id}", "/goals/{goal}", Owners(200)),
        row("POST", "/goals/{id}/checkins", "/goals/{goal}/checkins", Owners(422)),
        Row {
            body: "status=active",
            ..row("POST", "/goals/{id}/status", "/goals/{goal}/status", Owners(303))
        },
        row("GET", "/practices", "/practices", Mine(200)),
        row("POST", "/practices", "/practices", Mine(422)),
        row("GET", "/practices/new", "/practices/new", Mine(200)),
        row("GET", "/practices/{id}", "/practices/{practice}", Owners(200)),
        row("POST", "/practices/{id}/logs", "/practices/{practice}/logs", Owners(303)),
        row("POST", "/practices/{id}/logs/{log_id}/delete", "/practices/{practice}/logs/{log}/delete", Owners(303)),
        row("POST", "/practices/{id}/archive", "/practices/{spare_practice}/archive", Owners(303)),
        row("GET", "/trend", "/trend", Mine(200)),
        row("GET", "/trackers", "/trackers", Mine(200)),
        row("POST", "/trackers", "/trackers", Mine(422)),
        row("POST", "/trackers/checkin", "/trackers/checkin", Mine(303)),
        // What was written offline comes back through the session; each
        // item opens only with the signed-in person's own key.
        row("POST", "/sync", "/sync", Mine(200)),
        row("GET", "/trackers/{id}/delete", "/trackers/{tracker}/delete", Owners(200)),
        row("POST", "/trackers/{id}/delete", "/trackers/{spare_tracker}/delete", Owners(303)),
        row("GET", "/patterns", "/patterns", Mine(200)),
        row("POST", "/patterns/pin", "/patterns/pin", Mine(400)),
        row("GET", "/wins", "/wins", Mine(200)),
        row("GET", "/roadblocks", "/roadblocks", Mine(200)),
        row("GET", "/agenda", "/agenda", Mine(200)),
        row("POST", "/agenda/edit", "/agenda/edit", Mine(400)),
        row("GET", "/agenda/changes", "/agenda/changes", Mine(200)),
        row("GET", "/agenda/download", "/agenda/download?format=md", Mine(200)),
        row("GET", "/review", "/review", Mine(200)),
        row("POST", "/review/save", "/review/save", Mine(303)),
        row("GET", "/review/download", "/review/download?format=md", Mine(200)),
        row("GET", "/reviews", "/reviews", Mine(200)),
        row("POST", "/reviews/interval", "/reviews/interval", Mine(422)),
        row("GET", "/reviews/{id}", "/reviews/{review}", Owners(200)),
        row("GET", "/reviews/{id}/delete", "/reviews/{spare_review}/delete", Owners(200)),
        row("POST", "/reviews/{id}/delete", "/reviews/{spare_review}/delete", Owners(303)),
        row("GET", "/reviews/{id}/download", "/reviews/{review}/download?format=md", Owners(200)),
        row("GET", "/measures", "/measures", Mine(200)),
        row("GET", "/measures/take/{instrument}", "/measures/take/phq9", Mine(200)),
        row("POST", "/measures/take/{instrument}", "/measures/take/phq9", Mine(422)),
        row("POST", "/measures/schedule/{instrument}", "/measures/schedule/who5", Mine(400)),
        row("GET", "/safety-plan", "/safety-plan", Mine(200)),
        row("POST", "/safety-plan", "/safety-plan", Mine(303)),
        row("POST", "/safety-plan/warning-signs", "/safety-plan/warning-signs", Mine(422)),
        row("POST", "/safety-plan/warning-signs/{id}/delete", "/safety-plan/warning-signs/{warning_sign}/delete", Owners(303)),
        row("GET", "/questions", "/questions", Mine(200)),
        row("POST", "/questions", "/questions", Mine(422)),
        row("POST", "/questions/{id}/answer", "/questions/{question}/answer", Owners(422)),
        row("GET", "/questions/{id}/delete", "/questions/{spare_question}/delete", Owners(200)),
        row("POST", "/questions/{id}/delete", "/questions/{spare_question}/delete", Owners(303)),
        row("GET", "/insights", "/insights", Mine(200)),
        row("POST", "/insights", "/insights", Mine(422)),
        row("GET", "/insights/{id}/delete", "/insights/{spare_insight}/delete", Owners(200)),
        row("POST", "/insights/{id}/delete", "/insights/{spare_insight}/delete", Owners(303)),
        row("GET", "/settings", "/settings", Mine(200)),
        row("GET", "/settings/export", "/settings/export", Mine(303)),
        row("POST", "/settings/export", "/settings/export", Mine(422)),
        row("GET", "/settings/data", "/settings/data", Mine(200)),
        // A form without a file is incomplete, whichever way it is encoded.
        row("POST", "/settings/import", "/settings/import", Mine(422)),
        row("GET", "/settings/delete", "/settings/delete", Mine(200)),
        row("POST", "/settings/delete", "/settings/delete", Mine(422)),
        row("GET", "/settings/reminders", "/settings/reminders", Mine(200)),
        row("POST", "/settings/reminders", "/settings/reminders", Mine(422)),
        row("POST", "/settings/reminders/state", "/settings/reminders/state", Mine(422)),
        row("POST", "/settings/reminders/quiet", "/settings/reminders/quiet", Mine(422)),
        row("POST", "/settings/reminders/channels", "/settings/reminders/channels", Mine(422)),
        row("POST", "/settings/reminders/channels/{id}", "/settings/reminders/channels/{spare_channel}", Owners(303)),
        row("POST", "/settings/reminders/channels/{id}/delete", "/settings/reminders/channels/{spare_channel}/delete", Owners(303)),
        row("POST", "/settings/reminders/{id}", "/settings/reminders/{reminder}", Owners(422)),
        row("POST", "/settings/reminders/{id}/delete", "/settings/reminders/{spare_reminder}/delete", Owners(303)),
        row("GET", "/settings/calendar", "/settings/calendar", Mine(200)),
        row("POST", "/settings/calendar", "/settings/calendar", Mine(303)),
        row("POST", "/settings/calendar/link", "/settings/calendar/link", Mine(303)),
        row("POST", "/settings/time-zone", "/settings/time-zone", Mine(422)),
        row("GET", "/settings/password", "/settings/password", Mine(200)),
        row("POST", "/settings/password", "/settings/password", Mine(422)),
        row("GET", "/settings/devices", "/settings/devices", Mine(200)),
        row("POST", "/settings/devices/{id}/revoke", "/settings/devices/{device}/revoke", Owners(303)),
        row("POST", "/settings/tokens", "/settings/tokens", Mine(422)),
        row("GET", "/settings/security-log", "/settings/security-log", Mine(200)),
        row("GET", "/settings/passkeys", "/settings/passkeys", Mine(200)),
        row("POST", "/settings/passkeys", "/settings/passkeys", Mine(400)),
        row("POST", "/settings/passkeys/finish", "/settings/passkeys/finish", Mine(400)),
        row("POST", "/settings/passkeys/unlock", "/settings/passkeys/unlock", Mine(400)),
        row("POST", "/settings/passkeys/remove", "/settings/passkeys/remove", Mine(404)),
        row("POST", "/settings/passkeys/check", "/settings/passkeys/check", Mine(400)),
        row("GET", "/settings/two-step", "/settings/two-step", Mine(200)),
        row("POST", "/settings/two-step", "/settings/two-step", Mine(422)),
        row("POST", "/settings/two-step/off", "/settings/two-step/off", Mine(400)),
        row("GET", "/settings/revoke-others", "/settings/revoke-others", Mine(200)),
        row("POST", "/settings/revoke-others", "/settings/revoke-others", Mine(422)),
        // Sharing: the client's side and the therapist's.
        row("GET", "/share/accept", "/share/accept?code=not-a-code", Mine(200)),
        row("POST", "/share/accept", "/share/accept", Mine(422)),
        row("GET", "/sharing", "/sharing", Mine(200)),
        row("POST", "/sharing/invite", "/sharing/invite", Each([200, 404, 404, 404, 200, SIGN_IN, 404])),
        row("GET", "/sharing/access-log", "/sharing/access-log", Mine(200)),
        row("GET", "/sharing/access-log.csv", "/sharing/access-log.csv", Mine(200)),
        Row {
            body: "scope=agenda&scope=measures&scope=goals&scope=practice&scope=insights&scope=feedback&scope=journal",
            ..row("POST", "/sharing/{id}", "/sharing/{share}", Owners(303))
        },
        row("POST", "/sharing/{id}/confirm", "/sharing/{legacy_share}/confirm", Owners(303)),
        row("GET", "/sharing/{id}/preview", "/sharing/{share}/preview", Owners(200)),
        row("GET", "/sharing/{id}/end", "/sharing/{spare_share}/end", Owners(200)),
        row("POST", "/sharing/{id}/end", "/sharing/{spare_share}/end", Owners(303)),
        // The therapist's dashboard and sessions: every therapist has them
        // (empty without clients); a client finds nothing there.
        row("GET", "/clients", "/clients", Each([404, 200, 200, 200, 404, SIGN_IN, 200])),
        row("GET", "/clients/sessions", "/clients/sessions", Each([404, 200, 200, 200, 404, SIGN_IN, 200])),
        row("GET", "/clients/{id}", "/clients/{client}", Linked(200)),
        row("POST", "/clients/{id}/agenda", "/clients/{client}/agenda", Shared(422)),
        // Assigned practice: any linked therapist assigns; only the client answers.
        row("POST", "/clients/{id}/assign", "/clients/{client}/assign", Linked(422)),
        // Questionnaires: only a therapist the client shares scores with asks; only the client answers.
        row("POST", "/clients/{id}/measures", "/clients/{client}/measures", Shared(422)),
        Row {
            body: "action=decline",
            ..row("POST", "/measures/requests/{id}", "/measures/requests/{measure_request}", Owners(303))
        },
        Row {
            body: "action=decline",
            ..row("POST", "/practices/assigned/{id}", "/practices/assigned/{assignment}", Owners(422))
        },
        // Private links: the secret is the credential; a wrong one opens nothing.
        row("GET", "/reminders/{purpose}/{secret}", "/reminders/confirm/not-a-secret", Public(200)),
        // Like a private link: the button's POST, with this browser's form
        // token, confirms an address or unsubscribes it.
        row("POST", "/reminders/{purpose}/{secret}", "/reminders/unsubscribe/{unsubscribe_secret}", Public(400)),
        row("GET", "/s/{secret}", "/s/not-the-secret-of-any-link-at-all", Public(404)),
        // Opening one takes the button of its first page (a form token
        // from this browser's cookie), so a fetch alone opens nothing.
        row("POST", "/s/{secret}", "/s/{link_secret}", Public(400)),
        row("POST", "/agenda/link", "/agenda/link", Mine(200)),
        row("POST", "/reviews/{id}/link", "/reviews/{review}/link", Owners(200)),
        row("GET", "/sharing/links/{id}/revoke", "/sharing/links/{private_link}/revoke", Owners(200)),
        row("POST", "/sharing/links/{id}/revoke", "/sharing/links/{private_link}/revoke", Owners(303)),
        // The API: a token for each signed-in actor, none for anonymous.
        row("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", Public(200)),
        row("GET", "/api/v1/entries", "/api/v1/entries", Mine(200)),
        row("POST", "/api/v1/entries", "/api/v1/entries", Mine(422)),
        row("GET", "/api/v1/entries/search", "/api/v1/entries/search?q=entry", Mine(200)),
        row("GET", "/api/v1/entries/{id}", "/api/v1/entries/{entry}", Owners(200)),
        row("PATCH", "/api/v1/entries/{id}", "/api/v1/entries/{entry}", Owners(200)),
        row("DELETE", "/api/v1/entries/{id}", "/api/v1/entries/{spare_entry}", Owners(204)),
        row("POST", "/api/v1/entries/{id}/restore", "/api/v1/entries/{spare_entry}/restore", Owners(200)),
        row("GET", "/api/v1/entries/{id}/excerpt", "/api/v1/entries/{api_excerpt_entry}/excerpt", Owners(200)),
        Row {
            body: r#"{"text": "Probe part"}"#,
            ..row("POST", "/api/v1/entries/{id}/excerpt", "/api/v1/entries/{entry}/excerpt", Owners(201))
        },
        row("DELETE", "/api/v1/entries/{id}/excerpt", "/api/v1/entries/{api_excerpt_entry}/excerpt", Owners(204)),
        row("GET", "/api/v1/appointments", "/api/v1/appointments", Mine(200)),
        row("POST", "/api/v1/appointments", "/api/v1/appointments", Mine(422)),
        row("GET", "/api/v1/appointments/{id}", "/api/v1/appointments/{appointment}", Owners(200)),
        row("PATCH", "/api/v1/appointments/{id}", "/api/v1/appointments/{appointment}", Owners(200)),
        row("DELETE", "/api/v1/appointments/{id}", "/api/v1/appointments/{api_spare_appointment}", Owners(204)),
        row("GET", "/api/v1/appointments/{id}/feedback", "/api/v1/appointments/{appointment}/feedback", Owners(404)),
        Row {
            body: FEEDBACK,
            ..row("PUT", "/api/v1/appointments/{id}/feedback", "/api/v1/appointments/{appointment}/feedback", Owners(200))
        },
        Row {
            body: FEEDBACK,
            ..row("POST", "/api/v1/appointments/{id}/feedback", "/api/v1/appointments/{appointment}/feedback", Owners(200))
        },
        row("GET", "/api/v1/feedback", "/api/v1/feedback", Mine(200)),
        row("GET", "/api/v1/goals", "/api/v1/goals", Mine(200)),
        row("POST", "/api/v1/goals", "/api/v1/goals", Mine(422)),
        row("GET", "/api/v1/goals/{id}", "/api/v1/goals/{goal}", Owners(200)),
        row("PATCH", "/api/v1/goals/{id}", "/api/v1/goals/{goal}", Owners(200)),
        row("DELETE", "/api/v1/goals/{id}", "/api/v1/goals/{spare_goal}", Owners(204)),
        row("GET", "/api/v1/goals/{id}/checkins", "/api/v1/goals/{goal}/checkins", Owners(200)),
        row("POST", "/api/v1/goals/{id}/checkins", "/api/v1/goals/{goal}/checkins", Owners(422)),
        row("GET", "/api/v1/measures", "/api/v1/measures", Mine(200)),
        row("POST", "/api/v1/measures", "/api/v1/measures", Mine(400)),
        row("GET", "/api/v1/measure-schedules", "/api/v1/measure-schedules", Mine(200)),
        Row {
            body: r#"{"kind": "every", "weeks": 3}"#,
            ..row("PUT", "/api/v1/measure-schedules/{instrument}", "/api/v1/measure-schedules/who5", Mine(200))
        },
        row("GET", "/api/v1/trend", "/api/v1/trend", Mine(200)),
        row("GET", "/api/v1/patterns", "/api/v1/patterns", Mine(200)),
        row("GET", "/api/v1/wins", "/api/v1/wins", Mine(200)),
        row("GET", "/api/v1/roadblocks", "/api/v1/roadblocks", Mine(200)),
        row("GET", "/api/v1/agenda", "/api/v1/agenda", Mine(200)),
        row("POST", "/api/v1/agenda", "/api/v1/agenda", Mine(400)),
        row("GET", "/api/v1/agenda/changes", "/api/v1/agenda/changes", Mine(200)),
        row("GET", "/api/v1/shares", "/api/v1/shares", Mine(200)),
        row("POST", "/api/v1/shares/invites", "/api/v1/shares/invites", Each([201, 403, 403, 403, 201, 401, 403])),
        row("POST", "/api/v1/shares/accept", "/api/v1/shares/accept", Mine(400)),
        row("PATCH", "/api/v1/shares/{id}", "/api/v1/shares/{share}", Each([200, 403, 404, 404, 404, 401, 404])),
        row("DELETE", "/api/v1/shares/{id}", "/api/v1/shares/{api_spare_share}", Owners(204)),
        row("GET", "/api/v1/shares/{id}/preview", "/api/v1/shares/{share}/preview", Owners(200)),
        row("GET", "/api/v1/clients", "/api/v1/clients", Mine(200)),
        row("GET", "/api/v1/clients/{id}", "/api/v1/clients/{client}", Linked(200)),
        row("GET", "/api/v1/clients/{id}/{kind}", "/api/v1/clients/{client}/goals", Shared(200)),
        Row {
            body: r#"{"text": ""}"#,
            ..row("POST", "/api/v1/clients/{id}/agenda/notes", "/api/v1/clients/{client}/agenda/notes", Shared(422))
        },
        row("GET", "/api/v1/access-log", "/api/v1/access-log", Mine(200)),
        row("GET", "/api/v1/security-log", "/api/v1/security-log", Mine(200)),
        row("GET", "/api/v1/warning-signs", "/api/v1/warning-signs", Mine(200)),
        Row {
            body: r#"{"name": "Probe", "look": "low_mood"}"#,
            ..row("POST", "/api/v1/warning-signs", "/api/v1/warning-signs", Mine(201))
        },
        row("GET", "/api/v1/warning-signs/{id}", "/api/v1/warning-signs/{api_warning_sign}", Owners(200)),
        row("DELETE", "/api/v1/warning-signs/{id}", "/api/v1/warning-signs/{api_warning_sign}", Owners(204)),
        row("GET", "/api/v1/private-links", "/api/v1/private-links", Mine(200)),
        row("GET", "/api/v1/clients/{id}/assignments", "/api/v1/clients/{client}/assignments", Linked(200)),
        row("POST", "/api/v1/clients/{id}/assignments", "/api/v1/clients/{client}/assignments", Linked(422)),
        row("GET", "/api/v1/assignments", "/api/v1/assignments", Mine(200)),
        row("GET", "/api/v1/clients/{id}/measure-requests", "/api/v1/clients/{client}/measure-requests", Linked(200)),
        row("POST", "/api/v1/clients/{id}/measure-requests", "/api/v1/clients/{client}/measure-requests", Shared(422)),
        row("GET", "/api/v1/measure-requests", "/api/v1/measure-requests", Mine(200)),
        Row {
            body: r#"{"action": "decline"}"#,
            ..row("POST", "/api/v1/measure-requests/{id}", "/api/v1/measure-requests/{api_measure_request}", Owners(200))
        },
        Row {
            body: r#"{"action": "decline"}"#,
            ..row("POST", "/api/v1/assignments/{id}", "/api/v1/assignments/{assignment}", Owners(422))
        },
        row("POST", "/api/v1/private-links", "/api/v1/private-links", Mine(400)),
        row("DELETE", "/api/v1/private-links/{id}", "/api/v1/private-links/{api_private_link}", Owners(204)),
        row("GET", "/api/v1/review", "/api/v1/review", Mine(200)),
        row("GET", "/api/v1/reviews", "/api/v1/reviews", Mine(200)),
        row("POST", "/api/v1/reviews", "/api/v1/reviews", Mine(201)),
        row("GET", "/api/v1/reviews/{id}", "/api/v1/reviews/{review}", Owners(200)),
        row("DELETE", "/api/v1/reviews/{id}", "/api/v1/reviews/{api_spare_review}", Owners(204)),
        row("GET", "/api/v1/trackers", "/api/v1/trackers", Mine(200)),
        row("POST", "/api/v1/trackers", "/api/v1/trackers", Mine(422)),
        row("GET", "/api/v1/trackers/{id}", "/api/v1/trackers/{tracker}", Owners(200)),
        row("PATCH", "/api/v1/trackers/{id}", "/api/v1/trackers/{tracker}", Owners(200)),
        row("DELETE", "/api/v1/trackers/{id}", "/api/v1/trackers/{api_spare_tracker}", Owners(204)),
        row("GET", "/api/v1/trackers/{id}/readings", "/api/v1/trackers/{tracker}/readings", Owners(200)),
        row("GET", "/api/v1/checkins", "/api/v1/checkins", Mine(200)),
        row("POST", "/api/v1/checkins", "/api/v1/checkins", Mine(400)),
        row("GET", "/api/v1/practices", "/api/v1/practices", Mine(200)),
        row("POST", "/api/v1/practices", "/api/v1/practices", Mine(422)),
        row("GET", "/api/v1/practices/today", "/api/v1/practices/today", Mine(200)),
        row("GET", "/api/v1/practices/{id}", "/api/v1/practices/{practice}", Owners(200)),
        row("PATCH", "/api/v1/practices/{id}", "/api/v1/practices/{practice}", Owners(200)),
        row("DELETE", "/api/v1/practices/{id}", "/api/v1/practices/{spare_practice}", Owners(204)),
        row("GET", "/api/v1/practices/{id}/logs", "/api/v1/practices/{practice}/logs", Owners(200)),
        row("POST", "/api/v1/practices/{id}/logs", "/api/v1/practices/{practice}/logs", Owners(201)),
        row("DELETE", "/api/v1/practices/{id}/logs/{log_id}", "/api/v1/practices/{practice}/logs/{spare_log}", Owners(200)),
        row("GET", "/api/v1/questions", "/api/v1/questions", Mine(200)),
        row("POST", "/api/v1/questions", "/api/v1/questions", Mine(422)),
        row("GET", "/api/v1/questions/{id}", "/api/v1/questions/{question}", Owners(200)),
        row("PATCH", "/api/v1/questions/{id}", "/api/v1/questions/{question}", Owners(200)),
        row("DELETE", "/api/v1/questions/{id}", "/api/v1/questions/{api_spare_question}", Owners(204)),
        row("GET", "/api/v1/reminders", "/api/v1/reminders", Mine(200)),
        row("POST", "/api/v1/reminders", "/api/v1/reminders", Mine(400)),
        row("GET", "/api/v1/reminders/{id}", "/api/v1/reminders/{reminder}", Owners(200)),
        row("PATCH", "/api/v1/reminders/{id}", "/api/v1/reminders/{reminder}", Owners(200)),
        row("DELETE", "/api/v1/reminders/{id}", "/api/v1/reminders/{api_spare_reminder}", Owners(204)),
        row("GET", "/api/v1/reminder-channels", "/api/v1/reminder-channels", Mine(200)),
        row("POST", "/api/v1/reminder-channels", "/api/v1/reminder-channels", Mine(400)),
        row("DELETE", "/api/v1/reminder-channels/{id}", "/api/v1/reminder-channels/{api_spare_channel}", Owners(204)),
        row("GET", "/api/v1/insights", "/api/v1/insights", Mine(200)),
        row("POST", "/api/v1/insights", "/api/v1/insights", Mine(422)),
        row("GET", "/api/v1/insights/{id}", "/api/v1/insights/{insight}", Owners(200)),
        row("PATCH", "/api/v1/insights/{id}", "/api/v1/insights/{insight}", Owners(200)),
        row("DELETE", "/api/v1/insights/{id}", "/api/v1/insights/{api_spare_insight}", Owners(204)),
        row("GET", "/api/v1/export", "/api/v1/export", Mine(200)),
        row("POST", "/api/v1/import", "/api/v1/import", Mine(422)),
    ];
    rows.push(Row {
        own_session: true,
        ..row("POST", "/signout", "/signout", Mine(303))
    });
    rows
}

const FEEDBACK: &str = r#"{"heard": 8, "worked_on": 7, "approach": 8, "overall": 8}"#;

/// What the owner wrote that only they may ever see: private journal
/// entries, trackers, saved reviews.
const PRIVATE: &str = "PRIVATE-1b7e: only I may read this";
/// What a therapist holding every scope may read too: shared entries,
/// goals, practice, insights, questions.
const SHARED: &str = "SHARED-44c2: my therapist may read this";

struct Fixture {
    ids: HashMap<&'static str, String>,
    jars: HashMap<&'static str, Jar>,
    tokens: HashMap<&'static str, String>,
}

fn name(actor: Actor) -> &'static str {
    match actor {
        Actor::Owner => "olive",
        Actor::Scoped => "dr-scope",
        Actor::Unscoped => "dr-none",
        Actor::Unlinked => "dr-stranger",
        Actor::OtherClient => "carl",
        Actor::Anonymous => "",
        Actor::Revoked => "dr-former",
    }
}

async fn created(t: &TestApp, token: &str, path: &str, body: Value) -> String {
    let r = t
        .api("POST", path, Some(token), Some(&body.to_string()))
        .await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.body);
    let json = r.json();
    let item = if json["log"].is_object() {
        &json["log"]
    } else {
        &json
    };
    item["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: no id in {json}"))
        .to_string()
}

async fn fixture(t: &TestApp) -> Fixture {
    let mut jars = HashMap::new();
    let mut tokens = HashMap::new();
    for actor in ACTORS {
        if actor == Actor::Anonymous {
            continue;
        }
        let role = match actor {
            Actor::Owner | Actor::OtherClient => Role::Client,
            _ => Role::Therapist,
        };
        jars.insert(name(actor), t.signed_in_as(name(actor), role).await);
        tokens.insert(name(actor), t.token(name(actor), Access::Full).await);
    }
    let olive = tokens["olive"].clone();
    let mut ids = HashMap::new();
    let entry = |text: &str, shared: bool| json!({"text": text, "mood": 4, "shared": shared});
    ids.insert(
        "entry",
        created(t, &olive, "/api/v1/entries", entry(PRIVATE, false)).await,
    );
    created(t, &olive, "/api/v1/entries", entry(SHARED, true)).await;
    let spare = created(t, &olive, "/api/v1/entries", entry(PRIVATE, false)).await;
    ids.insert("spare_entry", spare);
    let appointment =
        json!({"starts_at": "2026-01-05 10:00", "with": "Dr. Appointment", "status": "attended"});
    ids.insert(
        "appointment",
        created(t, &olive, "/api/v1/appointments", appointment.clone()).await,
    );
    for spare in ["spare_appointment", "api_spare_appointment"] {
        ids.insert(
            spare,
            created(t, &olive, "/api/v1/appointments", appointment.clone()).await,
        );
    }
    let goal = json!({"title": SHARED, "target": 10, "baseline": 0, "unit": "walks"});
    ids.insert(
        "goal",
        created(t, &olive, "/api/v1/goals", goal.clone()).await,
    );
    ids.insert(
        "spare_goal",
        created(t, &olive, "/api/v1/goals", goal).await,
    );
    let practice = json!({"title": SHARED, "schedule": "daily"});
    let p = created(t, &olive, "/api/v1/practices", practice.clone()).await;
    ids.insert(
        "spare_practice",
        created(t, &olive, "/api/v1/practices", practice).await,
    );
    let logs = format!("/api/v1/practices/{p}/logs");
    ids.insert(
        "log",
        created(t, &olive, &logs, json!({"note": SHARED})).await,
    );
    ids.insert(
        "spare_log",
        created(t, &olive, &logs, json!({"note": SHARED})).await,
    );
    ids.insert("practice", p);
    let tracker = |key| json!({"name": format!("{PRIVATE} {key}"), "key": key, "kind": "scale", "min": 0, "max": 10});
    ids.insert(
        "tracker",
        created(t, &olive, "/api/v1/trackers", tracker("a")).await,
    );
    ids.insert(
        "spare_tracker",
        created(t, &olive, "/api/v1/trackers", tracker("b")).await,
    );
    ids.insert(
        "api_spare_tracker",
        created(t, &olive, "/api/v1/trackers", tracker("c")).await,
    );
    let question = json!({"text": SHARED});
    ids.insert(
        "question",
        created(t, &olive, "/api/v1/questions", question.clone()).await,
    );
    for spare in ["spare_question", "api_spare_question"] {
        ids.insert(
            spare,
            created(t, &olive, "/api/v1/questions", question.clone()).await,
        );
    }
    let insight = json!({"text": SHARED});
    ids.insert(
        "insight",
        created(t, &olive, "/api/v1/insights", insight.clone()).await,
    );
    for spare in ["spare_insight", "api_spare_insight"] {
        ids.insert(
            spare,
            created(t, &olive, "/api/v1/insights", insight.clone()).await,
        );
    }
    for (name, n) in [
        ("reminder", 1),
        ("spare_reminder", 2),
        ("api_spare_reminder", 3),
    ] {
        let times = json!([format!("0{n}:00")]);
        ids.insert(
            name,
            created(
                t,
                &olive,
                "/api/v1/reminders",
                json!({"kind": "checkin", "times": times}),
            )
            .await,
        );
    }
    for name in ["channel", "spare_channel", "api_spare_channel"] {
        let url = format!("https://ntfy.example.org/{name}-topic");
        ids.insert(
            name,
            created(
                t,
                &olive,
                "/api/v1/reminder-channels",
                json!({"type": "webhook", "url": url}),
            )
            .await,
        );
    }
    let review = json!({"learned": PRIVATE});
    ids.insert(
        "review",
        created(t, &olive, "/api/v1/reviews", review.clone()).await,
    );
    for spare in ["spare_review", "api_spare_review"] {
        ids.insert(
            spare,
            created(t, &olive, "/api/v1/reviews", review.clone()).await,
        );
    }
    created(
        t,
        &olive,
        "/api/v1/measures",
        json!({"instrument": "gad7", "answers": [1, 1, 1, 1, 1, 1, 1]}),
    )
    .await;

    // Links: every scope for dr-scope and dr-former (whose link then ends),
    // none for dr-none, and one with dr-spare for the routes that end a link.
    let (owner, _) = t
        .app
        .sign_in("olive", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    t.signed_in_as("dr-spare", Role::Therapist).await;
    t.signed_in_as("dr-spare-api", Role::Therapist).await;
    t.signed_in_as("dr-legacy", Role::Therapist).await;
    let scoped = link(t, &owner, "dr-scope").await;
    link(t, &owner, "dr-none").await;
    link(t, &owner, "dr-former").await;
    let spare = link(t, &owner, "dr-spare").await;
    let api_spare = link(t, &owner, "dr-spare-api").await;
    // A link as an earlier version made it (no binding): the client confirms it.
    let legacy = link(t, &owner, "dr-legacy").await;
    t.db.tamper(
        "DELETE FROM share_bindings WHERE share_id = $1",
        &[between_store::testing::Value::Text(legacy.id.to_string())],
    )
    .await;
    t.db.tamper(
        "DELETE FROM share_consents WHERE share_id = $1",
        &[between_store::testing::Value::Text(legacy.id.to_string())],
    )
    .await;
    for who in ["dr-scope", "dr-former"] {
        t.app
            .set_share_scopes(&owner, who, &Scope::ALL, &[])
            .await
            .unwrap();
    }
    t.app.end_share(&owner, "dr-former").await.unwrap();
    ids.insert("share", scoped.id.to_string());
    ids.insert("spare_share", spare.id.to_string());
    ids.insert("legacy_share", legacy.id.to_string());
    ids.insert("api_spare_share", api_spare.id.to_string());
    ids.insert("client", scoped.client_id.to_string());
    let (device, _) = t
        .app
        .sign_in("olive", PASSWORD, "test", SignInAs::Device, "spare device")
        .await
        .unwrap();
    let (dr_scope, _) = t
        .app
        .sign_in("dr-scope", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let assignment = t
        .app
        .assign_practice(
            &dr_scope,
            "olive",
            between_domain::practice::definition::Practice {
                title: SHARED.into(),
                instructions: String::new(),
                why: String::new(),
                goal_id: None,
                assigned_by: String::new(),
                template: between_domain::practice::definition::Template::Free,
                schedule: between_domain::practice::schedule::Schedule::parse("daily").unwrap(),
                start: jiff::Zoned::now().date(),
                end: None,
                archived: false,
            },
        )
        .await
        .unwrap();
    ids.insert("assignment", assignment.id.to_string());
    for key in ["measure_request", "api_measure_request"] {
        let asked = vec![between_app::measure_requests::Asked {
            instrument: between_domain::measure::Instrument::Pcl5Weekly,
            cadence: between_domain::measure::Cadence::Every { weeks: 1 },
        }];
        let request = t
            .app
            .request_measures(&dr_scope, "olive", asked, "")
            .await
            .unwrap();
        ids.insert(key, request.id.to_string());
    }
    // Signed in again after the rotation that ending a link causes.
    let owner = device.clone();
    let sign = t
        .app
        .add_warning_sign(
            &owner,
            between_domain::warning_sign::WarningSign {
                name: SHARED.into(),
                rule: between_domain::warning_sign::Rule::LowMood {
                    at_most: 3,
                    days: 2,
                    window: 7,
                },
                tell: Vec::new(),
            },
        )
        .await
        .unwrap();
    ids.insert("warning_sign", sign.id.to_string());
    let sign = t
        .app
        .add_warning_sign(
            &owner,
            between_domain::warning_sign::WarningSign {
                name: SHARED.into(),
                rule: between_domain::warning_sign::Rule::Tag {
                    tag: "probe".into(),
                    times: 2,
                    window: 7,
                },
                tell: Vec::new(),
            },
        )
        .await
        .unwrap();
    ids.insert("api_warning_sign", sign.id.to_string());
    // Entries of which only a part is shared.
    for key in ["excerpt_entry", "api_excerpt_entry"] {
        let id = created(t, &olive, "/api/v1/entries", entry(PRIVATE, false)).await;
        t.app
            .share_excerpt(
                &owner,
                uuid::Uuid::parse_str(&id).unwrap(),
                between_domain::excerpt::Excerpt {
                    text: SHARED.into(),
                    kind: between_domain::excerpt::ExcerptKind::Part,
                },
            )
            .await
            .unwrap();
        ids.insert(key, id);
    }
    let device = device.credential_id;
    ids.insert("device", device.to_string());
    let (_, snapshot) = t
        .app
        .agenda_snapshot(&owner, between_app::agenda_saved::Target::Next)
        .await
        .unwrap();
    for key in ["private_link", "api_private_link"] {
        let (made, _) = t
            .app
            .create_private_link(
                &owner,
                between_app::private_links::LinkKind::Agenda,
                None,
                &snapshot,
                jiff::SignedDuration::from_hours(24),
                None,
            )
            .await
            .unwrap();
        ids.insert(key, made.id.to_string());
    }
    let (_, secret) = t
        .app
        .create_private_link(
            &owner,
            between_app::private_links::LinkKind::Agenda,
            None,
            &snapshot,
            jiff::SignedDuration::from_hours(24),
            None,
        )
        .await
        .unwrap();
    ids.insert("link_secret", secret);
    let channel = uuid::Uuid::parse_str(&ids["channel"]).unwrap();
    let unsubscribe = t
        .app
        .reminder_link_for_tests(owner.user.id, channel, true)
        .await
        .unwrap();
    ids.insert("unsubscribe_secret", unsubscribe);
    Fixture { ids, jars, tokens }
}

async fn link(t: &TestApp, client: &Principal, therapist: &str) -> Link {
    let invite = t.app.create_share_invite(client).await.unwrap();
    let (th, _) = t
        .app
        .sign_in(therapist, PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    t.app.accept_share_invite(&th, &invite.code).await.unwrap()
}

fn fill(url: &str, ids: &HashMap<&'static str, String>) -> String {
    let mut out = url.to_string();
    for (k, v) in ids {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    assert!(!out.contains('{'), "no fixture id for {out}");
    out
}

async fn request(t: &TestApp, f: &Fixture, r: &Row, actor: Actor) -> support::Reply {
    let url = fill(r.url, &f.ids);
    let api = r.path.starts_with("/api/");
    let mut req = Request::builder().method(r.method).uri(&url);
    if actor != Actor::Anonymous {
        let who = name(actor);
        if api {
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", f.tokens[who]));
        } else {
            let jar = if r.own_session {
                t.sign_in_jar(who).await
            } else {
                f.jars[who].clone()
            };
            req = req.header(header::COOKIE, jar.header());
            if r.method == "POST" {
                let csrf = t.csrf(&jar).await;
                let body = format!("csrf={csrf}&{}", r.body);
                let req = req
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap();
                return t.send(req).await;
            }
        }
    }
    let body = if api && r.method != "GET" && r.method != "DELETE" {
        req = req.header(header::CONTENT_TYPE, "application/json");
        Body::from(if r.body.is_empty() { "{}" } else { r.body }.to_string())
    } else if r.method == "POST" {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        Body::from(format!("csrf=x&{}", r.body))
    } else {
        Body::empty()
    };
    t.send(req.body(body).unwrap()).await
}

async fn every_route_answers_each_actor_exactly_as_its_row_says(t: TestApp) {
    let rows = table();
    let listed: BTreeSet<Endpoint> = rows
        .iter()
        .map(|r| Endpoint {
            method: r.method.into(),
            path: r.path.into(),
        })
        .collect();
    let routed: BTreeSet<Endpoint> = endpoints().into_iter().collect();
    let missing: Vec<_> = routed.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&routed).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a row: {missing:#?}\nrows without a route: {stale:#?}"
    );
    assert_eq!(listed.len(), rows.len(), "a route has two rows");

    let f = fixture(&t).await;
    let mut wrong = Vec::new();
    for r in &rows {
        let api = r.path.starts_with("/api/");
        for actor in ACTORS {
            let want = expected(r.rule, actor, api);
            let got = request(&t, &f, r, actor).await;
            let status = got.status.as_u16();
            let ok = if want == SIGN_IN {
                status == 303 && got.location().starts_with("/signin")
            } else {
                status == want
            };
            if !ok {
                wrong.push(format!(
                    "{} {} as {actor:?}: want {want}, got {status} {}",
                    r.method,
                    r.url,
                    got.body.chars().take(160).collect::<String>()
                ));
            }
            if actor != Actor::Owner && got.body.contains(PRIVATE) {
                wrong.push(format!(
                    "{} {} as {actor:?} showed a private text",
                    r.method, r.url
                ));
            }
            if !matches!(actor, Actor::Owner | Actor::Scoped) && got.body.contains(SHARED) {
                wrong.push(format!(
                    "{} {} as {actor:?} showed what only the owner's scoped therapist may see",
                    r.method, r.url
                ));
            }
        }
    }
    wrong.extend(credentials_that_open_one_thing(&t, &f, &rows).await);
    assert!(
        wrong.is_empty(),
        "{} wrong outcomes:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Two credentials of the owner that each open one thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Persona {
    /// A write-only token: adds journal entries through the API, nothing else.
    WriteOnly,
    /// The calendar feed's secret: `/ical/{secret}.ics`, nothing else.
    CalendarFeed,
}

/// What a persona gets from a row: pages treat both as no session at all
/// (like someone signed out); the API refuses the feed's secret as no
/// token (401) and the write-only token as unable to read (403), before
/// any input is read, except where it may add an entry.
fn persona_expected(rule: Rule, persona: Persona, r: &Row) -> u16 {
    let api = r.path.starts_with("/api/");
    if !api || matches!(rule, Public(_)) {
        return expected(rule, Actor::Anonymous, api);
    }
    match persona {
        Persona::CalendarFeed => 401,
        Persona::WriteOnly if (r.method, r.path) == ("POST", "/api/v1/entries") => {
            expected(rule, Actor::Owner, true)
        }
        Persona::WriteOnly => 403,
    }
}

async fn persona_request(t: &TestApp, f: &Fixture, r: &Row, secret: &str) -> support::Reply {
    let url = fill(r.url, &f.ids);
    let mut req = Request::builder().method(r.method).uri(&url);
    let body = if r.path.starts_with("/api/") {
        req = req.header(header::AUTHORIZATION, format!("Bearer {secret}"));
        if r.method != "GET" && r.method != "DELETE" {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(if r.body.is_empty() { "{}" } else { r.body }.to_string())
        } else {
            Body::empty()
        }
    } else {
        req = req.header(header::COOKIE, format!("between_session={secret}"));
        if r.method == "POST" {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            Body::from(format!("csrf=x&{}", r.body))
        } else {
            Body::empty()
        }
    };
    t.send(req.body(body).unwrap()).await
}

/// Every route as the owner's write-only token and as the owner's calendar
/// feed secret (as a Bearer token and as a session cookie): each is refused
/// everywhere but where it is meant to work, and shows nothing private.
async fn credentials_that_open_one_thing(t: &TestApp, f: &Fixture, rows: &[Row]) -> Vec<String> {
    let write_only = t.token("olive", Access::WriteOnly).await;
    let (owner, _) = t
        .app
        .sign_in("olive", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let feed = t.app.calendar_secret(&owner, false).await.unwrap();
    let mut wrong = Vec::new();
    for (persona, secret) in [
        (Persona::WriteOnly, &write_only),
        (Persona::CalendarFeed, &feed),
    ] {
        for r in rows {
            let want = persona_expected(r.rule, persona, r);
            let got = persona_request(t, f, r, secret).await;
            let status = got.status.as_u16();
            let ok = if want == SIGN_IN {
                status == 303 && got.location().starts_with("/signin")
            } else {
                status == want
            };
            if !ok {
                wrong.push(format!(
                    "{} {} as {persona:?}: want {want}, got {status} {}",
                    r.method,
                    r.url,
                    got.body.chars().take(160).collect::<String>()
                ));
            }
            if got.body.contains(PRIVATE) || got.body.contains(SHARED) {
                wrong.push(format!(
                    "{} {} as {persona:?} showed what it may not read",
                    r.method, r.url
                ));
            }
        }
    }
    // Where each is meant to work.
    let feed_file = t
        .send(
            Request::get(format!("/ical/{feed}.ics"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    if feed_file.status != 200 || !feed_file.body.contains("BEGIN:VCALENDAR") {
        wrong.push(format!(
            "the feed's own address answered {}",
            feed_file.status
        ));
    }
    let as_feed = t
        .send(
            Request::get(format!("/ical/{write_only}.ics"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    if as_feed.status != 404 {
        wrong.push(format!(
            "a write-only token as a feed answered {}",
            as_feed.status
        ));
    }
    let added = t
        .api(
            "POST",
            "/api/v1/entries",
            Some(&write_only),
            Some(r#"{"text": "from the phone shortcut", "mood": 5}"#),
        )
        .await;
    if added.status != 201 {
        wrong.push(format!(
            "a write-only token's entry answered {}",
            added.status
        ));
    }
    wrong
}

#[tokio::test]
async fn every_route_is_authorised_on_sqlite() {
    every_route_answers_each_actor_exactly_as_its_row_says(TestApp::new().await).await;
}

#[tokio::test]
async fn every_route_is_authorised_on_postgres() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    every_route_answers_each_actor_exactly_as_its_row_says(TestApp::on(db).await).await;
}

// Every state-changing page refuses a form it cannot trust, and changes
// nothing: a form without a token, with the token of someone else's
// session (or, before sign-in, of another browser), or with text no
// backend may store (a NUL, invalid UTF-8) in any field, sent url-encoded
// and as multipart. The routes come from the router's own table; the store
// is compared whole (every row of every table) before and after each
// request. Each request carries fields that do change something when the
// token is right, which the last pass proves route by route.

/// Fields that change something when the token is right; the row's own
/// body where none is needed.
fn changing_body(path: &str) -> Option<&'static str> {
    Some(match path {
        "/signin" => "name=olive&password=correct+horse+battery",
        "/setup" => {
            "invite={invite}&name=newcomer&password=correct+horse+battery&time_zone=Europe%2FBerlin"
        }
        "/recover" => "name=olive&code=AAAA-BBBB-CCCC-DDDD&password=another+long+password",
        "/recovery-code.txt" => "code=AAAA-BBBB",
        "/journal" => "text=Probe+entry&mood=5",
        "/sync" => "item={sync_item}",
        "/journal/{id}" => "text=Probe+edit&mood=6",
        "/journal/{id}/share" => "what=part&text=Probe+part&kind=part",
        "/journal/{id}/excerpt/delete" => "",
        "/appointments" | "/appointments/{id}" => {
            "starts_at=2026-02-01+10%3A00&duration=50&with=Dr.+Probe"
        }
        "/appointments/{id}/status" => "status=cancelled&confirm=yes",
        "/appointments/{id}/feedback" => "heard=8&worked_on=7&approach=8&overall=8",
        "/goals" => "title=Probe+goal&measure=numeric&baseline=0&target=5&unit=walks",
        "/goals/{id}/checkins" => "value=3&note=probe",
        "/goals/{id}/status" => "status=paused",
        "/practices" => "title=Probe+practice&kind=daily&template=free",
        "/practices/{id}/logs" => "note=probe",
        "/practices/{id}/archive" => "archived=1",
        "/practices/assigned/{id}" => "action=accept",
        "/trackers" => "name=Probe&kind=scale",
        "/trackers/checkin" => "v.a=5",
        "/patterns/pin" => "sentence=Probe+pattern&pin=1",
        "/agenda/edit" => "action=add&text=Probe+point",
        "/review/save" => "learned=probe",
        "/reviews/interval" => "weeks=6",
        "/measures/take/{instrument}" => "q1=1&q2=1&q3=1&q4=1&q5=1&q6=1&q7=1&q8=1&q9=0",
        "/measures/schedule/{instrument}" => "cadence=every&weeks=3",
        "/safety-plan" => "warning_signs=probe",
        "/safety-plan/warning-signs" => "name=Probe+sign&look=mood&mood_at_most=3&mood_days=2&mood_within=7",
        "/safety-plan/warning-signs/{id}/delete" => "",
        "/questions" => "text=Probe+question",
        "/questions/{id}/answer" => "answer=probe",
        "/insights" => "text=Probe+insight&kind=takeaway",
        "/settings/delete" => "confirm=olive&password=correct+horse+battery",
        "/settings/export" => "password=correct+horse+battery",
        "/settings/revoke-others" => "sessions=yes&devices=yes&tokens=yes&calendar=yes",
        "/settings/calendar" => "detailed=1&journal_reminder=1",
        "/settings/reminders" => "kind=checkin&times=21%3A00",
        "/settings/reminders/state" => "state=on",
        "/settings/reminders/quiet" => "from=22%3A00&until=07%3A00&days=sun",
        "/settings/reminders/channels" => "type=webhook&url=https%3A%2F%2Fntfy.example.org%2Fprobe-topic",
        "/settings/reminders/channels/{id}" => "detailed=1",
        "/settings/reminders/{id}" => "times=09%3A30",
        "/settings/time-zone" => "time_zone=Europe%2FParis",
        "/settings/password" => {
            "current_password=correct+horse+battery&new_password=correct+horse+battery"
        }
        "/settings/tokens" => "name=probe&scope=write-only&password=correct+horse+battery",
        "/share/accept" => "code={share_code}",
        "/clients/{id}/agenda" => "text=Probe+comment&kind=point",
        "/clients/{id}/assign" => "title=Probe+practice&kind=per_week&per_week=3",
        "/clients/{id}/measures" => "ask_who5=every%3A4w",
        "/measures/requests/{id}" => "action=accept",
        "/agenda/link" | "/reviews/{id}/link" => "expires=7d",
        "/settings/import" => {
            "from=daylio&file=full_date%2Cdate%2Cweekday%2Ctime%2Cmood%2Cactivities%2Cnote_title%2Cnote%0A\
             2026-09-02%2CSeptember+2%2CWednesday%2C20%3A15%2Crad%2C%2C%2CProbe%0A"
        }
        // Keeps the scopes later Shared routes need (agenda notes, questionnaire requests).
        "/sharing/{id}" => "scope=agenda&scope=measures",
        _ => return None,
    })
}

/// Routes whose success changes nothing the store keeps, with the reason.
const CHANGES_NOTHING: &[(&str, &str)] = &[
    (
        "/recovery-code.txt",
        "a download of the code shown on the page",
    ),
    ("/settings/export", "a download of the whole account"),
];

/// Routes whose success needs what only the person's authenticator makes
/// (a code of the moment, a passkey's signature) or a step begun before:
/// the refusals above hold for them, and their success is checked in
/// `two_step_web.rs`, `browser.rs` and the app's `passkeys.rs`.
const NEEDS_AN_AUTHENTICATOR: &[(&str, &str)] = &[
    ("/signin/code", "finishes a sign-in begun with a password"),
    (
        "/settings/two-step",
        "turns codes on with a code for the new secret",
    ),
    (
        "/settings/two-step/off",
        "turns codes off with a current code",
    ),
    (
        "/signin/passkey",
        "answers with a passkey challenge for the page's script",
    ),
    (
        "/signin/passkey/finish",
        "a passkey's signature and PRF output",
    ),
    (
        "/settings/passkeys",
        "answers with a passkey challenge for the page's script",
    ),
    ("/settings/passkeys/finish", "a new passkey's attestation"),
    (
        "/settings/passkeys/unlock",
        "a passkey's signature and PRF output",
    ),
    (
        "/settings/passkeys/remove",
        "removes a passkey, which only a browser can add",
    ),
    (
        "/settings/passkeys/check",
        "answers with a passkey challenge for the page's script",
    ),
    (
        "/signin/code/passkey",
        "answers with a passkey challenge for a code step begun with a password",
    ),
];

/// Routes whose success would end what later requests need: run last.
const LAST: &[&str] = &[
    "/settings/revoke-others",
    "/settings/password",
    "/settings/delete",
];

/// Who posts a route's form: the first actor its row lets through (a
/// therapist accepts an invitation).
fn poster(path: &str, rule: Rule) -> Actor {
    if path == "/share/accept" {
        return Actor::Unlinked;
    }
    ACTORS
        .into_iter()
        .find(|a| *a != Actor::Anonymous && ![404, SIGN_IN].contains(&expected(rule, *a, false)))
        .unwrap_or(Actor::Owner)
}

/// What a page says went wrong, for failure messages.
fn gist(body: &str) -> String {
    let from = ["role=\"alert\"", "<main"]
        .iter()
        .find_map(|m| body.find(m))
        .unwrap_or(0);
    body[from..].chars().take(300).collect()
}

/// A form as raw bytes per field, so that a probe can hold any byte.
type Fields = Vec<(String, Vec<u8>)>;

fn fields(body: &str) -> Fields {
    form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned().into_bytes()))
        .collect()
}

async fn post_fields(
    t: &TestApp,
    url: &str,
    jar: &Jar,
    fields: &Fields,
    multipart: bool,
    browser_says: Option<(&str, &str)>,
) -> support::Reply {
    let mut req = Request::post(url).header(header::COOKIE, jar.header());
    if let Some((name, value)) = browser_says {
        req = req.header(name, value);
    }
    let req = if multipart {
        let boundary = "----between-probe-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        req.header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
    } else {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    form_urlencoded::byte_serialize(k.as_bytes()).collect::<String>(),
                    form_urlencoded::byte_serialize(v).collect::<String>()
                )
            })
            .collect();
        req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.join("&")))
    };
    t.send(req.unwrap()).await
}

/// A browser's cookies and form token before sign-in.
async fn anonymous_form(t: &TestApp) -> (Jar, String) {
    let mut jar = Jar::default();
    let page = t.get("/recover", &jar).await;
    jar.absorb(&page);
    (jar, page.hidden("csrf"))
}

/// One page route ready to be posted: its address, the browser that posts
/// it, the right token and a wrong one, and fields that change something.
struct Posting {
    label: String,
    url: String,
    jar: Jar,
    token: String,
    foreign: String,
    body: Fields,
}

async fn posting(
    t: &TestApp,
    f: &Fixture,
    r: &Row,
    extra: &HashMap<&'static str, String>,
) -> Posting {
    let mut body = changing_body(r.path).unwrap_or(r.body).to_string();
    for (k, v) in extra {
        body = body.replace(&format!("{{{k}}}"), v);
    }
    let (jar, token, foreign) = if matches!(r.rule, Rule::Public(_)) {
        let (jar, token) = anonymous_form(t).await;
        let (_, another_browser) = anonymous_form(t).await;
        (jar, token, another_browser)
    } else {
        let who = name(poster(r.path, r.rule));
        // Sessions of their own, so that a route wrongly let through cannot
        // end the sessions later routes use (the failure is then reported).
        let stranger = if who == "carl" { "olive" } else { "carl" };
        let (jar, stranger) = (t.sign_in_jar(who).await, t.sign_in_jar(stranger).await);
        (jar.clone(), t.csrf(&jar).await, t.csrf(&stranger).await)
    };
    Posting {
        label: format!("{} {}", r.method, r.path),
        url: fill(r.url, &f.ids),
        jar,
        token,
        foreign,
        body: fields(&body),
    }
}

fn with_token(token: Option<&str>, body: &Fields, probe: Option<&[u8]>) -> Fields {
    let mut out: Fields = token
        .map(|t| vec![("csrf".to_string(), t.as_bytes().to_vec())])
        .unwrap_or_default();
    out.extend(body.iter().cloned());
    if let Some(p) = probe {
        out.push(("probe".into(), p.to_vec()));
    }
    out
}

async fn every_state_changing_page_refuses_untrusted_forms_changing_nothing(t: TestApp) {
    let rows = table();
    let f = fixture(&t).await;
    let invite = t
        .app
        .create_invite(Role::Client, jiff::SignedDuration::from_hours(24))
        .await
        .unwrap();
    let (carl, _) = t
        .app
        .sign_in("carl", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let share_code = t.app.create_share_invite(&carl).await.unwrap().code;
    // An entry written offline, sealed to olive's key as her browser would.
    let (olive_device, _) = t
        .app
        .sign_in("olive", PASSWORD, "test", SignInAs::Device, "test")
        .await
        .unwrap();
    let item = between_app::testing::seal_offline_item(
        &t.app.offline_public_key(&olive_device).unwrap(),
        &uuid::Uuid::new_v4().to_string(),
        br#"{"path":"/journal","fields":[["text","Probe written offline"]],"written_at":"2026-01-01T10:00:00Z"}"#,
    );
    let sync_item: String =
        form_urlencoded::byte_serialize(serde_json::to_string(&item).unwrap().as_bytes()).collect();
    let extra = HashMap::from([
        ("invite", invite.code),
        ("share_code", share_code),
        ("sync_item", sync_item),
    ]);
    // Feedback is for an attended appointment.
    let olive = &f.jars["olive"];
    let attended = t
        .post_form(
            &fill("/appointments/{appointment}/status", &f.ids),
            olive,
            &[("csrf", &t.csrf(olive).await), ("status", "attended")],
        )
        .await;
    assert_eq!(attended.status, 303, "{}", gist(&attended.body));

    let mut pages: Vec<&Row> = endpoints()
        .into_iter()
        .filter(|e| !e.path.starts_with("/api/") && e.method != "GET")
        .map(|e| {
            rows.iter()
                .find(|r| r.method == e.method && r.path == e.path)
                .unwrap_or_else(|| panic!("no row for {e:?}"))
        })
        .collect();
    assert!(
        pages.len() >= 50,
        "only {} state-changing pages",
        pages.len()
    );
    pages.sort_by_key(|r| LAST.iter().position(|p| *p == r.path));

    let mut wrong = Vec::new();
    for r in &pages {
        let p = posting(&t, &f, r, &extra).await;
        // A browser saying the form came from elsewhere (a sibling
        // subdomain is "same-site") is refused even with the right token.
        type Probe<'a> = (&'a str, Fields, bool, Option<(&'a str, &'a str)>);
        let right = || with_token(Some(&p.token), &p.body, None);
        let probes: [Probe; 7] = [
            ("no token", with_token(None, &p.body, None), false, None),
            (
                "a foreign token",
                with_token(Some(&p.foreign), &p.body, None),
                false,
                None,
            ),
            (
                "a NUL",
                with_token(Some(&p.token), &p.body, Some(b"ok\0")),
                true,
                None,
            ),
            (
                "invalid UTF-8",
                with_token(Some(&p.token), &p.body, Some(b"caf\xe9")),
                true,
                None,
            ),
            (
                "Sec-Fetch-Site: cross-site",
                right(),
                false,
                Some(("sec-fetch-site", "cross-site")),
            ),
            (
                "Sec-Fetch-Site: same-site",
                right(),
                false,
                Some(("sec-fetch-site", "same-site")),
            ),
            (
                "a sibling subdomain's Origin",
                right(),
                false,
                Some(("origin", "https://notes.example.org")),
            ),
        ];
        t.app.settle().await;
        let mut before = t.db.store.fingerprint().await;
        for (what, fields, names_probe, browser_says) in &probes {
            for multipart in [false, true] {
                let got = post_fields(&t, &p.url, &p.jar, fields, multipart, *browser_says).await;
                t.app.settle().await;
                let after = t.db.store.fingerprint().await;
                let encoding = if multipart {
                    "multipart"
                } else {
                    "url-encoded"
                };
                let status = got.status.as_u16();
                let refused = if *names_probe {
                    status == 400 && got.body.contains("&#34;probe&#34;")
                } else {
                    (400..500).contains(&status)
                };
                if !refused {
                    wrong.push(format!(
                        "{} with {what} ({encoding}) was not refused: {status} {}",
                        p.label,
                        gist(&got.body)
                    ));
                }
                let changed = after.changed_since(&before);
                if !changed.is_empty() {
                    wrong.push(format!(
                        "{} with {what} ({encoding}) changed {changed:?}",
                        p.label
                    ));
                }
                before = after;
            }
        }
    }

    assert!(
        wrong.is_empty(),
        "{} forms were trusted:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // The same fields with the right token do change something, so the
    // refusals above are what kept the store as it was.
    for (path, _) in CHANGES_NOTHING {
        assert!(
            pages.iter().any(|r| r.path == *path),
            "{path} is not a page route"
        );
    }
    for r in &pages {
        if CHANGES_NOTHING
            .iter()
            .chain(NEEDS_AN_AUTHENTICATOR)
            .any(|(path, _)| *path == r.path)
        {
            continue;
        }
        let p = posting(&t, &f, r, &extra).await;
        t.app.settle().await;
        let before = t.db.store.fingerprint().await;
        let got = post_fields(
            &t,
            &p.url,
            &p.jar,
            &with_token(Some(&p.token), &p.body, None),
            false,
            None,
        )
        .await;
        t.app.settle().await;
        if t.db.store.fingerprint().await == before {
            wrong.push(format!(
                "{} with the right token changed nothing, so its probes prove little: {} {}",
                p.label,
                got.status,
                gist(&got.body)
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong outcomes:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// An app whose clock stands still, so that reading a page never records a
/// session's use (which it does at most once a minute) during the test.
fn still_clock() -> between_app::Config {
    between_app::Config {
        clock: between_app::Clock::manual(jiff::Timestamp::now()),
        ..support::test_config()
    }
}

#[tokio::test]
async fn every_state_changing_page_refuses_a_missing_or_foreign_token_and_unstorable_text_on_sqlite(
) {
    let t = TestApp::with(still_clock(), between::web::WebSettings::default()).await;
    every_state_changing_page_refuses_untrusted_forms_changing_nothing(t).await;
}

#[tokio::test]
async fn every_state_changing_page_refuses_a_missing_or_foreign_token_and_unstorable_text_on_postgres(
) {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    every_state_changing_page_refuses_untrusted_forms_changing_nothing(
        TestApp::on_with(db, still_clock()).await,
    )
    .await;
}
