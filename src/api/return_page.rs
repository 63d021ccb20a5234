//! What WorkOS holds now for one capability: the return page shows it after a
//! widget or portal flow, so the effect is seen outside the widget.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::capability::ReturnState;

/// The state of the capability behind widget `slug`, for the session's user and
/// organization; with `flow`, also how that Admin Portal flow ended (recorded
/// the first time) and what changed since it started.
#[server(endpoint = "return_page")]
pub async fn return_page(slug: String, flow: Option<String>, outcome: Option<String>) -> Result<ReturnState, AppError> {
    use crate::catalog::WidgetInfo;
    use crate::server::session::CurrentSession;
    use crate::server::state::AppState;

    let widget = WidgetInfo::by_slug(&slug).ok_or_else(|| AppError::UnknownWidget { slug: slug.clone() })?;
    let session = CurrentSession::current()?;
    let state = AppState::current()?;
    // Read afresh: up to three WorkOS calls.
    state.limits.spend(&session.user_id, 3)?;
    crate::server::portal::return_state(&state, &session, widget, flow, outcome).await
}
