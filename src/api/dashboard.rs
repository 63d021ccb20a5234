//! The signed-in user's organization: the dashboard.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::dashboard::OrgDashboard;

/// The dashboard of the session's organization.
#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<OrgDashboard, AppError> {
    use crate::server::session::CurrentSession;
    use crate::server::state::AppState;
    crate::server::dashboard::dashboard(&AppState::current()?, CurrentSession::current()?).await
}
