//! Widget tokens: the one place Orgdeck mints them, for every caller (widget
//! pages, the lab, the doctor, the widget-API reads). Never cached or logged.

use workos::resources::widgets::CreateTokenParams;
use workos::{Client, WidgetSessionToken, WidgetSessionTokenScopes};

use crate::error::AppError;

/// A widget token for `user_id` (in `organization_id`, if any) with `scopes`.
pub async fn mint(client: &Client, organization_id: Option<&str>, user_id: Option<&str>, scopes: &[&str]) -> Result<String, AppError> {
    let request = WidgetSessionToken {
        organization_id: organization_id.map(str::to_string),
        user_id: user_id.map(str::to_string),
        scopes: (!scopes.is_empty()).then(|| scopes.iter().map(|s| WidgetSessionTokenScopes::from(*s)).collect()),
    };
    let minted = client.widgets().create_token(CreateTokenParams::new(request)).await?;
    Ok(minted.token.expose().to_string())
}
