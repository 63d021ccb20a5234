//! The live feed: a page catches up on what arrived while its feed was not open.

use reqwest::{Client, StatusCode};

use super::common::*;

/// What `/events/live` sends first within `wait`, if anything.
async fn first_live_chunk(client: &Client, base: &str, since: &str, wait: std::time::Duration) -> String {
    let mut live = client.get(format!("{base}/events/live")).query(&[("since", since)]).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let mut seen = String::new();
    let _ = tokio::time::timeout(wait, async {
        while let Some(chunk) = live.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains("\n\n") {
                return;
            }
        }
    })
    .await;
    seen
}

#[tokio::test]
async fn an_event_stored_after_the_page_read_its_data_refreshes_the_page_when_its_feed_opens() {
    const SECRET: &str = "whsec_orgdeck_live";
    let app = start_with(|s| s.webhook_secret = Some(SECRET.into())).await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let acme = app.org_id("Acme Corp");
    let rendered = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    // The webhook lands between the page's render and its feed's first connection.
    let body = invitation_event("event_01LIVEGAP", &acme);
    assert_eq!(deliver_signed(&app.base, SECRET, &body).await, StatusCode::OK);

    let missed = first_live_chunk(&ada, &app.base, &rendered, std::time::Duration::from_secs(5)).await;
    assert!(missed.starts_with("event: lagged"), "the page is told to refresh at once: {missed:?}");
    // A page rendered after it has nothing to catch up on.
    let later = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let quiet = first_live_chunk(&ada, &app.base, &later, std::time::Duration::from_millis(500)).await;
    assert!(!quiet.contains("lagged"), "{quiet:?}");
}
