//! The signed-in user's organization: the dashboard.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::dashboard::OrgDashboard;

/// The dashboard of the session's organization.
#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<OrgDashboard, AppError> {
    use crate::server::session::CurrentSession;
    use crate::server::state::AppState;
    use crate::server::workos::errors::with_visible_organizations;
    let state = AppState::current()?;
    with_visible_organizations(&state.workos, crate::server::dashboard::dashboard(&state, CurrentSession::current()?).await).await
}
