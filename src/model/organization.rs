//! Organizations and the people in them, as several pages list them.

use serde::{Deserialize, Serialize};

/// One of the user's organizations, for switching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgChoice {
    pub id: String,
    pub name: String,
}

/// A member (or an invitee) of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: String,
}
