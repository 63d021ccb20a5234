//! WorkOS events as pages show them.

use serde::{Deserialize, Serialize};

use super::organization::OrgChoice;

/// What the live feed sends a page: enough to show a line (no payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub id: String,
    pub event: String,
    /// The event in plain words ("acme-eu.test was verified").
    pub sentence: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub id: String,
    pub event: String,
    /// The event in plain words ("Ada Admin invited sam@acme.test as member").
    pub sentence: String,
    pub created_at: String,
    /// `webhook` or `events_api`: which way it came first.
    pub source: String,
    /// The whole event, pretty-printed (shown on demand).
    pub payload: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPage {
    pub organization_id: String,
    pub organizations: Vec<OrgChoice>,
    /// The types stored for this organization, for the filter.
    pub types: Vec<String>,
    pub rows: Vec<EventRow>,
    /// The cursor of the next (older) page.
    pub next: Option<String>,
}

/// Events on one page of `/events`.
pub const PAGE_SIZE: i64 = 25;
