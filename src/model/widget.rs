//! What a widget page needs to mount its widget (no secrets).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetSetup {
    pub slug: String,
    pub title: String,
    pub purpose: String,
    pub component: String,
    pub api_hostname: String,
    pub api_port: Option<u16>,
    pub api_https: bool,
    /// UserSessions marks this session as "This device" (a widget token's `sid`
    /// cannot know which of the user's browsers is asking).
    pub current_session_id: Option<String>,
    /// On the (offline) emulator, provider logos do not come from WorkOS's CDN.
    pub offline_icons: bool,
    /// The hosted Admin Portal intent covering the same ground, if any.
    pub portal_intent: Option<String>,
    /// The lab's token: the widget gets exactly this one, never a fresh one.
    #[serde(default)]
    pub fixed_token: Option<String>,
    /// The token's countdown in a collapsed "Token details" (admins only:
    /// a developer's detail, not an end user's).
    #[serde(default)]
    pub token_details: bool,
    /// The widgets bundle's address (a new one for each build of it).
    pub bundle: String,
}
