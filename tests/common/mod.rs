//! Shared by the router tests: Orgdeck on an in-process emulator, and a
//! browser-less walk through the hosted sign-in.
#![allow(dead_code)]

use std::net::SocketAddr;

use leptos::prelude::LeptosOptions;
use orgdeck::server::router::router;
use orgdeck::server::settings::Settings;
use orgdeck::server::state::AppState;
use reqwest::header::{HeaderMap, LOCATION, ORIGIN, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use workos_emulator::{spawn, RunningEmulator, Seed};

pub mod binary;
pub mod postgres;

pub struct App {
    pub emu: RunningEmulator,
    pub base: String,
    pub state: AppState,
}

pub async fn start_with(adjust: impl FnOnce(&mut Settings)) -> App {
    start_on("sqlite::memory:", adjust).await
}

/// Orgdeck on `database`, its settings adjusted before it starts.
pub async fn start_on(database: &str, adjust: impl FnOnce(&mut Settings)) -> App {
    let emu = spawn(Seed::default_seed(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let mut settings = Settings::from_sources(|_| None, None, addr).unwrap();
    settings.use_emulator(emu.emulator.api_key(), emu.emulator.client_id(), emu.addr);
    adjust(&mut settings);
    let Instance { base, state } = serve(listener, database, settings).await;
    App { emu, base, state }
}

/// A second Orgdeck beside `app`, as behind a load balancer: the same
/// settings (cookie password and webhook secret too) and emulator, on
/// `database` (which must be the one `app` uses).
pub async fn another_instance(app: &App, database: &str) -> Instance {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    serve(listener, database, (*app.state.settings).clone()).await
}

/// An Orgdeck that shares another's emulator.
pub struct Instance {
    pub base: String,
    pub state: AppState,
}

/// Orgdeck with `settings` on `database`, served on `listener`.
async fn serve(listener: tokio::net::TcpListener, database: &str, settings: Settings) -> Instance {
    let addr: SocketAddr = listener.local_addr().unwrap();
    // The hash file cargo-leptos wrote beside the server binary, seen from target/debug/deps.
    let options = LeptosOptions::builder()
        .output_name("orgdeck")
        .site_root("target/site")
        .site_addr(addr)
        .hash_files(true)
        .hash_file("../hash.txt".into())
        .build();
    let store = orgdeck::server::store::Store::connect(database).await.unwrap();
    let state = AppState::new(options, settings, store);
    state.feed.listen().await.unwrap();
    let app = router(state.clone());
    tokio::spawn(async move { orgdeck::server::router::serve(listener, app).await.unwrap() });
    Instance { base: format!("http://{addr}"), state }
}

/// How many requests the emulator has answered on `route` ("GET /organizations/{id}").
pub async fn workos_requests(app: &App, route: &str) -> u64 {
    let counts: serde_json::Value =
        reqwest::get(format!("{}/_emulator/requests", app.emu.base_url())).await.unwrap().json().await.unwrap();
    counts["data"][route].as_u64().unwrap_or(0)
}

/// The dashboard's server function, called on the Orgdeck at `base`.
pub async fn dashboard(base: &str, client: &Client) -> serde_json::Value {
    dashboard_from(base, base, client).await
}

/// [`dashboard`] from a page of the site at `origin`, served by the instance
/// at `base` (behind a load balancer every instance is the one site).
pub async fn dashboard_from(base: &str, origin: &str, client: &Client) -> serde_json::Value {
    let res = client.post(format!("{base}/api/dashboard")).header(ORIGIN, origin).form(&[("", ""); 0]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

pub async fn start() -> App {
    start_with(|_| {}).await
}

pub fn browser() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
}

/// For requests that carry a cookie by hand.
pub fn browser_without_cookies() -> Client {
    Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub fn location(res: &Response) -> String {
    res.headers()[LOCATION].to_str().unwrap().to_string()
}

pub fn cookies(headers: &HeaderMap) -> Vec<String> {
    headers.get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

impl App {
    pub fn org_id(&self, name: &str) -> String {
        self.emu.emulator.db().organizations.iter().find(|o| o.name == name).unwrap().id.clone()
    }

    /// Walks /login → hosted page → /auth/callback like a browser; returns the callback's response.
    pub async fn sign_in(&self, client: &Client, email: &str) -> Response {
        self.sign_in_to(client, email, None).await
    }

    /// [`Self::sign_in`], answering the organization picker with `organization`.
    pub async fn sign_in_to(&self, client: &Client, email: &str, organization: Option<&str>) -> Response {
        let callback = self.callback_url(client, email, organization).await;
        client.get(callback).send().await.unwrap()
    }

    /// /login → hosted page → the callback address WorkOS sends the browser back to (not yet visited).
    pub async fn callback_url(&self, client: &Client, email: &str, organization: Option<&str>) -> String {
        self.callback_url_from(client, "/widgets/users", email, organization).await
    }

    /// [`Self::callback_url`] for a sign-in started with `return_to`.
    pub async fn callback_url_from(&self, client: &Client, return_to: &str, email: &str, organization: Option<&str>) -> String {
        callback_url_at(&self.base, &self.emu.base_url(), client, return_to, email, organization).await
    }

    pub async fn server_fn(&self, client: &Client, name: &str, form: &[(&str, &str)], origin: Option<&str>) -> Response {
        let mut req = client.post(format!("{}/api/{name}", self.base)).form(form);
        if let Some(o) = origin {
            req = req.header(ORIGIN, o);
        }
        req.send().await.unwrap()
    }
}

/// A WorkOS event as a webhook carries it: an invitation in `org`, made now.
pub fn invitation_event(id: &str, org: &str) -> String {
    serde_json::json!({"object": "event", "id": id, "event": "invitation.created",
        "data": {"organization_id": org, "email": "new@acme.test"}, "created_at": chrono::Utc::now().to_rfc3339()})
    .to_string()
}

/// Delivers `body` to Orgdeck's webhook endpoint, signed with `secret` as WorkOS signs.
pub async fn deliver_signed(base: &str, secret: &str, body: &str) -> StatusCode {
    Client::new()
        .post(format!("{base}/webhooks/workos"))
        .header("WorkOS-Signature", workos_emulator::events::signature_header(secret, body))
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
}

/// Orgdeck at `base` → /login → the hosted page of the emulator at `emulator`
/// → the callback address WorkOS sends the browser back to (not yet visited).
pub async fn callback_url_at(base: &str, emulator: &str, client: &Client, return_to: &str, email: &str, organization: Option<&str>) -> String {
    let res = client.get(format!("{base}/login")).query(&[("return_to", return_to)]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let authorize = location(&res);
    assert!(authorize.starts_with(emulator), "{authorize}");
    let html = client.get(&authorize).send().await.unwrap().text().await.unwrap();
    let marker = r#"name="request" value=""#;
    let start = html.find(marker).unwrap() + marker.len();
    let request = html[start..].split('"').next().unwrap().to_string();
    let password = format!("orgdeck-{}", email.split('@').next().unwrap());
    let res = client
        .post(format!("{emulator}/user_management/authorize/sign-in"))
        .form(&[
            ("request", request.as_str()),
            ("email", email),
            ("password", password.as_str()),
            ("organization_id", organization.unwrap_or_default()),
        ])
        .send()
        .await
        .unwrap();
    let callback = location(&res);
    assert!(callback.starts_with(&format!("{base}/auth/callback?code=")), "{callback}");
    callback
}
