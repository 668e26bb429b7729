//! A uniquely named PostgreSQL database per test, dropped afterwards. Shared by the crates' tests
//! through `#[path]`.
//!
//! The server is the local one at 127.0.0.1:5432 (user postgres, trust auth), or the one named by
//! `SAMVIRKE_TEST_PG_ADMIN` (a URL to an existing database used to create and drop test databases).
//! If it cannot be reached, the test fails with a message that says how to start it: PostgreSQL
//! tests are never skipped silently.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn admin_url() -> String {
    std::env::var("SAMVIRKE_TEST_PG_ADMIN")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A test database; dropped (with its connections) when this value is dropped.
pub struct TestDatabase {
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates `samvirke_test_<pid>_<n>_<nanos>`.
    pub fn create() -> TestDatabase {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "samvirke_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            nanos
        );
        let admin = admin_url();
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap_or_else(|e| {
            panic!("PostgreSQL is not reachable at {admin}: {e}. Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or run ./scripts/test, which starts it")
        });
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(b, _)| b)
            .to_string();
        TestDatabase {
            url: format!("{base}/{name}"),
            name,
        }
    }

    /// The URL of the test database.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&admin_url(), postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
