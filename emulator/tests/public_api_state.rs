//! The public API's users, memberships and invitations are the records the
//! widgets and the hosted sign-in use: what one surface does, the others see.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

async fn api(env: &Env, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = env.http.request(method, format!("{}{path}", env.base())).bearer_auth(API_KEY);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn members(env: &Env) -> Vec<(String, String)> {
    let t = env.widget_token("ada@acme.test", Some("Acme Corp"), &["widgets:users-table:manage"]).await;
    let (status, body) = env.widget(Method::GET, "/_widgets/UserManagement/members", Some(&t), None, &[]).await;
    assert_eq!(status, 200, "{body}");
    body["data"].as_array().unwrap().iter().map(|m| (m["email"].as_str().unwrap().to_string(), m["status"].as_str().unwrap().to_string())).collect()
}

#[tokio::test]
async fn a_user_and_membership_made_through_the_api_are_in_the_members_widget_and_sign_in() {
    let env = start().await;
    let acme = env.org_id("Acme Corp");
    let (status, user) = api(
        &env,
        Method::POST,
        "/user_management/users",
        Some(json!({"email": "quinn@acme.test", "first_name": "Quinn", "password": "Correct-Horse-2026!", "email_verified": true})),
    )
    .await;
    assert_eq!(status, 201, "{user}");
    let (status, m) = api(&env, Method::POST, "/user_management/organization_memberships", Some(json!({"user_id": user["id"], "organization_id": acme}))).await;
    assert_eq!(status, 201, "{m}");
    assert!(members(&env).await.contains(&("quinn@acme.test".to_string(), "Active".to_string())));

    // The password given at creation signs in on the hosted page.
    let auth = env.authenticated("quinn@acme.test", "Correct-Horse-2026!", None).await;
    assert_eq!(auth.organization_id.as_deref(), Some(acme.as_str()));
}

#[tokio::test]
async fn a_membership_deactivated_through_the_api_is_refused_at_sign_in_and_its_sessions_end() {
    let env = start().await;
    let acme = env.org_id("Acme Corp");
    let auth = env.authenticated("max@acme.test", "orgdeck-max", None).await;
    let (_, list) = api(&env, Method::GET, &format!("/user_management/organization_memberships?user_id={}", env.user_id("max@acme.test")), None).await;
    let id = list["data"][0]["id"].as_str().unwrap().to_string();
    let (status, m) = api(&env, Method::PUT, &format!("/user_management/organization_memberships/{id}/deactivate"), None).await;
    assert_eq!((status, m["status"].as_str()), (200, Some("inactive")));

    // The session in that organization ended: its refresh token no longer works.
    let refresh = env
        .client
        .user_management()
        .authenticate_with_refresh_token(workos::resources::user_management::AuthenticateWithRefreshTokenParams::new(
            auth.refresh_token.expose().to_string(),
        ))
        .await;
    assert_eq!(refresh.unwrap_err().code(), Some("invalid_grant"));

    // Asking for that organization at sign-in is refused, by the API and the hosted page.
    let body = json!({
        "client_id": CLIENT_ID, "client_secret": API_KEY, "grant_type": "password",
        "email": "max@acme.test", "password": "orgdeck-max", "organization_id": acme,
    });
    let (status, refused) = api(&env, Method::POST, "/user_management/authenticate", Some(body)).await;
    assert_eq!((status, refused["code"].as_str()), (400, Some("invalid_organization_id")), "{refused}");
    let (status, _) = api(&env, Method::PUT, &format!("/user_management/organization_memberships/{id}/reactivate"), None).await;
    assert_eq!(status, 200);
    let auth = env.authenticated("max@acme.test", "orgdeck-max", None).await;
    assert_eq!(auth.organization_id.as_deref(), Some(acme.as_str()), "active again");
}

#[tokio::test]
async fn an_invitation_sent_by_the_widget_is_listed_resent_revoked_and_accepted_through_the_api() {
    let env = start().await;
    let acme = env.org_id("Acme Corp");
    let t = env.widget_token("ada@acme.test", Some("Acme Corp"), &["widgets:users-table:manage"]).await;
    for email in ["rey@acme.test", "sol@acme.test"] {
        let (status, _) = env.widget(Method::POST, "/_widgets/UserManagement/invite-user", Some(&t), Some(json!({"email": email})), &[]).await;
        assert_eq!(status, 200);
    }
    let (status, list) = api(&env, Method::GET, &format!("/user_management/invitations?organization_id={acme}"), None).await;
    assert_eq!(status, 200);
    let id_of = |email: &str| list["data"].as_array().unwrap().iter().find(|i| i["email"] == email).unwrap()["id"].as_str().unwrap().to_string();
    let (rey, sol) = (id_of("rey@acme.test"), id_of("sol@acme.test"));
    assert_eq!(list["data"][0]["role_slug"], "member", "the default role");

    let (_, before) = api(&env, Method::GET, &format!("/user_management/invitations/{rey}"), None).await;
    let (status, resent) = api(&env, Method::POST, &format!("/user_management/invitations/{rey}/resend"), None).await;
    assert_eq!(status, 200);
    assert_ne!(resent["token"], before["token"], "a resend makes a new token");

    let (status, revoked) = api(&env, Method::POST, &format!("/user_management/invitations/{sol}/revoke"), None).await;
    assert_eq!((status, revoked["state"].as_str()), (200, Some("revoked")));
    assert!(!members(&env).await.iter().any(|(e, _)| e == "sol@acme.test"), "a revoked invitation leaves no pending member");

    assert!(members(&env).await.contains(&("rey@acme.test".to_string(), "Invited".to_string())));
    let (status, accepted) = api(&env, Method::POST, &format!("/user_management/invitations/{rey}/accept"), None).await;
    assert_eq!((status, accepted["state"].as_str()), (200, Some("accepted")));
    assert!(accepted["accepted_user_id"].is_string());
    assert!(members(&env).await.contains(&("rey@acme.test".to_string(), "Active".to_string())));
    let (status, again) = api(&env, Method::POST, &format!("/user_management/invitations/{rey}/accept"), None).await;
    assert_eq!((status, again["code"].as_str()), (400, Some("invite_not_pending")));
}

#[tokio::test]
async fn an_authenticator_app_enrolled_through_the_api_is_asked_for_at_sign_in() {
    let env = start().await;
    let nora = env.user_id("nora@example.test");
    let (status, enrolled) = api(&env, Method::POST, &format!("/user_management/users/{nora}/auth_factors"), Some(json!({"type": "totp"}))).await;
    assert_eq!(status, 201, "{enrolled}");
    let secret = enrolled["authentication_factor"]["totp"]["secret"].as_str().unwrap().to_string();
    let challenge = enrolled["authentication_challenge"]["id"].as_str().unwrap().to_string();
    let body = |extra: Value| {
        let mut b = json!({"client_id": CLIENT_ID, "client_secret": API_KEY});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    // Not yet verified: sign-in does not ask for it.
    let (status, _) = api(&env, Method::POST, "/user_management/authenticate", Some(body(json!({"grant_type": "password", "email": "nora@example.test", "password": "orgdeck-nora"})))).await;
    assert_eq!(status, 200);
    // Its first right code (`POST /auth/challenges/{id}/verify`) verifies it.
    let now = env.emu.emulator.clock().unix() as u64;
    let (status, wrong) = api(&env, Method::POST, &format!("/auth/challenges/{challenge}/verify"), Some(json!({"code": "000000"}))).await;
    assert_eq!((status, wrong["valid"].as_bool()), (201, Some(false)), "{wrong}");
    let code = workos_emulator::mfa::code_at(&secret, now).unwrap();
    let (status, right) = api(&env, Method::POST, &format!("/auth/challenges/{challenge}/verify"), Some(json!({"code": code}))).await;
    assert_eq!((status, right["valid"].as_bool()), (201, Some(true)), "{right}");

    let (status, stop) = api(&env, Method::POST, "/user_management/authenticate", Some(body(json!({"grant_type": "password", "email": "nora@example.test", "password": "orgdeck-nora"})))).await;
    assert_eq!((status, stop["code"].as_str()), (403, Some("mfa_challenge")), "{stop}");
    let pending = stop["pending_authentication_token"].as_str().unwrap();
    let challenge = stop["authentication_challenge"]["id"].as_str().unwrap();
    let (status, wrong) = api(
        &env,
        Method::POST,
        "/user_management/authenticate",
        Some(body(json!({"grant_type": "urn:workos:oauth:grant-type:mfa-totp", "pending_authentication_token": pending, "authentication_challenge_id": challenge, "code": "000000"}))),
    )
    .await;
    assert_eq!((status, wrong["code"].as_str()), (400, Some("invalid_one_time_code")));
    // The next time step's code (the one just used is good once).
    let code = workos_emulator::mfa::code_at(&secret, now + 30).unwrap();
    env.set_clock(30).await;
    let (status, signed_in) = api(
        &env,
        Method::POST,
        "/user_management/authenticate",
        Some(body(json!({"grant_type": "urn:workos:oauth:grant-type:mfa-totp", "pending_authentication_token": pending, "authentication_challenge_id": challenge, "code": code}))),
    )
    .await;
    assert_eq!(status, 200, "{signed_in}");
    assert_eq!(signed_in["user"]["email"], "nora@example.test");
}
