//! Orgdeck's router against the WorkOS emulator, without a browser: sign-in,
//! cookies, session refresh, the Origin guard, and tokens bound to the session.
#![cfg(feature = "ssr")]

mod common;

use std::net::SocketAddr;

use common::*;
use leptos::prelude::LeptosOptions;
use orgdeck::server::settings::Settings;
use orgdeck::server::state::AppState;
use reqwest::header::{HeaderMap, ORIGIN};
use reqwest::{Client, Response, StatusCode};
use workos_emulator::{spawn, Seed};

fn claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

#[tokio::test]
async fn signed_out_pages_go_to_sign_in_and_come_back() {
    let app = start().await;
    let res = browser().get(format!("{}/widgets/users", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?return_to=%2Fwidgets%2Fusers");

    let client = browser();
    let res = app.sign_in(&client, "ada@acme.test").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/widgets/users", "a clean URL: no code left in it");
    let set = cookies(res.headers());
    let session = set.iter().find(|c| c.starts_with("wos-session=")).expect("session cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(attr), "{session}");
    }
    assert!(!session.contains("Secure"), "plain http on loopback");
    assert!(set.iter().any(|c| c.starts_with("orgdeck-sign-in=;")), "the sign-in cookie is cleared");

    let page = client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Acme Corp") && html.contains("3 members · 0 pending invitations"), "{html}");
}

#[tokio::test]
async fn a_callback_is_good_once_and_only_with_its_state() {
    let app = start().await;
    let client = browser();
    let res = client.get(format!("{}/auth/callback?code=abc&state=forged", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("This sign-in link has expired"));
    assert!(app.sign_in(&client, "ada@acme.test").await.status().is_redirection());
}

#[tokio::test]
async fn a_sign_in_is_bound_to_the_browser_that_started_it_by_state_and_pkce() {
    use workos::resources::user_management::AuthenticateWithCodeParams;
    let app = start().await;
    let res = browser().get(format!("{}/login", app.base)).send().await.unwrap();
    let authorize = reqwest::Url::parse(&location(&res)).unwrap();
    let query: std::collections::HashMap<String, String> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query.get("code_challenge_method").map(String::as_str), Some("S256"), "{authorize}");
    assert_eq!(query.get("code_challenge").map(String::len), Some(43), "a SHA-256, base64url: {authorize}");

    // The browser that started it, with its sign-in cookie kept by hand.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let started = Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_provider(jar.clone()).build().unwrap();
    let callback = app.callback_url(&started, "ada@acme.test", None).await;
    let base = reqwest::Url::parse(&app.base).unwrap();
    let its_cookies = reqwest::cookie::CookieStore::cookies(&*jar, &base).unwrap();

    // Another browser with the same address: no sign-in cookie, no session.
    let other = browser();
    let res = other.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("This sign-in link has expired"));
    // The browser that started it signs in once ...
    let res = started.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // ... and the same callback replayed, even with the cookie it had then, is refused (WorkOS's codes are single-use).
    let res = browser_without_cookies().get(&callback).header(reqwest::header::COOKIE, its_cookies).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "a used code is the browser's stale link, not a WorkOS failure");
    assert!(cookies(res.headers()).iter().all(|c| !c.starts_with("wos-session=") || c.starts_with("wos-session=;")));

    // A code that leaks on its way back is worthless without the verifier only the sealed cookie holds.
    let leaked = app.callback_url(&browser(), "ada@acme.test", None).await;
    let code = reqwest::Url::parse(&leaked).unwrap().query_pairs().find(|(k, _)| k == "code").unwrap().1.to_string();
    let um = app.state.workos.user_management();
    assert!(um.authenticate_with_code(AuthenticateWithCodeParams::new(code.clone())).await.is_err(), "no verifier");
    let wrong = AuthenticateWithCodeParams { code_verifier: Some("x".repeat(43).into()), ..AuthenticateWithCodeParams::new(code) };
    assert!(um.authenticate_with_code(wrong).await.is_err(), "another verifier");
}

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
async fn the_token_is_for_the_sessions_organization_whatever_the_request_says() {
    let app = start().await;
    let client = browser();
    app.sign_in(&client, "ada@acme.test").await;
    let globex = app.org_id("Globex Inc");
    let res = app
        .server_fn(&client, "widget_token", &[("slug", "users"), ("organization_id", globex.as_str())], Some(&app.base))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let token: String = res.json().await.unwrap();
    let c = claims(&token);
    assert_eq!(c["org_id"], app.org_id("Acme Corp").as_str());
    assert_eq!(c["permissions"], serde_json::json!(["widgets:users-table:manage"]));
    let again: String = app.server_fn(&client, "widget_token", &[("slug", "users")], Some(&app.base)).await.json().await.unwrap();
    assert_ne!(again, token, "minted on every call, never cached");
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
async fn a_member_gets_missing_permission_not_a_token() {
    let app = start().await;
    let client = browser();
    app.sign_in(&client, "max@acme.test").await;
    let res = app.server_fn(&client, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert!(res.status().is_server_error() || res.status().is_client_error());
    let body = res.text().await.unwrap();
    assert!(body.contains("MissingPermission") && body.contains("widgets:users-table:manage"), "{body}");
    let res = app.server_fn(&browser(), "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert!(res.text().await.unwrap().contains("NotSignedIn"));
}

#[tokio::test]
async fn an_expired_session_is_refreshed_once_for_concurrent_requests() {
    let app = start().await;
    // Sign in "ten minutes ago": the access token in the cookie has expired.
    app.emu.emulator.clock().set_offset(-600);
    let client = browser();
    let res = app.sign_in(&client, "ada@acme.test").await;
    app.emu.emulator.clock().set_offset(0);
    let stale = cookies(res.headers())
        .into_iter()
        .find(|c| c.starts_with("wos-session="))
        .map(|c| c.split(';').next().unwrap().to_string())
        .unwrap();
    let plain = browser_without_cookies();
    let requests = (0..6).map(|_| plain.get(format!("{}/", app.base)).header("cookie", &stale).send());
    let responses = futures::future::join_all(requests).await;
    let mut fresh = std::collections::HashSet::new();
    for res in responses {
        let res = res.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "every request is served (the refresh token is spent once)");
        let cookie = cookies(res.headers()).into_iter().find(|c| c.starts_with("wos-session=")).expect("a new cookie");
        fresh.insert(cookie.split(';').next().unwrap().to_string());
    }
    assert_eq!(fresh.len(), 1, "one refresh, shared");
    let new_cookie = fresh.into_iter().next().unwrap();
    let res = plain.get(format!("{}/", app.base)).header("cookie", &new_cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(cookies(res.headers()).is_empty(), "a valid session needs no new cookie");
}

#[tokio::test]
async fn a_wrong_api_key_is_explained_at_sign_in() {
    let app = start_with(|s| s.api_key = "sk_test_not_the_key".into()).await;
    let client = browser();
    let res = app.sign_in(&client, "ada@acme.test").await;
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    let html = res.text().await.unwrap();
    assert!(html.contains("WorkOS refused Orgdeck&#39;s API key") || html.contains("WorkOS refused Orgdeck's API key"), "{html}");
    assert!(html.contains("WORKOS_API_KEY") && html.contains("sk_"));
    assert!(!html.contains("sk_test_not_the_key"), "the key itself is never shown");
}

#[tokio::test]
async fn behind_https_the_cookies_are_host_only_and_secure() {
    let app = start_with(|s| s.secure_cookies = true).await;
    let plain = browser_without_cookies();
    let res = plain.get(format!("{}/login", app.base)).send().await.unwrap();
    let sign_in = cookies(res.headers()).into_iter().next().unwrap();
    assert!(sign_in.starts_with("__Host-orgdeck-sign-in="), "{sign_in}");
    for attr in ["; Path=/", "; HttpOnly", "; SameSite=Lax", "; Secure"] {
        assert!(sign_in.contains(attr), "{attr}: {sign_in}");
    }
    assert!(!sign_in.to_lowercase().contains("domain="), "{sign_in}");
    // The session is read under the prefixed name only.
    let res = plain.get(format!("{}/", app.base)).header("cookie", "__Host-wos-session=bm90IGEgc2Vzc2lvbg==").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(cookies(res.headers()).iter().any(|c| c.starts_with("__Host-wos-session=;")), "the bad one is cleared");
    let res = plain.get(format!("{}/", app.base)).header("cookie", "wos-session=bm90IGEgc2Vzc2lvbg==").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(cookies(res.headers()).is_empty(), "an unprefixed cookie is not Orgdeck's behind https");
}

#[tokio::test]
async fn a_tampered_cookie_signs_you_out() {
    let app = start().await;
    let plain = browser_without_cookies();
    let res = plain.get(format!("{}/", app.base)).header("cookie", "wos-session=bm90IGEgc2Vzc2lvbg==").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(cookies(res.headers()).iter().any(|c| c.starts_with("wos-session=;")));
}

#[tokio::test]
async fn switching_organization_moves_the_session_only_where_the_user_belongs() {
    let app = start().await;
    let client = browser();
    app.sign_in(&client, "max@acme.test").await;
    let globex = app.org_id("Globex Inc");
    let res = app.server_fn(&client, "switch_organization", &[("organization_id", globex.as_str())], Some(&app.base)).await;
    let body = res.text().await.unwrap();
    assert!(body.contains("Invalid") && body.contains("not an active member"), "{body}");
    // Still in Acme, still signed in.
    let body = app.server_fn(&client, "widget_token", &[("slug", "users")], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains("MissingPermission"), "max is still Acme's member: {body}");
}

#[tokio::test]
async fn on_the_emulator_sign_in_returns_to_the_loopback_host_the_browser_used() {
    let app = start().await;
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let res = browser_without_cookies()
        .get(format!("{}/login", app.base))
        .header("Host", format!("localhost:{port}"))
        .send()
        .await
        .unwrap();
    let wanted = format!("redirect_uri=http%3A%2F%2Flocalhost%3A{port}%2Fauth%2Fcallback");
    assert!(location(&res).contains(&wanted), "{}", location(&res));
    // Another host, or a configured redirect URI, gets the configured one.
    let res = browser_without_cookies().get(format!("{}/login", app.base)).header("Host", format!("evil.example:{port}")).send().await.unwrap();
    assert!(location(&res).contains("redirect_uri=http%3A%2F%2F127.0.0.1"), "{}", location(&res));
    let fixed = start_with(|s| s.redirect_uri_fixed = true).await;
    let res = browser_without_cookies().get(format!("{}/login", fixed.base)).header("Host", format!("localhost:{port}")).send().await.unwrap();
    assert!(location(&res).contains("redirect_uri=http%3A%2F%2F127.0.0.1"), "{}", location(&res));
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookies(headers).into_iter().find(|c| c.starts_with("wos-session=")).map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn a_nearly_expired_token_is_refreshed_early_and_a_revoked_session_signs_out() {
    let app = start().await;
    // Tokens minted "250 s ago" have under a minute left: each request refreshes.
    app.emu.emulator.clock().set_offset(-250);
    let client = browser_without_cookies();
    let res = app.sign_in(&browser(), "ada@acme.test").await;
    let first = session_cookie(res.headers()).unwrap();
    let res = client.get(format!("{}/", app.base)).header("cookie", &first).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let second = session_cookie(res.headers()).expect("refreshed before it expired");
    assert_ne!(first, second);

    // The session is revoked at WorkOS (from another browser, say): the next refresh fails.
    let sid = app.emu.emulator.db().sessions.values().find(|s| s.active).unwrap().id.clone();
    app.emu.emulator.db().revoke_session(&app.emu.emulator, &sid);
    let res = client.get(format!("{}/", app.base)).header("cookie", &second).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
    assert!(cookies(res.headers()).iter().any(|c| c.starts_with("wos-session=;")), "the cookie is cleared");
}

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

    let body = app.server_fn(&ada, "capability_now", &[("slug", "domains"), ("flow", &flow), ("outcome", "returned")], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains("\"outcome\":\"returned\""), "{body}");
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    let body = app.server_fn(&max, "capability_now", &[("slug", "profile"), ("flow", &flow)], Some(&app.base)).await.text().await.unwrap();
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
    let body = app.server_fn(&bea, "capability_now", &[("slug", "audit-log-streaming")], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains(r#""destination":"Datadog","state":"Active""#), "{body}");
    let body = app.server_fn(&bea, "capability_now", &[("slug", "sso")], Some(&app.base)).await.text().await.unwrap();
    let ends = app.emu.emulator.db().connections[0].certificates[0].not_after.clone();
    assert!(body.contains(&format!(r#""certificate_ends":"{ends}""#)), "{ends} in {body}");
    // In Acme, which streams nowhere, there is no stream, and no error.
    let acme = browser();
    app.sign_in(&acme, "ada@acme.test").await;
    let body = app.server_fn(&acme, "capability_now", &[("slug", "audit-log-streaming")], Some(&app.base)).await.text().await.unwrap();
    assert!(body.contains(r#""stream":null"#), "{body}");
}

#[tokio::test]
async fn server_functions_answer_with_the_status_their_error_means() {
    let app = start().await;
    let nobody = browser();
    let res = app.server_fn(&nobody, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.text().await.unwrap().contains("NotSignedIn"));
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    let res = app.server_fn(&max, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.server_fn(&max, "widget_token", &[("slug", "no-such-widget")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.server_fn(&max, "widget_token", &[("slug", "profile")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::OK);
    // A browser accepts compressed answers: the status is the same.
    let res = max
        .post(format!("{}/api/widget_token", app.base))
        .form(&[("slug", "users")])
        .header(ORIGIN, &app.base)
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // What no page of Orgdeck sends is the caller's mistake: 400, never 500.
    let malformed: [(&str, &str); 3] = [
        ("application/json", r#"{"slug": "users""#),
        ("application/x-www-form-urlencoded", "organization_id=org_1"),
        ("application/x-www-form-urlencoded", "slug=%ZZ&slug=users"),
    ];
    for (kind, body) in malformed {
        let res = max
            .post(format!("{}/api/widget_token", app.base))
            .header("content-type", kind)
            .header(ORIGIN, &app.base)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{kind}: {body}");
        assert!(res.text().await.unwrap().contains("BadRequest"), "{kind}: {body}");
    }
    // WorkOS's 429 is passed on with its Retry-After (after the SDK's own retries).
    let fault = |status: Option<u16>, retry_after: Option<u64>, hang: bool| workos_emulator::faults::Fault {
        path: "/widgets/token".into(),
        method: None,
        status,
        body: None,
        delay_ms: 0,
        count: None,
        retry_after,
        hang,
    };
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    app.emu.emulator.faults().add(fault(Some(429), Some(1), false));
    let res = app.server_fn(&ada, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers().get("retry-after").map(|v| v.to_str().unwrap()), Some("1"));
    assert!(res.text().await.unwrap().contains("RateLimited"));
    // WorkOS failing is a bad gateway; WorkOS silent past the timeout, a gateway timeout.
    app.emu.emulator.faults().clear();
    app.emu.emulator.faults().add(fault(Some(500), None, false));
    let res = app.server_fn(&ada, "widget_token", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::BAD_GATEWAY);
    // What WorkOS says of the request itself is passed on: a conflict, a field it refuses,
    // and its refusal of Orgdeck's own key (Orgdeck's fault, not the browser's: 502).
    let cases: [(u16, &str, StatusCode, &str); 3] = [
        (409, r#"{"message": "Already exists."}"#, StatusCode::CONFLICT, "Conflict"),
        (422, r#"{"message": "Validation failed", "errors": [{"field": "scopes", "code": "invalid"}]}"#, StatusCode::UNPROCESSABLE_ENTITY, "scopes"),
        (401, r#"{"message": "Unauthorized"}"#, StatusCode::BAD_GATEWAY, "WorkosUnauthorized"),
    ];
    for (status, body, expected, names) in cases {
        app.emu.emulator.faults().clear();
        app.emu.emulator.faults().add(workos_emulator::faults::Fault { body: Some(serde_json::from_str(body).unwrap()), ..fault(Some(status), None, false) });
        let res = app.server_fn(&ada, "widget_token", &[("slug", "users")], Some(&app.base)).await;
        assert_eq!(res.status(), expected, "WorkOS {status}");
        assert!(res.text().await.unwrap().contains(names), "WorkOS {status}");
    }
    let hurried = start_with(|s| s.timeout = std::time::Duration::from_millis(300)).await;
    let bob = browser();
    hurried.sign_in(&bob, "ada@acme.test").await;
    hurried.emu.emulator.faults().add(fault(None, None, true));
    let res = hurried.server_fn(&bob, "widget_token", &[("slug", "users")], Some(&hurried.base)).await;
    assert_eq!(res.status(), StatusCode::GATEWAY_TIMEOUT);
    assert!(res.text().await.unwrap().contains("\"timed_out\":true"));
}

#[tokio::test]
async fn the_doctor_passes_a_good_emulator_setup_and_names_each_failure_with_its_fix() {
    use orgdeck::api::doctor::Verdict;
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
    let res = app.server_fn(&ada, "lab_setup", &[], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let max = browser();
    app.sign_in(&max, "max@acme.test").await;
    for name in ["lab_setup", "lab_history", "doctor"] {
        let res = app.server_fn(&max, name, &[], Some(&app.base)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
        assert!(res.text().await.unwrap().contains("Leptos.toml"), "{name} names where admins are listed");
    }
    let res = app.server_fn(&max, "lab_mint", &[("slug", "users")], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
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
async fn text_is_compressed_for_browsers_that_accept_it() {
    let app = start().await;
    let client = browser_without_cookies();
    let bundle = orgdeck::server::assets::widget_bundle(std::path::Path::new("target/site"));
    assert!(!bundle.contains("missing"), "make build writes the widgets bundle's manifest");
    let bundle_css = bundle.replace("host.js", "host.css");
    let hashes = std::fs::read_to_string("target/debug/hash.txt").expect("cargo leptos build writes the content hashes");
    let hashed = |ext: &str| {
        let hash = hashes.lines().find_map(|l| l.strip_prefix(&format!("{ext}:"))).expect(ext).trim();
        format!("/pkg/orgdeck.{hash}.{ext}")
    };
    let (wasm, js, css) = (hashed("wasm"), hashed("js"), hashed("css"));
    for path in [&wasm, &js, &css, &bundle, &bundle_css] {
        for (accept, expected) in [("br, gzip", "br"), ("gzip", "gzip")] {
            let res = client.get(format!("{}{path}", app.base)).header("accept-encoding", accept).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some(expected), "{path} for {accept}");
            let keep = res.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            assert_eq!(keep, "public, max-age=31536000, immutable", "{path}: named by its content, kept a year");
        }
        let plain = client.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert!(plain.headers().get("content-encoding").is_none(), "{path}: none for a client that accepts none");
    }
    // A page, compressed on the fly.
    let res = client.get(format!("{}/health", app.base)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = client.get(format!("{}/login", app.base)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let ada = browser();
    app.sign_in(&ada, "ada@acme.test").await;
    let page = ada.get(format!("{}/", app.base)).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(page.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"), "a server-rendered page");
    let fn_answer = app.server_fn(&ada, "dashboard", &[], Some(&app.base)).await;
    assert_eq!(fn_answer.status(), StatusCode::OK);
    // Pages link this build's names, and an unhashed name is not there to be served stale.
    let html = ada.get(format!("{}/", app.base)).send().await.unwrap().text().await.unwrap();
    for path in [&wasm, &js, &css] {
        let name = path.trim_start_matches("/pkg/").trim_end_matches(".wasm").trim_end_matches(".js").trim_end_matches(".css");
        assert!(html.contains(name), "the dashboard links {path}: {html}");
    }
    let page = client.get(format!("{}/auth/callback", app.base)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("href=\"{css}\"")), "the sign-in pages outside Leptos link it too: {page}");
    let stale = client.get(format!("{}/pkg/orgdeck.css", app.base)).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
}

/// Leptos writes a page in several pieces; with Nagle's algorithm on, each
/// page on a kept-alive connection waits ~40 ms for the client's delayed ACK.
#[tokio::test]
async fn every_connection_the_server_accepts_has_nagles_algorithm_off() {
    use axum::serve::Listener;
    let mut served = orgdeck::server::router::nodelay(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap());
    let addr = served.local_addr().unwrap();
    let (client, (accepted, _)) = tokio::join!(tokio::net::TcpStream::connect(addr), served.accept());
    client.unwrap();
    assert!(accepted.nodelay().unwrap(), "TCP_NODELAY on what the server accepts");
    // What the check would see without it: the default is off.
    let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (client, accepted) = tokio::join!(tokio::net::TcpStream::connect(plain.local_addr().unwrap()), plain.accept());
    client.unwrap();
    assert!(!accepted.unwrap().0.nodelay().unwrap());
}

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
