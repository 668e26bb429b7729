//! Staff authentication: argon2id passwords, session cookies, API tokens, CSRF tokens and the
//! login rate limit. Permissions (what a role may edit) are decided here too.
//!
//! Secrets never reach the database: a session or API token is 32 random bytes given to the user
//! (cookie or `Authorization: Bearer`); the database keeps its SHA-256. Password hashes are argon2id
//! with the crate's recommended parameters (19 MiB, 2 passes), in PHC string form.

use std::net::IpAddr;

use axum::http::HeaderMap;
use axum::http::header;
use samvirke_core::model::CooperationDoc;
use samvirke_core::{PartyId, Timestamp};
use samvirke_store::accounts::{Role, User};
pub use samvirke_store::secrets::{
    API_TOKEN_DAYS_DEFAULT, API_TOKEN_DAYS_MAX, PASSWORD_CHARS_MIN, decoy_hash, hash_password,
    new_token, same_secret, token_expiry, token_hash, verify_password,
};

/// The session cookie.
pub const SESSION_COOKIE: &str = "samvirke_session";
/// The cookie that carries the login form's CSRF token (there is no session yet).
pub const LOGIN_CSRF_COOKIE: &str = "samvirke_login_csrf";
/// How long a session lasts at most (its absolute lifetime), however much it is used.
pub const SESSION_HOURS: i64 = 12;
/// A session not used for this long has ended (its idle lifetime).
pub const SESSION_IDLE_MINUTES: u64 = 60;
/// Failed logins for one account within [`LOGIN_WINDOW_MINUTES`] before logins are refused.
pub const LOGIN_FAILURES_PER_ACCOUNT_MAX: u64 = 5;
/// Failed logins from one client address within the window before logins are refused.
pub const LOGIN_FAILURES_PER_CLIENT_MAX: u64 = 30;
/// The window of the login rate limit.
pub const LOGIN_WINDOW_MINUTES: i64 = 15;
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

/// The client's address: the peer's, or, when the peer is one of the `trusted` proxies, the last
/// address in `X-Forwarded-For` that is not a trusted proxy (each proxy appends the address it got
/// the request from, so the addresses before it may be made up by the client).
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

/// Whether a trusted proxy says the request came over HTTPS (`X-Forwarded-Proto: https`).
pub fn forwarded_https(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> bool {
    peer.is_some_and(|p| trusted.contains(&p))
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
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
    /// The municipalities whose register cases this account sees: the municipality ids in its
    /// scope, whatever the role.
    pub fn municipalities(&self) -> Vec<samvirke_core::MunicipalityId> {
        self.user
            .scopes
            .iter()
            .filter_map(|s| samvirke_core::MunicipalityId::parse(s, None).ok())
            .collect()
    }

    /// Whether the account may see a register case: it is visible to one of its municipalities.
    pub fn may_see_case(&self, case: &samvirke_store::register::Case) -> bool {
        self.municipalities().iter().any(|m| case.visible_to(*m))
    }

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
    fn the_client_address_is_believed_only_from_a_trusted_proxy() {
        let ip = |t: &str| t.parse::<IpAddr>().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "198.51.100.7, 203.0.113.9, 10.0.0.2".parse().unwrap(),
        );
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        let proxy = ip("10.0.0.1");
        // No trusted proxy: the peer, whatever the headers say.
        assert_eq!(client_address(Some(proxy), &headers, &[]), Some(proxy));
        assert!(!forwarded_https(Some(proxy), &headers, &[]));
        // One trusted proxy: the last address it was given (the client may have written the rest).
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            Some(ip("10.0.0.2"))
        );
        assert!(forwarded_https(Some(proxy), &headers, &[proxy]));
        // Two proxies in a row, both trusted: the address before them.
        let both = [proxy, ip("10.0.0.2")];
        assert_eq!(
            client_address(Some(proxy), &headers, &both),
            Some(ip("203.0.113.9"))
        );
        // A peer that is not the proxy is the client, and its headers are not believed.
        let stranger = ip("192.0.2.1");
        assert_eq!(
            client_address(Some(stranger), &headers, &both),
            Some(stranger)
        );
        assert!(!forwarded_https(Some(stranger), &headers, &both));
        // A trusted proxy without the header, or with garbage in it: the proxy itself.
        assert_eq!(
            client_address(Some(proxy), &HeaderMap::new(), &[proxy]),
            Some(proxy)
        );
        let mut junk = HeaderMap::new();
        junk.insert("x-forwarded-for", "not-an-address".parse().unwrap());
        assert_eq!(client_address(Some(proxy), &junk, &[proxy]), Some(proxy));
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
