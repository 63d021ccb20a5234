//! The dashboard's WorkOS reads: once, then afresh after an event or a sign-in.

use reqwest::StatusCode;

use super::common::*;

#[tokio::test]
async fn the_dashboard_reads_workos_once_and_afresh_after_an_event_or_a_sign_in() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let before = workos_requests(&app, "GET /organizations/{id}").await;
    // Twenty views at once: one WorkOS read between them.
    let views = futures::future::join_all((0..20).map(|_| dashboard(&app.base, &ada))).await;
    assert!(views.iter().all(|v| v["pending_invitations"] == 0));
    assert_eq!(workos_requests(&app, "GET /organizations/{id}").await, before + 1, "concurrent misses share one call");
    assert_eq!(workos_requests(&app, "GET /user_management/users/{id}").await, 1);

    // A change that arrives as an event is seen on the next view.
    let org = app.org_id("Acme Corp");
    app.emu.emulator.db().organizations.iter_mut().find(|o| o.id == org).unwrap().name = "Acme Renamed".into();
    assert_eq!(dashboard(&app.base, &ada).await["org_name"], "Acme Corp", "kept until WorkOS says it changed");
    let renamed = orgdeck::server::store::StoredEvent {
        id: "event_01TEST".into(),
        event: "organization.updated".into(),
        organization_id: Some(org.clone()),
        user_id: None,
        created_at: String::new(),
        received_at: String::new(),
        source: "webhook".into(),
        payload: "{}".into(),
    };
    app.state.feed.publish(renamed).await;
    assert_eq!(dashboard(&app.base, &ada).await["org_name"], "Acme Renamed");
    assert_eq!(workos_requests(&app, "GET /organizations/{id}").await, before + 2);

    // Another organization's event leaves this one's reads alone.
    let other = orgdeck::server::store::StoredEvent {
        id: "event_02TEST".into(),
        event: "organization.updated".into(),
        organization_id: Some("org_01ELSEWHERE".into()),
        user_id: None,
        created_at: String::new(),
        received_at: String::new(),
        source: "webhook".into(),
        payload: "{}".into(),
    };
    app.state.feed.publish(other).await;
    dashboard(&app.base, &ada).await;
    assert_eq!(workos_requests(&app, "GET /organizations/{id}").await, before + 2);

    // A new sign-in starts on WorkOS's current state.
    let again = browser();
    app.sign_in(&again, "ada@acme.test").await;
    dashboard(&app.base, &again).await;
    assert_eq!(workos_requests(&app, "GET /organizations/{id}").await, before + 3);
}

#[tokio::test]
async fn a_refused_call_leaves_the_organizations_reads_cached() {
    let app = start().await;
    let (ada, max) = (browser(), browser());
    app.sign_in(&ada, "ada@acme.test").await;
    app.sign_in(&max, "max@acme.test").await;
    dashboard(&app.base, &ada).await;
    let before = workos_requests(&app, "GET /organizations/{id}").await;
    // Max may not see the members: refused, and the cache is untouched.
    let res = app.server_fn(&max, "return_page", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    dashboard(&app.base, &ada).await;
    assert_eq!(workos_requests(&app, "GET /organizations/{id}").await, before, "Ada's dashboard is still served from the cache");
}
