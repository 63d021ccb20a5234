//! The integration doctor's checklist, for admins (`/doctor`); `orgdeck doctor`
//! runs the same checks from the command line.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        }
    }
}

/// One line of the checklist: what was checked, what was found, and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub name: String,
    pub verdict: Verdict,
    pub detail: String,
    pub fix: Option<String>,
}

/// Every check, in order.
#[server(endpoint = "doctor")]
pub async fn doctor() -> Result<Vec<Check>, AppError> {
    let (_, state) = crate::server::auth::CurrentSession::admin()?;
    Ok(crate::server::doctor::run(&state).await)
}
