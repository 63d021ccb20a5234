//! Reads from WorkOS's widget API, made server-side with a widget token minted
//! for the session's own user and organization. WorkOS's public API has no
//! endpoint for an organization's audit-log stream nor for a SAML connection's
//! certificate dates; the widget API (what the official widgets call) has both.
//! The token lives for this one read: it is never cached, logged or sent on.

use axum::http::{header, HeaderMap, HeaderValue, Method};
use serde::Deserialize;
use workos::transport::HttpRequest;

use super::tokens::mint;
use crate::catalog::WidgetKind;
use crate::error::AppError;
use crate::model::capability::StreamRow;

/// `GET path` with the token, through the SDK's own transport (its connection
/// pool); the body parsed as `T`.
async fn get<T: for<'de> Deserialize<'de>>(client: &workos::Client, token: &str, path: &str) -> Result<T, AppError> {
    let mut headers = HeaderMap::new();
    let bearer = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|e| AppError::Internal { message: e.to_string() })?;
    headers.insert(header::AUTHORIZATION, bearer);
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    let url = format!("{}{path}", client.base_url().trim_end_matches('/'));
    let request = HttpRequest { method: Method::GET, url, headers, body: None };
    let response = client.transport().execute(request).await.map_err(workos::Error::Network)?;
    let status = response.status.as_u16();
    if !response.status.is_success() {
        let body: serde_json::Value = serde_json::from_slice(&response.body).unwrap_or_default();
        let message = body["message"].as_str().unwrap_or("no message").to_string();
        tracing::warn!(status, path, "WorkOS widget API call failed: {message}");
        return Err(AppError::Workos { status, message, request_id: None });
    }
    serde_json::from_slice(&response.body).map_err(|e| AppError::Internal { message: format!("WorkOS's widget API answered something Orgdeck could not use: {e}") })
}

#[derive(Debug, Deserialize)]
struct Stream {
    state: Option<String>,
    #[serde(rename = "type")]
    stream_type: Option<String>,
    #[serde(rename = "errorMessage")]
    error_message: Option<String>,
}

/// The organization's audit-log stream, or `None` when it has none (`{}`).
pub async fn log_stream(client: &workos::Client, org_id: &str, user_id: &str) -> Result<Option<StreamRow>, AppError> {
    let token = mint(client, Some(org_id), Some(user_id), &WidgetKind::AuditLogStreaming.info().scopes()).await?;
    let stream: Stream = get(client, &token, "/_widgets/admin-portal/audit-log-stream").await?;
    Ok(match (stream.stream_type, stream.state) {
        (Some(destination), Some(state)) => Some(StreamRow { destination, state, error: stream.error_message }),
        _ => None,
    })
}

#[derive(Debug, Deserialize)]
struct WidgetConnection {
    id: String,
    #[serde(rename = "latestExpiringCertificate")]
    latest_expiring: Option<WidgetCertificate>,
    #[serde(rename = "latestExpiredCertificate")]
    latest_expired: Option<WidgetCertificate>,
}

#[derive(Debug, Deserialize)]
struct WidgetCertificate {
    #[serde(rename = "notAfter")]
    not_after: String,
}

/// When each SAML connection's signing certificate ends (the latest-ending live
/// one, else the expired one), by connection id.
pub async fn certificate_ends(client: &workos::Client, org_id: &str, user_id: &str) -> Result<Vec<(String, String)>, AppError> {
    let token = mint(client, Some(org_id), Some(user_id), &WidgetKind::Sso.info().scopes()).await?;
    let list: Vec<WidgetConnection> = get(client, &token, "/_widgets/admin-portal/sso-connections").await?;
    Ok(list
        .into_iter()
        .filter_map(|c| {
            let ends = c.latest_expiring.or(c.latest_expired)?.not_after;
            Some((c.id, ends))
        })
        .collect())
}
