//! What other sites cannot make Orgdeck do: headers, the Origin guard, tenant addresses.

use reqwest::header::ORIGIN;
use reqwest::{Response, StatusCode};
use workos_emulator::{spawn, Seed};

use super::common::*;

#[tokio::test]
async fn every_answer_carries_security_headers_and_a_page_runs_only_its_own_scripts() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let header = |res: &Response, name: &str| res.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let res = ada.get(format!("{}/", app.base)).send().await.unwrap();
        let csp = header(&res, "content-security-policy");
        let html = res.text().await.unwrap();
        let nonce = csp.split("'nonce-").nth(1).and_then(|n| n.split('\'').next()).expect(&csp).to_string();
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the policy's nonce: {csp}");
        assert!(csp.contains(&format!("connect-src 'self' {};", app.state.settings.api.base_url())), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("'unsafe-eval'"), "{csp}");
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a nonce per page");
    let paths = ["/health", "/login", "/favicon.ico", "/auth/callback", "/api/widget_token", "/no-such-page"];
    for path in paths {
        let res = browser_without_cookies().get(format!("{}{path}", app.base)).send().await.unwrap();
        assert!(header(&res, "content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&res, "x-frame-options"), "DENY", "{path}");
        assert_eq!(header(&res, "referrer-policy"), "strict-origin-when-cross-origin", "{path}");
        assert_eq!(header(&res, "strict-transport-security"), "", "{path}: not over plain http");
    }
    let https = start_with(|s| s.secure_cookies = true).await;
    let res = browser().get(format!("{}/health", https.base)).send().await.unwrap();
    assert!(header(&res, "strict-transport-security").starts_with("max-age="), "behind https: HSTS");
}

#[tokio::test]
async fn state_changing_requests_from_elsewhere_are_refused() {
    let app = start().await;
    let client = browser();
    app.sign_in(&client, "ada@acme.test").await;
    for origin in [None, Some("https://evil.example")] {
        let res = app.server_fn(&client, "widget_token", &[("slug", "users")], origin).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{origin:?}");
        let res = client.post(format!("{}/logout", app.base)).header(ORIGIN, origin.unwrap_or("null")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let res = client.post(format!("{}/logout", app.base)).header(ORIGIN, &app.base).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with(&format!("{}/user_management/sessions/logout?session_id=session_", app.emu.base_url())));
    assert!(cookies(res.headers()).iter().any(|c| c.starts_with("wos-session=;") && c.contains("Max-Age=0")));
}

#[tokio::test]
async fn a_tenant_address_lets_in_only_a_session_already_in_its_organization() {
    let emu = spawn(Seed::default_seed(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let org = |name: &str| emu.emulator.db().organizations.iter().find(|o| o.name == name).unwrap().id.clone();
    let (acme, globex) = (org("Acme Corp"), org("Globex Inc"));
    drop(emu);
    let app = start_with(move |s| s.tenants = vec![("acme".into(), acme.clone()), ("globex".into(), globex.clone())]).await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let res = ada.get(format!("{}/t/acme", app.base)).send().await.unwrap();
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/".to_string()));
    let res = ada.get(format!("{}/t/globex", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = res.text().await.unwrap();
    assert!(page.contains("You are signed in to another tenant") && page.contains("globex"), "{page}");
    let res = ada.get(format!("{}/t/%3Cscript%3E", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let page = res.text().await.unwrap();
    assert!(page.contains("&lt;script&gt;") && !page.contains("<script>"), "escaped: {page}");
    // Signed out: sign in first, then back here.
    let res = browser().get(format!("{}/t/acme", app.base)).send().await.unwrap();
    assert!(location(&res).starts_with("/login?return_to="), "{}", location(&res));
}

#[tokio::test]
async fn private_answers_are_never_kept_by_a_cache_but_hashed_files_are_kept_a_year() {
    let app = start().await;
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let keep = |res: &Response| res.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    for path in ["/", "/events", "/widgets/users", "/return/users?outcome=done", "/lab", "/doctor"] {
        let res = ada.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(keep(&res), "no-store", "{path}");
    }
    for (name, form) in [("widget_token", vec![("slug", "users")]), ("dashboard", vec![]), ("return_page", vec![("slug", "users")])] {
        let res = app.server_fn(&ada, name, &form, Some(&app.base)).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}");
        assert_eq!(keep(&res), "no-store", "/api/{name}");
    }
    // Refusals too: a signed-out call and a signed-out page.
    let res = app.server_fn(&browser_without_cookies(), "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!((res.status(), keep(&res).as_str()), (StatusCode::UNAUTHORIZED, "no-store"));
    let res = browser_without_cookies().get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!((res.status(), keep(&res).as_str()), (StatusCode::SEE_OTHER, "no-store"));
    let hashes = std::fs::read_to_string("target/debug/hash.txt").expect("cargo leptos build writes the content hashes");
    let wasm = hashes.lines().find_map(|l| l.strip_prefix("wasm:")).expect("wasm").trim().to_string();
    let res = ada.get(format!("{}/pkg/orgdeck.{wasm}.wasm", app.base)).send().await.unwrap();
    assert_eq!(keep(&res), "public, max-age=31536000, immutable");
}

/// The address WorkOS records for the session signed in with `forwarded_for` sent.
async fn recorded_ip(app: &App, forwarded_for: &str) -> Option<String> {
    let client = browser();
    let callback = app.callback_url(&client, "max@acme.test", None).await;
    let res = client.get(callback).header("x-forwarded-for", forwarded_for).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let db = app.emu.emulator.db();
    let newest = db.sessions.values().filter(|s| s.active).max_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    newest.and_then(|s| s.ip_address.clone())
}

#[tokio::test]
async fn a_spoofed_forwarded_address_is_ignored_unless_a_trusted_proxy_sent_it() {
    let app = start().await;
    assert_eq!(recorded_ip(&app, "6.6.6.6").await.as_deref(), Some("127.0.0.1"), "no trusted proxy: the connection's address");
    let behind = start_with(|s| s.trusted_proxies = orgdeck::server::proxies::parse("127.0.0.1").unwrap()).await;
    // The browser's own hop (spoofed) is left of what the trusted proxy appended.
    assert_eq!(recorded_ip(&behind, "6.6.6.6, 198.51.100.20").await.as_deref(), Some("198.51.100.20"));
}
