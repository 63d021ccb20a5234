//! `GET /events`: the environment's event log, for syncing by cursor.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::http::{csv, ApiError, ApiResult, PageParams};
use crate::emulator::Emulator;

/// Events older than this (by the emulator's clock) are gone, as at WorkOS.
pub const RETENTION_DAYS: i64 = 30;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageParams,
    events: Option<String>,
    organization_id: Option<String>,
    range_start: Option<String>,
    range_end: Option<String>,
}

/// `events` filters by type (every type when absent); `list_metadata` has only
/// `after`, as WorkOS's does.
/// The cursor is a place in the log, not in the filtered list: `after=<id>`
/// gives what came after that event (with `order=asc`, what is newer), even
/// when the filter leaves the event itself out, so a consumer's stored cursor
/// keeps working whatever it asks for.
pub async fn list(State(emu): State<Emulator>, Query(q): Query<ListQuery>) -> ApiResult {
    let kinds = csv(q.events.as_deref());
    for (name, at) in [("range_start", &q.range_start), ("range_end", &q.range_end)] {
        if let Some(at) = at.as_deref().filter(|s| !s.is_empty()) {
            if chrono::DateTime::parse_from_rfc3339(at).is_err() {
                return Err(ApiError::invalid(name, "invalid", format!("{name} must be an ISO 8601 timestamp, not '{at}'.")));
            }
        }
    }
    let limit = q.page.page_size()?;
    let ascending = q.page.ascending("desc")?;
    let org = q.organization_id.filter(|s| !s.is_empty());
    let (start, end) = (q.range_start.filter(|s| !s.is_empty()), q.range_end.filter(|s| !s.is_empty()));
    let kept_since = crate::clock::iso(emu.clock().now() - chrono::Duration::days(RETENTION_DAYS));
    let db = emu.db();
    let place = |id: &str, name: &str| {
        db.events.iter().position(|e| e.id == id).ok_or_else(|| ApiError::invalid(name, "invalid", format!("The cursor '{id}' is not a known event.")))
    };
    let after = q.page.after.as_deref().filter(|s| !s.is_empty());
    let before = q.page.before.as_deref().filter(|s| !s.is_empty());
    // Where to walk from in the log (oldest first), which way, and whether the
    // page is then turned round to the asked-for order.
    let (range, forward, turn) = match (after, before) {
        (Some(a), _) => {
            let p = place(a, "after")?;
            if ascending { (p + 1..db.events.len(), true, false) } else { (0..p, false, false) }
        }
        (None, Some(b)) => {
            let p = place(b, "before")?;
            if ascending { (0..p, false, true) } else { (p + 1..db.events.len(), true, true) }
        }
        (None, None) => (0..db.events.len(), ascending, false),
    };
    let visible = |e: &&crate::model::Event| {
        e.created_at >= kept_since
            && (kinds.is_empty() || kinds.contains(&e.event))
            && org.as_ref().is_none_or(|o| e.organization_id.as_ref() == Some(o))
            && start.as_ref().is_none_or(|s| &e.created_at >= s)
            && end.as_ref().is_none_or(|x| &e.created_at < x)
    };
    let slice = &db.events[range];
    let mut page: Vec<Value> = match forward {
        true => slice.iter().filter(visible).take(limit + 1).map(|e| e.to_json()).collect(),
        false => slice.iter().rev().filter(visible).take(limit + 1).map(|e| e.to_json()).collect(),
    };
    let more = page.len() > limit;
    page.truncate(limit);
    // The cursor to go on from: the page's last event, furthest from where it began.
    let next = more.then(|| page.last().and_then(|e| e["id"].as_str()).map(str::to_string)).flatten();
    if turn {
        page.reverse();
    }
    Ok(Json(json!({"object": "list", "data": page, "list_metadata": {"after": next}})).into_response())
}
