//! The emulator against WorkOS's own OpenAPI spec (npm `@workos/openapi-spec`,
//! pinned in `emulator/spec/`): every operation of the areas Orgdeck works in,
//! with valid requests built from the seed and the invalid ones the spec
//! describes, each answer checked for a declared status and a body that
//! validates against the declared schema. It also writes the coverage table in
//! `emulator/README.md` (`UPDATE_COVERAGE=1`) and fails when that table drifts.

mod common;
#[path = "conformance/client.rs"]
mod client;
#[path = "conformance/draw.rs"]
mod draw;
#[path = "conformance/scenarios.rs"]
mod scenarios;
#[path = "conformance/spec.rs"]
mod spec;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use rand::SeedableRng;
use serde_json::{json, Value};

use client::Client;
use spec::SPEC;

/// What the scenarios need of the seed, by name.
pub struct Seeded {
    pub base: String,
    pub client_id: String,
    pub acme: String,
    pub globex: String,
    pub acme_verified_domain: String,
    pub ada: String,
    pub bea: String,
    pub nora: String,
    pub ada_in_acme: String,
    pub connection: String,
    pub directory: String,
    env: Env,
}

impl Seeded {
    fn new(env: Env) -> Seeded {
        let db = env.emu.emulator.db();
        let acme = db.organizations.iter().find(|o| o.name == "Acme Corp").unwrap();
        let ada = db.user_by_email("ada@acme.test").unwrap().id.clone();
        let seeded = Seeded {
            base: env.base(),
            client_id: CLIENT_ID.into(),
            acme: acme.id.clone(),
            globex: db.organizations.iter().find(|o| o.name == "Globex Inc").unwrap().id.clone(),
            acme_verified_domain: acme.domains.iter().find(|d| d.state == "verified").unwrap().id.clone(),
            bea: db.user_by_email("bea@globex.test").unwrap().id.clone(),
            nora: db.user_by_email("nora@example.test").unwrap().id.clone(),
            ada_in_acme: db.membership(&ada, &acme.id).unwrap().id.clone(),
            ada,
            connection: db.connections[0].id.clone(),
            directory: db.directories[0].id.clone(),
            env: {
                drop(db);
                env
            },
        };
        seeded
    }

    /// The newest one-time code emailed to `to` (the emulator's outbox).
    pub async fn last_code(&self, to: &str) -> String {
        self.env.last_email(to).await["code"].as_str().unwrap_or_default().to_string()
    }

    /// A code from the hosted sign-in page, as the browser hands it to the app.
    pub async fn authorization_code(&self, email: &str, password: &str) -> String {
        self.env.sign_in(email, password, None).await
    }

    /// Sends a magic-auth code (`POST /user_management/magic_auth`).
    pub async fn send_magic_code(&self, email: &str) {
        let _ = self
            .env
            .http
            .post(format!("{}/user_management/magic_auth", self.base))
            .bearer_auth(API_KEY)
            .json(&json!({"email": email}))
            .send()
            .await;
    }

    /// A new AuthKit session of the user: its id.
    pub async fn a_session_of(&self, email: &str, password: &str) -> String {
        let auth = self.env.authenticated(email, password, None).await;
        let (_, claims) = decode_jwt(auth.access_token.expose());
        claims["sid"].as_str().expect("sid").to_string()
    }
}

/// Operations whose conformance the suite cannot lose: the served count never falls below this.
const SERVED_AT_LEAST: usize = 100;

#[tokio::test]
async fn every_served_operation_answers_as_the_spec_says() {
    let env = start().await;
    let c = Client::new(env.base(), API_KEY);
    let s = Seeded::new(env);
    scenarios::organizations(&c, &s).await;
    scenarios::domains(&c, &s).await;
    scenarios::users(&c, &s).await;
    scenarios::memberships(&c, &s).await;
    scenarios::invitations(&c, &s).await;
    scenarios::authentication(&c, &s).await;
    scenarios::widgets_and_portal(&c, &s).await;
    scenarios::events_and_audit_logs(&c, &s).await;
    scenarios::api_keys(&c, &s).await;
    scenarios::roles(&c, &s).await;
    scenarios::groups(&c, &s).await;
    scenarios::sso_and_directories(&c, &s).await;

    let (by_op, failures) = c.summary();
    let table = coverage_table(&by_op);
    let served = by_op.values().filter(|(served, _, _)| *served).count();
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        check_readme(&table);
    }

    let report: Vec<String> = failures
        .iter()
        .map(|f| format!("- {} ({:?}): {}\n    {}", f.operation, f.kind, f.request, f.failure.as_deref().unwrap_or_default()))
        .collect();
    assert!(report.is_empty(), "{} answers differ from the spec:\n{}", report.len(), report.join("\n"));
    let untested: Vec<&String> = by_op
        .iter()
        .filter(|(op, (served, v, i))| *served && !((*v || no_valid_request(op).is_some()) && (*i || !has_invalid_request(op))))
        .map(|(k, _)| k)
        .collect();
    assert!(untested.is_empty(), "served, but without a passing valid and invalid request: {untested:?}");
    assert!(served >= SERVED_AT_LEAST, "{served} operations served, fewer than {SERVED_AT_LEAST}");
    check_readme(&table);
}

/// Every operation of the areas is in the scenarios (none forgotten, none misnamed).
#[test]
fn the_areas_hold_the_operations_the_issue_counts() {
    let ops = SPEC.in_areas();
    assert_eq!(SPEC.version, "0.1.0", "the pinned spec");
    assert_eq!(ops.len(), 100, "{:?}", ops.iter().map(|o| o.name()).collect::<Vec<_>>());
}

/// Operations no valid request can reach, because WorkOS makes what they act on
/// outside the API and the emulator makes none of it: why.
const NO_VALID_REQUEST: &[(&str, &str)] = &[
    ("DELETE /user_management/users/{user_id}/authorized_applications/{application_id}", "users authorize OAuth applications through WorkOS Connect, which the emulator does not run"),
    ("GET /user_management/users/{user_id}/connected_accounts/{slug}", "accounts are connected through a data integration's OAuth flow, which the emulator does not run"),
    ("DELETE /user_management/users/{user_id}/connected_accounts/{slug}", "as above"),
];

fn no_valid_request(op: &str) -> Option<&'static str> {
    NO_VALID_REQUEST.iter().find(|(o, _)| *o == op).map(|(_, why)| *why)
}

/// Whether the spec describes an invalid request for the operation: a 400, 404,
/// 409 or 422 (a 403 needs a key without the permission, which the emulator's
/// environment key always has).
fn has_invalid_request(op: &str) -> bool {
    SPEC.in_areas().iter().find(|o| o.name() == op).is_some_and(|o| o.responses.keys().any(|s| matches!(s, 400 | 404 | 409 | 422)))
}

/// `operation | served | conformance`, one row per operation of the areas.
fn coverage_table(by_op: &BTreeMap<String, (bool, bool, bool)>) -> String {
    let ops = SPEC.in_areas();
    let served = ops.iter().filter(|o| by_op.get(&o.name()).is_some_and(|r| r.0)).count();
    let mut out = format!(
        "Generated from `@workos/openapi-spec@{}` by `tests/conformance.rs` \
         (`UPDATE_COVERAGE=1 cargo test -p workos-emulator --test conformance`): \
         **{served} of {} operations served**.\n\n| operation | served | conformance (valid / invalid requests) |\n|---|---|---|\n",
        SPEC.version,
        ops.len()
    );
    let mut rows: Vec<(String, String)> = ops
        .iter()
        .map(|o| {
            let (is_served, valid, invalid) = by_op.get(&o.name()).copied().unwrap_or_default();
            let mark = |b: bool| if b { "✓" } else { "✗" };
            let name = o.name();
            let valid = match no_valid_request(&name) {
                Some(why) if !valid => format!("n/a ({why})"),
                _ => mark(valid).to_string(),
            };
            let invalid = if !invalid && !has_invalid_request(&name) { "n/a (no 4xx but 403)".to_string() } else { mark(invalid).to_string() };
            let conformance = if is_served { format!("{valid} / {invalid}") } else { "—".into() };
            (o.path.clone() + &o.method, format!("| `{}` | {} | {} |\n", o.name(), if is_served { "yes" } else { "no" }, conformance))
        })
        .collect();
    rows.sort();
    rows.into_iter().for_each(|(_, r)| out.push_str(&r));
    out
}

const START: &str = "<!-- coverage:start -->\n";
const END: &str = "<!-- coverage:end -->";

fn check_readme(table: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no {START:?} … {END:?} section for the coverage table");
    };
    let current = &readme[a + START.len()..b];
    if current == table {
        return;
    }
    if std::env::var_os("UPDATE_COVERAGE").is_some() {
        let updated = format!("{}{START}{table}{}", &readme[..a], &readme[b..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!("emulator/README.md's coverage table is not what the suite found; run `UPDATE_COVERAGE=1 cargo test -p workos-emulator --test conformance` and commit it.\nFound:\n{table}");
}


/// The property pass: requests drawn from the spec's request schemas (and
/// path ids from the seed, or unknown ones), `PROPTEST_CASES` of them (256 in
/// `make test`, `FUZZ_CASES` in `make fuzz`), on one emulator whose state they
/// change as they go: never a 5xx, never an undeclared status, never a body
/// the spec's schema refuses.
#[test]
fn fuzz_requests_drawn_from_the_spec_answer_as_it_says() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = rt.block_on(start());
    let ids: Vec<String> = {
        let db = env.emu.emulator.db();
        let mut ids: Vec<String> = Vec::new();
        ids.extend(db.organizations.iter().map(|o| o.id.clone()));
        ids.extend(db.organizations.iter().flat_map(|o| o.domains.iter().map(|d| d.id.clone())));
        ids.extend(db.users.iter().map(|u| u.id.clone()));
        ids.extend(db.memberships.iter().map(|m| m.id.clone()));
        ids.extend(db.roles.iter().map(|r| r.slug.clone()));
        ids.extend(db.connections.iter().map(|c| c.id.clone()));
        ids.extend(db.directories.iter().map(|d| d.id.clone()));
        ids.extend(db.directory_users.iter().map(|u| u.id.clone()));
        ids.extend(db.directory_groups.iter().map(|g| g.id.clone()));
        ids.extend(db.api_keys.iter().map(|k| k.id.clone()));
        ids.push(CLIENT_ID.to_string());
        ids
    };
    let ops: Vec<spec::Operation> = SPEC.in_areas().into_iter().cloned().collect();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = env.base();
    let config = ProptestConfig {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("tests/conformance.proptest-regressions"))),
        ..ProptestConfig::default()
    };
    proptest!(config, |(seed in any::<u64>(), which in 0..ops.len())| {
        let op = &ops[which];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let drawn = draw::request(op, &ids, &mut rng);
        let (status, body, text) = rt.block_on(async {
            let mut req = http.request(op.method.parse().unwrap(), format!("{base}{}", drawn.path)).query(&drawn.query).bearer_auth(API_KEY);
            if let Some(b) = &drawn.body {
                req = req.json(b);
            }
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            let body: Value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::Null) };
            (status, body, text)
        });
        let request = format!("{} {}?{:?} {}", op.method, drawn.path, drawn.query, drawn.body.as_ref().map(|b| b.to_string()).unwrap_or_default());
        prop_assert!(status < 500, "{}: {} answered {status}: {text}", op.name(), request);
        prop_assert!(!client::is_route_miss(status, &body), "{}: {} was not routed: {text}", op.name(), request);
        // A JSON body where the spec declares one (a page, e.g. logout's signed-out page, where it declares none).
        let declares_json = op.responses.get(&status).is_some_and(|s| s.is_some());
        prop_assert!(!declares_json || !body.is_null(), "{}: {} answered {status} with a body that is not JSON: {text}", op.name(), request);
        // POST /organization_domains declares no status for a malformed
        // request; the emulator answers WorkOS's validation 422 (a row of
        // emulator/README.md's guesses).
        // Verifying an unknown domain is the 404 of the same path's GET and
        // DELETE: the spec's verify declares only 201 and 400 (`domain_already_verified`).
        let undeclared_422 = (op.name() == "POST /organization_domains" && status == 422)
            || (op.name() == "POST /organization_domains/{id}/verify" && status == 404);
        if let Err(e) = SPEC.check(op, status, &body).or_else(|e| if undeclared_422 { Ok(()) } else { Err(e) }) {
            prop_assert!(false, "{}: {} answered {status}: {e}", op.name(), request);
        }
    });
}
