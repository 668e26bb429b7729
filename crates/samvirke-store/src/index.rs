//! The journal's index by cooperation: one row per event naming the cooperation, the fact key,
//! who may see it and the version (commit) it belongs to. It is written in the same transaction
//! as the events, so a cooperation's history, a page of its versions and its state at any event
//! are read by index, at a cost that grows with that cooperation's own history, never with the
//! journal's length. A database that lacks rows (written before schema version 3) gets them when
//! it is opened ([`crate::Store::open`]).

use std::collections::BTreeMap;

use samvirke_core::model::Fact;
use samvirke_core::registry::RecordedFact;
use samvirke_core::{CooperationId, Timestamp};

use crate::{Change, Event, SqlValue, Store, StoreError};

/// The table, created with the journal (both backends take this SQL as it is).
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS journal_fact (
    seq BIGINT PRIMARY KEY,
    cooperation TEXT NOT NULL,
    fact_key TEXT NOT NULL,
    class TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_fact_version ON journal_fact (cooperation, version, seq);
CREATE INDEX IF NOT EXISTS journal_fact_key ON journal_fact (cooperation, fact_key, seq);
CREATE INDEX IF NOT EXISTS journal_fact_class ON journal_fact (class, seq);
CREATE INDEX IF NOT EXISTS journal_recorded ON journal (recorded_at, seq);
CREATE TABLE IF NOT EXISTS journal_version (
    cooperation TEXT NOT NULL,
    version BIGINT NOT NULL,
    public_n BIGINT,
    members_n BIGINT,
    PRIMARY KEY (cooperation, version)
);
CREATE UNIQUE INDEX IF NOT EXISTS journal_version_public ON journal_version (cooperation, public_n);
CREATE UNIQUE INDEX IF NOT EXISTS journal_version_members ON journal_version (cooperation, members_n);
";

/// Schema version 3 over version 2: the index above, created by [`SCHEMA`] and filled on open.
pub(crate) const MIGRATION_3: &str =
    "-- journal_fact is created by the schema and filled when the database is opened";

/// Schema version 5 over version 4: the versions of each cooperation numbered in order
/// (`journal_version`), created by [`SCHEMA`] and filled when the database is opened, so that a
/// history page is read by its numbers instead of counting every version before it.
pub(crate) const MIGRATION_5: &str =
    "-- journal_version is created by the schema and filled when the database is opened";

/// The statement that writes one row (`$1`-style parameters, as both backends take them).
pub(crate) const INSERT: &str = "INSERT INTO journal_fact (seq, cooperation, fact_key, class, version) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING";

/// The statement that numbers one version of one cooperation (`$1` cooperation, `$2` version,
/// `$3` 1 when it holds a public event, `$4` 1 when it holds a public or settlement event): each
/// number is one more than the cooperation's last, read by index in the appending transaction.
pub(crate) const VERSION_INSERT: &str = "INSERT INTO journal_version (cooperation, version, public_n, members_n)
    SELECT CAST($1 AS TEXT), CAST($2 AS BIGINT),
        CASE WHEN CAST($3 AS BIGINT) = 1 THEN COALESCE((SELECT MAX(public_n) FROM journal_version WHERE cooperation = CAST($1 AS TEXT)), 0) + 1 END,
        CASE WHEN CAST($4 AS BIGINT) = 1 THEN COALESCE((SELECT MAX(members_n) FROM journal_version WHERE cooperation = CAST($1 AS TEXT)), 0) + 1 END
    ON CONFLICT (cooperation, version) DO NOTHING";

/// Numbers every version of every cooperation from the index rows, for a database whose
/// numbers are missing or behind (run after deleting them, in one transaction).
const VERSION_REBUILD: &str = "INSERT INTO journal_version (cooperation, version, public_n, members_n)
    SELECT cooperation, version,
        CASE WHEN has_public = 1 THEN SUM(has_public) OVER (PARTITION BY cooperation ORDER BY version) END,
        CASE WHEN has_members = 1 THEN SUM(has_members) OVER (PARTITION BY cooperation ORDER BY version) END
    FROM (SELECT cooperation, version,
            MAX(CASE WHEN class = 'public' THEN 1 ELSE 0 END) AS has_public,
            MAX(CASE WHEN class IN ('public', 'settlement') THEN 1 ELSE 0 END) AS has_members
          FROM journal_fact GROUP BY cooperation, version) v";

/// Rows written per transaction when an older database is brought up to date.
const FILL_BATCH_ROWS: usize = 5_000;

/// The largest number of events one history read returns (a page of versions whose commits
/// together hold more ends there).
pub const EVENTS_PER_READ_MAX: u64 = 10_000;

/// Who may see an event of a cooperation's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Anyone.
    Public,
    /// Settlement runs and e-invoices: hidden when the cooperation shows them to members only.
    Settlement,
    /// Disputes: never in a public history.
    Private,
}

impl Class {
    fn of_key(key: &str) -> Class {
        if Fact::is_private_key(key) {
            Class::Private
        } else if Fact::is_settlement_key(key) {
            Class::Settlement
        } else {
            Class::Public
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Class::Public => "public",
            Class::Settlement => "settlement",
            Class::Private => "private",
        }
    }
}

/// Which events of a cooperation a history shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    /// Settlement runs and e-invoices too (not when the cooperation keeps them for members).
    pub settlements: bool,
}

impl Shown {
    /// The SQL condition on `journal_fact f`, with its one parameter at `$n`.
    fn condition(n: usize) -> String {
        format!("(f.class = 'public' OR (f.class = 'settlement' AND CAST(${n} AS BIGINT) = 1))")
    }

    fn param(self) -> SqlValue {
        SqlValue::Int(i64::from(self.settlements))
    }

    /// The column of `journal_version` that numbers the versions this history shows.
    fn number_column(self) -> &'static str {
        if self.settlements {
            "members_n"
        } else {
            "public_n"
        }
    }
}

/// The index row of `event`: its cooperation, fact key and class.
pub(crate) fn row_of(event: &Event) -> Result<(String, String, &'static str), String> {
    let key = event.payload()?.change.key();
    let cooperation = key.split('/').next().unwrap_or_default().to_string();
    let class = Class::of_key(&key).as_str();
    Ok((cooperation, key, class))
}

/// The parameters of [`INSERT`]: seq, cooperation, fact key, class, version.
pub(crate) type Row = (i64, String, String, &'static str, i64);

/// The rows of the events of one commit (their version is the first's seq).
pub(crate) fn rows_of(location: &str, events: &[Event]) -> Result<Vec<Row>, StoreError> {
    let version = events.first().map_or(0, |e| e.seq as i64);
    events
        .iter()
        .map(|event| {
            let (cooperation, key, class) =
                row_of(event).map_err(|message| StoreError::BadPayload {
                    location: location.to_string(),
                    seq: event.seq,
                    message,
                })?;
            Ok((event.seq as i64, cooperation, key, class, version))
        })
        .collect()
}

/// The parameters of [`VERSION_INSERT`] for the index rows of one commit: per cooperation, its
/// version and whether the commit holds a public event and a public or settlement one.
pub(crate) fn version_rows(rows: &[Row]) -> Vec<(String, i64, i64, i64)> {
    let mut out: Vec<(String, i64, i64, i64)> = Vec::new();
    for (_, cooperation, _, class, version) in rows {
        let public = i64::from(*class == Class::Public.as_str());
        let members = i64::from(*class != Class::Private.as_str());
        match out
            .iter_mut()
            .find(|(c, v, _, _)| c == cooperation && v == version)
        {
            Some((_, _, p, m)) => {
                *p = (*p).max(public);
                *m = (*m).max(members);
            }
            None => out.push((cooperation.clone(), *version, public, members)),
        }
    }
    out
}

/// A sequence number, count or offset as a parameter (beyond `i64::MAX` is `i64::MAX`).
fn number(n: u64) -> SqlValue {
    SqlValue::Int(n.min(i64::MAX as u64) as i64)
}

/// The parameters `$1`–`$4` of a read of a cooperation's events after `after` through `through`.
fn range_params(
    cooperation: &CooperationId,
    shown: Shown,
    after: u64,
    through: u64,
) -> Vec<SqlValue> {
    vec![
        SqlValue::Text(cooperation.to_string()),
        shown.param(),
        number(after),
        number(through),
    ]
}

/// The columns of the journal, in the order [`event_of_row`] reads them.
const EVENT_COLUMNS: &str =
    "j.seq, j.recorded_at, j.actor, j.reason, j.payload, j.prev_hash, j.hash";

pub(crate) fn int(location: &str, value: Option<&SqlValue>) -> Result<i64, StoreError> {
    match value {
        Some(SqlValue::Int(n)) => Ok(*n),
        Some(SqlValue::Null) => Ok(0),
        other => Err(StoreError::Database {
            location: location.to_string(),
            message: format!("expected a number from the journal index, got {other:?}"),
        }),
    }
}

fn text(location: &str, value: Option<&SqlValue>) -> Result<String, StoreError> {
    match value {
        Some(SqlValue::Text(t)) => Ok(t.clone()),
        other => Err(StoreError::Database {
            location: location.to_string(),
            message: format!("expected text from the journal, got {other:?}"),
        }),
    }
}

fn event_of_row(location: &str, row: &[SqlValue]) -> Result<Event, StoreError> {
    let recorded = text(location, row.get(1))?;
    Ok(Event {
        seq: int(location, row.first())? as u64,
        recorded_at: Timestamp::parse(&recorded).map_err(|e| StoreError::Database {
            location: location.to_string(),
            message: format!("bad recorded_at {recorded:?}: {e}"),
        })?,
        actor: text(location, row.get(2))?,
        reason: text(location, row.get(3))?,
        payload: text(location, row.get(4))?,
        prev_hash: text(location, row.get(5))?,
        hash: text(location, row.get(6))?,
    })
}

impl Store {
    fn index_events(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Event>, StoreError> {
        let location = self.location().to_string();
        self.backend
            .account_query(sql, params)?
            .iter()
            .map(|row| event_of_row(&location, row))
            .collect()
    }

    fn index_count(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64, StoreError> {
        let location = self.location().to_string();
        let rows = self.backend.account_query(sql, params)?;
        Ok(int(&location, rows.first().and_then(|r| r.first()))?.max(0) as u64)
    }

    /// Writes the index rows of events the index does not have yet (a database written before
    /// schema version 3). Consecutive events with one record time, actor and reason are one
    /// version, as [`Store::commit`] writes them.
    pub(crate) fn fill_index(&mut self) -> Result<(), StoreError> {
        let indexed = self.index_count("SELECT MAX(seq) FROM journal_fact", &[])?;
        if indexed < self.head()? {
            self.fill_facts(indexed)?;
        }
        // The versions are numbered in the transaction that writes their rows, and renumbered
        // all at once, so the numbers are complete when the last version has one: two reads by
        // key, not a scan of either table.
        let last = self.backend.account_query(
            "SELECT cooperation, version FROM journal_fact ORDER BY seq DESC LIMIT 1",
            &[],
        )?;
        let unnumbered = match last.first().map(Vec::as_slice) {
            Some([cooperation, version]) => self
                .backend
                .account_query(
                    "SELECT 1 FROM journal_version WHERE cooperation = $1 AND version = $2",
                    &[cooperation.clone(), version.clone()],
                )?
                .is_empty(),
            _ => false,
        };
        if unnumbered {
            self.backend.account_batch(&[
                ("DELETE FROM journal_version", Vec::new()),
                (VERSION_REBUILD, Vec::new()),
            ])?;
        }
        Ok(())
    }

    /// Writes the index rows of the events after `indexed`.
    fn fill_facts(&mut self, indexed: u64) -> Result<(), StoreError> {
        let location = self.location().to_string();
        let events = self.backend.read_events(indexed)?;
        let mut commits: Vec<&[Event]> = Vec::new();
        let mut start = 0;
        for i in 1..=events.len() {
            let same = match (events.get(i - 1), events.get(i)) {
                (Some(a), Some(b)) => {
                    a.recorded_at == b.recorded_at && a.actor == b.actor && a.reason == b.reason
                }
                _ => false,
            };
            if !same {
                commits.extend(events.get(start..i));
                start = i;
            }
        }
        let mut statements = Vec::new();
        for commit in commits {
            for (seq, cooperation, key, class, version) in rows_of(&location, commit)? {
                statements.push((
                    INSERT,
                    vec![
                        SqlValue::Int(seq),
                        SqlValue::Text(cooperation),
                        SqlValue::Text(key),
                        SqlValue::Text(class.to_string()),
                        SqlValue::Int(version),
                    ],
                ));
            }
        }
        for batch in statements.chunks(FILL_BATCH_ROWS) {
            self.backend.account_batch(batch)?;
        }
        Ok(())
    }

    /// How many versions (commits) of `cooperation` a history shows: the last one's number, read
    /// by index.
    pub fn version_count(
        &mut self,
        cooperation: &CooperationId,
        shown: Shown,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "SELECT MAX({0}) FROM journal_version WHERE cooperation = $1",
            shown.number_column()
        );
        self.index_count(&sql, &[SqlValue::Text(cooperation.to_string())])
    }

    /// How many versions `cooperation`'s history shows, and the events of the versions
    /// `offset..offset + limit` of them, counted from the newest, oldest first (at most
    /// [`EVENTS_PER_READ_MAX`]). The page is counted from that count, so the two agree.
    pub fn version_page(
        &mut self,
        cooperation: &CooperationId,
        shown: Shown,
        offset: u64,
        limit: u64,
    ) -> Result<(u64, Vec<Event>), StoreError> {
        // The versions numbered (count - offset - limit, count - offset]: read by their numbers,
        // so a page far back costs what a page at the front does.
        let count = self.version_count(cooperation, shown)?;
        let newest = count.saturating_sub(offset);
        let oldest = newest.saturating_sub(limit);
        let condition = Shown::condition(2);
        let column = shown.number_column();
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM journal_fact f JOIN journal j ON j.seq = f.seq
             WHERE f.cooperation = $1 AND {condition} AND f.version IN (
                 SELECT v.version FROM journal_version v
                 WHERE v.cooperation = $1 AND v.{column} > $3 AND v.{column} <= $4)
             ORDER BY f.seq LIMIT $5"
        );
        let events = self.index_events(
            &sql,
            &[
                SqlValue::Text(cooperation.to_string()),
                shown.param(),
                number(oldest),
                number(newest),
                SqlValue::Int(EVENTS_PER_READ_MAX as i64),
            ],
        )?;
        Ok((count, events))
    }

    /// How many events of `cooperation` a history shows.
    pub fn event_count(
        &mut self,
        cooperation: &CooperationId,
        shown: Shown,
    ) -> Result<u64, StoreError> {
        self.event_count_between(cooperation, shown, (0, u64::MAX))
    }

    /// How many events of `cooperation` a history shows after event `after` and through `through`.
    pub fn event_count_between(
        &mut self,
        cooperation: &CooperationId,
        shown: Shown,
        (after, through): (u64, u64),
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "SELECT COUNT(*) FROM journal_fact f WHERE f.cooperation = $1 AND {} AND f.seq > $3 AND f.seq <= $4",
            Shown::condition(2)
        );
        self.index_count(&sql, &range_params(cooperation, shown, after, through))
    }

    /// The events of `cooperation` after event `after` and through event `through`, oldest
    /// first, skipping `offset` and returning at most `limit` (capped at
    /// [`EVENTS_PER_READ_MAX`]).
    pub fn cooperation_events(
        &mut self,
        cooperation: &CooperationId,
        shown: Shown,
        (after, through): (u64, u64),
        offset: u64,
        limit: u64,
    ) -> Result<Vec<Event>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM journal_fact f JOIN journal j ON j.seq = f.seq
             WHERE f.cooperation = $1 AND {} AND f.seq > $3 AND f.seq <= $4 AND j.seq > $3 AND j.seq <= $4
             ORDER BY f.seq LIMIT $5 OFFSET $6",
            Shown::condition(2)
        );
        let mut params = range_params(cooperation, shown, after, through);
        params.extend([number(limit.min(EVENTS_PER_READ_MAX)), number(offset)]);
        self.index_events(&sql, &params)
    }

    /// The events of `cooperation` after event `after` that changed one of `keys`, oldest
    /// first, at most [`EVENTS_PER_READ_MAX`]: who else changed the facts a form changes. Read
    /// by the `(cooperation, fact_key, seq)` index, whatever the journal's length.
    pub fn key_events_after(
        &mut self,
        cooperation: &CooperationId,
        keys: &[String],
        after: u64,
    ) -> Result<Vec<Event>, StoreError> {
        let mut out = Vec::new();
        for chunk in keys.chunks(500) {
            let placeholders: Vec<String> = (3..chunk.len() + 3).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT {EVENT_COLUMNS} FROM journal_fact f JOIN journal j ON j.seq = f.seq
                 WHERE f.cooperation = $1 AND f.seq > $2 AND j.seq > $2 AND f.fact_key IN ({})
                 ORDER BY f.seq LIMIT {EVENTS_PER_READ_MAX}",
                placeholders.join(", ")
            );
            let mut params = vec![SqlValue::Text(cooperation.to_string()), number(after)];
            params.extend(chunk.iter().map(|k| SqlValue::Text(k.clone())));
            out.extend(self.index_events(&sql, &params)?);
        }
        out.sort_by_key(|e| e.seq);
        out.dedup_by_key(|e| e.seq);
        out.truncate(EVENTS_PER_READ_MAX as usize);
        Ok(out)
    }

    /// The events anyone may read (class `public`: no settlement run, e-invoice or dispute) after
    /// event `after`, oldest first, at most `limit` (capped at [`EVENTS_PER_READ_MAX`]): the
    /// public change feed. One range read of the `(class, seq)` index, whatever the journal's
    /// length. The bound is stated on both tables (PostgreSQL carries an equality across a join,
    /// not a range): else a merge join could read the journal from its first event up to `after`
    /// for every page, and the feed slowed as it went (9,460 items/s over a million events).
    pub fn public_events_after(
        &mut self,
        after: u64,
        limit: u64,
    ) -> Result<Vec<Event>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM journal_fact f JOIN journal j ON j.seq = f.seq
             WHERE f.class = 'public' AND f.seq > $1 AND j.seq > $1
             ORDER BY f.seq LIMIT $2"
        );
        self.index_events(
            &sql,
            &[number(after), number(limit.min(EVENTS_PER_READ_MAX))],
        )
    }

    /// The last event of `cooperation` a history shows at or before event `seq`, if any.
    pub fn last_event_through(
        &mut self,
        cooperation: &CooperationId,
        shown: Shown,
        seq: u64,
    ) -> Result<Option<Event>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM journal_fact f JOIN journal j ON j.seq = f.seq
             WHERE f.cooperation = $1 AND {} AND f.seq <= $3 AND j.seq <= $3
             ORDER BY f.seq DESC LIMIT 1",
            Shown::condition(2)
        );
        Ok(self
            .index_events(
                &sql,
                &[
                    SqlValue::Text(cooperation.to_string()),
                    shown.param(),
                    number(seq),
                ],
            )?
            .into_iter()
            .next())
    }

    /// The events with these sequence numbers (those that exist), in order.
    pub fn events_by_seq(&mut self, seqs: &[u64]) -> Result<Vec<Event>, StoreError> {
        let mut out = Vec::with_capacity(seqs.len());
        for chunk in seqs.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "SELECT {EVENT_COLUMNS} FROM journal j WHERE j.seq IN ({}) ORDER BY j.seq",
                placeholders.join(", ")
            );
            let params: Vec<SqlValue> = chunk.iter().map(|s| number(*s)).collect();
            out.extend(self.index_events(&sql, &params)?);
        }
        Ok(out)
    }

    /// The facts of `cooperation` right after event `seq` (every class), by key: for each key
    /// the last event through `seq`, unless that withdrew it. Read by index, whatever the
    /// journal's length.
    pub fn cooperation_state_through(
        &mut self,
        cooperation: &CooperationId,
        seq: u64,
    ) -> Result<BTreeMap<String, RecordedFact>, StoreError> {
        self.cooperations_state_through(&[cooperation.as_str()], seq)
    }

    /// The facts of several cooperations (named by their text ids) right after event `seq`, as
    /// [`Store::cooperation_state_through`] gives one, in one query per 500 of them (a round
    /// trip to the database per cooperation is what an answer as known then cost). The query
    /// walks the `(cooperation, fact_key, seq)` index a key at a time: each cooperation's keys
    /// (one probe per key, from the smallest up), then for each key its last event through
    /// `seq` (one probe); so it reads a few index entries per fact, however many times the facts
    /// were revised, where grouping every event of the cooperations through `seq` read all of
    /// them (and, on PostgreSQL, a table row for each: 219 rows for three cooperations at 100 k
    /// events, ten times as many at 1 M).
    pub(crate) fn cooperations_state_through(
        &mut self,
        cooperations: &[&str],
        seq: u64,
    ) -> Result<BTreeMap<String, RecordedFact>, StoreError> {
        let mut facts = BTreeMap::new();
        for chunk in cooperations.chunks(500) {
            let values: Vec<String> = (2..chunk.len() + 2).map(|n| format!("(${n})")).collect();
            let sql = format!(
                "WITH RECURSIVE keys (cooperation, fact_key) AS (
                     SELECT c.column1, (SELECT MIN(f.fact_key) FROM journal_fact f
                                        WHERE f.cooperation = c.column1)
                     FROM (VALUES {}) c
                   UNION ALL
                     SELECT k.cooperation, (SELECT MIN(f.fact_key) FROM journal_fact f
                                            WHERE f.cooperation = k.cooperation AND f.fact_key > k.fact_key)
                     FROM keys k WHERE k.fact_key IS NOT NULL)
                 SELECT {EVENT_COLUMNS} FROM keys k JOIN journal j ON j.seq = (
                     SELECT MAX(f.seq) FROM journal_fact f
                     WHERE f.cooperation = k.cooperation AND f.fact_key = k.fact_key AND f.seq <= $1)
                 WHERE k.fact_key IS NOT NULL
                 ORDER BY j.seq",
                values.join(", ")
            );
            let mut params = vec![number(seq)];
            params.extend(chunk.iter().map(|c| SqlValue::Text(c.to_string())));
            facts.extend(self.state_of(&sql, &params)?);
        }
        Ok(facts)
    }

    /// The facts of every cooperation right after event `seq`, by key, read the same way: for
    /// each key the last event through `seq` from the index over record order, and only those
    /// events parsed (no event is replayed, and no superseded version is read).
    pub(crate) fn state_through(
        &mut self,
        seq: u64,
    ) -> Result<BTreeMap<String, RecordedFact>, StoreError> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM journal j WHERE j.seq IN (
                 SELECT MAX(f.seq) FROM journal_fact f WHERE f.seq <= $1
                 GROUP BY f.cooperation, f.fact_key)
             ORDER BY j.seq"
        );
        self.state_of(&sql, &[number(seq)])
    }

    /// The facts the events `sql` reads put (a retraction withdraws its key), by key.
    fn state_of(
        &mut self,
        sql: &str,
        params: &[SqlValue],
    ) -> Result<BTreeMap<String, RecordedFact>, StoreError> {
        let events = self.index_events(sql, params)?;
        let location = self.location().to_string();
        let mut facts = BTreeMap::new();
        for event in events {
            let payload = event.payload().map_err(|message| StoreError::BadPayload {
                location: location.clone(),
                seq: event.seq,
                message,
            })?;
            if let Change::Put { fact, .. } = payload.change {
                facts.insert(
                    fact.key(),
                    RecordedFact {
                        fact: *fact,
                        seq: event.seq,
                        recorded_at: event.recorded_at,
                    },
                );
            }
        }
        Ok(facts)
    }
}
