//! The WorkOS client, and what WorkOS's errors mean for a user.

use workos::resources::organizations::ListOrganizationsParams;
use workos::Client;

use super::settings::Settings;
use crate::error::AppError;

pub fn client(settings: &Settings) -> Client {
    Client::builder()
        .api_key(settings.api_key.clone())
        .client_id(settings.client_id.clone())
        .base_url(settings.api.base_url())
        .timeout(settings.timeout)
        .build()
}

/// Part `index` of a JWT (0 the header, 1 the claims), decoded but not
/// verified: for reading an expiry or showing a token, never for trusting it.
pub fn token_part(token: &str, index: usize) -> Option<serde_json::Value> {
    use base64::Engine;
    let raw = token.split('.').nth(index)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// "First Last", or whichever part is known, or the email.
pub fn display_name(user: &workos::User) -> String {
    match (&user.first_name, &user.last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(n), None) | (None, Some(n)) => n.clone(),
        (None, None) => user.email.clone(),
    }
}

/// The user-facing error for a failed WorkOS call (see ARCHITECTURE.md's table).
pub fn app_error(err: &workos::Error) -> AppError {
    let Some(api) = err.api() else {
        return match err {
            workos::Error::Network(e) => AppError::Unavailable {
                message: e.to_string(),
                timed_out: matches!(e.kind, workos::transport::TransportErrorKind::Timeout),
            },
            other => AppError::Internal { message: format!("WorkOS answered something Orgdeck could not use: {other}") },
        };
    };
    let body: serde_json::Value = serde_json::from_slice(&api.raw_body).unwrap_or_default();
    match api.status {
        401 => AppError::WorkosUnauthorized,
        429 => AppError::RateLimited { retry_after: api.retry_after.map(|d| d.as_secs().max(1)) },
        404 if body["entity_id"].as_str().is_some_and(|id| id.starts_with("org_")) => AppError::OrganizationNotFound {
            id: body["entity_id"].as_str().unwrap_or_default().to_string(),
            visible: Vec::new(),
        },
        409 => AppError::Conflict { message: api.message.clone() },
        400 | 422 => AppError::Invalid {
            field: body["errors"][0]["field"].as_str().map(str::to_string),
            message: api.message.clone(),
        },
        status => AppError::Workos { status, message: api.message.clone(), request_id: api.request_id.clone() },
    }
}

/// [`app_error`], logged, and for a missing organization with the organizations
/// this key does see (one extra call, only on that error).
pub async fn explain(client: &Client, err: workos::Error) -> AppError {
    let mut e = app_error(&err);
    tracing::warn!(status = err.status(), request_id = err.request_id(), "WorkOS call failed: {}", e);
    if let AppError::OrganizationNotFound { visible, .. } = &mut e {
        if let Ok(list) = client
            .organizations()
            .list_organizations(ListOrganizationsParams { limit: Some(10), ..Default::default() })
            .await
        {
            *visible = list.data.iter().map(|o| format!("{} ({})", o.name, o.id)).collect();
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The lab shows whatever token it is given: any text is read or refused, never a panic.
        #[test]
        fn fuzz_token_parts_of_any_text(text in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "[A-Za-z0-9_=+/-]{0,40}(\\.[A-Za-z0-9_=+/-]{0,40}){0,3}",
        ], index in 0usize..4) {
            let _ = token_part(&text, index);
        }

        /// What was encoded is what is read back, padded or not.
        #[test]
        fn fuzz_token_parts_round_trip(claims in proptest::collection::btree_map("[a-z_]{1,8}", proptest::arbitrary::any::<String>(), 0..6), pad in proptest::arbitrary::any::<bool>()) {
            use base64::Engine;
            let json = serde_json::to_value(&claims).unwrap();
            let mut part = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string());
            if pad {
                while part.len() % 4 != 0 {
                    part.push('=');
                }
            }
            let token = format!("eyJhbGciOiJSUzI1NiJ9.{part}.c2ln");
            proptest::prop_assert_eq!(token_part(&token, 1), Some(json));
        }
    }

    /// Real WorkOS errors, produced by the emulator and parsed by the SDK.
    async fn emulator() -> (workos_emulator::RunningEmulator, Client) {
        let emu = workos_emulator::spawn(workos_emulator::Seed::default_seed(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let client = Client::builder()
            .api_key("sk_test_emulator")
            .client_id("client_emulator")
            .base_url(emu.base_url())
            .max_retries(0)
            .build();
        (emu, client)
    }

    #[tokio::test]
    async fn a_wrong_key_says_so() {
        let (emu, _) = emulator().await;
        let wrong = Client::builder().api_key("sk_test_wrong").base_url(emu.base_url()).build();
        let err = wrong.organizations().get_organization("org_x").await.unwrap_err();
        assert_eq!(app_error(&err), AppError::WorkosUnauthorized);
    }

    #[tokio::test]
    async fn a_missing_organization_lists_the_ones_the_key_sees() {
        let (_emu, client) = emulator().await;
        let err = client.organizations().get_organization("org_01MISSING").await.unwrap_err();
        match explain(&client, err).await {
            AppError::OrganizationNotFound { id, visible } => {
                assert_eq!(id, "org_01MISSING");
                assert!(visible.iter().any(|v| v.starts_with("Acme Corp (org_")), "{visible:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_validation_error_names_the_field() {
        let (emu, client) = emulator().await;
        let acme = emu.emulator.db().organizations.iter().find(|o| o.name == "Acme Corp").unwrap().id.clone();
        let nora = emu.emulator.db().user_by_email("nora@example.test").unwrap().id.clone();
        let err = client
            .widgets()
            .create_token(workos::resources::widgets::CreateTokenParams::new(workos::WidgetSessionToken {
                organization_id: Some(acme),
                user_id: Some(nora),
                scopes: Some(vec![workos::WidgetSessionTokenScopes::WidgetsUsersTableManage]),
            }))
            .await
            .unwrap_err();
        match app_error(&err) {
            AppError::Invalid { field, message } => {
                assert_eq!(field.as_deref(), Some("user_id"));
                assert!(message.contains("not an active member"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_unreachable_workos_is_unavailable() {
        let client = Client::builder().api_key("sk_test_x").base_url("http://127.0.0.1:9").max_retries(0).build();
        let err = client.organizations().get_organization("org_x").await.unwrap_err();
        let e = app_error(&err);
        assert!(matches!(e, AppError::Unavailable { timed_out: false, .. }), "{err}");
        assert_eq!(e.status(), 502, "WorkOS not reached: a bad gateway");
    }
}
