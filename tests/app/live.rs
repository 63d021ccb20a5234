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

/// Reads `live` until its stream ends or `wait` passes: what it sent, and whether it ended.
async fn read_until_end(live: &mut reqwest::Response, wait: std::time::Duration) -> (String, bool) {
    let mut seen = String::new();
    let ended = tokio::time::timeout(wait, async {
        while let Ok(Some(chunk)) = live.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .is_ok();
    (seen, ended)
}

#[tokio::test]
async fn a_session_holds_at_most_eight_streams_and_the_ninth_is_refused() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let mut open = Vec::new();
    for i in 0..8 {
        let res = ada.get(format!("{}/events/live", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "stream {i}");
        open.push(res);
    }
    let ninth = ada.get(format!("{}/events/live", app.base)).send().await.unwrap();
    assert_eq!(ninth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(ninth.headers().get("retry-after").is_some());
    // Another session has its own.
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    assert_eq!(max.get(format!("{}/events/live", app.base)).send().await.unwrap().status(), StatusCode::OK);
    drop(open);
    let mut again = StatusCode::TOO_MANY_REQUESTS;
    for _ in 0..50 {
        again = ada.get(format!("{}/events/live", app.base)).send().await.unwrap().status();
        if again == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(again, StatusCode::OK, "closed streams give their places back");
}

#[tokio::test]
async fn a_stream_ends_when_its_session_signs_out() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let mut live = ada.get(format!("{}/events/live", app.base)).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let res = ada.post(format!("{}/logout", app.base)).header("origin", &app.base).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (seen, ended) = read_until_end(&mut live, std::time::Duration::from_secs(5)).await;
    assert!(ended && seen.contains("event: signed_out"), "{seen:?}");
}

#[tokio::test]
async fn a_removed_members_open_stream_ends_and_cannot_reopen() {
    let app = start().await;
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    let mut live = max.get(format!("{}/events/live", app.base)).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    // An admin removes Max from Acme; the event reaches Orgdeck.
    {
        let emu = &app.emu.emulator;
        let mut db = emu.db();
        let max_id = db.user_by_email("max@acme.test").unwrap().id.clone();
        let acme = db.organizations.iter().find(|o| o.name == "Acme Corp").unwrap().id.clone();
        let m = db.memberships.iter().find(|m| m.user_id == max_id && m.organization_id == acme).unwrap().clone();
        db.memberships.retain(|x| x.id != m.id);
        db.membership_event(emu, "organization_membership.deleted", &m);
    }
    orgdeck::server::webhooks::catch_up(&app.state).await.unwrap();
    let (_, ended) = read_until_end(&mut live, std::time::Duration::from_secs(5)).await;
    assert!(ended, "the stream ends with the membership");
    let again = max.get(format!("{}/events/live", app.base)).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NO_CONTENT, "its reconnect finds no membership");
    // Nor can he list the organization's events any more, though his token still names it.
    let res = app.server_fn(&max, "events_page", &[], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
