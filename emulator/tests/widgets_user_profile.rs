//! `/_widgets/UserProfile/*` over HTTP, as the official UserProfile, UserSecurity
//! and UserSessions widgets call it; effects checked through the official SDK.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use workos::resources::multi_factor_auth::ListUserAuthFactorsParams;
use workos::resources::user_management::{AuthenticateWithRefreshTokenParams, ListSessionsParams};

const ADA: &str = "ada@acme.test";

async fn profile(env: &Env, method: Method, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    env.widget(method, &format!("/_widgets/UserProfile{path}"), Some(token), body, &[]).await
}

/// The elevated-access dance: a code to the user's own inbox, and back.
async fn elevate(env: &Env, token: &str, email: &str) -> String {
    let (status, sent) = profile(env, Method::POST, "/send-verification", token, None).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["type"], "EmailVerification");
    let mail = env.last_email(email).await;
    assert_eq!(mail["purpose"], "elevated_access");
    let code = mail["code"].as_str().unwrap().to_string();
    assert!(mail["text"].as_str().unwrap().contains(&code));
    let (status, verified) = profile(
        env,
        Method::POST,
        "/verify",
        token,
        Some(json!({"code": code, "authenticationChallengeId": sent["authenticationChallenge"]})),
    )
    .await;
    assert_eq!(status, 200, "{verified}");
    assert!(verified["expiresAt"].as_str().unwrap().ends_with('Z'));
    verified["elevatedAccessToken"].as_str().unwrap().to_string()
}

async fn elevated(env: &Env, path: &str, token: &str, elevated: &str, body: Option<Value>) -> (u16, Value) {
    env.widget(Method::POST, &format!("/_widgets/UserProfile{path}"), Some(token), body, &[("x-elevated-access-token", elevated)])
        .await
}

#[tokio::test]
async fn me_changes_are_what_the_public_api_returns() {
    let env = start().await;
    let t = env.widget_token(ADA, None, &[]).await;
    let (status, me) = profile(&env, Method::GET, "/me", &t, None).await;
    assert_eq!(status, 200);
    assert_eq!((me["email"].as_str(), me["firstName"].as_str(), me["lastName"].as_str()), (Some(ADA), Some("Ada"), Some("Admin")));
    assert_eq!(me["oauthProfiles"], Value::Null);

    let (status, me) = profile(&env, Method::POST, "/me", &t, Some(json!({"firstName": "Augusta", "lastName": "King", "locale": "en-GB"}))).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["firstName"], "Augusta");
    let user = env.client.user_management().get_user(&env.user_id(ADA)).await.unwrap();
    assert_eq!((user.first_name.as_deref(), user.last_name.as_deref(), user.locale.as_deref()), (Some("Augusta"), Some("King"), Some("en-GB")));

    let (status, body) = profile(&env, Method::POST, "/me", &t, Some(json!({"locale": "not a locale"}))).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn codes_come_through_the_outbox_and_sensitive_changes_need_them() {
    let env = start().await;
    let t = env.widget_token(ADA, None, &[]).await;
    // No identity check yet: refused with 401 (a 403 would only make the widget swap tokens).
    let (status, body) = profile(&env, Method::POST, "/create-totp-factor", &t, None).await;
    assert_eq!(status, 401, "{body}");
    assert!(body["message"].as_str().unwrap().contains("Verify your identity"));

    let (_, sent) = profile(&env, Method::POST, "/send-verification", &t, None).await;
    let challenge = sent["authenticationChallenge"].clone();
    let (status, body) = profile(&env, Method::POST, "/verify", &t, Some(json!({"code": "000000x", "authenticationChallengeId": challenge}))).await;
    assert_eq!(status, 400, "{body}");
    // Ten minutes later the code is dead.
    let code = env.last_email(ADA).await["code"].clone();
    env.set_clock(601).await;
    let (status, _) = profile(&env, Method::POST, "/verify", &t, Some(json!({"code": code, "authenticationChallengeId": challenge}))).await;
    assert_eq!(status, 400);
    env.set_clock(0).await;

    let token = elevate(&env, &t, ADA).await;
    let (status, body) = elevated(&env, "/create-totp-factor", &t, &token, None).await;
    assert_eq!(status, 200, "{body}");
    // Another user's token cannot borrow it.
    let max = env.widget_token("max@acme.test", None, &[]).await;
    let (status, _) = elevated(&env, "/create-totp-factor", &max, &token, None).await;
    assert_eq!(status, 401);
    // The outbox also reads as a page.
    let page = env.http.get(format!("{}/_emulator/outbox", env.base())).header("Accept", "text/html").send().await.unwrap();
    assert!(page.text().await.unwrap().contains("Your Orgdeck verification code is"));
}

#[tokio::test]
async fn three_codes_a_minute_then_429_with_retry_after() {
    let env = start().await;
    let t = env.widget_token(ADA, None, &[]).await;
    for _ in 0..3 {
        assert_eq!(profile(&env, Method::POST, "/send-verification", &t, None).await.0, 200);
    }
    let res = env
        .http
        .post(format!("{}/_widgets/UserProfile/send-verification", env.base()))
        .header("Origin", ORIGIN)
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() <= 60);
    env.set_clock(61).await;
    assert_eq!(profile(&env, Method::POST, "/send-verification", &t, None).await.0, 200);
}

#[tokio::test]
async fn email_change_confirms_the_new_address() {
    let env = start().await;
    let t = env.widget_token(ADA, None, &[]).await;
    let token = elevate(&env, &t, ADA).await;
    let (status, body) = elevated(&env, "/send-email-change", &t, &token, Some(json!({"newEmail": "max@acme.test"}))).await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = elevated(&env, "/send-email-change", &t, &token, Some(json!({"newEmail": "nope"}))).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = elevated(&env, "/send-email-change", &t, &token, Some(json!({"newEmail": "Ada@Lovelace.test"}))).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["expiresAt"].is_string());
    let mail = env.last_email("ada@lovelace.test").await;
    assert_eq!(mail["purpose"], "email_change");

    let (status, _) = profile(&env, Method::POST, "/verify-email-change", &t, Some(json!({"code": "123"}))).await;
    assert_eq!(status, 400);
    let (status, body) = profile(&env, Method::POST, "/verify-email-change", &t, Some(json!({"code": mail["code"]}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["email"], "ada@lovelace.test");
    assert!(body["elevatedAccessToken"].is_string());
    let user = env.client.user_management().get_user(&env.user_id("ada@lovelace.test")).await.unwrap();
    assert!(user.email_verified);
    // The new address signs in on the hosted page.
    env.sign_in("ada@lovelace.test", "orgdeck-ada", None).await;
}

#[tokio::test]
async fn authentication_information_has_the_policy_and_methods() {
    let env = start().await;
    let auth = env.authenticated(ADA, "orgdeck-ada", None).await;
    let (_, claims) = decode_jwt(auth.access_token.expose());
    // An AuthKit access token is a valid widget token too; its `sid` is this session.
    let (status, info) = profile(&env, Method::GET, "/authentication-information", auth.access_token.expose(), None).await;
    assert_eq!(status, 200, "{info}");
    let methods = &info["data"]["verificationMethods"];
    assert_eq!(methods["Password"], json!({"provider": "Password", "isSetUp": true, "lastUsed": methods["Password"]["lastUsed"], "isCurrentSession": true}));
    assert!(methods["Password"]["lastUsed"].is_string());
    assert_eq!(methods["Mfa"]["isSetUp"], false);
    assert_eq!(methods["Passkey"]["passKeys"], json!([]));
    assert_eq!(
        info["data"]["passwordSettings"],
        json!({"isPasswordNumberRequired": true, "isPasswordPwnedRequired": true, "isPasswordSymbolRequired": true,
               "isPasswordUppercaseRequired": true, "passwordMinimumLength": 10, "passwordMinimumStrength": 0})
    );
    assert!(claims["sid"].is_string());
}

#[tokio::test]
async fn passwords_follow_the_policy_and_then_sign_in() {
    let env = start().await;
    let t = env.widget_token(ADA, None, &[]).await;
    let change = |current: &str, new: &str| json!({"currentPassword": current, "newPassword": new});
    let (status, body) = profile(&env, Method::POST, "/update-password", &t, Some(change("wrong", "Tr1cky-Horse-42"))).await;
    assert_eq!((status, body["message"].as_str()), (400, Some("Invalid credentials")));
    let (status, body) = profile(&env, Method::POST, "/update-password", &t, Some(change("orgdeck-ada", "adaadmin"))).await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "password_strength_error");
    let codes: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["password_too_short", "password_contains_email", "password_missing_character_type", "password_missing_character_type", "password_missing_character_type"]);
    assert_eq!(body["errors"][2]["character_type"], "uppercase");
    assert!(body["errors"][4]["symbols"].is_string());

    let (status, body) = profile(&env, Method::POST, "/update-password", &t, Some(change("orgdeck-ada", "Tr1cky-Horse-42"))).await;
    assert_eq!((status, &body), (201, &json!({"success": true})));
    let (status, body) = profile(&env, Method::POST, "/update-password", &t, Some(change("Tr1cky-Horse-42", "orgdeck-ada"))).await;
    assert_eq!(status, 400, "the old one is reused and breaks the policy: {body}");
    env.sign_in(ADA, "Tr1cky-Horse-42", None).await;
    let html = env.http.get(sign_in_url(&env)).send().await.unwrap().text().await.unwrap();
    let res = env.post_sign_in(&[("request", hidden(&html, "request")), ("email", ADA.into()), ("password", "orgdeck-ada".into())]).await;
    assert_eq!(res.status(), 401, "the old password no longer works");
}

#[tokio::test]
async fn a_user_without_a_password_sets_one_after_an_identity_check() {
    let env = start().await;
    let admin = env.widget_token(ADA, Some("Acme Corp"), &["widgets:users-table:manage"]).await;
    let (status, _) = env
        .widget(Method::POST, "/_widgets/UserManagement/invite-user", Some(&admin), Some(json!({"email": "newbie@acme.test", "roles": []})), &[])
        .await;
    assert_eq!(status, 200);
    let t = env.widget_token("newbie@acme.test", None, &[]).await;
    let (_, info) = profile(&env, Method::GET, "/authentication-information", &t, None).await;
    assert_eq!(info["data"]["verificationMethods"]["Password"]["isSetUp"], false);
    let (status, _) = profile(&env, Method::POST, "/create-password", &t, Some(json!({"password": "Tr1cky-Horse-42"}))).await;
    assert_eq!(status, 401);
    let token = elevate(&env, &t, "newbie@acme.test").await;
    let (status, body) = elevated(&env, "/create-password", &t, &token, Some(json!({"password": "short"}))).await;
    assert_eq!((status, body["errors"][0]["code"].as_str()), (400, Some("password_too_short")));
    let (status, _) = elevated(&env, "/create-password", &t, &token, Some(json!({"password": "Tr1cky-Horse-42"}))).await;
    assert_eq!(status, 201);
    let (_, info) = profile(&env, Method::GET, "/authentication-information", &t, None).await;
    assert_eq!(info["data"]["verificationMethods"]["Password"]["isSetUp"], true);
}

fn sign_in_url(env: &Env) -> String {
    env.client
        .user_management()
        .get_authorization_url(workos::resources::user_management::GetAuthorizationUrlParams::new(REDIRECT))
        .unwrap()
}

#[tokio::test]
async fn totp_enrolment_is_real_and_the_hosted_sign_in_then_asks_for_a_code() {
    let env = start().await;
    let t = env.widget_token(ADA, None, &[]).await;
    let token = elevate(&env, &t, ADA).await;
    let (status, created) = elevated(&env, "/create-totp-factor", &t, &token, None).await;
    assert_eq!(status, 200, "{created}");
    let factor = &created["authenticationFactor"];
    assert_eq!((factor["object"].as_str(), factor["type"].as_str()), (Some("authentication_factor"), Some("totp")));
    let secret = factor["totp"]["secret"].as_str().unwrap().to_string();
    assert!(factor["totp"]["uri"].as_str().unwrap().starts_with("otpauth://totp/"));
    assert!(factor["totp"]["qr_code"].as_str().unwrap().starts_with("data:image/png;base64,"));
    let challenge = created["authenticationChallenge"]["id"].clone();
    assert_eq!(created["authenticationChallenge"]["authentication_factor_id"], factor["id"]);

    let verify = |code: String| json!({"code": code, "authenticationChallengeId": challenge});
    let (status, body) = profile(&env, Method::POST, "/verify-totp-factor", &t, Some(verify("000000".into()))).await;
    assert_eq!((status, &body), (200, &json!({"success": false})));
    let now = env.emu.emulator.clock().unix() as u64;
    let code = workos_emulator::mfa::code_at(&secret, now).unwrap();
    let (_, body) = profile(&env, Method::POST, "/verify-totp-factor", &t, Some(verify(code))).await;
    assert_eq!(body, json!({"success": true}));

    let factors = env.client.multi_factor_auth().list_user_auth_factors(&env.user_id(ADA), ListUserAuthFactorsParams::default()).await.unwrap();
    assert_eq!(factors.data.len(), 1);
    assert_eq!(factors.data[0].totp.as_ref().map(|t| t.user.as_str()), Some(ADA));
    let (_, info) = profile(&env, Method::GET, "/authentication-information", &t, None).await;
    assert_eq!(info["data"]["verificationMethods"]["Mfa"]["isSetUp"], true);

    // The hosted page now asks for the code after the password.
    let html = env.http.get(sign_in_url(&env)).send().await.unwrap().text().await.unwrap();
    let request = hidden(&html, "request");
    let res = env.post_sign_in(&[("request", request.clone()), ("email", ADA.into()), ("password", "orgdeck-ada".into())]).await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("authenticator app"));
    let mfa = |code: String| {
        let url = format!("{}/user_management/authorize/mfa", env.base());
        let form = [("request", request.clone()), ("code", code)];
        let http = env.http.clone();
        async move { http.post(url).form(&form).send().await.unwrap() }
    };
    assert_eq!(mfa("123456".into()).await.status(), 401);
    env.set_clock(30).await; // the next step: a code not used before
    let code = workos_emulator::mfa::code_at(&secret, env.emu.emulator.clock().unix() as u64).unwrap();
    let res = mfa(code).await;
    assert_eq!(res.status(), 303);
    assert!(res.headers()["location"].to_str().unwrap().contains("code="));

    // Removing it needs an identity check, and then sign-in is one step again.
    let (status, _) = env.widget(Method::DELETE, "/_widgets/UserProfile/totp-factors", Some(&t), None, &[]).await;
    assert_eq!(status, 401);
    let (status, _) = env.widget(Method::DELETE, "/_widgets/UserProfile/totp-factors", Some(&t), None, &[("x-elevated-access-token", &token)]).await;
    assert_eq!(status, 200);
    env.sign_in(ADA, "orgdeck-ada", None).await;
}

#[tokio::test]
async fn sessions_are_listed_and_a_revoked_one_cannot_refresh() {
    let env = start().await;
    let first = env.authenticated(ADA, "orgdeck-ada", None).await;
    env.set_clock(1).await;
    let second = env.authenticated(ADA, "orgdeck-ada", None).await;
    let (_, first_claims) = decode_jwt(first.access_token.expose());
    let (_, second_claims) = decode_jwt(second.access_token.expose());
    let t = first.access_token.expose();
    let (status, list) = profile(&env, Method::GET, "/sessions", t, None).await;
    assert_eq!(status, 200, "{list}");
    let rows = list["data"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], second_claims["sid"], "newest first");
    assert_eq!(rows[0]["state"]["tag"], "Active");
    assert_eq!(rows[0]["usedPasswordAuth"], true);
    assert_eq!(rows[0]["userlandUserId"], env.user_id(ADA).as_str());
    assert!(rows[0]["ipAddress"].as_str().is_some_and(|ip| ip == "127.0.0.1"), "{}", rows[0]);

    let other = second_claims["sid"].as_str().unwrap();
    let (status, body) = env.widget(Method::DELETE, &format!("/_widgets/UserProfile/sessions/revoke/{other}"), Some(t), None, &[]).await;
    assert_eq!((status, &body), (200, &json!({"success": true})));
    let err = env
        .client
        .user_management()
        .authenticate_with_refresh_token(AuthenticateWithRefreshTokenParams::new(second.refresh_token.expose().to_string()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_grant"));
    let sessions = env.client.user_management().list_sessions(&env.user_id(ADA), ListSessionsParams::default()).await.unwrap();
    let statuses: Vec<(String, String)> = sessions.data.iter().map(|s| (s.id.clone(), s.status.as_str().to_string())).collect();
    assert!(statuses.contains(&(other.to_string(), "revoked".into())), "{statuses:?}");
    assert!(statuses.contains(&(first_claims["sid"].as_str().unwrap().to_string(), "active".into())));

    let (status, _) = env.widget(Method::DELETE, "/_widgets/UserProfile/sessions/revoke/session_nope", Some(t), None, &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn revoke_all_keeps_the_current_session() {
    let env = start().await;
    let keep = env.authenticated(ADA, "orgdeck-ada", None).await;
    env.authenticated(ADA, "orgdeck-ada", None).await;
    env.authenticated(ADA, "orgdeck-ada", None).await;
    let (_, claims) = decode_jwt(keep.access_token.expose());
    let t = keep.access_token.expose();
    let (status, _) = env.widget(Method::DELETE, "/_widgets/UserProfile/sessions/revoke-all", Some(t), Some(json!({})), &[]).await;
    assert_eq!(status, 400, "currentSessionId is required");
    let (status, _) = env
        .widget(Method::DELETE, "/_widgets/UserProfile/sessions/revoke-all", Some(t), Some(json!({"currentSessionId": claims["sid"]})), &[])
        .await;
    assert_eq!(status, 200);
    let (_, list) = profile(&env, Method::GET, "/sessions", t, None).await;
    let ids: Vec<&Value> = list["data"].as_array().unwrap().iter().map(|s| &s["id"]).collect();
    assert_eq!(ids, [&claims["sid"]]);
}

#[tokio::test]
async fn every_widget_answer_has_cors_even_a_404_or_403() {
    let env = start().await;
    let t = env.widget_token(ADA, None, &[]).await;
    let (status, body) = env.widget(Method::GET, "/_widgets/UserProfile/no-such-route", Some(&t), None, &[]).await;
    assert_eq!((status, body["message"].as_str()), (404, Some("Not Found")));
    let (status, _) = env.widget(Method::GET, "/_widgets/UserProfile/me", Some("bad.token.here"), None, &[]).await;
    assert_eq!(status, 403);
    let preflight = env
        .http
        .request(Method::OPTIONS, format!("{}/_widgets/UserProfile/sessions/revoke-all", env.base()))
        .header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "DELETE")
        .header("Access-Control-Request-Headers", "authorization,content-type,x-elevated-access-token,workos-widgets-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], ORIGIN);
}

#[tokio::test]
async fn passkey_registration_needs_a_domain_origin() {
    let env = start().await;
    let t = env.widget_token(ADA, None, &[]).await;
    let (status, body) = profile(&env, Method::POST, "/passkeys", &t, None).await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("http://localhost:3000"), "{body}");
    let localhost = [("Origin", "http://localhost:3000")];
    let (status, body) = env.widget(Method::POST, "/_widgets/UserProfile/passkeys", Some(&t), None, &localhost).await;
    assert_eq!(status, 200, "{body}");
    let options = &body["options"];
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["rp"]["name"], "Orgdeck");
    assert_eq!(options["user"]["name"], ADA);
    assert!(options["challenge"].as_str().is_some_and(|c| c.len() >= 43));
    assert_eq!(options["authenticatorSelection"]["userVerification"], "required");
    // A made-up attestation is refused, and the challenge is spent.
    let bogus = json!({"challengeId": body["challengeId"], "response": {"id": "AA", "rawId": "AA", "type": "public-key",
        "response": {"attestationObject": "AA", "clientDataJSON": "AA"}}});
    let (status, refused) = env.widget(Method::POST, "/_widgets/UserProfile/passkeys/verify", Some(&t), Some(bogus.clone()), &localhost).await;
    assert_eq!(status, 400, "{refused}");
    let (status, again) = env.widget(Method::POST, "/_widgets/UserProfile/passkeys/verify", Some(&t), Some(bogus), &localhost).await;
    assert_eq!(status, 400);
    assert!(again["message"].as_str().unwrap().contains("expired"));
    let (status, _) = env.widget(Method::DELETE, "/_widgets/UserProfile/passkeys/passkey_nope", Some(&t), None, &localhost).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_public_api_revokes_a_session_and_user_only_tokens_name_the_users_session() {
    use workos::resources::user_management::RevokeSessionParams;
    let env = start().await;
    let auth = env.authenticated(ADA, "orgdeck-ada", None).await;
    let (_, claims) = decode_jwt(auth.access_token.expose());
    let sid = claims["sid"].as_str().unwrap().to_string();
    let user_only = env.widget_token(ADA, None, &[]).await;
    assert_eq!(decode_jwt(&user_only).1["sid"], sid.as_str());
    let (_, info) = profile(&env, Method::GET, "/authentication-information", &user_only, None).await;
    assert_eq!(info["data"]["verificationMethods"]["Password"]["isCurrentSession"], true);

    env.client.user_management().revoke_session(RevokeSessionParams::new(workos::RevokeSession { session_id: sid.clone() })).await.unwrap();
    let err = env
        .client
        .user_management()
        .authenticate_with_refresh_token(AuthenticateWithRefreshTokenParams::new(auth.refresh_token.expose().to_string()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_grant"));
    let missing = env.client.user_management().revoke_session(RevokeSessionParams::new(workos::RevokeSession { session_id: "session_nope".into() })).await;
    assert_eq!(missing.unwrap_err().status(), Some(400), "the spec declares 200 and 400 only");
}
