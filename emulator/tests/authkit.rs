//! AuthKit through the official SDK: hosted sign-in, code and refresh-token
//! exchange, JWKS, sealed sessions and logout.

mod common;

use common::*;
use workos::helpers::session::{seal_session, SessionData, SessionRefreshOptions};
use workos::resources::user_management::{
    AuthenticateWithCodeParams, AuthenticateWithRefreshTokenParams, GetAuthorizationUrlParams, GetLogoutUrlParams,
};

const PASSWORD: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn code_exchange_gives_the_user_their_org_and_a_five_minute_token() {
    let env = start().await;
    let code = env.sign_in("ada@acme.test", "orgdeck-ada", None).await;
    let auth = env
        .client
        .user_management()
        .authenticate_with_code(AuthenticateWithCodeParams::new(code.clone()))
        .await
        .unwrap();
    assert_eq!(auth.user.email, "ada@acme.test");
    assert!(auth.user.last_sign_in_at.is_some());
    let acme = env.org_id("Acme Corp");
    assert_eq!(auth.organization_id.as_deref(), Some(acme.as_str()));

    let (header, claims) = decode_jwt(auth.access_token.expose());
    assert_eq!(header["alg"], "RS256");
    let jwks = env.client.user_management().get_jwks(CLIENT_ID).await.unwrap();
    assert_eq!(jwks.keys.len(), 1);
    assert_eq!(header["kid"], jwks.keys[0].kid.as_str());
    assert_eq!(jwks.keys[0].x_5_c.len(), 1);
    assert_eq!(claims["sub"], auth.user.id.as_str());
    assert_eq!(claims["org_id"], acme.as_str());
    assert_eq!(claims["role"], "admin");
    assert_eq!(claims["roles"], serde_json::json!(["admin"]));
    assert!(claims["sid"].as_str().unwrap().starts_with("session_"));
    assert!(claims["permissions"].as_array().unwrap().iter().any(|p| p == "widgets:users-table:manage"));
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 300);
    assert!(claims.get("impersonator").is_none());

    let reused = env
        .client
        .user_management()
        .authenticate_with_code(AuthenticateWithCodeParams::new(code))
        .await
        .unwrap_err();
    assert_eq!((reused.status(), reused.code()), (Some(400), Some("invalid_grant")));
}

#[tokio::test]
async fn wrong_password_stays_on_the_page_and_the_orgless_user_gets_no_org() {
    let env = start().await;
    let url = env
        .client
        .user_management()
        .get_authorization_url(GetAuthorizationUrlParams::new(REDIRECT))
        .unwrap();
    let html = env.http.get(&url).send().await.unwrap().text().await.unwrap();
    let request = hidden(&html, "request");
    let res = env
        .post_sign_in(&[("request", request), ("email", "ada@acme.test".into()), ("password", "nope".into())])
        .await;
    assert_eq!(res.status(), 401);
    assert!(res.text().await.unwrap().contains("Incorrect email or password"));

    let auth = env.authenticated("nora@example.test", "orgdeck-nora", None).await;
    assert_eq!(auth.organization_id, None);
    let (_, claims) = decode_jwt(auth.access_token.expose());
    assert!(claims.get("org_id").is_none() && claims.get("permissions").is_none());
}

#[tokio::test]
async fn authorize_rejects_foreign_clients_and_redirects() {
    let env = start().await;
    let bad_client = env.client_with_key(API_KEY);
    let other = workos::Client::builder().api_key(API_KEY).client_id("client_other").base_url(env.base()).build();
    let url = other.user_management().get_authorization_url(GetAuthorizationUrlParams::new(REDIRECT)).unwrap();
    assert_eq!(env.http.get(&url).send().await.unwrap().status(), 400);
    let url = bad_client
        .user_management()
        .get_authorization_url(GetAuthorizationUrlParams::new("https://evil.example/cb"))
        .unwrap();
    let res = env.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 400, "no redirect to an unlisted URI");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_switch_organization() {
    let env = start().await;
    let globex = env.org_id("Globex Inc");
    let acme = env.org_id("Acme Corp");
    let first = env.authenticated("bea@globex.test", "orgdeck-bea", Some(&globex)).await;
    let um = env.client.user_management();
    assert_eq!(first.organization_id.as_deref(), Some(globex.as_str()));
    let (_, c1) = decode_jwt(first.access_token.expose());
    assert_eq!(c1["role"], "admin");

    let switched = um
        .authenticate_with_refresh_token(AuthenticateWithRefreshTokenParams {
            organization_id: Some(acme.clone()),
            ..AuthenticateWithRefreshTokenParams::new(first.refresh_token.expose().to_string())
        })
        .await
        .unwrap();
    assert_eq!(switched.organization_id.as_deref(), Some(acme.as_str()));
    let (_, c2) = decode_jwt(switched.access_token.expose());
    assert_eq!((c2["org_id"].as_str(), c2["role"].as_str()), (Some(acme.as_str()), Some("member")));
    assert_eq!(c2["sid"], c1["sid"], "same session");
    assert_ne!(switched.refresh_token.expose(), first.refresh_token.expose());

    let reused = um
        .authenticate_with_refresh_token(AuthenticateWithRefreshTokenParams::new(first.refresh_token.expose().to_string()))
        .await
        .unwrap_err();
    assert_eq!((reused.status(), reused.code()), (Some(400), Some("invalid_grant")));

    // Max is in Acme only: switching him to Globex is refused and his token survives.
    let max = env.authenticated("max@acme.test", "orgdeck-max", None).await;
    let refused = um
        .authenticate_with_refresh_token(AuthenticateWithRefreshTokenParams {
            organization_id: Some(globex),
            ..AuthenticateWithRefreshTokenParams::new(max.refresh_token.expose().to_string())
        })
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400));
    um.authenticate_with_refresh_token(AuthenticateWithRefreshTokenParams::new(max.refresh_token.expose().to_string()))
        .await
        .expect("a refused switch does not spend the token");
}

#[tokio::test]
async fn sealed_session_authenticates_against_the_jwks_and_refreshes_when_expired() {
    let env = start().await;
    let auth = env.authenticated("ada@acme.test", "orgdeck-ada", None).await;
    let data = SessionData {
        access_token: auth.access_token.clone(),
        refresh_token: auth.refresh_token.clone(),
        user: Some(auth.user.clone()),
        impersonator: None,
    };
    let sealed = seal_session(&data, PASSWORD).unwrap();
    let state = env.client.session(sealed.clone(), PASSWORD).authenticate().await;
    assert!(state.authenticated, "{}", state.reason);
    assert_eq!(state.organization_id, env.org_id("Acme Corp"));
    assert_eq!(state.role, "admin");
    assert!(state.permissions.iter().any(|p| p == "widgets:users-table:manage"));

    // An access token issued 10 minutes ago (by the emulator's clock) has expired.
    env.set_clock(-600).await;
    let old = env
        .client
        .user_management()
        .authenticate_with_refresh_token(AuthenticateWithRefreshTokenParams::new(auth.refresh_token.expose().to_string()))
        .await
        .unwrap();
    env.set_clock(0).await;
    let stale = seal_session(
        &SessionData { access_token: old.access_token, refresh_token: old.refresh_token, user: Some(old.user), impersonator: None },
        PASSWORD,
    )
    .unwrap();
    let manager = env.client.session(stale, PASSWORD);
    let state = manager.authenticate().await;
    assert!(!state.authenticated);
    assert!(state.needs_refresh);
    assert_eq!(state.reason, "session_expired");
    let refreshed = manager.refresh(SessionRefreshOptions::default()).await.unwrap();
    assert!(refreshed.authenticated, "{}", refreshed.reason);
    let state = env.client.session(refreshed.sealed_session, PASSWORD).authenticate().await;
    assert!(state.authenticated);

    let tampered = env.client.session(format!("{sealed}x"), PASSWORD).authenticate().await;
    assert!(!tampered.authenticated);
}

#[tokio::test]
async fn logout_ends_the_session_and_its_refresh_tokens() {
    let env = start().await;
    let auth = env.authenticated("ada@acme.test", "orgdeck-ada", None).await;
    let um = env.client.user_management();
    let (_, claims) = decode_jwt(auth.access_token.expose());
    let url = um
        .get_logout_url(GetLogoutUrlParams {
            return_to: Some("http://127.0.0.1:3000/".into()),
            ..GetLogoutUrlParams::new(claims["sid"].as_str().unwrap())
        })
        .unwrap();
    let res = env.http.get(&url).send().await.unwrap();
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "http://127.0.0.1:3000/");
    let err = um
        .authenticate_with_refresh_token(AuthenticateWithRefreshTokenParams::new(auth.refresh_token.expose().to_string()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_grant"));
}

#[tokio::test]
async fn jwks_for_another_client_is_404() {
    let env = start().await;
    let err = env.client.user_management().get_jwks("client_other").await.unwrap_err();
    assert_eq!(err.status(), Some(404));
}
