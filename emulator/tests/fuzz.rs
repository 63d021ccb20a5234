//! Fuzzing what people hand the emulator: its TOML seed, and every form of the
//! hosted Admin Portal (reached as a browser does, through a link the SDK
//! generated). proptest rather than cargo-fuzz (which needs a nightly
//! compiler); `PROPTEST_CASES` sets the run's length (`make fuzz`), and a
//! failing case is shrunk and its seed kept in `proptest-regressions/`.

mod common;

use std::sync::LazyLock;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use reqwest::Client;
use workos::resources::admin_portal::GenerateLinkParams;
use workos::{GenerateLink, GenerateLinkIntent};
use workos_emulator::seed::DEFAULT_SEED;
use workos_emulator::{Emulator, Seed};

/// proptest's own settings (`PROPTEST_CASES`), with failures kept beside this
/// file (proptest finds no lib.rs above an integration test to put them by).
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/fuzz.proptest-regressions"))), ..ProptestConfig::default() }
}

/// A place in the seed's TOML: table keys and array indices.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every value of the bundled seed that is not a table or an array, by place.
static LEAVES: LazyLock<Vec<Vec<Step>>> = LazyLock::new(|| {
    fn walk(v: &toml::Value, at: Vec<Step>, out: &mut Vec<Vec<Step>>) {
        let deeper = |s: Step| {
            let mut p = at.clone();
            p.push(s);
            p
        };
        match v {
            toml::Value::Table(t) => t.iter().for_each(|(k, v)| walk(v, deeper(Step::Key(k.clone())), out)),
            toml::Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| walk(v, deeper(Step::Index(i)), out)),
            // Every text is a signing-key seed, and each new one costs an RSA key generation.
            _ if matches!(at.last(), Some(Step::Key(k)) if k == "signing_key_seed") => {}
            _ => out.push(at),
        }
    }
    let mut out = Vec::new();
    walk(&toml::from_str(DEFAULT_SEED).unwrap(), Vec::new(), &mut out);
    out
});

/// The seed's numbers, by place.
static NUMBERS: LazyLock<Vec<Vec<Step>>> = LazyLock::new(|| {
    let mut seed: toml::Value = toml::from_str(DEFAULT_SEED).unwrap();
    LEAVES.iter().filter(|p| at(&mut seed, p).is_some_and(|v| v.is_integer())).cloned().collect()
});

fn at<'a>(v: &'a mut toml::Value, path: &[Step]) -> Option<&'a mut toml::Value> {
    path.iter().try_fold(v, |v, s| match s {
        Step::Key(k) => v.as_table_mut()?.get_mut(k),
        Step::Index(i) => v.as_array_mut()?.get_mut(*i),
    })
}

/// What a person might write in a seed field, mistakes included.
fn toml_value() -> impl Strategy<Value = Option<toml::Value>> {
    prop_oneof![
        Just(None),
        any::<i64>().prop_map(|i| Some(toml::Value::Integer(i))),
        prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(-1), Just(0), Just(365_000_000)].prop_map(|i| Some(toml::Value::Integer(i))),
        any::<bool>().prop_map(|b| Some(toml::Value::Boolean(b))),
        any::<f64>().prop_map(|f| Some(toml::Value::Float(f))),
        any::<String>().prop_map(|s| Some(toml::Value::String(s))),
        "[0-9+-]{1,6}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?"
            .prop_map(|s| Some(toml::Value::String(s))),
        "(sk_|client_|org_|user_|https?://)[ -~]{0,20}".prop_map(|s| Some(toml::Value::String(s))),
        Just(Some(toml::Value::Array(Vec::new()))),
    ]
}

/// A number where one is expected: its edges most of all.
fn number() -> impl Strategy<Value = i64> {
    prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(0), Just(-1), -1_000_000i64..1_000_000, any::<i64>()]
}

/// The bundled seed with a few of its values changed or removed (a number
/// mostly for another number: type mistakes are the parser's to refuse).
fn mutated_seed() -> impl Strategy<Value = String> {
    // Half the changes are to a number: there are few of them, and each is a limit.
    let change = (any::<prop::sample::Index>(), any::<bool>(), toml_value(), any::<bool>(), number());
    proptest::collection::vec(change, 1..6).prop_map(|changes| {
        let mut seed: toml::Value = toml::from_str(DEFAULT_SEED).unwrap();
        for (which, a_number, value, same_type, n) in changes {
            let places = if a_number { &*NUMBERS } else { &*LEAVES };
            let path = &places[which.index(places.len())];
            let was_number = at(&mut seed, path).is_some_and(|v| v.is_integer());
            let value = if was_number && same_type { Some(toml::Value::Integer(n)) } else { value };
            let (last, parent) = path.split_last().unwrap();
            let Some(parent) = at(&mut seed, parent) else { continue };
            match (parent, last, value) {
                (toml::Value::Table(t), Step::Key(k), Some(v)) => drop(t.insert(k.clone(), v)),
                (toml::Value::Table(t), Step::Key(k), None) => drop(t.remove(k)),
                (toml::Value::Array(a), Step::Index(i), Some(v)) if *i < a.len() => a[*i] = v,
                _ => {}
            }
        }
        toml::to_string(&seed).unwrap()
    })
}

/// What the seed properties change starts as a seed that runs: the TOML
/// round trip loses nothing, and both kinds of value the seed holds are there.
#[test]
fn the_seed_survives_its_round_trip_unchanged() {
    let seed: toml::Value = toml::from_str(DEFAULT_SEED).unwrap();
    Seed::parse(&toml::to_string(&seed).unwrap()).unwrap();
    assert!(NUMBERS.len() >= 2 && LEAVES.len() > 50, "{} numbers among {} values", NUMBERS.len(), LEAVES.len());
}

proptest! {
    #![proptest_config(config())]

    /// A seed is refused with a reason, or it runs: whatever it holds, the
    /// emulator starts on it and resets to it without a panic.
    #[test]
    fn fuzz_seeds_are_refused_or_run(text in prop_oneof![1 => any::<String>(), 8 => mutated_seed()]) {
        if let Ok(seed) = Seed::parse(&text) {
            let emu = Emulator::new(seed);
            emu.reset();
        }
    }
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap());
static ENV: LazyLock<Env> = LazyLock::new(|| RUNTIME.block_on(start()));

/// Runs `f` on the runtime the emulator is served from (started first, outside it).
fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    LazyLock::force(&ENV);
    RUNTIME.block_on(f)
}

const INTENTS: &[(GenerateLinkIntent, &[&str])] = &[
    (GenerateLinkIntent::SSO, &["/portal/sso/provider", "/portal/sso/configure", "/portal/sso/test", "/portal/sso/activate"]),
    (GenerateLinkIntent::DomainVerification, &["/portal/domain_verification", "/portal/domain_verification/{id}/verify"]),
    (GenerateLinkIntent::Dsync, &["/portal/dsync", "/portal/dsync/link"]),
    (GenerateLinkIntent::LogStreams, &["/portal/log_streams", "/portal/log_streams/settings"]),
    (GenerateLinkIntent::CertificateRenewal, &["/portal/certificate_renewal"]),
    (GenerateLinkIntent::AuditLogs, &[]),
];

/// A form field: the portal's own names with values that get a flow further,
/// or anything at all.
fn field() -> impl Strategy<Value = (String, String)> {
    let known = prop_oneof![
        prop::sample::select(vec!["okta", "entra", "google", "oidc", "scim"]).prop_map(|v| ("provider".to_string(), v.to_string())),
        prop::sample::select(vec!["okta", "entra", "scim", "google"]).prop_map(|v| ("directory_type".to_string(), v.to_string())),
        prop::sample::select(vec!["Datadog", "Splunk", "S3", "GenericHttps"]).prop_map(|v| ("destination".to_string(), v.to_string())),
        "https://[a-z]{1,8}\\.test/[ -~\\t\\n]{0,12}".prop_map(|v| ("endpoint".to_string(), v)),
        "https://[a-z]{1,8}\\.test/[ -~]{0,12}".prop_map(|v| ("metadata_url".to_string(), v)),
        "<(md:)?EntityDescriptor[ -~]{0,20}(X509Certificate)?[ -~]{0,20}".prop_map(|v| ("metadata_xml".to_string(), v)),
        "[a-z0-9.-]{0,20}".prop_map(|v| ("domain".to_string(), v)),
        "-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\\n]{0,80}\n-----END CERTIFICATE-----".prop_map(|v| ("certificate".to_string(), v)),
    ];
    let any_name = prop::sample::select(vec![
        "provider", "metadata_url", "metadata_xml", "client_id", "client_secret", "discovery_url", "domain", "directory_type",
        "destination", "api_key", "region", "hec_url", "hec_token", "bucket", "role_arn", "endpoint", "certificate",
    ]);
    prop_oneof![known, (any_name.prop_map(str::to_string), any::<String>()), (any::<String>(), any::<String>())]
}

/// What a browser might send the portal: a form to one of the intent's
/// addresses (any id where the address has one), or a page read.
#[derive(Debug, Clone)]
enum Visit {
    Post { path: usize, id: String, form: Vec<(String, String)> },
    Get { path: usize, id: String },
    Raw { path: usize, body: Vec<u8> },
}

fn visit() -> impl Strategy<Value = Visit> {
    let id = prop_oneof!["org_domain_[0-9A-Z]{26}", any::<String>()];
    prop_oneof![
        4 => (any::<usize>(), id.clone(), proptest::collection::vec(field(), 0..5)).prop_map(|(path, id, form)| Visit::Post { path, id, form }),
        1 => (any::<usize>(), id).prop_map(|(path, id)| Visit::Get { path, id }),
        1 => (any::<usize>(), any::<Vec<u8>>()).prop_map(|(path, body)| Visit::Raw { path, body }),
    ]
}

fn url_text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![Just(None), "https?://[a-z.]{1,10}(:[0-9]{1,5})?/[ -~\\t\\n\\r\\u{1}é]{0,16}".prop_map(Some), any::<String>().prop_map(Some)]
}

/// A browser in the portal through a fresh link; `None` when the link was
/// (rightly) refused.
async fn portal_session(intent: GenerateLinkIntent, org: &str, return_url: Option<String>, success_url: Option<String>) -> Result<Option<Client>, TestCaseError> {
    let params = GenerateLinkParams::new(GenerateLink {
        organization: ENV.org_id(org),
        intent: Some(intent),
        return_url,
        success_url,
        external_user_id: None,
        it_contact_emails: None,
    });
    let link = match ENV.client.admin_portal().generate_link(params).await {
        Ok(l) => l.link.expose().to_string(),
        Err(e) => {
            let status = e.api().map(|a| a.status);
            prop_assert!(matches!(status, Some(400 | 422)), "a bad link request is the caller's mistake: {e:?}");
            return Ok(None);
        }
    };
    let b = browser();
    let res = b.get(&link).send().await.unwrap();
    prop_assert_eq!(res.status(), 303);
    Ok(Some(b))
}

proptest! {
    #![proptest_config(config())]

    /// Whatever a customer types in the hosted portal, in whatever order, it
    /// answers with a page, a redirect or an explained refusal: never a 5xx,
    /// never a dropped connection.
    #[test]
    fn fuzz_portal_forms_answer_without_failing(
        intent in 0..INTENTS.len(),
        globex in any::<bool>(),
        return_url in url_text(),
        success_url in url_text(),
        visits in proptest::collection::vec(visit(), 1..6),
    ) {
        run(async {
            let (intent, paths) = &INTENTS[intent];
            let org = if globex { "Globex Inc" } else { "Acme Corp" };
            let Some(b) = portal_session(intent.clone(), org, return_url, success_url).await? else {
                return Ok(());
            };
            let start = format!("/portal/{}", intent.as_str());
            let mut paths: Vec<&str> = paths.to_vec();
            paths.push(&start);
            for v in visits {
                let (path, id) = match &v {
                    Visit::Post { path, id, .. } | Visit::Get { path, id } => (paths[path % paths.len()], id.as_str()),
                    Visit::Raw { path, .. } => (paths[path % paths.len()], ""),
                };
                let id: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
                let url = format!("{}{}", ENV.base(), path.replace("{id}", &id));
                let res = match &v {
                    Visit::Post { form, .. } => b.post(&url).form(form).send().await,
                    Visit::Get { .. } => b.get(&url).send().await,
                    Visit::Raw { body, .. } => b.post(&url).header("content-type", "application/x-www-form-urlencoded").body(body.clone()).send().await,
                };
                let res = match res {
                    Ok(r) => r,
                    Err(e) => return Err(TestCaseError::fail(format!("{v:?} to {url}: the connection failed: {e}"))),
                };
                prop_assert!(res.status().as_u16() < 500, "{:?} to {}: {}", v, url, res.status());
            }
            let res = b.get(format!("{}{}", ENV.base(), start)).send().await.unwrap();
            prop_assert!(res.status().as_u16() < 500, "{}: {}", start, res.status());
            Ok::<(), TestCaseError>(())
        })?;
    }

    /// Whatever return and success addresses WorkOS accepted for a link, the
    /// portal's finish sends the browser to that address (as parsed).
    #[test]
    fn fuzz_portal_success_url_is_followed_whatever_it_is(success_url in url_text()) {
        run(async {
            let Some(b) = portal_session(GenerateLinkIntent::LogStreams, "Acme Corp", None, success_url.clone()).await? else {
                return Ok(());
            };
            let post = |path: &str, form: &[(&str, &str)]| b.post(format!("{}{path}", ENV.base())).form(form).send();
            let res = post("/portal/log_streams", &[("destination", "GenericHttps")]).await.unwrap();
            prop_assert!(res.status().is_redirection() || res.status().is_success(), "{}", res.status());
            let res = post("/portal/log_streams/settings", &[("endpoint", "https://logs.example.test/in")]).await.map_err(|e| TestCaseError::fail(format!("the finish failed: {e}")))?;
            match success_url.as_deref().filter(|u| !u.is_empty()) {
                Some(url) => {
                    prop_assert_eq!(res.status(), 303);
                    let location = res.headers()["location"].to_str().map_err(|e| TestCaseError::fail(format!("{e}")))?;
                    let expected = url::Url::parse(url).unwrap();
                    prop_assert_eq!(location, expected.as_str());
                }
                None => prop_assert_eq!(res.status(), 200),
            }
            Ok::<(), TestCaseError>(())
        })?;
    }

    /// A portal link that is not one: refused, never a failure.
    #[test]
    fn fuzz_portal_launch_with_any_secret(secret in any::<String>(), form in any::<bool>()) {
        run(async {
            let launch = format!("{}/portal/launch", ENV.base());
            let res = if form {
                browser().post(&launch).form(&[("apiToken", &secret)]).send().await.unwrap()
            } else {
                browser().get(&launch).query(&[("secret", &secret)]).send().await.unwrap()
            };
            prop_assert!(matches!(res.status().as_u16(), 400 | 410), "{}", res.status());
            Ok::<(), TestCaseError>(())
        })?;
    }
}


/// Found by `fuzz_seeds_are_refused_or_run`: a certificate end the calendar
/// cannot hold made the emulator panic at start.
#[test]
fn a_seeded_certificate_beyond_the_calendar_is_refused() {
    for days in [i64::MAX, i64::MIN, 36_501] {
        let text = DEFAULT_SEED.replace("certificate_days_left = 20", &format!("certificate_days_left = {days}"));
        let e = Seed::parse(&text).unwrap_err().to_string();
        assert!(e.contains("certificate_days_left"), "{e}");
    }
    let century = DEFAULT_SEED.replace("certificate_days_left = 20", "certificate_days_left = -36500");
    Emulator::new(Seed::parse(&century).unwrap());
}

/// Found by `fuzz_portal_success_url_is_followed_whatever_it_is`: a success
/// address with a newline passed the URL check as written, and the portal's
/// finish panicked writing it into `Location`.
#[test]
fn a_success_address_is_kept_as_parsed() {
    run(async {
        let b = portal_session(GenerateLinkIntent::LogStreams, "Acme Corp", None, Some("https://app.test/back\nhere".into())).await.unwrap().unwrap();
        b.post(format!("{}/portal/log_streams", ENV.base())).form(&[("destination", "GenericHttps")]).send().await.unwrap();
        let res = b.post(format!("{}/portal/log_streams/settings", ENV.base())).form(&[("endpoint", "https://logs.example.test/in")]).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "https://app.test/backhere");
    });
}
