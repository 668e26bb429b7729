//! Staff authentication: argon2id passwords, session cookies, API tokens, CSRF tokens and the
//! login rate limit. Permissions (what a role may edit) are decided here too.
//!
//! Secrets never reach the database: a session or API token is 32 random bytes given to the user
//! (cookie or `Authorization: Bearer`); the database keeps its SHA-256. Password hashes are argon2id
//! with the crate's recommended parameters (19 MiB, 2 passes), in PHC string form.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::http::HeaderMap;
use axum::http::header;
use samvirke_core::model::CooperationDoc;
use samvirke_core::{PartyId, Timestamp};
use samvirke_store::accounts::{Role, User};
use sha2::{Digest, Sha256};

/// The session cookie.
pub const SESSION_COOKIE: &str = "samvirke_session";
/// The cookie that carries the login form's CSRF token (there is no session yet).
pub const LOGIN_CSRF_COOKIE: &str = "samvirke_login_csrf";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Failed logins for one account within [`LOGIN_WINDOW_MINUTES`] before logins are refused.
pub const LOGIN_FAILURES_PER_ACCOUNT_MAX: u64 = 5;
/// Failed logins from one client address within the window before logins are refused.
pub const LOGIN_FAILURES_PER_CLIENT_MAX: u64 = 30;
/// The window of the login rate limit.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;
/// Shortest password accepted.
pub const PASSWORD_CHARS_MIN: usize = 12;

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

/// The value of cookie `name` in the request.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// The bearer token of the request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// A cookie's attributes: always `HttpOnly`, `SameSite=Lax` and `Path=/`; `Secure` when the site is
/// served over HTTPS (the `--secure-cookies` flag, or a proxy's `X-Forwarded-Proto: https`).
pub fn cookie_attributes(headers: &HeaderMap, secure_always: bool) -> &'static str {
    let https = secure_always
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    if https {
        "Path=/; HttpOnly; SameSite=Lax; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Lax"
    }
}

/// Someone signed in: by a session (with its CSRF token) or by an API token.
#[derive(Clone, Debug)]
pub struct Staff {
    /// The account.
    pub user: User,
    /// The session's CSRF token (empty for API tokens, which are not sent by browsers on their own).
    pub csrf: String,
    /// The hash of the session token (to end it at logout).
    pub session_hash: Option<String>,
}

impl Staff {
    /// Whether the account may change `doc`: admins always; editors when the cooperation, or a
    /// municipality that is party to it, is in their scope; viewers never.
    pub fn can_edit(&self, doc: &CooperationDoc) -> bool {
        match self.user.role {
            Role::Admin => true,
            Role::Viewer => false,
            Role::Editor => self.user.scopes.iter().any(|scope| {
                scope == doc.cooperation.id.as_str()
                    || doc.cooperation.parties.iter().any(
                        |p| matches!(&p.id, PartyId::Municipality(m) if m.to_string() == *scope),
                    )
            }),
        }
    }

    /// Whether the account may create a cooperation with these parties: admins always; editors
    /// when one of the parties is a municipality in their scope.
    pub fn can_create(&self, parties: &[PartyId]) -> bool {
        match self.user.role {
            Role::Admin => true,
            Role::Viewer => false,
            Role::Editor => parties.iter().any(|p| {
                matches!(p, PartyId::Municipality(m) if self.user.scopes.iter().any(|s| *s == m.to_string()))
            }),
        }
    }

    /// The name written to the journal as the actor.
    pub fn actor(&self) -> String {
        self.user.email.clone()
    }
}

/// When a refused login may be tried again, given the oldest failure in the window.
pub fn retry_after_seconds(oldest: Option<Timestamp>, now: Timestamp) -> i64 {
    let window = LOGIN_WINDOW_MINUTES * 60 * 1_000_000;
    oldest.map_or(60, |o| {
        ((o.micros() + window - now.micros()) / 1_000_000).max(1)
    })
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

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "samvirke_lang=da; samvirke_session=abc123".parse().unwrap(),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc123"));
        assert_eq!(cookie(&headers, "missing"), None);
        assert_eq!(
            cookie_attributes(&headers, false),
            "Path=/; HttpOnly; SameSite=Lax"
        );
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(cookie_attributes(&headers, false).ends_with("; Secure"));
    }
}
