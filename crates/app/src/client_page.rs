//! Everything a therapist's page about one client shows, gathered through
//! one link (`link_read.rs`): the summary, appointments, each shared
//! scope's data, the shared agenda, assigned practice and questionnaire
//! requests. The therapist's page and the client's "See what my therapist
//! sees" preview are this one gathering, entered two ways, so the preview
//! can show neither more nor less; only the therapist's reads are logged.

use between_domain::appointment::Appointment;
use between_domain::share::Scope;

use crate::access_details as details;
use crate::agenda_share::SharedAgenda;
use crate::assignments::Assignment;
use crate::error::AppError;
use crate::link_read::LinkRead;
use crate::measure_requests::MeasureRequest;
use crate::principal::{Principal, User};
use crate::sharing::{ClientData, ClientSummary, Link};
use crate::App;

/// A client's page as one link's therapist sees it.
#[derive(Debug, Clone)]
pub struct ClientPage {
    pub link: Link,
    /// The therapist (the page's times are in their zone).
    pub therapist: User,
    pub summary: ClientSummary,
    /// Soonest last.
    pub appointments: Vec<Appointment>,
    /// Each shared scope but the agenda, in scope order.
    pub data: Vec<(Scope, ClientData)>,
    /// The shared agenda, when the agenda is shared.
    pub agenda: Option<SharedAgenda>,
    /// Practice the therapist assigned, newest first.
    pub assignments: Vec<Assignment>,
    /// Questionnaires the therapist asked for (only while measures are
    /// shared), newest first.
    pub requests: Vec<MeasureRequest>,
    /// Whether this is the client's preview.
    pub preview: bool,
}

impl App {
    /// The page about client `client` for their therapist `p`; each part
    /// read is logged for the client.
    pub async fn client_page(&self, p: &Principal, client: &str) -> Result<ClientPage, AppError> {
        let r = self.therapist_read(p, client).await?;
        self.page_through(&r).await
    }

    /// What therapist `therapist`'s page about client `p` shows, for `p`:
    /// the same gathering over the link's keys, not logged as a read.
    pub async fn preview_client_page(
        &self,
        p: &Principal,
        therapist: &str,
    ) -> Result<ClientPage, AppError> {
        let r = self.preview_read(p, therapist).await?;
        self.page_through(&r).await
    }

    async fn page_through(&self, r: &LinkRead) -> Result<ClientPage, AppError> {
        let summary = self.summary_through(r).await?;
        self.log_read(r, "summary", None, details::of_summary(&summary))
            .await?;
        let appointments = self.appointments_through(r).await?;
        self.log_read(
            r,
            "appointments",
            None,
            details::of_appointments(&appointments),
        )
        .await?;
        let tz = &r.view.user.time_zone;
        let mut data = Vec::new();
        for scope in r.link.scopes.iter().copied() {
            if scope == Scope::Agenda {
                continue;
            }
            let read = self.data_through(r, scope).await?;
            self.log_read(r, scope.as_str(), None, details::of_data(&read, tz))
                .await?;
            data.push((scope, read));
        }
        let agenda = if r.link.scopes.contains(&Scope::Agenda) {
            let agenda = self.agenda_through(r).await?;
            let item = agenda.appointment.map(|(id, _)| id);
            self.log_read(r, "agenda", item, details::of_agenda(&agenda, tz))
                .await?;
            Some(agenda)
        } else {
            None
        };
        let requests = if r.link.scopes.contains(&Scope::Measures) {
            self.requests_through(r).await?
        } else {
            Vec::new()
        };
        Ok(ClientPage {
            link: r.link.clone(),
            therapist: r.therapist.clone(),
            summary,
            appointments,
            data,
            agenda,
            assignments: self.assignments_through(r).await?,
            requests,
            preview: r.preview,
        })
    }
}
