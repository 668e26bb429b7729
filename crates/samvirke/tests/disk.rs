//! A full disk during an import: the import fails with a clear error that says what to do, the
//! journal is as before (nothing half-written, `db verify` passes), and once there is space again
//! the same import goes through.
//!
//! The disk is a small tmpfs mounted for the test (it needs root, as the test suite runs; a test
//! that cannot mount it fails and says why).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/cooperations");

/// A tmpfs of `kib` KiB at a fresh directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(kib: u32) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "mounting a {kib} KiB tmpfs for the full-disk test failed (it needs root, as ./scripts/test runs): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).output();
    }
}

fn samvirke(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_samvirke"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("SAMVIRKE_ACTOR", "test")
        .output()
        .unwrap()
}

fn events(db: &Path) -> usize {
    let out = samvirke(db, &["db", "log", "--json"]);
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn an_import_onto_a_full_disk_fails_clearly_and_writes_nothing() {
    let disk = SmallDisk::mount(2048);
    let db = disk.path().join("journal.db");
    let first = samvirke(
        &db,
        &["import", &format!("{EXAMPLES}/dragoer-taarnby.toml")],
    );
    assert!(first.status.success(), "{first:?}");
    let before = events(&db);
    // A reader keeps the database open (as a running server does), so the write-ahead log's
    // shared memory exists and the import fails while writing its transaction, not on opening.
    let reader = rusqlite::Connection::open(&db).unwrap();
    let _: i64 = reader
        .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))
        .unwrap();
    // Fill the disk to the last block.
    let filler = disk.path().join("filler");
    {
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while file.write_all(&block).is_ok() {}
        let _ = file.sync_all();
    }
    let refused = samvirke(&db, &["import", EXAMPLES]);
    let message = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert!(
        !refused.status.success(),
        "the import cannot succeed on a full disk"
    );
    assert!(
        message.contains("the disk is full")
            && message.contains("nothing was written")
            && message.contains("free space"),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    let count: i64 = reader
        .query_row("SELECT COUNT(*) FROM journal", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count as usize, before, "nothing half-written");
    drop(reader);
    // The journal is as it was and its chain intact.
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(events(&db), before, "nothing half-written");
    let verified = samvirke(&db, &["db", "verify"]);
    assert!(
        String::from_utf8_lossy(&verified.stdout).contains("is intact"),
        "{verified:?}"
    );
    // With space again, the same import goes through.
    let again = samvirke(&db, &["import", EXAMPLES]);
    assert!(again.status.success(), "{again:?}");
    assert!(events(&db) > before);
}
