//! The projection's checkpoint and the state read by index: a projection built incrementally, one
//! read from a checkpoint and the state at any event read by index all equal a replay of the
//! journal from its first event; a checkpoint that does not check out is rebuilt, never trusted.

#[path = "../../../tests/support/pg.rs"]
mod pg;

use proptest::prelude::*;
use samvirke_core::format::parse_file;
use samvirke_core::model::Fact;
use samvirke_core::{CooperationId, Timestamp};
use samvirke_store::{Answering, CheckpointUse, Projection, Store};

const EXAMPLES: [(&str, &str); 5] = [
    (
        "dragoer-taarnby.toml",
        include_str!("../../../examples/cooperations/dragoer-taarnby.toml"),
    ),
    (
        "ishoej-vallensbaek.toml",
        include_str!("../../../examples/cooperations/ishoej-vallensbaek.toml"),
    ),
    (
        "koebenhavn-syd.toml",
        include_str!("../../../examples/cooperations/koebenhavn-syd.toml"),
    ),
    (
        "marker-ostfold-kartlegging.toml",
        include_str!("../../../examples/cooperations/marker-ostfold-kartlegging.toml"),
    ),
    (
        "vastra-malardalen.toml",
        include_str!("../../../examples/cooperations/vastra-malardalen.toml"),
    ),
];

/// Each example's cooperation and facts.
fn examples() -> Vec<(CooperationId, Vec<Fact>)> {
    EXAMPLES
        .iter()
        .map(|(name, text)| {
            let doc = parse_file(name, text).unwrap().doc;
            (doc.cooperation.id.clone(), doc.to_facts())
        })
        .collect()
}

fn t(micros: i64) -> Timestamp {
    Timestamp::from_micros(1_700_000_000_000_000 + micros)
}

/// What two projections must agree on: every key with the event that put it and the fact.
fn content(p: &Projection) -> (u64, Vec<(String, u64, i64, Fact)>) {
    (
        p.head,
        p.facts
            .iter()
            .map(|(k, r)| (k.clone(), r.seq, r.recorded_at.micros(), r.fact.clone()))
            .collect(),
    )
}

/// Runs `check` against a fresh SQLite file and a fresh PostgreSQL database; `raw` runs one
/// statement on the database behind the store's back.
fn on_both(check: impl Fn(&dyn Fn() -> Store, &dyn Fn(&str))) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db").to_string_lossy().to_string();
    check(&|| Store::open(&path).unwrap(), &|sql| {
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(sql)
            .unwrap()
    });
    let database = pg::TestDatabase::create();
    let url = database.url().to_string();
    check(&|| Store::open(&url).unwrap(), &|sql| {
        postgres::Client::connect(&url, postgres::NoTls)
            .unwrap()
            .batch_execute(sql)
            .unwrap()
    });
}

/// One step of a random history: the cooperation changed, which of its facts it keeps, and
/// whether a checkpoint is written after it.
type Step = (usize, Vec<bool>, bool);

fn steps() -> impl Strategy<Value = Vec<Step>> {
    proptest::collection::vec(
        (
            0..EXAMPLES.len(),
            proptest::collection::vec(proptest::bool::weighted(0.7), 64),
            proptest::bool::weighted(0.3),
        ),
        1..14,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Over random histories of the five examples (facts added, changed back and withdrawn, in
    /// commits of several events, with checkpoints written now and then): the store that applies
    /// each commit to the projection it keeps, a store opened afresh (from the checkpoint when
    /// there is one) and the state at every event read by index all equal a replay from event 1.
    #[test]
    fn incremental_checkpointed_and_indexed_projections_equal_a_replay(steps in steps()) {
        let examples = examples();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.db").to_string_lossy().to_string();
        let mut kept = Store::open(&path).unwrap();
        for (n, (which, mask, checkpoint)) in steps.iter().enumerate() {
            let (coop, all) = &examples[*which];
            let wanted: Vec<Fact> = all
                .iter()
                .zip(mask.iter().cycle())
                .filter(|(_, keep)| **keep)
                .map(|(f, _)| f.clone())
                .collect();
            let projection = kept.projection(None).unwrap();
            let changes = Store::diff(&projection, coop, &wanted);
            kept.commit(projection.head, "test", "random", changes, t(n as i64)).unwrap();
            if *checkpoint {
                kept.write_checkpoint().unwrap();
            }
            let mut fresh = Store::open(&path).unwrap();
            let head = fresh.head().unwrap();
            let replay = content(&fresh.replay_through(head).unwrap());
            prop_assert_eq!(&content(&kept.projection(None).unwrap()), &replay);
            prop_assert_eq!(&content(&fresh.projection(None).unwrap()), &replay);
            let refused = matches!(fresh.checkpoint_use(), Some(CheckpointUse::Refused { .. }));
            prop_assert!(!refused, "{:?}", fresh.checkpoint_use());
        }
        let mut store = Store::open(&path).unwrap();
        let head = store.head().unwrap();
        for seq in 0..=head {
            prop_assert_eq!(
                content(&store.projection_through(seq).unwrap()),
                content(&store.replay_through(seq).unwrap()),
                "state through event {}", seq
            );
        }
        // Who performs each service for each municipality of the examples, as known at a few
        // moments (before the first commit, within, at the last): from the cooperations that
        // could answer, as from the whole registry as then known; for a reader at the head, and
        // for one that holds no present (so that the head known then is read too).
        let last = steps.len() as i64 - 1;
        for moment in [t(-1), t(last / 3), t(last * 2 / 3), t(last)] {
            let seq = store.seq_known_on(moment).unwrap();
            let whole = store.replay_through(seq).unwrap().registry();
            for ((municipality, service, on), present) in questions(&examples)
                .into_iter()
                .flat_map(|q| [(q.clone(), head), (q, u64::MAX)])
            {
                let expected = whole.who(municipality, &service, on, None);
                match store.registry_answering(municipality, &service, on, moment, present).unwrap() {
                    Answering::Present => prop_assert_eq!(seq, present, "{}", moment),
                    Answering::Registry(answering) => prop_assert_eq!(
                        format!("{:?}", answering.who(municipality, &service, on, None)),
                        format!("{expected:?}"),
                        "{} {} {} after event {}", municipality, service, on, seq
                    ),
                    Answering::Whole(whole_seq) => {
                        prop_assert_eq!(whole_seq, seq);
                        prop_assert!(
                            matches!(expected, Err(samvirke_core::ResolveError::UnknownService { .. })),
                            "{} {} {} after event {}: {:?}", municipality, service, on, seq, expected
                        )
                    }
                }
            }
        }
    }
}

/// Every service of the examples for every municipality they delegate one for (and one they do
/// not), on days before, during and after their delegations.
fn questions(
    examples: &[(CooperationId, Vec<Fact>)],
) -> Vec<(samvirke_core::MunicipalityId, String, samvirke_core::Date)> {
    let mut services = std::collections::BTreeSet::new();
    let mut municipalities = std::collections::BTreeSet::new();
    for fact in examples.iter().flat_map(|(_, facts)| facts) {
        match fact {
            Fact::Service { service, .. } => {
                services.insert(service.id.to_string());
            }
            Fact::Delegation { delegation, .. } => {
                municipalities.extend(delegation.for_municipalities.iter().copied());
            }
            _ => {}
        }
    }
    municipalities.insert(samvirke_core::MunicipalityId::parse("DK-0101", None).unwrap());
    let days = ["2005-06-01", "2021-08-31", "2021-09-01", "2026-01-01"];
    let mut out = Vec::new();
    for m in &municipalities {
        for s in &services {
            for day in days {
                out.push((*m, s.clone(), samvirke_core::Date::parse(day).unwrap()));
            }
        }
    }
    out
}

/// Commits `facts` of `coop` on top of what `store` holds; returns the new head.
fn import(store: &mut Store, coop: &CooperationId, facts: &[Fact], at: i64, actor: &str) -> u64 {
    let projection = store.projection(None).unwrap();
    let changes = Store::diff(&projection, coop, facts);
    store
        .commit(projection.head, actor, "import", changes, t(at))
        .unwrap();
    store.head().unwrap()
}

/// The reason a store opened afresh gives for refusing the checkpoint, after checking that its
/// projection is the replay all the same.
fn refusal(open: &dyn Fn() -> Store) -> String {
    let mut store = open();
    let projection = content(&store.projection(None).unwrap());
    let head = store.head().unwrap();
    assert_eq!(projection, content(&store.replay_through(head).unwrap()));
    match store.checkpoint_use() {
        Some(CheckpointUse::Refused { reason }) => reason.clone(),
        other => panic!("the checkpoint should have been refused, not {other:?}"),
    }
}

#[test]
fn a_checkpoint_is_used_when_it_checks_out_and_rebuilt_when_it_does_not() {
    let examples = examples();
    let (dragoer, dragoer_facts) = &examples[0];
    let (ishoej, ishoej_facts) = &examples[1];
    on_both(|open, raw| {
        // No checkpoint: every event is replayed.
        let mut store = open();
        let first = import(&mut store, dragoer, dragoer_facts, 0, "test");
        let mut fresh = open();
        fresh.projection(None).unwrap();
        assert_eq!(fresh.checkpoint_use(), Some(&CheckpointUse::Absent));

        // A checkpoint, then more events: start-up reads it and applies only those.
        assert_eq!(store.write_checkpoint().unwrap(), first);
        assert_eq!(store.write_checkpoint().unwrap(), first, "written once");
        assert_eq!(store.checkpoint_head().unwrap(), Some(first));
        let second = import(&mut store, ishoej, ishoej_facts, 1, "test");
        let mut fresh = open();
        let projection = content(&fresh.projection(None).unwrap());
        assert_eq!(
            fresh.checkpoint_use(),
            Some(&CheckpointUse::Used {
                head: first,
                applied: second - first
            })
        );
        assert_eq!(projection, content(&fresh.replay_through(second).unwrap()));

        // Content changed behind the journal's back: the digest no longer matches.
        raw("UPDATE projection_checkpoint SET body = replace(body, 'Dragør', 'Dragor')");
        assert!(
            refusal(open).contains("digest does not match"),
            "{}",
            refusal(open)
        );

        // A checkpoint written anew replaces the damaged one, and is used again.
        assert_eq!(open().write_checkpoint().unwrap(), second);
        let mut fresh = open();
        fresh.projection(None).unwrap();
        assert_eq!(
            fresh.checkpoint_use(),
            Some(&CheckpointUse::Used {
                head: second,
                applied: 0
            })
        );

        // Another format.
        raw("UPDATE projection_checkpoint SET format = 99");
        assert!(refusal(open).contains("format 99"), "{}", refusal(open));

        // A checkpoint further on than the journal (the journal restored from an older backup).
        raw("UPDATE projection_checkpoint SET format = 1, head = head + 5");
        assert!(
            refusal(open).contains("journal ends at"),
            "{}",
            refusal(open)
        );

        // A checkpoint of another journal at the same event: the hash chain does not match.
        raw("UPDATE projection_checkpoint SET head = head - 5, head_hash = 'another journal'");
        assert!(
            refusal(open).contains("does not have the hash"),
            "{}",
            refusal(open)
        );

        // A checkpoint that does not check out is written over, though it is at this head.
        assert_eq!(open().write_checkpoint().unwrap(), second);
        let mut fresh = open();
        fresh.projection(None).unwrap();
        assert!(matches!(
            fresh.checkpoint_use(),
            Some(CheckpointUse::Used { .. })
        ));
    });
}
