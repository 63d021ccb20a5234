//! The emulator's hosted HTML pages (AuthKit sign-in, organization picker).
//! Plain HTML forms: they work without JavaScript, so tests can drive them.

use crate::model::User;
use crate::state::Db;

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn layout(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
body{{font-family:system-ui,sans-serif;background:#f4f4f6;color:#1c2024;margin:0;display:flex;justify-content:center}}
main{{background:#fff;margin:4rem 1rem;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 2px 12px #0002;width:26rem}}
h1{{font-size:1.4rem;margin:0 0 .25rem}} .sub{{color:#60646c;margin:0 0 1.5rem}}
button{{width:100%;padding:.7rem;margin:.3rem 0;border:1px solid #d9d9e0;border-radius:8px;background:#fff;font-size:1rem;cursor:pointer;text-align:left}}
button:hover{{background:#f0f0f3}} button.primary{{background:#3e63dd;color:#fff;text-align:center;border:0}}
label{{display:block;margin:.6rem 0 .2rem;font-size:.9rem}} input{{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #d9d9e0;border-radius:8px;font-size:1rem}}
.error{{background:#ffefef;color:#ce2c31;padding:.6rem;border-radius:8px}} .who{{color:#60646c;font-size:.85rem}}
hr{{border:0;border-top:1px solid #e8e8ec;margin:1.5rem 0}} .badge{{font-size:.75rem;color:#60646c}}
</style></head>
<body><main>{body}<p class="badge">WorkOS emulator · offline</p></main></body></html>"#
    )
}

/// The AuthKit sign-in page: one button per seeded user, or email and password.
pub fn sign_in_page(db: &Db, request: &str, error: Option<&str>) -> String {
    let request_key = request;
    let request = escape(request);
    let mut users = String::new();
    for u in db.users.iter().filter(|u| u.password.is_some()) {
        let orgs: Vec<&str> = db
            .memberships
            .iter()
            .filter(|m| m.user_id == u.id && m.status == "active")
            .filter_map(|m| db.organization(&m.organization_id).map(|o| o.name.as_str()))
            .collect();
        let orgs = if orgs.is_empty() { "no organization".to_string() } else { orgs.join(", ") };
        users.push_str(&format!(
            r#"<form method="post" action="/user_management/authorize/sign-in"><input type="hidden" name="request" value="{request}"><input type="hidden" name="user_id" value="{id}"><button type="submit" data-email="{email}">Continue as {name}<br><span class="who">{email} · {orgs}</span></button></form>"#,
            id = escape(&u.id),
            email = escape(&u.email),
            name = escape(&u.display_name()),
            orgs = escape(&orgs),
        ));
    }
    let error = error.map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, escape(e))).unwrap_or_default();
    let hint = db
        .auth_requests
        .get(request_key)
        .and_then(|r| r.login_hint.clone())
        .map(|h| escape(&h))
        .unwrap_or_default();
    layout(
        "Sign in",
        &format!(
            r#"<h1>Sign in</h1><p class="sub">to continue to your application</p>{error}
{users}
<hr>
<form method="post" action="/user_management/authorize/sign-in">
<input type="hidden" name="request" value="{request}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" value="{hint}" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button class="primary" type="submit">Sign in</button>
</form>"#
        ),
    )
}

/// AuthKit's organization selection, for a user in several organizations.
pub fn organization_picker(db: &Db, request: &str, user: &User, organization_ids: &[String]) -> String {
    let mut buttons = String::new();
    for org in organization_ids.iter().filter_map(|id| db.organization(id)) {
        buttons.push_str(&format!(
            r#"<form method="post" action="/user_management/authorize/sign-in"><input type="hidden" name="request" value="{request}"><input type="hidden" name="user_id" value="{user}"><input type="hidden" name="organization_id" value="{id}"><button type="submit">{name}</button></form>"#,
            request = escape(request),
            user = escape(&user.id),
            id = escape(&org.id),
            name = escape(&org.name),
        ));
    }
    layout(
        "Choose an organization",
        &format!(
            r#"<h1>Choose an organization</h1><p class="sub">{} belongs to several organizations.</p>{buttons}"#,
            escape(&user.email)
        ),
    )
}

pub fn error_page(message: &str) -> String {
    layout("Sign-in error", &format!(r#"<h1>Something is wrong with this sign-in</h1><p class="error" role="alert">{}</p>"#, escape(message)))
}

pub fn signed_out_page() -> String {
    layout("Signed out", r#"<h1>Signed out</h1><p class="sub">Your session has ended. You can close this page.</p>"#)
}
