//! Sign-in: the way to AuthKit and back, its state and PKCE, and what a refused sign-in says.

use reqwest::{Client, StatusCode};

use super::common::*;

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
