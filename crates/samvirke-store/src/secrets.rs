//! Secrets of staff accounts: argon2id password hashes and random tokens.
//!
//! Secrets never reach the database: a session or API token is 32 random bytes given to the user
//! (cookie or `Authorization: Bearer`); the database keeps its SHA-256. Password hashes are argon2id
//! with the crate's recommended parameters (19 MiB, 2 passes), in PHC string form. Here, not in
//! the web crate, because the CLI creates accounts and tokens too.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

/// Shortest password accepted.
pub const PASSWORD_CHARS_MIN: usize = 12;

/// How long a new API token works unless its maker says otherwise.
pub const API_TOKEN_DAYS_DEFAULT: u32 = 365;
/// The longest an API token may work: a token is rotated at least this often.
pub const API_TOKEN_DAYS_MAX: u32 = 730;

/// When a token made `now` to work for `days` stops working.
pub fn token_expiry(now: samvirke_core::Timestamp, days: u32) -> samvirke_core::Timestamp {
    samvirke_core::Timestamp::from_micros(now.micros() + i64::from(days) * 24 * 3600 * 1_000_000)
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < PASSWORD_CHARS_MIN {
        return Err(format!(
            "the password has {} characters; use at least {PASSWORD_CHARS_MIN} (a few words make a good one)",
            password.chars().count()
        ));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no random numbers from the system: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("could not hash the password: {e}"))
}

/// Whether `password` matches the PHC `hash`. A malformed hash never matches.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the account does not exist, so that a wrong email takes as long
/// as a wrong password (no account discovery by timing).
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password never used").unwrap_or_default())
}

/// 32 random bytes as 64 hex digits.
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random numbers from the system: {e}"))?;
    Ok(hex(&bytes))
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
        let other = hash_password("correct horse battery").unwrap();
        assert_ne!(hash, other, "each hash has its own salt");
        let short = hash_password("short").unwrap_err();
        assert!(short.contains("at least 12"), "{short}");
    }

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret("ab", "abc"));
    }
}
