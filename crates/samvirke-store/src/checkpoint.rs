//! The projection's checkpoint: the facts current at some event, written beside the journal so
//! that a server or command starts from it and applies only the events after it, instead of
//! replaying the journal from its first event.
//!
//! A checkpoint is never trusted on its word. It is used only when all of these hold, and
//! otherwise the projection is rebuilt from the events (and the reason is kept for the log,
//! [`Store::checkpoint_use`]):
//! - it was written in the format this build writes ([`CHECKPOINT_FORMAT`]);
//! - the journal reaches its event, and that event's hash in the journal is the hash the
//!   checkpoint was written at (so it belongs to this journal's hash chain, not to a journal
//!   restored from an older backup or another database);
//! - its digest matches its content (it was not changed or damaged since it was written);
//! - its content reads as facts, each recorded at or before its event.

use std::collections::BTreeMap;

use samvirke_core::Timestamp;
use samvirke_core::model::Fact;
use samvirke_core::registry::RecordedFact;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Projection, SqlValue, Store, StoreError};

/// The table, created with the journal (both backends take this SQL as it is). One row: the
/// newest checkpoint.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS projection_checkpoint (
    id BIGINT PRIMARY KEY,
    format BIGINT NOT NULL,
    head BIGINT NOT NULL,
    head_hash TEXT NOT NULL,
    digest TEXT NOT NULL,
    body TEXT NOT NULL
);
";

/// Schema version 6 over version 5: the checkpoint table and the index by subject
/// (`subjects`), created by the schema; a database upgraded to it has no checkpoint until the
/// first is written, and its subject rows are written when it is opened.
pub(crate) const MIGRATION_6: &str =
    "-- projection_checkpoint and journal_subject are created by the schema";

/// The format of the checkpoint's content this build writes and reads; a checkpoint in another
/// format is rebuilt.
pub const CHECKPOINT_FORMAT: i64 = 1;

/// A server writes a new checkpoint once the journal has moved this many events past the last
/// one (so start-up applies at most about this many events after reading it).
pub const CHECKPOINT_EVERY_EVENTS: u64 = 1_000;

/// Writes the checkpoint over an older one (several servers may write it at once: the newest
/// stays).
const UPSERT_NEWER: &str =
    "INSERT INTO projection_checkpoint (id, format, head, head_hash, digest, body)
    VALUES (1, $1, $2, $3, $4, $5)
    ON CONFLICT (id) DO UPDATE SET format = excluded.format, head = excluded.head,
        head_hash = excluded.head_hash, digest = excluded.digest, body = excluded.body
    WHERE projection_checkpoint.head < excluded.head";

/// Writes the checkpoint over one that does not check out, whatever event it claims.
const UPSERT_ANY: &str =
    "INSERT INTO projection_checkpoint (id, format, head, head_hash, digest, body)
    VALUES (1, $1, $2, $3, $4, $5)
    ON CONFLICT (id) DO UPDATE SET format = excluded.format, head = excluded.head,
        head_hash = excluded.head_hash, digest = excluded.digest, body = excluded.body";

/// How the projection was first built by this store: what start-up says in its log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckpointUse {
    /// There was no checkpoint: every event was replayed.
    Absent,
    /// The checkpoint at event `head` was used, and `applied` events after it.
    Used {
        /// The checkpoint's event.
        head: u64,
        /// Events applied after it.
        applied: u64,
    },
    /// The checkpoint was refused for `reason`, and every event was replayed.
    Refused {
        /// Why, for the log (English, like every store message).
        reason: String,
    },
}

/// One fact of a checkpoint's content.
#[derive(Serialize, Deserialize)]
struct Entry {
    seq: u64,
    recorded_at: i64,
    fact: Fact,
}

/// One fact of a checkpoint's content, as written (borrowed from the projection).
#[derive(Serialize)]
struct EntryRef<'p> {
    seq: u64,
    recorded_at: i64,
    fact: &'p Fact,
}

/// The digest of a checkpoint: SHA-256 over its format, event, hash and content.
fn digest(format: i64, head: u64, head_hash: &str, body: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [
        format.to_string().as_str(),
        head.to_string().as_str(),
        head_hash,
        body,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A checkpoint row as read.
struct Row {
    format: i64,
    head: u64,
    head_hash: String,
    digest: String,
    body: String,
}

impl Store {
    /// Reads the checkpoint, if there is one, and checks it against the journal (whose head is
    /// `journal_head`): the projection at its event and that event's hash, or why it cannot be
    /// used.
    pub(crate) fn read_checkpoint(
        &mut self,
        journal_head: u64,
    ) -> Result<Result<(Projection, String), CheckpointUse>, StoreError> {
        let Some(row) = self.checkpoint_row(true)? else {
            return Ok(Err(CheckpointUse::Absent));
        };
        let refused = |reason: String| Ok(Err(CheckpointUse::Refused { reason }));
        if row.format != CHECKPOINT_FORMAT {
            return refused(format!(
                "it is in format {}, this samvirke reads format {CHECKPOINT_FORMAT}",
                row.format
            ));
        }
        if row.head > journal_head {
            return refused(format!(
                "it is at event {} but the journal ends at event {journal_head} (was the journal restored from an older backup?)",
                row.head
            ));
        }
        if row.head > 0 {
            let in_journal = self.backend.read_event(row.head)?.map(|e| e.hash);
            if in_journal.as_deref() != Some(row.head_hash.as_str()) {
                return refused(format!(
                    "event {} in the journal does not have the hash the checkpoint was written at (the journal is not the one it was written from)",
                    row.head
                ));
            }
        }
        if digest(row.format, row.head, &row.head_hash, &row.body) != row.digest {
            return refused(
                "its digest does not match its content (it was changed or damaged after it was written)"
                    .to_string(),
            );
        }
        let entries: Vec<Entry> = match serde_json::from_str(&row.body) {
            Ok(entries) => entries,
            Err(e) => return refused(format!("its content cannot be read: {e}")),
        };
        let mut facts = BTreeMap::new();
        for entry in entries {
            if entry.seq == 0 || entry.seq > row.head {
                return refused(format!(
                    "it holds a fact recorded by event {}, which is not at or before its event {}",
                    entry.seq, row.head
                ));
            }
            facts.insert(
                entry.fact.key(),
                RecordedFact {
                    fact: entry.fact,
                    seq: entry.seq,
                    recorded_at: Timestamp::from_micros(entry.recorded_at),
                },
            );
        }
        Ok(Ok((
            Projection {
                facts: std::sync::Arc::new(facts),
                head: row.head,
            },
            row.head_hash,
        )))
    }

    /// The checkpoint row (without its content unless `with_body`), if there is one.
    fn checkpoint_row(&mut self, with_body: bool) -> Result<Option<Row>, StoreError> {
        let sql = if with_body {
            "SELECT format, head, head_hash, digest, body FROM projection_checkpoint WHERE id = 1"
        } else {
            "SELECT format, head, head_hash, digest, '' FROM projection_checkpoint WHERE id = 1"
        };
        let rows = self.backend.account_query(sql, &[])?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let location = self.location().to_string();
        let bad = |what: &str| StoreError::Database {
            location: location.clone(),
            message: format!("the projection checkpoint's {what} is not what this samvirke wrote"),
        };
        let mut values = row.into_iter();
        let mut int = |what: &str| match values.next() {
            Some(SqlValue::Int(n)) => Ok(n),
            _ => Err(bad(what)),
        };
        let format = int("format")?;
        let head = u64::try_from(int("event")?).map_err(|_| bad("event"))?;
        let mut text = |what: &str| match values.next() {
            Some(SqlValue::Text(t)) => Ok(t),
            _ => Err(bad(what)),
        };
        let head_hash = text("hash")?;
        let digest = text("digest")?;
        let body = text("content")?;
        Ok(Some(Row {
            format,
            head,
            head_hash,
            digest,
            body,
        }))
    }

    /// The event the checkpoint is at (`None` when there is none): one read of one small row.
    pub fn checkpoint_head(&mut self) -> Result<Option<u64>, StoreError> {
        Ok(self.checkpoint_row(false)?.map(|row| row.head))
    }

    /// How this store first built its projection of the present: from the checkpoint, or from
    /// every event and why (`None` before the first projection).
    pub fn checkpoint_use(&self) -> Option<&CheckpointUse> {
        self.checkpoint_use.as_ref()
    }

    /// Writes the projection at the journal's head as the checkpoint, unless one at the same or a
    /// later event that checks out is there already; returns the event the checkpoint is at.
    pub fn write_checkpoint(&mut self) -> Result<u64, StoreError> {
        // Written every CHECKPOINT_EVERY_EVENTS events: also when the planner's statistics
        // are looked at, so that they follow the journal's growth.
        self.backend.refresh_statistics()?;
        let projection = self.present()?;
        let Some((_, head_hash)) = self.latest.as_ref() else {
            return Ok(projection.head);
        };
        let head_hash = head_hash.clone();
        let entries: Vec<EntryRef<'_>> = projection
            .facts
            .values()
            .map(|recorded| EntryRef {
                seq: recorded.seq,
                recorded_at: recorded.recorded_at.micros(),
                fact: &recorded.fact,
            })
            .collect();
        let body = serde_json::to_string(&entries).map_err(|e| StoreError::Database {
            location: self.location().to_string(),
            message: format!("the projection checkpoint could not be written: {e}"),
        })?;
        let digest = digest(CHECKPOINT_FORMAT, projection.head, &head_hash, &body);
        // One at the same or a later event stays if it checks out (another server wrote it);
        // one that does not is replaced.
        let upsert = match self.checkpoint_head()? {
            Some(existing) if existing >= projection.head => {
                let journal_head = self.head()?;
                if self.read_checkpoint(journal_head)?.is_ok() {
                    return Ok(existing);
                }
                UPSERT_ANY
            }
            _ => UPSERT_NEWER,
        };
        self.backend.account_execute(
            upsert,
            &[
                SqlValue::Int(CHECKPOINT_FORMAT),
                SqlValue::Int(crate::as_seq(projection.head)),
                SqlValue::Text(head_hash),
                SqlValue::Text(digest),
                SqlValue::Text(body),
            ],
        )?;
        Ok(projection.head)
    }
}
