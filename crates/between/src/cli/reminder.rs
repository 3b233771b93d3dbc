//! `between reminder …`: reminders that reach you between sessions — a
//! check-in at chosen times, a practice due and not yet done, the day
//! before a session, questionnaires and reviews that are due — and the
//! channels they go through (`between reminder channel …`).

use between_app::reminders::{Channel, Outgoing, ReminderStatus, Target};
use between_domain::reminder::rule::{describe_weekdays, parse_times, parse_weekdays};
use between_domain::reminder::{Kind, Quiet, Reminder};
use clap::{Args, Subcommand};

use super::output::print_json;
use super::question::parse_id;
use super::{CliError, CliResult, Context};
use crate::json::{ChannelJson, ReminderJson};

#[derive(Debug, Subcommand)]
pub enum ReminderCommand {
    /// Add a reminder: `checkin --at 08:00,20:00`, `practice --practice ID --at 18:00`, `session --at 19:00`, `measures --at 10:00`, `review --at 10:00`. Turns reminders on.
    Add(AddArgs),
    /// Your reminders, whether they are on, and the next few to come.
    List(JsonArg),
    /// One reminder and when it comes next.
    Show(IdArg),
    /// Change a reminder's times, days, or turn it on or off.
    Edit(EditArgs),
    /// Delete a reminder.
    Delete(IdArg),
    /// Send a test reminder now through every channel (or one).
    Test(TestArgs),
    /// Turn reminders on (also again after the server's key changed).
    On,
    /// Turn reminders off: the server forgets your plan and its key; your reminders and channels stay for later.
    Off,
    /// Quiet hours and days, when nothing is sent.
    Quiet(QuietArgs),
    /// Where reminders go: a webhook (e.g. an ntfy topic), an email address, a browser.
    #[command(subcommand)]
    Channel(ChannelCommand),
}

#[derive(Debug, Subcommand)]
pub enum ChannelCommand {
    /// Add a channel: `webhook URL` or `email ADDRESS` (browsers subscribe from Settings in the web app).
    Add(ChannelAddArgs),
    /// Your channels, with when each last delivered.
    List(JsonArg),
    /// Remove a channel.
    Delete(IdArg),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// checkin, practice, session, measures or review.
    kind: String,
    /// Local times, e.g. 08:00,13:00,20:00.
    #[arg(long, value_name = "TIMES")]
    at: String,
    /// Days of the week for check-ins (mon,wed,fri; weekdays; weekends; default every day).
    #[arg(long, value_name = "DAYS", default_value = "")]
    days: String,
    /// The practice a practice reminder is for.
    #[arg(long, value_name = "ID")]
    practice: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    id: String,
    #[arg(long, value_name = "TIMES")]
    at: Option<String>,
    #[arg(long, value_name = "DAYS")]
    days: Option<String>,
    /// Turn this reminder on.
    #[arg(long, conflicts_with = "off")]
    on: bool,
    /// Turn this reminder off (kept, not sent).
    #[arg(long)]
    off: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Only this channel.
    #[arg(long, value_name = "ID")]
    channel: Option<String>,
}

#[derive(Debug, Args)]
pub struct QuietArgs {
    /// Quiet hours, local: FROM-UNTIL, e.g. 22:00-07:00; `none` for none.
    #[arg(long, value_name = "FROM-UNTIL")]
    hours: Option<String>,
    /// Quiet days: sun, weekends…; `none` for none.
    #[arg(long, value_name = "DAYS")]
    days: Option<String>,
}

#[derive(Debug, Args)]
pub struct ChannelAddArgs {
    /// webhook or email.
    kind: String,
    /// The webhook's https URL, or the email address.
    target: String,
    /// Say what is due ("Breathing is due today") instead of the neutral "A moment for yourself?".
    #[arg(long)]
    detailed: bool,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct IdArg {
    id: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct JsonArg {
    #[arg(long)]
    json: bool,
}

fn status_line(status: ReminderStatus) -> &'static str {
    match status {
        ReminderStatus::On => "Reminders are on.",
        ReminderStatus::Off => "Reminders are off (`between reminder on`).",
        ReminderStatus::Paused => "Reminders are paused: the server's key changed. Turn them on again with `between reminder on`.",
        ReminderStatus::Unavailable => "Reminders are unavailable: this server has no server key (its operator can add one).",
    }
}

fn describe(r: &Reminder) -> String {
    let times: Vec<String> = r
        .times
        .iter()
        .map(|t| t.strftime("%H:%M").to_string())
        .collect();
    let when = match r.kind {
        Kind::Checkin => format!("{} at {}", describe_weekdays(&r.weekdays), times.join(", ")),
        Kind::Practice { practice } => format!(
            "on days practice {practice} is due and not yet done, at {}",
            times.join(", ")
        ),
        Kind::Session => format!("the day before a session, at {}", times.join(", ")),
        Kind::Measures => format!("when questionnaires are due, at {}", times.join(", ")),
        Kind::Review => format!("when a review is due, at {}", times.join(", ")),
    };
    format!(
        "{}{}: {when}",
        r.kind.label(),
        if r.enabled { "" } else { " (off)" }
    )
}

pub async fn run(ctx: &Context, cmd: ReminderCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        ReminderCommand::Add(args) => {
            let practice = args
                .practice
                .as_deref()
                .map(|s| parse_id(s, "a practice"))
                .transpose()?;
            let reminder = Reminder {
                kind: Kind::parse(&args.kind, practice)?,
                times: parse_times(&args.at)?,
                weekdays: parse_weekdays(&args.days)?,
                enabled: true,
            };
            let stored = app.add_reminder(&p, reminder).await?;
            if args.json {
                return print_json(&ReminderJson::new(&stored, &tz));
            }
            outln!("{}", stored.id);
            let status = app.reminder_status(&p).await?;
            if status != ReminderStatus::On {
                eprintln!("{}", status_line(status));
            } else if app.reminder_channels(&p).await?.is_empty() {
                eprintln!(
                    "No channel yet: add one with `between reminder channel add webhook URL`."
                );
            }
            Ok(())
        }
        ReminderCommand::List(args) => {
            let status = app.reminder_status(&p).await?;
            let reminders = app.reminders(&p).await?;
            let upcoming = app.upcoming_reminders(&p, 5).await?;
            if args.json {
                return print_json(&serde_json::json!({
                    "status": status.as_str(),
                    "reminders": reminders.iter().map(|r| ReminderJson::new(r, &tz)).collect::<Vec<_>>(),
                    "next": upcoming.iter().map(|s| serde_json::json!({
                        "reminder_id": s.reminder,
                        "kind": s.kind.as_str(),
                        "at": crate::json::rfc3339(s.at, &tz),
                    })).collect::<Vec<_>>(),
                }));
            }
            outln!("{}", status_line(status));
            if reminders.is_empty() {
                outln!("No reminders. Add one: `between reminder add checkin --at 20:00`.");
            }
            for r in &reminders {
                outln!("{}  {}", r.id, describe(&r.data));
            }
            if !upcoming.is_empty() {
                outln!("Next:");
                for s in &upcoming {
                    outln!(
                        "  {}  {}",
                        s.at.to_zoned(tz.clone()).strftime("%a %Y-%m-%d %H:%M"),
                        s.kind.label()
                    );
                }
            }
            Ok(())
        }
        ReminderCommand::Show(args) => {
            let r = app.reminder(&p, parse_id(&args.id, "a reminder")?).await?;
            let next: Vec<_> = app
                .upcoming_reminders(&p, 50)
                .await?
                .into_iter()
                .filter(|s| s.reminder == r.id)
                .take(3)
                .collect();
            if args.json {
                let mut json = serde_json::to_value(ReminderJson::new(&r, &tz))
                    .map_err(|e| CliError::System(e.into()))?;
                json["next"] = next
                    .iter()
                    .map(|s| crate::json::rfc3339(s.at, &tz))
                    .collect();
                return print_json(&json);
            }
            outln!("{}", describe(&r.data));
            for s in &next {
                outln!(
                    "  next: {}",
                    s.at.to_zoned(tz.clone()).strftime("%a %Y-%m-%d %H:%M")
                );
            }
            Ok(())
        }
        ReminderCommand::Edit(args) => {
            let id = parse_id(&args.id, "a reminder")?;
            let mut r = app.reminder(&p, id).await?.data;
            if let Some(at) = &args.at {
                r.times = parse_times(at)?;
            }
            if let Some(days) = &args.days {
                r.weekdays = parse_weekdays(days)?;
            }
            if args.on {
                r.enabled = true;
            }
            if args.off {
                r.enabled = false;
            }
            let stored = app.update_reminder(&p, id, r).await?;
            if args.json {
                return print_json(&ReminderJson::new(&stored, &tz));
            }
            outln!("Changed: {}", describe(&stored.data));
            Ok(())
        }
        ReminderCommand::Delete(args) => {
            let id = parse_id(&args.id, "a reminder")?;
            app.delete_reminder(&p, id).await?;
            if args.json {
                return print_json(&serde_json::json!({ "deleted": id }));
            }
            outln!("Deleted {id}.");
            Ok(())
        }
        ReminderCommand::On => {
            app.turn_reminders_on(&p).await?;
            outln!("Reminders are on.");
            Ok(())
        }
        ReminderCommand::Off => {
            app.turn_reminders_off(&p).await?;
            outln!("Reminders are off. Your reminders and channels are kept for when you turn them on.");
            Ok(())
        }
        ReminderCommand::Quiet(args) => {
            let mut settings = app.reminder_settings(&p).await?;
            if let Some(hours) = &args.hours {
                settings.quiet.hours = parse_hours(hours)?;
            }
            if let Some(days) = &args.days {
                settings.quiet.days = if days.trim() == "none" {
                    Vec::new()
                } else {
                    parse_weekdays(days)?
                };
            }
            if args.hours.is_some() || args.days.is_some() {
                app.save_reminder_settings(&p, &settings).await?;
            }
            outln!("{}", describe_quiet(&settings.quiet));
            Ok(())
        }
        ReminderCommand::Test(args) => {
            let only = args
                .channel
                .as_deref()
                .map(|s| parse_id(s, "a channel"))
                .transpose()?;
            let channels: Vec<_> = app
                .reminder_channels(&p)
                .await?
                .into_iter()
                .filter(|c| only.is_none_or(|id| c.id() == id))
                .collect();
            if channels.is_empty() {
                return Err(CliError::input(match only {
                    Some(id) => format!("channel {id} was not found"),
                    None => {
                        "no channels yet: add one with `between reminder channel add webhook URL`"
                            .into()
                    }
                }));
            }
            let outbound = crate::outbound::http::Outbound::new(ctx.allow_loopback_targets)
                .map_err(|e| CliError::System(anyhow::anyhow!(e)))?;
            let transports = crate::outbound::deliver::Transports {
                outbound,
                vapid: None,
                smtp: None,
                clock: app.clock().clone(),
            };
            let message = Outgoing {
                title: between_domain::reminder::wording::NEUTRAL_TITLE.into(),
                body: "This is a test reminder.".into(),
                url: format!(
                    "{}/settings/reminders",
                    ctx.public_url.trim_end_matches('/')
                ),
                tag: "test".into(),
                unsubscribe: None,
            };
            let mut failed = 0;
            for c in &channels {
                use between_app::reminders::{Deliver, Delivery};
                let outcome = transports
                    .deliver(p.user.id, c.id(), &c.channel.data.target, &message)
                    .await;
                let target = c.channel.data.target.describe();
                match outcome {
                    Delivery::Sent => outln!("{}: sent to {target}.", c.id()),
                    Delivery::Retry(why) | Delivery::Failed(why) | Delivery::Gone(why) => {
                        failed += 1;
                        outln!("{}: not sent to {target}: {why}", c.id());
                    }
                }
            }
            if failed > 0 {
                return Err(CliError::input(format!(
                    "{failed} of {} channels did not take the test reminder",
                    channels.len()
                )));
            }
            Ok(())
        }
        ReminderCommand::Channel(ChannelCommand::Add(args)) => {
            let target = match args.kind.as_str() {
                "webhook" => Target::Webhook { url: args.target },
                "email" => Target::Email {
                    address: args.target,
                },
                "push" => {
                    return Err(CliError::input(
                        "a browser subscribes from Settings → Reminders in the web app",
                    ))
                }
                other => {
                    return Err(CliError::input(format!(
                        "\"{other}\" is not a channel kind: use webhook or email"
                    )))
                }
            };
            let email = matches!(target, Target::Email { .. });
            let stored = app
                .add_reminder_channel(
                    &p,
                    Channel {
                        target,
                        detailed: args.detailed,
                    },
                )
                .await?;
            if args.json {
                let view = app
                    .reminder_channels(&p)
                    .await?
                    .into_iter()
                    .find(|c| c.id() == stored.id)
                    .ok_or_else(|| CliError::input("the channel vanished"))?;
                return print_json(&ChannelJson::new(&view, &tz));
            }
            outln!("{}", stored.id);
            if email {
                eprintln!("The server sends a confirmation email (when it is set up for email); reminders go there once its link is followed.");
            }
            Ok(())
        }
        ReminderCommand::Channel(ChannelCommand::List(args)) => {
            let channels = app.reminder_channels(&p).await?;
            if args.json {
                return print_json(
                    &channels
                        .iter()
                        .map(|c| ChannelJson::new(c, &tz))
                        .collect::<Vec<_>>(),
                );
            }
            if channels.is_empty() {
                outln!("No channels.");
            }
            for c in &channels {
                let state = match (&c.stopped, c.confirmed, c.last_delivered_at) {
                    (Some(why), _, _) => format!("stopped: {why}"),
                    (None, false, _) => "waiting for its opt-in link".into(),
                    (None, true, Some(t)) => format!(
                        "last delivered {}",
                        t.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M")
                    ),
                    (None, true, None) => "nothing delivered yet".into(),
                };
                outln!(
                    "{}  {} {}{}  ({state})",
                    c.id(),
                    c.channel.data.target.kind(),
                    c.channel.data.target.describe(),
                    if c.channel.data.detailed {
                        ", detailed"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
        ReminderCommand::Channel(ChannelCommand::Delete(args)) => {
            let id = parse_id(&args.id, "a channel")?;
            app.delete_reminder_channel(&p, id).await?;
            if args.json {
                return print_json(&serde_json::json!({ "deleted": id }));
            }
            outln!("Deleted {id}.");
            Ok(())
        }
    }
}

fn parse_hours(s: &str) -> CliResult<Option<(jiff::civil::Time, jiff::civil::Time)>> {
    if s.trim() == "none" {
        return Ok(None);
    }
    let (from, until) = s
        .split_once('-')
        .ok_or_else(|| CliError::input(format!("\"{s}\" is not FROM-UNTIL, e.g. 22:00-07:00")))?;
    Ok(Some((
        between_domain::reminder::rule::parse_time(from)?,
        between_domain::reminder::rule::parse_time(until)?,
    )))
}

fn describe_quiet(q: &Quiet) -> String {
    let hours = match q.hours {
        Some((from, until)) => format!(
            "quiet from {} to {}",
            from.strftime("%H:%M"),
            until.strftime("%H:%M")
        ),
        None => "no quiet hours".into(),
    };
    let days = if q.days.is_empty() {
        "no quiet days".to_string()
    } else {
        format!("quiet on {}", describe_weekdays(&q.days))
    };
    format!("{hours}; {days}.")
}
