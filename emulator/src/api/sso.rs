//! `/connections`: an organization's SSO connections.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::http::{paginate, ApiError, ApiResult, PageParams};
use crate::emulator::Emulator;

/// The spec's `connection_type` values.
pub const CONNECTION_TYPES: &[&str] = &[
    "ADFSSAML", "AdpOidc", "AppleOAuth", "Auth0SAML", "AzureSAML", "BitbucketOAuth", "CasSAML", "CloudflareSAML",
    "ClassLinkSAML", "CleverOIDC", "CyberArkSAML", "DiscordOAuth", "DuoSAML", "EntraIdOIDC", "GenericOIDC",
    "GenericSAML", "GithubOAuth", "GitLabOAuth", "GoogleOAuth", "GoogleOIDC", "GoogleSAML", "IntuitOAuth",
    "JumpCloudSAML", "KeycloakSAML", "LastPassSAML", "LinkedInOAuth", "LoginGovOidc", "MagicLink",
    "MicrosoftOAuth", "MiniOrangeSAML", "NetIqSAML", "OktaOIDC", "OktaSAML", "OneLoginSAML", "OracleSAML",
    "PingFederateSAML", "PingOneSAML", "RipplingSAML", "SalesforceSAML", "ShibbolethGenericSAML",
    "ShibbolethSAML", "SimpleSamlPhpSAML", "SalesforceOAuth", "SlackOAuth", "VercelMarketplaceOAuth",
    "VercelOAuth", "VMwareSAML", "XeroOAuth",
];

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(flatten)]
    page: PageParams,
    organization_id: Option<String>,
    connection_type: Option<String>,
    domain: Option<String>,
    search: Option<String>,
}

pub async fn list(State(emu): State<Emulator>, Query(q): Query<ListQuery>) -> ApiResult {
    let some = |v: Option<String>| v.filter(|s| !s.is_empty());
    let (org, kind, domain) = (some(q.organization_id), some(q.connection_type), some(q.domain));
    if let Some(k) = kind.as_deref().filter(|k| !CONNECTION_TYPES.contains(k)) {
        return Err(ApiError::invalid("connection_type", "invalid", format!("'{k}' is not a connection type.")));
    }
    let search = some(q.search).map(|s| s.to_lowercase());
    let db = emu.db();
    let items: Vec<_> = db
        .connections
        .iter()
        .filter(|c| org.as_ref().is_none_or(|o| &c.organization_id == o))
        .filter(|c| kind.as_ref().is_none_or(|k| &c.connection_type == k))
        .filter(|c| domain.as_ref().is_none_or(|d| c.domains.iter().any(|x| x.eq_ignore_ascii_case(d))))
        .filter(|c| search.as_ref().is_none_or(|s| c.name.to_lowercase().contains(s)))
        .map(|c| c.to_json())
        .collect();
    let page = paginate(items, |c| c["id"].as_str().unwrap_or_default(), &q.page, "desc")?;
    Ok(Json(page.to_list()).into_response())
}

pub async fn get(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let db = emu.db();
    let c = db.connections.iter().find(|c| c.id == id).ok_or_else(|| ApiError::not_found("Connection", &id))?;
    Ok(Json(c.to_json()).into_response())
}

/// `DELETE /connections/{id}` → 204, and a `connection.deleted` event.
pub async fn delete(State(emu): State<Emulator>, Path(id): Path<String>) -> ApiResult {
    let mut db = emu.db();
    let at = db.connections.iter().position(|c| c.id == id).ok_or_else(|| ApiError::not_found("Connection", &id))?;
    let gone = db.connections.remove(at);
    let mut data = gone.to_json();
    data["state"] = json!("deleting");
    db.record_event(&emu, "connection.deleted", Some(&gone.organization_id), data);
    Ok(StatusCode::NO_CONTENT.into_response())
}
