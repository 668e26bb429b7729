//! SQLite: the embedded default. One file; WAL journal; `BEGIN IMMEDIATE` takes the write lock
//! before the head is compared, so two writers cannot both append after the same head.

use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};
use samvirke_core::Timestamp;

use crate::{
    Backend, Event, GENESIS_HASH, SCHEMA_VERSION, SqlValue, StoreError, as_seq, failpoint,
};

const BUSY_TIMEOUT_MS: u64 = 10_000;
/// The page cache of one connection, in KiB (SQLite's `cache_size` takes KiB as a negative
/// number): the index pages a read as known then walks stay in it; the rest is read from the
/// operating system's file cache. There is no memory map: each connection maps the file on its
/// own, so a server's six connections counted a 680 MB journal up to six times in its RSS
/// (3.4 GB at a million events); without one its memory is bounded by these caches.
const PAGE_CACHE_KIB: i64 = 8 * 1024;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS samvirke_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (
    seq INTEGER PRIMARY KEY,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: events are never changed; record a correcting event instead'); END;
CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: events are never deleted; record a correcting event instead'); END;
";

/// The SQLite journal.
pub struct SqliteBackend {
    conn: Connection,
    location: String,
}

impl SqliteBackend {
    /// Opens (and if needed creates) the database file at `path`.
    pub fn open(path: &str) -> Result<SqliteBackend, StoreError> {
        let location = path.to_string();
        let db_err = |e: rusqlite::Error| sqlite_error(&location, &e);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::Database {
            location: location.clone(),
            message: format!("{e}; check that the directory exists and is writable"),
        })?;
        conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))
            .map_err(db_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(db_err)?;
        conn.pragma_update(None, "cache_size", -PAGE_CACHE_KIB)
            .map_err(db_err)?;
        // rusqlite keeps 16 by default: fewer than the reads of a history page and an answer as
        // known then, which differ by the number of values in their `IN` lists.
        conn.set_prepared_statement_cache_capacity(crate::PREPARED_MAX);
        let mut backend = SqliteBackend { conn, location };
        backend.migrate()?;
        Ok(backend)
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        sqlite_error(&self.location, &e)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sqlite_error(&self.location, &e))?;
        tx.execute_batch(&format!(
            "{SCHEMA}{}{}{}{}{}",
            crate::index::SCHEMA,
            crate::checkpoint::SCHEMA,
            crate::subjects::SCHEMA,
            crate::accounts::SCHEMA,
            crate::register::SCHEMA
        ))
        .map_err(|e| sqlite_error(&self.location, &e))?;
        let found: Option<String> = tx
            .query_row(
                "SELECT value FROM samvirke_meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| {
                if e == rusqlite::Error::QueryReturnedNoRows {
                    Ok(None)
                } else {
                    Err(e)
                }
            })
            .map_err(|e| sqlite_error(&self.location, &e))?;
        match found.as_deref().map(str::parse::<i64>) {
            None => {
                tx.execute("INSERT INTO samvirke_meta (key, value) VALUES ('schema_version', ?1)", params![SCHEMA_VERSION.to_string()])
                    .map_err(|e| sqlite_error(&self.location, &e))?;
            }
            Some(Ok(v)) if v > SCHEMA_VERSION => return Err(StoreError::SchemaTooNew { location: self.location.clone(), found: v }),
            Some(Ok(found)) => {
                let err = |e: rusqlite::Error| StoreError::Database { location: self.location.clone(), message: format!("upgrading the schema from version {found}: {e}") };
                for (version, statements) in crate::MIGRATIONS.iter().filter(|(v, _)| *v > found) {
                    tx.execute_batch(statements).map_err(err)?;
                    tx.execute("UPDATE samvirke_meta SET value = ?1 WHERE key = 'schema_version'", params![version.to_string()]).map_err(err)?;
                }
            }
            Some(Err(_)) => return Err(StoreError::Database { location: self.location.clone(), message: "samvirke_meta.schema_version is not a number; this file was not written by samvirke".to_string() }),
        }
        tx.commit().map_err(|e| sqlite_error(&self.location, &e))
    }
}

fn row_to_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    let seq: i64 = row.get(0)?;
    let recorded_text: String = row.get(1)?;
    let recorded_at = Timestamp::parse(&recorded_text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Event {
        seq: seq as u64,
        recorded_at,
        actor: row.get(2)?,
        reason: row.get(3)?,
        payload: row.get(4)?,
        prev_hash: row.get(5)?,
        hash: row.get(6)?,
    })
}

impl Backend for SqliteBackend {
    fn location(&self) -> &str {
        &self.location
    }

    fn head(&mut self) -> Result<(u64, String), StoreError> {
        let head = self
            .conn
            .query_row(
                "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?)),
            )
            .map(Some)
            .or_else(|e| {
                if e == rusqlite::Error::QueryReturnedNoRows {
                    Ok(None)
                } else {
                    Err(e)
                }
            })
            .map_err(|e| self.err(e))?;
        Ok(head.unwrap_or((0, GENESIS_HASH.to_string())))
    }

    fn read_range(&mut self, after: u64, through: u64) -> Result<Vec<Event>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, recorded_at, actor, reason, payload, prev_hash, hash FROM journal WHERE seq > ?1 AND seq <= ?2 ORDER BY seq")
            .map_err(|e| sqlite_error(&self.location, &e))?;
        let rows = stmt
            .query_map(params![as_seq(after), as_seq(through)], row_to_event)
            .map_err(|e| sqlite_error(&self.location, &e))?;
        rows.collect::<rusqlite::Result<Vec<Event>>>()
            .map_err(|e| sqlite_error(&self.location, &e))
    }

    fn read_event(&mut self, seq: u64) -> Result<Option<Event>, StoreError> {
        use rusqlite::OptionalExtension as _;
        let err = |e: rusqlite::Error| sqlite_error(&self.location, &e);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, recorded_at, actor, reason, payload, prev_hash, hash FROM journal WHERE seq = ?1")
            .map_err(err)?;
        stmt.query_row(params![seq as i64], row_to_event)
            .optional()
            .map_err(|e| sqlite_error(&self.location, &e))
    }

    fn append(&mut self, expected_head: u64, events: &[Event]) -> Result<(), StoreError> {
        let location = self.location.clone();
        let err = |e: rusqlite::Error| sqlite_error(&location, &e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        let actual: i64 = tx
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM journal", [], |r| {
                r.get(0)
            })
            .map_err(err)?;
        if actual as u64 != expected_head {
            return Err(StoreError::Conflict {
                expected: expected_head,
                actual: actual as u64,
            });
        }
        {
            let mut insert = tx
                .prepare_cached("INSERT INTO journal (seq, recorded_at, actor, reason, payload, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .map_err(err)?;
            for event in events {
                insert
                    .execute(params![
                        event.seq as i64,
                        event.recorded_at.to_string(),
                        event.actor,
                        event.reason,
                        event.payload,
                        event.prev_hash,
                        event.hash
                    ])
                    .map_err(err)?;
            }
            let mut index = tx
                .prepare_cached(&crate::index::INSERT.replace('$', "?"))
                .map_err(err)?;
            let rows = crate::index::rows_of(&location, events)?;
            for (seq, cooperation, key, class, version) in &rows {
                index
                    .execute(params![seq, cooperation, key, class, version])
                    .map_err(err)?;
            }
            let mut number = tx
                .prepare_cached(&crate::index::VERSION_INSERT.replace('$', "?"))
                .map_err(err)?;
            for (cooperation, version, public, members) in crate::index::version_rows(&rows) {
                number
                    .execute(params![cooperation, version, public, members])
                    .map_err(err)?;
            }
            let mut subject = tx
                .prepare_cached(&crate::subjects::INSERT.replace('$', "?"))
                .map_err(err)?;
            for (service, municipality, cooperation) in crate::subjects::rows_of(&location, events)?
            {
                subject
                    .execute(params![service, municipality, cooperation])
                    .map_err(err)?;
            }
        }
        failpoint("append-before-commit");
        tx.commit().map_err(err)
    }

    fn account_execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
        let sql = sql.replace('$', "?");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let changed = stmt
            .execute(rusqlite::params_from_iter(params.iter().map(to_sqlite)))
            .map_err(|e| sqlite_error(&self.location, &e))?;
        Ok(changed as u64)
    }

    fn account_batch_query(
        &mut self,
        statements: &[(&str, Vec<SqlValue>)],
        query: Option<(&str, Vec<SqlValue>)>,
    ) -> Result<Vec<Vec<SqlValue>>, StoreError> {
        let location = self.location.clone();
        let err = |e: rusqlite::Error| sqlite_error(&location, &e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        for (sql, params) in statements {
            let sql = sql.replace('$', "?");
            let mut stmt = tx.prepare_cached(&sql).map_err(err)?;
            stmt.execute(rusqlite::params_from_iter(params.iter().map(to_sqlite)))
                .map_err(err)?;
        }
        let rows = match query {
            Some((sql, params)) => query_rows(&tx, sql, &params).map_err(err)?,
            None => Vec::new(),
        };
        tx.commit().map_err(err)?;
        Ok(rows)
    }

    fn account_query(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Vec<Vec<SqlValue>>, StoreError> {
        let location = self.location.clone();
        let err = |e: rusqlite::Error| sqlite_error(&location, &e);
        query_rows(&self.conn, sql, params).map_err(err)
    }
}

/// The rows of `sql` (with `$1`-style parameters) as values.
fn query_rows(
    conn: &rusqlite::Connection,
    sql: &str,
    params: &[SqlValue],
) -> rusqlite::Result<Vec<Vec<SqlValue>>> {
    let sql = sql.replace('$', "?");
    let mut stmt = conn.prepare_cached(&sql)?;
    let columns = stmt.column_count();
    let rows = stmt.query_map(
        rusqlite::params_from_iter(params.iter().map(to_sqlite)),
        |row| {
            (0..columns)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Integer(v) => SqlValue::Int(v),
                        rusqlite::types::ValueRef::Text(t) => {
                            SqlValue::Text(String::from_utf8_lossy(t).into_owned())
                        }
                        _ => SqlValue::Null,
                    })
                })
                .collect::<rusqlite::Result<Vec<SqlValue>>>()
        },
    )?;
    rows.collect()
}

/// A SQLite error as a store error: a full disk says so, with the fix (the transaction it broke
/// was rolled back: nothing was written). SQLite reports a full disk as `SQLITE_FULL`, or, when
/// the shared-memory file of the write-ahead log cannot grow, as an I/O error: then a small file
/// written beside the database tells whether the disk is full.
fn sqlite_error(location: &str, e: &rusqlite::Error) -> StoreError {
    let full = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => true,
        Some(rusqlite::ErrorCode::SystemIoFailure) => disk_is_full(location),
        _ => false,
    };
    if full {
        StoreError::DiskFull {
            location: location.to_string(),
        }
    } else {
        StoreError::Database {
            location: location.to_string(),
            message: e.to_string(),
        }
    }
}

/// Whether the disk that holds the database `location` has no room for 64 KiB.
fn disk_is_full(location: &str) -> bool {
    use std::io::Write as _;
    let dir = std::path::Path::new(location)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let probe = dir.join(format!(".samvirke-space-check-{}", std::process::id()));
    let written = std::fs::File::create(&probe).and_then(|mut file| {
        file.write_all(&[0u8; 64 * 1024])
            .and_then(|()| file.sync_all())
    });
    let _ = std::fs::remove_file(&probe);
    matches!(written, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

fn to_sqlite(value: &SqlValue) -> rusqlite::types::Value {
    match value {
        SqlValue::Int(v) => rusqlite::types::Value::Integer(*v),
        SqlValue::Text(t) => rusqlite::types::Value::Text(t.clone()),
        SqlValue::Null => rusqlite::types::Value::Null,
    }
}
