//! The integration checks behind `/doctor` and `orgdeck doctor`: one
//! implementation, so the page and the command line never disagree.

use axum::http::header;

use super::state::AppState;
use super::workos::{reads, tokens};
use crate::model::doctor::{Check, Verdict};

fn check(name: &str, verdict: Verdict, detail: impl Into<String>, fix: Option<&str>) -> Check {
    Check { name: name.into(), verdict, detail: detail.into(), fix: fix.map(str::to_string) }
}

fn pass(name: &str, detail: impl Into<String>) -> Check {
    check(name, Verdict::Pass, detail, None)
}

/// Every check, in the order a person would fix them.
pub async fn run(state: &AppState) -> Vec<Check> {
    let mut out = settings_checks(state);
    out.extend(workos_checks(state).await);
    out.push(cors_check(state).await);
    out.push(database_check(state).await);
    out
}

fn settings_checks(state: &AppState) -> Vec<Check> {
    let s = &state.settings;
    let emulator = s.is_emulator();
    let mut out = Vec::new();
    out.push(match (emulator, s.api_key.starts_with("sk_")) {
        (true, _) => pass("WORKOS_API_KEY", "not set: Orgdeck runs on its embedded emulator (no WorkOS account needed)"),
        // Only the environment's prefix is shown: the rest is the secret.
        (false, true) => pass("WORKOS_API_KEY", match ["sk_test_", "sk_live_"].iter().find(|p| s.api_key.starts_with(**p)) {
            Some(prefix) => format!("set ({prefix}…)"),
            None => "set (sk_…)".to_string(),
        }),
        (false, false) => check("WORKOS_API_KEY", Verdict::Fail, "does not start with sk_", Some("copy the secret key from WorkOS Dashboard → API Keys")),
    });
    out.push(match (emulator, s.client_id.starts_with("client_")) {
        (_, true) => pass("WORKOS_CLIENT_ID", s.client_id.clone()),
        (_, false) => check("WORKOS_CLIENT_ID", Verdict::Fail, "does not start with client_", Some("copy the client ID from WorkOS Dashboard → API Keys")),
    });
    out.push(match (super::settings::is_cookie_password(&s.cookie_password), emulator) {
        (true, true) => pass("WORKOS_COOKIE_PASSWORD", "64 hex characters (a throwaway one on the emulator: sessions end at restart)"),
        (true, false) => pass("WORKOS_COOKIE_PASSWORD", "64 hex characters"),
        (false, _) => check("WORKOS_COOKIE_PASSWORD", Verdict::Fail, "not 64 hex characters", Some("generate one with `openssl rand -hex 32`")),
    });
    let sdk = state.workos.default_headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("unknown").to_string();
    out.push(pass("WorkOS SDK", format!("the official workos crate ({sdk})")));
    out.push(webhook_check(state));
    out.push(admins_check(state));
    out.push(redirect_check(state));
    out
}

fn is_public_https(url: &str) -> bool {
    url::Url::parse(url).ok().is_some_and(|u| {
        u.scheme() == "https"
            && match u.host() {
                Some(url::Host::Domain(d)) => d != "localhost" && !d.ends_with(".localhost") && !d.ends_with(".test"),
                Some(url::Host::Ipv4(ip)) => !(ip.is_loopback() || ip.is_private() || ip.is_link_local()),
                Some(url::Host::Ipv6(ip)) => !ip.is_loopback(),
                None => false,
            }
    })
}

fn webhook_check(state: &AppState) -> Check {
    let s = &state.settings;
    let endpoint = format!("{}/webhooks/workos", s.site_url);
    match (&s.webhook_secret, s.is_emulator(), is_public_https(&endpoint)) {
        (None, _, _) => check(
            "Webhooks",
            Verdict::Fail,
            "WORKOS_WEBHOOK_SECRET is not set: the endpoint refuses every delivery (events come only from the catch-up)",
            Some("add an endpoint for <site>/webhooks/workos in WorkOS Dashboard → Webhooks and set WORKOS_WEBHOOK_SECRET to its secret"),
        ),
        (Some(_), true, _) => pass("Webhooks", format!("the embedded emulator delivers to {endpoint}")),
        (Some(_), false, true) => pass("Webhooks", format!("secret set; WorkOS can reach {endpoint}")),
        (Some(_), false, false) => check(
            "Webhooks",
            Verdict::Warn,
            format!("secret set, but WorkOS cannot reach {endpoint} (not a public https URL)"),
            Some("serve Orgdeck on a public https address (or a tunnel) and register that URL in WorkOS Dashboard → Webhooks"),
        ),
    }
}

/// Who may use the lab and the doctor, and in which form Leptos.toml names them.
fn admins_check(state: &AppState) -> Check {
    let s = &state.settings;
    let (emails, ids) = s.admins.iter().partition::<Vec<&String>, _>(|a| a.contains('@'));
    match (s.is_emulator(), ids.len(), emails.len()) {
        (true, _, _) => pass("Admins", "everyone who signs in, on the emulator"),
        (false, 0, 0) => check(
            "Admins",
            Verdict::Warn,
            "Leptos.toml [orgdeck] admins lists nobody: nobody may use the lab or the doctor page",
            Some("add admins by WorkOS user id (user_…), e.g. admins = [\"user_01H…\"]"),
        ),
        (false, ids, 0) => pass("Admins", format!("{ids} by WorkOS user id")),
        (false, ids, emails) => check(
            "Admins",
            Verdict::Warn,
            format!("{ids} by WorkOS user id, {emails} by email (accepted only when WorkOS says the email is verified)"),
            Some("prefer WorkOS user ids (user_…) in Leptos.toml [orgdeck] admins: an id cannot be claimed by another account"),
        ),
    }
}

fn redirect_check(state: &AppState) -> Check {
    let s = &state.settings;
    let origin = url::Url::parse(&s.redirect_uri).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    if origin != s.site_url {
        return check(
            "Redirect URI",
            Verdict::Fail,
            format!("{} is not on this site ({})", s.redirect_uri, s.site_url),
            Some("set WORKOS_REDIRECT_URI to <this site>/auth/callback"),
        );
    }
    match s.is_emulator() {
        true => pass("Redirect URI", format!("{} (the emulator accepts this site's callbacks)", s.redirect_uri)),
        // The SDK has no call that lists the registered redirect URIs.
        false => check(
            "Redirect URI",
            Verdict::Warn,
            format!("{} is on this site; WorkOS's API cannot tell whether it is registered", s.redirect_uri),
            Some("make sure WorkOS Dashboard → Redirects lists it exactly"),
        ),
    }
}

async fn workos_checks(state: &AppState) -> Vec<Check> {
    let client = &state.workos;
    let org = match reads::organizations(client, None, 1).await {
        Ok(list) => list.into_iter().next(),
        Err(err) => {
            return vec![check("API key accepted", Verdict::Fail, format!("GET /organizations: {err}: {}", err.detail()), Some(&err.fix()))];
        }
    };
    let mut out = vec![pass("API key accepted", "GET /organizations?limit=1 answered")];
    let Some(org) = org else {
        out.push(check("Widget token", Verdict::Warn, "no organization in this environment to mint one for", Some("create an organization in WorkOS Dashboard → Organizations")));
        return out;
    };
    let member = match reads::any_member(client, &org.id).await {
        Ok(member) => member,
        Err(err) => {
            out.push(check("Widget token", Verdict::Fail, format!("listing {}'s members: {err}", org.name), None));
            return out;
        }
    };
    let Some(member) = member else {
        out.push(check("Widget token", Verdict::Warn, format!("{} has no members to mint one for", org.name), Some("invite someone to the organization")));
        return out;
    };
    out.push(match tokens::mint(client, Some(&org.id), Some(&member), &[]).await {
        Ok(_) => pass("Widget token", format!("minted for {} and one of its members", org.name)),
        Err(err) => check("Widget token", Verdict::Fail, format!("for {}: {err}: {}", org.name, err.detail()), Some(&err.fix())),
    });
    out.push(tenant_check(state).await);
    out
}

async fn tenant_check(state: &AppState) -> Check {
    let tenants = &state.settings.tenants;
    if tenants.is_empty() {
        return pass("Tenant map", "none in Leptos.toml (your tenants are WorkOS organizations)");
    }
    let mut missing = Vec::new();
    for (tenant, org) in tenants {
        if reads::organization(&state.workos, org).await.is_err() {
            missing.push(format!("{tenant} → {org}"));
        }
    }
    match missing.is_empty() {
        true => pass("Tenant map", format!("{} tenants, each a WorkOS organization", tenants.len())),
        false => check(
            "Tenant map",
            Verdict::Fail,
            format!("not found in this WorkOS environment: {}", missing.join(", ")),
            Some("fix Leptos.toml [tenants] (a staging organization id with a production key?)"),
        ),
    }
}

/// The browser's widgets call WorkOS from this site: its origin must be allowed.
async fn cors_check(state: &AppState) -> Check {
    let origin = &state.settings.site_url;
    match super::workos::cors::allowed(&state.workos, origin).await {
        Err(e) => check("Allowed web origin", Verdict::Fail, format!("WorkOS could not be asked: {e}"), None),
        Ok(true) => pass("Allowed web origin", format!("WorkOS allows the widgets to call it from {origin}")),
        Ok(false) => check(
            "Allowed web origin",
            Verdict::Fail,
            format!("WorkOS refuses the widgets' calls from {origin}"),
            Some("add this site's origin in WorkOS Dashboard → Authentication → Allowed web origins (CORS)"),
        ),
    }
}

async fn database_check(state: &AppState) -> Check {
    // The doctor's page and output are shown to people: never a database password.
    let url = super::store::redacted(&state.settings.database_url);
    match state.store.migrations_applied().await {
        Ok((applied, known)) if applied >= known => pass("Database", format!("{url} reachable, {applied} migrations applied")),
        Ok((applied, known)) => check(
            "Database",
            Verdict::Fail,
            format!("{applied} of {known} migrations applied"),
            Some("restart Orgdeck: it migrates the database at start"),
        ),
        Err(e) => check(
            "Database",
            Verdict::Fail,
            format!("{url}: {e}"),
            Some("point DATABASE_URL at a writable sqlite: file, or at a PostgreSQL database that is up and lets this user in"),
        ),
    }
}

/// How many checks failed.
pub fn failures(checks: &[Check]) -> usize {
    checks.iter().filter(|c| c.verdict == Verdict::Fail).count()
}

/// The checklist as the command line prints it.
pub fn as_text(checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        out.push_str(&format!("{}  {:<22} {}\n", c.verdict.label(), c.name, c.detail));
        if let Some(fix) = &c.fix {
            out.push_str(&format!("      {:<22} fix: {fix}\n", ""));
        }
    }
    out.push_str(&format!("{} failed, {} checks\n", failures(checks), checks.len()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_public_https_address_is_reachable_from_workos() {
        assert!(is_public_https("https://orgdeck.example.com/webhooks/workos"));
        assert!(!is_public_https("http://orgdeck.example.com/webhooks/workos"));
        assert!(!is_public_https("https://127.0.0.1:3000/webhooks/workos"));
        assert!(!is_public_https("https://10.0.0.5/webhooks/workos"));
        assert!(!is_public_https("https://localhost/webhooks/workos"));
    }
}
