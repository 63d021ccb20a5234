//! WorkOS's official OpenAPI spec (npm `@workos/openapi-spec`, pinned in
//! `emulator/spec/package.json` and installed there by `make test`): its
//! operations, and each response checked against the schema it declares.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use serde_json::{json, Value};

/// The path prefixes of the areas Orgdeck works in (issue 20): 100 operations
/// of spec 0.1.0.
pub const AREAS: &[&str] = &[
    "/organizations",
    "/user_management/users",
    "/user_management/organization_memberships",
    "/user_management/invitations",
    "/user_management/authenticate",
    "/user_management/sessions",
    "/sso/jwks",
    "/widgets/token",
    "/portal/generate_link",
    "/organization_domains",
    "/connections",
    "/directories",
    "/directory_users",
    "/directory_groups",
    "/events",
    "/audit_logs",
    "/api_keys",
    "/authorization/organizations/{organizationId}/roles",
    "/authorization/roles",
];

#[derive(Debug, Clone)]
pub struct Operation {
    /// `GET`, `POST`, …
    pub method: String,
    /// The spec's template: `/organizations/{id}`.
    pub path: String,
    pub id: String,
    /// Declared statuses and, for each, the JSON body schema (none: no body).
    pub responses: BTreeMap<u16, Option<Value>>,
    pub request_body: Option<Value>,
    /// Query parameters: name, required, schema.
    pub query: Vec<(String, bool, Value)>,
}

impl Operation {
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn in_areas(&self) -> bool {
        AREAS.iter().any(|a| self.path.starts_with(a))
    }

    /// Whether `path` (no query) is an instance of this operation's template.
    fn matches(&self, method: &str, path: &str) -> bool {
        let want: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let got: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.method == method
            && want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| (w.starts_with('{') && !g.is_empty()) || w == g)
    }

    fn literal_segments(&self) -> usize {
        self.path.split('/').filter(|s| !s.starts_with('{')).count()
    }
}

pub struct Spec {
    pub version: String,
    doc: Value,
    pub operations: Vec<Operation>,
}

/// Where `make test` installs the spec; `WORKOS_OPENAPI_SPEC` names another file.
pub fn spec_path() -> PathBuf {
    std::env::var_os("WORKOS_OPENAPI_SPEC").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec/node_modules/@workos/openapi-spec/open-api-spec.yaml")
    })
}

pub static SPEC: LazyLock<Spec> = LazyLock::new(Spec::load);

/// Spec 0.1.0 lists some names twice in a `required` (`list_metadata` in the
/// list schemas), which JSON Schema forbids and the validator then misreads:
/// each name is kept once.
fn dedupe_required(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::Array(names)) = o.get_mut("required") {
                let mut seen = std::collections::HashSet::new();
                names.retain(|n| seen.insert(n.to_string()));
            }
            o.values_mut().for_each(dedupe_required);
        }
        Value::Array(a) => a.iter_mut().for_each(dedupe_required),
        _ => {}
    }
}

impl Spec {
    fn load() -> Spec {
        let path = spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "WorkOS's OpenAPI spec is not at {} ({e}): `make test` installs it \
                 (or run `npm ci` in emulator/spec)",
                path.display()
            )
        });
        let mut doc: Value = serde_yaml_ng::from_str(&text).expect("the spec is YAML");
        dedupe_required(&mut doc);
        let package = path.with_file_name("package.json");
        let version = std::fs::read_to_string(package)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|p| p["version"].as_str().map(str::to_string))
            .unwrap_or_else(|| "unknown".into());
        let mut operations = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                    continue;
                }
                let responses = op["responses"]
                    .as_object()
                    .expect("responses")
                    .iter()
                    .filter_map(|(status, r)| {
                        let schema = r.pointer("/content/application~1json/schema").cloned();
                        Some((status.parse::<u16>().ok()?, schema))
                    })
                    .collect();
                let query = op["parameters"]
                    .as_array()
                    .map(|ps| {
                        ps.iter()
                            .filter(|p| p["in"] == "query")
                            .map(|p| {
                                let name = p["name"].as_str().unwrap_or_default().to_string();
                                (name, p["required"].as_bool().unwrap_or(false), p["schema"].clone())
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                operations.push(Operation {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    id: op["operationId"].as_str().unwrap_or_default().to_string(),
                    responses,
                    request_body: op.pointer("/requestBody/content/application~1json/schema").cloned(),
                    query,
                });
            }
        }
        Spec { version, doc, operations }
    }

    pub fn in_areas(&self) -> Vec<&Operation> {
        self.operations.iter().filter(|o| o.in_areas()).collect()
    }

    /// The operation a concrete request is an instance of: the template with the
    /// most literal segments wins (`/organizations/external_id/x` over `/organizations/{id}/…`).
    pub fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .filter(|o| o.matches(method, path))
            .max_by_key(|o| o.literal_segments())
    }

    /// `schema` with the spec's components beside it, so its `#/components/…`
    /// references resolve.
    pub fn resolvable(&self, schema: &Value) -> Value {
        let mut root = schema.clone();
        if let Some(obj) = root.as_object_mut() {
            obj.insert("components".into(), self.doc["components"].clone());
            obj.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
        }
        root
    }

    /// The referenced schema itself (one level of `$ref` followed), for drawing values.
    pub fn deref<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
            Some(pointer) => self.doc.pointer(pointer).map(|s| self.deref(s)).unwrap_or(schema),
            None => schema,
        }
    }

    /// For an event (`{"event": type, …}`), the first error against the spec's
    /// schema of that event type.
    fn event_error(&self, event: &Value) -> Option<String> {
        let kind = event["event"].as_str()?;
        let branches = self.doc.pointer("/components/schemas/EventSchema/allOf/1/oneOf")?.as_array()?;
        let branch = branches.iter().find(|b| self.deref(b)["properties"]["event"]["const"] == kind);
        let Some(branch) = branch else { return Some(format!(" (the spec has no event type {kind})")) };
        let validator = jsonschema::draft202012::options().build(&self.resolvable(self.deref(branch))).ok()?;
        let first = validator.iter_errors(event).next().map(|e| format!(" ({kind}: at `{}`: {e})", e.instance_path()));
        first
    }

    /// Whether `status` and `body` are what the spec declares for `op`: `Err`
    /// names the first difference.
    pub fn check(&self, op: &Operation, status: u16, body: &Value) -> Result<(), String> {
        let Some(schema) = op.responses.get(&status) else {
            let declared: Vec<_> = op.responses.keys().collect();
            return Err(format!("status {status} is not declared (the spec declares {declared:?})"));
        };
        let Some(schema) = schema else {
            // No JSON declared: a body, if any, is not an API object (a page).
            return if body.is_null() { Ok(()) } else { Err(format!("the spec declares no JSON body for {status}, got {body}")) };
        };
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&self.resolvable(schema))
            .map_err(|e| format!("the spec's schema does not compile: {e}"))?;
        let first = validator.iter_errors(body).next().map(|e| {
            let at = e.instance_path().to_string();
            // An event fails the `oneOf` of every event type at once; the
            // branch of its own type says what is wrong.
            let detail = body.pointer(&at).and_then(|v| self.event_error(v)).unwrap_or_default();
            format!("body at `{at}`: {e}{detail}")
        });
        first.map_or(Ok(()), Err)
    }
}
