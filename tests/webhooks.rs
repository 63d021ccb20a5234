//! `POST /webhooks/workos` and the Events API catch-up: refused when forged,
//! stale or malformed, stored exactly once under any load, and nothing lost
//! while Orgdeck is down (a real process, killed and started again).
#![cfg(feature = "ssr")]

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{start_on, App};
use futures::future::join_all;
use orgdeck::server::store::Store;
use orgdeck::server::webhooks::{catch_up, EVENT_TYPES};
use reqwest::StatusCode;
use serde_json::json;
use workos::resources::events::ListEventsParams;
use workos_emulator::events::{signature, signature_header};
use workos_emulator::{spawn, RunningEmulator, Seed};

const SECRET: &str = "whsec_orgdeck_test_secret";

fn temp_db(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("orgdeck-test-{}-{}", name, ulid::Ulid::new()));
    std::fs::create_dir_all(&dir).unwrap();
    format!("sqlite://{}/orgdeck.db", dir.display())
}

async fn start(database: &str) -> App {
    start_with_secret(database, Some(SECRET)).await
}

async fn start_with_secret(database: &str, secret: Option<&str>) -> App {
    start_on(database, |s| s.webhook_secret = secret.map(str::to_string)).await
}

fn envelope(id: &str) -> String {
    json!({"object": "event", "id": id, "event": "invitation.created", "data": {"organization_id": "org_test", "email": "x@y.test"}, "created_at": "2026-11-26T10:00:00.000Z"})
        .to_string()
}

async fn deliver(http: &reqwest::Client, app: &App, header: &str, body: &str) -> StatusCode {
    http.post(format!("{}/webhooks/workos", app.base)).header("WorkOS-Signature", header).body(body.to_string()).send().await.unwrap().status()
}

#[tokio::test]
async fn forged_stale_and_malformed_signatures_are_refused_and_nothing_is_stored() {
    let app = start("sqlite::memory:").await;
    let http = reqwest::Client::new();
    let body = envelope("event_forged");
    let forged = signature_header("not-the-secret", &body);
    assert_eq!(deliver(&http, &app, &forged, &body).await, StatusCode::BAD_REQUEST);
    let stale_t = chrono::Utc::now().timestamp_millis() - 200_000;
    let stale = format!("t={stale_t}, v1={}", signature(SECRET, stale_t, &body));
    assert_eq!(deliver(&http, &app, &stale, &body).await, StatusCode::BAD_REQUEST);
    for malformed in ["", "garbage", "t=abc, v1=00", "v1=00", &format!("t={}", chrono::Utc::now().timestamp_millis())] {
        assert_eq!(deliver(&http, &app, malformed, &body).await, StatusCode::BAD_REQUEST, "{malformed:?}");
    }
    // Signed, but the body changed on the way.
    let good = signature_header(SECRET, &body);
    assert_eq!(deliver(&http, &app, &good, &body.replace("x@y.test", "evil@y.test")).await, StatusCode::BAD_REQUEST);
    assert_eq!(app.state.store.event_count().await.unwrap(), 0);
    // A browser page cannot post one either without the signature; the Origin guard does not stand in the way.
    assert_eq!(deliver(&http, &app, &good, &body).await, StatusCode::OK);
    assert_eq!(app.state.store.event_count().await.unwrap(), 1);
}

#[tokio::test]
async fn without_a_secret_nothing_is_accepted_and_workos_is_told_to_retry() {
    let app = start_with_secret("sqlite::memory:", None).await;
    let body = envelope("event_unsecured");
    let res = reqwest::Client::new()
        .post(format!("{}/webhooks/workos", app.base))
        .header("WorkOS-Signature", signature_header("anything", &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.text().await.unwrap().contains("WORKOS_WEBHOOK_SECRET"));
    assert_eq!(app.state.store.event_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_replayed_event_is_stored_once() {
    let app = start("sqlite::memory:").await;
    let http = reqwest::Client::new();
    let body = envelope("event_replayed");
    for _ in 0..3 {
        assert_eq!(deliver(&http, &app, &signature_header(SECRET, &body), &body).await, StatusCode::OK);
    }
    assert_eq!(app.state.store.event_ids().await.unwrap(), vec!["event_replayed".to_string()]);
}

#[tokio::test]
async fn a_thousand_concurrent_deliveries_store_a_thousand_events_or_one() {
    let app = start(&temp_db("concurrent")).await;
    let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
    let distinct = (0..1000).map(|i| {
        let body = envelope(&format!("event_distinct_{i:04}"));
        let (http, app) = (&http, &app);
        async move { deliver(http, app, &signature_header(SECRET, &body), &body).await }
    });
    let statuses = join_all(distinct).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{:?}", statuses.iter().find(|s| **s != StatusCode::OK));
    assert_eq!(app.state.store.event_count().await.unwrap(), 1000);

    let body = envelope("event_same");
    let same = (0..1000).map(|_| {
        let (http, app, body) = (&http, &app, body.clone());
        async move { deliver(http, app, &signature_header(SECRET, &body), &body).await }
    });
    let statuses = join_all(same).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK));
    assert_eq!(app.state.store.event_count().await.unwrap(), 1001);
}

#[tokio::test]
async fn the_embedded_emulator_delivers_to_orgdeck_and_catch_up_finds_a_dropped_one() {
    let app = start("sqlite::memory:").await;
    let hooks = app.emu.emulator.webhooks();
    hooks.add_endpoint(&format!("{}/webhooks/workos", app.base), SECRET, Vec::new());
    hooks.add_fault(serde_json::from_value(json!({"action": "drop", "event": "organization_domain.created"})).unwrap());
    let client = &app.state.workos;
    let acme = app.emu.emulator.db().organizations.iter().find(|o| o.name == "Acme Corp").unwrap().id.clone();
    use workos::resources::organization_domains::CreateOrganizationDomainParams;
    let params = CreateOrganizationDomainParams::new(workos::CreateOrganizationDomain { organization_id: acme.clone(), domain: "drop.acme.test".into() });
    client.organization_domains().create_organization_domain(params).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.state.store.event_count().await.unwrap(), 0, "the delivery was dropped");
    assert_eq!(catch_up(&app.state).await.unwrap(), 1);
    let ids = app.state.store.event_ids().await.unwrap();
    assert_eq!(ids.len(), 1);
    let event = app.state.store.event(&ids[0]).await.unwrap().unwrap();
    assert_eq!((event.event.as_str(), event.organization_id.as_deref(), event.source.as_str()), ("organization_domain.created", Some(acme.as_str()), "events_api"));
    // Nothing new the second time; the cursor moved on.
    assert_eq!(catch_up(&app.state).await.unwrap(), 0);
}

/// Orgdeck as a real process, on real-WorkOS settings pointed at the emulator.
fn orgdeck(emu: &RunningEmulator, addr: SocketAddr, database: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_orgdeck"))
        .env("LEPTOS_SITE_ADDR", addr.to_string())
        .env("LEPTOS_OUTPUT_NAME", "orgdeck")
        .env("LEPTOS_SITE_ROOT", "target/site")
        .env("WORKOS_API_KEY", emu.emulator.api_key())
        .env("WORKOS_CLIENT_ID", emu.emulator.client_id())
        .env("WORKOS_API_HOSTNAME", emu.addr.ip().to_string())
        .env("WORKOS_API_PORT", emu.addr.port().to_string())
        .env("WORKOS_API_HTTPS", "false")
        .env("WORKOS_COOKIE_PASSWORD", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        .env("WORKOS_WEBHOOK_SECRET", SECRET)
        .env("WORKOS_REDIRECT_URI", format!("http://{addr}/auth/callback"))
        .env("DATABASE_URL", database)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the orgdeck binary")
}

async fn healthy(http: &reqwest::Client, addr: SocketAddr) {
    for _ in 0..400 {
        if http.get(format!("http://{addr}/health")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("orgdeck did not start on {addr}");
}

#[tokio::test]
async fn events_made_while_orgdeck_is_down_arrive_by_retry_and_catch_up_nothing_missing_nothing_twice() {
    let emu = spawn(Seed::default_seed(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr: SocketAddr = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap()
    };
    let database = temp_db("restart");
    let hooks = emu.emulator.webhooks();
    hooks.add_endpoint(&format!("http://{addr}/webhooks/workos"), SECRET, Vec::new());
    hooks.set_settings(serde_json::from_value(json!({"retry_scale": 0.002, "timeout_ms": 1000})).unwrap());
    let http = reqwest::Client::new();
    let client = workos::Client::builder().api_key(emu.emulator.api_key()).base_url(emu.base_url()).max_retries(0).build();
    let acme = emu.emulator.db().organizations.iter().find(|o| o.name == "Acme Corp").unwrap().id.clone();
    let add = |domain: String| {
        use workos::resources::organization_domains::CreateOrganizationDomainParams;
        let params = CreateOrganizationDomainParams::new(workos::CreateOrganizationDomain { organization_id: acme.clone(), domain });
        let client = client.clone();
        async move { client.organization_domains().create_organization_domain(params).await.unwrap() }
    };

    let mut child = orgdeck(&emu, addr, &database);
    healthy(&http, addr).await;
    add("up-1.acme.test".into()).await;
    child.kill().unwrap();
    child.wait().unwrap();
    // Down: these fail to deliver and are retried; one is dropped outright.
    hooks.add_fault(serde_json::from_value(json!({"action": "drop"})).unwrap());
    for i in 0..5 {
        add(format!("down-{i}.acme.test")).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut child = orgdeck(&emu, addr, &database);
    healthy(&http, addr).await;

    let kinds: Vec<String> = EVENT_TYPES.iter().map(|s| s.to_string()).collect();
    let wanted = client.events().list_events(ListEventsParams { limit: Some(100), ..ListEventsParams::new(kinds) }).await.unwrap();
    let mut wanted: Vec<String> = wanted.data.into_iter().map(|e| e.id).collect();
    wanted.sort();
    assert_eq!(wanted.len(), 6);
    let store = Store::connect(&database).await.unwrap();
    let mut stored = Vec::new();
    for _ in 0..200 {
        stored = store.event_ids().await.unwrap();
        if stored == wanted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(stored, wanted, "every event once, none missing");
    // The retries go on until Orgdeck takes them (a replay of what catch-up stored).
    for _ in 0..200 {
        if hooks.deliveries().iter().all(|d| d.status == "delivered" || d.status == "dropped") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let log = hooks.deliveries();
    assert!(log.iter().all(|d| d.status == "delivered" || d.status == "dropped"), "{log:?}");
    assert!(log.iter().any(|d| d.status == "delivered" && d.attempts.len() > 1), "some arrived by retry: {log:?}");
    assert_eq!(log.iter().filter(|d| d.status == "dropped").count(), 1);
    assert_eq!(store.event_ids().await.unwrap(), wanted, "still once each");
}
