//! Fault injection, as the official SDK meets it: statuses with WorkOS's
//! bodies, `Retry-After`, counts, delays and a hung connection.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;
use workos::resources::organizations::ListOrganizationsParams;

async fn fault(env: &Env, f: serde_json::Value) {
    let res = env.http.post(format!("{}/_emulator/faults", env.base())).json(&f).send().await.unwrap();
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn an_injected_status_reaches_the_sdk_with_workos_s_body_and_is_used_up() {
    let env = start().await;
    fault(&env, json!({"path": "/organizations", "status": 404, "count": 1})).await;
    let orgs = env.client.organizations();
    let err = orgs.list_organizations(ListOrganizationsParams::default()).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(err.api().is_some_and(|a| a.message == "Not Found"), "{err}");
    assert!(orgs.list_organizations(ListOrganizationsParams::default()).await.is_ok(), "used up");
}

#[tokio::test]
async fn the_sdk_retries_a_429_after_its_retry_after_and_a_503_then_succeeds() {
    let env = start().await;
    let patient = workos::Client::builder().api_key(API_KEY).base_url(env.base()).max_retries(3).build();
    fault(&env, json!({"path": "/organizations", "status": 429, "retry_after": 1, "count": 1})).await;
    fault(&env, json!({"path": "/organizations", "status": 503, "count": 1})).await;
    let started = Instant::now();
    let list = patient.organizations().list_organizations(ListOrganizationsParams::default()).await.unwrap();
    assert!(!list.data.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900), "it waited as Retry-After said");
    let listed: serde_json::Value = env.http.get(format!("{}/_emulator/faults", env.base())).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["data"], json!([]));
}

#[tokio::test]
async fn a_hung_route_ends_at_the_client_s_timeout_and_control_routes_are_never_faulted() {
    let env = start().await;
    fault(&env, json!({"path": "/", "hang": true})).await;
    let hasty = workos::Client::builder().api_key(API_KEY).base_url(env.base()).max_retries(0).timeout(Duration::from_millis(300)).build();
    let err = hasty.organizations().list_organizations(ListOrganizationsParams::default()).await.unwrap_err();
    assert!(err.status().is_none(), "no answer at all: {err}");
    let res = env.http.delete(format!("{}/_emulator/faults", env.base())).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert!(env.client.organizations().list_organizations(ListOrganizationsParams::default()).await.is_ok());
}
