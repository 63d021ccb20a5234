//! The integration doctor's checklist, for admins (`/doctor`); `orgdeck doctor`
//! runs the same checks from the command line.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::doctor::Check;

/// Every check, in order.
#[server(endpoint = "doctor")]
pub async fn doctor() -> Result<Vec<Check>, AppError> {
    let (session, state) = crate::server::session::CurrentSession::admin()?;
    state.limits.spend(&session.user_id, 6)?;
    Ok(crate::server::doctor::run(&state).await)
}
