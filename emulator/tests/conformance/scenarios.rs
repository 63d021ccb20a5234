//! The requests the suite sends, area by area: for each operation of the
//! spec's areas, valid requests built from the seed (and from what earlier
//! requests created), then the invalid requests the spec describes. Each call
//! is checked by `Client` against the operation it is an instance of; the
//! asserts here are about state (what one call did is seen by the next).

use serde_json::{json, Value};

use super::client::Client;
use super::Seeded;

const MISSING: &str = "does_not_exist_01H00000000000000000000000";

pub async fn organizations(c: &Client, s: &Seeded) {
    let acme = &s.acme;
    c.valid("GET", "/organizations", &[], None).await;
    c.valid("GET", "/organizations", &[("domains", "acme.test"), ("domains", "globex.test")], None).await;
    c.valid("GET", "/organizations", &[("domains", "acme.test,globex.test"), ("order", "asc"), ("limit", "1")], None).await;
    c.invalid("GET", "/organizations", &[("limit", "0")], None).await;
    c.invalid("GET", "/organizations", &[("order", "sideways")], None).await;

    let created = c
        .valid("POST", "/organizations", &[], Some(json!({"name": "Initech", "external_id": "ext-initech", "domain_data": [{"domain": "initech.test", "state": "verified"}]})))
        .await;
    let id = created["id"].as_str().unwrap_or("not_created").to_string();
    c.invalid("POST", "/organizations", &[], Some(json!({}))).await;
    c.invalid("POST", "/organizations", &[], Some(json!({"name": 42}))).await;
    c.invalid("POST", "/organizations", &[], Some(json!({"name": "Again", "external_id": "ext-initech"}))).await;
    c.invalid("POST", "/organizations", &[], Some(json!({"name": "Taken", "domain_data": [{"domain": "acme.test", "state": "pending"}]}))).await;

    c.valid("GET", &format!("/organizations/{acme}"), &[], None).await;
    c.invalid("GET", &format!("/organizations/{MISSING}"), &[], None).await;
    let by_ext = c.valid("GET", "/organizations/external_id/ext-initech", &[], None).await;
    c.same(by_ext["id"].clone(), id.as_str());
    c.invalid("GET", "/organizations/external_id/nobody-has-this", &[], None).await;

    let updated = c
        .valid("PUT", &format!("/organizations/{id}"), &[], Some(json!({"name": "Initech Ltd", "metadata": {"tier": "gold"}, "stripe_customer_id": "cus_123"})))
        .await;
    c.same(updated["name"].clone(), "Initech Ltd");
    c.invalid("PUT", &format!("/organizations/{MISSING}"), &[], Some(json!({"name": "x"}))).await;
    c.invalid("PUT", &format!("/organizations/{id}"), &[], Some(json!({"name": 7}))).await;

    c.valid("GET", &format!("/organizations/{acme}/audit_log_configuration"), &[], None).await;
    c.invalid("GET", &format!("/organizations/{MISSING}/audit_log_configuration"), &[], None).await;
    c.valid("GET", &format!("/organizations/{acme}/audit_logs_retention"), &[], None).await;
    c.invalid("GET", &format!("/organizations/{MISSING}/audit_logs_retention"), &[], None).await;
    let retention = c
        .valid("PUT", &format!("/organizations/{acme}/audit_logs_retention"), &[], Some(json!({"retention_period_in_days": 365})))
        .await;
    c.same(retention["retention_period_in_days"].clone(), 365);
    c.invalid("PUT", &format!("/organizations/{acme}/audit_logs_retention"), &[], Some(json!({"retention_period_in_days": "long"}))).await;
    c.invalid("PUT", &format!("/organizations/{MISSING}/audit_logs_retention"), &[], Some(json!({"retention_period_in_days": 30}))).await;

    c.valid("GET", &format!("/organizations/{acme}/feature-flags"), &[], None).await;
    c.invalid("GET", &format!("/organizations/{MISSING}/feature-flags"), &[], None).await;

    c.valid("DELETE", &format!("/organizations/{id}"), &[], None).await;
    let (status, _) = c.invalid("GET", &format!("/organizations/{id}"), &[], None).await;
    c.same(status, 404);
}

pub async fn domains(c: &Client, s: &Seeded) {
    let created = c
        .valid("POST", "/organization_domains", &[], Some(json!({"domain": "acme-eu.test", "organization_id": s.acme})))
        .await;
    let id = created["id"].as_str().unwrap_or("not_created").to_string();
    c.invalid("POST", "/organization_domains", &[], Some(json!({"domain": "acme-eu.test", "organization_id": s.acme}))).await;
    c.valid("GET", &format!("/organization_domains/{id}"), &[], None).await;
    c.invalid("GET", &format!("/organization_domains/{MISSING}"), &[], None).await;
    c.valid("POST", &format!("/organization_domains/{id}/verify"), &[], None).await;
    let verified = s.acme_verified_domain.as_str();
    c.invalid("POST", &format!("/organization_domains/{verified}/verify"), &[], None).await;
    c.valid("DELETE", &format!("/organization_domains/{id}"), &[], None).await;
    c.invalid("DELETE", &format!("/organization_domains/{id}"), &[], None).await;
}

pub async fn users(c: &Client, s: &Seeded) {
    c.valid("GET", "/user_management/users", &[], None).await;
    c.valid("GET", "/user_management/users", &[("organization_id", &s.acme), ("email", "ada@acme.test")], None).await;
    c.invalid("GET", "/user_management/users", &[("limit", "1000")], None).await;
    let created = c
        .valid(
            "POST",
            "/user_management/users",
            &[],
            Some(json!({"email": "zoe@acme.test", "first_name": "Zoe", "last_name": "Zed", "external_id": "ext-zoe", "password": "Corr3ct-Horse!"})),
        )
        .await;
    let zoe = created["id"].as_str().unwrap_or("not_created").to_string();
    c.invalid("POST", "/user_management/users", &[], Some(json!({"first_name": "No email"}))).await;
    c.invalid("POST", "/user_management/users", &[], Some(json!({"email": "zoe@acme.test"}))).await;
    c.invalid("POST", "/user_management/users", &[], Some(json!({"email": 12}))).await;
    c.valid("GET", &format!("/user_management/users/{}", s.ada), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{MISSING}"), &[], None).await;
    let by_ext = c.valid("GET", "/user_management/users/external_id/ext-zoe", &[], None).await;
    c.same(by_ext["id"].clone(), zoe.as_str());
    c.invalid("GET", "/user_management/users/external_id/nobody", &[], None).await;
    let updated = c
        .valid("PUT", &format!("/user_management/users/{zoe}"), &[], Some(json!({"first_name": "Zoë", "metadata": {"team": "ops"}})))
        .await;
    c.same(updated["first_name"].clone(), "Zoë");
    c.invalid("PUT", &format!("/user_management/users/{zoe}"), &[], Some(json!({"email_verified": "yes"}))).await;

    c.valid("GET", &format!("/user_management/users/{}/identities", s.ada), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{MISSING}/identities"), &[], None).await;
    c.valid("GET", &format!("/user_management/users/{}/sessions", s.ada), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{MISSING}/sessions"), &[], None).await;
    c.valid("GET", &format!("/user_management/users/{}/feature-flags", s.ada), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{MISSING}/feature-flags"), &[], None).await;
    c.valid("GET", &format!("/user_management/users/{}/authorized_applications", s.ada), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{MISSING}/authorized_applications"), &[], None).await;
    c.invalid("DELETE", &format!("/user_management/users/{}/authorized_applications/{MISSING}", s.ada), &[], None).await;
    c.valid("GET", &format!("/user_management/users/{}/data_providers", s.ada), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{MISSING}/data_providers"), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{}/connected_accounts/github", s.ada), &[], None).await;
    c.invalid("DELETE", &format!("/user_management/users/{}/connected_accounts/github", s.ada), &[], None).await;

    // Email verification: the code arrives in the outbox.
    c.valid("POST", &format!("/user_management/users/{zoe}/email_verification/send"), &[], None).await;
    let code = s.last_code("zoe@acme.test").await;
    c.invalid("POST", &format!("/user_management/users/{zoe}/email_verification/confirm"), &[], Some(json!({"code": "000000x"}))).await;
    let verified = c
        .valid("POST", &format!("/user_management/users/{zoe}/email_verification/confirm"), &[], Some(json!({"code": code})))
        .await;
    c.same(verified["user"]["email_verified"].clone(), true);
    c.invalid("POST", &format!("/user_management/users/{MISSING}/email_verification/send"), &[], None).await;

    // Email change: a code to the new address.
    c.valid("POST", &format!("/user_management/users/{zoe}/email_change/send"), &[], Some(json!({"new_email": "zoe@acme-new.test"}))).await;
    let code = s.last_code("zoe@acme-new.test").await;
    c.invalid("POST", &format!("/user_management/users/{zoe}/email_change/send"), &[], Some(json!({"new_email": "ada@acme.test"}))).await;
    c.invalid("POST", &format!("/user_management/users/{zoe}/email_change/confirm"), &[], Some(json!({"code": "nope"}))).await;
    let changed = c
        .valid("POST", &format!("/user_management/users/{zoe}/email_change/confirm"), &[], Some(json!({"code": code})))
        .await;
    c.same(changed["user"]["email"].clone(), "zoe@acme-new.test");

    // Authentication factors.
    let enrolled = c
        .valid("POST", &format!("/user_management/users/{zoe}/auth_factors"), &[], Some(json!({"type": "totp", "totp_issuer": "Orgdeck", "totp_user": "zoe"})))
        .await;
    c.same(enrolled["authentication_factor"]["type"].clone(), "totp");
    c.invalid("POST", &format!("/user_management/users/{zoe}/auth_factors"), &[], Some(json!({"type": "carrier-pigeon"}))).await;
    c.valid("GET", &format!("/user_management/users/{zoe}/auth_factors"), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{zoe}/auth_factors"), &[("limit", "-1")], None).await;

    // API keys of a user.
    c.valid("GET", &format!("/user_management/users/{}/api_keys", s.ada), &[], None).await;
    c.invalid("GET", &format!("/user_management/users/{MISSING}/api_keys"), &[], None).await;
    c.valid("POST", &format!("/user_management/users/{}/api_keys", s.ada), &[], Some(json!({"name": "Ada's laptop", "organization_id": s.acme}))).await;
    c.invalid("POST", &format!("/user_management/users/{}/api_keys", s.ada), &[], Some(json!({"name": "no org"}))).await;

    c.valid("DELETE", &format!("/user_management/users/{zoe}"), &[], None).await;
    c.invalid("DELETE", &format!("/user_management/users/{zoe}"), &[], None).await;
}

pub async fn memberships(c: &Client, s: &Seeded) {
    c.valid("GET", "/user_management/organization_memberships", &[("organization_id", &s.acme)], None).await;
    c.valid(
        "GET",
        "/user_management/organization_memberships",
        &[("user_id", &s.bea), ("statuses", "active"), ("statuses", "inactive")],
        None,
    )
    .await;
    c.valid("GET", "/user_management/organization_memberships", &[("user_id", &s.bea), ("statuses", "active,pending")], None).await;
    c.invalid("GET", "/user_management/organization_memberships", &[], None).await;
    c.invalid("GET", "/user_management/organization_memberships", &[("user_id", &s.bea), ("statuses", "asleep")], None).await;

    let created = c
        .valid(
            "POST",
            "/user_management/organization_memberships",
            &[],
            Some(json!({"user_id": s.nora, "organization_id": s.acme, "role_slug": "member"})),
        )
        .await;
    let id = created["id"].as_str().unwrap_or("not_created").to_string();
    c.invalid("POST", "/user_management/organization_memberships", &[], Some(json!({"user_id": s.nora}))).await;
    c.invalid("POST", "/user_management/organization_memberships", &[], Some(json!({"user_id": MISSING, "organization_id": s.acme}))).await;
    c.valid("GET", &format!("/user_management/organization_memberships/{id}"), &[], None).await;
    c.invalid("GET", &format!("/user_management/organization_memberships/{MISSING}"), &[], None).await;
    let updated = c.valid("PUT", &format!("/user_management/organization_memberships/{id}"), &[], Some(json!({"role_slug": "admin"}))).await;
    c.same(updated["role"]["slug"].clone(), "admin");
    c.invalid("PUT", &format!("/user_management/organization_memberships/{id}"), &[], Some(json!({"role_slug": "emperor"}))).await;
    let off = c.valid("PUT", &format!("/user_management/organization_memberships/{id}/deactivate"), &[], None).await;
    c.same(off["status"].clone(), "inactive");
    c.invalid("PUT", &format!("/user_management/organization_memberships/{MISSING}/deactivate"), &[], None).await;
    let on = c.valid("PUT", &format!("/user_management/organization_memberships/{id}/reactivate"), &[], None).await;
    c.same(on["status"].clone(), "active");
    c.invalid("PUT", &format!("/user_management/organization_memberships/{MISSING}/reactivate"), &[], None).await;
    // An invitation's pending membership is the spec's 400 for both.
    let invited = c
        .valid("POST", "/user_management/invitations", &[], Some(json!({"email": "pat@acme.test", "organization_id": s.acme})))
        .await;
    let pending = c.valid("GET", "/user_management/organization_memberships", &[("organization_id", &s.acme), ("statuses", "pending")], None).await;
    let pat = invited["email"].as_str().unwrap_or_default();
    let pending_id = pending["data"].as_array().into_iter().flatten().find(|m| m["user"]["email"] == pat).and_then(|m| m["id"].as_str()).unwrap_or("not_created");
    c.invalid("PUT", &format!("/user_management/organization_memberships/{pending_id}/deactivate"), &[], None).await;
    c.invalid("PUT", &format!("/user_management/organization_memberships/{pending_id}/reactivate"), &[], None).await;
    c.valid("GET", &format!("/user_management/organization_memberships/{id}/groups"), &[], None).await;
    c.invalid("GET", &format!("/user_management/organization_memberships/{MISSING}/groups"), &[], None).await;
    c.valid("DELETE", &format!("/user_management/organization_memberships/{id}"), &[], None).await;
    c.invalid("DELETE", &format!("/user_management/organization_memberships/{id}"), &[], None).await;
}

pub async fn invitations(c: &Client, s: &Seeded) {
    let created = c
        .valid(
            "POST",
            "/user_management/invitations",
            &[],
            Some(json!({"email": "sam@acme.test", "organization_id": s.acme, "inviter_user_id": s.ada, "role_slug": "member"})),
        )
        .await;
    let id = created["id"].as_str().unwrap_or("not_created").to_string();
    let token = created["token"].as_str().unwrap_or("not_created").to_string();
    c.invalid("POST", "/user_management/invitations", &[], Some(json!({"organization_id": s.acme}))).await;
    c.invalid("POST", "/user_management/invitations", &[], Some(json!({"email": "x@acme.test", "organization_id": MISSING}))).await;
    c.valid("GET", "/user_management/invitations", &[("organization_id", &s.acme)], None).await;
    c.invalid("GET", "/user_management/invitations", &[("order", "up")], None).await;
    c.valid("GET", &format!("/user_management/invitations/{id}"), &[], None).await;
    c.invalid("GET", &format!("/user_management/invitations/{MISSING}"), &[], None).await;
    c.valid("GET", &format!("/user_management/invitations/by_token/{token}"), &[], None).await;
    c.invalid("GET", "/user_management/invitations/by_token/not-a-token", &[], None).await;
    c.valid("POST", &format!("/user_management/invitations/{id}/resend"), &[], None).await;
    c.invalid("POST", &format!("/user_management/invitations/{MISSING}/resend"), &[], None).await;
    let accepted = c.valid("POST", &format!("/user_management/invitations/{id}/accept"), &[], None).await;
    c.same(accepted["state"].clone(), "accepted");
    c.invalid("POST", &format!("/user_management/invitations/{id}/accept"), &[], None).await;
    c.invalid("POST", &format!("/user_management/invitations/{id}/revoke"), &[], None).await;

    let second = c
        .valid("POST", "/user_management/invitations", &[], Some(json!({"email": "tim@acme.test", "organization_id": s.acme})))
        .await;
    let second = second["id"].as_str().unwrap_or("not_created").to_string();
    let revoked = c.valid("POST", &format!("/user_management/invitations/{second}/revoke"), &[], None).await;
    c.same(revoked["state"].clone(), "revoked");
    c.invalid("POST", &format!("/user_management/invitations/{second}/resend"), &[], None).await;
}

pub async fn authentication(c: &Client, s: &Seeded) {
    let body = |extra: Value| {
        let mut b = json!({"client_id": s.client_id, "client_secret": c.api_key});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        Some(b)
    };
    let path = "/user_management/authenticate";
    let signed_in = c
        .valid("POST", path, &[], body(json!({"grant_type": "password", "email": "max@acme.test", "password": "orgdeck-max"})))
        .await;
    let refresh = signed_in["refresh_token"].as_str().unwrap_or_default().to_string();
    c.invalid("POST", path, &[], body(json!({"grant_type": "password", "email": "max@acme.test", "password": "wrong"}))).await;
    c.valid("POST", path, &[], body(json!({"grant_type": "refresh_token", "refresh_token": refresh}))).await;
    c.invalid("POST", path, &[], body(json!({"grant_type": "refresh_token", "refresh_token": "rt_nope"}))).await;
    c.invalid("POST", path, &[], body(json!({"grant_type": "authorization_code", "code": "nope"}))).await;
    c.invalid("POST", path, &[], body(json!({"grant_type": "carrier_pigeon"}))).await;

    let code = s.authorization_code("ada@acme.test", "orgdeck-ada").await;
    c.valid("POST", path, &[], body(json!({"grant_type": "authorization_code", "code": code}))).await;

    // A user in two organizations is asked to pick one.
    let (status, pending) = c
        .invalid("POST", path, &[], body(json!({"grant_type": "password", "email": "bea@globex.test", "password": "orgdeck-bea"})))
        .await;
    c.same(status, 403);
    let token = pending["pending_authentication_token"].as_str().unwrap_or_default();
    c.valid(
        "POST",
        path,
        &[],
        body(json!({"grant_type": "urn:workos:oauth:grant-type:organization-selection", "pending_authentication_token": token, "organization_id": s.globex})),
    )
    .await;

    // Magic auth: the code is in the outbox.
    s.send_magic_code("nora@example.test").await;
    let magic = s.last_code("nora@example.test").await;
    c.invalid("POST", path, &[], body(json!({"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "nora@example.test", "code": "000000"}))).await;
    c.valid("POST", path, &[], body(json!({"grant_type": "urn:workos:oauth:grant-type:magic-auth:code", "email": "nora@example.test", "code": magic}))).await;

    c.invalid(
        "POST",
        path,
        &[],
        body(json!({"grant_type": "urn:workos:oauth:grant-type:email-verification:code", "pending_authentication_token": "nope", "code": "123456"})),
    )
    .await;
    c.invalid(
        "POST",
        path,
        &[],
        body(json!({"grant_type": "urn:workos:oauth:grant-type:mfa-totp", "pending_authentication_token": "nope", "authentication_challenge_id": "nope", "code": "123456"})),
    )
    .await;
    c.invalid("POST", path, &[], Some(json!({"client_id": s.client_id, "grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "nope"}))).await;

    // Sessions.
    let session = s.a_session_of("max@acme.test", "orgdeck-max").await;
    c.valid("POST", "/user_management/sessions/revoke", &[], Some(json!({"session_id": session}))).await;
    c.invalid("POST", "/user_management/sessions/revoke", &[], Some(json!({}))).await;
    let session = s.a_session_of("max@acme.test", "orgdeck-max").await;
    c.valid("GET", "/user_management/sessions/logout", &[("session_id", &session), ("return_to", "http://127.0.0.1:3000/")], None).await;
    c.invalid("GET", "/user_management/sessions/logout", &[], None).await;

    c.valid("GET", &format!("/sso/jwks/{}", s.client_id), &[], None).await;
    c.invalid("GET", "/sso/jwks/client_nobody", &[], None).await;
}

pub async fn widgets_and_portal(c: &Client, s: &Seeded) {
    c.valid("POST", "/widgets/token", &[], Some(json!({"organization_id": s.acme, "user_id": s.ada, "scopes": ["widgets:users-table:manage"]}))).await;
    // A user-only token is valid (the official SDKs', see widget_tokens.rs); naming neither is not.
    c.valid("POST", "/widgets/token", &[], Some(json!({"user_id": s.ada}))).await;
    c.invalid("POST", "/widgets/token", &[], Some(json!({}))).await;
    c.invalid("POST", "/widgets/token", &[], Some(json!({"organization_id": MISSING, "user_id": s.ada}))).await;
    c.invalid("POST", "/widgets/token", &[], Some(json!({"organization_id": s.acme, "scopes": ["widgets:everything"]}))).await;

    c.valid("POST", "/portal/generate_link", &[], Some(json!({"organization": s.acme, "intent": "sso"}))).await;
    c.invalid("POST", "/portal/generate_link", &[], Some(json!({"intent": "sso"}))).await;
    c.invalid("POST", "/portal/generate_link", &[], Some(json!({"organization": s.acme, "intent": "everything"}))).await;
    c.invalid("POST", "/portal/generate_link", &[], Some(json!({"organization": MISSING, "intent": "sso"}))).await;
}

pub async fn sso_and_directories(c: &Client, s: &Seeded) {
    c.valid("GET", "/connections", &[], None).await;
    c.valid("GET", "/connections", &[("organization_id", &s.globex), ("connection_type", "OktaSAML")], None).await;
    c.invalid("GET", "/connections", &[("connection_type", "Telepathy")], None).await;
    c.valid("GET", &format!("/connections/{}", s.connection), &[], None).await;
    c.invalid("GET", &format!("/connections/{MISSING}"), &[], None).await;

    c.valid("GET", "/directories", &[], None).await;
    c.valid("GET", "/directories", &[("organization_id", &s.globex)], None).await;
    c.invalid("GET", "/directories", &[("limit", "x")], None).await;
    c.valid("GET", &format!("/directories/{}", s.directory), &[], None).await;
    c.invalid("GET", &format!("/directories/{MISSING}"), &[], None).await;
    let users = c.valid("GET", "/directory_users", &[("directory", &s.directory)], None).await;
    c.invalid("GET", "/directory_users", &[], None).await;
    let user = users["data"][0]["id"].as_str().unwrap_or("not_created").to_string();
    c.valid("GET", &format!("/directory_users/{user}"), &[], None).await;
    c.invalid("GET", &format!("/directory_users/{MISSING}"), &[], None).await;
    let groups = c.valid("GET", "/directory_groups", &[("directory", &s.directory)], None).await;
    c.invalid("GET", "/directory_groups", &[], None).await;
    let group = groups["data"][0]["id"].as_str().unwrap_or("not_created").to_string();
    c.valid("GET", &format!("/directory_groups/{group}"), &[], None).await;
    c.invalid("GET", &format!("/directory_groups/{MISSING}"), &[], None).await;

    c.valid("DELETE", &format!("/connections/{}", s.connection), &[], None).await;
    c.invalid("DELETE", &format!("/connections/{}", s.connection), &[], None).await;
    c.valid("DELETE", &format!("/directories/{}", s.directory), &[], None).await;
}

pub async fn events_and_audit_logs(c: &Client, s: &Seeded) {
    c.valid("GET", "/events", &[], None).await;
    c.valid("GET", "/events", &[("events", "organization.created"), ("events", "organization_domain.verified")], None).await;
    c.valid("GET", "/events", &[("events", "organization.created,dsync.user.created"), ("organization_id", &s.acme)], None).await;
    c.invalid("GET", "/events", &[("limit", "1001")], None).await;
    c.invalid("GET", "/events", &[("range_start", "yesterday")], None).await;

    let event = json!({
        "action": "user.signed_in",
        "occurred_at": "2026-12-01T10:00:00.000Z",
        "actor": {"type": "user", "id": s.ada, "name": "Ada Admin"},
        "targets": [{"type": "team", "id": "team_1"}],
        "context": {"location": "203.0.113.7", "user_agent": "curl"},
        "version": 1
    });
    c.valid("POST", "/audit_logs/events", &[], Some(json!({"organization_id": s.acme, "event": event}))).await;
    c.invalid("POST", "/audit_logs/events", &[], Some(json!({"organization_id": s.acme}))).await;
    c.invalid("POST", "/audit_logs/events", &[], Some(json!({"organization_id": MISSING, "event": event}))).await;

    c.valid("POST", "/audit_logs/actions/document.updated/schemas", &[], Some(json!({"targets": [{"type": "document"}]}))).await;
    c.invalid("POST", "/audit_logs/actions/document.updated/schemas", &[], Some(json!({"actor": {}}))).await;
    c.valid("GET", "/audit_logs/actions", &[], None).await;
    c.invalid("GET", "/audit_logs/actions", &[("limit", "500")], None).await;
    c.valid("GET", "/audit_logs/actions/document.updated/schemas", &[], None).await;
    c.invalid("GET", "/audit_logs/actions/never.defined/schemas", &[], None).await;

    let export = c
        .valid(
            "POST",
            "/audit_logs/exports",
            &[],
            Some(json!({"organization_id": s.acme, "range_start": "2026-01-01T00:00:00.000Z", "range_end": "2027-01-01T00:00:00.000Z"})),
        )
        .await;
    c.invalid("POST", "/audit_logs/exports", &[], Some(json!({"organization_id": s.acme}))).await;
    let id = export["id"].as_str().unwrap_or("not_created").to_string();
    let ready = c.valid("GET", &format!("/audit_logs/exports/{id}"), &[], None).await;
    if let Some(url) = ready["url"].as_str() {
        let csv = reqwest::get(url).await.unwrap().text().await.unwrap();
        c.same(csv.contains("user.signed_in"), true);
    }
    c.invalid("GET", &format!("/audit_logs/exports/{MISSING}"), &[], None).await;
}

pub async fn api_keys(c: &Client, s: &Seeded) {
    c.valid("GET", &format!("/organizations/{}/api_keys", s.acme), &[], None).await;
    c.invalid("GET", &format!("/organizations/{MISSING}/api_keys"), &[], None).await;
    let created = c
        .valid("POST", &format!("/organizations/{}/api_keys", s.acme), &[], Some(json!({"name": "Reports", "permissions": ["reports:read"]})))
        .await;
    c.invalid("POST", &format!("/organizations/{}/api_keys", s.acme), &[], Some(json!({"permissions": []}))).await;
    let value = created["value"].as_str().unwrap_or_default();
    c.valid("POST", "/api_keys/validations", &[], Some(json!({"value": value}))).await;
    c.invalid("POST", "/api_keys/validations", &[], Some(json!({}))).await;
    let id = created["id"].as_str().unwrap_or("not_created");
    c.valid("DELETE", &format!("/api_keys/{id}"), &[], None).await;
    c.invalid("DELETE", &format!("/api_keys/{id}"), &[], None).await;
}

pub async fn roles(c: &Client, s: &Seeded) {
    c.valid("GET", "/authorization/roles", &[], None).await;
    let created = c
        .valid("POST", "/authorization/roles", &[], Some(json!({"slug": "auditor", "name": "Auditor", "description": "Reads logs"})))
        .await;
    c.same(created["slug"].clone(), "auditor");
    c.invalid("POST", "/authorization/roles", &[], Some(json!({"slug": "auditor", "name": "Again"}))).await;
    c.invalid("POST", "/authorization/roles", &[], Some(json!({"name": "No slug"}))).await;
    c.valid("GET", "/authorization/roles/auditor", &[], None).await;
    c.invalid("GET", "/authorization/roles/nobody", &[], None).await;
    c.valid("PATCH", "/authorization/roles/auditor", &[], Some(json!({"description": "Reads every log"}))).await;
    c.invalid("PATCH", "/authorization/roles/nobody", &[], Some(json!({"name": "x"}))).await;
    let set = c.valid("PUT", "/authorization/roles/auditor/permissions", &[], Some(json!({"permissions": ["widgets:users-table:manage"]}))).await;
    c.same(set["permissions"].clone(), json!(["widgets:users-table:manage"]));
    c.invalid("PUT", "/authorization/roles/auditor/permissions", &[], Some(json!({}))).await;
    c.valid("POST", "/authorization/roles/auditor/permissions", &[], Some(json!({"slug": "widgets:sso:manage"}))).await;
    c.invalid("POST", "/authorization/roles/nobody/permissions", &[], Some(json!({"slug": "widgets:sso:manage"}))).await;

    let base = format!("/authorization/organizations/{}/roles", s.acme);
    c.valid("GET", &base, &[], None).await;
    c.invalid("GET", &format!("/authorization/organizations/{MISSING}/roles"), &[], None).await;
    let org_role = c.valid("POST", &base, &[], Some(json!({"slug": "org-billing", "name": "Billing"}))).await;
    let slug = org_role["slug"].as_str().unwrap_or("org-billing").to_string();
    c.invalid("POST", &base, &[], Some(json!({"description": "no name"}))).await;
    c.valid("GET", &format!("{base}/{slug}"), &[], None).await;
    c.invalid("GET", &format!("{base}/nobody"), &[], None).await;
    c.valid("PATCH", &format!("{base}/{slug}"), &[], Some(json!({"name": "Billing admins"}))).await;
    c.invalid("PATCH", &format!("{base}/nobody"), &[], Some(json!({"name": "x"}))).await;
    c.valid("PUT", &format!("{base}/{slug}/permissions"), &[], Some(json!({"permissions": ["widgets:api-keys:manage"]}))).await;
    c.invalid("PUT", &format!("{base}/nobody/permissions"), &[], Some(json!({"permissions": []}))).await;
    c.valid("POST", &format!("{base}/{slug}/permissions"), &[], Some(json!({"slug": "widgets:sso:manage"}))).await;
    c.invalid("POST", &format!("{base}/{slug}/permissions"), &[], Some(json!({}))).await;
    let removed = c.valid("DELETE", &format!("{base}/{slug}/permissions/widgets:sso:manage"), &[], None).await;
    c.same(removed["permissions"].clone(), json!(["widgets:api-keys:manage"]));
    c.invalid("DELETE", &format!("{base}/nobody/permissions/widgets:sso:manage"), &[], None).await;
    c.valid("DELETE", &format!("{base}/{slug}"), &[], None).await;
    c.invalid("DELETE", &format!("{base}/{slug}"), &[], None).await;
}

pub async fn groups(c: &Client, s: &Seeded) {
    let base = format!("/organizations/{}/groups", s.acme);
    let created = c.valid("POST", &base, &[], Some(json!({"name": "Engineering", "description": "Builders"}))).await;
    let id = created["id"].as_str().unwrap_or("not_created").to_string();
    c.invalid("POST", &base, &[], Some(json!({"description": "no name"}))).await;
    c.valid("GET", &base, &[], None).await;
    c.invalid("GET", &format!("/organizations/{MISSING}/groups"), &[], None).await;
    c.valid("GET", &format!("{base}/{id}"), &[], None).await;
    c.invalid("GET", &format!("{base}/{MISSING}"), &[], None).await;
    c.valid("PATCH", &format!("{base}/{id}"), &[], Some(json!({"name": "Platform"}))).await;
    c.invalid("PATCH", &format!("{base}/{MISSING}"), &[], Some(json!({"name": "x"}))).await;
    c.valid("POST", &format!("{base}/{id}/organization-memberships"), &[], Some(json!({"organization_membership_id": s.ada_in_acme}))).await;
    c.invalid("POST", &format!("{base}/{id}/organization-memberships"), &[], Some(json!({"organization_membership_id": MISSING}))).await;
    let members = c.valid("GET", &format!("{base}/{id}/organization-memberships"), &[], None).await;
    c.same(members["data"][0]["id"].clone(), s.ada_in_acme.as_str());
    c.invalid("GET", &format!("{base}/{MISSING}/organization-memberships"), &[], None).await;
    let of = c.valid("GET", &format!("/user_management/organization_memberships/{}/groups", s.ada_in_acme), &[], None).await;
    c.same(of["data"][0]["id"].clone(), id.as_str());
    c.valid("DELETE", &format!("{base}/{id}/organization-memberships/{}", s.ada_in_acme), &[], None).await;
    c.invalid("DELETE", &format!("{base}/{id}/organization-memberships/{}", s.ada_in_acme), &[], None).await;
    c.valid("DELETE", &format!("{base}/{id}"), &[], None).await;
    c.invalid("DELETE", &format!("{base}/{id}"), &[], None).await;
}
