//! The admin tools: the doctor's checks and who may use the lab.

use std::net::SocketAddr;
use leptos::prelude::LeptosOptions;
use orgdeck::server::settings::Settings;
use orgdeck::server::state::AppState;
use reqwest::StatusCode;

use super::common::*;

#[tokio::test]
async fn the_doctor_passes_a_good_emulator_setup_and_names_each_failure_with_its_fix() {
    use orgdeck::model::doctor::Verdict;
    use orgdeck::server::doctor::{failures, run};
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let body = app.server_fn(&ada, "doctor", &[], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains("\"verdict\":\"Pass\""), "{body}");
    assert!(!body.contains("\"verdict\":\"Fail\""), "{body}");

    // The same checks against a broken setup: a revoked key, no webhook secret, a tenant that is not there.
    let store = orgdeck::server::store::Store::connect("sqlite::memory:").await.unwrap();
    let addr: SocketAddr = "127.0.0.1:3999".parse().unwrap();
    let mut settings = Settings::from_sources(|_| None, Some("[tenants]\nacme-eu = \"org_01MISSING\"\n"), addr).unwrap();
    settings.use_emulator("sk_test_revoked", app.emu.emulator.client_id(), app.emu.addr);
    settings.mode = orgdeck::server::settings::Mode::Workos;
    settings.webhook_secret = None;
    app.emu.emulator.set_refused_origins(vec!["http://127.0.0.1:3999".into()]);
    let options = LeptosOptions::builder().output_name("orgdeck").site_root("target/site").site_addr(addr).build();
    let checks = run(&AppState::new(options, settings, store)).await;
    let verdict = |name: &str| checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("{name} in {checks:?}")).clone();
    let key = verdict("API key accepted");
    assert_eq!(key.verdict, Verdict::Fail);
    assert!(key.fix.unwrap().contains("sk_"), "the fix names the key");
    assert_eq!(verdict("Webhooks").verdict, Verdict::Fail);
    assert_eq!(verdict("Database").verdict, Verdict::Pass);
    let origin = verdict("Allowed web origin");
    assert_eq!(origin.verdict, Verdict::Fail);
    assert!(origin.fix.unwrap().contains("Allowed web origins"));
    assert_eq!(failures(&checks), 3, "{checks:#?}");

    // With the right key, the tenant that does not exist is named.
    let store = orgdeck::server::store::Store::connect("sqlite::memory:").await.unwrap();
    let mut settings = Settings::from_sources(|_| None, Some("[tenants]\nacme-eu = \"org_01MISSING\"\n"), addr).unwrap();
    settings.use_emulator(app.emu.emulator.api_key(), app.emu.emulator.client_id(), app.emu.addr);
    let options = LeptosOptions::builder().output_name("orgdeck").site_root("target/site").site_addr(addr).build();
    let checks = run(&AppState::new(options, settings, store)).await;
    let tenants = checks.iter().find(|c| c.name == "Tenant map").unwrap();
    assert_eq!(tenants.verdict, Verdict::Fail);
    assert!(tenants.detail.contains("acme-eu → org_01MISSING"), "{}", tenants.detail);
}

#[tokio::test]
async fn against_real_workos_only_the_listed_admins_may_use_the_lab_and_the_doctor() {
    let app = start_with(|s| {
        s.mode = orgdeck::server::settings::Mode::Workos;
        s.admins = vec!["ada@acme.test".into()];
    })
    .await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let res = app.server_fn(&ada, "lab_page", &[], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    for name in ["lab_page", "lab_history", "doctor"] {
        let res = app.server_fn(&max, name, &[], Some(&app.base)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        assert!(res.text().await.unwrap().contains("Leptos.toml"), "{name} names where admins are listed");
    }
    let res = app.server_fn(&max, "lab_mint", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn admins_are_listed_by_workos_user_id_or_by_an_email_workos_verified() {
    let emu_user = |app: &App, email: &str| app.emu.emulator.db().user_by_email(email).unwrap().id.clone();
    // By id: Ada's account, whatever its email says.
    let by_id = start_with(|s| s.mode = orgdeck::server::settings::Mode::Workos).await;
    let ada_id = emu_user(&by_id, "ada@acme.test");
    let by_id = start_with(|s| {
        s.mode = orgdeck::server::settings::Mode::Workos;
        s.admins = vec![ada_id.clone()];
    })
    .await;
    let ada = browser();
    by_id.sign_in(&ada, "ada@acme.test").await;
    assert_eq!(by_id.server_fn(&ada, "lab_history", &[], Some(&by_id.base)).await.status(), StatusCode::OK);
    // By email: only when WorkOS says that email is verified.
    let by_email = start_with(|s| {
        s.mode = orgdeck::server::settings::Mode::Workos;
        s.admins = vec!["max@acme.test".into()];
    })
    .await;
    by_email.emu.emulator.db().users.iter_mut().find(|u| u.email == "max@acme.test").unwrap().email_verified = false;
    let max = browser();
    by_email.sign_in(&max, "max@acme.test").await;
    assert_eq!(by_email.server_fn(&max, "lab_history", &[], Some(&by_email.base)).await.status(), StatusCode::FORBIDDEN);
    by_email.emu.emulator.db().users.iter_mut().find(|u| u.email == "max@acme.test").unwrap().email_verified = true;
    let max = browser();
    by_email.sign_in(&max, "max@acme.test").await;
    assert_eq!(by_email.server_fn(&max, "lab_history", &[], Some(&by_email.base)).await.status(), StatusCode::OK);
    // The doctor says which form is in use.
    let checks = orgdeck::server::doctor::run(&by_email.state).await;
    let admins = checks.iter().find(|c| c.name == "Admins").unwrap();
    assert!(admins.detail.contains("1 by email") && admins.detail.contains("verified"), "{admins:?}");
}
