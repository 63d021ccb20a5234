//! What one person can make Orgdeck ask of WorkOS, and the deployment's share
//! of WorkOS's per-key limit: both answered 429 with when to try again.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use super::common::*;

#[tokio::test]
async fn one_person_hammering_for_tokens_is_held_to_a_bucket_while_another_is_served() {
    let app = start_with(|s| {
        s.user_calls_per_minute = 60;
        s.user_calls_burst = 10;
    })
    .await;
    let (ada, max) = (browser(), browser());
    app.sign_in(&ada, "ada@acme.test").await;
    app.sign_in(&max, "max@acme.test").await;
    let before = workos_requests(&app, "POST /widgets/token").await;
    let started = Instant::now();
    let (mut ok, mut limited, mut waits) = (0, 0, Vec::new());
    let (mut max_ok, mut max_other, mut last_max) = (0, 0, Instant::now() - Duration::from_secs(2));
    while started.elapsed() < Duration::from_secs(10) {
        // Ada asks as fast as she can.
        for _ in 0..20 {
            let res = app.server_fn(&ada, "widget_token", &[("slug", "profile")], Some(&app.base)).await;
            match res.status() {
                StatusCode::OK => ok += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    limited += 1;
                    waits.push(res.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap());
                }
                other => panic!("{other}"),
            }
        }
        // Max, at a person's pace (under his one a second).
        if last_max.elapsed() >= Duration::from_millis(1200) {
            last_max = Instant::now();
            match app.server_fn(&max, "widget_token", &[("slug", "profile")], Some(&app.base)).await.status() {
                StatusCode::OK => max_ok += 1,
                _ => max_other += 1,
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let calls = workos_requests(&app, "POST /widgets/token").await - before;
    // A burst of 10, then one a second: about 20 in 10 s (and one for each of Max's).
    assert!(ok <= 21, "Ada was given {ok} tokens");
    assert!(calls <= 21 + max_ok, "{calls} WorkOS calls for {ok} + {max_ok} tokens");
    assert!(limited > 100, "the rest were refused: {limited}");
    assert!(waits.iter().all(|w| (1..=2).contains(w)), "Retry-After says when: {waits:?}");
    assert!(max_ok >= 5 && max_other == 0, "Max is served throughout: {max_ok} served, {max_other} not");
}

#[tokio::test]
async fn the_deployments_workos_budget_holds_every_call_and_says_when_to_retry() {
    // 60 calls a minute: 10 in each ten-second window, whoever asks.
    let app = start_with(|s| s.workos_calls_per_minute = 60).await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let mut refused = None;
    for _ in 0..30 {
        let res = app.server_fn(&ada, "widget_token", &[("slug", "profile")], Some(&app.base)).await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            let wait = res.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap();
            refused = Some((wait, res.text().await.unwrap()));
            break;
        }
        assert_eq!(res.status(), StatusCode::OK);
    }
    let (wait, body) = refused.expect("the budget runs out");
    assert!((1..=10).contains(&wait), "{wait}");
    let error = orgdeck::error::AppError::from_wire(body.as_bytes()).unwrap();
    assert!(matches!(error, orgdeck::error::AppError::BudgetSpent { .. }), "{body}");
    assert!(error.detail().contains("6,000") && error.fix().starts_with("Try again in"), "{error:?}");
}
