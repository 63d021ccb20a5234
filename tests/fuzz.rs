//! Fuzzing what the outside world sends Orgdeck, through its real router on the
//! emulator: WorkOS-Signature headers and webhook bodies, the AuthKit
//! callback's query, the sign-in's `return_to`, and session cookies.
//!
//! proptest, not cargo-fuzz: libFuzzer needs a nightly compiler and these
//! machines have one stable toolchain. Each property runs `PROPTEST_CASES`
//! cases (256 in `make test`, far more in `make fuzz`); a failing case is
//! shrunk to its smallest form and its seed kept in `proptest-regressions/`,
//! which every later run tries first.
#![cfg(feature = "ssr")]

mod common;

use std::sync::LazyLock;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use reqwest::header::{HeaderValue, COOKIE, ORIGIN};
use reqwest::StatusCode;
use serde_json::{json, Value};
use workos::helpers::session::unseal;
use workos_emulator::events::signature_header;

const SECRET: &str = "whsec_orgdeck_fuzz_secret";

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap());
static APP: LazyLock<App> = LazyLock::new(|| {
    RUNTIME.block_on(start_with(|s| {
        s.webhook_secret = Some(SECRET.into());
        // Thousands of whole sign-ins from one address, as fast as they go,
        // and the WorkOS calls they make: above the shared WorkOS budget
        // (4,800 a minute), which would refuse them after ~800 in ten seconds.
        s.sign_ins_per_minute = 1_000_000;
        s.workos_calls_per_minute = 1_000_000;
    }))
});

/// Runs `f` on the runtime Orgdeck is served from (started first, outside it).
fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    LazyLock::force(&APP);
    RUNTIME.block_on(f)
}

/// proptest's own settings (`PROPTEST_CASES`), with failures kept beside this
/// file (proptest finds no lib.rs above an integration test to put them by).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/fuzz.proptest-regressions"))), ..ProptestConfig::default() }
}

/// Fewer cases for a property whose every case is a whole sign-in.
fn config_divided_by(n: u32) -> ProptestConfig {
    let config = config();
    ProptestConfig { cases: (config.cases / n).max(16), ..config }
}

/// A header value a client can send: visible ASCII, spaces and tabs, and
/// bytes above 0x7f (which are not UTF-8 text to the server).
fn header_value() -> impl Strategy<Value = HeaderValue> {
    let bytes = prop_oneof![
        "[ -~]{0,120}".prop_map(String::into_bytes),
        "t=-?[0-9]{0,15}, ?v1=[0-9a-f]{0,64}".prop_map(String::into_bytes),
        "((t|v1|v0|x)=[^,\\x00-\\x1f\\x7f]{0,40}, ?){0,4}(t|v1)=[0-9a-f]{0,70}".prop_map(String::into_bytes),
        proptest::collection::vec(prop::sample::select((0..=255u8).filter(|b| *b == b'\t' || (*b >= 0x20 && *b != 0x7f)).collect::<Vec<_>>()), 0..80),
    ];
    bytes.prop_map(|b| HeaderValue::from_bytes(&b).unwrap())
}

/// Any JSON, nested a little.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{0,10}", inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A webhook body: any JSON, or WorkOS's envelope with any parts.
fn webhook_body() -> impl Strategy<Value = Value> {
    prop_oneof![
        json_value(),
        (json_value(), json_value(), json_value(), json_value()).prop_map(|(id, event, data, created_at)| {
            json!({"object": "event", "id": id, "event": event, "data": data, "created_at": created_at})
        }),
        ("event_[0-9A-Z]{1,26}", "[a-z_]{1,12}\\.[a-z_.]{1,20}", json_value()).prop_map(|(id, event, data)| {
            json!({"object": "event", "id": id, "event": event, "data": data, "created_at": "2026-11-26T10:00:00.000Z"})
        }),
    ]
}

/// What a query string can hold, `%` escapes and separators included.
fn query_text() -> impl Strategy<Value = String> {
    prop_oneof!["[ -~]{0,80}", "((code|state|error|error_description|x)=[a-zA-Z0-9%+&=_.~-]{0,30}&?){0,5}",]
}

/// A cookie value as a browser would send it (no space, quote, comma, semicolon or backslash).
fn cookie_value() -> impl Strategy<Value = String> {
    prop_oneof!["[!#-+\\--:<-\\[\\]-~]{0,200}", "Fe26\\.2\\*[A-Za-z0-9*_~-]{0,120}", "[A-Za-z0-9+/=_-]{0,300}"]
}

async fn deliver(header: HeaderValue, body: Vec<u8>) -> StatusCode {
    let http = reqwest::Client::new();
    http.post(format!("{}/webhooks/workos", APP.base)).header("WorkOS-Signature", header).body(body).send().await.unwrap().status()
}

proptest! {
    #![proptest_config(config())]

    /// No signature a forger can write gets a body stored, and nothing they
    /// send makes the endpoint fail (a 5xx would make WorkOS retry forever).
    #[test]
    fn fuzz_unsigned_webhooks_are_refused_and_nothing_is_stored(header in header_value(), body in prop_oneof![
        any::<Vec<u8>>(),
        webhook_body().prop_map(|v| v.to_string().into_bytes()),
    ]) {
        let status = run(deliver(header, body));
        prop_assert_eq!(status, StatusCode::BAD_REQUEST);
        prop_assert_eq!(run(APP.state.store.event_count()).unwrap(), 0);
    }

    /// A body WorkOS signed is stored once when it is an event (delivered
    /// twice, as WorkOS may) and refused when it is not.
    #[test]
    fn fuzz_signed_webhooks_are_stored_once_or_refused(body in webhook_body()) {
        let text = body.to_string();
        let header = HeaderValue::from_str(&signature_header(SECRET, &text)).unwrap();
        let is_event = body["id"].is_string() && body["event"].is_string();
        let expected = if is_event { StatusCode::OK } else { StatusCode::BAD_REQUEST };
        let id = body["id"].as_str().filter(|_| is_event);
        let known = id.map(|id| run(APP.state.store.event(id)).unwrap().is_some()).unwrap_or(false);
        let before = run(APP.state.store.event_count()).unwrap();
        prop_assert_eq!(run(deliver(header.clone(), text.clone().into_bytes())), expected);
        prop_assert_eq!(run(deliver(header, text.into_bytes())), expected, "again");
        let added = run(APP.state.store.event_count()).unwrap() - before;
        prop_assert_eq!(added, i64::from(is_event && !known), "stored once, and only an event");
        if let (Some(id), false) = (id, known) {
            let stored = run(APP.state.store.event(id)).unwrap();
            prop_assert_eq!(stored.map(|e| e.event), body["event"].as_str().map(str::to_string));
        }
    }

    /// Whatever comes back to /auth/callback (with no sign-in under way, or
    /// with one and any code, error or extra parameters), the answer is a
    /// 400 page that offers to sign in again: never a session, never a 5xx.
    #[test]
    fn fuzz_callback_queries_are_answered_with_a_page(query in query_text(), with_state in any::<bool>()) {
        run(async {
            let client = browser();
            let mut url = format!("{}/auth/callback?{query}", APP.base);
            if with_state {
                let res = client.get(format!("{}/login", APP.base)).send().await.unwrap();
                let authorize = url::Url::parse(&location(&res)).unwrap();
                let nonce = authorize.query_pairs().find(|(k, _)| k == "state").unwrap().1.to_string();
                url = format!("{}/auth/callback?state={nonce}&{query}", APP.base);
            }
            let res = client.get(url).send().await.unwrap();
            let status = res.status();
            let set_session = cookies(res.headers()).iter().any(|c| c.starts_with("wos-session=") && !c.starts_with("wos-session=;"));
            let page = res.text().await.unwrap();
            prop_assert_eq!(status, StatusCode::BAD_REQUEST, "{}", page);
            prop_assert!(!set_session);
            prop_assert!(page.contains("/login"), "{}", page);
            Ok::<(), TestCaseError>(())
        })?;
    }

    /// Cookies nobody sealed sign nobody in: a page sends the browser to sign
    /// in and clears them, a server function answers 401.
    #[test]
    fn fuzz_unsealed_cookies_sign_nobody_in(session in cookie_value(), sign_in in cookie_value()) {
        run(async {
            let plain = browser_without_cookies();
            let cookie = format!("wos-session={session}; wos-sign-in={sign_in}");
            let page = plain.get(format!("{}/", APP.base)).header(COOKIE, &cookie).send().await.unwrap();
            prop_assert_eq!(page.status(), StatusCode::SEE_OTHER);
            prop_assert!(location(&page).starts_with("/login"));
            let call = plain
                .post(format!("{}/api/widget_token", APP.base))
                .header(COOKIE, &cookie)
                .header(ORIGIN, &APP.base)
                .form(&[("slug", "users")])
                .send()
                .await
                .unwrap();
            prop_assert_eq!(call.status(), StatusCode::UNAUTHORIZED);
            Ok::<(), TestCaseError>(())
        })?;
    }
}

/// One real session cookie, sealed by Orgdeck.
static SEALED: LazyLock<String> = LazyLock::new(|| {
    run(async {
        let client = browser();
        let res = APP.sign_in(&client, "ada@acme.test").await;
        cookies(res.headers()).iter().find_map(|c| c.strip_prefix("wos-session=")).unwrap().split(';').next().unwrap().to_string()
    })
});

proptest! {
    #![proptest_config(config())]

    /// A sealed session changed anywhere is refused, unless the change is
    /// one the decoding cannot see (then it is the same session).
    #[test]
    fn fuzz_a_tampered_session_is_refused(position in any::<prop::sample::Index>(), with in "[A-Za-z0-9+/=_*~.-]") {
        let sealed = SEALED.clone();
        let i = position.index(sealed.len());
        let mut tampered = sealed.clone();
        tampered.replace_range(i..i + 1, &with);
        prop_assume!(tampered != sealed);
        let password = &APP.state.settings.cookie_password;
        let same = match (unseal::<Value>(&tampered, password), unseal::<Value>(&sealed, password)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        let status = run(async {
            let res = browser_without_cookies().get(format!("{}/", APP.base)).header(COOKIE, format!("wos-session={tampered}")).send().await.unwrap();
            res.status()
        });
        prop_assert_eq!(status, if same { StatusCode::OK } else { StatusCode::SEE_OTHER });
    }
}

proptest! {
    #![proptest_config(config_divided_by(8))]

    /// Any `return_to` survives a whole sign-in and lands on this site.
    #[test]
    fn fuzz_return_to_survives_a_whole_sign_in(return_to in prop_oneof![
        any::<String>(),
        "[/\\\\\\t\\n\\r %.:@?#a-z\\u{1}é]{0,16}",
    ]) {
        run(async {
            let client = browser();
            let callback = APP.callback_url_from(&client, &return_to, "ada@acme.test", None).await;
            let res = client.get(callback).send().await.unwrap();
            prop_assert_eq!(res.status(), StatusCode::SEE_OTHER);
            let landed = url::Url::parse(&APP.base).unwrap().join(&location(&res)).unwrap();
            prop_assert_eq!(landed.origin(), url::Url::parse(&APP.base).unwrap().origin(), "{:?}", return_to);
            Ok::<(), TestCaseError>(())
        })?;
    }
}
