//! Two writers that read the same journal head race to append, on SQLite and on PostgreSQL. A
//! failpoint holds each writer after `Store::commit` has checked the head and before the backend
//! appends, so both pass that first check and only the check inside the backend's transaction
//! can stop the second: exactly one must win and the other get a conflict, every time.

#[path = "../../../tests/support/pg.rs"]
mod pg;

use std::process::Command;
use std::sync::{Arc, Barrier};

use samvirke_core::Timestamp;
use samvirke_core::format::parse_file;
use samvirke_store::{Change, Store, StoreError};

const DRAGOER: &str = include_str!("../../../examples/cooperations/dragoer-taarnby.toml");
const TRIES: usize = 100;
const TEST: &str = "two_writers_from_the_same_head_one_wins_every_time";

fn change() -> Change {
    let fact = parse_file("dragoer-taarnby.toml", DRAGOER)
        .unwrap()
        .doc
        .to_facts()
        .remove(0);
    Change::Put {
        fact: Box::new(fact),
        supersedes: None,
    }
}

/// Races two stores on `location` `TRIES` times; returns (wins, conflicts).
fn race(location: &str) -> (usize, usize) {
    let mut stores = [
        Store::open(location).unwrap(),
        Store::open(location).unwrap(),
    ];
    let (mut wins, mut conflicts) = (0, 0);
    for round in 0..TRIES {
        let head = stores[0].head().unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let results: Vec<Result<_, StoreError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = stores
                .iter_mut()
                .enumerate()
                .map(|(writer, store)| {
                    let barrier = barrier.clone();
                    scope.spawn(move || {
                        barrier.wait();
                        let now = Timestamp::from_micros(1_700_000_000_000_000 + round as i64);
                        store.commit(
                            head,
                            &format!("writer {writer}"),
                            "race",
                            vec![change()],
                            now,
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for result in results {
            match result {
                Ok(events) => {
                    assert_eq!(events.len(), 1);
                    wins += 1;
                }
                Err(StoreError::Conflict { expected, actual }) => {
                    assert_eq!((expected, actual), (head, head + 1), "round {round}");
                    conflicts += 1;
                }
                Err(other) => panic!("round {round}: expected a conflict, got {other}"),
            }
        }
        assert_eq!(
            stores[1].head().unwrap(),
            head + 1,
            "round {round}: one event"
        );
    }
    assert!(matches!(
        stores[0].verify().unwrap(),
        samvirke_store::Verification::Intact { events } if events == TRIES as u64
    ));
    (wins, conflicts)
}

#[test]
fn two_writers_from_the_same_head_one_wins_every_time() {
    // The failpoint is read from the environment: run this test again in a child process that
    // has it, so that no other test in this process pauses.
    if std::env::var("SAMVIRKE_FAILPOINT").is_err() {
        let out = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", TEST, "--nocapture", "--test-threads=1"])
            .env("SAMVIRKE_FAILPOINT", "pause-after-head-check")
            .env("SAMVIRKE_FAILPOINT_MS", "30")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        for backend in ["SQLite", "PostgreSQL"] {
            let line = format!("{backend}: {TRIES} races, {TRIES} won, {TRIES} conflicts");
            assert!(stdout.contains(&line), "{line} not in:\n{stdout}");
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db").to_string_lossy().to_string();
    let (wins, conflicts) = race(&path);
    println!("SQLite: {TRIES} races, {wins} won, {conflicts} conflicts");
    let database = pg::TestDatabase::create();
    let (wins, conflicts) = race(database.url());
    println!("PostgreSQL: {TRIES} races, {wins} won, {conflicts} conflicts");
}
