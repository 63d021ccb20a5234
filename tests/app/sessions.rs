//! The session cookie: sealed, refreshed once when it expires, resolved once
//! per cookie, moved between organizations, cleared when it is no good.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::common::*;

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

pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
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

/// The widget token has a route of its own, outside the session layer: it
/// refreshes, clears and refuses a cookie as the layer does for every other request.
#[tokio::test]
async fn the_widget_token_refreshes_and_clears_the_cookie_as_pages_do() {
    let app = start().await;
    app.emu.emulator.clock().set_offset(-250);
    let client = browser_without_cookies();
    let first = session_cookie(app.sign_in(&browser(), "ada@acme.test").await.headers()).unwrap();
    let token = |cookie: String| {
        client.post(format!("{}/api/widget_token", app.base)).header("cookie", cookie).header("origin", &app.base).form(&[("slug", "users")]).send()
    };
    let res = token(first.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let second = session_cookie(res.headers()).expect("refreshed before it expired, on the token's answer");
    assert_ne!(first, second);
    let minted: String = res.json().await.unwrap();
    assert_eq!(minted.split('.').count(), 3, "a JWT: {minted}");

    // Signed out from the other copy: this one is refused and cleared at once.
    let res = client.post(format!("{}/logout", app.base)).header("cookie", &second).header("origin", &app.base).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = token(second).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(cookies(res.headers()).iter().any(|c| c.starts_with("wos-session=;")), "the cookie is cleared");
    assert!(res.text().await.unwrap().contains("NotSignedIn"));
    // A cookie that is no good at all: cleared too.
    let res = token("wos-session=bm90IGEgc2Vzc2lvbg==".into()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(cookies(res.headers()).iter().any(|c| c.starts_with("wos-session=;")));
}

#[tokio::test]
async fn a_cookie_is_unsealed_and_verified_once_then_served_from_the_resolved_sessions() {
    let app = start().await;
    let client = browser_without_cookies();
    let cookie = session_cookie(app.sign_in(&browser(), "ada@acme.test").await.headers()).unwrap();
    let res = client.get(format!("{}/", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (hits, misses) = app.state.resolved.counts();
    for _ in 0..10 {
        let res = client.get(format!("{}/", app.base)).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(cookies(res.headers()).is_empty(), "the same session, no new cookie");
    }
    assert_eq!(app.state.resolved.counts(), (hits + 10, misses), "ten more views, none of them resolved the cookie again");
    // Another cookie (another sign-in) is resolved once of its own.
    let other = session_cookie(app.sign_in(&browser(), "ada@acme.test").await.headers()).unwrap();
    client.get(format!("{}/", app.base)).header("cookie", &other).send().await.unwrap();
    assert_eq!(app.state.resolved.counts().1, misses + 1);
}

#[tokio::test]
async fn a_copied_cookie_is_refused_once_its_session_signed_out() {
    let app = start().await;
    let cookie = session_cookie(app.sign_in(&browser(), "ada@acme.test").await.headers()).unwrap();
    let (one, copy) = (browser_without_cookies(), browser_without_cookies());
    let res = copy.get(format!("{}/", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the copy works while the session does");
    let res = one.post(format!("{}/logout", app.base)).header("cookie", &cookie).header("origin", &app.base).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The access token inside still verifies; the session does not.
    let res = copy.get(format!("{}/", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login"));
    assert!(cookies(res.headers()).iter().any(|c| c.starts_with("wos-session=;")), "the copy is cleared");
    let res = app.server_fn(&copy, "dashboard", &[], Some(&app.base)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn ending_the_other_sessions_signs_the_user_out_everywhere_but_here() {
    let app = start().await;
    let here = session_cookie(app.sign_in(&browser(), "ada@acme.test").await.headers()).unwrap();
    let there = session_cookie(app.sign_in(&browser(), "ada@acme.test").await.headers()).unwrap();
    let plain = browser_without_cookies();
    let res = plain
        .post(format!("{}/api/end_other_sessions", app.base))
        .header("cookie", &here)
        .header("origin", &app.base)
        .form(&[("", ""); 0])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "1", "one other session ended");
    let res = plain.get(format!("{}/", app.base)).header("cookie", &there).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the other one is signed out here at once");
    let res = plain.get(format!("{}/", app.base)).header("cookie", &here).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "this one stays");
    let ada = app.emu.emulator.db().user_by_email("ada@acme.test").unwrap().id.clone();
    assert_eq!(app.emu.emulator.db().live_sessions(&ada).len(), 1, "and at WorkOS");
}
