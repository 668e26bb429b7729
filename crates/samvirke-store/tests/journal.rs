//! The journal on real SQLite and PostgreSQL databases: the same tests against both.

#[path = "../../../tests/support/pg.rs"]
mod pg;

use samvirke_core::format::parse_file;
use samvirke_core::model::Fact;
use samvirke_core::{CooperationId, Timestamp};
use samvirke_store::{Change, Event, Store, StoreError, Verification};

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

/// Records `facts` (of the Dragør–Tårnby cooperation) on top of the store's head at `at`, by
/// "test" for `reason`: the events written.
fn record(store: &mut Store, reason: &str, facts: &[Fact], at: Timestamp) -> Vec<Event> {
    let p = store.projection(None).unwrap();
    store
        .commit(p.head, "test", reason, Store::diff(&p, &coop(), facts), at)
        .unwrap()
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
        record(&mut store, "initial", &before_take_back, t(0));
        record(&mut store, "take-back recorded", &facts(), t(1_000));
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

/// PostgreSQL keeps each read prepared on its connection. When another connection changes a
/// table under it so that the read's rows change type (here the journal's sequence numbers
/// narrowed: "cached plan must not change result type"), the read is prepared again and still
/// answers, as do the state reads by index.
#[test]
fn a_prepared_read_is_prepared_again_when_its_table_changes_under_it() {
    let database = pg::TestDatabase::create();
    let mut store = Store::open(database.url()).unwrap();
    record(&mut store, "initial", &facts(), t(0));
    let head = store.head().unwrap();
    let state = store.cooperation_state_through(&coop(), head).unwrap();
    assert_eq!(store.seq_known_on(t(10)).unwrap(), head);
    let mut other = postgres::Client::connect(database.url(), postgres::NoTls).unwrap();
    other
        .batch_execute("ALTER TABLE journal ALTER COLUMN seq TYPE INTEGER")
        .unwrap();
    assert_eq!(store.seq_known_on(t(10)).unwrap(), head);
    assert_eq!(
        store.cooperation_state_through(&coop(), head).unwrap(),
        state
    );
}

#[test]
fn record_time_never_goes_backwards() {
    on_both(|open| {
        let mut store = open();
        let mut first_half = facts();
        first_half.truncate(3);
        record(&mut store, "a", &first_half, t(1_000));
        let written = record(&mut store, "b (clock went back)", &facts(), t(0));
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
        ALTER TABLE staff_session DROP COLUMN id_token;
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

const KOEBENHAVN_SYD: &str = include_str!("../../../examples/cooperations/koebenhavn-syd.toml");

/// A small deterministic generator (the same sequence on every run, so a failure repeats).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// Commits random subsets of two cooperations' facts (each commit adds back some, withdraws
/// others), then checks every read of the journal index against a replay of the whole journal:
/// the state of each cooperation after every event, the versions and the events a history shows.
/// Emptying the index and opening the database again rebuilds it to the same answers.
#[test]
fn the_index_by_cooperation_answers_as_a_replay_of_the_journal_does() {
    let other_facts = parse_file("koebenhavn-syd.toml", KOEBENHAVN_SYD)
        .unwrap()
        .doc
        .to_facts();
    let other = other_facts[0].cooperation().clone();
    let all = [(coop(), facts()), (other.clone(), other_facts)];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db").to_string_lossy().to_string();
    let database = pg::TestDatabase::create();
    for location in [path.as_str(), database.url()] {
        let open = || Store::open(location).unwrap();
        let mut store = open();
        let mut random = Lcg(42);
        let mut commits_of = [0u64, 0u64];
        for commit in 0..40 {
            let which = (random.next() % 2) as usize;
            let (id, facts) = &all[which];
            let wanted: Vec<Fact> = facts
                .iter()
                .filter(|_| !random.next().is_multiple_of(4))
                .cloned()
                .collect();
            let projection = store.projection(None).unwrap();
            let changes = Store::diff(&projection, id, &wanted);
            if changes.is_empty() {
                continue;
            }
            store
                .commit(
                    projection.head,
                    "test",
                    &format!("commit {commit}"),
                    changes,
                    t(commit),
                )
                .unwrap();
            commits_of[which] += 1;
        }
        let check = |store: &mut Store| {
            let head = store.head().unwrap();
            let events = store.events().unwrap();
            for ((id, _), commits) in all.iter().zip(commits_of) {
                let shown = samvirke_store::Shown { settlements: true };
                assert_eq!(store.version_count(id, shown).unwrap(), commits);
                let own: Vec<u64> = events
                    .iter()
                    .filter(|e| e.payload().unwrap().change.key().starts_with(id.as_str()))
                    .map(|e| e.seq)
                    .collect();
                assert_eq!(store.event_count(id, shown).unwrap(), own.len() as u64);
                let listed: Vec<u64> = store
                    .cooperation_events(id, shown, (0, head), 0, 100_000)
                    .unwrap()
                    .iter()
                    .map(|e| e.seq)
                    .collect();
                assert_eq!(listed, own);
                // The newest two versions, then the rest: together every event, in order.
                let (count, newest) = store.version_page(id, shown, 0, 2).unwrap();
                assert_eq!(count, commits, "{id}: the page's count");
                let (_, older) = store.version_page(id, shown, 2, 1000).unwrap();
                let paged: Vec<u64> = older.iter().chain(&newest).map(|e| e.seq).collect();
                assert_eq!(paged, own);
                // Page by page, from the newest, at three page sizes: each version once.
                for size in 1..=3 {
                    let mut pages = Vec::new();
                    let mut offset = 0;
                    while offset < commits + 2 {
                        pages.push(store.version_page(id, shown, offset, size).unwrap().1);
                        offset += size;
                    }
                    let paged: Vec<u64> = pages.iter().rev().flatten().map(|e| e.seq).collect();
                    assert_eq!(paged, own, "{id}, {size} versions a page");
                }
                for seq in (0..=head).step_by(7).chain([head]) {
                    let replay = store.projection_through(seq).unwrap();
                    let expected: Vec<(String, u64)> = replay
                        .facts_of(id)
                        .iter()
                        .map(|r| (r.fact.key(), r.seq))
                        .collect();
                    let mut indexed: Vec<(String, u64)> = store
                        .cooperation_state_through(id, seq)
                        .unwrap()
                        .values()
                        .map(|r| (r.fact.key(), r.seq))
                        .collect();
                    indexed.sort();
                    let mut expected = expected;
                    expected.sort();
                    assert_eq!(indexed, expected, "{id} after event {seq}");
                    let last = store.last_event_through(id, shown, seq).unwrap();
                    assert_eq!(
                        last.map(|e| e.seq),
                        own.iter().rev().find(|s| **s <= seq).copied()
                    );
                }
            }
        };
        check(&mut store);
        drop(store);
        let mut store = open();
        let head = store.head().unwrap();
        assert!(head > 40, "the commits wrote events: {head}");
        drop(store);
        let forget = |sql: &str| {
            if location.starts_with("postgres") {
                postgres::Client::connect(location, postgres::NoTls)
                    .unwrap()
                    .batch_execute(sql)
                    .unwrap();
            } else {
                rusqlite::Connection::open(location)
                    .unwrap()
                    .execute_batch(sql)
                    .unwrap();
            }
        };
        // Forget the numbers of the versions, as a database written before schema version 5
        // has none; then the whole index, as one written before version 3.
        forget("DELETE FROM journal_version");
        check(&mut open());
        forget("DELETE FROM journal_fact; DELETE FROM journal_version");
        check(&mut open());
    }
}

/// A sign-in with the identity provider is kept until taken, taken once, forgotten after its
/// minutes, and no more are kept than the limit.
#[test]
fn identity_provider_sign_ins_are_taken_once_and_expire() {
    on_both(|open| {
        let mut store = open();
        let minute = 60 * 1_000_000;
        assert!(
            store
                .oidc_login_put("s1", "n1", "v1", "/staff", t(0), 10, 2)
                .unwrap()
        );
        assert!(
            store
                .oidc_login_put("s2", "n2", "v2", "/staff/cases", t(minute), 10, 2)
                .unwrap()
        );
        assert!(
            !store
                .oidc_login_put("s3", "n3", "v3", "/", t(2 * minute), 10, 2)
                .unwrap(),
            "over the limit: not kept"
        );
        let taken = store
            .oidc_login_take("s2", t(3 * minute), 10)
            .unwrap()
            .unwrap();
        assert_eq!(
            (
                taken.nonce.as_str(),
                taken.verifier.as_str(),
                taken.next.as_str()
            ),
            ("n2", "v2", "/staff/cases")
        );
        assert_eq!(
            store.oidc_login_take("s2", t(3 * minute), 10).unwrap(),
            None,
            "once only"
        );
        assert_eq!(
            store.oidc_login_take("s1", t(11 * minute), 10).unwrap(),
            None,
            "expired"
        );
        assert_eq!(
            store.oidc_login_take("s3", t(3 * minute), 10).unwrap(),
            None
        );
    });
}

/// A session the identity provider opened gives back its ID token when it ends (for signing
/// out at the provider); a password session gives none.
#[test]
fn a_session_ends_with_the_id_token_it_was_opened_with() {
    on_both(|open| {
        let mut store = open();
        let far = t(3_600_000_000);
        store
            .session_create("h-provider", "anna@dragoer.dk", "c1", t(0), far)
            .unwrap();
        store
            .session_create("h-password", "anna@dragoer.dk", "c2", t(0), far)
            .unwrap();
        store
            .session_set_id_token("h-provider", "eyJ.the.token")
            .unwrap();
        assert_eq!(
            store.session_delete("h-provider").unwrap().as_deref(),
            Some("eyJ.the.token")
        );
        assert_eq!(store.session_delete("h-password").unwrap(), None);
        assert_eq!(
            store.session_delete("h-provider").unwrap(),
            None,
            "ended once"
        );
    });
}

/// The projection of the present is kept between calls and only the events after it applied:
/// with two connections committing in turn, random changes and retractions, every projection
/// equals one replayed from the first event.
#[test]
fn the_present_projection_is_applied_incrementally_and_equals_a_replay() {
    let all = facts();
    on_both(|open| {
        let mut writers = [open(), open()];
        let mut random = Lcg(7);
        for commit in 0..30 {
            let store = &mut writers[commit % 2];
            let wanted: Vec<Fact> = all
                .iter()
                .filter(|_| !random.next().is_multiple_of(3))
                .cloned()
                .collect();
            let projection = store.projection(None).unwrap();
            let changes = Store::diff(&projection, &coop(), &wanted);
            if !changes.is_empty() {
                store
                    .commit(projection.head, "test", "random", changes, t(commit as i64))
                    .unwrap();
            }
            // A store opened afresh keeps nothing: its first projection is a replay.
            let replayed = open().projection(None).unwrap();
            for store in writers.iter_mut() {
                let kept = store.projection(None).unwrap();
                assert_eq!(kept.head, replayed.head, "after commit {commit}");
                let keys = |p: &samvirke_store::Projection| {
                    p.facts
                        .iter()
                        .map(|(k, r)| (k.clone(), r.seq, r.fact.clone()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(keys(&kept), keys(&replayed), "after commit {commit}");
            }
        }
    });
}
