//! The environment's password policy, answered with WorkOS's
//! `password_strength_error` codes so the widgets can name each broken rule.

use serde_json::{json, Value};

use crate::seed::PasswordPolicy;

/// Longer passwords are refused (bcrypt reads at most 72 bytes; WorkOS caps lower).
pub const MAX_LENGTH: usize = 64;

pub const SYMBOLS: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ";

/// A short list of the most breached passwords, standing in for a breach corpus.
const PWNED: &[&str] = &[
    "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwerty123", "iloveyou",
    "Password1!", "Password123!", "Welcome123!", "Qwerty123!", "P@ssw0rd!", "Passw0rd!", "Admin123!",
];

/// Every rule `password` breaks for the user with `email`; empty when it is fine.
pub fn problems(policy: &PasswordPolicy, password: &str, email: &str, previous: &[&str]) -> Vec<Value> {
    let mut out = Vec::new();
    let length = password.chars().count();
    if length < policy.min_length {
        out.push(json!({
            "code": "password_too_short",
            "message": format!("Password must be at least {} characters.", policy.min_length),
            "minimum_length": policy.min_length,
        }));
    }
    if length > MAX_LENGTH {
        out.push(json!({
            "code": "password_too_long",
            "message": format!("Password must be at most {MAX_LENGTH} characters."),
            "maximum_length": MAX_LENGTH,
        }));
    }
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if local.len() >= 3 && password.to_lowercase().contains(&local) {
        out.push(json!({"code": "password_contains_email", "message": "Password must not contain your email address."}));
    }
    let missing = |kind: &str| json!({"code": "password_missing_character_type", "message": format!("Password must contain a {kind} character."), "character_type": kind});
    if policy.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
        out.push(missing("uppercase"));
    }
    if policy.require_number && !password.chars().any(|c| c.is_ascii_digit()) {
        out.push(missing("number"));
    }
    if policy.require_symbol && !password.chars().any(|c| SYMBOLS.contains(c)) {
        let mut m = missing("symbol");
        m["symbols"] = json!(SYMBOLS);
        out.push(m);
    }
    if policy.refuse_pwned && PWNED.iter().any(|p| p.eq_ignore_ascii_case(password)) {
        out.push(json!({"code": "password_pwned", "message": "This password has appeared in data breaches.", "occurrences": 1}));
    }
    if previous.contains(&password) {
        out.push(json!({"code": "password_reused", "message": "This password has been used before."}));
    }
    out
}

/// The 400 body the widgets read rule by rule.
pub fn strength_error(problems: Vec<Value>) -> Value {
    json!({"code": "password_strength_error", "message": "The password does not meet the password policy", "errors": problems})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict() -> PasswordPolicy {
        PasswordPolicy { min_length: 10, require_uppercase: true, require_number: true, require_symbol: true, refuse_pwned: true }
    }

    fn codes(p: &[Value]) -> Vec<String> {
        p.iter().map(|e| format!("{}{}", e["code"].as_str().unwrap(), e["character_type"].as_str().map(|t| format!(":{t}")).unwrap_or_default())).collect()
    }

    #[test]
    fn a_weak_password_breaks_every_rule_it_breaks() {
        let p = problems(&strict(), "adaadmin", "ada@acme.test", &[]);
        assert_eq!(
            codes(&p),
            ["password_too_short", "password_contains_email", "password_missing_character_type:uppercase", "password_missing_character_type:number", "password_missing_character_type:symbol"]
        );
        assert_eq!(p[0]["minimum_length"], 10);
    }

    #[test]
    fn a_strong_password_passes_once() {
        assert!(problems(&strict(), "Tr1cky-Horse-42", "ada@acme.test", &[]).is_empty());
        assert_eq!(codes(&problems(&strict(), "Tr1cky-Horse-42", "ada@acme.test", &["Tr1cky-Horse-42"])), ["password_reused"]);
        assert_eq!(codes(&problems(&strict(), "Password123!", "x@y.test", &[])), ["password_pwned"]);
    }
}
