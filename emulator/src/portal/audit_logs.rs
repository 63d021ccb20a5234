//! The `audit_logs` intent: a viewer of the organization's audit-log events,
//! newest first, filtered by action.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::flow::{page};
use crate::model::PortalSession;
use crate::model::AuditLogEntry;
use crate::emulator::Emulator;

#[derive(Debug, Deserialize)]
pub struct Filter {
    action: Option<String>,
}

pub async fn view(State(emu): State<Emulator>, session: PortalSession, Query(f): Query<Filter>) -> Response {
    let action = f.action.filter(|a| !a.is_empty());
    let entries: Vec<AuditLogEntry> = emu
        .db()
        .audit_log_entries
        .iter()
        .rev()
        .filter(|e| e.organization_id == session.organization_id)
        .filter(|e| action.as_ref().is_none_or(|a| &e.action == a))
        .cloned()
        .collect();
    page(
        &session,
        "Audit logs",
        html! {
            h1 { "Audit logs" }
            form method="get" action="/portal/audit_logs" {
                label for="action" { "Action" }
                input id="action" name="action" value=(action.clone().unwrap_or_default()) placeholder="user.signed_in";
                button type="submit" { "Filter" }
            }
            @if entries.is_empty() { p.sub data-testid="no-audit-events" { "No events yet." } }
            @for e in &entries {
                article.email data-testid="audit-event" {
                    h2 { (e.action) }
                    p.who { (e.occurred_at) " · " (e.location) }
                    p { "Actor: " (e.actor) }
                    @if !e.targets.is_empty() { p { "Targets: " (e.targets.join(", ")) } }
                }
            }
        },
    )
}
