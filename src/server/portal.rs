//! Hosted Admin Portal flows. `POST /portal/:intent` records the flow (with
//! the capability's state now), asks WorkOS for a five-minute link that comes
//! back to `/return/:slug?flow=…`, and sends the browser there at once; the
//! link is never stored, cached or logged. The return page then reads how
//! the flow ended and what changed ([`return_state`]).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use super::capabilities::fresh;
use super::event_words::{self, Names};
use super::session::{CurrentSession, Session};
use super::sign_in::site_origin;
use super::state::AppState;
use super::store::{now_iso, EventQuery, Flow};
use super::workos::admin_portal;
use crate::catalog::WidgetInfo;
use crate::error::AppError;
use crate::model::capability::{changes, CapabilityState, FlowView, ReturnState};

/// How long a portal link may be used.
const LINK_LIFE_SECONDS: i64 = 300;

/// `POST /portal/:intent`: off to the hosted Admin Portal, or to sign in first.
pub async fn start(State(state): State<AppState>, session: Option<Session>, headers: HeaderMap, Path(intent): Path<String>) -> Response {
    let Some(Session(session)) = session else {
        return Redirect::to("/login").into_response();
    };
    match begin(&state, &session, &headers, &intent).await {
        Ok(link) => Redirect::to(&link).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn begin(state: &AppState, session: &CurrentSession, headers: &HeaderMap, intent: &str) -> Result<String, AppError> {
    let widget = WidgetInfo::by_intent(intent).ok_or_else(|| AppError::UnknownWidget { slug: intent.to_string() })?;
    let (_, organization_id) = session.clone().in_organization()?;
    // A member is refused here, before any link exists.
    session.may_use(widget)?;
    // Clicked again while the last link could still be used: the same flow,
    // a new link (a link is good once), and no second snapshot.
    // A link back to the return page for `flow_id`, whichever way the portal ends.
    let link_for = |flow_id: String| {
        let back = format!("{}/return/{}?flow={flow_id}", site_origin(state, headers), widget.slug);
        admin_portal::link(&state.workos, &organization_id, intent, format!("{back}&outcome=returned"), format!("{back}&outcome=completed"))
    };
    let since = super::store::iso(chrono::Utc::now() - chrono::Duration::seconds(LINK_LIFE_SECONDS));
    if let Some(open) = state.store.open_flow(&organization_id, &session.user_id, intent, &since).await? {
        state.limits.spend(&session.user_id, 1)?;
        let link = link_for(open.id.clone()).await?;
        tracing::info!(flow = %open.id, intent, "Admin Portal flow resumed with a new link");
        return Ok(link);
    }
    // The capability's state (up to three calls) and the link.
    state.limits.spend(&session.user_id, 4)?;
    let snapshot = fresh(&state.workos, widget, session).await?;
    let flow_id = format!("flow_{}", ulid::Ulid::new());
    let link = link_for(flow_id.clone()).await?;
    let flow = Flow {
        id: flow_id,
        organization_id,
        user_id: session.user_id.clone(),
        intent: intent.to_string(),
        slug: widget.slug.to_string(),
        started_at: now_iso(),
        ended_at: None,
        outcome: None,
        snapshot: serde_json::to_string(&snapshot).unwrap_or_default(),
    };
    state.store.start_flow(&flow).await?;
    tracing::info!(flow = %flow.id, intent, organization = %flow.organization_id, "Admin Portal flow started");
    Ok(link)
}

/// How a flow stands: its recorded outcome, else "in progress" while its
/// five-minute link may still be used, else "link expired".
pub fn flow_status(outcome: Option<&str>, started_at: &str, now: &str) -> String {
    match outcome {
        Some(o) => o.to_string(),
        None => {
            let started = started_at.parse::<chrono::DateTime<chrono::Utc>>().ok();
            let now = now.parse::<chrono::DateTime<chrono::Utc>>().ok();
            match (started, now) {
                (Some(s), Some(n)) if (n - s).num_seconds() > LINK_LIFE_SECONDS => "link expired".into(),
                _ => "in progress".into(),
            }
        }
    }
}

/// What WorkOS holds now for `widget`'s ground; with `flow`, also how that
/// Admin Portal flow ended (recorded the first time) and what changed since
/// it started. Only the organization and user that started a flow see it.
pub async fn return_state(
    state: &AppState,
    session: &CurrentSession,
    widget: &WidgetInfo,
    flow: Option<String>,
    outcome: Option<String>,
) -> Result<ReturnState, AppError> {
    // A refused call changes nothing, the cache included.
    session.may_use(widget)?;
    // What WorkOS holds now (shared only by the views of the last moments),
    // then, whatever the widget or portal changed, the dashboard reads afresh too.
    let org = session.organization_id.as_deref();
    let now = state.cache.capability(widget.slug, org, &session.user_id, fresh(&state.workos, widget, session)).await?;
    state.feed.forget(org, Some(&session.user_id)).await;
    let Some(flow_id) = flow.filter(|f| !f.is_empty()) else {
        return Ok(ReturnState { now, flow: None });
    };
    let (_, org) = session.clone().in_organization()?;
    let found = state.store.flow(&flow_id, &org, &session.user_id).await?;
    let Some(record) = found.filter(|f| f.slug == widget.slug) else {
        return Err(AppError::Invalid { field: Some("flow".into()), message: "This Admin Portal flow is not one of yours.".into() });
    };
    let outcome = match outcome.as_deref() {
        Some("completed") => "completed",
        Some("returned") => "returned",
        _ => "abandoned",
    };
    // The first return decides the outcome; later views show that one.
    let (outcome, ended_at) = match (record.outcome.clone(), record.ended_at.clone()) {
        (Some(o), at) => (o, at),
        (None, _) => {
            let at = now_iso();
            state.store.end_flow(&record.id, outcome, &at).await?;
            (outcome.to_string(), Some(at))
        }
    };
    let before: Option<CapabilityState> = serde_json::from_str(&record.snapshot).ok();
    let since = EventQuery { organization_id: Some(org.clone()), since: Some(record.started_at.clone()), limit: 50, ..Default::default() };
    let (found, names) = tokio::join!(state.store.events(&since), Names::read(state, &org));
    let events = found?.into_iter().map(|e| event_words::row(e, &names)).collect();
    Ok(ReturnState {
        flow: Some(FlowView {
            intent: record.intent,
            started_at: record.started_at,
            ended_at,
            outcome: Some(outcome),
            changes: before.map(|b| changes(&b, &now)).unwrap_or_default(),
            events,
        }),
        now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_that_never_came_back_expires_with_its_link() {
        let start = "2026-11-26T09:00:00.000Z";
        assert_eq!(flow_status(Some("completed"), start, "2026-11-26T10:00:00.000Z"), "completed");
        assert_eq!(flow_status(None, start, "2026-11-26T09:04:59.000Z"), "in progress");
        assert_eq!(flow_status(None, start, "2026-11-26T09:05:01.000Z"), "link expired");
    }
}
