//! `samvirke serve` on a free loopback port, for the tests that run the binary: the process and
//! the address it says it serves (shared by the crates' tests via `#[path]`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// Starts `samvirke serve` (the binary at `bin`) on `db`; returns it with its `host:port`. Its log
/// is read on a thread of its own, so that it never blocks on a full pipe.
pub fn start(bin: &str, db: &str) -> (Child, String) {
    let (child, address, _) = start_logged(bin, db, "warn");
    (child, address)
}

/// The same, logging at `level`; also returns the log's lines so far (filled as they come).
pub fn start_logged(bin: &str, db: &str, level: &str) -> (Child, String, Arc<Mutex<Vec<String>>>) {
    let mut child = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SAMVIRKE_DB", db)
        .env("SAMVIRKE_LOG", level)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log = Arc::new(Mutex::new(Vec::new()));
    let address = loop {
        let line = lines
            .next()
            .expect("the server says where it serves")
            .unwrap();
        log.lock().unwrap().push(line.clone());
        if let Some(rest) = line.split("serving http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    let rest = log.clone();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            rest.lock().unwrap().push(line);
        }
    });
    (child, address, log)
}
