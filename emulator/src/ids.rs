//! WorkOS-style identifiers: a prefix and a 26-character ULID (Crockford base32).
//!
//! Seeded entities get IDs derived from their seed key, so the same seed gives
//! the same IDs on every start (tests and bookmarks survive restarts).

use rand::RngCore;
use sha2::{Digest, Sha256};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Encodes a 48-bit millisecond timestamp and 80 bits of entropy as a ULID.
fn ulid(millis: u64, entropy: [u8; 10]) -> String {
    let mut value: u128 = (u128::from(millis & 0xFFFF_FFFF_FFFF)) << 80;
    for (i, b) in entropy.iter().enumerate() {
        value |= u128::from(*b) << (72 - 8 * i);
    }
    (0..26)
        .map(|i| {
            let shift = 125 - 5 * i;
            CROCKFORD[((value >> shift) & 0x1F) as usize] as char
        })
        .collect()
}

/// A fresh ID for something created at run time.
pub fn new_id(prefix: &str, millis: i64) -> String {
    let mut entropy = [0u8; 10];
    rand::thread_rng().fill_bytes(&mut entropy);
    format!("{prefix}_{}", ulid(millis.max(0) as u64, entropy))
}

/// A stable ID for a seeded entity: the same `(prefix, key)` always gives the same ID.
pub fn stable_id(prefix: &str, key: &str, millis: i64) -> String {
    let digest = Sha256::digest(format!("{prefix}:{key}").as_bytes());
    let mut entropy = [0u8; 10];
    entropy.copy_from_slice(&digest[..10]);
    format!("{prefix}_{}", ulid(millis.max(0) as u64, entropy))
}

/// An opaque random secret (authorization codes, refresh tokens): URL-safe, 32 chars.
pub fn secret_token() -> String {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    let mut entropy = [0u8; 10];
    entropy.copy_from_slice(&bytes[..10]);
    let mut tail = [0u8; 10];
    tail.copy_from_slice(&bytes[10..]);
    // Two ULID bodies without their time part: 32 base32 characters, 160 random bits.
    format!("{}{}", &ulid(0, entropy)[10..], &ulid(0, tail)[10..])
}

/// A UUID v4 string, as WorkOS uses for `X-Request-ID`.
pub fn request_id() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0F) | 0x40;
    b[8] = (b[8] & 0x3F) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_ids_repeat_and_differ_by_key() {
        let a = stable_id("org", "acme", 1_767_225_600_000);
        assert_eq!(a, stable_id("org", "acme", 1_767_225_600_000));
        assert_ne!(a, stable_id("org", "globex", 1_767_225_600_000));
        assert!(a.starts_with("org_"));
        assert_eq!(a.len(), 4 + 26);
        assert!(a[4..].bytes().all(|c| CROCKFORD.contains(&c)));
    }

    #[test]
    fn ulid_time_prefix_sorts_by_time() {
        let early = new_id("user", 1_000);
        let late = new_id("user", 2_000_000_000_000);
        assert!(early[5..15] < late[5..15]);
    }

    #[test]
    fn request_id_is_a_uuid_v4() {
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
    }
}
