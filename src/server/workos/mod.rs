//! Every call Orgdeck makes to WorkOS, through the official `workos` crate:
//! the client ([`client`]), what its errors mean ([`errors`]), the reads the
//! pages show ([`reads`], wrapped by the read cache), widget tokens
//! ([`tokens`]), Admin Portal links ([`admin_portal`]), AuthKit sign-in and
//! sessions ([`authkit`]), the widget API ([`widget_api`]), the CORS check
//! ([`cors`]), and whether WorkOS answers ([`reach`]). Nothing above
//! `server/` calls WorkOS.

pub mod admin_portal;
pub mod authkit;
pub mod budget;
pub mod cors;
pub mod events;
pub mod errors;
pub mod reach;
pub mod reads;
pub mod tokens;
pub mod transport;
pub mod widget_api;

use std::sync::Arc;

use workos::Client;

use super::settings::Settings;

/// The SDK client; with a `budget`, every call it makes (its retries too) is
/// taken from the deployment's WorkOS budget first; with a `reach`, every
/// call that goes out records whether WorkOS answered (and its metrics).
/// Calls go out on hyper's client ([`transport`]), or on the SDK's reqwest
/// when a proxy is set.
pub fn client(settings: &Settings, budget: Option<Arc<budget::Budget>>, reach: Option<Arc<reach::Reach>>) -> Client {
    // The SDK's own transport, built only when a proxy needs it.
    let reqwest = || Arc::new(::workos::transport::ReqwestTransport::with_timeout(settings.timeout)) as ::workos::transport::SharedTransport;
    let mut transport = transport::chosen(settings.timeout, reqwest, |name| std::env::var(name).ok());
    if let Some(reach) = reach {
        transport = Arc::new(reach::ReachTransport { inner: transport, reach });
    }
    // Outside the reach: a call the budget refuses never went out.
    if let Some(budget) = budget {
        transport = Arc::new(budget::BudgetTransport { inner: transport, budget });
    }
    Client::builder()
        .api_key(settings.api_key.clone())
        .client_id(settings.client_id.clone())
        .base_url(settings.api.base_url())
        .timeout(settings.timeout)
        .transport(transport)
        .build()
}

/// Part `index` of a JWT (0 the header, 1 the claims), decoded but not
/// verified: for reading an expiry or showing a token, never for trusting it.
pub fn token_part(token: &str, index: usize) -> Option<serde_json::Value> {
    use base64::Engine;
    let raw = token.split('.').nth(index)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(raw.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// "First Last", or whichever part is known, or the email.
pub fn display_name(user: &workos::User) -> String {
    match (&user.first_name, &user.last_name) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(n), None) | (None, Some(n)) => n.clone(),
        (None, None) => user.email.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The lab shows whatever token it is given: any text is read or refused, never a panic.
        #[test]
        fn fuzz_token_parts_of_any_text(text in proptest::prop_oneof![
            proptest::arbitrary::any::<String>(),
            "[A-Za-z0-9_=+/-]{0,40}(\\.[A-Za-z0-9_=+/-]{0,40}){0,3}",
        ], index in 0usize..4) {
            let _ = token_part(&text, index);
        }

        /// What was encoded is what is read back, padded or not.
        #[test]
        fn fuzz_token_parts_round_trip(claims in proptest::collection::btree_map("[a-z_]{1,8}", proptest::arbitrary::any::<String>(), 0..6), pad in proptest::arbitrary::any::<bool>()) {
            use base64::Engine;
            let json = serde_json::to_value(&claims).unwrap();
            let mut part = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string());
            if pad {
                while part.len() % 4 != 0 {
                    part.push('=');
                }
            }
            let token = format!("eyJhbGciOiJSUzI1NiJ9.{part}.c2ln");
            proptest::prop_assert_eq!(token_part(&token, 1), Some(json));
        }
    }
}
