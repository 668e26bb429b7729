//! Journal events and their hash chain.

use samvirke_core::Timestamp;
use samvirke_core::model::Fact;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change to the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// A fact is new, or replaces the version recorded by event `supersedes`.
    Put {
        /// The fact.
        fact: Box<Fact>,
        /// The event whose version of this fact this one replaces (a revision or correction).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        supersedes: Option<u64>,
    },
    /// A fact is withdrawn from the current state (its history stays in the journal).
    Retract {
        /// The fact's key.
        key: String,
        /// The event that recorded the version withdrawn.
        supersedes: u64,
    },
}

impl Change {
    /// The change as anyone may read it: a role put without its person's name unless the name is
    /// public ([`Fact::for_public`]).
    pub fn for_public(&self) -> std::borrow::Cow<'_, Change> {
        match self {
            Change::Put { fact, supersedes } => match fact.for_public() {
                std::borrow::Cow::Borrowed(_) => std::borrow::Cow::Borrowed(self),
                std::borrow::Cow::Owned(public) => std::borrow::Cow::Owned(Change::Put {
                    fact: Box::new(public),
                    supersedes: *supersedes,
                }),
            },
            Change::Retract { .. } => std::borrow::Cow::Borrowed(self),
        }
    }

    /// The key of the fact changed.
    pub fn key(&self) -> String {
        match self {
            Change::Put { fact, .. } => fact.key(),
            Change::Retract { key, .. } => key.clone(),
        }
    }
}

/// The payload stored with an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    /// The change.
    #[serde(flatten)]
    pub change: Change,
}

impl Payload {
    /// The canonical JSON text (what is stored and hashed).
    pub fn to_json(&self) -> String {
        // Serialising plain data to a String cannot fail; fall back to an explicit marker rather
        // than panic if serde ever reports an error.
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(
                "{{\"op\":\"unserialisable\",\"error\":{:?}}}",
                e.to_string()
            )
        })
    }
}

/// An event as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Sequence number, 1, 2, 3, … without gaps.
    pub seq: u64,
    /// Record time.
    pub recorded_at: Timestamp,
    /// Who made the change.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// The change as JSON.
    pub payload: String,
    /// The previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

impl Event {
    /// The payload, parsed.
    pub fn payload(&self) -> Result<Payload, String> {
        serde_json::from_str(&self.payload).map_err(|e| e.to_string())
    }
}

/// An event before it is chained.
#[derive(Clone, Debug)]
pub struct NewEvent {
    /// Sequence number.
    pub seq: u64,
    /// Record time.
    pub recorded_at: Timestamp,
    /// Who.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// The change as JSON.
    pub payload: String,
}

impl NewEvent {
    /// Chains the event to the previous hash.
    pub fn seal(self, prev_hash: &str) -> Event {
        let hash = event_hash(
            prev_hash,
            self.seq,
            self.recorded_at,
            &self.actor,
            &self.reason,
            &self.payload,
        );
        Event {
            seq: self.seq,
            recorded_at: self.recorded_at,
            actor: self.actor,
            reason: self.reason,
            payload: self.payload,
            prev_hash: prev_hash.to_string(),
            hash,
        }
    }
}

/// SHA-256 over the previous hash and every field of the event, each length-prefixed so that no
/// two different events hash the same input.
pub fn event_hash(
    prev_hash: &str,
    seq: u64,
    recorded_at: Timestamp,
    actor: &str,
    reason: &str,
    payload: &str,
) -> String {
    let mut hasher = Sha256::new();
    let recorded = recorded_at.to_string();
    let seq_text = seq.to_string();
    for part in [
        prev_hash,
        seq_text.as_str(),
        recorded.as_str(),
        actor,
        reason,
        payload,
    ] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
