//! Widget tokens: for the session's organization and user, with the catalog's scopes, refused without the permission.

use reqwest::StatusCode;

use super::common::*;

pub(crate) fn claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn the_token_is_for_the_sessions_organization_whatever_the_request_says() {
    let app = start().await;
    let client = browser();
    app.sign_in(&client, "ada@acme.test").await;
    let globex = app.org_id("Globex Inc");
    let res = app
        .server_fn(&client, "widget_token", &[("slug", "users"), ("organization_id", globex.as_str())], Some(&app.base))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let token: String = res.json().await.unwrap();
    let c = claims(&token);
    assert_eq!(c["org_id"], app.org_id("Acme Corp").as_str());
    assert_eq!(c["permissions"], serde_json::json!(["widgets:users-table:manage"]));
    let again: String = app.server_fn(&client, "widget_token", &[("slug", "users")], Some(&app.base)).await.json().await.unwrap();
    assert_ne!(again, token, "minted on every call, never cached");
}

#[tokio::test]
async fn a_member_gets_missing_permission_not_a_token() {
    let app = start().await;
    let client = browser();
    app.sign_in(&client, "max@acme.test").await;
    let res = app.server_fn(&client, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert!(res.status().is_server_error() || res.status().is_client_error());
    let body = res.text().await.unwrap();
    assert!(body.contains("MissingPermission") && body.contains("widgets:users-table:manage"), "{body}");
    let res = app.server_fn(&browser(), "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert!(res.text().await.unwrap().contains("NotSignedIn"));
}
