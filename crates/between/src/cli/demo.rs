//! `between demo`: a `demo` account full of realistic synthetic data, for
//! trying the app, screenshots and benchmarks. Running it again replaces
//! the demo account with a fresh one.

use std::time::Instant;

use between_app::accounts::NewUser;
use between_app::{demo, Role};
use between_domain::share::Scope;
use clap::Args;

use super::login::save_device_login;
use super::{CliError, CliResult, Context};

pub const DEMO_USER: &str = "demo";
/// The demo client's therapist, linked with some scopes on.
pub const DEMO_THERAPIST: &str = "demo-therapist";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many years of data.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=30))]
    years: u32,
    /// Seed for the generator; the same seed gives the same journal.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Time zone of the demo account.
    #[arg(long, value_name = "ZONE", default_value = "Europe/London")]
    tz: String,
    /// Instead of one demo account, a clinic for measuring: N clients
    /// (`client-00000`…) with --years of data each and one therapist per 50
    /// clients (`therapist-000`…) linked with varied scopes, all with one
    /// password and cheap key derivation. Never for real people.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    clinic: Option<u32>,
}

pub async fn run(ctx: &Context, args: DemoArgs) -> CliResult {
    if let Some(n) = args.clinic {
        return clinic(ctx, n, &args).await;
    }
    let started = Instant::now();
    let app = ctx.app().await?;
    let store = app.store();
    for name in [DEMO_USER, DEMO_THERAPIST] {
        if let Some(old) = store
            .user_by_name(name)
            .await
            .map_err(|e| CliError::System(e.into()))?
        {
            store
                .delete_user(old.id)
                .await
                .map_err(|e| CliError::System(e.into()))?;
        }
    }
    let password = between_app::crypto::new_secret()[..16].to_string();
    app.register(NewUser {
        name: DEMO_USER,
        password: &password,
        role: Role::Client,
        time_zone: &args.tz,
    })
    .await?;
    save_device_login(ctx, &app, DEMO_USER, &password, None).await?;
    let p = ctx.principal_for(&app, DEMO_USER).await?;
    let demo::Counts {
        entries: count,
        session_loop: s,
        practice_logs,
        measures,
        readings,
    } = demo::fill(&app, &p, args.years, args.seed).await?;
    app.settle().await;
    outln!(
        "Created the account \"{DEMO_USER}\" with {count} entries, {} appointments ({} attended), {} feedback, {} insights, {} questions, {} goals and 4 practices with {practice_logs} logs, {measures} measures, 3 trackers with {readings} readings over {} year(s) in {:.1} s.",
        s.appointments,
        s.attended,
        s.feedback,
        s.insights,
        s.questions,
        s.goals,
        args.years,
        started.elapsed().as_secs_f64()
    );
    // A therapist linked with the demo client, seeing measures, goals and
    // practice (and, as every link, appointments) — not the journal.
    let therapist_password = between_app::crypto::new_secret()[..16].to_string();
    app.register(NewUser {
        name: DEMO_THERAPIST,
        password: &therapist_password,
        role: Role::Therapist,
        time_zone: &args.tz,
    })
    .await?;
    save_device_login(ctx, &app, DEMO_THERAPIST, &therapist_password, None).await?;
    let therapist = ctx.principal_for(&app, DEMO_THERAPIST).await?;
    let invite = app.create_share_invite(&p).await?;
    let link = app.accept_share_invite(&therapist, &invite.code).await?;
    // Questionnaires beyond the two-weekly pair, a safety plan and a
    // warning sign the therapist is told about, which matched last month.
    let care = demo::fill_care(&app, &p, args.years, Some(link.id), args.seed).await?;
    // What those writes queued (checking the sign, publishing to the link)
    // finishes before the scopes change publishes the agenda itself: two
    // drafts at once would race over the appointment series they extend.
    app.settle().await;
    outln!(
        "Added {} more questionnaires (PCL-5 weekly, WHO-5), a safety plan and {} warning sign that matched last month.",
        care.measures,
        care.warning_signs
    );
    app.set_share_scopes(
        &p,
        DEMO_THERAPIST,
        &[
            Scope::Agenda,
            Scope::Measures,
            Scope::Goals,
            Scope::Practice,
        ],
        &[],
    )
    .await?;
    // The therapist's side: a point on the shared agenda and a practice
    // waiting for the client's answer.
    app.add_agenda_note(
        &therapist,
        DEMO_USER,
        between_app::agenda_share::Note {
            text: "Let us start with how the week went at work.".into(),
            point: true,
            on: None,
        },
    )
    .await?;
    let today = app.now().to_zoned(therapist.user.time_zone.clone()).date();
    app.assign_practice(
        &therapist,
        DEMO_USER,
        between_domain::practice::definition::Practice {
            title: "Three good things".into(),
            instructions: "Each evening, write down three things that went well and why.".into(),
            why: "Noticing what goes well balances the day's worries.".into(),
            goal_id: None,
            assigned_by: String::new(),
            template: between_domain::practice::definition::Template::Free,
            schedule: between_domain::practice::schedule::Schedule::parse("daily")?,
            start: today,
            end: None,
            archived: false,
        },
    )
    .await?;
    outln!("Sign in to the web app as \"{DEMO_USER}\" with the password: {password}");
    outln!("A device login was saved, so `between --user {DEMO_USER} journal list` works too.");
    outln!(
        "Their therapist \"{DEMO_THERAPIST}\" (password: {therapist_password}) sees the agenda, measures, goals and practice: `between --user {DEMO_THERAPIST} client {DEMO_USER}`."
    );
    Ok(())
}

/// `between demo --clinic N`.
async fn clinic(ctx: &Context, n: u32, args: &DemoArgs) -> CliResult {
    use between_app::demo_clinic;
    let started = Instant::now();
    let app = between_app::App::new(
        ctx.store().await?,
        between_app::Config {
            kdf: between_app::KdfParams::TESTING,
            ..between_app::Config::default()
        },
    );
    let password = between_app::crypto::new_secret()[..16].to_string();
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    let bar = super::output::progress_bar("Generating clients");
    bar.set_length(u64::try_from(n).unwrap_or(u64::MAX));
    let counts = demo_clinic::clinic(
        &app,
        n,
        args.years,
        args.seed,
        &password,
        &args.tz,
        |done, _| {
            bar.set_position(u64::try_from(done).unwrap_or(u64::MAX));
        },
    )
    .await?;
    bar.finish_and_clear();
    let took = started.elapsed().as_secs_f64();
    let size = app
        .store()
        .size()
        .await
        .map_err(|e| CliError::System(e.into()))?;
    let client_years = (n as f64) * f64::from(args.years);
    outln!(
        "Created a clinic of {} clients ({} to {}) with {} year(s) each and {} therapists ({} to {}), {} links, in {took:.1} s ({:.1} clients/s): {} entries, {} appointments, {} practice logs, {} measures.",
        counts.clients,
        demo_clinic::client_name(0),
        demo_clinic::client_name(n - 1),
        args.years,
        counts.therapists,
        demo_clinic::therapist_name(0),
        demo_clinic::therapist_name(counts.therapists.saturating_sub(1)),
        counts.links,
        counts.clients as f64 / took.max(0.001),
        counts.entries,
        counts.appointments,
        counts.practice_logs,
        counts.measures,
    );
    outln!(
        "The store now holds {} accounts, {} entries, {} records and {} links in {:.1} MB ({:.0} KB per client-year).",
        size.users,
        size.entries,
        size.records,
        size.shares,
        size.bytes as f64 / 1e6,
        size.bytes as f64 / 1e3 / client_years.max(1.0),
    );
    outln!("Every generated account has the password: {password}");
    outln!("(Cheap key derivation: these accounts are for measuring, never for real people.)");
    Ok(())
}
