//! Who reads an organization's events: its admins all of them, a member only
//! those about himself (other people's sign-ins carry their IP address).

use reqwest::StatusCode;

use super::common::*;

/// The ids of the events `/api/events_page` lists for `client`.
async fn listed(app: &App, client: &reqwest::Client) -> Vec<String> {
    let res = app.server_fn(client, "events_page", &[], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: serde_json::Value = res.json().await.unwrap();
    page["rows"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_member_reads_only_the_events_about_himself_and_an_admin_reads_all() {
    let app = start().await;
    let (ada, max) = (browser(), browser());
    app.sign_in(&ada, "ada@acme.test").await;
    app.sign_in(&max, "max@acme.test").await;
    orgdeck::server::webhooks::catch_up(&app.state).await.unwrap();
    let max_id = app.emu.emulator.db().user_by_email("max@acme.test").unwrap().id.clone();
    let acme = app.org_id("Acme Corp");
    let query = orgdeck::server::store::EventQuery { organization_id: Some(acme), limit: 100, ..Default::default() };
    let stored = app.state.store.events(&query).await.unwrap();
    let about = |id: &String| stored.iter().find(|e| &e.id == id).and_then(|e| e.user_id.clone());
    let others: Vec<&String> = stored.iter().filter(|e| e.user_id.as_deref() != Some(max_id.as_str())).map(|e| &e.id).collect();
    assert!(stored.iter().any(|e| e.event == "session.created" && e.user_id.as_deref() != Some(max_id.as_str())), "Ada's sign-in is stored");

    let for_max = listed(&app, &max).await;
    assert!(!for_max.is_empty(), "his own sign-in is listed");
    assert!(for_max.iter().all(|id| about(id).as_deref() == Some(max_id.as_str())), "only events about Max");
    for id in others {
        let res = app.server_fn(&max, "event_payload", &[("id", id)], Some(&app.base)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{id}");
        assert!(!res.text().await.unwrap().contains("ip_address"));
    }
    let for_ada = listed(&app, &ada).await;
    assert!(for_ada.len() > for_max.len() && for_ada.iter().any(|id| about(id).as_deref() != Some(max_id.as_str())), "an admin reads them all");
    // Signed out, the payload call says so before it looks anything up.
    let res = app.server_fn(&browser_without_cookies(), "event_payload", &[("id", &for_max[0])], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
