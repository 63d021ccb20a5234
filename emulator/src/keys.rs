//! The RS256 signing key behind every JWT the emulator issues, and its JWKS entry.
//!
//! The key is derived from `environment.signing_key_seed`, so a restarted
//! emulator keeps its `kid` and still accepts the tokens it issued before.
//! The `rsa` crate derives it (ring cannot generate RSA keys) and builds the
//! certificates; ring signs and verifies tokens, several times faster
//! (PKCS#1 v1.5 is deterministic: the tokens are byte for byte the same).

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ring::signature::{RsaKeyPair, UnparsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::asn1::GeneralizedTime;
use x509_cert::der::Encode;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

pub struct SigningKeys {
    kid: String,
    signing: SigningKey<Sha256>,
    verifying: VerifyingKey<Sha256>,
    token_key: RsaKeyPair,
    random: ring::rand::SystemRandom,
    jwk: Value,
}

impl SigningKeys {
    /// The keys for a seed string; derived once per process (RSA generation is slow).
    pub fn for_seed(seed: &str) -> Arc<SigningKeys> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<SigningKeys>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let mut guard = cache.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .entry(seed.to_string())
            .or_insert_with(|| Arc::new(Self::derive(seed)))
            .clone()
    }

    fn derive(seed: &str) -> Self {
        let digest: [u8; 32] = Sha256::digest(format!("workos-emulator-rsa:{seed}")).into();
        let mut rng = ChaCha20Rng::from_seed(digest);
        let private = RsaPrivateKey::new(&mut rng, 2048).expect("RSA key generation");
        let public = RsaPublicKey::from(&private);
        let der = private.to_pkcs1_der().expect("a generated key encodes");
        let token_key = RsaKeyPair::from_der(der.as_bytes()).expect("ring accepts a generated 2048-bit key");
        let signing = SigningKey::<Sha256>::new(private);
        let verifying = VerifyingKey::<Sha256>::new(public.clone());

        let n = URL_SAFE_NO_PAD.encode(public.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(public.e().to_bytes_be());
        let thumb = Sha256::digest(format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#));
        let kid = crate::ids::stable_id("sso_oidc_key_pair", &hex(&thumb), 1_767_225_600_000);
        // 2026-01-01 to 2036-01-01: fixed, so the certificate (and x5t#S256) is stable.
        let cert = self_signed_certificate(&signing, &public, "CN=WorkOS Emulator", 1_767_225_600, 2_082_758_400);
        let jwk = json!({
            "alg": "RS256",
            "kty": "RSA",
            "use": "sig",
            "x5c": [STANDARD.encode(&cert)],
            "n": n,
            "e": e,
            "kid": kid,
            "x5t#S256": URL_SAFE_NO_PAD.encode(Sha256::digest(&cert)),
        });
        SigningKeys { kid, signing, verifying, token_key, random: ring::rand::SystemRandom::new(), jwk }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn jwk(&self) -> &Value {
        &self.jwk
    }

    /// Signs `claims` as an RS256 JWT with this key's `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "kid": self.kid, "typ": "JWT"});
        let head = URL_SAFE_NO_PAD.encode(header.to_string());
        let body = URL_SAFE_NO_PAD.encode(atob_safe_json(claims));
        let input = format!("{head}.{body}");
        let mut sig = vec![0; self.token_key.public().modulus_len()];
        // Fails only for a wrong buffer length, which the line above rules out.
        self.token_key
            .sign(&RSA_PKCS1_SHA256, &self.random, input.as_bytes(), &mut sig)
            .expect("RSA signing");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// A PEM certificate for this key, as an identity provider's SAML signing
    /// certificate would be (the emulator signs nothing with it).
    pub fn certificate_pem(&self, subject: &str, not_before: u64, not_after: u64) -> String {
        let public: RsaPublicKey = self.verifying.as_ref().clone();
        let der = self_signed_certificate(&self.signing, &public, subject, not_before, not_after);
        let body = STANDARD.encode(der);
        let lines: Vec<&str> = body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
        format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
    }

    /// The claims of a token this key signed, or `None` for anything else.
    /// Expiry is the caller's business: it knows the emulator's clock.
    pub fn verify(&self, token: &str) -> Option<Value> {
        let mut parts = token.split('.');
        let (head, body, sig) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(head).ok()?).ok()?;
        if header["alg"] != "RS256" || header["kid"] != self.kid.as_str() {
            return None;
        }
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, self.token_key.public().as_ref())
            .verify(format!("{head}.{body}").as_bytes(), &sig)
            .ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
    }
}

/// JSON whose base64url form has no `-` or `_`.
///
/// The official widgets decode the payload with `atob`, which rejects those two
/// characters; in ASCII JSON only `>`, `?`, `~` (and DEL) can produce them, and
/// they can only occur inside strings, where a `\u` escape means the same.
fn atob_safe_json(claims: &Value) -> String {
    let mut out = String::new();
    for c in claims.to_string().chars() {
        match c {
            '>' | '?' | '~' | '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn self_signed_certificate(signer: &SigningKey<Sha256>, public: &RsaPublicKey, subject: &str, not_before: u64, not_after: u64) -> Vec<u8> {
    let at = |secs: u64| {
        Time::GeneralTime(GeneralizedTime::from_unix_duration(Duration::from_secs(secs)).expect("valid time"))
    };
    let validity = Validity { not_before: at(not_before), not_after: at(not_after) };
    let subject = Name::from_str(subject).unwrap_or_else(|_| Name::from_str("CN=WorkOS Emulator").expect("valid name"));
    let spki = SubjectPublicKeyInfoOwned::from_key(public.clone()).expect("encodable key");
    let builder = CertificateBuilder::new(Profile::Root, SerialNumber::from(1u32), validity, subject, spki, signer)
        .expect("certificate builder");
    let cert = builder.build::<Signature>().expect("self-signed certificate");
    cert.to_der().expect("DER certificate")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_kid_and_roundtrip() {
        let keys = SigningKeys::for_seed("unit-test");
        assert_eq!(keys.kid(), SigningKeys::derive("unit-test").kid());
        let token = keys.sign(&json!({"sub": "user_1", "note": "a>b?c~"}));
        let claims = keys.verify(&token).expect("verifies");
        assert_eq!(claims["note"], "a>b?c~");
        let payload = token.split('.').nth(1).unwrap();
        assert!(!payload.contains('-') && !payload.contains('_'), "{payload}");
    }

    /// The `rsa` crate's own signature, to hold ring to it.
    #[test]
    fn ring_signs_exactly_as_the_rsa_crate_did() {
        use rsa::signature::{SignatureEncoding, Signer};
        let keys = SigningKeys::for_seed("unit-test");
        let token = keys.sign(&json!({"sub": "user_1"}));
        let (input, sig) = token.rsplit_once('.').unwrap();
        let expected = keys.signing.sign(input.as_bytes()).to_bytes();
        assert_eq!(URL_SAFE_NO_PAD.decode(sig).unwrap(), expected.to_vec());
    }

    #[test]
    fn tampered_token_is_refused() {
        let keys = SigningKeys::for_seed("unit-test");
        let token = keys.sign(&json!({"sub": "user_1", "permissions": []}));
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(r#"{"sub":"user_1","permissions":["widgets:sso:manage"]}"#);
        parts[1] = &forged;
        assert!(keys.verify(&parts.join(".")).is_none());
        assert!(keys.verify("not.a.jwt").is_none());
    }
}
