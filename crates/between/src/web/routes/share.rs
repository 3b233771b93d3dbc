//! Sharing from both sides. The client's: invitations, scopes, private
//! links and "who saw what" (grouped into visits, paged). The therapist's:
//! accepting an invitation, the dashboard of clients ordered by what needs
//! attention (`/clients`), the sessions of today and this week
//! (`/clients/sessions`), and a client's page that opens with a one-screen
//! summary (flags, the shared agenda, scores, goals, practice) before the
//! details.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use between_app::Role;
use serde::Deserialize;

use crate::web::auth::SignedIn;
use crate::web::charts::heatmap;
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{PageQuery, SignedForm};
use crate::web::schedule_picker::SchedulePicker;
use crate::web::{Layout, WebState};

#[derive(Template)]
#[template(path = "share_accept.html")]
struct AcceptPage {
    layout: Layout,
    code: String,
    linked: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Params {
    code: Option<String>,
}

pub async fn accept_form(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<Params>,
) -> PageResult {
    render(&AcceptPage {
        layout: Layout::signed_in(&state, &s, "Link with a client", "home"),
        code: params.code.unwrap_or_default(),
        linked: None,
        error: None,
    })
}

pub async fn accept(
    State(state): State<WebState>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let code = form.get("code").trim().to_string();
    let (linked, error) = match state.app.accept_share_invite(&s.principal, &code).await {
        Ok(link) => (Some(link.client), None),
        Err(e) if e.is_input_error() => (None, Some(e.to_string())),
        Err(e) => return Err(e.into()),
    };
    let page = AcceptPage {
        layout: Layout::signed_in(&state, &s, "Link with a client", "home"),
        code,
        linked,
        error,
    };
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// One link on the sharing page.
pub struct LinkView {
    pub id: uuid::Uuid,
    pub with: String,
    pub since: String,
    /// (scope name, what it shares, on).
    pub choices: Vec<(&'static str, &'static str, bool)>,
    /// Whether the client's app can verify the link; if not, the
    /// therapist's key fingerprint to compare before confirming.
    pub confirmed: bool,
    pub fingerprint: String,
}

#[derive(Template)]
#[template(path = "sharing.html")]
struct SharingPage {
    layout: Layout,
    therapist: bool,
    /// A therapist's linked clients, for the pointer to `/clients`.
    clients: usize,
    links: Vec<LinkView>,
    invite_url: Option<String>,
    error: Option<String>,
    private_links: Vec<PrivateLinkView>,
    /// A therapist's own key fingerprint, to read out to a client.
    own_fingerprint: Option<String>,
}

/// A private link as the sharing page lists it.
struct PrivateLinkView {
    id: uuid::Uuid,
    title: String,
    created: String,
    expires: String,
    views: String,
    state: &'static str,
    open: bool,
}

/// "3 Dec 2026, 14:05" in the reader's zone.
fn day_time(t: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%-d %b %Y, %H:%M")
        .to_string()
}

/// "Tue 3 Dec 2026, 14:05" in the reader's zone.
fn weekday_time(t: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%a %-d %b %Y, %H:%M")
        .to_string()
}

/// Only a therapist account has clients; anyone else finds nothing here.
fn require_therapist(s: &SignedIn) -> Result<(), PageError> {
    if s.principal.user.role == Role::Therapist {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

async fn sharing_page(
    state: &WebState,
    s: &SignedIn,
    invite_url: Option<String>,
    error: Option<String>,
) -> Result<SharingPage, PageError> {
    use between_domain::share::Scope;
    let p = &s.principal;
    let tz = &p.user.time_zone;
    let therapist = p.user.role == Role::Therapist;
    let (links, clients) = if therapist {
        (Vec::new(), state.app.clients(p).await?.len())
    } else {
        (state.app.shares(p).await?, 0)
    };
    Ok(SharingPage {
        own_fingerprint: if therapist {
            state.app.own_fingerprint(p)
        } else {
            None
        },
        layout: Layout::signed_in(state, s, "Sharing", "settings"),
        therapist,
        clients,
        links: links
            .into_iter()
            .map(|l| LinkView {
                id: l.id,
                since: l
                    .since
                    .to_zoned(tz.clone())
                    .strftime("%-d %B %Y")
                    .to_string(),
                choices: Scope::ALL
                    .into_iter()
                    .map(|x| (x.as_str(), x.describe(), l.scopes.contains(&x)))
                    .collect(),
                confirmed: l.confirmed,
                fingerprint: l.therapist_fingerprint.unwrap_or_default(),
                with: l.with,
            })
            .collect(),
        invite_url,
        error,
        private_links: if therapist {
            Vec::new()
        } else {
            state
                .app
                .private_links(p)
                .await?
                .into_iter()
                .map(|l| PrivateLinkView {
                    id: l.id,
                    title: l.title,
                    created: day_time(l.created_at, tz),
                    expires: day_time(l.expires_at, tz),
                    views: match l.max_views {
                        Some(m) => format!("{} of {m}", l.views),
                        None => l.views.to_string(),
                    },
                    state: l.state.as_str(),
                    open: l.state == between_app::private_links::LinkState::Open,
                })
                .collect()
        },
    })
}

pub async fn sharing(State(state): State<WebState>, s: SignedIn) -> PageResult {
    render(&sharing_page(&state, &s, None, None).await?)
}

pub async fn invite(State(state): State<WebState>, SignedForm { s, .. }: SignedForm) -> PageResult {
    let invite = state.app.create_share_invite(&s.principal).await?;
    let url = format!(
        "{}/share/accept?code={}",
        state.settings.public_url.trim_end_matches('/'),
        invite.code
    );
    render(&sharing_page(&state, &s, Some(url), None).await?)
}

/// One of the person's active links, by the id in the path.
async fn own_link(
    state: &WebState,
    s: &SignedIn,
    id: &str,
) -> Result<between_app::sharing::Link, PageError> {
    let id = super::path_id(id)?;
    state
        .app
        .shares(&s.principal)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(PageError::NotFound)
}

/// Saves the checked scopes of one link: checked ones on, the rest off.
pub async fn set_scopes(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    use between_domain::share::Scope;
    let link = own_link(&state, &s, &id).await?;
    let checked: Vec<Scope> = form
        .all("scope")
        .iter()
        .filter_map(|x| Scope::parse(x))
        .collect();
    let on: Vec<Scope> = checked
        .iter()
        .copied()
        .filter(|x| !link.scopes.contains(x))
        .collect();
    let off: Vec<Scope> = link
        .scopes
        .iter()
        .copied()
        .filter(|x| !checked.contains(x))
        .collect();
    state
        .app
        .set_share_scopes(&s.principal, &link.with, &on, &off)
        .await?;
    Ok(axum::response::Redirect::to("/sharing").into_response())
}

/// The client confirms a link their app cannot verify by itself, having
/// compared the therapist's key fingerprint.
pub async fn confirm(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let link = own_link(&state, &s, &id).await?;
    state.app.confirm_share(&s.principal, &link.with).await?;
    Ok(axum::response::Redirect::to("/sharing").into_response())
}

pub async fn end(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, .. }: SignedForm,
) -> PageResult {
    let link = own_link(&state, &s, &id).await?;
    state.app.end_share(&s.principal, &link.with).await?;
    let back = if s.principal.user.role == Role::Therapist {
        "/clients"
    } else {
        "/sharing"
    };
    Ok(axum::response::Redirect::to(back).into_response())
}

/// Visits on one page of "who saw what".
const VISITS_PER_PAGE: usize = 20;

/// What a visit saw or changed, in words: "an overview, questionnaire
/// scores, appointments"; scope changes as "switched on: goals and check-ins".
fn visit_words(what: &[String]) -> String {
    use between_domain::share::Scope;
    let (mut seen, mut on, mut off) = (Vec::new(), Vec::new(), Vec::new());
    for w in what {
        let change = w
            .strip_prefix("scope ")
            .and_then(|x| x.rsplit_once(" switched "));
        match change {
            Some((scope, state)) => {
                let name = Scope::parse(scope).map_or(scope, |x| x.describe());
                if state == "on" {
                    on.push(name)
                } else {
                    off.push(name)
                }
            }
            None => seen.push(match w.as_str() {
                "summary" => "an overview",
                "link ended" => "ended the link",
                other => Scope::parse(other).map_or(other, |x| x.describe()),
            }),
        }
    }
    let mut parts = Vec::new();
    if !seen.is_empty() {
        parts.push(seen.join(", "));
    }
    if !on.is_empty() {
        parts.push(format!("switched on: {}", on.join(", ")));
    }
    if !off.is_empty() {
        parts.push(format!("switched off: {}", off.join(", ")));
    }
    parts.join("; ")
}

/// One visit as the access log page shows it.
struct VisitRow {
    when: String,
    who: String,
    what: String,
    /// What exactly was opened (sealed to this person, opened here).
    details: Vec<String>,
}

#[derive(Template)]
#[template(path = "access_log.html")]
struct AccessLogPage {
    layout: Layout,
    rows: Vec<VisitRow>,
    /// `?before=` of the next older page, when there is one.
    older: Option<String>,
    /// Not the newest page: offer the way back.
    newer: bool,
}

#[derive(Deserialize, Default)]
pub struct AccessLogParams {
    /// The visits after this one (by the id of its newest entry): the
    /// next older page.
    before: Option<String>,
}

/// "who saw what": every therapist's visit (reads within half an hour of
/// each other) as one row with the kinds seen, newest first, 20 a page,
/// "Older" by a cursor. The CSV has every single entry.
pub async fn access_log(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(params): PageQuery<AccessLogParams>,
) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let bad_cursor = || {
        PageError::BadRequest(
            "The link to older visits is not valid any more; start again from the newest.".into(),
        )
    };
    let before = match params.before.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(x) => Some(uuid::Uuid::parse_str(x).map_err(|_| bad_cursor())?),
    };
    let log = state.app.access_log(&s.principal).await?;
    let all = between_app::sharing::visits(&log);
    let skip = match before {
        None => 0,
        Some(id) => all.iter().position(|v| v.id == id).ok_or_else(bad_cursor)? + 1,
    };
    let visits = &all[skip..(skip + VISITS_PER_PAGE).min(all.len())];
    let more = all.len() > skip + VISITS_PER_PAGE;
    let at = |micros: i64| {
        jiff::Timestamp::from_microsecond(micros)
            .map(|t| day_time(t, tz))
            .unwrap_or_default()
    };
    let rows = visits
        .iter()
        .map(|v| {
            let time = |micros: i64| {
                jiff::Timestamp::from_microsecond(micros)
                    .map(|t| t.to_zoned(tz.clone()).strftime("%H:%M").to_string())
                    .unwrap_or_default()
            };
            let when = if time(v.first_at) == time(v.last_at) {
                at(v.last_at)
            } else {
                format!("{}–{}", at(v.first_at), time(v.last_at))
            };
            let own = v.reader_id.is_none() && v.reader_name == s.principal.user.name;
            VisitRow {
                when,
                who: if own {
                    "You".into()
                } else {
                    v.reader_name.clone()
                },
                what: visit_words(&v.what),
                details: v.details.clone(),
            }
        })
        .collect();
    render(&AccessLogPage {
        layout: Layout::signed_in(&state, &s, "Who saw what", "settings"),
        rows,
        older: more
            .then(|| visits.last().map(|v| v.id.to_string()))
            .flatten(),
        newer: before.is_some(),
    })
}

/// A small line of recent scores for the dashboard (no axes, no text:
/// the numbers are in its label and next to it).
// The charts helper brings a shared `charts::sparkline`; this one is the
// dashboard's own until then.
fn sparkline(label: &'static str, totals: &[u8], max: u8) -> String {
    const W: f64 = 96.0;
    const H: f64 = 24.0;
    if totals.len() < 2 {
        return String::new();
    }
    let step = W / (totals.len() - 1) as f64;
    let y = |v: u8| 2.0 + (1.0 - f64::from(v) / f64::from(max.max(1))) * (H - 4.0);
    let points: Vec<String> = totals
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, y(*v)))
        .collect();
    let numbers: Vec<String> = totals.iter().map(u8::to_string).collect();
    let last = totals.last().copied().unwrap_or(0);
    format!(
        r##"<svg class="sparkline" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-label="{} over the last {} times, oldest first: {}" xmlns="http://www.w3.org/2000/svg"><polyline points="{}" fill="none" stroke="#35566f" stroke-width="2"/><circle cx="{W}" cy="{:.1}" r="2.5" fill="#35566f"/></svg>"##,
        label,
        totals.len(),
        numbers.join(", "),
        points.join(" "),
        y(last)
    )
}

/// One client on the dashboard.
struct DashRow {
    id: String,
    name: String,
    /// Third-person sentences, most urgent first.
    flags: Vec<String>,
    /// (latest score in words, sparkline); `None` when measures are not shared.
    scores: Option<Vec<(String, String)>>,
    adherence: String,
    next: String,
    /// "as of …" when the client's figures are more than a day old.
    as_of: String,
}

#[derive(Template)]
#[template(path = "clients.html")]
struct ClientsPage {
    layout: Layout,
    rows: Vec<DashRow>,
}

/// `GET /clients`: the therapist's dashboard, clients ordered by what needs
/// attention (safety item, reliable deterioration, roadblocks, low or
/// falling feedback, then the next appointment).
pub async fn clients(State(state): State<WebState>, s: SignedIn) -> PageResult {
    require_therapist(&s)?;
    let p = &s.principal;
    let tz = &p.user.time_zone;
    let now = state.app.now();
    let rows = state
        .app
        .client_summaries(p)
        .await?
        .iter()
        .map(|c| {
            let text = crate::client_doc::SummaryText::of(c, tz, now);
            let scores = c.measures.as_ref().map(|latest| {
                latest
                    .iter()
                    .map(|(instrument, total, severity, change)| {
                        let words = format!(
                            "{} {total}{} ({severity}{})",
                            instrument.name(),
                            instrument.def().unit,
                            change
                                .as_ref()
                                .map(|c| format!(", {c}"))
                                .unwrap_or_default()
                        );
                        let totals: Vec<u8> = c
                            .recent_scores
                            .iter()
                            .flatten()
                            .find(|(i, _)| i == instrument)
                            .map(|(_, list)| list.iter().map(|(_, t)| *t).collect())
                            .unwrap_or_default();
                        (
                            words,
                            sparkline(instrument.name(), &totals, instrument.def().max_points()),
                        )
                    })
                    .collect()
            });
            DashRow {
                id: c.link.client_id.to_string(),
                name: c.link.client.clone(),
                flags: text.flags,
                scores,
                adherence: text.adherence,
                next: text.next,
                as_of: text.as_of,
            }
        })
        .collect();
    render(&ClientsPage {
        layout: Layout::signed_in(&state, &s, "Clients", "clients"),
        rows,
    })
}

/// One session on the sessions page.
struct SessionRow {
    time: String,
    client_id: String,
    name: String,
    /// "cancelled", "attended", …; empty while planned.
    status: &'static str,
    minutes: u32,
}

#[derive(Template)]
#[template(path = "client_sessions.html")]
struct SessionsPage {
    layout: Layout,
    today_label: String,
    today: Vec<SessionRow>,
    later: Vec<SessionRow>,
    next_week: Vec<SessionRow>,
    clients: usize,
}

/// `GET /clients/sessions`: sessions today, in the rest of this week (to
/// Sunday) and next week, across every linked client, in time order.
pub async fn sessions(State(state): State<WebState>, s: SignedIn) -> PageResult {
    require_therapist(&s)?;
    let p = &s.principal;
    let tz = &p.user.time_zone;
    let now = state.app.now().to_zoned(tz.clone());
    let today = now.date();
    let sunday = today
        .checked_add(jiff::Span::new().days(6 - i64::from(today.weekday().to_monday_zero_offset())))
        .unwrap_or(today);
    let next_sunday = sunday
        .checked_add(jiff::Span::new().days(7))
        .unwrap_or(sunday);
    let links = state.app.clients(p).await?;
    let mut all = Vec::new();
    for link in &links {
        for a in state.app.client_appointments(p, &link.client).await? {
            let day = a.starts_at.to_zoned(tz.clone()).date();
            if day >= today && day <= next_sunday {
                all.push((day, a.starts_at, link, a.details));
            }
        }
    }
    all.sort_by_key(|(_, at, link, _)| (*at, link.client.clone()));
    let (mut today_rows, mut later, mut next_week) = (Vec::new(), Vec::new(), Vec::new());
    for (day, at, link, details) in all {
        let zoned = at.to_zoned(tz.clone());
        let row = SessionRow {
            time: if day == today {
                zoned.strftime("%H:%M").to_string()
            } else {
                zoned.strftime("%a %-d %b, %H:%M").to_string()
            },
            client_id: link.client_id.to_string(),
            name: link.client.clone(),
            status: match details.status {
                between_domain::appointment::Status::Planned => "",
                other => other.as_str(),
            },
            minutes: details.duration_minutes,
        };
        if day == today {
            today_rows.push(row);
        } else if day <= sunday {
            later.push(row);
        } else {
            next_week.push(row);
        }
    }
    render(&SessionsPage {
        layout: Layout::signed_in(&state, &s, "Sessions", "sessions"),
        today_label: today.strftime("%A %-d %B").to_string(),
        today: today_rows,
        later,
        next_week,
        clients: links.len(),
    })
}

/// A shared agenda as the therapist's page shows it.
struct AgendaView {
    title: String,
    subtitle: String,
    as_of: String,
    /// Empty, or why this copy is not verified.
    unverified: &'static str,
    sections: Vec<(String, Vec<between_domain::snapshot::SnapshotLine>)>,
    /// ("Your comment" | "Your point", text, the point it answers).
    notes: Vec<(&'static str, String, String)>,
    /// Points a comment can answer: (key, text).
    points: Vec<(String, String)>,
}

/// A latest score with its chart and severity bands.
struct ScoreView {
    name: &'static str,
    /// "12 of 27: moderate".
    latest: String,
    /// "reliable improvement since the one before", or empty.
    change: String,
    taken: String,
    /// "18 → 9 since the first (3 Feb 2026): reliable improvement", or
    /// empty with one response.
    since_first: String,
    /// "Started in the clinical range (10 or more); now out of it.", or empty.
    crossing: String,
    /// "Not improving: no reliable improvement after 9 sessions.", or empty.
    not_improving: String,
    chart: String,
}

/// The words beside one instrument's chart on the client page.
fn score_view(
    list: &[between_app::measures::MeasureView],
    instrument: between_domain::measure::Instrument,
    attended: &[jiff::Timestamp],
    tz: &jiff::tz::TimeZone,
) -> Option<ScoreView> {
    use between_domain::measure::trajectory::{trajectory, Crossing};
    let def = instrument.def();
    let of_kind: Vec<&between_app::measures::MeasureView> = list
        .iter()
        .filter(|m| m.response.data.instrument == instrument)
        .collect();
    let m = of_kind.last()?;
    let totals: Vec<(jiff::Timestamp, u8)> = of_kind
        .iter()
        .map(|m| (m.response.occurred_at, m.scored.total))
        .collect();
    let t = trajectory(
        instrument,
        &totals,
        attended,
        &between_domain::roadblocks::Thresholds::default(),
    )?;
    let day = |at: jiff::Timestamp| at.to_zoned(tz.clone()).strftime("%-d %b %Y").to_string();
    let range = format!("the clinical range ({})", def.cutoff_words());
    Some(ScoreView {
        name: instrument.name(),
        latest: format!(
            "{}: {}",
            def.score_words(m.scored.points),
            m.scored.severity.label()
        ),
        change: t
            .since_last
            .map(|c| format!("{} since the one before", c.label()))
            .unwrap_or_default(),
        taken: day(m.response.occurred_at),
        since_first: t
            .since_first
            .map(|c| {
                format!(
                    "{}{unit} → {}{unit} since the first ({}): {}",
                    def.points(t.first.1),
                    def.points(t.latest.1),
                    day(t.first.0),
                    c.label(),
                    unit = def.unit
                )
            })
            .unwrap_or_default(),
        crossing: match t.crossing {
            Some(Crossing::OutOfRange) => format!("Started in {range}; now out of it."),
            Some(Crossing::IntoRange) => format!("Started out of {range}; now in it."),
            None => String::new(),
        },
        not_improving: t
            .not_improving
            .map(|n| {
                format!(
                    "Not improving: no reliable improvement on the first score after {n} sessions."
                )
            })
            .unwrap_or_default(),
        chart: super::measures::chart(list, instrument, tz),
    })
}

/// An active goal with its current level and chart.
struct GoalSummary {
    title: String,
    progress: String,
    chart: String,
}

/// A practice with its adherence and calendar.
struct PracticeSummary {
    title: String,
    schedule: String,
    adherence: String,
    heatmap: String,
}

/// An appointment as the client's page lists it.
struct AppointmentRow {
    when: String,
    status: &'static str,
}

/// The assign form as typed, kept when it had a problem.
#[derive(Default)]
struct AssignForm {
    title: String,
    instructions: String,
    schedule: SchedulePicker,
    /// Whether the schedule was the problem.
    schedule_invalid: bool,
}

#[derive(Template)]
#[template(path = "client.html")]
struct ClientPage {
    layout: Layout,
    id: String,
    /// The link itself, for ending it.
    link_id: String,
    name: String,
    therapist: String,
    /// The client's preview of this page: no forms, nothing logged.
    preview: bool,
    /// This page's address, for its own links.
    base: String,
    /// What needs attention, in the third person.
    flags: Vec<String>,
    shares: Vec<&'static str>,
    shares_agenda: bool,
    agenda: Option<AgendaView>,
    /// Why there is no agenda to show, when shared.
    agenda_note: String,
    /// `None` when measures are not shared.
    scores: Option<Vec<ScoreView>>,
    goals: Option<Vec<GoalSummary>>,
    practices: Option<Vec<PracticeSummary>>,
    next: Option<AppointmentRow>,
    /// The latest past appointments (all of them with `?appointments=all`),
    /// newest first.
    past: Vec<AppointmentRow>,
    /// Past appointments not shown.
    more_past: usize,
    /// Everything shared, scope by scope, collapsed: (heading, lines).
    details: Vec<(&'static str, Vec<String>)>,
    error: Option<String>,
    /// Practice this therapist assigned: (title, schedule, state, reply).
    assigned: Vec<(String, String, &'static str, String)>,
    assign_form: AssignForm,
    /// Questionnaires this therapist asked for: (what, state, note, reply).
    requests: Vec<(String, &'static str, String, String)>,
    /// (slug, name) of every instrument, for the request form.
    instruments: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
pub struct ClientParams {
    /// `all`: every past appointment instead of the last few.
    appointments: Option<String>,
}

/// Past appointments shown before "all".
const PAST_SHOWN: usize = 3;

/// The link of this therapist with the client whose user id is in the path.
async fn client_link(
    state: &WebState,
    s: &SignedIn,
    id: &str,
) -> Result<between_app::sharing::Link, PageError> {
    let id = super::path_id(id)?;
    state
        .app
        .clients(&s.principal)
        .await?
        .into_iter()
        .find(|l| l.client_id == id)
        .ok_or(PageError::NotFound)
}

/// A therapist's view of one linked client: a one-screen summary first
/// (what needs attention, the shared agenda, scores, goals, practice),
/// then appointments, assigned practice and everything shared.
pub async fn client(
    State(state): State<WebState>,
    s: SignedIn,
    axum::extract::Path(id): axum::extract::Path<String>,
    PageQuery(params): PageQuery<ClientParams>,
) -> PageResult {
    let link = client_link(&state, &s, &id).await?;
    let all = params.appointments.as_deref() == Some("all");
    client_page(&state, &s, link, None, AssignForm::default(), all).await
}

fn agenda_view(
    a: between_app::agenda_share::SharedAgenda,
    tz: &jiff::tz::TimeZone,
) -> Option<AgendaView> {
    let snapshot = a.snapshot?;
    let notes = a
        .notes
        .iter()
        .map(|n| {
            let on = n
                .note
                .on
                .as_ref()
                .and_then(|key| {
                    snapshot
                        .sections
                        .iter()
                        .flat_map(|x| &x.lines)
                        .find(|l| l.key.as_deref() == Some(key.as_str()))
                })
                .map(|l| l.text.clone())
                .unwrap_or_default();
            let label = match (n.note.point, n.verified) {
                (true, true) => "Your point",
                (false, true) => "Your comment",
                (true, false) => "Your point (not verified)",
                (false, false) => "Your comment (not verified)",
            };
            (label, n.note.text.clone(), on)
        })
        .collect();
    let points = snapshot
        .sections
        .iter()
        .flat_map(|x| &x.lines)
        .filter_map(|l| {
            let short: String = l.text.chars().take(60).collect();
            l.key.clone().map(|k| (k, short))
        })
        .collect();
    Some(AgendaView {
        title: snapshot.title,
        subtitle: snapshot.subtitle,
        as_of: a
            .made_at
            .map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%-d %B %Y, %H:%M")
                    .to_string()
            })
            .unwrap_or_default(),
        sections: snapshot
            .sections
            .into_iter()
            .map(|x| (x.heading, x.lines))
            .collect(),
        unverified: if a.verified {
            ""
        } else {
            crate::client_doc::NOT_VERIFIED_SNAPSHOT
        },
        notes,
        points,
    })
}

fn appointment_row(
    a: &between_domain::appointment::Appointment,
    tz: &jiff::tz::TimeZone,
) -> AppointmentRow {
    AppointmentRow {
        when: weekday_time(a.starts_at, tz),
        status: a.details.status.as_str(),
    }
}

async fn client_page(
    state: &WebState,
    s: &SignedIn,
    link: between_app::sharing::Link,
    error: Option<String>,
    assign_form: AssignForm,
    all_appointments: bool,
) -> PageResult {
    let page = state.app.client_page(&s.principal, &link.client).await?;
    let layout = Layout::signed_in(state, s, link.client.clone(), "clients");
    render_client_page(state, layout, page, error, assign_form, all_appointments)
}

/// `GET /sharing/{id}/preview`: "See what my therapist sees" — the page
/// that link's therapist sees about this client, built by the same
/// gathering over exactly the keys the link holds, not logged as a read.
pub async fn preview(
    State(state): State<WebState>,
    s: SignedIn,
    axum::extract::Path(id): axum::extract::Path<String>,
    PageQuery(params): PageQuery<ClientParams>,
) -> PageResult {
    let id = super::path_id(&id)?;
    let link = state
        .app
        .shares(&s.principal)
        .await?
        .into_iter()
        .find(|l| l.id == id && l.client_id == s.principal.user.id)
        .ok_or(PageError::NotFound)?;
    let page = state
        .app
        .preview_client_page(&s.principal, &link.therapist)
        .await?;
    let layout = Layout::signed_in(
        &state,
        &s,
        format!("What {} sees", link.therapist),
        "sharing",
    );
    let all = params.appointments.as_deref() == Some("all");
    render_client_page(&state, layout, page, None, AssignForm::default(), all)
}

/// The therapist's page about a client, or the client's preview of it:
/// one template, the therapist's own forms left out of the preview.
fn render_client_page(
    state: &WebState,
    layout: Layout,
    page: between_app::client_page::ClientPage,
    error: Option<String>,
    assign_form: AssignForm,
    all_appointments: bool,
) -> PageResult {
    use between_app::sharing::ClientData;
    use between_domain::share::Scope;
    let link = page.link.clone();
    let tz = &page.therapist.time_zone;
    let now = state.app.now();
    let today = now.to_zoned(tz.clone()).date();
    let summary = page.summary;
    let flags = crate::client_doc::SummaryText::of(&summary, tz, now).flags;
    let appointments = page.appointments;
    let attended: Vec<jiff::Timestamp> = appointments
        .iter()
        .filter(|a| {
            a.details.status == between_domain::appointment::Status::Attended && a.starts_at <= now
        })
        .map(|a| a.starts_at)
        .collect();
    let (mut scores, mut goals, mut practices) = (None, None, None);
    let mut details = Vec::new();
    for (scope, data) in &page.data {
        match data {
            ClientData::Measures(list) => {
                scores = Some(
                    between_domain::measure::Instrument::ALL
                        .into_iter()
                        .filter_map(|i| score_view(list, i, &attended, tz))
                        .collect(),
                );
            }
            ClientData::Goals(list) => {
                goals = Some(
                    list.iter()
                        .filter(|g| g.goal.data.status == between_domain::goal::GoalStatus::Active)
                        .map(|g| GoalSummary {
                            title: g.goal.data.title.clone(),
                            progress: super::goals::progress_text(g).0,
                            chart: super::goals::chart(g, tz),
                        })
                        .collect(),
                );
            }
            ClientData::Practice(list) => {
                // Eight whole weeks ending with this one.
                let monday = between_domain::practice::schedule::week_start(today);
                let from = monday
                    .checked_sub(jiff::Span::new().weeks(7))
                    .unwrap_or(monday);
                let sunday = monday
                    .checked_add(jiff::Span::new().days(6))
                    .unwrap_or(today);
                let four_weeks_ago = today
                    .checked_sub(jiff::Span::new().days(27))
                    .unwrap_or(today);
                practices = Some(
                    list.iter()
                        .filter(|v| !v.practice.data.archived)
                        .map(|v| {
                            let stats = v.stats_between(tz, four_weeks_ago, today, today);
                            PracticeSummary {
                                title: v.practice.data.title.clone(),
                                schedule: v.practice.data.schedule.describe(),
                                adherence: match stats.adherence {
                                    Some(a) => format!(
                                        "done {} of {} planned times in the last 4 weeks ({:.0}%)",
                                        stats.done,
                                        stats.scheduled,
                                        a * 100.0
                                    ),
                                    None => "nothing planned in the last 4 weeks".into(),
                                },
                                heatmap: heatmap(&v.calendar(tz, from, sunday, today)),
                            }
                        })
                        .collect(),
                );
            }
            _ => {}
        }
        let (lines, _) = crate::client_doc::lines_and_json(data, tz);
        details.push((scope.describe(), lines));
    }
    let shares_agenda = link.scopes.contains(&Scope::Agenda);
    let (mut agenda, mut agenda_note) = (None, String::new());
    if let Some(shared) = page.agenda {
        agenda = agenda_view(shared, tz);
        if agenda.is_none() {
            agenda_note = format!(
                "No agenda to show yet: it appears when {} next opens their agenda for a session with you.",
                link.client
            );
        }
    }
    let next = between_domain::appointment::next_appointment(&appointments, now)
        .map(|a| appointment_row(a, tz));
    let past_all: Vec<_> = appointments
        .iter()
        .rev()
        .filter(|a| a.starts_at <= now)
        .collect();
    let shown = if all_appointments {
        past_all.len()
    } else {
        PAST_SHOWN
    };
    let past = past_all
        .iter()
        .take(shown)
        .map(|a| appointment_row(a, tz))
        .collect();
    let more_past = past_all.len().saturating_sub(shown);
    let assigned = page
        .assignments
        .into_iter()
        .map(|a| {
            let mut reply = crate::client_doc::assignment_reply(&a)
                .trim_start_matches([' ', ':'])
                .to_string();
            if !a.verified {
                reply.push_str(crate::client_doc::NOT_VERIFIED);
            }
            (
                a.practice.title,
                a.practice.schedule.describe(),
                a.state.as_str(),
                reply,
            )
        })
        .collect();
    let requests = page
        .requests
        .into_iter()
        .map(|r| {
            let mut reply = r.reply.clone().unwrap_or_default();
            if !r.verified {
                reply.push_str(crate::client_doc::NOT_VERIFIED);
            }
            (r.words(), r.state.as_str(), r.note.clone(), reply)
        })
        .collect();
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let base = if page.preview {
        format!("/sharing/{}/preview", link.id)
    } else {
        format!("/clients/{}", link.client_id)
    };
    let html = render(&ClientPage {
        layout,
        id: link.client_id.to_string(),
        link_id: link.id.to_string(),
        name: link.client,
        therapist: link.therapist,
        preview: page.preview,
        base,
        flags,
        shares: link.scopes.iter().map(|x| x.describe()).collect(),
        shares_agenda,
        agenda,
        agenda_note,
        scores,
        goals,
        practices,
        next,
        past,
        more_past,
        details,
        error,
        assigned,
        assign_form,
        requests,
        instruments: between_domain::measure::Instrument::ALL
            .iter()
            .map(|i| (i.as_str(), i.name()))
            .collect(),
    })?;
    Ok((status, html).into_response())
}

/// `POST /clients/{id}/assign`: a therapist assigns practice (title,
/// instructions, and when, with the schedule picker of the client's own
/// practice form).
/// `POST /clients/{id}/measures`: the therapist asks the client for
/// questionnaires (`ask_<instrument>`: every:1w, every:2w, every:4w,
/// before, once, or empty for not asked) with a note.
pub async fn request_measures(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    use between_app::measure_requests::Asked;
    use between_domain::measure::{Cadence, Instrument};
    let link = client_link(&state, &s, &id).await?;
    let mut asked = Vec::new();
    let mut problem = None;
    for i in Instrument::ALL {
        let spec = form.get(&format!("ask_{}", i.as_str())).trim();
        if spec.is_empty() {
            continue;
        }
        match Cadence::parse(spec) {
            Ok(cadence) => asked.push(Asked {
                instrument: i,
                cadence,
            }),
            Err(e) => problem = Some(e.to_string()),
        }
    }
    let result = match problem {
        Some(why) => Err(between_app::AppError::invalid("asked", why)),
        None => {
            state
                .app
                .request_measures(&s.principal, &link.client, asked, form.get("note"))
                .await
        }
    };
    match result {
        Ok(_) => Ok(
            axum::response::Redirect::to(&format!("/clients/{}#requests", link.client_id))
                .into_response(),
        ),
        Err(between_app::AppError::Invalid(errors)) => {
            client_page(
                &state,
                &s,
                link,
                Some(errors.to_string()),
                AssignForm::default(),
                false,
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn assign(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let link = client_link(&state, &s, &id).await?;
    let mut typed = AssignForm {
        title: form.get("title").to_string(),
        instructions: form.get("instructions").to_string(),
        schedule: SchedulePicker::from_form(&form),
        schedule_invalid: false,
    };
    let today = state
        .app
        .now()
        .to_zoned(s.principal.user.time_zone.clone())
        .date();
    let result = match typed.schedule.spec() {
        Err(problem) => {
            let mut errors = between_domain::ValidationErrors::new();
            errors.add("schedule", problem);
            Err(between_app::AppError::Invalid(errors))
        }
        Ok(spec) => {
            let input = crate::json::PracticeInput {
                title: typed.title.clone(),
                instructions: typed.instructions.clone(),
                schedule: Some(spec),
                ..Default::default()
            };
            match input.parse(today) {
                Ok(practice) => {
                    state
                        .app
                        .assign_practice(&s.principal, &link.client, practice)
                        .await
                }
                Err(e) => Err(between_app::AppError::Invalid(e)),
            }
        }
    };
    match result {
        Ok(_) => Ok(
            axum::response::Redirect::to(&format!("/clients/{}#assigned", link.client_id))
                .into_response(),
        ),
        Err(between_app::AppError::Invalid(errors)) => {
            typed.schedule_invalid = errors.get("schedule").is_some();
            client_page(&state, &s, link, Some(errors.to_string()), typed, false).await
        }
        Err(err) => Err(err.into()),
    }
}

/// A therapist adds a comment or a point of their own to the shared agenda.
pub async fn add_agenda_note(
    State(state): State<WebState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let link = client_link(&state, &s, &id).await?;
    let on = Some(form.get("on").trim().to_string()).filter(|x| !x.is_empty());
    let note = between_app::agenda_share::Note {
        text: form.get("text").to_string(),
        point: form.get("kind") == "point",
        on,
    };
    match state
        .app
        .add_agenda_note(&s.principal, &link.client, note)
        .await
    {
        Ok(_) => Ok(
            axum::response::Redirect::to(&format!("/clients/{}#agenda", link.client_id))
                .into_response(),
        ),
        Err(between_app::AppError::Invalid(errors)) => {
            client_page(
                &state,
                &s,
                link,
                Some(errors.to_string()),
                AssignForm::default(),
                false,
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

/// The access log as a CSV file (when, who, what, item), for keeping:
/// every single entry, not grouped.
pub async fn access_log_csv(State(state): State<WebState>, s: SignedIn) -> PageResult {
    let tz = &s.principal.user.time_zone;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, row: [&str; 5]| {
        out.write_record(row)
            .map_err(|e| PageError::Internal(e.to_string()))
    };
    write(&mut out, ["when", "who", "what", "item", "details"])?;
    for a in state.app.access_log(&s.principal).await? {
        let at = jiff::Timestamp::from_microsecond(a.at)
            .map(|t| crate::json::rfc3339(t, tz))
            .unwrap_or_default();
        let item = a.item_id.map(|i| i.to_string()).unwrap_or_default();
        let details = a.details.join("; ");
        write(&mut out, [&at, &a.reader_name, &a.what, &item, &details])?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| PageError::Internal(e.to_string()))?;
    Ok(crate::agenda_doc::Download {
        content_type: "text/csv; charset=utf-8",
        file_name: "who-saw-what.csv".into(),
        bytes,
    }
    .into_response())
}
