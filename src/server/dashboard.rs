//! The dashboard of the session's organization: its header, a card per
//! catalog row with its live state, and the user's recent Admin Portal flows.

use super::capabilities::{card_detail, CardReads};
use super::portal::flow_status;
use super::session::CurrentSession;
use super::state::AppState;
use super::store::now_iso;
use crate::catalog::{CATALOG, HOSTED_ONLY_INTENTS};
use crate::error::AppError;
use crate::model::dashboard::{Card, CardStatus, FlowRow, OrgDashboard, Viewer};

pub async fn dashboard(state: &AppState, session: CurrentSession) -> Result<OrgDashboard, AppError> {
    let (session, org_id) = session.in_organization()?;
    let client = &state.workos;
    let (reads, organizations) =
        tokio::join!(CardReads::read(&state.cache, client, &session, &org_id), state.cache.user_organizations(client, &session.user_id));
    let reads = reads?;
    let organizations = organizations?.to_vec();
    let cards = CATALOG
        .iter()
        .filter(|w| w.card)
        .map(|w| {
            let status = match (w.built, w.missing_permission(&session.permissions)) {
                (_, Some(p)) => CardStatus::Forbidden { permission: p.to_string() },
                (false, None) => CardStatus::NotBuilt,
                (true, None) => CardStatus::Open,
            };
            // Only what applies now: no certificate to renew without a SAML connection.
            let applies = |intent: &str| intent != "certificate_renewal" || reads.has_saml_connection();
            let hosted_only = HOSTED_ONLY_INTENTS
                .iter()
                .filter(|(intent, slug, _)| *slug == w.slug && applies(intent))
                .map(|(intent, _, label)| (intent.to_string(), label.to_string()));
            let portal = match status {
                CardStatus::Open => w.portal_intent.map(|i| (i.to_string(), "Set up in Admin Portal".to_string())).into_iter().chain(hosted_only).collect(),
                _ => Vec::new(),
            };
            let (detail, problem) = match card_detail(w.kind, &reads) {
                Ok(detail) => (detail, None),
                Err(e) => (None, Some(e.explained())),
            };
            Card { slug: w.slug.into(), title: w.title.into(), purpose: w.purpose.into(), status, detail, problem, portal }
        })
        .collect();
    let now = now_iso();
    let flows = state
        .store
        .recent_flows(&org_id, &session.user_id, 5)
        .await?
        .into_iter()
        .map(|f| FlowRow { status: flow_status(f.outcome.as_deref(), &f.started_at, &now), id: f.id, slug: f.slug, intent: f.intent, started_at: f.started_at })
        .collect();
    let (org, members, invitations) = &*reads.org;
    Ok(OrgDashboard {
        org_id,
        org_name: org.name.clone(),
        organizations,
        domains: super::workos::reads::domains(org),
        active_members: members.len(),
        pending_invitations: invitations.len(),
        flows,
        viewer: Viewer { name: reads.me.name.clone(), email: reads.me.email.clone(), role: session.role },
        cards,
    })
}
