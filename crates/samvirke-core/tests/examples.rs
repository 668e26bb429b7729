//! The five seed cooperations parse, validate, round-trip through the writer, and answer the seed facts.

use std::path::PathBuf;

use samvirke_core::format::{check_set, parse_file, write_toml};
use samvirke_core::model::CooperationDoc;
use samvirke_core::{Date, MunicipalityId, Registry};

fn examples() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/cooperations");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn docs() -> Vec<CooperationDoc> {
    examples()
        .iter()
        .map(|(name, text)| match parse_file(name, text) {
            Ok(parsed) => parsed.doc,
            Err(errors) => panic!(
                "{name}:\n{}",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        })
        .collect()
}

#[test]
fn all_five_examples_parse_and_check_together() {
    let files: Vec<_> = examples()
        .iter()
        .map(|(n, t)| parse_file(n, t).unwrap())
        .collect();
    assert_eq!(files.len(), 5);
    let ids: Vec<String> = files
        .iter()
        .map(|f| f.doc.cooperation.id.to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "dragoer-taarnby",
            "ishoej-vallensbaek",
            "koebenhavn-syd",
            "marker-ostfold-kartlegging",
            "vastra-malardalen"
        ]
    );
    assert!(check_set(&files, &[]).is_empty());
}

#[test]
fn examples_round_trip_through_the_writer() {
    for doc in docs() {
        let text = write_toml(&doc);
        let again = parse_file("exported.toml", &text).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
        assert_eq!(again.doc, doc, "{}", doc.cooperation.id);
        assert_eq!(write_toml(&again.doc), text);
    }
}

fn who(registry: &Registry, m: &str, service: &str, on: &str) -> String {
    let m = MunicipalityId::parse(m, None).unwrap();
    registry
        .who(m, service, Date::parse(on).unwrap(), None)
        .unwrap()
        .responsible
        .id
}

#[test]
fn seed_facts_resolve() {
    let registry = Registry::from_documents(docs());
    assert_eq!(
        who(&registry, "DK-0155", "genoptraening-sel86", "2021-08-31"),
        "DK-0185"
    );
    assert_eq!(
        who(&registry, "DK-0155", "genoptraening-sel86", "2021-09-01"),
        "DK-0155"
    );
    assert_eq!(who(&registry, "DK-0155", "ppr", "2020-03-01"), "DK-0185");
    assert_eq!(
        who(&registry, "DK-0155", "natur-miljoe", "2025-01-01"),
        "DK-0185"
    );
    assert_eq!(
        who(&registry, "DK-0183", "beskaeftigelse", "2025-01-01"),
        "DK-0187"
    );
    assert_eq!(
        who(&registry, "DK-0187", "beskaeftigelse", "2025-01-01"),
        "DK-0187"
    );
    assert_eq!(
        who(&registry, "DK-0187", "genoptraening", "2025-01-01"),
        "DK-0183"
    );
    // København is in no cooperation: its own performer.
    assert_eq!(
        who(&registry, "DK-0101", "genoptraening", "2025-01-01"),
        "DK-0101"
    );
    let answer = registry
        .who(
            MunicipalityId::parse("DK-0155", None).unwrap(),
            "genoptraening-sel86",
            Date::parse("2021-09-01").unwrap(),
            None,
        )
        .unwrap();
    let steps: Vec<&str> = answer.basis.iter().map(|s| s.step).collect();
    assert_eq!(steps, ["take_back", "own_performer"]);
    let before = registry
        .who(
            MunicipalityId::parse("DK-155", None).unwrap(),
            "genoptraening-sel86",
            Date::parse("2020-03-01").unwrap(),
            None,
        )
        .unwrap();
    let steps: Vec<&str> = before.basis.iter().map(|s| s.step).collect();
    assert_eq!(
        steps,
        [
            "cooperation",
            "main_agreement",
            "sub_agreement",
            "delegation"
        ]
    );
    assert_eq!(
        before.basis[1].id.as_deref(),
        Some("2"),
        "version 2 counts from Dragør's adoption 2019-12-19"
    );
    assert!(!before.complaints_to.stated_in_agreement);
}

#[test]
fn vallensbaek_referendum_counts() {
    let docs = docs();
    let iv = docs
        .iter()
        .find(|d| d.cooperation.id.as_str() == "ishoej-vallensbaek")
        .unwrap();
    let counts = iv.decisions[0].referendum.as_ref().unwrap();
    assert_eq!(
        (counts.yes, counts.no, counts.cast, counts.valid),
        (5620, 561, 6218, 6181)
    );
    assert_eq!(counts.turnout_basis_points, Some(6580));
    assert!(counts.problems().is_empty());
}

#[test]
fn oversized_files_are_refused_with_the_limit_named() {
    let text = format!("format = 1\n# {}\n", "x".repeat(5 * 1024 * 1024));
    let errors = parse_file("huge.toml", &text).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .to_string()
            .contains("agreement files are limited to 4194304 bytes"),
        "{}",
        errors[0]
    );
}

#[test]
fn performers_are_named_by_the_code_in_force_on_the_date() {
    // A host-municipality cooperation written with today's codes, asked about 2019 and 2025.
    let text = r#"format = 1
[cooperation]
id = "ostfold-ppt"
name = "PPT"
country = "NO"
legal_form = "no-vertskommune"
status = "in_force"
language = "nb"
[[party]]
id = "NO-3122"
[[party]]
id = "NO-3112"
[[service]]
id = "ppt-test"
name = { nb = "PPT" }
[[delegation]]
service = "ppt-test"
performer = "NO-3112"
for = ["NO-3122"]
from = 2015-01-01
"#;
    let registry = Registry::from_documents(vec![parse_file("ppt.toml", text).unwrap().doc]);
    let then = registry
        .who(
            MunicipalityId::parse("NO-0119", None).unwrap(),
            "ppt-test",
            Date::parse("2019-06-01").unwrap(),
            None,
        )
        .unwrap();
    assert_eq!(then.municipality.id, "NO-0119");
    assert_eq!(then.responsible.id, "NO-0135", "Råde was 0135 in 2019");
    assert_eq!(then.complaints_to.id, "NO-0135");
    let now = registry
        .who(
            MunicipalityId::parse("NO-3122", None).unwrap(),
            "ppt-test",
            Date::parse("2025-01-01").unwrap(),
            None,
        )
        .unwrap();
    assert_eq!(now.responsible.id, "NO-3112");
}

#[test]
fn complaints_and_access_requests_go_to_the_body_in_force_on_the_decision_date() {
    use samvirke_core::cases::{CaseKind, route};
    let registry = Registry::from_documents(docs());
    let dragoer = MunicipalityId::parse("DK-0155", None).unwrap();
    let on = |t: &str| Date::parse(t).unwrap();
    // A § 86 decision from 2020: Tårnby performed rehabilitation for Dragør, so Tårnby handles it.
    let r = route(
        &registry,
        CaseKind::Complaint,
        dragoer,
        "genoptraening-sel86",
        on("2020-03-01"),
    )
    .unwrap();
    assert_eq!(r.handled_by.id, "DK-0185");
    assert_eq!(r.handling_municipality.unwrap().to_string(), "DK-0185");
    let visible: Vec<String> = r.visible_to().iter().map(ToString::to_string).collect();
    assert_eq!(visible, ["DK-0155", "DK-0185"]);
    assert!(
        r.basis.iter().any(|s| s.step == "delegation"),
        "{:?}",
        r.basis
    );
    // The last day before the take-back, and the first day after it.
    let before = route(
        &registry,
        CaseKind::GdprAccess,
        dragoer,
        "genoptraening-sel86",
        on("2021-08-31"),
    )
    .unwrap();
    assert_eq!(before.handled_by.id, "DK-0185");
    let after = route(
        &registry,
        CaseKind::GdprAccess,
        dragoer,
        "genoptraening-sel86",
        on("2021-09-01"),
    )
    .unwrap();
    assert_eq!(after.handled_by.id, "DK-0155");
    // A decision from 2022 is Dragør's own.
    let r = route(
        &registry,
        CaseKind::Complaint,
        dragoer,
        "genoptraening-sel86",
        on("2022-05-10"),
    )
    .unwrap();
    assert_eq!(r.handled_by.id, "DK-0155");
    assert_eq!(r.visible_to().len(), 1);
    assert!(
        r.basis.iter().any(|s| s.step == "take_back"),
        "{:?}",
        r.basis
    );
    // An unknown service is an error with suggestions, not a silent default.
    let err = route(
        &registry,
        CaseKind::Complaint,
        dragoer,
        "genoptraning",
        on("2020-03-01"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("did you mean"), "{err}");
}

#[test]
fn deadlines_carry_their_recorded_state_and_turn_overdue_when_their_day_passes() {
    use samvirke_core::RecordedFact;
    use samvirke_core::deadlines::{Filter, Status};
    use samvirke_core::model::{Fact, ObligationState, ObligationStatus};
    let on = |t: &str| Date::parse(t).unwrap();
    let mut facts: Vec<RecordedFact> = docs()
        .iter()
        .flat_map(|d| d.to_facts())
        .map(|fact| RecordedFact {
            fact,
            seq: 1,
            recorded_at: samvirke_core::Timestamp::from_micros(0),
        })
        .collect();
    let dragoer_taarnby = samvirke_core::CooperationId::parse("dragoer-taarnby").unwrap();
    let mark =
        |obligation: &str, due: &str, state: ObligationState, note: Option<&str>| RecordedFact {
            fact: Fact::ObligationStatus {
                cooperation: dragoer_taarnby.clone(),
                status: ObligationStatus {
                    obligation: obligation.into(),
                    due: on(due),
                    state,
                    note: note.map(str::to_string),
                },
            },
            seq: 2,
            recorded_at: samvirke_core::Timestamp::from_micros(1),
        };
    facts.push(mark(
        "agreement:aarsrapportering",
        "2026-01-30",
        ObligationState::Done,
        Some("sent 28 January"),
    ));
    facts.push(mark(
        "agreement:skabelon-og-aarshjul",
        "2026-02-02",
        ObligationState::Waived,
        Some("no changes this year"),
    ));
    facts.push(mark(
        "agreement:betalingsaftaler",
        "2026-06-30",
        ObligationState::InProgress,
        None,
    ));
    let registry = Registry::build(facts);
    let filter = Filter {
        municipality: None,
        cooperation: Some(dragoer_taarnby.clone()),
    };
    let status_on = |today: &str| -> Vec<String> {
        registry
            .deadlines(&filter, on("2026-01-01"), on("2026-12-31"), on(today))
            .unwrap()
            .iter()
            .map(|d| format!("{} {}", d.due, d.status.as_str()))
            .collect()
    };
    assert_eq!(
        status_on("2026-06-01"),
        [
            "2026-01-30 done",
            "2026-02-02 waived",
            "2026-05-29 overdue",
            "2026-06-30 in_progress"
        ]
    );
    // The last day itself is not overdue; the day after, an unfinished one is.
    assert_eq!(status_on("2026-06-30")[3], "2026-06-30 in_progress");
    assert_eq!(status_on("2026-07-01")[3], "2026-06-30 overdue");
    let list = registry
        .deadlines(
            &filter,
            on("2026-01-30"),
            on("2026-01-30"),
            on("2026-06-01"),
        )
        .unwrap();
    assert_eq!(list[0].note.as_deref(), Some("sent 28 January"));
    // The page: the overdue of the past year first, then what is coming.
    let page: Vec<String> = registry
        .deadlines_page(&filter, on("2026-06-01"), 366)
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d.due, d.status.as_str()))
        .collect();
    assert_eq!(
        page,
        [
            "2025-06-30 overdue",
            "2026-05-29 overdue",
            "2026-06-30 in_progress",
            "2027-01-29 planned",
            "2027-02-01 planned",
            "2027-05-31 planned"
        ]
    );
    assert_eq!(
        Status::of(None, on("2026-01-01"), on("2026-01-01")),
        Status::Planned
    );
}
