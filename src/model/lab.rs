//! The widget lab's choices, record and minted tokens.

use serde::{Deserialize, Serialize};

use super::organization::OrgChoice;
use super::widget::WidgetSetup;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChoice {
    pub user_id: String,
    pub email: String,
    pub role: String,
}

/// One line of what was done in the lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabAction {
    pub at: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabState {
    pub organizations: Vec<OrgChoice>,
    /// Leptos.toml `[tenants]`: tenant id → organization id.
    pub tenants: Vec<(String, String)>,
}

/// A minted token, taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minted {
    pub token: String,
    pub header: String,
    pub claims: String,
    pub expires_at: Option<i64>,
    /// The same request as a shell command, the API key redacted.
    pub curl: String,
    /// What the lab mounts the widget with (this very token).
    pub mount: WidgetSetup,
}
