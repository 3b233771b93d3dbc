//! `between appointment …`: record therapy appointments, single or
//! repeating, and mark them attended, missed or cancelled.

use between_app::Principal;
use between_domain::appointment::{self, Appointment, Status};
use clap::{Args, Subcommand};
use uuid::Uuid;

use super::output::print_json;
use super::{CliError, CliResult, Context};
use crate::json::{AppointmentInput, AppointmentJson};

#[derive(Debug, Subcommand)]
pub enum AppointmentCommand {
    /// Add an appointment (or a repeating series); prints its id.
    Add(AddArgs),
    /// List appointments, oldest first.
    List(ListArgs),
    /// Show one appointment.
    Show(IdArgs),
    /// Change an appointment (with --series: it and every later planned one of its series).
    Edit(EditArgs),
    /// Mark an appointment cancelled.
    Cancel(IdArgs),
    /// Mark an appointment attended.
    Attend(IdArgs),
    /// Mark an appointment missed.
    Miss(IdArgs),
    /// Delete an appointment entered by mistake.
    Delete(IdArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// When it starts, in your time zone: "YYYY-MM-DD HH:MM" or RFC 3339.
    #[arg(long, value_name = "TIME")]
    at: String,
    /// Length in minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 50)]
    duration: i64,
    /// With whom, e.g. "Dr. Rivera".
    #[arg(long, value_name = "LABEL")]
    with: Option<String>,
    /// Where: an address, a room or a video link.
    #[arg(long = "where", value_name = "TEXT")]
    place: Option<String>,
    /// Repeat: weekly, fortnightly, every:2w, every:10d.
    #[arg(long, value_name = "RULE")]
    repeat: Option<String>,
    /// Last day of the series (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", requires = "repeat")]
    until: Option<String>,
    /// A linked therapist's account name: they see this appointment, and
    /// another therapist does not.
    #[arg(long, value_name = "NAME")]
    therapist: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only appointments that have not ended yet.
    #[arg(long, conflicts_with = "past")]
    upcoming: bool,
    /// Only appointments that have started.
    #[arg(long)]
    past: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    id: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    id: String,
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[arg(long, value_name = "MINUTES")]
    duration: Option<i64>,
    #[arg(long, value_name = "LABEL")]
    with: Option<String>,
    #[arg(long = "where", value_name = "TEXT")]
    place: Option<String>,
    /// A linked therapist's account name; "none" to name no one.
    #[arg(long, value_name = "NAME")]
    therapist: Option<String>,
    /// Apply the change to this and every later planned appointment of the series.
    #[arg(long)]
    series: bool,
    #[arg(long)]
    json: bool,
}

fn parse_id(s: &str) -> CliResult<Uuid> {
    Uuid::parse_str(s.trim())
        .map_err(|_| CliError::input(format!("\"{s}\" is not an appointment id")))
}

fn show(p: &Principal, a: &Appointment, json: bool) -> CliResult {
    if json {
        return print_json(&AppointmentJson::new(a, &p.user.time_zone));
    }
    let tz = &p.user.time_zone;
    let start = a.starts_at.to_zoned(tz.clone());
    outln!("{}", start.strftime("%A %-d %B %Y, %H:%M"));
    outln!("Status: {}", a.details.status.as_str());
    outln!("Duration: {} minutes", a.details.duration_minutes);
    if !a.details.with.is_empty() {
        outln!("With: {}", a.details.with);
    }
    if !a.details.place.is_empty() {
        outln!("Where: {}", a.details.place);
    }
    if a.series_id.is_some() {
        outln!("Part of a repeating series.");
    }
    Ok(())
}

pub async fn run(ctx: &Context, cmd: AppointmentCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        AppointmentCommand::Add(args) => {
            let input = AppointmentInput {
                starts_at: Some(args.at),
                duration_minutes: Some(args.duration),
                with: args.with,
                place: args.place,
                status: None,
                repeat: args.repeat,
                until: args.until,
                therapist_id: match args.therapist.as_deref() {
                    Some(name) => Some(app.linked_therapist(&p, name).await?),
                    None => None,
                },
            };
            let parsed = input.parse(&tz)?;
            let a = app.add_appointment(&p, parsed.into_new()).await?;
            if args.json {
                show(&p, &a, true)
            } else {
                outln!("{}", a.id);
                Ok(())
            }
        }
        AppointmentCommand::List(args) => {
            let now = app.now();
            let all: Vec<Appointment> = app
                .appointments(&p)
                .await?
                .into_iter()
                .filter(|a| {
                    (!args.upcoming || a.ends_at() > now) && (!args.past || a.has_started(now))
                })
                .collect();
            if args.json {
                return print_json(
                    &all.iter()
                        .map(|a| AppointmentJson::new(a, &tz))
                        .collect::<Vec<_>>(),
                );
            }
            if all.is_empty() {
                outln!("No appointments.");
            }
            for a in &all {
                let start = a.starts_at.to_zoned(tz.clone());
                outln!(
                    "{}  {:<9}  {:<20}  {}",
                    start.strftime("%a %Y-%m-%d %H:%M"),
                    a.details.status.as_str(),
                    a.details.with,
                    a.id
                );
            }
            if let Some(next) = appointment::next_appointment(&all, now) {
                outln!(
                    "Next: {} ({}).",
                    next.starts_at
                        .to_zoned(tz.clone())
                        .strftime("%A %-d %B, %H:%M"),
                    appointment::time_until(now, next.starts_at)
                );
            }
            Ok(())
        }
        AppointmentCommand::Show(args) => show(
            &p,
            &app.appointment(&p, parse_id(&args.id)?).await?,
            args.json,
        ),
        AppointmentCommand::Edit(args) => {
            let id = parse_id(&args.id)?;
            let current = app.appointment(&p, id).await?;
            let mut input = AppointmentInput::from_appointment(&current, &tz);
            if let Some(at) = args.at {
                input.starts_at = Some(at);
            }
            if let Some(d) = args.duration {
                input.duration_minutes = Some(d);
            }
            if let Some(w) = args.with {
                input.with = Some(w);
            }
            if let Some(place) = args.place {
                input.place = Some(place);
            }
            match args.therapist.as_deref().map(str::trim) {
                None => {}
                Some("none" | "") => input.therapist_id = None,
                Some(name) => input.therapist_id = Some(app.linked_therapist(&p, name).await?),
            }
            let parsed = input.parse(&tz)?;
            let a = app
                .update_appointment(&p, id, parsed.starts_at, parsed.details, args.series)
                .await?;
            if args.json {
                show(&p, &a, true)
            } else {
                outln!("{}", a.id);
                Ok(())
            }
        }
        AppointmentCommand::Cancel(args) => set_status(&app, &p, &args, Status::Cancelled).await,
        AppointmentCommand::Attend(args) => set_status(&app, &p, &args, Status::Attended).await,
        AppointmentCommand::Miss(args) => set_status(&app, &p, &args, Status::Missed).await,
        AppointmentCommand::Delete(args) => {
            let id = parse_id(&args.id)?;
            app.delete_appointment(&p, id).await?;
            if args.json {
                return print_json(&serde_json::json!({ "deleted": id }));
            }
            outln!("Deleted {id}.");
            Ok(())
        }
    }
}

async fn set_status(
    app: &between_app::App,
    p: &Principal,
    args: &IdArgs,
    status: Status,
) -> CliResult {
    let a = app
        .set_appointment_status(p, parse_id(&args.id)?, status)
        .await?;
    if args.json {
        show(p, &a, true)
    } else {
        outln!("{} is now {}.", a.id, status.as_str());
        Ok(())
    }
}
