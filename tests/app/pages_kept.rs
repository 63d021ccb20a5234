//! The dashboard page kept per viewer (`server/page_cache.rs`): rendered
//! once, then served from the kept bytes with a nonce of its own, until an
//! event, a flow or another viewer makes it a different page.

use reqwest::header::{CONTENT_SECURITY_POLICY, ORIGIN};
use reqwest::{Client, StatusCode};

use super::common::*;

/// The page, and the nonce its policy allows.
async fn page(app: &App, client: &Client) -> (String, String) {
    let res = client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let policy = res.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
    let nonce = policy.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_string();
    (res.text().await.unwrap(), nonce)
}

fn event(id: &str, kind: &str, org: &str) -> orgdeck::server::store::StoredEvent {
    orgdeck::server::store::StoredEvent {
        id: id.into(),
        event: kind.into(),
        organization_id: Some(org.into()),
        user_id: None,
        created_at: String::new(),
        received_at: String::new(),
        source: "webhook".into(),
        payload: "{}".into(),
    }
}

#[tokio::test]
async fn the_dashboard_is_rendered_once_then_kept_until_what_it_shows_changes() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let (first, nonce1) = page(&app, &ada).await;
    let (hits, misses) = app.state.pages.counts();
    let (second, nonce2) = page(&app, &ada).await;
    assert_eq!(app.state.pages.counts(), (hits + 1, misses), "the second view is the kept page");
    assert_ne!(nonce1, nonce2, "every answer has a nonce of its own");
    assert!(second.contains(&format!("nonce=\"{nonce2}\"")) && !second.contains(&nonce1), "the body carries the answer's nonce");
    assert_eq!(first.replace(&nonce1, "N"), second.replace(&nonce2, "N"), "the same page");

    // Changed at WorkOS: kept until WorkOS says so, then rendered afresh.
    let org = app.org_id("Acme Corp");
    app.emu.emulator.db().organizations.iter_mut().find(|o| o.id == org).unwrap().name = "Acme Renamed".into();
    assert!(page(&app, &ada).await.0.contains("Acme Corp"));
    app.state.feed.publish(event("event_01KEPT", "organization.updated", &org)).await;
    assert!(page(&app, &ada).await.0.contains("Acme Renamed"), "the event made the kept page stale");

    // A flow Ada starts is on her next view.
    assert!(!page(&app, &ada).await.0.contains("Your recent Admin Portal flows"));
    let res = ada.post(format!("{}/portal/domain_verification", app.base)).header(ORIGIN, &app.base).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (with_flow, _) = page(&app, &ada).await;
    assert!(with_flow.contains("Your recent Admin Portal flows") && with_flow.contains("domain_verification"), "{with_flow}");

    // Another viewer of the organization gets a page of their own.
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    let (theirs, _) = page(&app, &max).await;
    assert!(theirs.contains("max@acme.test") && !theirs.contains("Your recent Admin Portal flows"), "{theirs}");
    assert!(page(&app, &ada).await.0.contains("ada@acme.test"));
}

#[tokio::test]
async fn a_page_showing_a_failed_read_is_not_kept() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let faults = format!("{}/_emulator/faults", app.emu.base_url());
    let res = reqwest::Client::new().post(&faults).json(&serde_json::json!({ "path": "/connections", "status": 500 })).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(page(&app, &ada).await.0.contains("card-problem"), "the SSO card says its read failed");
    reqwest::Client::new().delete(&faults).send().await.unwrap();
    let (hits, _) = app.state.pages.counts();
    let (again, _) = page(&app, &ada).await;
    assert!(!again.contains("card-problem"), "the next view reads again: {again}");
    assert_eq!(app.state.pages.counts().0, hits, "rendered, not served kept");
}
