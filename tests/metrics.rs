//! `GET /metrics`: Prometheus's own `promtool check metrics` accepts a scrape
//! taken after real traffic, and the counters say what the traffic did (the
//! WorkOS calls counted are the calls the emulator answered).
#![cfg(feature = "ssr")]

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use common::*;
use reqwest::StatusCode;

const SECRET: &str = "whsec_orgdeck_metrics";

/// The samples of a scrape: `name{labels}` → value.
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.rsplit_once(' ').and_then(|(k, v)| v.parse().ok().map(|v| (k.to_string(), v))))
        .collect()
}

/// The sum of every sample of `name` whose labels contain all of `having`.
fn total(samples: &BTreeMap<String, f64>, name: &str, having: &[&str]) -> f64 {
    samples
        .iter()
        .filter(|(k, _)| k.split('{').next() == Some(name) && having.iter().all(|h| k.contains(h)))
        .map(|(_, v)| v)
        .sum()
}

fn promtool_check(text: &str) -> (bool, String) {
    let mut child = match Command::new("promtool").args(["check", "metrics"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn() {
        Ok(c) => c,
        Err(e) => panic!("promtool is not installed ({e}): `make test` installs Debian's prometheus package"),
    };
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test]
async fn a_scrape_after_traffic_passes_promtool_and_counts_what_happened() {
    let app = start_with(|s| s.webhook_secret = Some(SECRET.into())).await;
    let client = browser();
    app.sign_in(&client, "ada@acme.test").await;
    for _ in 0..3 {
        let res = app.server_fn(&client, "widget_token", &[("slug", "users")], Some(&app.base)).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    dashboard(&app.base, &client).await;
    dashboard(&app.base, &client).await;
    // A method no standard names is counted as `other`: clients cannot make series.
    let brew = reqwest::Method::from_bytes(b"BREW").unwrap();
    for _ in 0..2 {
        browser_without_cookies().request(brew.clone(), format!("{}/health", app.base)).send().await.unwrap();
    }
    let event = invitation_event("event_01METRICSAAAAAAAAAAAAAAAA", &app.org_id("Acme Corp"));
    assert_eq!(deliver_signed(&app.base, SECRET, &event).await, StatusCode::OK);
    assert_eq!(deliver_signed(&app.base, SECRET, &event).await, StatusCode::OK, "a replay");
    assert_eq!(deliver_signed(&app.base, "whsec_someone_else", &event).await, StatusCode::BAD_REQUEST);

    let res = browser_without_cookies().get(format!("{}/metrics", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    let (ok, said) = promtool_check(&text);
    assert!(ok, "promtool check metrics: {said}\n{text}");

    let s = samples(&text);
    assert_eq!(total(&s, "orgdeck_http_requests_total", &[r#"route="/api/widget_token""#, r#"status="200""#]), 3.0, "{text}");
    assert_eq!(total(&s, "orgdeck_http_request_duration_seconds_count", &[r#"route="/api/widget_token""#, r#"method="POST""#]), 3.0, "{text}");
    assert_eq!(total(&s, "orgdeck_http_requests_total", &[r#"method="other""#]), 2.0, "{text}");
    assert!(!text.contains("BREW"), "{text}");
    assert_eq!(total(&s, "orgdeck_webhook_deliveries_total", &[r#"outcome="stored""#]), 1.0, "{text}");
    assert_eq!(total(&s, "orgdeck_webhook_deliveries_total", &[r#"outcome="duplicate""#]), 1.0, "{text}");
    assert_eq!(total(&s, "orgdeck_webhook_deliveries_total", &[r#"outcome="refused""#]), 1.0, "{text}");
    assert_eq!(total(&s, "orgdeck_event_ingestion_lag_seconds_count", &[r#"source="webhook""#]), 1.0, "{text}");
    assert!(total(&s, "orgdeck_cache_lookups_total", &[r#"cache="workos_reads""#, r#"result="hit""#]) >= 1.0, "the second dashboard read from the cache: {text}");
    // The resolved sessions' series are kept handles: they count what the cache counted.
    let (hits, misses) = app.state.resolved.counts();
    assert!(hits + misses >= 5, "the token calls and dashboards after sign-in: {hits} + {misses}");
    assert_eq!(total(&s, "orgdeck_cache_lookups_total", &[r#"cache="sessions""#, r#"result="hit""#]), hits as f64, "{text}");
    assert_eq!(total(&s, "orgdeck_cache_lookups_total", &[r#"cache="sessions""#, r#"result="miss""#]), misses as f64, "{text}");
    assert_eq!(total(&s, "orgdeck_build_info", &[]), 1.0);

    // Every WorkOS call Orgdeck counted is one the emulator answered, and the
    // other way round (the hosted sign-in pages are the browser's, not Orgdeck's).
    let counts: serde_json::Value = reqwest::get(format!("{}/_emulator/requests", app.emu.base_url())).await.unwrap().json().await.unwrap();
    let answered: u64 = counts["data"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(route, _)| !route.contains("/user_management/authorize"))
        .map(|(_, n)| n.as_u64().unwrap())
        .sum();
    assert!(answered > 0);
    assert_eq!(total(&s, "orgdeck_workos_calls_total", &[]), answered as f64, "{counts}\n{text}");
    assert_eq!(
        total(&s, "orgdeck_workos_calls_total", &[r#"operation="POST /widgets/token""#]),
        counts["data"]["POST /widgets/token"].as_f64().unwrap(),
        "{text}"
    );
}

#[tokio::test]
async fn metrics_are_not_answered_through_a_proxy_without_the_token() {
    let app = start_with(|s| s.metrics_token = Some("scrape-token-for-tests".into())).await;
    let get = |headers: &[(&str, &str)]| {
        let mut req = browser_without_cookies().get(format!("{}/metrics", app.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send()
    };
    assert_eq!(get(&[]).await.unwrap().status(), StatusCode::OK, "this machine");
    assert_eq!(get(&[("x-forwarded-for", "203.0.113.9")]).await.unwrap().status(), StatusCode::FORBIDDEN, "forwarded by a proxy");
    let with_token = get(&[("x-forwarded-for", "203.0.113.9"), ("authorization", "Bearer scrape-token-for-tests")]).await.unwrap();
    assert_eq!(with_token.status(), StatusCode::OK, "the token opens it from anywhere");
    assert_eq!(get(&[("x-forwarded-for", "203.0.113.9"), ("authorization", "Bearer wrong")]).await.unwrap().status(), StatusCode::FORBIDDEN);
}
