//! Shared by the contract tests: a running emulator, an SDK client on it, and
//! a browser-less walk through the hosted sign-in page.
#![allow(dead_code)]

use std::net::SocketAddr;

use base64::Engine;
use serde_json::Value;
use workos::resources::user_management::{AuthenticateWithCodeParams, GetAuthorizationUrlParams};
use workos::Client;
use workos_emulator::{spawn, RunningEmulator, Seed};

pub const API_KEY: &str = "sk_test_emulator";
pub const CLIENT_ID: &str = "client_emulator";
pub const REDIRECT: &str = "http://127.0.0.1:3000/auth/callback";
/// Where the widgets run: the app's page.
pub const ORIGIN: &str = "http://127.0.0.1:3000";

pub struct Env {
    pub emu: RunningEmulator,
    pub client: Client,
    pub http: reqwest::Client,
}

impl Env {
    pub fn base(&self) -> String {
        self.emu.base_url()
    }

    /// An SDK client with another API key.
    pub fn client_with_key(&self, key: &str) -> Client {
        Client::builder().api_key(key).client_id(CLIENT_ID).base_url(self.base()).max_retries(0).build()
    }

    pub fn org_id(&self, name: &str) -> String {
        let db = self.emu.emulator.db();
        db.organizations.iter().find(|o| o.name == name).map(|o| o.id.clone()).expect("seeded org")
    }

    pub fn user_id(&self, email: &str) -> String {
        self.emu.emulator.db().user_by_email(email).map(|u| u.id.clone()).expect("seeded user")
    }

    /// Signs in on the hosted page as `email` (choosing `org` if asked) and returns the code.
    pub async fn sign_in(&self, email: &str, password: &str, org: Option<&str>) -> String {
        let url = self
            .client
            .user_management()
            .get_authorization_url(GetAuthorizationUrlParams {
                state: Some("st4te".into()),
                provider: Some(workos::UserManagementAuthenticationProvider::Authkit),
                ..GetAuthorizationUrlParams::new(REDIRECT)
            })
            .expect("authorization url");
        let page = self.http.get(&url).send().await.unwrap();
        assert_eq!(page.status(), 200, "sign-in page");
        let html = page.text().await.unwrap();
        let request = hidden(&html, "request");
        let mut form = vec![("request", request.clone()), ("email", email.to_string()), ("password", password.to_string())];
        let mut res = self.post_sign_in(&form).await;
        if res.status() == 200 {
            let html = res.text().await.unwrap();
            assert!(html.contains("Choose an organization"), "{html}");
            form.push(("organization_id", org.expect("asked to choose an organization").to_string()));
            form.push(("user_id", self.user_id(email)));
            res = self.post_sign_in(&form).await;
        }
        assert_eq!(res.status(), 303, "redirect back to the app");
        let location = res.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with(REDIRECT), "{location}");
        let url = url::Url::parse(&location).unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q.get("state").map(String::as_str), Some("st4te"));
        q.get("code").cloned().unwrap_or_else(|| panic!("no code in {location}"))
    }

    /// Signs in and exchanges the code: what an app's callback gets.
    pub async fn authenticated(&self, email: &str, password: &str, org: Option<&str>) -> workos::AuthenticateResponse {
        let code = self.sign_in(email, password, org).await;
        self.client
            .user_management()
            .authenticate_with_code(AuthenticateWithCodeParams::new(code))
            .await
            .expect("code exchange")
    }

    pub async fn post_sign_in(&self, form: &[(&str, String)]) -> reqwest::Response {
        self.http
            .post(format!("{}/user_management/authorize/sign-in", self.base()))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// A `/_widgets/*` call with the headers the official widgets send, from
    /// [`ORIGIN`] unless `headers` names another; checks CORS and `X-Request-ID`.
    pub async fn widget(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let origin = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("origin")).map_or(ORIGIN, |(_, v)| *v);
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base()))
            .header("Origin", origin)
            .header("Content-Type", "application/json")
            .header("WorkOS-Widgets-Version", "1");
        for (k, v) in headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("origin")) {
            req = req.header(*k, *v);
        }
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.headers()["access-control-allow-origin"], origin, "CORS on {path}");
        assert!(res.headers().contains_key("x-request-id"));
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// A widget token from the official SDK: for `org` (none: a user-only token) with `scopes`.
    pub async fn widget_token(&self, email: &str, org: Option<&str>, scopes: &[&str]) -> String {
        use workos::resources::widgets::CreateTokenParams;
        let scopes: Vec<workos::WidgetSessionTokenScopes> = scopes.iter().map(|s| workos::WidgetSessionTokenScopes::from(*s)).collect();
        self.client
            .widgets()
            .create_token(CreateTokenParams::new(workos::WidgetSessionToken {
                organization_id: org.map(|o| self.org_id(o)),
                user_id: Some(self.user_id(email)),
                scopes: (!scopes.is_empty()).then_some(scopes),
            }))
            .await
            .expect("widget token")
            .token
            .expose()
            .to_string()
    }

    /// The newest email to `to` in the outbox, as its JSON lists it.
    pub async fn last_email(&self, to: &str) -> Value {
        let res = self.http.get(format!("{}/_emulator/outbox?to={to}", self.base())).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        body["data"][0].clone()
    }

    pub async fn set_clock(&self, offset_seconds: i64) {
        let res = self
            .http
            .post(format!("{}/_emulator/clock", self.base()))
            .json(&serde_json::json!({"offset_seconds": offset_seconds}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
}

pub async fn start() -> Env {
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let emu = spawn(Seed::default_seed(), addr).await.expect("emulator starts");
    let client = Client::builder()
        .api_key(API_KEY)
        .client_id(CLIENT_ID)
        .base_url(emu.base_url())
        .max_retries(0)
        .build();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Env { emu, client, http }
}

pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = html.find(&marker).unwrap_or_else(|| panic!("no hidden {name}")) + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// A JWT's header and payload, decoded the way the widgets do (`atob`: standard alphabet).
pub fn decode_jwt(token: &str) -> (Value, Value) {
    let mut parts = token.split('.');
    let header = parts.next().unwrap();
    let payload = parts.next().unwrap();
    let pad = |s: &str| format!("{s}{}", "=".repeat((4 - s.len() % 4) % 4));
    let header = base64::engine::general_purpose::URL_SAFE.decode(pad(header)).unwrap();
    let payload = base64::engine::general_purpose::STANDARD
        .decode(pad(payload))
        .expect("payload decodes with atob's alphabet");
    (serde_json::from_slice(&header).unwrap(), serde_json::from_slice(&payload).unwrap())
}

/// A browser for the hosted pages: it keeps cookies and does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
}
