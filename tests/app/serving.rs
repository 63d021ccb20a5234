//! How answers travel: compression and TCP_NODELAY.

use reqwest::StatusCode;

use super::common::*;

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
    // The copies a start-up writes (beside the site, not into it) are what a browser then gets.
    let site = std::path::Path::new("target/site");
    orgdeck::server::assets::compress(site, &site.join(&js[1..])).unwrap();
    let copy = orgdeck::server::assets::compressed_root(site).join(format!("{}.br", &js[1..]));
    let res = client.get(format!("{}{js}", app.base)).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"));
    assert_eq!(res.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("public, max-age=31536000, immutable"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), std::fs::read(&copy).unwrap().as_slice(), "the copy, as written");

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
    // A widget token (under 1 KiB: one packet either way) goes as it is, not through brotli.
    let token = ada
        .post(format!("{}/api/widget_token", app.base))
        .header("origin", &app.base)
        .header("accept-encoding", "br, gzip")
        .form(&[("slug", "users")])
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::OK);
    assert!(token.headers().get("content-encoding").is_none(), "{:?}", token.headers());
    assert!(token.text().await.unwrap().starts_with("\"eyJ"), "the token, as JSON");
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
