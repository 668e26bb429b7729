//! The journal on real SQLite and PostgreSQL databases: the same tests against both.

#[path = "../../../tests/support/pg.rs"]
mod pg;

use samvirke_core::format::parse_file;
use samvirke_core::model::Fact;
use samvirke_core::{CooperationId, Timestamp};
use samvirke_store::{Change, Store, StoreError, Verification};

const DRAGOER: &str = include_str!("../../../examples/cooperations/dragoer-taarnby.toml");

fn facts() -> Vec<Fact> {
    parse_file("dragoer-taarnby.toml", DRAGOER)
        .unwrap()
        .doc
        .to_facts()
}

fn coop() -> CooperationId {
    CooperationId::parse("dragoer-taarnby").unwrap()
}

fn t(micros: i64) -> Timestamp {
    Timestamp::from_micros(1_700_000_000_000_000 + micros)
}

/// Runs `check` against a fresh SQLite file and a fresh PostgreSQL database.
fn on_both(check: impl Fn(&dyn Fn() -> Store)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db").to_string_lossy().to_string();
    check(&|| Store::open(&path).unwrap());
    let database = pg::TestDatabase::create();
    let url = database.url().to_string();
    check(&|| Store::open(&url).unwrap());
}

#[test]
fn import_is_idempotent_and_edits_record_only_the_change() {
    on_both(|open| {
        let mut store = open();
        let projection = store.projection(None).unwrap();
        let changes = Store::diff(&projection, &coop(), &facts());
        assert_eq!(changes.len(), facts().len());
        let written = store
            .commit(projection.head, "test", "first import", changes, t(0))
            .unwrap();
        assert_eq!(written.len(), facts().len());

        let projection = store.projection(None).unwrap();
        assert!(
            Store::diff(&projection, &coop(), &facts()).is_empty(),
            "same facts again: no changes"
        );

        let mut edited = facts();
        edited.retain(|f| !f.key().contains("/payment/8/"));
        let changes = Store::diff(&projection, &coop(), &edited);
        assert!(
            matches!(changes.as_slice(), [Change::Retract { .. }]),
            "{changes:?}"
        );
        store
            .commit(
                projection.head,
                "test",
                "payment agreement 8 withdrawn",
                changes,
                t(1),
            )
            .unwrap();
        assert_eq!(store.head().unwrap(), facts().len() as u64 + 1);
        assert_eq!(
            store.verify().unwrap(),
            Verification::Intact {
                events: facts().len() as u64 + 1
            }
        );
    });
}

#[test]
fn second_writer_from_the_same_state_gets_a_conflict_and_nothing_is_lost() {
    on_both(|open| {
        let mut first = open();
        let mut second = open();
        let seen_by_first = first.projection(None).unwrap();
        let seen_by_second = second.projection(None).unwrap();
        first
            .commit(
                seen_by_first.head,
                "first",
                "first writer",
                Store::diff(&seen_by_first, &coop(), &facts()),
                t(0),
            )
            .unwrap();
        let err = second
            .commit(
                seen_by_second.head,
                "second",
                "second writer",
                Store::diff(&seen_by_second, &coop(), &facts()),
                t(1),
            )
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { expected: 0, actual } if actual == facts().len() as u64),
            "{err:?}"
        );
        assert!(err.to_string().contains("nothing was written"), "{err}");
        let mut check = open();
        assert_eq!(check.head().unwrap(), facts().len() as u64);
        assert!(check.events().unwrap().iter().all(|e| e.actor == "first"));
    });
}

#[test]
fn as_known_on_sees_only_what_was_recorded_by_then() {
    on_both(|open| {
        let mut store = open();
        let mut before_take_back = facts();
        before_take_back.retain(|f| !matches!(f, Fact::TakeBack { .. }));
        let p = store.projection(None).unwrap();
        store
            .commit(
                p.head,
                "test",
                "initial",
                Store::diff(&p, &coop(), &before_take_back),
                t(0),
            )
            .unwrap();
        let p = store.projection(None).unwrap();
        store
            .commit(
                p.head,
                "test",
                "take-back recorded",
                Store::diff(&p, &coop(), &facts()),
                t(1_000),
            )
            .unwrap();
        let then = store.projection(Some(t(500))).unwrap();
        assert!(!then.facts.keys().any(|k| k.contains("take-back")));
        let now = store.projection(None).unwrap();
        assert!(now.facts.keys().any(|k| k.contains("take-back")));
        // The head as known at a time, found by binary search, is the head of that projection
        // at every moment: before the first event, at each, between and after.
        for micros in [-1, 0, 1, 500, 999, 1_000, 1_001, 9_999_999] {
            let known = store.seq_known_on(t(micros)).unwrap();
            assert_eq!(
                known,
                store.projection(Some(t(micros))).unwrap().head,
                "{micros}"
            );
        }
        assert_eq!(store.seq_known_on(t(-1)).unwrap(), 0);
        assert_eq!(store.seq_known_on(t(1_000)).unwrap(), now.head);
    });
}

#[test]
fn record_time_never_goes_backwards() {
    on_both(|open| {
        let mut store = open();
        let p = store.projection(None).unwrap();
        let mut first_half = facts();
        first_half.truncate(3);
        store
            .commit(
                p.head,
                "test",
                "a",
                Store::diff(&p, &coop(), &first_half),
                t(1_000),
            )
            .unwrap();
        let p = store.projection(None).unwrap();
        let written = store
            .commit(
                p.head,
                "test",
                "b (clock went back)",
                Store::diff(&p, &coop(), &facts()),
                t(0),
            )
            .unwrap();
        assert!(written.iter().all(|e| e.recorded_at > t(1_000)));
    });
}

#[test]
fn a_reader_sees_what_another_connection_committed() {
    on_both(|open| {
        let mut reader = open();
        assert_eq!(reader.head().unwrap(), 0);
        let _ = reader.projection(None).unwrap();
        let mut writer = open();
        let p = writer.projection(None).unwrap();
        writer
            .commit(p.head, "w", "r", Store::diff(&p, &coop(), &facts()), t(0))
            .unwrap();
        assert_eq!(reader.head().unwrap(), facts().len() as u64);
    });
}

/// A database of schema version 1 (before tokens ended and sessions had an idle limit) is
/// upgraded in place when opened: its tokens get a year from their making, its data stays.
#[test]
fn a_version_1_database_is_upgraded_when_opened() {
    const DOWNGRADE: &str = "
        ALTER TABLE api_token DROP COLUMN expires_at;
        ALTER TABLE staff_session DROP COLUMN last_seen_at;
        UPDATE samvirke_meta SET value = '1' WHERE key = 'schema_version';
        INSERT INTO api_token (token_hash, email, name, created_at) VALUES ('abcdef0123', 'a@b.dk', 'ci', 1000);
        DROP TABLE register_number;
        INSERT INTO register_log (at, actor, case_id, what) VALUES (1000, 'test', 7, 'deleted');
    ";
    const YEAR: i64 = 365 * 24 * 3600 * 1_000_000;
    let check = |store: &mut Store| {
        let tokens = store.api_tokens("a@b.dk").unwrap();
        assert_eq!(tokens.len(), 1);
        assert_eq!(tokens[0].expires_at, Timestamp::from_micros(1000 + YEAR));
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db").to_string_lossy().to_string();
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(DOWNGRADE)
        .unwrap();
    check(&mut Store::open(&path).unwrap());
    let version: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT value FROM samvirke_meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, samvirke_store::SCHEMA_VERSION.to_string());

    let database = pg::TestDatabase::create();
    drop(Store::open(database.url()).unwrap());
    let mut client = postgres::Client::connect(database.url(), postgres::NoTls).unwrap();
    client.batch_execute(DOWNGRADE).unwrap();
    check(&mut Store::open(database.url()).unwrap());
    let row = client
        .query_one(
            "SELECT value FROM samvirke_meta WHERE key = 'schema_version'",
            &[],
        )
        .unwrap();
    assert_eq!(
        row.get::<_, String>(0),
        samvirke_store::SCHEMA_VERSION.to_string()
    );
}
