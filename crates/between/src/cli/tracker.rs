//! `between track sleep=7.5 exercise=yes` and `between tracker …`: daily
//! trackers from the terminal.

use between_app::trackers::Given;
use between_domain::timespec::{self, TimeRange};
use between_domain::tracker::{self, Tracker, TrackerKind};
use clap::{Args, Subcommand};

use super::output::print_json;
use super::{CliError, CliResult, Context};
use crate::json::{ReadingJson, TrackerJson};

#[derive(Debug, Subcommand)]
pub enum TrackerCommand {
    /// Define a tracker: `--preset sleep|exercise|medication`, or NAME with --kind.
    Add(AddArgs),
    /// List trackers with the last week's readings.
    List(ListArgs),
    /// Every reading of one tracker in a period.
    Show(ShowArgs),
    /// Delete a tracker and all its readings.
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The tracker's name, e.g. "Coffee".
    #[arg(required_unless_present = "preset")]
    name: Option<String>,
    /// A ready-made tracker: sleep (hours), exercise (yes/no) or medication (yes/no).
    #[arg(long, conflicts_with_all = ["name", "kind", "unit"])]
    preset: Option<String>,
    /// yes-no, number or rating (0–10).
    #[arg(long, default_value = "yes-no")]
    kind: String,
    /// For numbers, e.g. cups or hours.
    #[arg(long)]
    unit: Option<String>,
    /// Short name for `between track` (default: from the name).
    #[arg(long)]
    key: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The tracker's short name.
    key: String,
    /// From when: a date or 30d, 3m, 1y ago (default: 30d).
    #[arg(long, default_value = "30d")]
    since: String,
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    key: String,
    #[arg(long)]
    json: bool,
}

/// `between track KEY=VALUE…`
#[derive(Debug, Args)]
pub struct TrackArgs {
    /// Readings such as sleep=7.5 exercise=yes mood-lifter=no; KEY= clears one.
    #[arg(required = true, value_name = "KEY=VALUE")]
    readings: Vec<String>,
    /// Which day: today (default), yesterday, 3d or YYYY-MM-DD.
    #[arg(long, value_name = "DAY", default_value = "today")]
    at: String,
    #[arg(long)]
    json: bool,
}

pub async fn track(ctx: &Context, args: TrackArgs) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let date = timespec::parse_date(&args.at, &p.user.time_zone, app.now())?;
    let mut given = Vec::new();
    for r in &args.readings {
        let Some((key, value)) = r.split_once('=') else {
            return Err(CliError::input(format!(
                "\"{r}\" is not KEY=VALUE, e.g. sleep=7.5 or exercise=yes"
            )));
        };
        let value = value.trim();
        given.push((
            key.trim().to_string(),
            if value.is_empty() {
                Given::Clear
            } else {
                Given::Text(value.to_string())
            },
        ));
    }
    let recorded = app.track(&p, date, &given).await?;
    if args.json {
        let values: serde_json::Map<String, serde_json::Value> = recorded
            .iter()
            .map(|(t, v)| {
                (
                    t.key.clone(),
                    v.map_or(serde_json::Value::Null, |v| v.into()),
                )
            })
            .collect();
        return print_json(&serde_json::json!({ "date": date.to_string(), "values": values }));
    }
    let said: Vec<String> = recorded
        .iter()
        .map(|(t, v)| match v {
            Some(v) => format!("{} {}", t.name, t.display(*v)),
            None => format!("{} cleared", t.name),
        })
        .collect();
    outln!("{date}: {}.", said.join(", "));
    Ok(())
}

pub async fn run(ctx: &Context, cmd: TrackerCommand) -> CliResult {
    let app = ctx.app().await?;
    let p = ctx.principal(&app).await?;
    let tz = p.user.time_zone.clone();
    match cmd {
        TrackerCommand::Add(args) => {
            let t = match (&args.preset, &args.name) {
                (Some(name), _) => tracker::preset(name).ok_or_else(|| {
                    CliError::input(format!(
                        "\"{name}\" is not a ready-made tracker: use sleep, exercise or medication"
                    ))
                })?,
                (None, Some(name)) => Tracker {
                    key: args.key.clone().unwrap_or_default(),
                    ..Tracker::new(name, TrackerKind::parse(&args.kind)?, args.unit.as_deref())
                },
                (None, None) => return Err(CliError::input("give a NAME or --preset")),
            };
            let t = app.add_tracker(&p, t).await?;
            if args.json {
                return print_json(&TrackerJson::new(&t, &tz));
            }
            outln!(
                "Added {} ({}); record it with: between track {}=…",
                t.data.name,
                t.data.kind.label().to_lowercase(),
                t.data.key
            );
            Ok(())
        }
        TrackerCommand::List(args) => {
            let since = app.today(&p).checked_sub(jiff::Span::new().days(6)).ok();
            let range = TimeRange {
                since: since
                    .and_then(|d| d.to_zoned(tz.clone()).ok())
                    .map(|z| z.timestamp()),
                until: None,
            };
            let views = app.tracker_views(&p, range).await?;
            if args.json {
                let list: Vec<serde_json::Value> = views
                    .iter()
                    .map(|v| {
                        serde_json::json!({
                            "tracker": TrackerJson::new(&v.tracker, &tz),
                            "readings": v.readings.iter().map(|r| ReadingJson::new(&v.tracker.data, r)).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                return print_json(&list);
            }
            if views.is_empty() {
                outln!("No trackers yet. Add one: between tracker add --preset sleep");
            }
            for v in views {
                let t = &v.tracker.data;
                let last: Vec<String> = v
                    .readings
                    .iter()
                    .map(|r| format!("{} {}", r.date.strftime("%a"), t.display(r.value)))
                    .collect();
                outln!(
                    "{:<16} {:<24} {}",
                    t.key,
                    t.name,
                    if last.is_empty() {
                        "no readings this week".to_string()
                    } else {
                        last.join(", ")
                    }
                );
            }
            Ok(())
        }
        TrackerCommand::Show(args) => {
            let t = app.tracker_by_key(&p, &args.key).await?;
            let since = timespec::parse_since(&args.since, &tz, app.now())?;
            let readings = app
                .readings(
                    &p,
                    t.id,
                    TimeRange {
                        since: Some(since),
                        until: None,
                    },
                )
                .await?;
            if args.json {
                return print_json(&serde_json::json!({
                    "tracker": TrackerJson::new(&t, &tz),
                    "readings": readings.iter().map(|r| ReadingJson::new(&t.data, r)).collect::<Vec<_>>(),
                }));
            }
            if readings.is_empty() {
                outln!("No readings of {} since {}.", t.data.name, args.since);
            }
            for r in readings {
                outln!("{}  {}", r.date, t.data.display(r.value));
            }
            Ok(())
        }
        TrackerCommand::Delete(args) => {
            let t = app.tracker_by_key(&p, &args.key).await?;
            app.delete_tracker(&p, t.id).await?;
            if args.json {
                return print_json(&serde_json::json!({ "deleted": t.id }));
            }
            outln!("Deleted {} and its readings.", t.data.name);
            Ok(())
        }
    }
}
