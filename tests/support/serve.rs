//! `samvirke serve` on a free loopback port, for the tests that run the binary: the process and
//! the address it says it serves (shared by the crates' tests via `#[path]`).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `samvirke serve` (the binary at `bin`) on `db`; returns it with its `host:port`. Its log
/// is read on a thread of its own, so that it never blocks on a full pipe.
pub fn start(bin: &str, db: &str) -> (Child, String) {
    let mut child = Command::new(bin)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("SAMVIRKE_DB", db)
        .env("SAMVIRKE_LOG", "warn")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server says where it serves")
            .unwrap();
        if let Some(rest) = line.split("serving http://").nth(1) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}
