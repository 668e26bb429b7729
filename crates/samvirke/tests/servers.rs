//! Three `samvirke serve` processes on one PostgreSQL database (issue 16): a write through each is
//! read back through the other two as soon as it is committed (they learn of every commit by
//! `LISTEN`/`NOTIFY`, and look for one by themselves only every few seconds), concurrent writes
//! through all three lose nothing, and a server killed in the middle of a request leaves the
//! others working. And a server starts from the projection's checkpoint when it checks out, and
//! from every event (writing a new checkpoint) when it does not.

#[path = "../../../tests/support/pg.rs"]
mod pg;
#[path = "../../../tests/support/serve.rs"]
mod serve;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/cooperations");
const DOC: &str = "/api/v1/cooperations/dragoer-taarnby";

/// The longest a write may take to show through another server. Without the announcement a
/// server finds a new head only at its next look (every `LISTEN_FALLBACK_MS`, 5 s), so a read-back
/// under this bound shows that the announcement arrived.
const SHOWN_WITHIN: Duration = Duration::from_millis(1_000);

fn samvirke(db: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .args(args)
        .env("SAMVIRKE_DB", db)
        .env("SAMVIRKE_ACTOR", "test")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "samvirke {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(db: &str) -> Server {
        let (child, address) = serve::start(env!("CARGO_BIN_EXE_samvirke"), db);
        Server { child, address }
    }

    /// One request (HTTP/1.0: the server closes when done): status, `ETag` and body.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.0\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.address,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let etag = head
            .lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(k, _)| k.eq_ignore_ascii_case("etag"))
            })
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        (status, etag, body.to_string())
    }

    /// The cooperation's purpose as this server shows it.
    fn purpose(&self) -> String {
        let (status, _, body) = self.request("GET", DOC, &[], "");
        assert_eq!(status, 200, "{body}");
        let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        doc["cooperation"]["purpose"].as_str().unwrap().to_string()
    }

    /// Sets the purpose through this server, reading the document first and writing with its
    /// ETag: the status of the write (200; 412 when another write to it came between; 409 when
    /// the journal kept moving while it was tried again).
    fn set_purpose(&self, token: &str, purpose: &str) -> u16 {
        let auth = format!("Bearer {token}");
        let (status, etag, body) =
            self.request("GET", DOC, &[("Authorization", auth.as_str())], "");
        assert_eq!(status, 200, "{body}");
        let mut doc: serde_json::Value = serde_json::from_str(&body).unwrap();
        doc["cooperation"]["purpose"] = serde_json::json!(purpose);
        let write = serde_json::json!({"reason": purpose, "cooperation": doc}).to_string();
        let (status, _, body) = self.request(
            "PUT",
            DOC,
            &[
                ("Authorization", auth.as_str()),
                ("If-Match", etag.as_str()),
                ("Content-Type", "application/json"),
            ],
            &write,
        );
        assert!(matches!(status, 200 | 409 | 412), "{status}: {body}");
        status
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn three_servers_on_one_database_see_each_others_writes_at_once() {
    let database = pg::TestDatabase::create();
    let db = database.url().to_string();
    samvirke(&db, &["import", EXAMPLES]);
    samvirke(&db, &["user", "add", "drift@taarnby.dk", "--role", "admin"]);
    let token = samvirke(
        &db,
        &["user", "token", "drift@taarnby.dk", "--name", "test"],
    )
    .trim()
    .to_string();
    let servers: Vec<Server> = (0..3).map(|_| Server::start(&db)).collect();

    // A write through each, read back through the other two.
    let mut slowest = Duration::ZERO;
    for (i, writer) in servers.iter().enumerate() {
        let purpose = format!("Skrevet gennem server {i}");
        assert_eq!(writer.set_purpose(&token, &purpose), 200);
        assert_eq!(writer.purpose(), purpose, "the writer shows its own write");
        let written = Instant::now();
        for (j, reader) in servers.iter().enumerate().filter(|(j, _)| *j != i) {
            loop {
                if reader.purpose() == purpose {
                    break;
                }
                assert!(
                    written.elapsed() < SHOWN_WITHIN,
                    "server {j} did not show the write through server {i} within {SHOWN_WITHIN:?}"
                );
                std::thread::sleep(Duration::from_millis(2));
            }
            slowest = slowest.max(written.elapsed());
        }
    }
    eprintln!("slowest read-back through another server: {slowest:?}");

    // Five writes through each server at once: each is accepted or refused (another came first)
    // and then tried again on the new version; none is lost.
    let accepted: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = servers
            .iter()
            .enumerate()
            .map(|(i, server)| {
                let token = token.as_str();
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    for round in 0..5 {
                        let purpose = format!("Runde {round} gennem server {i}");
                        while server.set_purpose(token, &purpose) != 200 {}
                        mine.push(purpose);
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert_eq!(accepted.len(), 15);
    let log: serde_json::Value = serde_json::from_str(&samvirke(
        &db,
        &["db", "log", "--key", "dragoer-taarnby", "--json"],
    ))
    .unwrap();
    let reasons: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["reason"].as_str())
        .collect();
    for purpose in &accepted {
        assert_eq!(
            reasons.iter().filter(|r| *r == purpose).count(),
            1,
            "{purpose} is in the journal once: {reasons:?}"
        );
    }
    assert!(samvirke(&db, &["db", "verify"]).contains("intact"));
    let last = servers[0].purpose();
    for server in &servers[1..] {
        let since = Instant::now();
        while server.purpose() != last {
            assert!(
                since.elapsed() < SHOWN_WITHIN,
                "the servers agree on the last write"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    // Server 0 killed while a write to it is under way: the other two go on reading and writing.
    let mut servers = servers;
    let victim = servers.remove(0);
    let address = victim.address.clone();
    let half = std::thread::spawn(move || {
        if let Ok(mut stream) = TcpStream::connect(&address) {
            let _ = stream.write_all(
                format!("PUT {DOC} HTTP/1.0\r\nHost: {address}\r\nContent-Length: 100000\r\n\r\n{{\"reason\"")
                    .as_bytes(),
            );
            let mut rest = Vec::new();
            let _ = stream.read_to_end(&mut rest);
        }
    });
    std::thread::sleep(Duration::from_millis(50));
    drop(victim);
    half.join().unwrap();
    let purpose = "Skrevet efter at server 0 blev stoppet";
    assert_eq!(servers[0].set_purpose(&token, purpose), 200);
    let since = Instant::now();
    while servers[1].purpose() != purpose {
        assert!(
            since.elapsed() < SHOWN_WITHIN,
            "server 2 shows the write through server 1"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(samvirke(&db, &["db", "verify"]).contains("intact"));
}

/// Runs `statement` on the database behind samvirke's back.
fn raw(db: &str, statement: &str) {
    if db.starts_with("postgres://") {
        postgres::Client::connect(db, postgres::NoTls)
            .unwrap()
            .batch_execute(statement)
            .unwrap();
    } else {
        rusqlite::Connection::open(db)
            .unwrap()
            .execute_batch(statement)
            .unwrap();
    }
}

/// `samvirke db checkpoint`, a damaged checkpoint, and a server started on it: the damage is
/// found, said in the log, every event replayed, the same registry served, and a new checkpoint
/// written that the next start uses.
#[test]
fn a_server_starts_from_the_checkpoint_and_never_from_a_damaged_one() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("journal.db").to_string_lossy().to_string();
    let database = pg::TestDatabase::create();
    for db in [sqlite.as_str(), database.url()] {
        samvirke(db, &["import", EXAMPLES]);
        let first = samvirke(db, &["db", "checkpoint"]);
        assert!(first.contains("There was no checkpoint yet."), "{first}");
        assert!(first.contains("is at event"), "{first}");
        let again = samvirke(db, &["db", "checkpoint"]);
        assert!(again.contains("checks out (0 events after it"), "{again}");

        raw(
            db,
            "UPDATE projection_checkpoint SET body = replace(body, 'Tårnby', 'Taarnby')",
        );
        let (child, address, log) = serve::start_logged(env!("CARGO_BIN_EXE_samvirke"), db, "info");
        let server = Server { child, address };
        let said = log.lock().unwrap().join("\n");
        assert!(said.contains("was not used"), "{said}");
        assert!(said.contains("digest does not match"), "{said}");
        let (status, _, body) = server.request("GET", "/api/v1/export", &[], "");
        assert_eq!(status, 200, "{body}");
        assert!(
            body.contains("Tårnby") && !body.contains("Taarnby"),
            "{body}"
        );
        drop(server);

        // The server wrote a new one at start, which checks out.
        let after = samvirke(db, &["db", "checkpoint"]);
        assert!(after.contains("checks out"), "{after}");
        let (child, address, log) = serve::start_logged(env!("CARGO_BIN_EXE_samvirke"), db, "info");
        let server = Server { child, address };
        let said = log.lock().unwrap().join("\n");
        assert!(
            said.contains("registry loaded from the checkpoint"),
            "{said}"
        );
        drop(server);
    }
}
