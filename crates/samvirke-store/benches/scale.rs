//! The journal at national scale (issue 16): writes a synthetic journal of `--events` events to
//! `--db` (a SQLite path or a PostgreSQL URL), then measures in this process what grows with it
//! and what must not, each against its reference in the same run:
//!
//! - the journal's size, and how fast it was written;
//! - start-up: open, read the projection's checkpoint and the events after it, build the
//!   registry; reference: the same with every event replayed from the first;
//! - one more write (a revised cooperation, about five events) and the projection applied after
//!   it; reference: the same write with the projection rebuilt from every event;
//! - the state as known at a random moment, read by index; reference: replayed through the
//!   same event.
//!
//! The journal: every DK, SE and NO municipality in about 3,200 synthetic cooperations (the
//! shared synthetic registry, `samvirke-core/benches/synthetic`), as many imported as the event
//! budget allows at a quarter of it, then revisions of four cooperations per commit (each
//! revision changes the note of the cooperation, its service and its delegations) until the
//! budget is spent, recorded over ten years. `--write-paths DIR` writes the request paths the
//! HTTP half of the benchmark (`bench/scale/run`) sends.
//!
//!   cargo bench -p samvirke-store --bench scale -- --db FILE|URL --events N [--write-paths DIR]

#[path = "../../samvirke-core/benches/synthetic/mod.rs"]
#[allow(dead_code)] // the settling helpers
mod synthetic;

use std::collections::HashMap;
use std::time::Instant;

use samvirke_core::Timestamp;
use samvirke_core::model::{CooperationDoc, Fact};
use samvirke_store::{Change, Store};
use synthetic::{Rng, synthetic};

/// 2015-01-01T00:00:00Z: the first event's record time.
const FIRST_RECORDED: i64 = 1_420_070_400_000_000;
/// Ten years, in microseconds: the span the events are recorded over.
const SPAN: i64 = 10 * 365 * 86_400_000_000;
/// 2024-01-01, in days since 1970: the first day `who` is asked about.
const FIRST_DAY_ASKED: i32 = 19_723;
/// Cooperations revised per commit.
const REVISED_PER_COMMIT: usize = 4;
/// Moments sampled for the state as known then (and for its reference, the first few).
const KNOWN_SAMPLES: usize = 40;
const KNOWN_REFERENCE_SAMPLES: usize = 5;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// The p50 and p99 of `samples` (milliseconds).
fn percentiles(samples: &mut [f64]) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// The doc revised for the `n`th time: a new note on the cooperation, its services and its
/// delegations.
fn revised(doc: &CooperationDoc, n: u64) -> CooperationDoc {
    let mut doc = doc.clone();
    let note = Some(format!("Revision {n}"));
    doc.cooperation.note = note.clone();
    for service in &mut doc.services {
        service.note = note.clone();
    }
    for delegation in &mut doc.delegations {
        delegation.note = note.clone();
    }
    doc
}

/// Writes the journal; returns the cooperations and how many events each fact key's last put is.
fn write_journal(store: &mut Store, events: u64) -> Vec<CooperationDoc> {
    let mut rng = Rng(0x5EED_2026);
    let (all, _) = synthetic(&mut rng);
    let facts_per_doc = all.iter().map(|d| d.to_facts().len()).sum::<usize>() / all.len();
    let imported = ((events / 4) as usize / facts_per_doc.max(1)).clamp(1, all.len());
    let docs: Vec<CooperationDoc> = all.into_iter().take(imported).collect();
    let mut last_put: HashMap<String, u64> = HashMap::new();
    let mut head = 0u64;
    let at =
        |seq: u64| Timestamp::from_micros(FIRST_RECORDED + (SPAN / events as i64) * seq as i64);
    let mut commit = |store: &mut Store, facts: Vec<Fact>, reason: &str, head: &mut u64| {
        let changes: Vec<Change> = facts
            .into_iter()
            .map(|fact| {
                let supersedes = last_put.get(&fact.key()).copied();
                Change::Put {
                    fact: Box::new(fact),
                    supersedes,
                }
            })
            .collect();
        let written = store
            .commit(*head, "scale-bench", reason, changes, at(*head + 1))
            .unwrap_or_else(|e| panic!("{e}"));
        for event in &written {
            let key = event.payload().map(|p| p.change.key()).unwrap_or_default();
            last_put.insert(key, event.seq);
        }
        *head = written.last().map_or(*head, |e| e.seq);
    };
    for doc in &docs {
        commit(store, doc.to_facts(), "import", &mut head);
    }
    let mut revision = 0u64;
    while head < events {
        let mut facts = Vec::new();
        for _ in 0..REVISED_PER_COMMIT {
            revision += 1;
            let doc = &docs[rng.below(docs.len() as u64) as usize];
            facts.extend(revised(doc, revision).to_facts());
        }
        facts.truncate((events - head) as usize);
        commit(store, facts, "revision", &mut head);
    }
    docs
}

fn main() {
    let (Some(db), Some(events)) = (arg("--db"), arg("--events")) else {
        eprintln!("usage: scale --db FILE|URL --events N [--write-paths DIR]");
        std::process::exit(2);
    };
    let events: u64 = events.parse().unwrap_or_else(|e| panic!("--events: {e}"));
    let mut store = Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let docs = write_journal(&mut store, events);
    let took = started.elapsed().as_secs_f64();
    println!(
        "journal: {events} events, {} cooperations, written in {took:.1} s ({:.0} events/s)",
        docs.len(),
        events as f64 / took
    );

    let started = Instant::now();
    let checkpoint = store.write_checkpoint().unwrap_or_else(|e| panic!("{e}"));
    println!(
        "checkpoint at event {checkpoint} written in {:.0} ms",
        ms(started)
    );

    // Start-up: a new store reads the checkpoint; the reference replays every event.
    let started = Instant::now();
    let mut fresh = Store::open(&db).unwrap_or_else(|e| panic!("{e}"));
    let projection = fresh.projection(None).unwrap_or_else(|e| panic!("{e}"));
    let registry = projection.registry();
    let from_checkpoint = ms(started);
    assert!(
        matches!(
            fresh.checkpoint_use(),
            Some(samvirke_store::CheckpointUse::Used { .. })
        ),
        "{:?}",
        fresh.checkpoint_use()
    );
    let facts = projection.facts.len();
    let started = Instant::now();
    let replayed = fresh
        .replay_through(events)
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = replayed.registry();
    let from_events = ms(started);
    assert_eq!(
        replayed.facts.len(),
        facts,
        "the replay and the checkpoint differ"
    );
    println!(
        "start-up (open, projection, registry of {facts} facts, {} cooperations): from the checkpoint {from_checkpoint:.0} ms; reference, every event replayed: {from_events:.0} ms",
        registry.cooperations().len()
    );
    drop((replayed, registry));

    // One more write, then the projection of the present: applied to the kept one; reference,
    // rebuilt from every event.
    let mut writes = Vec::new();
    for n in 0..5u64 {
        let kept = fresh.projection(None).unwrap_or_else(|e| panic!("{e}"));
        let doc = &docs[(n as usize * 7) % docs.len()];
        let changes = Store::diff(
            &kept,
            &doc.cooperation.id,
            &revised(doc, 1_000_000 + n).to_facts(),
        );
        let started = Instant::now();
        let now = Timestamp::from_micros(FIRST_RECORDED + SPAN + n as i64);
        fresh
            .commit(kept.head, "scale-bench", "one more", changes, now)
            .unwrap_or_else(|e| panic!("{e}"));
        let projection = fresh.projection(None).unwrap_or_else(|e| panic!("{e}"));
        let _ = projection.registry();
        writes.push(ms(started));
    }
    let head = fresh.head().unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let _ = fresh
        .replay_through(head)
        .unwrap_or_else(|e| panic!("{e}"))
        .registry();
    let rebuilt = ms(started);
    let (write_p50, _) = percentiles(&mut writes);
    println!(
        "one write (a revised cooperation) to the new projection and registry: p50 {write_p50:.1} ms, max {:.1} ms of 5; reference, rebuilt from every event: {rebuilt:.0} ms",
        writes.last().copied().unwrap_or(0.0)
    );

    // The state as known at random moments: by index; reference, replayed.
    let mut rng = Rng(0xA50F_2026);
    let mut by_index = Vec::new();
    let mut by_replay = Vec::new();
    for n in 0..KNOWN_SAMPLES {
        let seq = 1 + rng.below(head);
        let started = Instant::now();
        let indexed = fresh
            .projection_through(seq)
            .unwrap_or_else(|e| panic!("{e}"));
        by_index.push(ms(started));
        if n < KNOWN_REFERENCE_SAMPLES {
            let started = Instant::now();
            let replayed = fresh.replay_through(seq).unwrap_or_else(|e| panic!("{e}"));
            by_replay.push(ms(started));
            assert_eq!(indexed.facts.len(), replayed.facts.len(), "event {seq}");
        }
    }
    let (index_p50, index_p99) = percentiles(&mut by_index);
    let (replay_p50, _) = percentiles(&mut by_replay);
    println!(
        "state as known at a random moment (all facts): by index p50 {index_p50:.0} ms, p99 {index_p99:.0} ms of {KNOWN_SAMPLES}; reference, replayed: p50 {replay_p50:.0} ms of {KNOWN_REFERENCE_SAMPLES}"
    );

    if let Some(dir) = arg("--write-paths") {
        write_paths(&dir, &docs, head);
    }
}

/// The request paths `bench/scale/run` sends: `who.txt` (who performs a service for a member,
/// on a random day), `known.txt` (the same, as known at a random moment of the ten years),
/// `history.txt` (a cooperation's history page) and `cooperation.txt` (one id, for writes).
fn write_paths(dir: &str, docs: &[CooperationDoc], head: u64) {
    let mut rng = Rng(0xBEEF_2026);
    let mut who = String::new();
    let mut known = String::new();
    let mut history = String::new();
    for _ in 0..2_000 {
        let doc = &docs[rng.below(docs.len() as u64) as usize];
        let Some(delegation) = doc.delegations.first() else {
            continue;
        };
        let member = delegation.for_municipalities
            [rng.below(delegation.for_municipalities.len() as u64) as usize];
        // A day of 2024–2026, when every municipality of the synthetic registry exists.
        let day = synthetic::d(FIRST_DAY_ASKED + rng.below(3 * 365) as i32);
        let query = format!(
            "/api/v1/who?municipality={member}&service={}&on={day}",
            delegation.service
        );
        // A moment after the imports (the first quarter of the events): every service is known.
        let moment = Timestamp::from_micros(
            FIRST_RECORDED
                + ((head / 4 + rng.below(head - head / 4)) as i64) * (SPAN / head.max(1) as i64),
        );
        who.push_str(&query);
        who.push('\n');
        known.push_str(&format!("{query}&as_known_on={moment}\n"));
        history.push_str(&format!("/cooperations/{}/history\n", doc.cooperation.id));
    }
    let write = |name: &str, text: &str| {
        std::fs::write(format!("{dir}/{name}"), text).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    write("who.txt", &who);
    write("known.txt", &known);
    write("history.txt", &history);
    write("cooperation.txt", docs[0].cooperation.id.as_str());
}
