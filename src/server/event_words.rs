//! WorkOS events in plain words: a sentence per event type Orgdeck follows,
//! built from the event's payload and the organization's member names, for
//! `/events`, the return page and the live feed. The raw type and payload stay
//! one click away on each line; a type without a sentence of its own reads as
//! its name ("role.created" → "Role created").

use std::collections::HashMap;

use serde_json::Value;

use super::state::AppState;
use super::store::StoredEvent;
use crate::model::events::{EventRow, LiveEvent};
use crate::model::organization::MemberRow;

/// Who is who in an organization: user id → display name.
#[derive(Debug, Clone, Default)]
pub struct Names(HashMap<String, String>);

impl Names {
    pub fn of<'a>(members: impl IntoIterator<Item = &'a MemberRow>) -> Names {
        Names(members.into_iter().map(|m| (m.user_id.clone(), m.name.clone())).collect())
    }

    /// The organization's members as the cache holds them; none when WorkOS
    /// does not answer (a sentence then names people by their email).
    pub async fn read(state: &AppState, org_id: &str) -> Names {
        match state.cache.organization_and_members(&state.workos, org_id).await {
            // Members and the invited (their pending memberships).
            Ok(read) => Names::of(read.1.iter().chain(&read.2)),
            Err(_) => Names::default(),
        }
    }

    fn get(&self, id: Option<&str>) -> Option<&str> {
        id.and_then(|id| self.0.get(id)).map(String::as_str).filter(|n| !n.is_empty())
    }
}

pub fn row(e: StoredEvent, names: &Names) -> EventRow {
    let parsed = serde_json::from_str::<Value>(&e.payload).ok();
    let said = words(&e.event, parsed.as_ref().unwrap_or(&Value::Null), names);
    let pretty = parsed.and_then(|v| serde_json::to_string_pretty(&v).ok());
    EventRow {
        sentence: said,
        payload: pretty.unwrap_or(e.payload),
        id: e.id,
        event: e.event,
        created_at: e.created_at,
        source: e.source,
    }
}

pub fn live(e: StoredEvent, names: &Names) -> LiveEvent {
    LiveEvent { sentence: sentence(&e.event, &e.payload, names), id: e.id, event: e.event, created_at: e.created_at }
}

/// An event's whole payload as people read JSON: pretty-printed, or as it
/// came if it is not JSON.
pub fn pretty(payload: &str) -> String {
    serde_json::from_str::<Value>(payload).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or_else(|| payload.to_string())
}

/// One event as a sentence, e.g. "Ada Admin invited sam@acme.test as member".
pub fn sentence(event: &str, payload: &str, names: &Names) -> String {
    words(event, &serde_json::from_str(payload).unwrap_or_default(), names)
}

/// [`sentence`] of a payload already parsed.
fn words(event: &str, payload: &Value, names: &Names) -> String {
    let d = &payload["data"];
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let field = |k: &str| text(&d[k]);
    // A person: the member's name, else an email the payload carries.
    let person = |id: &Value| -> String {
        names
            .get(id.as_str())
            .map(str::to_string)
            .or_else(|| text(&d["user"]["email"]))
            .or_else(|| field("email"))
            .unwrap_or_else(|| "A member".into())
    };
    let who = || person(&d["user_id"]);
    let role = || text(&d["role"]["slug"]).or_else(|| field("role_slug"));
    let named = |noun: &str, verb: &str| match field("name") {
        Some(name) => format!("{noun} {name} {verb}"),
        None => format!("{} {verb}", capitalized(noun)),
    };
    let email = || field("email").unwrap_or_else(|| "someone".into());
    let domain = || field("domain").unwrap_or_else(|| "A domain".into());
    match event {
        "invitation.created" => {
            let inviter = names.get(d["inviter_user_id"].as_str()).unwrap_or("Someone");
            let as_role = role().map(|r| format!(" as {r}")).unwrap_or_default();
            format!("{inviter} invited {}{as_role}", email())
        }
        "invitation.resent" => format!("The invitation to {} was sent again", email()),
        "invitation.revoked" => format!("The invitation to {} was revoked", email()),
        "invitation.accepted" => format!("{} accepted the invitation", email()),
        "invitation.expired" => format!("The invitation to {} expired", email()),
        "organization_membership.created" => match (field("status").as_deref(), role()) {
            (Some("pending"), _) => format!("{} was invited to join", who()),
            (_, Some(r)) => format!("{} joined as {r}", who()),
            _ => format!("{} joined", who()),
        },
        "organization_membership.updated" => match (field("status").as_deref(), role()) {
            (Some("inactive"), _) => format!("{}'s membership was deactivated", who()),
            (_, Some(r)) => format!("{} is now {r}", who()),
            _ => format!("{}'s membership changed", who()),
        },
        "organization_membership.deleted" => format!("{} is no longer a member", who()),
        "organization_domain.created" => format!("{} was added", domain()),
        "organization_domain.verified" => format!("{} was verified", domain()),
        "organization_domain.verification_failed" => format!("{} could not be verified", domain()),
        "organization_domain.deleted" => format!("{} was removed", domain()),
        "organization_domain.updated" => format!("{} changed", domain()),
        "session.created" => match device(d["user_agent"].as_str()) {
            Some(on) => format!("{} signed in from {on}", who()),
            None => format!("{} signed in", who()),
        },
        "session.revoked" => match device(d["user_agent"].as_str()) {
            Some(on) => format!("{}'s session on {on} was ended", who()),
            None => format!("{}'s session was ended", who()),
        },
        "connection.activated" => named("SSO connection", "is active"),
        "connection.deactivated" => named("SSO connection", "was turned off"),
        "connection.deleted" => named("SSO connection", "was deleted"),
        "connection.saml_certificate_renewed" => match text(&d["certificate"]["expiry_date"]) {
            Some(ends) => format!("An SSO connection's certificate was renewed until {}", ends.get(..10).unwrap_or(&ends)),
            None => "An SSO connection's certificate was renewed".into(),
        },
        "dsync.activated" => named("Directory", "is connected"),
        "dsync.deactivated" => named("Directory", "was disconnected"),
        "dsync.deleted" => named("Directory", "was deleted"),
        "user.created" => format!("{} got an account", who_user(d, names)),
        "user.updated" => format!("{}'s account was updated", who_user(d, names)),
        "user.deleted" => format!("{}'s account was deleted", who_user(d, names)),
        "organization.updated" => named("The organization", "was updated"),
        "api_key.created" => named("API key", "was created"),
        "api_key.revoked" => named("API key", "was revoked"),
        "group.created" => named("Group", "was created"),
        "group.updated" => named("Group", "was updated"),
        "group.deleted" => named("Group", "was deleted"),
        "group.member_added" => format!("A member was added to group {}", text(&d["group"]["name"]).unwrap_or_default()).trim_end().into(),
        "group.member_removed" => format!("A member was removed from group {}", text(&d["group"]["name"]).unwrap_or_default()).trim_end().into(),
        other => capitalized(&other.replace(['.', '_'], " ")),
    }
}

/// A user event's subject: the data is the user itself.
fn who_user(d: &Value, names: &Names) -> String {
    let full = [&d["first_name"], &d["last_name"]].iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(" ");
    names
        .get(d["id"].as_str())
        .map(str::to_string)
        .or_else(|| (!full.trim().is_empty()).then(|| full.trim().to_string()))
        .or_else(|| d["email"].as_str().map(str::to_string))
        .unwrap_or_else(|| "A user".into())
}

/// "Chrome on Linux", from a user agent: the two words a person recognizes.
/// (A parser crate such as `woothee` or `uaparser` carries hundreds of
/// patterns for versions and devices nobody reads here.)
pub fn device(user_agent: Option<&str>) -> Option<String> {
    let ua = user_agent?;
    let browser = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl")]
        .iter()
        .find(|(mark, _)| ua.contains(mark))
        .map(|(_, name)| *name);
    let os = [("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"), ("CrOS", "ChromeOS"), ("Mac OS X", "macOS"), ("Linux", "Linux")]
        .iter()
        .find(|(mark, _)| ua.contains(mark))
        .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => Some(format!("{b} on {o}")),
        (Some(one), None) | (None, Some(one)) => Some(one.to_string()),
        (None, None) => None,
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> Names {
        Names::of(&[
            MemberRow { user_id: "user_ada".into(), name: "Ada Admin".into(), email: "ada@acme.test".into(), role: "admin".into() },
            MemberRow { user_id: "user_max".into(), name: "Max Member".into(), email: "max@acme.test".into(), role: "member".into() },
        ])
    }

    fn say(event: &str, data: Value) -> String {
        sentence(event, &json!({ "id": "event_1", "event": event, "data": data }).to_string(), &names())
    }

    const LINUX_CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36";

    #[test]
    fn each_followed_event_reads_as_a_sentence_from_its_payload() {
        let invited = json!({"email": "sam@acme.test", "inviter_user_id": "user_ada", "role_slug": "member"});
        assert_eq!(say("invitation.created", invited), "Ada Admin invited sam@acme.test as member");
        assert_eq!(say("invitation.revoked", json!({"email": "sam@acme.test"})), "The invitation to sam@acme.test was revoked");
        assert_eq!(say("organization_domain.verified", json!({"domain": "acme-eu.test"})), "acme-eu.test was verified");
        assert_eq!(say("session.created", json!({"user_id": "user_max", "user_agent": LINUX_CHROME})), "Max Member signed in from Chrome on Linux");
        let joined = json!({"user_id": "user_max", "status": "active", "role": {"slug": "admin"}});
        assert_eq!(say("organization_membership.created", joined), "Max Member joined as admin");
        assert_eq!(say("organization_membership.updated", json!({"user_id": "user_max", "status": "inactive"})), "Max Member's membership was deactivated");
        assert_eq!(say("connection.activated", json!({"name": "Acme Okta", "connection_type": "OktaSAML"})), "SSO connection Acme Okta is active");
        assert_eq!(say("dsync.activated", json!({"name": "Acme Directory"})), "Directory Acme Directory is connected");
    }

    #[test]
    fn someone_outside_the_member_list_is_named_by_the_payload() {
        let gone = json!({"user_id": "user_gone", "user": {"email": "gone@acme.test"}});
        assert_eq!(say("organization_membership.deleted", gone), "gone@acme.test is no longer a member");
        assert_eq!(say("session.created", json!({"user_id": "user_x"})), "A member signed in");
        assert_eq!(say("invitation.created", json!({"email": "sam@acme.test"})), "Someone invited sam@acme.test");
    }

    #[test]
    fn a_type_without_its_own_sentence_reads_as_its_name() {
        assert_eq!(say("organization_role.created", json!({})), "Organization role created");
        assert_eq!(sentence("role.deleted", "not json", &Names::default()), "Role deleted");
    }

    #[test]
    fn devices_are_named_as_people_know_them() {
        assert_eq!(device(Some(LINUX_CHROME)).as_deref(), Some("Chrome on Linux"));
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0";
        assert_eq!(device(Some(edge)).as_deref(), Some("Edge on Windows"));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(device(Some(iphone)).as_deref(), Some("Safari on iOS"));
        assert_eq!(device(Some("workos-rust/3.5.0")), None);
        assert_eq!(device(None), None);
    }
}
