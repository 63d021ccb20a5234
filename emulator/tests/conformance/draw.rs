//! Requests drawn from the spec's own request schemas, for the property pass:
//! path ids from the seed (or unknown ones), query parameters and bodies built
//! from each operation's schemas, now and then of the wrong type or missing.

use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};

use super::spec::{Operation, SPEC};

pub struct Drawn {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

fn word(rng: &mut ChaCha8Rng) -> String {
    let words = ["acme", "x", "", "ünï", "a b", "org_01", "%2F", "user_01M8", "123", "true", "null", "0", "-1", "a,b"];
    words.choose(rng).unwrap().to_string()
}

/// A value for `schema`: mostly what it asks for, sometimes not.
pub fn value(schema: &Value, rng: &mut ChaCha8Rng, depth: usize) -> Value {
    let schema = SPEC.deref(schema);
    if depth > 4 || rng.gen_ratio(1, 12) {
        return [json!(null), json!(7), json!("seven"), json!(true), json!([]), json!({})].choose(rng).unwrap().clone();
    }
    if let Some(c) = schema.get("const") {
        return c.clone();
    }
    if let Some(options) = schema["enum"].as_array() {
        return options.choose(rng).cloned().unwrap_or(Value::Null);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = schema[key].as_array() {
            return value(options.choose(rng).unwrap(), rng, depth + 1);
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for p in parts {
            if let Value::Object(o) = value(p, rng, depth + 1) {
                merged.extend(o);
            }
        }
        return Value::Object(merged);
    }
    let kind = match &schema["type"] {
        Value::Array(kinds) => kinds.choose(rng).and_then(|k| k.as_str()).unwrap_or("string").to_string(),
        Value::String(k) => k.clone(),
        _ if schema.get("properties").is_some() => "object".into(),
        _ => "string".into(),
    };
    match kind.as_str() {
        "object" => {
            let required: Vec<&str> = schema["required"].as_array().map(|r| r.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default();
            let mut out = Map::new();
            if let Some(props) = schema["properties"].as_object() {
                for (name, s) in props {
                    let keep = if required.contains(&name.as_str()) { !rng.gen_ratio(1, 10) } else { rng.gen_bool(0.5) };
                    if keep {
                        out.insert(name.clone(), value(s, rng, depth + 1));
                    }
                }
            }
            Value::Object(out)
        }
        "array" => (0..rng.gen_range(0..3)).map(|_| value(&schema["items"], rng, depth + 1)).collect(),
        "integer" => json!(*[0i64, 1, 10, 30, 100, 101, 365, -5, 1_000_000].choose(rng).unwrap()),
        "number" => json!(rng.gen_range(-10.0..1000.0)),
        "boolean" => json!(rng.gen_bool(0.5)),
        "null" => Value::Null,
        _ => {
            let formatted = match schema["format"].as_str() {
                Some("date-time") => Some("2026-12-01T10:00:00.000Z"),
                Some("email") => Some("someone@acme.test"),
                Some("uri") => Some("http://127.0.0.1:3000/back"),
                _ => None,
            };
            json!(formatted.filter(|_| rng.gen_bool(0.7)).map(str::to_string).unwrap_or_else(|| word(rng)))
        }
    }
}

/// A query value for a parameter's schema.
fn query_value(schema: &Value, rng: &mut ChaCha8Rng) -> String {
    match value(schema, rng, 0) {
        Value::String(s) => s,
        Value::Array(items) => items.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// A request for `op`: each `{param}` one of `ids` (or an unknown id).
pub fn request(op: &Operation, ids: &[String], rng: &mut ChaCha8Rng) -> Drawn {
    let mut segments = Vec::new();
    for seg in op.path.split('/') {
        if seg.starts_with('{') {
            let id = if rng.gen_ratio(1, 5) { "unknown_01H0000000".to_string() } else { ids.choose(rng).cloned().unwrap_or_default() };
            segments.push(url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>());
        } else {
            segments.push(seg.to_string());
        }
    }
    let path = segments.join("/");
    let mut query = Vec::new();
    for (name, required, schema) in &op.query {
        if *required || rng.gen_bool(0.4) {
            query.push((name.clone(), query_value(schema, rng)));
        }
    }
    let body = op.request_body.as_ref().map(|s| value(s, rng, 0));
    Drawn { path, query, body }
}
