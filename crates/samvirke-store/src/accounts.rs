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
    expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_token (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE TABLE IF NOT EXISTS login_failure (subject TEXT NOT NULL, at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS login_failure_subject ON login_failure (subject, at);
CREATE TABLE IF NOT EXISTS account_log (
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    email TEXT NOT NULL,
    what TEXT NOT NULL
);
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
    /// When it ends.
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

    /// The session with this token hash, if it has not ended and its account is enabled.
    pub fn session(
        &mut self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<Session>, StoreError> {
        let rows = self.backend.account_query(
            "SELECT s.email, s.csrf, s.expires_at FROM staff_session s JOIN staff_user u ON u.email = s.email WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
            &[t(token_hash), ts(now)],
        )?;
        Ok(rows.first().and_then(|r| match r.as_slice() {
            [email, csrf, expires] => Some(Session {
                email: text(email),
                csrf: text(csrf),
                expires_at: Timestamp::from_micros(int(expires).unwrap_or(0)),
            }),
            _ => None,
        }))
    }

    /// Ends a session.
    pub fn session_delete(&mut self, token_hash: &str) -> Result<(), StoreError> {
        self.backend.account_execute(
            "DELETE FROM staff_session WHERE token_hash = $1",
            &[t(token_hash)],
        )?;
        Ok(())
    }

    /// Records a new API token for `email` (by the hash of the token).
    pub fn api_token_create(
        &mut self,
        token_hash: &str,
        email: &str,
        name: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.backend.account_execute(
            "INSERT INTO api_token (token_hash, email, name, created_at) VALUES ($1, $2, $3, $4)",
            &[t(token_hash), t(email), t(name), ts(now)],
        )?;
        self.account_log(email, email, &format!("created API token \"{name}\""), now)
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
            "SELECT token_hash, email, name, created_at, revoked_at FROM api_token WHERE email = $1 ORDER BY created_at",
            &[t(email)],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| match r.as_slice() {
                [hash, email, name, created, revoked] => Some(ApiToken {
                    id: text(hash).chars().take(12).collect(),
                    email: text(email),
                    name: text(name),
                    created_at: Timestamp::from_micros(int(created).unwrap_or(0)),
                    revoked: int(revoked).is_some(),
                }),
                _ => None,
            })
            .collect())
    }

    /// The enabled account a live API token acts as.
    pub fn api_token_user(&mut self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let location = self.location().to_string();
        let rows = self.backend.account_query(
            "SELECT u.email, u.display_name, u.role, u.scopes, u.password_hash, u.created_at, u.updated_at, u.disabled_at FROM api_token k JOIN staff_user u ON u.email = k.email WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND u.disabled_at IS NULL",
            &[t(token_hash)],
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

    /// Forgets the failed logins of `subject` (after a successful login).
    pub fn login_failures_clear(&mut self, subject: &str) -> Result<(), StoreError> {
        self.backend.account_execute(
            "DELETE FROM login_failure WHERE subject = $1",
            &[t(subject)],
        )?;
        Ok(())
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
        store
            .session_create("h1", "anna@dragoer.dk", "c1", now, later)
            .unwrap();
        assert_eq!(store.session("h1", now).unwrap().unwrap().csrf, "c1");
        assert!(
            store.session("h1", later).unwrap().is_none(),
            "ended sessions do not count"
        );
        store.session_delete("h1").unwrap();
        assert!(store.session("h1", now).unwrap().is_none());

        store
            .api_token_create("abcdef0123456789", "anna@dragoer.dk", "ci", now)
            .unwrap();
        assert!(store.api_token_user("abcdef0123456789").unwrap().is_some());
        assert_eq!(
            store
                .api_token_revoke("anna@dragoer.dk", "abcdef01", "cli", now)
                .unwrap(),
            1
        );
        assert!(store.api_token_user("abcdef0123456789").unwrap().is_none());

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
            store.session("h2", now).unwrap().is_none(),
            "disabling ends sessions"
        );
        assert!(store.user("anna@dragoer.dk").unwrap().unwrap().disabled);
        let log = store.account_log_entries().unwrap();
        assert_eq!(log.len(), 4, "{log:?}");
    }
}
