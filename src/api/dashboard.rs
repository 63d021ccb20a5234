//! The signed-in user's organization: the dashboard.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::dashboard::OrgDashboard;

/// The dashboard of the session's organization.
#[server(endpoint = "dashboard")]
pub async fn dashboard() -> Result<OrgDashboard, AppError> {
    use crate::server::session::CurrentSession;
    use crate::server::state::AppState;
    let dashboard = crate::server::dashboard::dashboard(&AppState::current()?, CurrentSession::current()?).await;
    // A page showing a failed read is rendered afresh next time, not served kept.
    if !dashboard.as_ref().is_ok_and(|d| d.cards.iter().all(|c| c.problem.is_none())) {
        crate::server::page_cache::do_not_keep();
    }
    dashboard
}
