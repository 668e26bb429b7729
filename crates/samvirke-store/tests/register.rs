//! The register of complaints and access requests on both databases: cases registered, extended,
//! closed and deleted after their retention period, every step in the log.

#[path = "../../../tests/support/pg.rs"]
mod pg;

use samvirke_core::cases::{CaseKind, CaseReference};
use samvirke_core::model::Language;
use samvirke_core::{Country, Date, MunicipalityId, Timestamp};
use samvirke_store::Store;
use samvirke_store::register::{CaseError, NewCase};

fn new_case(reference: &str) -> NewCase {
    let m = |t: &str| MunicipalityId::parse(t, None).unwrap();
    NewCase {
        reference: CaseReference::parse(reference).unwrap(),
        kind: CaseKind::GdprAccess,
        service: "genoptraening-sel86".into(),
        decided_on: Date::parse("2020-03-01").unwrap(),
        received_on: Date::parse("2026-01-15").unwrap(),
        citizen_municipality: m("DK-0155"),
        handled_by: ("DK-0185".into(), "Tårnby".into()),
        visible_to: vec![m("DK-0155"), m("DK-0185")],
        routing: samvirke_core::cases::RoutingRecord::Text(
            "dragoer-taarnby → sub-agreement 1 → delegation".into(),
        ),
    }
}

#[test]
fn cases_are_registered_extended_closed_and_deleted_with_a_log_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("r.db").to_str().unwrap()).unwrap();
    exercise(&mut store);
}

#[test]
fn cases_are_registered_extended_closed_and_deleted_with_a_log_in_postgres() {
    let database = pg::TestDatabase::create();
    let mut store = Store::open(database.url()).unwrap();
    exercise(&mut store);
}

fn exercise(store: &mut Store) {
    let now = Timestamp::from_micros(1_000_000);
    let d = |t: &str| Date::parse(t).unwrap();
    let id = store.case_create(&new_case("SAG-1"), "anna", now).unwrap();
    assert_eq!(id, 1);
    let case = store.case(id).unwrap().unwrap();
    assert_eq!(case.case, new_case("SAG-1"));
    assert_eq!(case.country, Country::Dk);
    assert_eq!(case.dues(Language::En)[0].due, d("2026-02-16"));
    assert!(case.is_overdue(d("2026-02-17")));
    assert!(!case.is_overdue(d("2026-02-16")));
    let taarnby = MunicipalityId::parse("DK-0185", None).unwrap();
    let kastrup = MunicipalityId::parse("DK-0101", None).unwrap();
    assert_eq!(store.cases(Some(taarnby)).unwrap().len(), 1);
    assert!(store.cases(Some(kastrup)).unwrap().is_empty());

    // Too late to extend after the first month, then in time.
    let err = store
        .case_extend(id, d("2026-02-17"), "complex", "anna", now)
        .unwrap_err();
    assert!(err.to_string().contains("by 2026-02-16"), "{err}");
    let extended = store
        .case_extend(id, d("2026-02-10"), "many documents", "anna", now)
        .unwrap();
    assert_eq!(extended.dues(Language::En)[0].due, d("2026-04-15"));
    assert!(
        store
            .case_extend(id, d("2026-02-11"), "again", "anna", now)
            .unwrap_err()
            .to_string()
            .contains("already")
    );
    assert!(
        store
            .case_close(id, d("2026-01-01"), "anna", now)
            .unwrap_err()
            .to_string()
            .contains("before it was received")
    );
    store.case_close(id, d("2026-03-01"), "anna", now).unwrap();
    assert!(!store.case(id).unwrap().unwrap().is_overdue(d("2027-01-01")));
    assert!(matches!(
        store.case_close(99, d("2026-03-01"), "anna", now),
        Err(CaseError::NotFound(99))
    ));

    // An open case is never purged; a closed one after its retention period.
    let open = store.case_create(&new_case("SAG-2"), "anna", now).unwrap();
    assert_eq!(
        store
            .cases_purge(d("2026-03-31"), 30, true, "cli", now)
            .unwrap(),
        Vec::<i64>::new()
    );
    assert_eq!(
        store
            .cases_purge(d("2026-04-01"), 30, true, "cli", now)
            .unwrap(),
        [id]
    );
    assert!(
        store.case(id).unwrap().is_some(),
        "a dry run deletes nothing"
    );
    assert_eq!(
        store
            .cases_purge(d("2026-04-01"), 30, false, "cli", now)
            .unwrap(),
        [id]
    );
    assert!(store.case(id).unwrap().is_none());
    assert!(store.case(open).unwrap().is_some());
    let log = store.register_log(Some(id)).unwrap();
    let whats: Vec<&str> = log.iter().map(|l| l.what.as_str()).collect();
    assert_eq!(whats.len(), 4, "{whats:?}");
    assert!(
        whats[3].starts_with("deleted: closed on 2026-03-01"),
        "{whats:?}"
    );
    assert!(
        !log.iter().any(|l| l.what.contains("SAG-1")),
        "the log keeps no case reference"
    );
    // Numbers are not reused after a deletion, even of the highest.
    let next = store.case_create(&new_case("SAG-3"), "anna", now).unwrap();
    assert_eq!(next, 3);
    store
        .case_close(next, d("2026-03-01"), "anna", now)
        .unwrap();
    assert_eq!(
        store
            .cases_purge(d("2026-04-01"), 30, false, "cli", now)
            .unwrap(),
        [next]
    );
    assert_eq!(
        store.case_create(&new_case("SAG-4"), "anna", now).unwrap(),
        4
    );
}

/// Two servers on one database register cases at the same time, each on its own connection: every
/// case gets a number of its own, none fails, and the numbers run 1, 2, 3, … without a gap.
#[test]
fn cases_registered_by_two_servers_at_once_get_distinct_numbers() {
    const EACH: usize = 40;
    let register = |location: &str| {
        let numbers: Vec<i64> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..2)
                .map(|server| {
                    scope.spawn(move || {
                        let mut store = Store::open(location).unwrap();
                        (0..EACH)
                            .map(|n| {
                                let reference = format!("SAG-{server}-{n}");
                                let now = Timestamp::from_micros(1_000_000 + n as i64);
                                store
                                    .case_create(&new_case(&reference), "test", now)
                                    .unwrap()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            writers
                .into_iter()
                .flat_map(|w| w.join().unwrap())
                .collect()
        });
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        let expected: Vec<i64> = (1..=(2 * EACH) as i64).collect();
        assert_eq!(sorted, expected, "{location}: {numbers:?}");
        let stored = Store::open(location).unwrap().cases(None).unwrap();
        assert_eq!(stored.len(), 2 * EACH);
    };
    let dir = tempfile::tempdir().unwrap();
    register(dir.path().join("r.db").to_str().unwrap());
    let database = pg::TestDatabase::create();
    register(database.url());
}
