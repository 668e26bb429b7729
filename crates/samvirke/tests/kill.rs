//! `kill -9` at a random moment of 100 imports, 100 staff form saves and 100 case
//! registrations, on SQLite and on PostgreSQL: afterwards the journal's hash chain is intact
//! (`db verify`), and every operation is wholly there or wholly absent, counted.
//!
//! An import that changes two facts writes two events in one transaction: after a kill the
//! journal has grown by both or by neither. A case registration writes the case and its log line
//! in one transaction: after a kill both are there or neither. A form save is a staff member's
//! POST of the details form to a running `samvirke serve`, killed while it saves: the event is
//! there with the purpose of that round, or the journal has not moved.

#[path = "../../../tests/support/forms.rs"]
mod forms;
#[path = "../../../tests/support/pg.rs"]
mod pg;

use std::io::{BufRead as _, Read as _, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
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

/// The span the kills are drawn from: a little longer than one whole operation (`took`), so
/// that some finish and most are cut somewhere inside.
fn span_of(took: Duration) -> u64 {
    (took.as_millis() as u64 * 5 / 4).max(10)
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
    // The kills fall anywhere within the time an import takes (measured: importing the file the
    // journal already has reads and checks everything and writes nothing).
    let started = std::time::Instant::now();
    ok(db, dir, &["import", &files[0].to_string_lossy()]);
    let span = span_of(started.elapsed());
    // Each import switches the file: two changed facts, two events in one transaction.
    let mut current = 0;
    let (mut present, mut absent) = (0, 0);
    for (round, delay) in delays(span).take(TRIES).enumerate() {
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
    let add = |reference: &str| -> Vec<String> {
        [
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
            reference,
        ]
        .map(str::to_string)
        .to_vec()
    };
    // The kills fall anywhere within the time a registration takes, measured on one.
    let started = std::time::Instant::now();
    let args = add("SAG-KILL-MEASURED");
    ok(
        db,
        dir,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let span = span_of(started.elapsed());
    let (mut present, mut absent) = (0, 0);
    for (round, delay) in delays(span).take(TRIES).enumerate() {
        let (cases_before, log_before) = (cases(), log());
        let reference = format!("SAG-KILL-{round}");
        let args = add(&reference);
        run_and_kill(
            db,
            dir,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
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

/// `samvirke serve` on the database, started and waited for: the child and its address.
fn serve(db: &str, dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .args(["--db", db, "serve", "--listen", "127.0.0.1:0"])
        .env("SAMVIRKE_LOG", "warn,samvirke_web=info")
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines
            .next()
            .unwrap_or_else(|| panic!("the server stopped before it listened"))
            .unwrap();
        if let Some(at) = line.find("http://127.0.0.1:") {
            let rest = &line[at + "http://".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ':'))
                .unwrap_or(rest.len());
            break rest[..end].to_string();
        }
    };
    // The rest of its log is read and dropped, so that the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, address)
}

/// One HTTP/1.1 request on its own connection: the status, the headers and the body.
fn http(
    address: &str,
    method: &str,
    path: &str,
    cookie: &str,
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut stream = send(address, method, path, cookie, body);
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// Sends a request and returns the open connection, without waiting for the answer.
fn send(address: &str, method: &str, path: &str, cookie: &str, body: &str) -> std::net::TcpStream {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    stream
}

/// The cookies a response sets, as a `Cookie` header.
fn cookies(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .filter_map(|(_, v)| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The purpose of ishoej-vallensbaek as the journal has it now.
fn purpose(db: &str, dir: &Path) -> String {
    let file: toml::Value =
        toml::from_str(&ok(db, dir, &["export", "ishoej-vallensbaek"])).unwrap();
    file["cooperation"]["purpose"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// (present, absent) after killing the server during `TRIES` saves of the details form, each
/// with a new purpose.
fn form_saves(db: &str, dir: &Path) -> (usize, usize) {
    const PASSWORD: &str = "a long pass phrase for the kill test";
    let mut add = Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .args([
            "--db",
            db,
            "user",
            "add",
            "eva@ishoej.dk",
            "--role",
            "editor",
        ])
        .args(["--scope", "ishoej-vallensbaek", "--password-stdin"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(add.wait().unwrap().success());
    // Signed in once: the session is in the database and outlives every server.
    let (mut server, address) = serve(db, dir);
    let (_, headers, page) = http(&address, "GET", "/staff/login", "", "");
    let login = forms::body(&[
        ("csrf", &forms::hidden(&page, "csrf")),
        ("next", "/staff"),
        ("email", "eva@ishoej.dk"),
        ("password", PASSWORD),
    ]);
    let (status, headers, _) = http(&address, "POST", "/staff/login", &cookies(&headers), &login);
    assert_eq!(status, 303, "the login");
    let session = cookies(&headers);
    assert!(session.contains("samvirke_session="), "{session}");
    server.kill().unwrap();
    server.wait().unwrap();
    let path = "/staff/cooperations/ishoej-vallensbaek/details";
    let (mut present, mut absent) = (0, 0);
    for (round, delay) in delays(60).take(TRIES).enumerate() {
        let before = (events(db, dir), purpose(db, dir));
        let (mut server, address) = serve(db, dir);
        let (status, _, form) = http(&address, "GET", path, &session, "");
        assert_eq!(status, 200, "round {round}: {form}");
        let wanted = format!("Genoptræning og rehabilitering, runde {round}");
        let values: Vec<(String, String)> = forms::form_values(&form)
            .into_iter()
            .map(|(k, v)| match k.as_str() {
                "purpose" => (k, wanted.clone()),
                "reason" => (k, format!("kill test round {round}")),
                _ => (k, v),
            })
            .collect();
        let fields: Vec<(&str, &str)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let _connection = send(&address, "POST", path, &session, &forms::body(&fields));
        std::thread::sleep(delay);
        server.kill().unwrap();
        server.wait().unwrap();
        verify(db, dir);
        let after = (events(db, dir), purpose(db, dir));
        if after == before {
            absent += 1;
        } else if after.0 == before.0 + 1 && after.1 == wanted {
            present += 1;
        } else {
            panic!("round {round}: {before:?} became {after:?}");
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
    assert!(present > 0 && absent > 0, "the kills missed the imports");
    let (present, absent) = form_saves(db, dir);
    println!(
        "{backend}: {TRIES} form saves killed at random: {present} wholly there, {absent} wholly absent"
    );
    assert_eq!(present + absent, TRIES);
    assert!(present > 0 && absent > 0, "the kills missed the saves");
    let (present, absent) = registrations(db, dir);
    println!(
        "{backend}: {TRIES} case registrations killed at random: {present} wholly there, {absent} wholly absent"
    );
    assert_eq!(present + absent, TRIES);
    assert!(
        present > 0 && absent > 0,
        "the kills missed the registrations"
    );
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
