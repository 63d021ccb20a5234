//! `POST /portal/generate_link`: a five-minute Admin Portal link for one
//! organization and one intent.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::http::{ApiError, ApiResult, Body};
use crate::ids::secret_token;
use crate::model::PortalLink;
use crate::emulator::Emulator;
use crate::state::Db;

/// "Expires five minutes after issuance."
pub const LINK_SECONDS: i64 = 300;

pub const INTENTS: &[&str] = &["sso", "dsync", "audit_logs", "log_streams", "domain_verification", "certificate_renewal", "bring_your_own_key"];

/// A new link's secret; the URL carries it as `param` (`secret`, or `apiToken` for the widgets' form POST).
pub fn issue(emu: &Emulator, db: &mut Db, organization_id: &str, intent: &str, return_url: Option<String>, success_url: Option<String>, param: &str) -> String {
    let now = emu.clock().unix();
    db.portal_links.retain(|_, l| l.expires_at > now);
    let secret = secret_token();
    db.portal_links.insert(
        secret.clone(),
        PortalLink {
            secret: secret.clone(),
            organization_id: organization_id.to_string(),
            intent: intent.to_string(),
            return_url,
            success_url,
            expires_at: now + LINK_SECONDS,
        },
    );
    let mut url = url::Url::parse(&format!("{}/portal/launch", emu.base_url())).expect("the emulator's base URL is a URL");
    url.query_pairs_mut().append_pair(param, &secret);
    url.to_string()
}

#[derive(Debug, Deserialize)]
pub struct GenerateLinkBody {
    organization: Option<String>,
    intent: Option<String>,
    return_url: Option<String>,
    success_url: Option<String>,
}

fn http_url(field: &str, value: Option<String>) -> Result<Option<String>, ApiError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        // Kept as parsed: the parser drops tabs and newlines that would make
        // the portal's redirect to it an invalid header.
        Some(v) => match url::Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => Ok(Some(u.into())),
            _ => Err(ApiError::invalid(field, "invalid", format!("'{v}' is not an http(s) URL."))),
        },
    }
}

pub async fn generate_link(State(emu): State<Emulator>, Body(body): Body<GenerateLinkBody>) -> ApiResult {
    let organization = body.organization.filter(|s| !s.is_empty()).ok_or_else(|| ApiError::required("organization"))?;
    let intent = body.intent.filter(|s| !s.is_empty()).unwrap_or_else(|| "sso".into());
    if !INTENTS.contains(&intent.as_str()) {
        return Err(ApiError::invalid("intent", "invalid", format!("'{intent}' is not one of {}.", INTENTS.join(", "))));
    }
    let return_url = http_url("return_url", body.return_url)?;
    let success_url = http_url("success_url", body.success_url)?;
    let mut db = emu.db();
    if db.organization(&organization).is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            json!({"message": format!("Could not find an organization with the id, {organization}.")}),
        ));
    }
    let link = issue(&emu, &mut db, &organization, &intent, return_url, success_url, "secret");
    Ok((StatusCode::CREATED, Json(json!({"link": link}))).into_response())
}
