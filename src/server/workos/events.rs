//! The Events API: what the catch-up reads to store the events webhooks missed.

use serde_json::Value;
use workos::resources::events::ListEventsParams;
use workos::{Client, PaginationOrder};

use crate::error::AppError;

/// One page of the Events API, oldest first.
pub enum EventsPage {
    /// The events as WorkOS's envelopes, and the id to go on after (if more may follow).
    Events { events: Vec<Value>, after: Option<String> },
    /// WorkOS no longer knows the cursor (older than its 30 days).
    CursorRefused(String),
}

/// Up to 100 events of `types` after `after` (or from `range_start`).
pub async fn page(client: &Client, types: &[&str], after: Option<String>, range_start: Option<String>) -> Result<EventsPage, AppError> {
    let with_cursor = after.is_some();
    let params = ListEventsParams {
        limit: Some(100),
        order: Some(PaginationOrder::Asc),
        after,
        range_start,
        ..ListEventsParams::new(types.iter().map(|t| t.to_string()).collect())
    };
    match client.events().list_events(params).await {
        Ok(page) => Ok(EventsPage::Events {
            after: page.list_metadata.after.is_some().then(|| page.data.last().map(|e| e.id.clone())).flatten(),
            events: page.data.iter().map(|e| serde_json::to_value(e).unwrap_or_default()).collect(),
        }),
        Err(e) if with_cursor && matches!(e.status(), Some(400 | 404 | 422)) => Ok(EventsPage::CursorRefused(e.to_string())),
        Err(e) => Err(e.into()),
    }
}
