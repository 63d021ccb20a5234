//! Hosted Admin Portal flows and the return page's fresh state.

use reqwest::header::ORIGIN;
use reqwest::StatusCode;

use super::common::*;

#[tokio::test]
async fn a_portal_flow_is_for_the_sessions_organization_and_only_its_user_sees_it() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let res = ada.post(format!("{}/portal/domain_verification", app.base)).header(ORIGIN, &app.base).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with(&format!("{}/portal/launch?secret=", app.emu.base_url())));
    let link = app.emu.emulator.db().portal_links.values().next().cloned().unwrap();
    assert_eq!(link.organization_id, app.org_id("Acme Corp"), "the session's organization");
    let back = link.return_url.unwrap();
    assert!(back.starts_with(&format!("{}/return/domains?flow=flow_", app.base)) && back.ends_with("&outcome=returned"), "{back}");
    let flow = back.split("flow=").nth(1).unwrap().split('&').next().unwrap().to_string();

    let body = app.server_fn(&ada, "return_page", &[("slug", "domains"), ("flow", &flow), ("outcome", "returned")], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains("\"outcome\":\"returned\""), "{body}");
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    let body = app.server_fn(&max, "return_page", &[("slug", "profile"), ("flow", &flow)], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains("not one of yours"), "{body}");
    // A member cannot start one at all.
    let res = max.post(format!("{}/portal/sso", app.base)).header(ORIGIN, &app.base).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_return_state_reads_what_only_the_widget_api_shows_the_stream_and_certificate_dates() {
    let app = start().await;
    let bea = browser();
    app.sign_in_to(&bea, "bea@globex.test", Some(&app.org_id("Globex Inc"))).await;
    let body = app.server_fn(&bea, "return_page", &[("slug", "audit-log-streaming")], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains(r#""destination":"Datadog","state":"Active""#), "{body}");
    let body = app.server_fn(&bea, "return_page", &[("slug", "sso")], Some(&app.base)).await.text().await.unwrap();
    let ends = app.emu.emulator.db().connections[0].certificates[0].not_after.clone();
    assert!(body.contains(&format!(r#""certificate_ends":"{ends}""#)), "{ends} in {body}");
    // In Acme, which streams nowhere, there is no stream, and no error.
    let acme = browser();
    app.sign_in(&acme, "ada@acme.test").await;
    let body = app.server_fn(&acme, "return_page", &[("slug", "audit-log-streaming")], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains(r#""stream":null"#), "{body}");
}

#[tokio::test]
async fn a_second_click_while_the_link_lives_resumes_the_flow_without_a_second_snapshot() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let start_flow = || async { ada.post(format!("{}/portal/domain_verification", app.base)).header(ORIGIN, &app.base).send().await.unwrap() };
    let flow_of = |res: &reqwest::Response| {
        let secret = location(res).split("secret=").nth(1).unwrap().to_string();
        let link = app.emu.emulator.db().portal_links.get(&secret).cloned().unwrap();
        link.return_url.unwrap().split("flow=").nth(1).unwrap().split('&').next().unwrap().to_string()
    };
    let first = start_flow().await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let reads = workos_requests(&app, "GET /organizations/{id}").await;
    let second = start_flow().await;
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    assert_ne!(location(&first), location(&second), "a new link: each is good once");
    assert_eq!(flow_of(&first), flow_of(&second), "the same flow");
    assert_eq!(workos_requests(&app, "GET /organizations/{id}").await, reads, "no second snapshot");
    let (acme, ada_id) = (app.org_id("Acme Corp"), app.emu.emulator.db().user_by_email("ada@acme.test").unwrap().id.clone());
    assert_eq!(app.state.store.recent_flows(&acme, &ada_id, 10).await.unwrap().len(), 1);
    // Once it came back, a click is a new flow.
    let flow = flow_of(&second);
    app.server_fn(&ada, "return_page", &[("slug", "domains"), ("flow", &flow), ("outcome", "returned")], Some(&app.base)).await;
    let third = start_flow().await;
    assert_ne!(flow_of(&third), flow);
    assert_eq!(app.state.store.recent_flows(&acme, &ada_id, 10).await.unwrap().len(), 2);
}

#[tokio::test]
async fn the_return_pages_reads_are_shared_by_the_views_of_the_same_moment() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let before = workos_requests(&app, "GET /connections").await;
    for _ in 0..5 {
        let res = app.server_fn(&ada, "return_page", &[("slug", "sso")], Some(&app.base)).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert_eq!(workos_requests(&app, "GET /connections").await, before + 1, "five views at once, one read");
    // A moment later the page reads WorkOS again.
    tokio::time::sleep(orgdeck::server::read_cache::FRESH_FOR + std::time::Duration::from_millis(200)).await;
    app.server_fn(&ada, "return_page", &[("slug", "sso")], Some(&app.base)).await;
    assert_eq!(workos_requests(&app, "GET /connections").await, before + 2);
}
