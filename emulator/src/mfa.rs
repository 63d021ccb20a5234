//! Authenticator apps (TOTP, RFC 6238): enrolment, challenges, and checking a
//! code at the emulator's clock, one step either side.

use totp_rs::{Algorithm, Secret, Totp};

use crate::ids::new_id;
use crate::model::{TotpChallenge, TotpFactor};
use crate::emulator::Emulator;
use crate::state::Db;

/// How long an enrolment challenge may be answered.
pub const CHALLENGE_SECONDS: i64 = 600;

fn totp(secret_base32: &str, issuer: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some(issuer.replace(':', " ")))
        .with_account_name(account.replace(':', " "))
        .build()
        .ok()
}

/// What authenticator apps need to enrol: the `otpauth://` URI and its QR code (a PNG data URI).
pub struct Enrolment {
    pub uri: String,
    pub qr_code: String,
}

pub fn enrolment(factor: &TotpFactor) -> Option<Enrolment> {
    let t = totp(&factor.secret, &factor.issuer, &factor.account)?;
    let uri = t.to_url().ok()?;
    let png = t.to_qr_base64().ok()?;
    Some(Enrolment { uri, qr_code: format!("data:image/png;base64,{png}") })
}

/// A new, not yet verified factor for the user (any earlier unverified one is dropped).
pub fn new_factor(emu: &Emulator, db: &mut Db, user_id: &str, account: &str) -> TotpFactor {
    db.totp_factors.retain(|f| f.user_id != user_id || f.verified);
    let now = emu.now_iso();
    let factor = TotpFactor {
        id: new_id("auth_factor", emu.clock().millis()),
        user_id: user_id.to_string(),
        secret: Secret::generate().to_base32(),
        issuer: emu.seed().environment.team_name.clone(),
        account: account.to_string(),
        verified: false,
        last_step: None,
        last_used_at: None,
        created_at: now.clone(),
        updated_at: now,
    };
    db.totp_factors.push(factor.clone());
    factor
}

pub fn new_challenge(emu: &Emulator, db: &mut Db, factor: &TotpFactor) -> TotpChallenge {
    let challenge = TotpChallenge {
        id: new_id("auth_challenge", emu.clock().millis()),
        factor_id: factor.id.clone(),
        user_id: factor.user_id.clone(),
        expires_at: emu.clock().unix() + CHALLENGE_SECONDS,
        created_at: emu.now_iso(),
    };
    db.totp_challenges.insert(challenge.id.clone(), challenge.clone());
    challenge
}

/// Checks `code` against the factor at the emulator's clock. A step already
/// accepted is refused: each code is good once. On success the factor is
/// verified and marked used.
pub fn check(emu: &Emulator, db: &mut Db, factor_id: &str, code: &str) -> bool {
    let now = emu.clock().unix().max(0) as u64;
    let now_iso = emu.now_iso();
    let Some(factor) = db.totp_factors.iter_mut().find(|f| f.id == factor_id) else { return false };
    let Some(t) = totp(&factor.secret, &factor.issuer, &factor.account) else { return false };
    match t.check(code.trim(), now) {
        Some(step) if factor.last_step.is_none_or(|last| step > last) => {
            factor.last_step = Some(step);
            factor.verified = true;
            factor.last_used_at = Some(now_iso.clone());
            factor.updated_at = now_iso;
            true
        }
        _ => false,
    }
}

/// The code an authenticator app shows for `secret` at unix time `at` (for tests and tools).
pub fn code_at(secret_base32: &str, at: u64) -> Option<String> {
    totp(secret_base32, "x", "x").map(|t| t.generate(at).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Seed;

    #[test]
    fn a_code_is_accepted_once_and_only_near_its_time() {
        let emu = Emulator::new(Seed::default_seed());
        let mut db = emu.db();
        let factor = new_factor(&emu, &mut db, "user_1", "ada@acme.test");
        let now = emu.clock().unix() as u64;
        let stale = code_at(&factor.secret, now - 120).unwrap();
        let fresh = code_at(&factor.secret, now).unwrap();
        assert_eq!(fresh.len(), 6);
        if stale != fresh {
            assert!(!check(&emu, &mut db, &factor.id, &stale), "two minutes old");
        }
        assert!(check(&emu, &mut db, &factor.id, &fresh));
        assert!(db.totp_factor("user_1").is_some(), "verified");
        assert!(!check(&emu, &mut db, &factor.id, &fresh), "replayed");
    }

    #[test]
    fn enrolment_has_a_uri_and_a_png() {
        let emu = Emulator::new(Seed::default_seed());
        let mut db = emu.db();
        let factor = new_factor(&emu, &mut db, "user_1", "ada@acme.test");
        let e = enrolment(&factor).unwrap();
        assert!(e.uri.starts_with("otpauth://totp/Orgdeck:ada%40acme.test?") && e.uri.contains(&factor.secret), "{}", e.uri);
        assert!(e.qr_code.starts_with("data:image/png;base64,iVBOR"));
    }
}
