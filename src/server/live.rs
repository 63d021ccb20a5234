//! `GET /events/live`: the session's organization's events as they arrive
//! (server-sent events; the browser's EventSource reconnects by itself).
//!
//! A stream lasts no longer than what let it open: it ends when its access
//! token expires (the reconnect goes through the session layer, which
//! refreshes or refuses), when the session is ended (`signed_out`), and when
//! the user's membership in the organization ends (the reconnect then finds
//! no membership), and when the server shuts down (with a `retry:`, so the
//! browser reconnects soon). How many may be open: `live_streams.rs`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{Stream, StreamExt};
use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use super::event_access::EventScope;
use super::event_words::{self, Names};
use super::feed::revoked_session;
use super::session::revoked::RevokedSessions;
use super::live_streams::Slot;
use super::session::current::{CurrentSession, Session};
use super::shutdown::{Shutdown, RECONNECT_AFTER};
use super::state::AppState;
use super::store::{now_unix, StoredEvent};

/// `/events/live?since=<when the page read its data>`.
#[derive(Debug, serde::Deserialize)]
pub struct LiveQuery {
    since: Option<String>,
}

pub async fn live(State(state): State<AppState>, session: Option<Session>, Query(query): Query<LiveQuery>) -> Response {
    // 204 tells an EventSource to stop for good, quietly (a 401 would be logged
    // in the console of every page whose session just ended, and retried).
    let Some((session, org)) = session.and_then(|Session(s)| s.in_organization().ok()) else {
        return StatusCode::NO_CONTENT.into_response();
    };
    // Still a member? (The read is forgotten when a membership event arrives.)
    match state.cache.user_organizations(&state.workos, &session.user_id).await {
        Ok(mine) if mine.iter().any(|o| o.id == org) => {}
        Ok(_) => return StatusCode::NO_CONTENT.into_response(),
        Err(e) => return (StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_GATEWAY), e.detail()).into_response(),
    }
    let Some(slot) = state.streams.open(&session.session_id) else {
        tracing::info!(session = %session.session_id, "refused a live stream: too many open");
        super::metrics::limit_refused("live_streams");
        return (StatusCode::TOO_MANY_REQUESTS, [(RETRY_AFTER, "30")], "Too many live streams for this session: close a tab.").into_response();
    };
    // A member hears only the events about himself, as his /events lists them.
    let scope = EventScope::of(&session, &state.settings, &org);
    // Subscribed before looking, so nothing falls between the two: an event
    // stored after the page read its data but before this stream opened (or
    // while the browser reconnected) makes the page refresh at once.
    let rx = state.feed.subscribe();
    let missed = match query.since {
        Some(since) => state.store.received_since(&org, &since).await.unwrap_or(true),
        None => false,
    };
    let first = missed.then(|| Ok(SseEvent::default().event("lagged").data("{}")));
    // Names as they are when the stream opens; someone who joins later is
    // named by the email in the event.
    let names = Names::read(&state, &org).await;
    let open = Open { rx, org, session, scope, names, revoked: state.revoked.clone(), shutdown: state.shutdown.clone(), _slot: slot };
    Sse::new(futures::stream::iter(first).chain(stream(open))).keep_alive(KeepAlive::default()).into_response()
}

/// How often an open stream looks whether its session was ended.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// What an open stream holds.
struct Open {
    rx: Receiver<StoredEvent>,
    org: String,
    session: CurrentSession,
    scope: EventScope,
    names: Names,
    revoked: Arc<RevokedSessions>,
    shutdown: Shutdown,
    _slot: Slot,
}

/// Why a stream ends, if this event ends it.
enum Ends {
    /// The session was ended: the page is told, and stops.
    SignedOut,
    /// The user left the organization: the stream ends, and its reconnect is refused.
    LeftOrganization,
}

fn ends(e: &StoredEvent, open: &Open) -> Option<Ends> {
    match e.event.as_str() {
        "session.revoked" if revoked_session(e).as_deref() == Some(open.session.session_id.as_str()) => Some(Ends::SignedOut),
        "organization_membership.deleted" | "organization_membership.updated" => {
            let d = serde_json::from_str::<Value>(&e.payload).map(|v| v["data"].clone()).unwrap_or_default();
            let this = d["user_id"] == open.session.user_id.as_str() && d["organization_id"] == open.org.as_str();
            let gone = e.event.ends_with(".deleted") || d["status"].as_str().is_some_and(|s| s != "active");
            (this && gone).then_some(Ends::LeftOrganization)
        }
        _ => None,
    }
}

/// The organization's events the session may read, until the stream ends.
fn stream(open: Open) -> impl Stream<Item = Result<SseEvent, Infallible>> {
    let signed_out = || SseEvent::default().event("signed_out").data("{}");
    futures::stream::unfold(Some(open), move |open| async move {
        let mut open = open?;
        // The token's expiry (a session resolved without one gets a minute).
        let left = (open.session.expires_at - now_unix()).clamp(0, i64::from(u32::MAX)) as u64;
        let expires = tokio::time::Instant::now() + Duration::from_secs(if open.session.expires_at > 0 { left } else { 60 });
        let mut check = tokio::time::interval(CHECK_EVERY);
        loop {
            let event = tokio::select! {
                event = open.rx.recv() => event,
                _ = tokio::time::sleep_until(expires) => return None,
                // The server is going: the browser reconnects soon, to whichever instance takes it.
                _ = open.shutdown.wait() => return Some((Ok(SseEvent::default().retry(RECONNECT_AFTER).comment("shutting down")), None)),
                _ = check.tick() => match open.revoked.contains(&open.session.session_id).await {
                    true => return Some((Ok(signed_out()), None)),
                    false => continue,
                },
            };
            let sse = match event {
                Ok(e) => match ends(&e, &open) {
                    Some(Ends::SignedOut) => return Some((Ok(signed_out()), None)),
                    Some(Ends::LeftOrganization) => return None,
                    None if e.organization_id.as_deref() == Some(open.org.as_str()) && open.scope.allows(&e) => {
                        let live = event_words::live(e, &open.names);
                        SseEvent::default().event("workos").data(serde_json::to_string(&live).unwrap_or_default())
                    }
                    None => continue,
                },
                // Too far behind: the page reloads what it shows.
                Err(RecvError::Lagged(_)) => SseEvent::default().event("lagged").data("{}"),
                Err(RecvError::Closed) => return None,
            };
            return Some((Ok(sse), Some(open)));
        }
    })
}
