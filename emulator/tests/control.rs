//! The control API (`/_emulator/*`) answers this machine's tools, never another
//! site's page in the developer's browser; it never shows a webhook secret;
//! and the hosted sign-out returns only where sign-in may.

mod common;

use common::*;
use serde_json::{json, Value};

const EVIL: &str = "https://evil.example";

#[tokio::test]
async fn a_cross_site_form_post_cannot_add_a_webhook_endpoint_or_a_fault() {
    let env = start().await;
    let endpoints = format!("{}/_emulator/webhook_endpoints", env.base());
    let faults = format!("{}/_emulator/faults", env.base());
    // What a page on another site can send without a preflight: a form, as the browser sends it.
    for url in [&endpoints, &faults] {
        let res = env
            .http
            .post(url)
            .header("origin", EVIL)
            .header("sec-fetch-site", "cross-site")
            .form(&[("url", "https://evil.example/hook"), ("path", "/organizations"), ("status", "500")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{url}");
        // Each check holds alone: an old browser without Sec-Fetch-*, a page with no Origin.
        let res = env.http.post(url).header("origin", EVIL).json(&json!({"url": "https://evil.example/hook", "path": "/x"})).send().await.unwrap();
        assert_eq!(res.status(), 403, "{url}: a foreign Origin");
        let res = env.http.post(url).header("sec-fetch-site", "cross-site").json(&json!({"url": "https://evil.example/hook", "path": "/x"})).send().await.unwrap();
        assert_eq!(res.status(), 403, "{url}: Sec-Fetch-Site");
        let res = env.http.post(url).header("content-type", "text/plain").body(r#"{"url": "https://evil.example/hook", "path": "/x"}"#).send().await.unwrap();
        assert_eq!(res.status(), 415, "{url}: what a no-cors fetch sends");
        let body: Value = res.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("JSON"), "{body}");
    }
    assert!(env.emu.emulator.webhooks().endpoints().iter().all(|e| !e.url.contains("evil")), "no endpoint added");
    assert!(env.emu.emulator.faults().all().is_empty(), "no fault added");
    // This machine's tools (no Origin, or a loopback one) still drive it.
    let res = env.http.post(&faults).header("origin", "http://localhost:3000").json(&json!({"path": "/organizations", "status": 500, "count": 1})).send().await.unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(env.http.post(format!("{}/_emulator/reset", env.base())).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_webhook_secret_is_never_shown_only_its_last_four_characters() {
    let env = start().await;
    let url = format!("{}/_emulator/webhook_endpoints", env.base());
    let secret = "whsec_a_given_secret_9f3k";
    let res = env.http.post(&url).json(&json!({"url": "http://127.0.0.1:9/hook", "secret": secret})).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let given: Value = res.json().await.unwrap();
    assert_eq!((given.get("secret"), given["secret_last4"].as_str()), (None, Some("9f3k")), "a given secret is not echoed");
    let made: Value = env.http.post(&url).json(&json!({"url": "http://127.0.0.1:9/other"})).send().await.unwrap().json().await.unwrap();
    let made_secret = made["secret"].as_str().expect("a secret the emulator made is told once").to_string();
    let list = env.http.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(!list.contains(secret) && !list.contains(&made_secret), "{list}");
    assert!(list.contains("9f3k"), "{list}");
}

#[tokio::test]
async fn with_a_control_token_every_control_request_needs_it() {
    let env = start().await;
    env.emu.emulator.set_control_token(Some("ctl_token_for_tests".into()));
    let faults = format!("{}/_emulator/faults", env.base());
    assert_eq!(env.http.get(&faults).send().await.unwrap().status(), 403);
    let res = env.http.get(&faults).header("x-emulator-control-token", "wrong").send().await.unwrap();
    assert_eq!(res.status(), 403);
    let res = env.http.get(&faults).header("x-emulator-control-token", "ctl_token_for_tests").send().await.unwrap();
    assert_eq!(res.status(), 200);
    // The WorkOS API itself is not the control API.
    assert_eq!(env.http.get(format!("{}/health", env.base())).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_hosted_sign_out_returns_only_where_sign_in_may() {
    let env = start().await;
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let logout = format!("{}/user_management/sessions/logout", env.base());
    let res = no_redirects.get(&logout).query(&[("session_id", "session_gone"), ("return_to", "https://evil.example/phish")]).send().await.unwrap();
    assert_eq!(res.status(), 200, "a foreign return_to: the signed-out page, no redirect");
    assert!(res.headers().get("location").is_none());
    let res = no_redirects.get(&logout).query(&[("session_id", "session_gone"), ("return_to", "http://127.0.0.1:3000/")]).send().await.unwrap();
    assert_eq!(res.status(), 302, "the spec's redirect");
    assert_eq!(res.headers()["location"], "http://127.0.0.1:3000/");
}
