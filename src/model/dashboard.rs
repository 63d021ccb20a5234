//! The dashboard: the session's organization, its people and a card per widget type.

use serde::{Deserialize, Serialize};

use super::capability::DomainRow;
use super::organization::OrgChoice;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    pub email: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardStatus {
    /// The user may open it.
    Open,
    /// The user's role lacks this permission.
    Forbidden { permission: String },
    /// Orgdeck does not open this widget type yet.
    NotBuilt,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub slug: String,
    pub title: String,
    pub purpose: String,
    pub status: CardStatus,
    /// The capability's live state, e.g. "3 members · 1 pending invitation".
    pub detail: Option<String>,
    /// Why the live state could not be read (the card still opens).
    pub problem: Option<String>,
    /// The hosted Admin Portal actions that apply now, as (intent, label):
    /// setting up the same ground first, then hosted-only ones.
    pub portal: Vec<(String, String)>,
}

/// One of the user's recent hosted Admin Portal flows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowRow {
    pub id: String,
    pub slug: String,
    pub intent: String,
    pub started_at: String,
    /// `completed`, `returned`, `abandoned`, `in progress` or `link expired`.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDashboard {
    pub org_id: String,
    pub org_name: String,
    /// Every organization the user is an active member of (this one included).
    pub organizations: Vec<OrgChoice>,
    pub domains: Vec<DomainRow>,
    pub active_members: usize,
    pub pending_invitations: usize,
    pub viewer: Viewer,
    pub cards: Vec<Card>,
    pub flows: Vec<FlowRow>,
}
