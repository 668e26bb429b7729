//! PostgreSQL: for several servers sharing one registry. The same table and the same behaviour as
//! SQLite; the write lock is `LOCK TABLE journal IN EXCLUSIVE MODE` inside the append transaction
//! (readers are not blocked), and the primary key on `seq` is a second guard.

use std::collections::HashMap;

use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Statement};
use samvirke_core::Timestamp;

use crate::{
    Backend, Event, GENESIS_HASH, PREPARED_MAX, SCHEMA_VERSION, SqlValue, StoreError, as_seq,
    failpoint,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS samvirke_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq BIGINT PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION samvirke_journal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only: events are never changed or deleted; record a correcting event instead';
END;
$$ LANGUAGE plpgsql;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'journal_append_only' AND tgrelid = 'journal'::regclass) THEN
        CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON journal
        FOR EACH ROW EXECUTE FUNCTION samvirke_journal_append_only();
    END IF;
END $$;
";

/// The PostgreSQL journal.
pub struct PostgresBackend {
    /// The connection; `None` after it was lost and could not be made again yet.
    client: Option<Client>,
    /// Where to connect again (with the password, never shown).
    url: String,
    location: String,
    /// The statements [`Backend::account_query`] has prepared on this connection, by their text
    /// and parameter types (at most [`PREPARED_MAX`]; emptied when the connection is made
    /// again): a read asked again is neither parsed again nor, once PostgreSQL finds its
    /// generic plan as good as the plans made for the values given (after five runs), planned
    /// again. Planning was a third of PostgreSQL's time in an answer as known then.
    prepared: HashMap<(String, Vec<Type>), Statement>,
}

/// The channel a commit to the journal is announced on, with the new head as its payload.
pub const JOURNAL_CHANNEL: &str = "samvirke_journal";

/// A connection of its own that listens for commits to the journal of a PostgreSQL database,
/// made by any process: servers swap in a fresh registry when one arrives.
pub struct JournalListener {
    client: Client,
    location: String,
}

impl JournalListener {
    /// Listens on `url`'s database.
    pub fn connect(url: &str) -> Result<JournalListener, StoreError> {
        let location = redact(url);
        let unavailable = |e: postgres::Error| StoreError::Unavailable {
            location: location.clone(),
            message: e.to_string(),
        };
        let mut client = Client::connect(url, NoTls).map_err(unavailable)?;
        client
            .batch_execute(&format!("LISTEN {JOURNAL_CHANNEL}"))
            .map_err(unavailable)?;
        Ok(JournalListener { client, location })
    }

    /// Waits at most `timeout` for commits: the highest head announced (and any announced
    /// meanwhile), or `None` when none came. An error means the connection is gone.
    pub fn wait(&mut self, timeout: std::time::Duration) -> Result<Option<u64>, StoreError> {
        use postgres::fallible_iterator::FallibleIterator as _;
        let location = self.location.clone();
        let gone = |e: postgres::Error| StoreError::Unavailable {
            location: location.clone(),
            message: e.to_string(),
        };
        let mut notifications = self.client.notifications();
        let first = notifications.timeout_iter(timeout).next().map_err(gone)?;
        let Some(first) = first else {
            return Ok(None);
        };
        let mut head = first.payload().parse::<u64>().unwrap_or(0);
        // Those that arrived meanwhile, without waiting again.
        let mut pending = notifications.iter();
        while let Some(more) = pending.next().map_err(gone)? {
            head = head.max(more.payload().parse::<u64>().unwrap_or(0));
        }
        Ok(Some(head))
    }
}

/// The open connection of `client`, connecting again to `url` when it was lost (the server was
/// restarted, say): a request during an outage gets [`StoreError::Unavailable`], the first one
/// after it a new connection.
fn connected<'c>(
    client: &'c mut Option<Client>,
    url: &str,
    location: &str,
) -> Result<&'c mut Client, StoreError> {
    if client.as_ref().is_none_or(Client::is_closed) {
        let fresh = Client::connect(url, NoTls).map_err(|e| StoreError::Unavailable {
            location: location.to_string(),
            message: e.to_string(),
        })?;
        *client = Some(fresh);
    }
    client.as_mut().ok_or_else(|| StoreError::Unavailable {
        location: location.to_string(),
        message: "no connection".to_string(),
    })
}

/// Whether `e` says the connection or the server is gone (closed, broken, shutting down, not yet
/// accepting connections) rather than that the statement is wrong.
fn is_outage(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.as_db_error() {
        // Class 08 (connection exception) and 57P01–57P03 (admin shutdown, crash shutdown,
        // cannot connect now).
        Some(db) => {
            let code = db.code().code();
            code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03")
        }
        // No answer from the server at all: the socket failed.
        None => std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>()),
    }
}

impl Drop for PostgresBackend {
    /// Closing a connection blocks on the client's own small runtime, which panics on a thread
    /// that drives async tasks (a web server dropping its state as it stops): the connection is
    /// closed on a thread of its own.
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let closing = std::thread::spawn(move || drop(client));
            let _ = closing.join();
        }
    }
}

/// The URL with any password replaced, for messages.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl PostgresBackend {
    /// Connects to `url` (`postgres://user@host:port/db`) and creates the schema if needed.
    pub fn connect(url: &str) -> Result<PostgresBackend, StoreError> {
        let location = redact(url);
        let client = Client::connect(url, NoTls).map_err(|e| StoreError::Database {
            location: location.clone(),
            message: format!(
                "cannot connect: {e}; check that PostgreSQL is running and the URL is right"
            ),
        })?;
        let mut backend = PostgresBackend {
            client: Some(client),
            url: url.to_string(),
            location,
            prepared: HashMap::new(),
        };
        backend.migrate()?;
        Ok(backend)
    }

    fn err(location: &str) -> impl Fn(postgres::Error) -> StoreError + '_ {
        move |e| {
            let message = match e.as_db_error() {
                Some(db) => db.message().to_string(),
                None => e.to_string(),
            };
            if is_outage(&e) {
                StoreError::Unavailable {
                    location: location.to_string(),
                    message,
                }
            } else {
                StoreError::Database {
                    location: location.to_string(),
                    message,
                }
            }
        }
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let err = Self::err(&self.location);
        let mut tx = connected(&mut self.client, &self.url, &self.location)?
            .transaction()
            .map_err(&err)?;
        // Serialise concurrent first-time set-ups of the same database.
        tx.execute("SELECT pg_advisory_xact_lock(7405297110)", &[])
            .map_err(&err)?;
        tx.batch_execute(SCHEMA).map_err(&err)?;
        tx.batch_execute(crate::index::SCHEMA).map_err(&err)?;
        tx.batch_execute(crate::checkpoint::SCHEMA).map_err(&err)?;
        tx.batch_execute(crate::subjects::SCHEMA).map_err(&err)?;
        tx.batch_execute(crate::accounts::SCHEMA).map_err(&err)?;
        tx.batch_execute(crate::register::SCHEMA).map_err(&err)?;
        let found = tx
            .query_opt(
                "SELECT value FROM samvirke_meta WHERE key = 'schema_version'",
                &[],
            )
            .map_err(&err)?;
        match found.map(|row| row.get::<_, String>(0).parse::<i64>()) {
            None => {
                tx.execute(
                    "INSERT INTO samvirke_meta (key, value) VALUES ('schema_version', $1)",
                    &[&SCHEMA_VERSION.to_string()],
                )
                .map_err(&err)?;
            }
            Some(Ok(v)) if v > SCHEMA_VERSION => {
                return Err(StoreError::SchemaTooNew {
                    location: self.location.clone(),
                    found: v,
                });
            }
            Some(Ok(found)) => {
                for (version, statements) in crate::MIGRATIONS.iter().filter(|(v, _)| *v > found) {
                    tx.batch_execute(statements).map_err(&err)?;
                    tx.execute(
                        "UPDATE samvirke_meta SET value = $1 WHERE key = 'schema_version'",
                        &[&version.to_string()],
                    )
                    .map_err(&err)?;
                }
            }
            Some(Err(_)) => {
                return Err(StoreError::Database { location: self.location.clone(), message: "samvirke_meta.schema_version is not a number; this database was not written by samvirke".to_string() });
            }
        }
        tx.commit().map_err(&err)
    }
}

fn row_to_event(location: &str, row: &postgres::Row) -> Result<Event, StoreError> {
    let recorded_text: String = row.get(1);
    let recorded_at = Timestamp::parse(&recorded_text).map_err(|e| StoreError::Database {
        location: location.to_string(),
        message: format!("bad recorded_at: {e}"),
    })?;
    Ok(Event {
        seq: row.get::<_, i64>(0) as u64,
        recorded_at,
        actor: row.get(2),
        reason: row.get(3),
        payload: row.get(4),
        prev_hash: row.get(5),
        hash: row.get(6),
    })
}

impl Backend for PostgresBackend {
    fn location(&self) -> &str {
        &self.location
    }

    fn head(&mut self) -> Result<(u64, String), StoreError> {
        let err = Self::err(&self.location);
        let row = connected(&mut self.client, &self.url, &self.location)?
            .query_typed_opt(
                "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1",
                &[],
            )
            .map_err(&err)?;
        Ok(row.map_or((0, GENESIS_HASH.to_string()), |r| {
            (r.get::<_, i64>(0) as u64, r.get(1))
        }))
    }

    fn read_range(&mut self, after: u64, through: u64) -> Result<Vec<Event>, StoreError> {
        let err = Self::err(&self.location);
        let (after, through) = (as_seq(after), as_seq(through));
        let rows = connected(&mut self.client, &self.url, &self.location)?
            .query_typed("SELECT seq, recorded_at, actor, reason, payload, prev_hash, hash FROM journal WHERE seq > $1 AND seq <= $2 ORDER BY seq", &[(&after, Type::INT8), (&through, Type::INT8)])
            .map_err(&err)?;
        rows.iter()
            .map(|row| row_to_event(&self.location, row))
            .collect()
    }

    fn read_event(&mut self, seq: u64) -> Result<Option<Event>, StoreError> {
        let err = Self::err(&self.location);
        let row = connected(&mut self.client, &self.url, &self.location)?
            .query_typed_opt("SELECT seq, recorded_at, actor, reason, payload, prev_hash, hash FROM journal WHERE seq = $1", &[(&as_seq(seq), Type::INT8)])
            .map_err(&err)?;
        row.map(|row| row_to_event(&self.location, &row))
            .transpose()
    }

    fn append(&mut self, expected_head: u64, events: &[Event]) -> Result<(), StoreError> {
        let err = Self::err(&self.location);
        let mut tx = connected(&mut self.client, &self.url, &self.location)?
            .transaction()
            .map_err(&err)?;
        tx.batch_execute("LOCK TABLE journal IN EXCLUSIVE MODE")
            .map_err(&err)?;
        let actual: i64 = tx
            .query_typed_one("SELECT COALESCE(MAX(seq), 0) FROM journal", &[])
            .map_err(&err)?
            .get(0);
        if actual as u64 != expected_head {
            return Err(StoreError::Conflict {
                expected: expected_head,
                actual: actual as u64,
            });
        }
        let insert = tx
            .prepare("INSERT INTO journal (seq, recorded_at, actor, reason, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .map_err(&err)?;
        for event in events {
            tx.execute(
                &insert,
                &[
                    &(event.seq as i64),
                    &event.recorded_at.to_string(),
                    &event.actor,
                    &event.reason,
                    &event.payload,
                    &event.prev_hash,
                    &event.hash,
                ],
            )
            .map_err(&err)?;
        }
        let index = tx.prepare(crate::index::INSERT).map_err(&err)?;
        let rows = crate::index::rows_of(&self.location, events)?;
        for (seq, cooperation, key, class, version) in &rows {
            tx.execute(&index, &[seq, cooperation, key, class, version])
                .map_err(&err)?;
        }
        let number = tx.prepare(crate::index::VERSION_INSERT).map_err(&err)?;
        for (cooperation, version, public, members) in crate::index::version_rows(&rows) {
            tx.execute(&number, &[&cooperation, &version, &public, &members])
                .map_err(&err)?;
        }
        let subject = tx.prepare(crate::subjects::INSERT).map_err(&err)?;
        for (service, municipality, cooperation) in
            crate::subjects::rows_of(&self.location, events)?
        {
            tx.execute(&subject, &[&service, &municipality, &cooperation])
                .map_err(&err)?;
        }
        // Every server listening on this database learns of the commit when it happens
        // (`JournalListener`), instead of at its next look at the head.
        let head = events.last().map_or(expected_head, |e| e.seq);
        tx.execute(
            "SELECT pg_notify($1, $2)",
            &[&JOURNAL_CHANNEL, &head.to_string()],
        )
        .map_err(&err)?;
        failpoint("append-before-commit");
        tx.commit().map_err(&err)
    }

    fn account_execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
        let err = Self::err(&self.location);
        let values = to_postgres(params);
        connected(&mut self.client, &self.url, &self.location)?
            .execute_typed(sql, &typed(&values))
            .map_err(&err)
    }

    fn account_batch_query(
        &mut self,
        statements: &[(&str, Vec<SqlValue>)],
        query: Option<(&str, Vec<SqlValue>)>,
    ) -> Result<Vec<Vec<SqlValue>>, StoreError> {
        let err = Self::err(&self.location);
        let mut tx = connected(&mut self.client, &self.url, &self.location)?
            .transaction()
            .map_err(&err)?;
        for (sql, params) in statements {
            let values = to_postgres(params);
            tx.execute_typed(sql, &typed(&values)).map_err(&err)?;
        }
        let rows = match query {
            Some((sql, params)) => {
                let values = to_postgres(&params);
                rows_to_values(&tx.query_typed(sql, &typed(&values)).map_err(&err)?, &err)?
            }
            None => Vec::new(),
        };
        tx.commit().map_err(&err)?;
        Ok(rows)
    }

    fn refresh_statistics(&mut self) -> Result<(), StoreError> {
        let err = Self::err(&self.location);
        let client = connected(&mut self.client, &self.url, &self.location)?;
        let tables: Vec<&str> = STATISTICS_TABLES.to_vec();
        let stale = client.query(STALE_STATISTICS, &[&tables]).map_err(&err)?;
        for row in stale {
            let table: String = row.try_get(0).map_err(&err)?;
            // The names come from the list above, never from input.
            client
                .batch_execute(&format!("ANALYZE {table}"))
                .map_err(&err)?;
        }
        Ok(())
    }

    fn account_query(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Vec<Vec<SqlValue>>, StoreError> {
        let location = self.location.clone();
        let err = Self::err(&location);
        let values = to_postgres(params);
        let rows = match self.query_prepared(sql, &values)? {
            // The statement no longer fits the table (another server changed the schema): it
            // is prepared again, once.
            Err(e) if is_stale_statement(&e) => {
                self.prepared.clear();
                self.query_prepared(sql, &values)?
            }
            other => other,
        };
        rows_to_values(&rows.map_err(&err)?, &err)
    }
}

impl PostgresBackend {
    /// Runs `sql` as a statement prepared on this connection (prepared now if it was not): the
    /// rows or PostgreSQL's error, inside the error of a connection that cannot be made.
    fn query_prepared(
        &mut self,
        sql: &str,
        values: &[(Box<dyn ToSql + Sync>, Type)],
    ) -> Result<Result<Vec<postgres::Row>, postgres::Error>, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            // A new connection has none of them.
            self.prepared.clear();
        }
        let client = connected(&mut self.client, &self.url, &self.location)?;
        let key = (
            sql.to_string(),
            values.iter().map(|(_, t)| t.clone()).collect(),
        );
        let statement = match self.prepared.get(&key) {
            Some(statement) => statement.clone(),
            None => {
                let statement = match client.prepare_typed(sql, &key.1) {
                    Ok(statement) => statement,
                    Err(e) => return Ok(Err(e)),
                };
                if self.prepared.len() >= PREPARED_MAX {
                    self.prepared.clear();
                }
                self.prepared.insert(key, statement.clone());
                statement
            }
        };
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|(v, _)| v.as_ref()).collect();
        Ok(client.query(&statement, &refs))
    }
}

/// Whether `e` says a prepared statement no longer fits the tables it reads ("cached plan must
/// not change result type", SQLSTATE 0A000, after a column was added or changed) or is gone
/// from the connection (26000).
fn is_stale_statement(e: &postgres::Error) -> bool {
    e.as_db_error()
        .is_some_and(|db| matches!(db.code().code(), "0A000" | "26000"))
}

/// The tables the journal is read by, whose statistics the planner needs.
const STATISTICS_TABLES: [&str; 5] = [
    "journal",
    "journal_fact",
    "journal_version",
    "journal_subject",
    "projection_checkpoint",
];

/// Those of [`STATISTICS_TABLES`] never analysed, or changed by more than a tenth (and 1,000
/// rows) since: PostgreSQL's own autovacuum threshold, for a server where it is off or behind.
const STALE_STATISTICS: &str = "SELECT relname::text FROM pg_stat_user_tables
    WHERE relname = ANY($1) AND schemaname = current_schema()
      AND n_mod_since_analyze > 1000 + n_live_tup / 10";

/// Rows as values (BIGINT and INTEGER as numbers, anything else as text).
fn rows_to_values(
    rows: &[postgres::Row],
    err: &impl Fn(postgres::Error) -> StoreError,
) -> Result<Vec<Vec<SqlValue>>, StoreError> {
    rows.iter()
        .map(|row| {
            (0..row.len())
                .map(|i| {
                    let ty = row.columns().get(i).map(|c| c.type_().clone());
                    Ok(match ty {
                        Some(postgres::types::Type::INT8) => row
                            .try_get::<_, Option<i64>>(i)
                            .map_err(err)?
                            .map_or(SqlValue::Null, SqlValue::Int),
                        Some(postgres::types::Type::INT4) => row
                            .try_get::<_, Option<i32>>(i)
                            .map_err(err)?
                            .map_or(SqlValue::Null, |v| SqlValue::Int(i64::from(v))),
                        _ => row
                            .try_get::<_, Option<String>>(i)
                            .map_err(err)?
                            .map_or(SqlValue::Null, SqlValue::Text),
                    })
                })
                .collect()
        })
        .collect()
}

/// Parameters with their PostgreSQL types (`BIGINT`, `TEXT`): a statement so typed is parsed,
/// bound and run in one round trip (`query_typed`), where one typed by the server takes three
/// (prepare, execute, close); a read as known then is several statements.
fn to_postgres(params: &[SqlValue]) -> Vec<(Box<dyn ToSql + Sync>, Type)> {
    params
        .iter()
        .map(|p| -> (Box<dyn ToSql + Sync>, Type) {
            match p {
                SqlValue::Int(v) => (Box::new(*v), Type::INT8),
                SqlValue::Text(t) => (Box::new(t.clone()), Type::TEXT),
                SqlValue::Null => (Box::new(Option::<String>::None), Type::TEXT),
            }
        })
        .collect()
}

/// [`to_postgres`]'s values as `query_typed` takes them.
fn typed(values: &[(Box<dyn ToSql + Sync>, Type)]) -> Vec<(&(dyn ToSql + Sync), Type)> {
    values
        .iter()
        .map(|(v, t)| (v.as_ref(), t.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
    }
}
