//! Webhook delivery checked by the official SDK's verifier, retries, the fault
//! controls, and `GET /events` as a consumer syncing by cursor uses it.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::*;
use serde_json::{json, Value};
use workos::resources::events::ListEventsParams;
use workos::resources::organization_domains::CreateOrganizationDomainParams;
use workos::{CreateOrganizationDomain, PaginationOrder, WebhookVerifier};

const SECRET: &str = "whsec_test_0123456789";

/// A receiver that verifies each delivery with the SDK and answers the next
/// status in `script` (then 200).
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<workos::EventSchema>>>,
    refused: Arc<Mutex<u32>>,
    script: Arc<Mutex<Vec<u16>>>,
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = headers.get("workos-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let body = String::from_utf8_lossy(&body);
    let Ok(event) = WebhookVerifier::new(SECRET).construct_event(header, &body) else {
        *r.refused.lock().unwrap() += 1;
        return StatusCode::BAD_REQUEST;
    };
    let next = { r.script.lock().unwrap().pop() };
    match next {
        Some(code) => StatusCode::from_u16(code).unwrap(),
        None => {
            r.got.lock().unwrap().push(event);
            StatusCode::OK
        }
    }
}

impl Receiver {
    async fn listen(&self) -> String {
        let app = axum::Router::new().route("/hook", axum::routing::post(receive)).with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/hook")
    }

    fn ids(&self) -> Vec<String> {
        self.got.lock().unwrap().iter().map(|e| e.id.clone()).collect()
    }
}

async fn register(env: &Env, url: &str, events: &[&str]) -> Value {
    let res = env
        .http
        .post(format!("{}/_emulator/webhook_endpoints", env.base()))
        .json(&json!({"url": url, "secret": SECRET, "events": events}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let fast = json!({"retry_scale": 0.001, "timeout_ms": 2000});
    env.http.post(format!("{}/_emulator/webhooks/settings", env.base())).json(&fast).send().await.unwrap();
    res.json().await.unwrap()
}

async fn add_domain(env: &Env, domain: &str) {
    let params = CreateOrganizationDomainParams::new(CreateOrganizationDomain { organization_id: env.org_id("Acme Corp"), domain: domain.into() });
    env.client.organization_domains().create_organization_domain(params).await.unwrap();
}

async fn deliveries(env: &Env) -> Vec<Value> {
    let list: Value = env.http.get(format!("{}/_emulator/deliveries", env.base())).send().await.unwrap().json().await.unwrap();
    list["data"].as_array().cloned().unwrap_or_default()
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("never happened: {what}");
}

#[tokio::test]
async fn an_event_is_delivered_signed_as_the_sdk_verifies_it() {
    let env = start().await;
    let receiver = Receiver::default();
    let url = receiver.listen().await;
    register(&env, &url, &[]).await;
    add_domain(&env, "hooks.acme.test").await;
    eventually("one delivery", async || receiver.ids().len() == 1).await;
    let event = receiver.got.lock().unwrap()[0].clone();
    assert_eq!(event.event, "organization_domain.created");
    assert_eq!(event.data["domain"], "hooks.acme.test");
    assert_eq!(*receiver.refused.lock().unwrap(), 0);
    let log = deliveries(&env).await;
    assert_eq!(log[0]["event_id"], event.id.as_str());
    assert_eq!(log[0]["status"], "delivered");
    assert_eq!(log[0]["attempts"][0]["status"], 200);
    // The same event through the Events API.
    let listed = env.client.events().list_events(ListEventsParams::new(vec!["organization_domain.created".into()])).await.unwrap();
    assert_eq!(listed.data[0].id, event.id);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_back_off_until_it_is_taken() {
    let env = start().await;
    let receiver = Receiver::default();
    *receiver.script.lock().unwrap() = vec![503, 500];
    let url = receiver.listen().await;
    register(&env, &url, &["organization_domain.created"]).await;
    add_domain(&env, "retry.acme.test").await;
    eventually("delivered on the third attempt", async || receiver.ids().len() == 1).await;
    eventually("the log says so", async || deliveries(&env).await[0]["status"] == "delivered").await;
    let log = deliveries(&env).await;
    let statuses: Vec<u64> = log[0]["attempts"].as_array().unwrap().iter().map(|a| a["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, vec![500, 503, 200]);
}

#[tokio::test]
async fn faults_drop_and_duplicate_deliveries_and_the_filter_holds() {
    let env = start().await;
    let receiver = Receiver::default();
    let url = receiver.listen().await;
    register(&env, &url, &["organization_domain.created"]).await;
    let fault = |f: Value| env.http.post(format!("{}/_emulator/webhooks/faults", env.base())).json(&f).send();
    assert_eq!(fault(json!({"action": "drop"})).await.unwrap().status(), 201);
    add_domain(&env, "dropped.acme.test").await;
    assert_eq!(fault(json!({"action": "duplicate"})).await.unwrap().status(), 201);
    add_domain(&env, "twice.acme.test").await;
    eventually("two copies of the second event", async || receiver.ids().len() == 2).await;
    let ids = receiver.ids();
    assert_eq!(ids[0], ids[1], "the same event id twice");
    let log = deliveries(&env).await;
    assert!(log.iter().any(|d| d["status"] == "dropped"), "{log:?}");
    // An event type the endpoint did not ask for is not delivered at all.
    let domain = env.emu.emulator.db().organizations.iter().flat_map(|o| o.domains.iter()).find(|d| d.domain == "twice.acme.test").unwrap().id.clone();
    env.client.organization_domains().delete_organization_domain(&domain).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.ids().len(), 2);
    assert!(!deliveries(&env).await.iter().any(|d| d["event"] == "organization_domain.deleted"));
}

#[tokio::test]
async fn a_delayed_delivery_arrives_after_a_later_one() {
    let env = start().await;
    let receiver = Receiver::default();
    let url = receiver.listen().await;
    register(&env, &url, &["organization_domain.created"]).await;
    env.http.post(format!("{}/_emulator/webhooks/faults", env.base())).json(&json!({"action": "delay", "delay_ms": 300})).send().await.unwrap();
    add_domain(&env, "first.acme.test").await;
    add_domain(&env, "second.acme.test").await;
    eventually("both", async || receiver.ids().len() == 2).await;
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!(got[0].data["domain"], "second.acme.test", "order is not guaranteed");
    assert_eq!(got[1].data["domain"], "first.acme.test");
}

#[tokio::test]
async fn a_reordered_delivery_waits_for_the_next_one() {
    let env = start().await;
    let receiver = Receiver::default();
    let url = receiver.listen().await;
    register(&env, &url, &["organization_domain.created"]).await;
    env.http.post(format!("{}/_emulator/webhooks/faults", env.base())).json(&json!({"action": "reorder"})).send().await.unwrap();
    add_domain(&env, "held.acme.test").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(receiver.ids().is_empty(), "held back");
    add_domain(&env, "next.acme.test").await;
    eventually("both", async || receiver.ids().len() == 2).await;
    let got = receiver.got.lock().unwrap().clone();
    assert_eq!((got[0].data["domain"].as_str(), got[1].data["domain"].as_str()), (Some("next.acme.test"), Some("held.acme.test")));
}

#[tokio::test]
async fn the_events_api_syncs_by_cursor_and_forgets_after_thirty_days() {
    let env = start().await;
    for d in ["a", "b", "c", "d", "e"] {
        add_domain(&env, &format!("{d}.cursor.test")).await;
    }
    let kinds = vec!["organization_domain.created".to_string()];
    let page = |after: Option<String>| {
        let params = ListEventsParams { limit: Some(2), order: Some(PaginationOrder::Asc), after, ..ListEventsParams::new(kinds.clone()) };
        let client = env.client.clone();
        async move { client.events().list_events(params).await.unwrap() }
    };
    // Oldest first, two at a time, on to the end.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(cursor.clone()).await;
        seen.extend(p.data.iter().map(|e| e.data["domain"].as_str().unwrap().to_string()));
        match p.data.last() {
            Some(last) if p.list_metadata.after.is_some() => cursor = Some(last.id.clone()),
            Some(last) => {
                cursor = Some(last.id.clone());
                break;
            }
            None => break,
        }
    }
    assert_eq!(seen, ["a", "b", "c", "d", "e"].map(|d| format!("{d}.cursor.test")));
    // Nothing new after the last one; a new event shows up there.
    assert!(page(cursor.clone()).await.data.is_empty());
    add_domain(&env, "f.cursor.test").await;
    assert_eq!(page(cursor.clone()).await.data[0].data["domain"], "f.cursor.test");
    // Newest first by default.
    let newest = env.client.events().list_events(ListEventsParams::new(kinds.clone())).await.unwrap();
    assert_eq!(newest.data[0].data["domain"], "f.cursor.test");
    // No filter: every type (the spec's `events` is optional); an unknown cursor is a 422.
    let res = env.http.get(format!("{}/events", env.base())).bearer_auth(API_KEY).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let all: serde_json::Value = res.json().await.unwrap();
    assert!(all["data"].as_array().is_some_and(|d| !d.is_empty()), "{all}");
    let res = env.http.get(format!("{}/events?events=dsync.activated&after=event_nope", env.base())).bearer_auth(API_KEY).send().await.unwrap();
    assert_eq!(res.status(), 422);
    // Thirty-one days later they are gone.
    env.emu.emulator.clock().set_offset(31 * 86_400);
    assert!(env.client.events().list_events(ListEventsParams::new(kinds)).await.unwrap().data.is_empty());
}

#[tokio::test]
async fn the_members_widget_sessions_and_keys_record_events() {
    let env = start().await;
    env.authenticated("ada@acme.test", "orgdeck-ada", None).await;
    let kinds = ["session.created", "invitation.created", "organization_membership.created"];
    let token = env.widget_token("ada@acme.test", Some("Acme Corp"), &["widgets:users-table:manage"]).await;
    let (status, _) = env
        .widget(reqwest::Method::POST, "/_widgets/UserManagement/invite-user", Some(&token), Some(json!({"email": "new@acme.test", "roles": ["member"]})), &[])
        .await;
    assert!((200..300).contains(&status), "{status}");
    let params = ListEventsParams { limit: Some(20), ..ListEventsParams::new(kinds.iter().map(|k| k.to_string()).collect()) };
    let listed = env.client.events().list_events(params).await.unwrap();
    let got: Vec<&str> = listed.data.iter().map(|e| e.event.as_str()).collect();
    for k in kinds {
        assert!(got.contains(&k), "{k} in {got:?}");
    }
    let invitation = listed.data.iter().find(|e| e.event == "invitation.created").unwrap();
    assert_eq!(invitation.data["email"], "new@acme.test");
    assert!(invitation.data.get("token").is_none(), "no invitation token in events");
}

#[tokio::test]
async fn endpoints_are_listed_and_removed_and_faults_cleared() {
    let env = start().await;
    let receiver = Receiver::default();
    let url = receiver.listen().await;
    let endpoint = register(&env, &url, &[]).await;
    let id = endpoint["id"].as_str().unwrap().to_string();
    assert_eq!(endpoint["secret_last4"], SECRET[SECRET.len() - 4..], "the secret given is the one used, shown by its end only");
    let list: Value = env.http.get(format!("{}/_emulator/webhook_endpoints", env.base())).send().await.unwrap().json().await.unwrap();
    assert!(list["data"].as_array().unwrap().iter().any(|e| e["id"] == id.as_str()));
    let bad = env.http.post(format!("{}/_emulator/webhook_endpoints", env.base())).json(&json!({"url": "ftp://x"})).send().await.unwrap();
    assert_eq!(bad.status(), 422);
    // A fault set and cleared does nothing.
    env.http.post(format!("{}/_emulator/webhooks/faults", env.base())).json(&json!({"action": "drop", "count": 5})).send().await.unwrap();
    let res = env.http.delete(format!("{}/_emulator/webhooks/faults", env.base())).send().await.unwrap();
    assert_eq!(res.status(), 204);
    add_domain(&env, "kept.acme.test").await;
    eventually("delivered despite the cleared fault", async || receiver.ids().len() == 1).await;
    // Removed: nothing more arrives there; removing twice is a 404.
    let res = env.http.delete(format!("{}/_emulator/webhook_endpoints/{id}", env.base())).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let res = env.http.delete(format!("{}/_emulator/webhook_endpoints/{id}", env.base())).send().await.unwrap();
    assert_eq!(res.status(), 404);
    add_domain(&env, "unheard.acme.test").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receiver.ids().len(), 1);
}
