//! `samvirke db`: verify the journal, list its events, write the projection's checkpoint.

use std::io::Write as _;

use clap::Subcommand;
use samvirke_store::{CheckpointUse, Verification};

use super::{open_store, print_json};
use crate::cli_error::CliError;

/// `samvirke db` subcommands.
#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Recompute the hash chain of the journal and report the first broken event (exit 1).
    Verify,
    /// Write the projection's checkpoint now, from which servers and commands start instead of
    /// replaying every event (a server writes one by itself every 1,000 events); says whether the
    /// one there was used, or why not.
    Checkpoint,
    /// Show the journal's events: sequence, record time, actor, reason, change.
    Log {
        /// Print JSON (one object per event, with the full payload).
        #[arg(long)]
        json: bool,
        /// Only events whose fact key starts with this (e.g. dragoer-taarnby/delegation).
        #[arg(long, value_name = "PREFIX")]
        key: Option<String>,
    },
}

/// Runs the command.
pub fn run(db: &str, command: DbCommand) -> Result<(), CliError> {
    let mut store = open_store(db)?;
    match command {
        DbCommand::Verify => match store.verify()? {
            Verification::Intact { events } => {
                writeln!(
                    std::io::stdout().lock(),
                    "The journal in {} is intact: {events} events, every hash matches.",
                    store.location()
                )?;
                Ok(())
            }
            Verification::Broken { seq, reason } => Err(CliError::Broken(format!(
                "the journal in {} is broken at event {seq}: {reason}. Events before {seq} are intact. Restore the database from a backup taken before the change, or ask who changed it",
                store.location()
            ))),
        },
        DbCommand::Checkpoint => {
            let projection = store.projection(None)?;
            let mut out = std::io::stdout().lock();
            match store.checkpoint_use() {
                Some(CheckpointUse::Used { head, applied }) => writeln!(
                    out,
                    "The checkpoint at event {head} checks out ({applied} events after it were applied)."
                )?,
                Some(CheckpointUse::Refused { reason }) => writeln!(
                    out,
                    "The checkpoint there was not used: {reason}. Every event was replayed instead."
                )?,
                _ => writeln!(out, "There was no checkpoint yet.")?,
            }
            let written = store.write_checkpoint()?;
            writeln!(
                out,
                "The checkpoint in {} is at event {written} ({} facts).",
                store.location(),
                projection.facts.len()
            )?;
            Ok(())
        }
        DbCommand::Log { json, key } => {
            let events = store.events()?;
            let mut rows = Vec::new();
            for event in &events {
                let payload = event.payload().map_err(|message| {
                    CliError::Failure(format!("event {}: {message}", event.seq))
                })?;
                let fact_key = payload.change.key();
                if key.as_deref().is_some_and(|k| !fact_key.starts_with(k)) {
                    continue;
                }
                rows.push((event, payload, fact_key));
            }
            if json {
                let values: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|(e, p, _)| serde_json::json!({"seq": e.seq, "recorded_at": e.recorded_at, "actor": e.actor, "reason": e.reason, "change": p.change, "hash": e.hash, "prev_hash": e.prev_hash}))
                    .collect();
                return print_json(&values);
            }
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for (event, payload, fact_key) in &rows {
                let op = match &payload.change {
                    samvirke_store::Change::Put {
                        supersedes: None, ..
                    } => "put".to_string(),
                    samvirke_store::Change::Put {
                        supersedes: Some(s),
                        ..
                    } => format!("put (replaces {s})"),
                    samvirke_store::Change::Retract { supersedes, .. } => {
                        format!("retract (withdraws {supersedes})")
                    }
                };
                writeln!(
                    out,
                    "{:>6}  {}  {:<14} {op:<18} {fact_key}  — {}",
                    event.seq, event.recorded_at, event.actor, event.reason
                )?;
            }
            out.flush()?;
            Ok(())
        }
    }
}
