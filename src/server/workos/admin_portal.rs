//! Hosted Admin Portal links: five minutes of life, never stored or logged.

use workos::resources::admin_portal::GenerateLinkParams;
use workos::{Client, GenerateLink, GenerateLinkIntent};

use crate::error::AppError;

/// Whether WorkOS's Admin Portal has this intent (as the SDK knows them).
pub fn is_intent(intent: &str) -> bool {
    !matches!(GenerateLinkIntent::from(intent), GenerateLinkIntent::Unknown(_))
}

/// A link into the hosted Admin Portal for `organization` and `intent`.
pub async fn link(client: &Client, organization: &str, intent: &str, return_url: String, success_url: String) -> Result<String, AppError> {
    let params = GenerateLinkParams::new(GenerateLink {
        organization: organization.to_string(),
        intent: Some(GenerateLinkIntent::from(intent)),
        return_url: Some(return_url),
        success_url: Some(success_url),
        external_user_id: None,
        it_contact_emails: None,
    });
    let made = client.admin_portal().generate_link(params).await?;
    Ok(made.link.expose().to_string())
}
