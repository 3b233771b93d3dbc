//! Measures pages: every instrument's form from its definition (exact
//! published wording), results with band and change in the instrument's
//! direction, the safety message when the PHQ-9's item 9 is above 0, scores
//! over time with their bands, the "In crisis?" page and the safety plan.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use between_app::measures::{MeasureView, SafetyPlan, SAFETY_PLAN_SECTIONS};
use between_app::AppError;
use between_domain::measure::{Cadence, Direction, Instrument, Response, Scored};

use crate::web::auth::{MaybeSignedIn, SignedIn};
use crate::web::charts::{Chart, Line};
use crate::web::errors::{render, PageError, PageResult};
use crate::web::forms::{Checked, FormData, PageQuery, SignedForm, SignedFormOrStale};
use crate::web::paging::{self, Cursor, Links};
use crate::web::{Layout, WebState};

pub struct Row {
    pub when: String,
    pub name: &'static str,
    /// "12 of 27", or for the WHO-5 "48 %".
    pub score: String,
    pub severity: &'static str,
    pub change: Option<&'static str>,
}

/// A score as the instrument reports it.
pub fn score_words(i: Instrument, s: &Scored) -> String {
    i.def().score_words(s.points)
}

fn row(m: &MeasureView, tz: &jiff::tz::TimeZone) -> Row {
    let i = m.response.data.instrument;
    Row {
        when: m
            .response
            .occurred_at
            .to_zoned(tz.clone())
            .strftime("%-d %b %Y")
            .to_string(),
        name: i.name(),
        score: score_words(i, &m.scored),
        severity: m.scored.severity.label(),
        change: m.change.map(|c| c.label()),
    }
}

/// Zone colours from best to worst.
const BEST_TO_WORST: [&str; 5] = ["#2e8b57", "#9acd32", "#e9a23b", "#e67e22", "#c0392b"];

pub(super) fn chart(all: &[MeasureView], i: Instrument, tz: &jiff::tz::TimeZone) -> String {
    let def = i.def();
    let points: Vec<(f64, f64)> = all
        .iter()
        .filter(|m| m.response.data.instrument == i)
        .map(|m| {
            (
                m.response.occurred_at.as_second() as f64 / 86_400.0,
                f64::from(m.scored.points),
            )
        })
        .collect();
    if points.is_empty() {
        return String::new();
    }
    let date = |m: Option<&MeasureView>| {
        m.map(|m| {
            m.response
                .occurred_at
                .to_zoned(tz.clone())
                .strftime("%-d %b %Y")
                .to_string()
        })
        .unwrap_or_default()
    };
    let of_kind: Vec<&MeasureView> = all
        .iter()
        .filter(|m| m.response.data.instrument == i)
        .collect();
    let max = f64::from(def.max_points());
    let bands = def.bands;
    // The best band green, the worst red, whichever end of the scale they
    // are at; the ones between spread over the colours between.
    let colour = |n: usize| {
        let from_best = match def.direction {
            Direction::LowerIsBetter => n,
            Direction::HigherIsBetter => bands.len() - 1 - n,
        };
        let last = BEST_TO_WORST.len() - 1;
        BEST_TO_WORST[(from_best * last / (bands.len() - 1).max(1)).min(last)]
    };
    let zones = bands
        .iter()
        .enumerate()
        .map(|(n, band)| {
            let hi = bands
                .get(n + 1)
                .map(|next| f64::from(next.min) - 0.5)
                .unwrap_or(max);
            let lo = if n == 0 {
                0.0
            } else {
                f64::from(band.min) - 0.5
            };
            (lo, hi, colour(n), band.label)
        })
        .collect();
    let title = format!("{} over time, with its bands", def.name);
    Chart {
        title: &title,
        desc: match (of_kind.first(), of_kind.last()) {
            (Some(first), Some(last)) => {
                let scores = of_kind.iter().map(|m| m.scored.points);
                format!(
                    "{} from {} to {}. First {} ({}), latest {} ({}); lowest {}, highest {}, of {}. {}",
                    crate::web::charts::plural(of_kind.len(), "score"),
                    date(Some(first)),
                    date(Some(last)),
                    score_words(i, &first.scored),
                    first.scored.severity.label(),
                    score_words(i, &last.scored),
                    last.scored.severity.label(),
                    scores.clone().min().unwrap_or_default(),
                    scores.max().unwrap_or_default(),
                    def.max_points(),
                    match def.direction {
                        Direction::LowerIsBetter => "Lower is better.",
                        Direction::HigherIsBetter => "Higher is better.",
                    }
                )
            }
            _ => String::new(),
        },
        y_min: 0.0,
        y_max: max,
        lines: vec![Line {
            label: i.name(),
            colour: "#35566f",
            points,
            ..Line::default()
        }],
        x_labels: (
            date(of_kind.first().copied()),
            date(of_kind.last().copied()),
        ),
        band: None,
        zones,
        ..Chart::default()
    }
    .svg()
}

#[derive(Template)]
#[template(path = "measures.html")]
struct ListPage {
    layout: Layout,
    due: Vec<(&'static str, &'static str)>,
    /// Every instrument: (id, name, what it asks about, how often in
    /// words, the form's current choice, weeks, days).
    instruments: Vec<InstrumentRow>,
    /// "6 points on the PHQ-9, 4 on the GAD-7, …".
    reliable: String,
    rows: Vec<Row>,
    /// Paging of the history table.
    paging: Links,
    /// (caption with the latest score, chart) per instrument with scores.
    charts: Vec<(String, String)>,
    /// Pending requests from a therapist: (id, therapist, what, note).
    asked: Vec<(String, String, String, String)>,
    error: Option<String>,
}

/// One instrument on the measures page, with its schedule's form.
pub struct InstrumentRow {
    pub slug: &'static str,
    pub name: &'static str,
    pub about: &'static str,
    pub how_often: String,
    /// `every`, `before`, `once` or `off`.
    pub choice: &'static str,
    pub weeks: u8,
    pub days: u8,
}

impl InstrumentRow {
    fn of(s: &between_app::measure_schedules::ScheduleView) -> InstrumentRow {
        let (choice, weeks, days) = match s.cadence {
            Cadence::Every { weeks } => ("every", weeks, 2),
            Cadence::BeforeAppointment { days } => ("before", 2, days),
            Cadence::Once => ("once", 2, 2),
            Cadence::Off => ("off", 2, 2),
        };
        InstrumentRow {
            slug: s.instrument.as_str(),
            name: s.instrument.name(),
            about: s.instrument.def().about,
            how_often: match &s.requested_by {
                Some(who) => format!("{} (asked for by {who})", s.cadence.words()),
                None => s.cadence.words(),
            },
            choice,
            weeks,
            days,
        }
    }
}

/// Sets how often one instrument is asked for.
pub async fn schedule(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let i = instrument(&slug)?;
    let number = |name: &str| form.get(name).trim().parse::<u8>().unwrap_or(0);
    let cadence = match form.get("cadence") {
        "every" => Cadence::Every {
            weeks: number("weeks"),
        },
        "before" => Cadence::BeforeAppointment {
            days: number("days"),
        },
        "once" => Cadence::Once,
        "off" => Cadence::Off,
        other => {
            return Err(PageError::BadRequest(format!(
                "\"{other}\" is not a choice of how often."
            )))
        }
    };
    match state
        .app
        .set_measure_schedule(&s.principal, i, cadence)
        .await
    {
        Ok(_) => Ok(Redirect::to("/measures?notice=scheduled#how-often").into_response()),
        Err(AppError::Invalid(e)) => Err(PageError::BadRequest(e.to_string())),
        Err(err) => Err(err.into()),
    }
}

/// `POST /measures/requests/{id}`: the client accepts (the schedules asked
/// for become theirs) or declines a therapist's request, with a note.
pub async fn answer_request(
    State(state): State<WebState>,
    Path(id): Path<String>,
    SignedForm { s, form }: SignedForm,
) -> PageResult {
    let id = super::path_id(&id)?;
    let accept = match form.get("action") {
        "accept" => true,
        "decline" => false,
        _ => return Err(PageError::BadRequest("Accept or decline it.".into())),
    };
    match state
        .app
        .answer_measure_request(&s.principal, id, accept, form.get("note"))
        .await
    {
        Ok(_) if accept => Ok(Redirect::to("/measures?notice=accepted#how-often").into_response()),
        Ok(_) => Ok(Redirect::to("/measures?notice=declined").into_response()),
        Err(AppError::Invalid(e)) => {
            let page = list_page(&state, &s, ListParams::default(), Some(e.to_string())).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    before: Option<Cursor>,
    notice: Option<String>,
}

pub async fn list(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<ListParams>,
) -> PageResult {
    render(&list_page(&state, &s, q, None).await?)
}

async fn list_page(
    state: &WebState,
    s: &SignedIn,
    q: ListParams,
    error: Option<String>,
) -> Result<ListPage, PageError> {
    let tz = &s.principal.user.time_zone;
    let all = state.app.measures(&s.principal).await?;
    let schedules = state.app.measure_schedules(&s.principal).await?;
    let due = schedules
        .iter()
        .filter(|s| s.due)
        .map(|s| (s.instrument.as_str(), s.instrument.name()))
        .collect();
    let history = paging::page(
        all.iter(),
        |m| Cursor::of(m.response.occurred_at, m.response.id),
        q.before,
        paging::SIZE,
    );
    let asked = state
        .app
        .measure_requests(&s.principal)
        .await?
        .into_iter()
        .filter(|r| r.state == between_app::assignments::AssignmentState::Pending)
        .map(|r| {
            (
                r.id.to_string(),
                r.therapist.clone(),
                r.words(),
                r.note.clone(),
            )
        })
        .collect();
    let notice = match q.notice.as_deref() {
        Some("scheduled") => Some("Saved: how often is changed."),
        Some("accepted") => Some("Accepted: the questionnaires asked for are on your schedule."),
        Some("declined") => Some("Declined: your therapist will see your answer."),
        _ => None,
    };
    Ok(ListPage {
        layout: Layout::signed_in(state, s, "Measures", "measures").with_notice(notice),
        asked,
        error,
        due,
        instruments: schedules.iter().map(InstrumentRow::of).collect(),
        reliable: Instrument::ALL
            .iter()
            .filter(|i| **i != Instrument::Pcl5Weekly)
            .map(|i| {
                let d = i.def();
                format!(
                    "{}{} on the {}",
                    d.reliable_change,
                    if d.unit.is_empty() {
                        " points"
                    } else {
                        " percentage points"
                    },
                    d.name
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        rows: history.items.iter().map(|m| row(m, tz)).collect(),
        paging: Links::new("results", "/measures", &[], "#history", q.before, &history),
        charts: Instrument::ALL
            .iter()
            .filter_map(|i| {
                let latest = all.iter().rfind(|m| m.response.data.instrument == *i)?;
                let caption = format!(
                    "{}: latest {} ({}) on {}.",
                    i.name(),
                    score_words(*i, &latest.scored),
                    latest.scored.severity.label(),
                    latest
                        .response
                        .occurred_at
                        .to_zoned(tz.clone())
                        .strftime("%-d %b %Y")
                );
                Some((caption, chart(&all, *i, tz)))
            })
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "measure_form.html")]
struct FormPage {
    layout: Layout,
    slug: &'static str,
    name: &'static str,
    stem: &'static str,
    lead: &'static str,
    items: Vec<(usize, &'static str, String)>,
    /// (value, words), in the order the instrument shows them.
    answers: Vec<(u8, &'static str)>,
    /// The unscored question and its answers, if the instrument has one.
    follow_up: Option<(&'static str, Vec<(usize, &'static str)>)>,
    difficulty: String,
    note: &'static str,
    copyright: &'static str,
    error: Option<String>,
}

fn instrument(slug: &str) -> Result<Instrument, PageError> {
    Instrument::parse(slug).map_err(|_| PageError::NotFound)
}

fn form_page(
    state: &WebState,
    s: &SignedIn,
    i: Instrument,
    data: Option<&FormData>,
    error: Option<String>,
) -> FormPage {
    let def = i.def();
    FormPage {
        layout: Layout::signed_in(state, s, i.name(), "measures"),
        slug: i.as_str(),
        name: i.name(),
        stem: def.stem,
        lead: def.lead,
        items: def
            .items
            .iter()
            .enumerate()
            .map(|(n, item)| {
                (
                    n + 1,
                    item.text,
                    data.map(|d| d.get(&format!("q{}", n + 1)).to_string())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        answers: def.choices.iter().map(|c| (c.value, c.label)).collect(),
        follow_up: def
            .follow_up
            .map(|f| (f.question, f.answers.iter().copied().enumerate().collect())),
        difficulty: data
            .map(|d| d.get("difficulty").to_string())
            .unwrap_or_default(),
        note: def.screen_note,
        copyright: def.copyright,
        error,
    }
}

pub async fn take_form(
    State(state): State<WebState>,
    s: SignedIn,
    Path(slug): Path<String>,
) -> PageResult {
    render(&form_page(&state, &s, instrument(&slug)?, None, None))
}

#[derive(Template)]
#[template(path = "measure_result.html")]
struct ResultPage {
    layout: Layout,
    r: Row,
    note: &'static str,
    change_from_baseline: Option<&'static str>,
    recovered: bool,
    safety: bool,
    contacts: Vec<String>,
}

pub async fn take(
    State(state): State<WebState>,
    Path(slug): Path<String>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let i = instrument(&slug)?;
    let (Checked::Fresh(data) | Checked::Stale(data)) = &checked;
    if let Checked::Stale(_) = checked {
        let page = form_page(&state, &s, i, Some(data), Some("This form had been open for a long time, so it was not saved. Your answers are still selected: submit again.".into()));
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    }
    let mut answers = Vec::new();
    let mut missing = Vec::new();
    for n in 1..=i.def().items.len() {
        match data.get(&format!("q{n}")).parse::<u8>() {
            Ok(a) => answers.push(a),
            Err(_) => missing.push(n.to_string()),
        }
    }
    if !missing.is_empty() {
        let message = format!("Please answer every question; still open: {}. Nothing is saved until all are answered.", missing.join(", "));
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&form_page(&state, &s, i, Some(data), Some(message)))?,
        )
            .into_response());
    }
    let difficulty = data.get("difficulty").parse::<u8>().ok();
    let m = match state
        .app
        .take_measure(
            &s.principal,
            Response {
                instrument: i,
                answers,
                difficulty,
            },
            None,
        )
        .await
    {
        Ok(m) => m,
        Err(AppError::Invalid(e)) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&form_page(&state, &s, i, Some(data), Some(e.to_string())))?,
            )
                .into_response())
        }
        Err(err) => return Err(err.into()),
    };
    render(&ResultPage {
        layout: Layout::signed_in(&state, &s, format!("{} result", i.name()), "measures"),
        r: row(&m, &s.principal.user.time_zone),
        note: i.def().screen_note,
        change_from_baseline: m.change_from_baseline.map(|c| c.label()),
        recovered: m.recovered,
        safety: m.scored.safety_alert,
        contacts: state.settings.crisis_contacts.clone(),
    })
}

#[derive(Template)]
#[template(path = "crisis.html")]
struct CrisisPage {
    layout: Layout,
    contacts: Vec<String>,
    signed_in: bool,
}

/// "In crisis?": reachable from every page, signed in or not.
pub async fn crisis(State(state): State<WebState>, MaybeSignedIn(s): MaybeSignedIn) -> PageResult {
    let layout = match &s {
        Some(s) => Layout::signed_in(&state, s, "In crisis?", "crisis"),
        None => Layout::new(&state, "In crisis?", "crisis"),
    };
    render(&CrisisPage {
        layout,
        contacts: state.settings.crisis_contacts.clone(),
        signed_in: s.is_some(),
    })
}

#[derive(Template)]
#[template(path = "safety_plan.html")]
pub(super) struct PlanPage {
    pub(super) layout: Layout,
    sections: Vec<(&'static str, &'static str, &'static str, String)>,
    contacts: Vec<String>,
    signs: Vec<SignRow>,
    /// (share id, therapist) of the person's confirmed links, to tell.
    links: Vec<(String, String)>,
    /// (key, name) of the person's trackers, for the rule form.
    trackers: Vec<(String, String)>,
    /// (slug, name) of every instrument.
    instruments: Vec<(&'static str, &'static str)>,
    pub(super) sign_error: Option<String>,
    pub(super) sign_name: String,
}

/// A warning sign on the safety plan page.
struct SignRow {
    id: String,
    name: String,
    /// The rule in words.
    words: String,
    /// What matches now, or "".
    now: String,
    /// When it last matched, or "".
    last: String,
    /// Who is told on their dashboard, or "".
    told: String,
}

pub(super) async fn plan_page(
    state: &WebState,
    s: &SignedIn,
    plan: Option<&SafetyPlan>,
) -> Result<PlanPage, PageError> {
    let p = &s.principal;
    let stored;
    let plan = match plan {
        Some(plan) => plan,
        None => {
            stored = state.app.safety_plan(p).await?;
            &stored
        }
    };
    let links = state.app.client_links(p).await?;
    Ok(PlanPage {
        layout: Layout::signed_in(state, s, "My safety plan", "crisis"),
        sections: SAFETY_PLAN_SECTIONS
            .iter()
            .map(|(f, h, hint)| (*f, *h, *hint, plan.get(f).to_string()))
            .collect(),
        contacts: state.settings.crisis_contacts.clone(),
        signs: state
            .app
            .warning_signs(p)
            .await?
            .into_iter()
            .map(|v| SignRow {
                id: v.sign.id.to_string(),
                name: v.sign.data.name.clone(),
                words: v.sign.data.rule.words(),
                now: v.fired.map(|f| f.evidence).unwrap_or_default(),
                last: v
                    .last
                    .map(|m| {
                        if m.last_seen > m.noticed {
                            format!(
                                "{} to {}",
                                m.noticed.strftime("%-d %b %Y"),
                                m.last_seen.strftime("%-d %b %Y")
                            )
                        } else {
                            m.noticed.strftime("%-d %b %Y").to_string()
                        }
                    })
                    .unwrap_or_default(),
                told: links
                    .iter()
                    .filter(|l| v.sign.data.tell.contains(&l.id))
                    .map(|l| l.with.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        links: links
            .iter()
            .filter(|l| l.confirmed)
            .map(|l| (l.id.to_string(), l.with.clone()))
            .collect(),
        trackers: state
            .app
            .trackers(p)
            .await?
            .into_iter()
            .map(|t| (t.data.key.clone(), t.data.name.clone()))
            .collect(),
        instruments: Instrument::ALL
            .iter()
            .map(|i| (i.as_str(), i.name()))
            .collect(),
        sign_error: None,
        sign_name: String::new(),
    })
}

pub async fn safety_plan(
    State(state): State<WebState>,
    s: SignedIn,
    PageQuery(q): PageQuery<std::collections::HashMap<String, String>>,
) -> PageResult {
    let notice = match q.get("sign").map(String::as_str) {
        Some("added") => Some("Added. Between checks it when you write and when you sign in."),
        Some("deleted") => Some("Deleted."),
        _ => q
            .contains_key("saved")
            .then_some("Saved. You can print this page."),
    };
    let mut page = plan_page(&state, &s, None).await?;
    page.layout = page.layout.with_notice(notice);
    render(&page)
}

pub async fn save_safety_plan(
    State(state): State<WebState>,
    SignedFormOrStale { s, form: checked }: SignedFormOrStale,
) -> PageResult {
    let (Checked::Fresh(form) | Checked::Stale(form)) = &checked;
    let mut plan = SafetyPlan::default();
    for (field, _, _) in SAFETY_PLAN_SECTIONS {
        plan.set(field, form.get(field).trim().to_string());
    }
    if let Checked::Stale(_) = checked {
        let mut page = plan_page(&state, &s, Some(&plan)).await?;
        page.layout.notice = Some("This page had been open for a long time, so it was not saved. Your words are below: save again.".into());
        return Ok((StatusCode::BAD_REQUEST, render(&page)?).into_response());
    }
    match state.app.save_safety_plan(&s.principal, plan.clone()).await {
        Ok(_) => Ok(Redirect::to("/safety-plan?saved=1").into_response()),
        Err(AppError::Invalid(e)) => {
            let mut page = plan_page(&state, &s, Some(&plan)).await?;
            page.layout.notice = Some(e.to_string());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
