//! A bounded load on loopback while WorkOS misbehaves: the emulator answers
//! 429s with Retry-After, 5xx, slow and never (past WORKOS_TIMEOUT_MS), and
//! drops, delays, duplicates and reorders webhook deliveries, while signed-in
//! browsers use pages and server functions and WorkOS keeps making events.
//!
//! It holds that nothing panics or fails as Orgdeck's own fault (no 500, no
//! dropped connection), no request outlives its timeouts, every refusal names
//! what happened and what to do, and afterwards every event WorkOS made is
//! stored exactly once. `LOAD_SECONDS` sets the length (5 in `make test`);
//! `FAULTS_REPORT=<file>` writes the figures there (`make faults`).
#![cfg(feature = "ssr")]

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use orgdeck::error::AppError;
use orgdeck::server::webhooks::{catch_up, EVENT_TYPES};
use orgdeck::server::workos::budget::WINDOW;
use reqwest::header::ORIGIN;
use reqwest::{Client, StatusCode};
use workos::resources::organization_domains::CreateOrganizationDomainParams;
use workos::CreateOrganizationDomain;
use workos_emulator::events::{Fault as DeliveryFault, FaultKind, Settings as DeliverySettings};
use workos_emulator::faults::Fault;

const SECRET: &str = "whsec_orgdeck_faults";
/// What Orgdeck waits for one WorkOS answer.
const WORKOS_TIMEOUT: Duration = Duration::from_millis(800);
/// Past this, a request counts as hung: the SDK's retries of WorkOS's timeout
/// and 5xx answers, its Retry-After waits, and the slowest injected answer.
const HUNG_AFTER: Duration = Duration::from_secs(20);

/// One request's result.
struct Outcome {
    what: &'static str,
    status: Option<StatusCode>,
    latency: Duration,
    problem: Option<String>,
}

/// How often WorkOS's misbehaviour is renewed while the load lasts.
const CHAOS_EVERY: Duration = Duration::from_secs(1);

/// WorkOS's misbehaviour for one turn: each fault for its next request or two.
fn api_faults() -> Vec<Fault> {
    let fault = |path: &str, status: Option<u16>| Fault {
        path: path.into(),
        method: None,
        status,
        body: None,
        delay_ms: 0,
        count: Some(1),
        retry_after: None,
        hang: false,
    };
    vec![
        Fault { retry_after: Some(1), ..fault("/widgets/token", Some(429)) },
        fault("/widgets/token", Some(503)),
        Fault { count: Some(2), ..fault("/organizations", Some(500)) },
        Fault { retry_after: Some(1), ..fault("/user_management/organization_memberships", Some(429)) },
        Fault { delay_ms: 600, count: Some(2), ..fault("/user_management/users", None) },
        Fault { hang: true, ..fault("/widgets/token", None) },
        fault("/organization_domains", Some(502)),
    ]
}

fn delivery_faults() -> Vec<DeliveryFault> {
    let fault = |action, delay_ms| DeliveryFault { action, count: 1, delay_ms, event: None };
    vec![fault(FaultKind::Drop, 0), fault(FaultKind::Delay, 300), fault(FaultKind::Duplicate, 0), fault(FaultKind::Reorder, 0)]
}

/// Whether an answer tells its user what happened and what to do.
fn explained(what: &str, status: StatusCode, body: &str) -> Result<(), String> {
    if status.is_success() || status.is_redirection() {
        return Ok(());
    }
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        return Err(format!("{what}: 500 {body}"));
    }
    if what.starts_with("page") {
        return match body.contains("role=\"alert\"") {
            true => Ok(()),
            false => Err(format!("{what}: {status} without a notice")),
        };
    }
    match AppError::from_wire(body.as_bytes()) {
        Ok(e) if !e.detail().is_empty() && !e.fix().is_empty() && e.status() == status.as_u16() => Ok(()),
        Ok(e) => Err(format!("{what}: {status} but the error says {} ({e:?})", e.status())),
        Err(_) => Err(format!("{what}: {status} with no readable error: {body}")),
    }
}

async fn one(client: &Client, base: &str, i: usize) -> Outcome {
    let (what, request) = match i % 4 {
        0 => ("page /", client.get(format!("{base}/"))),
        1 => ("page /widgets/users", client.get(format!("{base}/widgets/users"))),
        2 => ("server fn dashboard", client.post(format!("{base}/api/dashboard")).form(&[("", ""); 0])),
        _ => ("server fn widget_token", client.post(format!("{base}/api/widget_token")).form(&[("slug", "users")])),
    };
    let started = Instant::now();
    let sent = request.header(ORIGIN, base).timeout(HUNG_AFTER).send().await;
    let (status, problem) = match sent {
        Ok(res) => {
            let status = res.status();
            let body = res.text().await.unwrap_or_default();
            (Some(status), explained(what, status, &body).err())
        }
        Err(e) if e.is_timeout() => (None, Some(format!("{what}: hung past {HUNG_AFTER:?}"))),
        Err(e) => (None, Some(format!("{what}: the connection failed: {e}"))),
    };
    Outcome { what, status, latency: started.elapsed(), problem }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted.get(((sorted.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_load_with_workos_failing_every_user_is_told_and_no_event_is_lost() {
    let seconds: u64 = std::env::var("LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let app = start_with(|s| {
        s.webhook_secret = Some(SECRET.into());
        s.timeout = WORKOS_TIMEOUT;
    })
    .await;
    let hooks = app.emu.emulator.webhooks();
    hooks.add_endpoint(&format!("{}/webhooks/workos", app.base), SECRET, Vec::new());
    hooks.set_settings(DeliverySettings { retry_scale: 0.001, timeout_ms: 2_000 });

    let mut browsers = Vec::new();
    for email in ["ada@acme.test", "ada@acme.test", "max@acme.test", "max@acme.test"] {
        let b = browser();
        assert_eq!(app.sign_in(&b, email).await.status(), StatusCode::SEE_OTHER);
        browsers.push(b);
    }

    let running = Arc::new(AtomicBool::new(true));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    // WorkOS failing, renewed while the load lasts.
    let chaos = {
        let (emu, running) = (app.emu.emulator.clone(), running.clone());
        tokio::spawn(async move {
            while running.load(Ordering::Relaxed) {
                emu.faults().clear();
                api_faults().into_iter().for_each(|f| emu.faults().add(f));
                delivery_faults().into_iter().for_each(|f| emu.webhooks().add_fault(f));
                tokio::time::sleep(CHAOS_EVERY).await;
            }
            emu.faults().clear();
            emu.webhooks().clear_faults();
        })
    };
    // WorkOS making events: domains added to Acme, each one a webhook (or a lost one).
    let maker = {
        let (client, running, acme) = (app.state.workos.clone(), running.clone(), app.org_id("Acme Corp"));
        tokio::spawn(async move {
            let (mut made, mut refused) = (0u32, 0u32);
            while running.load(Ordering::Relaxed) {
                let domain = CreateOrganizationDomain { organization_id: acme.clone(), domain: format!("load{}.acme.test", made + refused) };
                match client.organization_domains().create_organization_domain(CreateOrganizationDomainParams::new(domain)).await {
                    Ok(_) => made += 1,
                    Err(_) => refused += 1,
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (made, refused)
        })
    };
    let users = browsers.into_iter().enumerate().map(|(n, b)| {
        let base = app.base.clone();
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            let mut i = n;
            while Instant::now() < deadline {
                outcomes.push(one(&b, &base, i).await);
                i += 1;
            }
            outcomes
        })
    });
    let outcomes: Vec<Outcome> = futures::future::join_all(users).await.into_iter().flat_map(|o| o.unwrap()).collect();
    running.store(false, Ordering::Relaxed);
    chaos.await.unwrap();
    let (made, refused) = maker.await.unwrap();

    // Deliveries settle (retries, delays), then the Events API fills what was dropped.
    let settle = Instant::now();
    while hooks.deliveries().iter().any(|d| matches!(d.status.as_str(), "pending" | "retrying")) && settle.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let deliveries = hooks.deliveries();
    let caught_up = catch_up(&app.state).await.unwrap();
    let made_events: HashSet<String> = {
        let db = app.emu.emulator.db();
        db.events.iter().filter(|e| EVENT_TYPES.contains(&e.event.as_str())).map(|e| e.id.clone()).collect()
    };
    let stored: Vec<String> = app.state.store.event_ids().await.unwrap();
    let stored_set: HashSet<String> = stored.iter().cloned().collect();

    // The figures.
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for o in &outcomes {
        let key = format!("{} → {}", o.what, o.status.map_or("no answer".to_string(), |s| s.as_u16().to_string()));
        *by_status.entry(key).or_default() += 1;
    }
    let mut latencies: Vec<Duration> = outcomes.iter().map(|o| o.latency).collect();
    latencies.sort();
    let count = |s: &str| deliveries.iter().filter(|d| d.status == s).count();
    let faulted = |k: FaultKind| deliveries.iter().filter(|d| d.faults.contains(&k)).count();
    let mut report = format!(
        "# Faults under load\n\n{seconds} s, 4 signed-in browsers on loopback, WORKOS_TIMEOUT_MS={}; the emulator answering 429 + Retry-After, 500, 502, 503, 600 ms late and never, and dropping, delaying, duplicating and reordering webhook deliveries, renewed every {:?}.\n\n\
         - requests: {} (p50 {:?}, p99 {:?}, slowest {:?})\n- domains added through WorkOS meanwhile: {made} ({refused} refused by the injected faults)\n\
         - webhook deliveries: {} ({} delivered, {} dropped, {} failed; faults: {} delayed, {} duplicated, {} reordered)\n\
         - events WorkOS made (of the types Orgdeck follows): {}; stored: {} ({} by the Events API catch-up afterwards)\n\n| request → status | count |\n|---|---|\n",
        WORKOS_TIMEOUT.as_millis(),
        CHAOS_EVERY,
        outcomes.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
        deliveries.len(),
        count("delivered"),
        count("dropped"),
        count("failed"),
        faulted(FaultKind::Delay),
        faulted(FaultKind::Duplicate),
        faulted(FaultKind::Reorder),
        made_events.len(),
        stored.len(),
        caught_up,
    );
    for (k, n) in &by_status {
        report += &format!("| {k} | {n} |\n");
    }
    // Orgdeck's own WorkOS calls against its budget: not the test's (it adds the
    // domains), not the browsers' (the hosted sign-in), not the public JWKS.
    let traffic = app.emu.emulator.traffic().snapshot();
    let not_orgdecks = |route: &str| route == "POST /organization_domains" || route.contains("/user_management/authorize") || route.contains("/sso/jwks/");
    let orgdeck_calls: u64 = traffic.iter().filter(|(route, _)| !not_orgdecks(route)).map(|(_, n)| n).sum();
    let budget = u64::from(app.state.settings.workos_calls_per_minute);
    let per_window = budget * WINDOW as u64 / 60;
    let windows = seconds.div_ceil(WINDOW as u64) + 1;
    report += &format!(
        "\nOrgdeck's WorkOS calls: {orgdeck_calls} in {seconds} s ({:.0} a minute on average), budget {budget} a minute ({per_window} per {WINDOW} s window, {windows} windows touched at most: {} calls). The 429s above are WorkOS's injected ones and Orgdeck's own (a person's bucket, the budget), which never reached WorkOS.\n",
        orgdeck_calls as f64 * 60.0 / seconds as f64,
        per_window * windows,
    );
    eprintln!("{report}");
    if let Ok(path) = std::env::var("FAULTS_REPORT") {
        std::fs::write(path, &report).unwrap();
    }

    let problems: Vec<&String> = outcomes.iter().filter_map(|o| o.problem.as_ref()).collect();
    assert!(problems.is_empty(), "{} of {} requests: {:#?}", problems.len(), outcomes.len(), &problems[..problems.len().min(10)]);
    assert!(outcomes.iter().any(|o| o.status.is_some_and(|s| !s.is_success() && !s.is_redirection())), "the faults reached users");
    assert!(outcomes.iter().any(|o| o.status == Some(StatusCode::OK)), "and the load was served between them");
    assert!(made > 0 && count("dropped") > 0, "events were made and deliveries dropped");
    assert_eq!(stored.len(), stored_set.len(), "nothing stored twice");
    assert!(orgdeck_calls <= per_window * windows, "{orgdeck_calls} WorkOS calls over the budget's {} in {seconds} s", per_window * windows);
    let lost: Vec<&String> = made_events.difference(&stored_set).collect();
    assert!(lost.is_empty(), "events WorkOS made that Orgdeck does not have: {lost:?}");
}
