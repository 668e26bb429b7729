//! # samvirke-store
//!
//! The journal: every change to the registry is an event appended to an append-only, hash-chained
//! table, in SQLite (the embedded default, a file) or PostgreSQL (when several servers share one
//! database). Current and past state are projections of the journal.
//!
//! Key design decisions:
//! - **One trait, two backends, one behaviour.** [`Backend`] has three operations (read, head,
//!   append); everything else (hashing, projection, verification) is written once in [`Store`].
//! - **Optimistic concurrency.** A writer says which head it read; [`Backend::append`] takes the
//!   database's write lock, compares, and either appends every event in one transaction or
//!   returns [`StoreError::Conflict`]. Nothing is half-written, nothing is silently overwritten.
//! - **Tamper evidence.** Each event's hash covers its content and the previous hash;
//!   [`Store::verify`] recomputes the chain and reports the first event that does not match.
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod accounts;
mod checkpoint;
pub mod clock;
mod event;
mod index;
mod postgres_backend;
pub mod register;
pub mod secrets;
mod sqlite_backend;
mod subjects;

use std::collections::BTreeMap;

use samvirke_core::model::Fact;
use samvirke_core::registry::{RecordedFact, Registry};
use samvirke_core::{CooperationId, Timestamp};

pub use checkpoint::{CHECKPOINT_EVERY_EVENTS, CHECKPOINT_FORMAT, CheckpointUse};
pub use event::{Change, Event, GENESIS_HASH, NewEvent, Payload, event_hash};
pub use index::{EVENTS_PER_READ_MAX, Shown};
pub use postgres_backend::{JOURNAL_CHANNEL, JournalListener, PostgresBackend};
pub use sqlite_backend::SqliteBackend;
pub use subjects::Answering;

/// The actor the command line writes to the journal when it knows no other name (no
/// `SAMVIRKE_ACTOR`, `--actor` or login name); pages say "the command line" for it.
pub const CLI_ACTOR: &str = "samvirke-cli";

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = 6;

/// What takes a database from each older schema version to the next: `(n, statements)` brings
/// version `n - 1` to `n`. They run in the set-up transaction, so a database is upgraded wholly
/// or not at all; a new database gets the tables as they are now and runs none of them.
pub(crate) const MIGRATIONS: &[(i64, &str)] = &[
    (2, accounts::MIGRATION_2),
    (2, register::MIGRATION_2),
    (3, index::MIGRATION_3),
    (4, accounts::MIGRATION_4),
    (5, index::MIGRATION_5),
    (6, checkpoint::MIGRATION_6),
];

/// What can go wrong in the store. Messages are for users: they name the database and the fix.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended after this writer read the journal.
    #[error(
        "conflict: the journal moved from event {expected} to event {actual} while this change was being prepared (another writer got there first); nothing was written; run the command again to apply it on top of the new state"
    )]
    Conflict {
        /// The head the writer read.
        expected: u64,
        /// The head found when writing.
        actual: u64,
    },
    /// The database could not be opened, read or written.
    #[error("database {location}: {message}")]
    Database {
        /// Which database.
        location: String,
        /// What failed.
        message: String,
    },
    /// The database server cannot be reached (it is down or restarting, or the connection
    /// broke); the next call tries to connect again.
    #[error(
        "database {location} cannot be reached just now ({message}); nothing was written; try again when it is back"
    )]
    Unavailable {
        /// Which database.
        location: String,
        /// What the connection said.
        message: String,
    },
    /// The disk that holds the database is full.
    #[error(
        "database {location}: the disk is full; nothing was written; free space on the disk that holds the database and run the command again"
    )]
    DiskFull {
        /// Which database.
        location: String,
    },
    /// The database was written by a newer Samvirke.
    #[error(
        "database {location} has schema version {found}, this samvirke knows up to {SCHEMA_VERSION}; upgrade samvirke"
    )]
    SchemaTooNew {
        /// Which database.
        location: String,
        /// What it has.
        found: i64,
    },
    /// An event's payload could not be read back.
    #[error("database {location}: event {seq} has a payload this samvirke cannot read: {message}")]
    BadPayload {
        /// Which database.
        location: String,
        /// Which event.
        seq: u64,
        /// Why.
        message: String,
    },
}

/// A sequence number as the journal's integer column holds it (SQLite `INTEGER`, PostgreSQL
/// `BIGINT`): those beyond `i64::MAX` read as the largest, which no journal reaches.
pub(crate) fn as_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// Where the journal is read and written. Implemented for SQLite and PostgreSQL.
pub trait Backend: Send {
    /// A description for messages (the path or the URL without password).
    fn location(&self) -> &str;
    /// The last event's sequence number and hash (0 and [`GENESIS_HASH`] when empty).
    fn head(&mut self) -> Result<(u64, String), StoreError>;
    /// All events with `seq > after`, in order.
    fn read_events(&mut self, after: u64) -> Result<Vec<Event>, StoreError> {
        self.read_range(after, u64::MAX)
    }
    /// The events with `after < seq <= through`, in order (one indexed range read: what lies
    /// beyond `through` is not read).
    fn read_range(&mut self, after: u64, through: u64) -> Result<Vec<Event>, StoreError>;
    /// The event `seq`, if there is one (one indexed read).
    fn read_event(&mut self, seq: u64) -> Result<Option<Event>, StoreError>;
    /// Appends `events` in one transaction if the head is still `expected_head`; otherwise
    /// [`StoreError::Conflict`] and nothing is written. The events' hashes are computed by the
    /// caller, from the head it read.
    fn append(&mut self, expected_head: u64, events: &[Event]) -> Result<(), StoreError>;
    /// Runs one statement on the account tables (written once, with `$1`-style parameters, in
    /// [`accounts`]); returns the number of rows changed.
    fn account_execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError>;
    /// Runs one query on the account tables; every row as values.
    fn account_query(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<Vec<Vec<SqlValue>>, StoreError>;
    /// Runs several statements on the tables beside the journal in one transaction: all of them
    /// or, if any fails, none.
    fn account_batch(&mut self, statements: &[(&str, Vec<SqlValue>)]) -> Result<(), StoreError> {
        self.account_batch_query(statements, None).map(|_| ())
    }
    /// The same, then `query`, if any, in the same transaction (so it sees what the statements
    /// wrote and nothing another writer wrote after them): its rows (none without a query).
    fn account_batch_query(
        &mut self,
        statements: &[(&str, Vec<SqlValue>)],
        query: Option<(&str, Vec<SqlValue>)>,
    ) -> Result<Vec<Vec<SqlValue>>, StoreError>;
    /// Brings the query planner's statistics of the journal's tables up to date where they
    /// changed much since they were last gathered (PostgreSQL plans a range read of the index
    /// as a scan of everything after it when it believes the table is small). SQLite plans by
    /// its indexes alone: nothing to do.
    fn refresh_statistics(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// How many statements a connection keeps prepared at most, on either backend (the reads the
/// store makes have a few dozen texts, one per number of values in an `IN` list); PostgreSQL's
/// are all closed when there are more and prepared again as they come, SQLite's least recently
/// used is closed.
pub(crate) const PREPARED_MAX: usize = 256;

/// A value passed to or read from the account tables: the two column types they use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlValue {
    /// `BIGINT` / `INTEGER`.
    Int(i64),
    /// `TEXT`.
    Text(String),
    /// `NULL` (read only: statements write NULL as a literal).
    Null,
}

/// The result of [`Store::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every event's hash matches; `events` were checked.
    Intact {
        /// How many events.
        events: u64,
    },
    /// The first event whose stored hash or link does not match.
    Broken {
        /// Its sequence number.
        seq: u64,
        /// What does not match.
        reason: String,
    },
}

/// Facts as the journal projects them at some record time, with the head they were read at.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    /// Current facts by key, with the event that last put each. Shared: a copy of a projection
    /// costs a reference count, and the store's kept projection copies the map only when it
    /// applies events while a caller still holds the map (`Arc::make_mut`).
    pub facts: std::sync::Arc<BTreeMap<String, RecordedFact>>,
    /// Sequence number of the last event applied.
    pub head: u64,
}

impl Projection {
    /// The registry built from these facts.
    pub fn registry(&self) -> Registry {
        Registry::build_keyed(self.facts.iter().map(|(key, fact)| (key.as_str(), fact)))
    }

    /// The facts of one cooperation.
    pub fn facts_of(&self, cooperation: &CooperationId) -> Vec<&RecordedFact> {
        self.facts
            .values()
            .filter(|f| f.fact.cooperation() == cooperation)
            .collect()
    }
}

/// The journal and its projections.
pub struct Store {
    backend: Box<dyn Backend>,
    /// The projection at the last head read, with that event's hash: the next
    /// [`Store::projection`] of the present applies only the events after it, once the first of
    /// them is seen to follow that hash (otherwise the journal is not the one it was built from,
    /// and it is rebuilt from the first event).
    latest: Option<(Projection, String)>,
    /// How the first projection of the present was built (from the checkpoint or not, and why).
    checkpoint_use: Option<CheckpointUse>,
}

impl Store {
    /// Opens `location`: a `postgres://` or `postgresql://` URL, otherwise a SQLite file path
    /// (created if missing). The schema is created on first use.
    pub fn open(location: &str) -> Result<Store, StoreError> {
        let backend: Box<dyn Backend> =
            if location.starts_with("postgres://") || location.starts_with("postgresql://") {
                Box::new(PostgresBackend::connect(location)?)
            } else {
                Box::new(SqliteBackend::open(location)?)
            };
        let mut store = Store {
            backend,
            latest: None,
            checkpoint_use: None,
        };
        store.fill_index()?;
        store.fill_subjects()?;
        store.backend.refresh_statistics()?;
        Ok(store)
    }

    /// Wraps a backend.
    pub fn with_backend(backend: Box<dyn Backend>) -> Store {
        Store {
            backend,
            latest: None,
            checkpoint_use: None,
        }
    }

    /// Where the journal lives, for messages.
    pub fn location(&self) -> &str {
        self.backend.location()
    }

    /// Every event, in order.
    pub fn events(&mut self) -> Result<Vec<Event>, StoreError> {
        self.backend.read_events(0)
    }

    /// The versions of the fact that event `latest` put, newest first: `latest` and each event
    /// its put superseded in turn, at most `limit` of them (each one indexed read, so the cost
    /// grows with the fact's own revisions, not with the journal). A retraction ends the chain.
    pub fn versions(
        &mut self,
        latest: u64,
        limit: usize,
    ) -> Result<Vec<(Event, Fact)>, StoreError> {
        let mut out = Vec::new();
        let mut next = Some(latest);
        while let Some(seq) = next.filter(|_| out.len() < limit) {
            let Some(event) = self.backend.read_event(seq)? else {
                break;
            };
            let payload = event.payload().map_err(|message| StoreError::BadPayload {
                location: self.backend.location().to_string(),
                seq: event.seq,
                message,
            })?;
            let Change::Put { fact, supersedes } = payload.change else {
                break;
            };
            next = supersedes;
            out.push((event, *fact));
        }
        Ok(out)
    }

    /// The last event's sequence number.
    pub fn head(&mut self) -> Result<u64, StoreError> {
        Ok(self.backend.head()?.0)
    }

    /// When the last event was recorded (`None` while the journal is empty): when the registry
    /// last changed.
    pub fn last_recorded_at(&mut self) -> Result<Option<Timestamp>, StoreError> {
        let head = self.head()?;
        Ok(self.backend.read_event(head)?.map(|e| e.recorded_at))
    }

    /// The state as known at `as_known_on` (every event when `None`): the events up to the last
    /// one recorded by then ([`Store::seq_known_on`]), so nothing recorded later is read.
    pub fn projection(&mut self, as_known_on: Option<Timestamp>) -> Result<Projection, StoreError> {
        match as_known_on {
            None => self.present(),
            Some(k) => {
                let seq = self.seq_known_on(k)?;
                self.projection_through(seq)
            }
        }
    }

    /// The projection at the journal's head: the one kept from the last call with the events
    /// after it applied, so that its cost grows with the events since then, not with the
    /// journal's length. Rebuilt from the first event when the journal does not continue the
    /// kept one's hash (another database, or one restored from a backup).
    fn present(&mut self) -> Result<Projection, StoreError> {
        let (head, head_hash) = self.backend.head()?;
        let (mut projection, mut hash) = match self.latest.take() {
            Some((kept, hash)) if kept.head == head && hash == head_hash => {
                self.latest = Some((kept.clone(), hash));
                return Ok(kept);
            }
            Some(kept) if kept.0.head < head => kept,
            Some(_) => (Projection::default(), event::GENESIS_HASH.to_string()),
            // The first projection of this store: from the checkpoint when it checks out.
            None => match self.read_checkpoint(head)? {
                Ok((projection, hash)) => {
                    self.checkpoint_use = Some(CheckpointUse::Used {
                        head: projection.head,
                        applied: head - projection.head,
                    });
                    (projection, hash)
                }
                Err(refused) => {
                    self.checkpoint_use = Some(refused);
                    (Projection::default(), event::GENESIS_HASH.to_string())
                }
            },
        };
        let mut events = self.backend.read_events(projection.head)?;
        if events.first().is_some_and(|e| e.prev_hash != hash) {
            projection = Projection::default();
            events = self.backend.read_events(0)?;
        }
        for event in events {
            hash.clone_from(&event.hash);
            self.apply(&mut projection, event)?;
        }
        self.latest = Some((projection.clone(), hash));
        Ok(projection)
    }

    /// The registry scenario `scenario` is worked out on: as known at the end of its `known_on`
    /// day; else, once adopted, as known just before its current version was recorded at
    /// `recorded_at` (so its paper still reads as it did when it was decided); else `None`, the
    /// registry as it is.
    pub fn scenario_base(
        &mut self,
        recorded_at: Option<Timestamp>,
        scenario: &samvirke_core::model::Scenario,
    ) -> Result<Option<Registry>, StoreError> {
        if let Some(day) = scenario.known_on {
            return Ok(Some(
                self.projection(Some(Timestamp::end_of_day(day)))?
                    .registry(),
            ));
        }
        match (&scenario.adopted, recorded_at) {
            (Some(_), Some(recorded_at)) => Ok(Some(
                self.projection(Some(Timestamp::from_micros(recorded_at.micros() - 1)))?
                    .registry(),
            )),
            _ => Ok(None),
        }
    }

    /// The last event recorded at or before `as_known_on` (0 when none was): the journal head as
    /// it was known then. Record time never goes backwards along the journal (`commit` sees to
    /// it, and record times are written as text that sorts in time order), so this is one read
    /// of the `(recorded_at, seq)` index, whatever the journal's length.
    pub fn seq_known_on(&mut self, as_known_on: Timestamp) -> Result<u64, StoreError> {
        let rows = self.backend.account_query(
            subjects::KNOWN_ON,
            &[SqlValue::Text(as_known_on.to_string())],
        )?;
        // No row: nothing was recorded by then.
        match rows.first() {
            None => Ok(0),
            Some(row) => Ok(index::int(self.location(), row.first())?.max(0) as u64),
        }
    }

    /// The state right after event `seq` (the state a form opened at that head was built from).
    /// A form is usually saved on the head it was opened at: then this is the kept projection of
    /// the present and reads no event, so a save does not cost more as the journal grows. An
    /// older `seq`, or any `seq` on a store that keeps no projection yet, is read by index: for
    /// each fact the last event through `seq` ([`Store::state_through`], no replay); a `seq`
    /// beyond the head gives the projection at the head, whose `head` tells the caller so.
    pub fn projection_through(&mut self, seq: u64) -> Result<Projection, StoreError> {
        let head = self.head()?;
        if self.latest.is_some() && head <= seq {
            let present = self.present()?;
            // Another writer may have committed between the two reads of the head: then the
            // present is past `seq`, and the state through `seq` is read below.
            if present.head <= seq {
                return Ok(present);
            }
        }
        // A store that keeps no projection (a reader) reads the state by index and keeps none.
        let through = seq.min(head);
        Ok(Projection {
            facts: std::sync::Arc::new(self.state_through(through)?),
            head: through,
        })
    }

    /// The state right after event `seq` replayed from the first event: what
    /// [`Store::projection_through`] reads by index instead (kept for the tests that compare
    /// the two).
    pub fn replay_through(&mut self, seq: u64) -> Result<Projection, StoreError> {
        let mut projection = Projection::default();
        for event in self.backend.read_range(0, seq)? {
            self.apply(&mut projection, event)?;
        }
        Ok(projection)
    }

    /// Applies one event to a projection.
    fn apply(&self, projection: &mut Projection, event: Event) -> Result<(), StoreError> {
        let payload = event.payload().map_err(|message| StoreError::BadPayload {
            location: self.location().to_string(),
            seq: event.seq,
            message,
        })?;
        match payload.change {
            Change::Put { fact, .. } => {
                std::sync::Arc::make_mut(&mut projection.facts).insert(
                    fact.key(),
                    RecordedFact {
                        fact: *fact,
                        seq: event.seq,
                        recorded_at: event.recorded_at,
                    },
                );
            }
            Change::Retract { key, .. } => {
                std::sync::Arc::make_mut(&mut projection.facts).remove(&key);
            }
        }
        projection.head = event.seq;
        Ok(())
    }

    /// The changes that turn the facts of `cooperation` in `projection` into `wanted`: a put for
    /// every new or different fact, a retract for every fact no longer there. Empty when equal.
    pub fn diff(
        projection: &Projection,
        cooperation: &CooperationId,
        wanted: &[Fact],
    ) -> Vec<Change> {
        let current: BTreeMap<String, &RecordedFact> = projection
            .facts_of(cooperation)
            .into_iter()
            .filter(|f| f.fact.in_agreement_file())
            .map(|f| (f.fact.key(), f))
            .collect();
        let mut changes = Vec::new();
        let mut wanted_keys = std::collections::BTreeSet::new();
        for fact in wanted {
            let key = fact.key();
            wanted_keys.insert(key.clone());
            match current.get(&key) {
                Some(existing) if &existing.fact == fact => {}
                Some(existing) => changes.push(Change::Put {
                    fact: Box::new(fact.clone()),
                    supersedes: Some(existing.seq),
                }),
                None => changes.push(Change::Put {
                    fact: Box::new(fact.clone()),
                    supersedes: None,
                }),
            }
        }
        for (key, existing) in current {
            if !wanted_keys.contains(&key) {
                changes.push(Change::Retract {
                    key,
                    supersedes: existing.seq,
                });
            }
        }
        changes
    }

    /// Records one fact on top of `projection` (naming the event it supersedes, if the key has
    /// one) in one event; returns its sequence number. A conflict if the journal moved since.
    pub fn put(
        &mut self,
        projection: &Projection,
        fact: Fact,
        actor: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let supersedes = projection.facts.get(&fact.key()).map(|f| f.seq);
        let events = self.commit(
            projection.head,
            actor,
            reason,
            vec![Change::Put {
                fact: Box::new(fact),
                supersedes,
            }],
            now,
        )?;
        Ok(events.first().map_or(projection.head, |e| e.seq))
    }

    /// Appends `changes` as events by `actor` for `reason`, atomically, provided the journal's head
    /// is still `expected_head` (the head the changes were computed from). Returns the events written.
    pub fn commit(
        &mut self,
        expected_head: u64,
        actor: &str,
        reason: &str,
        changes: Vec<Change>,
        now: Timestamp,
    ) -> Result<Vec<Event>, StoreError> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        failpoint_pause("pause-before-commit");
        let (head_seq, head_hash) = self.backend.head()?;
        if head_seq != expected_head {
            return Err(StoreError::Conflict {
                expected: expected_head,
                actual: head_seq,
            });
        }
        // A writer that passed the check above may still lose the race: the backend checks the
        // head again inside its transaction, and that check is the one that decides.
        failpoint_pause("pause-after-head-check");
        let last_recorded = match self.backend.read_events(head_seq.saturating_sub(1))?.last() {
            Some(e) => e.recorded_at,
            None => Timestamp::from_micros(i64::MIN),
        };
        // Record time never goes backwards, even if the clock does.
        let recorded_at = if now > last_recorded {
            now
        } else {
            Timestamp::from_micros(last_recorded.micros() + 1)
        };
        let mut prev_hash = head_hash;
        let mut events = Vec::with_capacity(changes.len());
        for (offset, change) in changes.into_iter().enumerate() {
            let new = NewEvent {
                seq: head_seq + 1 + offset as u64,
                recorded_at,
                actor: actor.to_string(),
                reason: reason.to_string(),
                payload: Payload { change }.to_json(),
            };
            let event = new.seal(&prev_hash);
            prev_hash = event.hash.clone();
            events.push(event);
        }
        self.backend.append(expected_head, &events)?;
        Ok(events)
    }

    /// Recomputes the hash chain and reports the first event that does not match.
    pub fn verify(&mut self) -> Result<Verification, StoreError> {
        let events = self.backend.read_events(0)?;
        let mut prev_hash = GENESIS_HASH.to_string();
        for (expected_seq, event) in (1u64..).zip(events.iter()) {
            if event.seq != expected_seq {
                return Ok(Verification::Broken {
                    seq: event.seq,
                    reason: format!(
                        "expected event {expected_seq} here; an event is missing or was inserted"
                    ),
                });
            }
            if event.prev_hash != prev_hash {
                return Ok(Verification::Broken {
                    seq: event.seq,
                    reason: "its link to the previous event does not match that event's hash"
                        .to_string(),
                });
            }
            let recomputed = event_hash(
                &prev_hash,
                event.seq,
                event.recorded_at,
                &event.actor,
                &event.reason,
                &event.payload,
            );
            if recomputed != event.hash {
                return Ok(Verification::Broken {
                    seq: event.seq,
                    reason:
                        "its content does not match its hash (it was changed after it was written)"
                            .to_string(),
                });
            }
            prev_hash = event.hash.clone();
        }
        Ok(Verification::Intact {
            events: events.len() as u64,
        })
    }
}

/// Whether `SAMVIRKE_FAILPOINT` names `name`. Failpoints exist only in builds with debug
/// assertions (the dev and test profiles the test suite runs): a release binary has none, so no
/// environment variable can make it stop or wait.
fn failpoint_named(name: &str) -> bool {
    cfg!(debug_assertions) && std::env::var("SAMVIRKE_FAILPOINT").is_ok_and(|v| v == name)
}

/// Sleeps `SAMVIRKE_FAILPOINT_MS` (default 1000) at a named point when `SAMVIRKE_FAILPOINT` names it:
/// lets the tests race two writers that read the same state. Inert otherwise, and in release builds.
pub(crate) fn failpoint_pause(name: &str) {
    if failpoint_named(name) {
        let ms = std::env::var("SAMVIRKE_FAILPOINT_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Aborts the process at a named point when `SAMVIRKE_FAILPOINT` names it. Used by the crash tests
/// to kill a write in the middle of its transaction; inert otherwise, and in release builds.
pub(crate) fn failpoint(name: &str) {
    if failpoint_named(name) {
        eprintln!("samvirke: failpoint {name} reached; aborting as asked by SAMVIRKE_FAILPOINT");
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept projection whose last hash the journal does not continue (another database behind
    /// the store, or one restored from a backup) is thrown away and the journal replayed.
    #[test]
    fn a_kept_projection_of_another_journal_is_replayed_not_patched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.db").to_string_lossy().to_string();
        let mut store = Store::open(&path).unwrap();
        let doc = samvirke_core::format::parse_file(
            "d.toml",
            include_str!("../../../examples/cooperations/dragoer-taarnby.toml"),
        )
        .unwrap()
        .doc;
        let changes = Store::diff(&Projection::default(), &doc.cooperation.id, &doc.to_facts());
        store
            .commit(0, "test", "one", changes, Timestamp::from_micros(1))
            .unwrap();
        let real = store.projection(None).unwrap();
        // The kept projection claims an earlier head of another journal, with a stray fact.
        let mut stray = real.clone();
        stray.head = 1;
        std::sync::Arc::make_mut(&mut stray.facts).insert(
            "stray".to_string(),
            real.facts.values().next().unwrap().clone(),
        );
        store.latest = Some((stray, "another journal".to_string()));
        let again = store.projection(None).unwrap();
        assert!(!again.facts.contains_key("stray"));
        assert_eq!(again.facts.len(), real.facts.len());
        assert_eq!(again.head, real.head);
    }
}
