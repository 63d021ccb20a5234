//! What WorkOS's errors mean for a user: the one conversion, so every WorkOS
//! call in `server/` ends in `?` (see `docs/ARCHITECTURE.md`, "Errors").

use workos::resources::organizations::ListOrganizationsParams;
use workos::Client;

use crate::error::AppError;

/// The user-facing error for a failed WorkOS call, logged once here.
impl From<workos::Error> for AppError {
    fn from(err: workos::Error) -> AppError {
        let e = convert(&err);
        tracing::warn!(status = err.status(), request_id = err.request_id(), "WorkOS call failed: {}", e);
        e
    }
}

fn convert(err: &workos::Error) -> AppError {
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
        // Refused by Orgdeck's own budget before it reached WorkOS (`budget.rs`).
        429 if body["code"] == super::budget::SPENT => AppError::BudgetSpent { retry_after: body["retry_after"].as_u64().unwrap_or(1).max(1) },
        429 => AppError::RateLimited { retry_after: api.retry_after.map(|d| d.as_secs().max(1)) },
        404 if body["entity_id"].as_str().is_some_and(|id| id.starts_with("org_")) => AppError::OrganizationNotFound {
            id: body["entity_id"].as_str().unwrap_or_default().to_string(),
            visible: None,
        },
        409 => AppError::Conflict { message: api.message.clone() },
        400 | 422 => AppError::Invalid {
            field: body["errors"][0]["field"].as_str().map(str::to_string),
            message: api.message.clone(),
        },
        status => AppError::Workos { status, message: api.message.clone(), request_id: api.request_id.clone() },
    }
}

/// For the admin tools only (the lab): a missing organization is told with
/// the organizations this API key does see (one more call, only on that
/// error), so a staging key used against production shows itself. End users
/// never see other customers' names.
pub async fn with_visible_organizations<T>(client: &Client, result: Result<T, AppError>) -> Result<T, AppError> {
    let Err(AppError::OrganizationNotFound { id, .. }) = result else {
        return result;
    };
    let params = ListOrganizationsParams { limit: Some(10), ..Default::default() };
    let visible = match client.organizations().list_organizations(params).await {
        Ok(list) => list.data.iter().map(|o| format!("{} ({})", o.name, o.id)).collect(),
        Err(_) => Vec::new(),
    };
    Err(AppError::OrganizationNotFound { id, visible: Some(visible) })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(AppError::from(err), AppError::WorkosUnauthorized);
    }

    #[tokio::test]
    async fn a_missing_organization_lists_the_ones_the_key_sees() {
        let (_emu, client) = emulator().await;
        let err = client.organizations().get_organization("org_01MISSING").await.unwrap_err();
        match with_visible_organizations::<()>(&client, Err(err.into())).await {
            Err(AppError::OrganizationNotFound { id, visible: Some(visible) }) => {
                assert_eq!(id, "org_01MISSING");
                assert!(visible.iter().any(|v| v.starts_with("Acme Corp (org_")));
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_end_user_is_told_of_a_missing_organization_without_the_others() {
        let (_emu, client) = emulator().await;
        let err = client.organizations().get_organization("org_01MISSING").await.unwrap_err();
        let e = AppError::from(err);
        assert_eq!(e, AppError::OrganizationNotFound { id: "org_01MISSING".into(), visible: None });
        assert!(!e.detail().contains("Acme") && !e.detail().contains("Globex"), "{}", e.detail());
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
        match AppError::from(err) {
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
        let e = AppError::from(err);
        assert!(matches!(e, AppError::Unavailable { timed_out: false, .. }), "{e:?}");
        assert_eq!(e.status(), 502, "WorkOS not reached: a bad gateway");
    }
}
