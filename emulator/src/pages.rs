//! The emulator's hosted HTML pages (AuthKit sign-in, its authenticator-code step,
//! the organization picker). Plain HTML forms: they work without JavaScript, so
//! tests can drive them. maud escapes every value.

use maud::{html, Markup, DOCTYPE};

use crate::model::User;
use crate::state::Db;

pub const STYLE: &str = "\
body{font-family:system-ui,sans-serif;background:#f4f4f6;color:#1c2024;margin:0;display:flex;justify-content:center}\
main{background:#fff;margin:4rem 1rem;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 2px 12px #0002;width:26rem}\
main.wide{width:44rem}\
h1{font-size:1.4rem;margin:0 0 .25rem} h2{font-size:1.05rem;margin:0 0 .25rem} .sub{color:#60646c;margin:0 0 1.5rem}\
button{width:100%;padding:.7rem;margin:.3rem 0;border:1px solid #d9d9e0;border-radius:8px;background:#fff;font-size:1rem;cursor:pointer;text-align:left}\
button:hover{background:#f0f0f3} button.primary{background:#3e63dd;color:#fff;text-align:center;border:0}\
label{display:block;margin:.6rem 0 .2rem;font-size:.9rem}\
input{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #d9d9e0;border-radius:8px;font-size:1rem}\
.error{background:#ffefef;color:#ce2c31;padding:.6rem;border-radius:8px} .who{color:#60646c;font-size:.85rem}\
hr{border:0;border-top:1px solid #e8e8ec;margin:1.5rem 0} .badge{font-size:.75rem;color:#60646c}\
article.email{border-top:1px solid #e8e8ec;padding:1rem 0} pre{white-space:pre-wrap;font-family:inherit;margin:.5rem 0 0}\
.code{font-size:1.3rem;letter-spacing:.15em}";

/// A whole page of the emulator: the shared head and style, `body` in `main`
/// (`wide` for lists such as the outbox and the Admin Portal).
pub fn document(title: &str, wide: bool, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="icon" href="data:,";
                style { (maud::PreEscaped(STYLE)) }
            }
            body {
                main.wide[wide] { (body) }
            }
        }
    }
    .into_string()
}

fn layout(title: &str, body: Markup) -> String {
    document(title, false, html! { (body) p.badge { "WorkOS emulator · offline" } })
}

const SIGN_IN: &str = "/user_management/authorize/sign-in";

/// The AuthKit sign-in page: one button per seeded user, or email and password.
pub fn sign_in_page(db: &Db, request: &str, error: Option<&str>) -> String {
    let hint = db.auth_requests.get(request).and_then(|r| r.login_hint.clone()).unwrap_or_default();
    let users = db.users.iter().filter(|u| u.password.is_some()).map(|u| {
        let orgs: Vec<&str> = db
            .memberships
            .iter()
            .filter(|m| m.user_id == u.id && m.status == "active")
            .filter_map(|m| db.organization(&m.organization_id).map(|o| o.name.as_str()))
            .collect();
        let orgs = if orgs.is_empty() { "no organization".to_string() } else { orgs.join(", ") };
        (u, orgs)
    });
    layout(
        "Sign in",
        html! {
            h1 { "Sign in" }
            p.sub { "to continue to your application" }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            @for (u, orgs) in users {
                form method="post" action=(SIGN_IN) {
                    input type="hidden" name="request" value=(request);
                    input type="hidden" name="user_id" value=(u.id);
                    button type="submit" data-email=(u.email) {
                        "Continue as " (u.display_name()) br;
                        span.who { (u.email) " · " (orgs) }
                    }
                }
            }
            hr;
            form method="post" action=(SIGN_IN) {
                input type="hidden" name="request" value=(request);
                label for="email" { "Email" }
                input id="email" name="email" type="email" autocomplete="username" value=(hint) required;
                label for="password" { "Password" }
                input id="password" name="password" type="password" autocomplete="current-password" required;
                button.primary type="submit" { "Sign in" }
            }
        },
    )
}

/// The second step for a user with an authenticator app.
pub fn mfa_page(request: &str, user: &User, error: Option<&str>) -> String {
    layout(
        "Enter your authentication code",
        html! {
            h1 { "Multi-factor authentication" }
            p.sub { "Enter the 6-digit code from your authenticator app for " (user.email) "." }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/user_management/authorize/mfa" {
                input type="hidden" name="request" value=(request);
                label for="code" { "Authentication code" }
                input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required autofocus;
                button.primary type="submit" { "Continue" }
            }
        },
    )
}

/// AuthKit's organization selection, for a user in several organizations.
pub fn organization_picker(db: &Db, request: &str, user: &User, organization_ids: &[String]) -> String {
    let orgs = organization_ids.iter().filter_map(|id| db.organization(id));
    layout(
        "Choose an organization",
        html! {
            h1 { "Choose an organization" }
            p.sub { (user.email) " belongs to several organizations." }
            @for org in orgs {
                form method="post" action=(SIGN_IN) {
                    input type="hidden" name="request" value=(request);
                    input type="hidden" name="organization_id" value=(org.id);
                    button type="submit" { (org.name) }
                }
            }
        },
    )
}

pub fn error_page(message: &str) -> String {
    layout(
        "Sign-in error",
        html! {
            h1 { "Something is wrong with this sign-in" }
            p.error role="alert" { (message) }
        },
    )
}

pub fn signed_out_page() -> String {
    layout(
        "Signed out",
        html! {
            h1 { "Signed out" }
            p.sub { "Your session has ended. You can close this page." }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped() {
        let page = error_page("<script>alert(1)</script> & \"quotes\"");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"), "{page}");
        assert!(!page.contains("<script>"));
    }
}
