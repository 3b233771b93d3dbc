//! A clinic-sized store for measuring: `n` client accounts with `years`
//! of everything each (journal, the session loop, practice, measures,
//! trackers, all from [`crate::demo::fill`]) and one therapist per 50
//! clients, linked with a rotating choice of scopes. Deterministic for a
//! seed (each client's data comes from the seed and its number). Accounts
//! are made with the app's key-derivation parameters, recorded per
//! credential, so a generator given cheap ones is bounded by inserts.

use std::sync::Arc;
use std::time::Instant;

use between_domain::share::Scope;
use tokio::task::JoinSet;

use crate::accounts::NewUser;
use crate::error::AppError;
use crate::principal::{Principal, Role};
use crate::sessions::SignInAs;
use crate::App;

/// Clients each therapist sees.
pub const CLIENTS_PER_THERAPIST: usize = 50;

/// The scopes client `i` shares, in turn: a little, the usual, everything.
fn scopes_of(i: usize) -> &'static [Scope] {
    const CHOICES: [&[Scope]; 4] = [
        &[Scope::Measures, Scope::Practice],
        &[
            Scope::Agenda,
            Scope::Measures,
            Scope::Goals,
            Scope::Practice,
        ],
        &Scope::ALL,
        &[Scope::Agenda, Scope::Measures, Scope::Feedback],
    ];
    CHOICES[i % CHOICES.len()]
}

/// Names of the generated accounts.
pub fn client_name(i: usize) -> String {
    format!("client-{i:05}")
}

pub fn therapist_name(j: usize) -> String {
    format!("therapist-{j:03}")
}

/// What [`clinic`] made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClinicCounts {
    pub clients: usize,
    pub therapists: usize,
    pub links: usize,
    pub entries: usize,
    pub practice_logs: usize,
    pub measures: usize,
    pub appointments: usize,
}

/// Makes the clinic; `progress(done, n)` after each client. Accounts of
/// the same names are replaced.
pub async fn clinic(
    app: &App,
    n: usize,
    years: u32,
    seed: u64,
    password: &str,
    time_zone: &str,
    progress: impl Fn(usize, usize),
) -> Result<ClinicCounts, AppError> {
    let therapists = n.div_ceil(CLIENTS_PER_THERAPIST);
    let mut counts = ClinicCounts {
        therapists,
        ..ClinicCounts::default()
    };
    let mut therapist_principals = Vec::with_capacity(therapists);
    for j in 0..therapists {
        let name = therapist_name(j);
        therapist_principals.push(account(app, &name, password, Role::Therapist, time_zone).await?);
    }
    let therapist_principals = Arc::new(therapist_principals);
    // Clients in parallel, a few at a time: encryption on one core while
    // the other writes.
    let parallel = std::thread::available_parallelism()
        .map(|n| n.get() * 2)
        .unwrap_or(4);
    let started = Instant::now();
    let mut running = JoinSet::new();
    let mut next = 0;
    let mut done = 0;
    while done < n {
        while next < n && running.len() < parallel {
            let (app, password, tz) = (app.clone(), password.to_string(), time_zone.to_string());
            let therapists = therapist_principals.clone();
            let i = next;
            running.spawn(async move {
                let p = account(&app, &client_name(i), &password, Role::Client, &tz).await?;
                let filled =
                    crate::demo::fill(&app, &p, years, seed.wrapping_add(i as u64)).await?;
                let therapist = &therapists[i / CLIENTS_PER_THERAPIST];
                let invite = app.create_share_invite(&p).await?;
                app.accept_share_invite(therapist, &invite.code).await?;
                app.set_share_scopes(&p, &therapist.user.name, scopes_of(i), &[])
                    .await?;
                app.sign_out(&p).await?;
                Ok::<_, AppError>(filled)
            });
            next += 1;
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let filled =
            joined.map_err(|e| AppError::Corrupt(format!("a generator task failed: {e}")))??;
        counts.clients += 1;
        counts.links += 1;
        counts.entries += filled.entries;
        counts.practice_logs += filled.practice_logs;
        counts.measures += filled.measures;
        counts.appointments += filled.session_loop.appointments;
        done += 1;
        progress(done, n);
    }
    for t in therapist_principals.iter() {
        app.sign_out(t).await?;
    }
    app.settle().await;
    tracing::debug!(
        seconds = started.elapsed().as_secs_f64(),
        "clinic generated"
    );
    Ok(counts)
}

/// A fresh account `name` (an existing one of that name is deleted),
/// signed in.
async fn account(
    app: &App,
    name: &str,
    password: &str,
    role: Role,
    time_zone: &str,
) -> Result<Principal, AppError> {
    if let Some(old) = app.store().user_by_name(name).await? {
        app.store().delete_user(old.id).await?;
    }
    app.register(NewUser {
        name,
        password,
        role,
        time_zone,
    })
    .await?;
    let (p, _) = app
        .sign_in(name, password, "cli", SignInAs::Device, "clinic generator")
        .await?;
    Ok(p)
}
