//! `POST /widgets/token` through the official SDK.

mod common;

use common::*;
use workos::resources::widgets::CreateTokenParams;
use workos::{WidgetSessionToken, WidgetSessionTokenScopes};

async fn token(env: &Env, org: Option<String>, user: Option<String>, scopes: Option<Vec<WidgetSessionTokenScopes>>) -> Result<String, workos::Error> {
    env.client
        .widgets()
        .create_token(CreateTokenParams::new(WidgetSessionToken { organization_id: org, user_id: user, scopes }))
        .await
        .map(|r| r.token.expose().to_string())
}

#[tokio::test]
async fn admin_gets_the_scopes_for_an_hour() {
    let env = start().await;
    let acme = env.org_id("Acme Corp");
    let ada = env.user_id("ada@acme.test");
    let t = token(
        &env,
        Some(acme.clone()),
        Some(ada.clone()),
        Some(vec![WidgetSessionTokenScopes::WidgetsUsersTableManage, WidgetSessionTokenScopes::from("widgets:user-api-keys:manage-self")]),
    )
    .await
    .unwrap();
    let (header, claims) = decode_jwt(&t);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], env.emu.emulator.keys().kid());
    assert_eq!(claims["sub"], ada.as_str());
    assert_eq!(claims["org_id"], acme.as_str());
    assert!(claims["sid"].as_str().unwrap().starts_with("session_"));
    assert_eq!(claims["permissions"], serde_json::json!(["widgets:users-table:manage", "widgets:user-api-keys:manage-self"]));
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 3600);
}

#[tokio::test]
async fn scopes_the_role_does_not_grant_are_dropped() {
    let env = start().await;
    let t = token(
        &env,
        Some(env.org_id("Acme Corp")),
        Some(env.user_id("max@acme.test")),
        Some(vec![WidgetSessionTokenScopes::WidgetsUsersTableManage]),
    )
    .await
    .unwrap();
    assert_eq!(decode_jwt(&t).1["permissions"], serde_json::json!([]));
}

#[tokio::test]
async fn user_only_token_has_no_org() {
    let env = start().await;
    let t = token(&env, None, Some(env.user_id("nora@example.test")), None).await.unwrap();
    let (_, claims) = decode_jwt(&t);
    assert!(claims.get("org_id").is_none());
    assert_eq!(claims["permissions"], serde_json::json!([]));
}

#[tokio::test]
async fn bad_requests_name_their_cause() {
    let env = start().await;
    let acme = env.org_id("Acme Corp");
    let scopes = Some(vec![WidgetSessionTokenScopes::WidgetsSSOManage]);

    let err = token(&env, Some(acme.clone()), Some("user_01NOPE".into()), scopes.clone()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(404), Some("entity_not_found")));

    let err = token(&env, Some("org_01NOPE".into()), Some(env.user_id("ada@acme.test")), scopes.clone()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(404), Some("entity_not_found")));
    assert!(err.api().unwrap().message.contains("org_01NOPE"));

    let err = token(&env, Some(acme.clone()), Some(env.user_id("nora@example.test")), scopes.clone()).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(err.api().unwrap().message.contains("not an active member"), "{err}");

    let err = token(&env, None, Some(env.user_id("ada@acme.test")), scopes.clone()).await.unwrap_err();
    assert_eq!(err.status(), Some(422));

    let err = token(&env, Some(acme.clone()), Some(env.user_id("ada@acme.test")), Some(vec![WidgetSessionTokenScopes::from("widgets:everything")]))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));

    let err = env
        .client_with_key("sk_test_wrong")
        .widgets()
        .create_token(CreateTokenParams::new(WidgetSessionToken { organization_id: Some(acme), user_id: Some(env.user_id("ada@acme.test")), scopes }))
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
}
