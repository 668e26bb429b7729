//! Staff accounts, sessions, API tokens and failed logins: the tables beside the journal.
//!
//! These are not registry facts, so they are not journal events; but nothing about them is lost
//! either: every change to an account is written to `account_log` (who, when, what), and accounts
//! are disabled, never deleted. Secrets are never stored: passwords as argon2id hashes (made by the
//! web crate), session and API tokens as SHA-256 hashes of the random token the user holds.
//!
//! The SQL is written once, with `$1`-style parameters, and run by either backend through
//! [`Backend::account_execute`](crate::Backend::account_execute) and `account_query`.

use samvirke_core::Timestamp;

use crate::{SqlValue, Store, StoreError};

/// The account tables (both dialects accept this text).
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS staff_user (
    email TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    scopes TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    disabled_at BIGINT
);
CREATE TABLE IF NOT EXISTS staff_session (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen_at BIGINT,
    id_token TEXT
);
CREATE TABLE IF NOT EXISTS api_token (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    expires_at BIGINT
);
CREATE TABLE IF NOT EXISTS login_failure (subject TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS login_failure_subject ON login_failure (subject, at);
CREATE TABLE IF NOT EXISTS oidc_login (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    next TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS account_log (
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    email TEXT NOT NULL,
    what TEXT NOT NULL
);
";

/// Schema version 2 over version 1: API tokens end (those made before get a year from their
/// making), and sessions remember when they were last used (for their idle limit).
pub(crate) const MIGRATION_2: &str = "
ALTER TABLE api_token ADD COLUMN expires_at BIGINT;
UPDATE api_token SET expires_at = created_at + 31536000000000;
ALTER TABLE staff_session ADD COLUMN last_seen_at BIGINT;
";

/// Schema version 4 over version 3: a session opened by the identity provider keeps the ID
/// token it was opened with, so that signing out also ends the sign-in at the provider.
pub(crate) const MIGRATION_4: &str = "
ALTER TABLE staff_session ADD COLUMN id_token TEXT;
";

/// What a staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Everything, including accounts.
    Admin,
    /// Edit the cooperations in their scope (named cooperations, or those a named municipality is
    /// party to).
    Editor,
    /// Read the staff pages and history; change nothing.
    Viewer,
}

impl Role {
    /// The name used on the command line and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    /// Parses `admin`, `editor` or `viewer`.
    pub fn parse(text: &str) -> Result<Role, String> {
        match text {
            "admin" => Ok(Role::Admin),
            "editor" => Ok(Role::Editor),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!(
                "unknown role \"{other}\"; use admin, editor or viewer"
            )),
        }
    }
}

/// A staff account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Email address, lower case: the login name.
    pub email: String,
    /// Name shown in the history.
    pub name: String,
    /// Role.
    pub role: Role,
    /// For editors: municipality ids (`DK-0155`) and cooperation ids the role covers.
    pub scopes: Vec<String>,
    /// The argon2id hash in PHC string form.
    pub password_hash: String,
    /// When the account was created.
    pub created_at: Timestamp,
    /// When it was last changed.
    pub updated_at: Timestamp,
    /// Whether it is disabled (it can no longer log in or use tokens).
    pub disabled: bool,
}

/// A login session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The account.
    pub email: String,
    /// The CSRF token every form of this session must carry.
    pub csrf: String,
    /// When it ends at the latest (its absolute lifetime).
    pub expires_at: Timestamp,
}

/// An API token, as listed (the token itself is shown once, when created, and never stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    /// The first characters of the token's hash, to tell tokens apart.
    pub id: String,
    /// The account it acts as.
    pub email: String,
    /// What the user called it.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// Whether it has been revoked.
    pub revoked: bool,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// A sign-in with the identity provider under way, as [`Store::oidc_login_take`] gives it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcLogin {
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier of the code.
    pub verifier: String,
    /// Where to go after the sign-in.
    pub next: String,
}

fn text(v: &SqlValue) -> String {
    match v {
        SqlValue::Text(t) => t.clone(),
        SqlValue::Int(i) => i.to_string(),
        SqlValue::Null => String::new(),
    }
}

fn int(v: &SqlValue) -> Option<i64> {
    match v {
        SqlValue::Int(i) => Some(*i),
        _ => None,
    }
}

fn t(s: &str) -> SqlValue {
    SqlValue::Text(s.to_string())
}

fn ts(at: Timestamp) -> SqlValue {
    SqlValue::Int(at.micros())
}

const USER_COLUMNS: &str =
    "email, display_name, role, scopes, password_hash, created_at, updated_at, disabled_at";

fn row_to_user(location: &str, row: &[SqlValue]) -> Result<User, StoreError> {
    let bad = |message: String| StoreError::Database {
        location: location.to_string(),
        message,
    };
    let [email, name, role, scopes, hash, created, updated, disabled] = row else {
        return Err(bad(format!("staff_user row has {} columns", row.len())));
    };
    Ok(User {
        email: text(email),
        name: text(name),
        role: Role::parse(&text(role))
            .map_err(|e| bad(format!("staff_user {}: {e}", text(email))))?,
        scopes: text(scopes)
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        password_hash: text(hash),
        created_at: Timestamp::from_micros(int(created).unwrap_or(0)),
        updated_at: Timestamp::from_micros(int(updated).unwrap_or(0)),
        disabled: int(disabled).is_some(),
    })
}

impl Store {
    /// Creates the account, or replaces its name, role, scopes and password hash; `what` is
    /// written to the account log with `actor` and `now`.
    pub fn user_put(
        &mut self,
        user: &User,
        actor: &str,
        what: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let scopes = user.scopes.join(" ");
        // A new password ends every session of the account (whoever knew the old one is out).
        self.backend.account_execute(
            "DELETE FROM staff_session WHERE email = $1 AND EXISTS (SELECT 1 FROM staff_user WHERE email = $1 AND password_hash <> $2)",
            &[t(&user.email), t(&user.password_hash)],
        )?;
        let changed = self.backend.account_execute(
            "UPDATE staff_user SET display_name = $1, role = $2, scopes = $3, password_hash = $4, updated_at = $5 WHERE email = $6",
            &[t(&user.name), t(user.role.as_str()), t(&scopes), t(&user.password_hash), ts(now), t(&user.email)],
        )?;
        if changed == 0 {
            self.backend.account_execute(
                "INSERT INTO staff_user (email, display_name, role, scopes, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[t(&user.email), t(&user.name), t(user.role.as_str()), t(&scopes), t(&user.password_hash), ts(now), ts(now)],
            )?;
        }
        self.account_log(actor, &user.email, what, now)
    }

    /// Disables an account and ends its sessions; returns false when there is no such account.
    pub fn user_disable(
        &mut self,
        email: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let changed = self.backend.account_execute(
            "UPDATE staff_user SET disabled_at = $1, updated_at = $2 WHERE email = $3",
            &[ts(now), ts(now), t(email)],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        self.backend
            .account_execute("DELETE FROM staff_session WHERE email = $1", &[t(email)])?;
        self.account_log(
            actor,
            email,
            "disabled the account and ended its sessions",
            now,
        )?;
        Ok(true)
    }

    fn account_log(
        &mut self,
        actor: &str,
        email: &str,
        what: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.backend.account_execute(
            "INSERT INTO account_log (at, actor, email, what) VALUES ($1, $2, $3, $4)",
            &[ts(now), t(actor), t(email), t(what)],
        )?;
        Ok(())
    }

    /// The account log, oldest first: (when, who, which account, what).
    pub fn account_log_entries(
        &mut self,
    ) -> Result<Vec<(Timestamp, String, String, String)>, StoreError> {
        let rows = self.backend.account_query(
            "SELECT at, actor, email, what FROM account_log ORDER BY at, email",
            &[],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| match r.as_slice() {
                [at, actor, email, what] => Some((
                    Timestamp::from_micros(int(at).unwrap_or(0)),
                    text(actor),
                    text(email),
                    text(what),
                )),
                _ => None,
            })
            .collect())
    }

    /// The account with this email, if any.
    pub fn user(&mut self, email: &str) -> Result<Option<User>, StoreError> {
        let location = self.location().to_string();
        let rows = self.backend.account_query(
            &format!("SELECT {USER_COLUMNS} FROM staff_user WHERE email = $1"),
            &[t(email)],
        )?;
        rows.first().map(|r| row_to_user(&location, r)).transpose()
    }

    /// Every account, by email.
    pub fn users(&mut self) -> Result<Vec<User>, StoreError> {
        let location = self.location().to_string();
        let rows = self.backend.account_query(
            &format!("SELECT {USER_COLUMNS} FROM staff_user ORDER BY email"),
            &[],
        )?;
        rows.iter().map(|r| row_to_user(&location, r)).collect()
    }

    /// Starts a session for `email`, identified by the hash of its token.
    pub fn session_create(
        &mut self,
        token_hash: &str,
        email: &str,
        csrf: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        // Ended sessions are removed as new ones begin.
        self.backend.account_execute(
            "DELETE FROM staff_session WHERE expires_at <= $1",
            &[ts(now)],
        )?;
        self.backend.account_execute(
            "INSERT INTO staff_session (token_hash, email, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[t(token_hash), t(email), t(csrf), ts(now), ts(expires_at)],
        )?;
        Ok(())
    }

    /// The session with this token hash, if it has not ended (by its absolute end, or by not being
    /// used for `idle`) and its account is enabled; marks it used now (at most once a minute, so
    /// that a page with many requests writes once).
    pub fn session(
        &mut self,
        token_hash: &str,
        now: Timestamp,
        idle: std::time::Duration,
    ) -> Result<Option<Session>, StoreError> {
        let idle_since = Timestamp::from_micros(
            now.micros()
                .saturating_sub(i64::try_from(idle.as_micros()).unwrap_or(i64::MAX)),
        );
        let rows = self.backend.account_query(
            "SELECT s.email, s.csrf, s.expires_at FROM staff_session s JOIN staff_user u ON u.email = s.email WHERE s.token_hash = $1 AND s.expires_at > $2 AND COALESCE(s.last_seen_at, s.created_at) > $3 AND u.disabled_at IS NULL",
            &[t(token_hash), ts(now), ts(idle_since)],
        )?;
        let found = rows.first().and_then(|r| match r.as_slice() {
            [email, csrf, expires] => Some(Session {
                email: text(email),
                csrf: text(csrf),
                expires_at: Timestamp::from_micros(int(expires).unwrap_or(0)),
            }),
            _ => None,
        });
        if found.is_some() {
            let minute_ago = Timestamp::from_micros(now.micros() - 60 * 1_000_000);
            self.backend.account_execute(
                "UPDATE staff_session SET last_seen_at = $1 WHERE token_hash = $2 AND COALESCE(last_seen_at, created_at) < $3",
                &[ts(now), t(token_hash), ts(minute_ago)],
            )?;
        }
        Ok(found)
    }

    /// Keeps the ID token a session was opened with (signed in by the identity provider).
    pub fn session_set_id_token(
        &mut self,
        token_hash: &str,
        id_token: &str,
    ) -> Result<(), StoreError> {
        self.backend.account_execute(
            "UPDATE staff_session SET id_token = $1 WHERE token_hash = $2",
            &[t(id_token), t(token_hash)],
        )?;
        Ok(())
    }

    /// Ends a session: the ID token it was opened with, if the identity provider opened it.
    pub fn session_delete(&mut self, token_hash: &str) -> Result<Option<String>, StoreError> {
        let rows = self.backend.account_query(
            "SELECT id_token FROM staff_session WHERE token_hash = $1",
            &[t(token_hash)],
        )?;
        self.backend.account_execute(
            "DELETE FROM staff_session WHERE token_hash = $1",
            &[t(token_hash)],
        )?;
        Ok(rows
            .first()
            .and_then(|r| r.first())
            .map(text)
            .filter(|token| !token.is_empty()))
    }

    /// Records a new API token for `email` (by the hash of the token), working until `expires_at`.
    pub fn api_token_create(
        &mut self,
        token_hash: &str,
        email: &str,
        name: &str,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.backend.account_execute(
            "INSERT INTO api_token (token_hash, email, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[t(token_hash), t(email), t(name), ts(now), ts(expires_at)],
        )?;
        self.account_log(
            email,
            email,
            &format!("created API token \"{name}\", working until {expires_at}"),
            now,
        )
    }

    /// Revokes the tokens of `email` whose id (hash prefix) starts with `id`; returns how many.
    pub fn api_token_revoke(
        &mut self,
        email: &str,
        id: &str,
        actor: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        if id.len() < 8 {
            return Ok(0);
        }
        let changed = self.backend.account_execute(
            "UPDATE api_token SET revoked_at = $1 WHERE email = $2 AND revoked_at IS NULL AND token_hash LIKE $3",
            &[ts(now), t(email), t(&format!("{id}%"))],
        )?;
        if changed > 0 {
            self.account_log(actor, email, &format!("revoked API token {id}"), now)?;
        }
        Ok(changed)
    }

    /// The API tokens of `email`.
    pub fn api_tokens(&mut self, email: &str) -> Result<Vec<ApiToken>, StoreError> {
        let rows = self.backend.account_query(
            "SELECT token_hash, email, name, created_at, revoked_at, expires_at FROM api_token WHERE email = $1 ORDER BY created_at",
            &[t(email)],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| match r.as_slice() {
                [hash, email, name, created, revoked, expires] => {
                    Some(ApiToken {
                        id: text(hash).chars().take(12).collect(),
                        email: text(email),
                        name: text(name),
                        created_at: Timestamp::from_micros(int(created).unwrap_or(0)),
                        revoked: int(revoked).is_some(),
                        // Every token has an end (schema version 2 gave the older ones theirs);
                        // one without would not work (`api_token_user`), so it is listed as
                        // ended when it was made.
                        expires_at: Timestamp::from_micros(
                            int(expires).or(int(created)).unwrap_or(0),
                        ),
                    })
                }
                _ => None,
            })
            .collect())
    }

    /// The enabled account a live API token (not revoked, not past its end) acts as.
    pub fn api_token_user(
        &mut self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<User>, StoreError> {
        let location = self.location().to_string();
        let rows = self.backend.account_query(
            "SELECT u.email, u.display_name, u.role, u.scopes, u.password_hash, u.created_at, u.updated_at, u.disabled_at FROM api_token k JOIN staff_user u ON u.email = k.email WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND k.expires_at > $2 AND u.disabled_at IS NULL",
            &[t(token_hash), ts(now)],
        )?;
        rows.first().map(|r| row_to_user(&location, r)).transpose()
    }

    /// Records a failed login for each of `subjects` (e.g. the email and the client address).
    pub fn login_failure(&mut self, subjects: &[&str], now: Timestamp) -> Result<(), StoreError> {
        for subject in subjects {
            self.backend.account_execute(
                "INSERT INTO login_failure (subject, at) VALUES ($1, $2)",
                &[t(subject), ts(now)],
            )?;
        }
        Ok(())
    }

    /// Failed logins for `subject` since `since`, and the time of the oldest of them.
    pub fn login_failures_since(
        &mut self,
        subject: &str,
        since: Timestamp,
    ) -> Result<(u64, Option<Timestamp>), StoreError> {
        let rows = self.backend.account_query(
            "SELECT COUNT(*), MIN(at) FROM login_failure WHERE subject = $1 AND at > $2",
            &[t(subject), ts(since)],
        )?;
        Ok(match rows.first().map(Vec::as_slice) {
            Some([count, oldest]) => (
                int(count).unwrap_or(0).max(0) as u64,
                int(oldest).map(Timestamp::from_micros),
            ),
            _ => (0, None),
        })
    }

    /// Forgets the one attempt of `subject` recorded at `at` (a login counted as failed until its
    /// password was checked, and then right).
    pub fn login_attempt_forget(&mut self, subject: &str, at: Timestamp) -> Result<(), StoreError> {
        self.backend.account_execute(
            "DELETE FROM login_failure WHERE subject = $1 AND at = $2",
            &[t(subject), ts(at)],
        )?;
        Ok(())
    }

    /// Forgets the failed logins of `subject` (after a successful login).
    pub fn login_failures_clear(&mut self, subject: &str) -> Result<(), StoreError> {
        self.backend.account_execute(
            "DELETE FROM login_failure WHERE subject = $1",
            &[t(subject)],
        )?;
        Ok(())
    }

    /// Keeps a sign-in with the identity provider under way: the hash of its state, its nonce,
    /// its PKCE verifier and where to go after it. Sign-ins older than `minutes` are forgotten
    /// first; `false` (and nothing kept) when `max` are under way.
    #[allow(clippy::too_many_arguments)]
    pub fn oidc_login_put(
        &mut self,
        state_hash: &str,
        nonce: &str,
        verifier: &str,
        next: &str,
        now: Timestamp,
        minutes: i64,
        max: u64,
    ) -> Result<bool, StoreError> {
        let oldest = Timestamp::from_micros(now.micros() - minutes * 60 * 1_000_000);
        let rows = self.backend.account_batch_query(
            &[
                ("DELETE FROM oidc_login WHERE created_at <= $1", vec![ts(oldest)]),
                (
                    "INSERT INTO oidc_login (state_hash, nonce, verifier, next, created_at) SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS BIGINT) WHERE (SELECT COUNT(*) FROM oidc_login) < CAST($6 AS BIGINT)",
                    vec![t(state_hash), t(nonce), t(verifier), t(next), ts(now), SqlValue::Int(max.min(i64::MAX as u64) as i64)],
                ),
            ],
            Some((
                "SELECT COUNT(*) FROM oidc_login WHERE state_hash = $1",
                vec![t(state_hash)],
            )),
        )?;
        Ok(rows.first().and_then(|r| r.first()).and_then(int) == Some(1))
    }

    /// Takes the sign-in whose state has this hash, once: it is deleted as it is read. `None`
    /// when there is none, or it began more than `minutes` ago.
    pub fn oidc_login_take(
        &mut self,
        state_hash: &str,
        now: Timestamp,
        minutes: i64,
    ) -> Result<Option<OidcLogin>, StoreError> {
        let rows = self.backend.account_query(
            "DELETE FROM oidc_login WHERE state_hash = $1 RETURNING nonce, verifier, next, created_at",
            &[t(state_hash)],
        )?;
        let oldest = now.micros() - minutes * 60 * 1_000_000;
        Ok(rows.first().and_then(|r| match r.as_slice() {
            [nonce, verifier, next, created] if int(created).is_some_and(|c| c > oldest) => {
                Some(OidcLogin {
                    nonce: text(nonce),
                    verifier: text(verifier),
                    next: text(next),
                })
            }
            _ => None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(email: &str) -> User {
        User {
            email: email.to_string(),
            name: "Anna".to_string(),
            role: Role::Editor,
            scopes: vec!["DK-0155".to_string(), "dragoer-taarnby".to_string()],
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$x$y".to_string(),
            created_at: Timestamp::from_micros(0),
            updated_at: Timestamp::from_micros(0),
            disabled: false,
        }
    }

    #[test]
    fn accounts_sessions_tokens_and_failures_round_trip_in_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let mut store = Store::open(path.to_str().unwrap()).unwrap();
        let now = Timestamp::from_micros(1_000_000);
        store
            .user_put(&user("anna@dragoer.dk"), "cli", "created", now)
            .unwrap();
        let got = store.user("anna@dragoer.dk").unwrap().unwrap();
        assert_eq!(got.scopes, vec!["DK-0155", "dragoer-taarnby"]);
        assert_eq!(got.role, Role::Editor);
        assert_eq!(got.created_at, now);
        assert!(store.user("nobody@x.dk").unwrap().is_none());

        let later = Timestamp::from_micros(2_000_000);
        let idle = std::time::Duration::from_secs(3600);
        store
            .session_create("h1", "anna@dragoer.dk", "c1", now, later)
            .unwrap();
        assert_eq!(store.session("h1", now, idle).unwrap().unwrap().csrf, "c1");
        assert!(
            store.session("h1", later, idle).unwrap().is_none(),
            "ended sessions do not count"
        );
        // The idle limit: a session not used for longer than `idle` has ended, one used within it
        // goes on (each use moves its idle end), up to its absolute end.
        let long = Timestamp::from_micros(100 * 3600 * 1_000_000);
        let minute = |m: i64| Timestamp::from_micros(m * 60 * 1_000_000);
        store
            .session_create("h3", "anna@dragoer.dk", "c3", minute(0), long)
            .unwrap();
        assert!(store.session("h3", minute(50), idle).unwrap().is_some());
        assert!(
            store.session("h3", minute(100), idle).unwrap().is_some(),
            "used at 50 minutes: the hour counts from then"
        );
        assert!(
            store.session("h3", minute(161), idle).unwrap().is_none(),
            "61 minutes unused: ended"
        );
        store.session_delete("h1").unwrap();
        assert!(store.session("h1", now, idle).unwrap().is_none());

        let year = Timestamp::from_micros(now.micros() + 365 * 24 * 3600 * 1_000_000);
        store
            .api_token_create("abcdef0123456789", "anna@dragoer.dk", "ci", now, year)
            .unwrap();
        assert!(
            store
                .api_token_user("abcdef0123456789", now)
                .unwrap()
                .is_some()
        );
        assert!(
            store
                .api_token_user("abcdef0123456789", year)
                .unwrap()
                .is_none(),
            "a token stops working at its end"
        );
        assert_eq!(
            store.api_tokens("anna@dragoer.dk").unwrap()[0].expires_at,
            year
        );
        assert_eq!(
            store
                .api_token_revoke("anna@dragoer.dk", "abcdef01", "cli", now)
                .unwrap(),
            1
        );
        assert!(
            store
                .api_token_user("abcdef0123456789", now)
                .unwrap()
                .is_none()
        );

        // A new password ends the account's sessions; the same password ends none.
        store
            .session_create("h4", "anna@dragoer.dk", "c4", now, later)
            .unwrap();
        store
            .user_put(&user("anna@dragoer.dk"), "cli", "renamed", now)
            .unwrap();
        assert!(store.session("h4", now, idle).unwrap().is_some());
        let mut changed = user("anna@dragoer.dk");
        changed.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$x$z".to_string();
        store
            .user_put(&changed, "cli", "new password", now)
            .unwrap();
        assert!(
            store.session("h4", now, idle).unwrap().is_none(),
            "a new password ends sessions"
        );

        store
            .login_failure(&["email:anna@dragoer.dk"], now)
            .unwrap();
        store
            .login_failure(&["email:anna@dragoer.dk"], later)
            .unwrap();
        let (count, oldest) = store
            .login_failures_since("email:anna@dragoer.dk", Timestamp::from_micros(0))
            .unwrap();
        assert_eq!((count, oldest), (2, Some(now)));
        store.login_failures_clear("email:anna@dragoer.dk").unwrap();
        assert_eq!(
            store
                .login_failures_since("email:anna@dragoer.dk", Timestamp::from_micros(0))
                .unwrap()
                .0,
            0
        );

        store
            .session_create("h2", "anna@dragoer.dk", "c2", now, later)
            .unwrap();
        assert!(store.user_disable("anna@dragoer.dk", "cli", now).unwrap());
        assert!(
            store.session("h2", now, idle).unwrap().is_none(),
            "disabling ends sessions"
        );
        assert!(store.user("anna@dragoer.dk").unwrap().unwrap().disabled);
        let log = store.account_log_entries().unwrap();
        assert_eq!(log.len(), 6, "{log:?}");
    }
}
