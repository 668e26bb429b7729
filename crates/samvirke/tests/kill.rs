//! `kill -9` at a random moment of 100 imports and 100 case registrations, on SQLite and on
//! PostgreSQL: afterwards the journal's hash chain is intact (`db verify`), and every operation is
//! wholly there or wholly absent, counted.
//!
//! An import that changes two facts writes two events in one transaction: after a kill the
//! journal has grown by both or by neither. A case registration writes the case and its log line
//! in one transaction: after a kill both are there or neither.

#[path = "../../../tests/support/pg.rs"]
mod pg;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/cooperations");
const TRIES: usize = 100;

fn samvirke(db: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("SAMVIRKE_ACTOR", "test")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(db: &str, dir: &Path, args: &[&str]) -> String {
    let out = samvirke(db, dir, args);
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts `samvirke ARGS` and kills it with SIGKILL after `delay` (if it is still running):
/// whether it finished on its own.
fn run_and_kill(db: &str, dir: &Path, args: &[&str], delay: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("SAMVIRKE_ACTOR", "test")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let finished = child.try_wait().unwrap().is_some();
    if !finished {
        child.kill().unwrap();
    }
    child.wait().unwrap();
    finished
}

/// A small deterministic sequence of delays (no clock or seed needed to repeat a failure).
fn delays(max_ms: u64) -> impl Iterator<Item = Duration> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    std::iter::from_fn(move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        Some(Duration::from_micros((state >> 33) % (max_ms * 1000)))
    })
}

fn events(db: &str, dir: &Path) -> usize {
    let log: serde_json::Value =
        serde_json::from_str(&ok(db, dir, &["db", "log", "--json"])).unwrap();
    log.as_array().unwrap().len()
}

fn verify(db: &str, dir: &Path) {
    let out = ok(db, dir, &["db", "verify"]);
    assert!(
        out.contains("intact") || out.contains("Intact") || out.contains("ok"),
        "{out}"
    );
}

/// (present, absent) after killing `TRIES` imports that each toggle two facts of a cooperation.
fn imports(db: &str, dir: &Path) -> (usize, usize) {
    ok(db, dir, &["import", EXAMPLES]);
    let original = std::fs::read_to_string(format!("{EXAMPLES}/ishoej-vallensbaek.toml")).unwrap();
    let edited = original
        .replace("approx_count = 35", "approx_count = 34")
        .replace("approx_count = 60", "approx_count = 61");
    assert_ne!(original, edited);
    let files = [dir.join("a.toml"), dir.join("b.toml")];
    std::fs::write(&files[0], &original).unwrap();
    std::fs::write(&files[1], &edited).unwrap();
    // Each import switches the file: two changed facts, two events in one transaction.
    let mut current = 0;
    let (mut present, mut absent) = (0, 0);
    for (round, delay) in delays(120).take(TRIES).enumerate() {
        let before = events(db, dir);
        let next = 1 - current;
        let path = files[next].to_string_lossy().into_owned();
        run_and_kill(
            db,
            dir,
            &["import", &path, "--reason", &format!("round {round}")],
            delay,
        );
        verify(db, dir);
        match events(db, dir) - before {
            0 => absent += 1,
            2 => {
                present += 1;
                current = next;
            }
            n => panic!("round {round}: {n} of 2 events written"),
        }
    }
    (present, absent)
}

/// (present, absent) after killing `TRIES` case registrations.
fn registrations(db: &str, dir: &Path) -> (usize, usize) {
    let cases = || -> usize {
        let out = ok(db, dir, &["cases", "list", "--json"]);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["cases"]
            .as_array()
            .map_or(0, Vec::len)
    };
    // One line per log entry; "The register log is empty." when there is none.
    let log = || -> usize {
        ok(db, dir, &["cases", "log"])
            .lines()
            .filter(|l| l.contains(" case "))
            .count()
    };
    let (mut present, mut absent) = (0, 0);
    for (round, delay) in delays(80).take(TRIES).enumerate() {
        let (cases_before, log_before) = (cases(), log());
        let reference = format!("SAG-KILL-{round}");
        run_and_kill(
            db,
            dir,
            &[
                "cases",
                "add",
                "--kind",
                "complaint",
                "--service",
                "genoptraening-sel86",
                "--municipality",
                "DK-0155",
                "--decided",
                "2026-01-05",
                "--received",
                "2026-01-10",
                "--reference",
                &reference,
            ],
            delay,
        );
        match (cases() - cases_before, log() - log_before) {
            (0, 0) => absent += 1,
            (1, 1) => present += 1,
            other => panic!("round {round}: case and log line apart: {other:?}"),
        }
    }
    (present, absent)
}

fn both_kinds(db: &str, dir: &Path, backend: &str) {
    let (present, absent) = imports(db, dir);
    println!(
        "{backend}: {TRIES} imports killed at random: {present} wholly there, {absent} wholly absent"
    );
    assert_eq!(present + absent, TRIES);
    let (present, absent) = registrations(db, dir);
    println!(
        "{backend}: {TRIES} case registrations killed at random: {present} wholly there, {absent} wholly absent"
    );
    assert_eq!(present + absent, TRIES);
    verify(db, dir);
}

#[test]
fn killed_writes_on_sqlite_are_wholly_there_or_wholly_absent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kill.db").to_string_lossy().into_owned();
    both_kinds(&db, dir.path(), "SQLite");
}

#[test]
fn killed_writes_on_postgresql_are_wholly_there_or_wholly_absent() {
    let dir = tempfile::tempdir().unwrap();
    let database = pg::TestDatabase::create();
    both_kinds(database.url(), dir.path(), "PostgreSQL");
}
