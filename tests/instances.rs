//! Two Orgdeck instances on one PostgreSQL database and one emulator, as
//! behind a load balancer: a session refreshed by both at once signs nobody
//! out, a webhook one instance receives shows live on the other and empties
//! the other's WorkOS read cache, and every event is stored once.
//!
//! PostgreSQL is Debian's (`make test` installs the package), started here in
//! a folder of its own on a free port and stopped when the test ends.
#![cfg(feature = "ssr")]

mod common;

use std::time::Duration;

use common::postgres::Postgres;
use common::*;
use reqwest::StatusCode;

const SECRET: &str = "whsec_orgdeck_instances";

async fn two_instances(pg: &Postgres) -> (App, Instance) {
    let a = start_on(&pg.url, |s| s.webhook_secret = Some(SECRET.into())).await;
    let b = another_instance(&a, &pg.url).await;
    (a, b)
}

fn session_of(res: &reqwest::Response) -> Option<String> {
    cookies(res.headers()).into_iter().find(|c| c.starts_with("wos-session=")).map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn a_session_refreshed_on_two_instances_at_once_signs_nobody_out() {
    let pg = Postgres::start();
    let (a, b) = two_instances(&pg).await;
    // Signed in "ten minutes ago": the access token in the cookie has expired.
    a.emu.emulator.clock().set_offset(-600);
    let res = a.sign_in(&browser(), "ada@acme.test").await;
    a.emu.emulator.clock().set_offset(0);
    let stale = session_of(&res).unwrap();
    // WorkOS takes its time to refresh: both instances are surely at it at once.
    a.emu.emulator.faults().add(workos_emulator::faults::Fault {
        path: "/user_management/authenticate".into(),
        method: None,
        status: None,
        body: None,
        delay_ms: 300,
        count: None,
        retry_after: None,
        hang: false,
    });
    let plain = browser_without_cookies();
    let requests = (0..8).map(|i| {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        plain.get(format!("{base}/")).header("cookie", &stale).send()
    });
    let mut fresh = std::collections::HashSet::new();
    for (i, res) in futures::future::join_all(requests).await.into_iter().enumerate() {
        let res = res.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "request {i} (instance {}) is served, not signed out", if i % 2 == 0 { "A" } else { "B" });
        fresh.insert(session_of(&res).expect("a new cookie"));
    }
    assert_eq!(fresh.len(), 1, "one refresh between both instances, shared");
    let new_cookie = fresh.into_iter().next().unwrap();
    for base in [&a.base, &b.base] {
        let res = plain.get(format!("{base}/")).header("cookie", &new_cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(session_of(&res).is_none(), "the new session is good on {base}");
    }
}

#[tokio::test]
async fn a_webhook_to_one_instance_is_live_on_the_other_and_empties_its_cache() {
    let pg = Postgres::start();
    let (a, b) = two_instances(&pg).await;
    let ada = browser();
    a.sign_in(&ada, "ada@acme.test").await;
    let acme = a.org_id("Acme Corp");
    // B has read the dashboard and keeps it (once A's sign-in notice, which
    // empties B's cache for Ada, has been heard).
    let mut reads = workos_requests(&a, "GET /organizations/{id}").await;
    for _ in 0..50 {
        dashboard_from(&b.base, &a.base, &ada).await;
        let now = workos_requests(&a, "GET /organizations/{id}").await;
        if now == reads {
            break;
        }
        reads = now;
    }
    dashboard_from(&b.base, &a.base, &ada).await;
    assert_eq!(workos_requests(&a, "GET /organizations/{id}").await, reads, "B serves its cached read");

    // A live page served by B.
    let mut live = ada.get(format!("{}/events/live", b.base)).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    // The webhook reaches A.
    assert_eq!(deliver_signed(&a.base, SECRET, &invitation_event("event_01INSTANCEA", &acme)).await, StatusCode::OK);
    let mut seen = String::new();
    let heard = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = live.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("event_01INSTANCEA") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(heard, Ok(true), "B's live page heard A's webhook: {seen}");
    assert!(seen.contains("event: workos"), "{seen}");
    // B forgot what the event changed: its next view reads WorkOS.
    dashboard_from(&b.base, &a.base, &ada).await;
    assert_eq!(workos_requests(&a, "GET /organizations/{id}").await, reads + 1, "B read WorkOS afresh");

    // What Orgdeck changes itself empties the other instance's cache too: a
    // sign-in on A starts Ada on WorkOS's current state, on B as well.
    dashboard_from(&b.base, &a.base, &ada).await;
    a.sign_in(&browser(), "ada@acme.test").await;
    let before = workos_requests(&a, "GET /organizations/{id}").await;
    let mut reread = false;
    for _ in 0..100 {
        dashboard_from(&b.base, &a.base, &ada).await;
        if workos_requests(&a, "GET /organizations/{id}").await > before {
            reread = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(reread, "B heard A's sign-in and read WorkOS afresh");
}

#[tokio::test]
async fn each_event_is_stored_once_whichever_instance_it_reaches() {
    let pg = Postgres::start();
    let (a, b) = two_instances(&pg).await;
    let acme = a.org_id("Acme Corp");
    let bodies: Vec<String> = (0..100).map(|i| invitation_event(&format!("event_01TWICE{i:04}"), &acme)).collect();
    // Each delivered to both instances at once (WorkOS retries; a balancer may split them).
    let deliveries = bodies.iter().flat_map(|body| [deliver_signed(&a.base, SECRET, body), deliver_signed(&b.base, SECRET, body)]);
    let statuses = futures::future::join_all(deliveries).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    assert_eq!(a.state.store.event_count().await.unwrap(), 100);
    // Both catch up from the Events API at once: what they both read is stored once too.
    let (ra, rb) = tokio::join!(orgdeck::server::webhooks::catch_up(&a.state), orgdeck::server::webhooks::catch_up(&b.state));
    let caught = ra.unwrap() + rb.unwrap();
    let ids = b.state.store.event_ids().await.unwrap();
    assert_eq!(ids.len(), 100 + caught, "each event once");
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
}

#[tokio::test]
async fn a_copied_cookie_is_refused_on_both_instances_once_it_signed_out_on_one() {
    let pg = Postgres::start();
    let (a, b) = two_instances(&pg).await;
    let cookie = session_of(&a.sign_in(&browser(), "ada@acme.test").await).unwrap();
    let plain = browser_without_cookies();
    for base in [&a.base, &b.base] {
        assert_eq!(plain.get(format!("{base}/")).header("cookie", &cookie).send().await.unwrap().status(), StatusCode::OK);
    }
    let res = plain.post(format!("{}/logout", a.base)).header("cookie", &cookie).header("origin", &a.base).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for base in [&a.base, &b.base] {
        // B hears it through the database: soon, not necessarily at once.
        let mut status = StatusCode::OK;
        for _ in 0..50 {
            status = plain.get(format!("{base}/")).header("cookie", &cookie).send().await.unwrap().status();
            if status == StatusCode::SEE_OTHER {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(status, StatusCode::SEE_OTHER, "{base} refuses the signed-out session");
    }
    // An instance that starts later reads it from the database.
    let c = another_instance(&a, &pg.url).await;
    let res = plain.get(format!("{}/", c.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn two_instances_take_their_workos_calls_from_one_budget() {
    let pg = Postgres::start();
    // 60 WorkOS calls a minute for the deployment: 10 in each ten-second window.
    let a = start_on(&pg.url, |s| {
        s.webhook_secret = Some(SECRET.into());
        s.workos_calls_per_minute = 60;
    })
    .await;
    let b = another_instance(&a, &pg.url).await;
    let ada = browser();
    a.sign_in(&ada, "ada@acme.test").await;
    let before = workos_requests(&a, "POST /widgets/token").await;
    let (mut ok, mut refused_by) = (0, std::collections::BTreeSet::new());
    for i in 0..40 {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let res = ada.post(format!("{base}/api/widget_token")).header("origin", &a.base).form(&[("slug", "profile")]).send().await.unwrap();
        match res.status() {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(res.headers().get("retry-after").is_some());
                refused_by.insert(base.clone());
            }
            other => panic!("{other}"),
        }
    }
    let calls = workos_requests(&a, "POST /widgets/token").await - before;
    // One window's budget, or two if a window ended during the loop; never each instance its own.
    assert!(ok <= 20 && calls <= 20, "{ok} tokens, {calls} WorkOS calls");
    assert_eq!(refused_by.len(), 2, "both instances refuse once the shared budget is spent: {refused_by:?}");
}

#[tokio::test]
async fn ready_is_503_while_the_database_is_down_and_200_once_it_is_back() {
    let pg = Postgres::start();
    let app = start_on(&pg.url, |_| {}).await;
    let ready = || async {
        let res = reqwest::get(format!("{}/ready", app.base)).await.unwrap();
        (res.status(), res.json::<serde_json::Value>().await.unwrap())
    };
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::OK, "{body}");
    pg.stop();
    let (status, body) = ready().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_ne!(body["database"], "ok", "{body}");
    assert_eq!(body["workos"], "ok", "only the database is down: {body}");
    pg.start_again();
    // The pool finds its connections dead and opens new ones.
    let started = std::time::Instant::now();
    loop {
        let (status, body) = ready().await;
        if status == StatusCode::OK {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "still not ready once the database is back: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
