//! `GET /events`: the environment's event log, filtered by type.

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::http::{csv, paginate, ApiError, ApiResult, PageParams};
use crate::state::Emulator;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageParams,
    events: Option<String>,
    organization_id: Option<String>,
    range_start: Option<String>,
    range_end: Option<String>,
}

/// `events` is required; `list_metadata` has only `after`, as WorkOS's does.
pub async fn list(State(emu): State<Emulator>, Query(q): Query<ListQuery>) -> ApiResult {
    let kinds = csv(q.events.as_deref());
    if kinds.is_empty() {
        return Err(ApiError::required("events"));
    }
    let org = q.organization_id.filter(|s| !s.is_empty());
    let (start, end) = (q.range_start.filter(|s| !s.is_empty()), q.range_end.filter(|s| !s.is_empty()));
    let db = emu.db();
    let items: Vec<Value> = db
        .events
        .iter()
        .filter(|e| kinds.contains(&e.event))
        .filter(|e| org.as_ref().is_none_or(|o| e.organization_id.as_ref() == Some(o)))
        .filter(|e| start.as_ref().is_none_or(|s| &e.created_at >= s) && end.as_ref().is_none_or(|x| &e.created_at < x))
        .map(|e| e.to_json())
        .collect();
    let page = paginate(items, |e| e["id"].as_str().unwrap_or_default(), &q.page, "desc")?;
    Ok(Json(json!({"object": "list", "data": page.data, "list_metadata": {"after": page.after}})).into_response())
}
