//! Property tests: any valid cooperation written as an agreement file reads back as the same
//! document, and writing it again gives the same text.

use proptest::prelude::*;
use samvirke_core::calendar::Shift;
use samvirke_core::due::DueRule;
use samvirke_core::format::{parse_file, write_toml};
use samvirke_core::ids::{CooperationId, Country, MunicipalityId, PartyId, ServiceId};
use samvirke_core::model::*;
use samvirke_core::{Date, Interval, PartialDate};

const DK_CODES: [u16; 8] = [155, 183, 185, 187, 253, 259, 269, 336];

fn text() -> impl Strategy<Value = String> {
    // Letters, Nordic letters, quotes, backslashes, TOML syntax characters, newlines, tabs and a
    // control character: everything the writer must escape.
    proptest::string::string_regex("[a-zA-ZæøåÆØÅäö0-9 \"\\\\#=\\[\\]{}.,§\n\t\u{1}]{0,24}")
        .unwrap()
        .prop_map(|s| format!("x{s}"))
}

fn date() -> impl Strategy<Value = Date> {
    (10_000i32..25_000).prop_map(Date::from_days_since_epoch)
}

fn interval() -> impl Strategy<Value = Interval> {
    (date(), proptest::option::of(1i32..4000)).prop_map(|(from, len)| {
        Interval::new(
            from,
            len.map(|l| Date::from_days_since_epoch(from.days_since_epoch() + l)),
        )
        .unwrap()
    })
}

/// A date of any precision the format writes.
fn partial_date() -> impl Strategy<Value = PartialDate> {
    use samvirke_core::partial_date::{Season, YearPart};
    let year = 1990i32..2040;
    prop_oneof![
        date().prop_map(PartialDate::Day),
        (year.clone(), 1u32..=12).prop_map(|(year, month)| PartialDate::Month { year, month }),
        (year.clone(), proptest::sample::select(Season::ALL.to_vec()))
            .prop_map(|(year, season)| PartialDate::Season { year, season }),
        (year.clone(), 1u8..=2).prop_map(|(year, half)| PartialDate::Half { year, half }),
        (
            year.clone(),
            proptest::sample::select(vec![YearPart::Early, YearPart::Late])
        )
            .prop_map(|(year, part)| PartialDate::Part { year, part }),
        year.prop_map(PartialDate::Year),
        (1u32..=12, 1u32..=28).prop_map(|(month, day)| PartialDate::DayOfMonth { month, day }),
    ]
}

fn municipality(code: u16) -> MunicipalityId {
    MunicipalityId::new(Country::Dk, code).unwrap()
}

prop_compose! {
    fn referendum()(yes in 0u64..100_000, no in 0u64..100_000, blank in 0u64..1000, extra in 0u64..100_000, turnout in proptest::option::of(0u32..=10_000), question in text()) -> ReferendumCounts {
        let valid = yes + no;
        let cast = valid + blank;
        ReferendumCounts { question, yes, no, cast, valid, blank_invalid: Some(blank), electorate: Some(cast + extra), turnout_basis_points: turnout }
    }
}

fn due_rule() -> impl Strategy<Value = DueRule> {
    prop_oneof![
        (1u32..=12, 1u32..=28).prop_map(|(month, day)| DueRule::FixedDay { month, day }),
        (1u32..=12).prop_map(|month| DueRule::EndOfMonth { month }),
        (1u32..=12).prop_map(|month| DueRule::StartOfMonth { month }),
        Just(DueRule::OncePerTerm),
        (1u32..=12, prop_oneof![1i32..=15, -15i32..=-1])
            .prop_map(|(month, n)| DueRule::WorkingDay { month, n }),
    ]
}

prop_compose! {
    fn document()(
        id in "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}",
        name in text(),
        purpose in proptest::option::of(text()),
        n_parties in 2usize..5,
        services in proptest::collection::vec((text(), proptest::option::of(text()), interval(), proptest::option::of(text())), 1..4),
        numbers in proptest::collection::btree_set(0u32..60, 3),
        referendum in proptest::option::of(referendum()),
        gains in proptest::collection::vec(text(), 0..3),
        due in due_rule(),
        shift in proptest::sample::select(vec![Shift::Earlier, Shift::Later, Shift::Keep]),
        obligation_title in text(),
        status in proptest::sample::select(CandidateStatus::ALL.to_vec()),
        valid in proptest::option::of(interval()),
        weights in proptest::collection::vec(0u32..=100, 2),
        scores in proptest::collection::vec(0u8..=4, 2),
        justification in text(),
        cost in proptest::option::of(0u64..10_000_000_000),
        staff_years in proptest::option::of(0u64..100_000),
        prioritised_count in proptest::option::of(3u32..40),
        moved_on in date(),
        verdicts in proptest::collection::vec(proptest::sample::select(Verdict::ALL.to_vec()), 2),
        contact_place in proptest::option::of(proptest::sample::select(ContactPlace::ALL.to_vec())),
        channels in proptest::collection::vec(proptest::option::of(text()), 7),
        contact_valid in proptest::option::of(interval()),
        event_dates in proptest::collection::vec(proptest::option::of(partial_date()), 0..4),
        placeholder in any::<bool>(),
        clause_numbers in proptest::collection::btree_set((1u32..20, 1u32..20), 0..4),
        role_dates in proptest::collection::vec((proptest::option::of(partial_date()), any::<bool>()), 0..3),
        figure in proptest::option::of((0u64..10_000_000, any::<bool>(), proptest::option::of(partial_date()))),
    ) -> CooperationDoc {
        let members: Vec<MunicipalityId> = DK_CODES[..n_parties].iter().map(|c| municipality(*c)).collect();
        let performer = PartyId::Municipality(members[0]);
        let numbers: Vec<u32> = numbers.into_iter().collect();
        let mut doc = CooperationDoc::new(Cooperation {
                id: CooperationId::parse(&id).unwrap(),
                name,
                country: Country::Dk,
                legal_form: LegalForm::DkBinding,
                status: CooperationStatus::InForce,
                language: Language::Da,
                purpose,
                valid,
                parties: members.iter().map(|m| Party { id: PartyId::Municipality(*m), roles: Vec::new(), joined: None, left: None, org_number: None, invoicing: None, note: channels[2].clone() }).collect(),
                organisations: Vec::new(),
                term: None,
                sources: Vec::new(),
                // Both settings, so that both round-trip.
                settlements: if n_parties % 2 == 0 { SettlementAccess::Members } else { SettlementAccess::Public },
                // Every record takes a note; the cooperation's and its parties' and services' too.
                note: channels[1].clone(),
            });
        for (idx, (service_name, clause, valid, note)) in services.into_iter().enumerate() {
            let service = ServiceId::parse(&format!("svc-{idx}")).unwrap();
            doc.services.push(Service { id: service.clone(), names: Names { da: Some(service_name), ..Names::default() }, legal_basis: vec![format!("DK:SEL §{idx}")], public_code: None, note: note.clone() });
            doc.sub_agreements.push(SubAgreement { number: numbers[idx], title: format!("Delaftale {}", numbers[idx]), services: vec![service.clone()], valid, revisions: Vec::new(), placeholder: false, note: note.clone() });
            doc.delegations.push(Delegation { service, performer: performer.clone(), for_municipalities: members[1..].to_vec(), valid, sub_agreement: Some(numbers[idx]), clause, contact: contact_place, complaints_to: Some(performer.clone()), documents_access_to: None, data_access_to: Some(performer.clone()), note });
        }
        // One channel at least, as the reader requires.
        let channel = |i: usize| channels[i].clone();
        doc.contacts.push(Contact {
            id: "unit".into(),
            party: PartyId::Municipality(members[1]),
            unit: doc.cooperation.name.clone(),
            services: doc.services.iter().take(1).map(|s| s.id.clone()).collect(),
            address: channel(0),
            visiting_address: channel(1),
            phone: Some(channel(2).unwrap_or_else(|| "32 89 01 00".into())),
            email: channel(3),
            web: channel(4),
            digital_mail: channel(5),
            opening_hours: channel(6),
            valid: contact_valid,
            source: channel(0),
            note: channel(1),
        });
        if placeholder {
            let number = numbers.iter().max().copied().unwrap_or(0) + 1;
            doc.sub_agreements.push(SubAgreement { number, title: format!("Delaftale {number}"), services: Vec::new(), valid: Interval::starting(Date::from_ymd(2007, 1, 1).unwrap()), revisions: Vec::new(), placeholder: true, note: channel(2) });
        }
        for (i, (major, minor)) in clause_numbers.iter().enumerate() {
            doc.clauses.push(Clause {
                number: format!("{major}.{minor}"),
                main_agreement: None,
                subject: ClauseSubject::ALL[i % ClauseSubject::ALL.len()],
                text: doc.cooperation.name.clone(),
                services: doc.services.iter().skip(i % 2).take(1).map(|s| s.id.clone()).collect(),
                note: channel(i % 7),
            });
        }
        for (i, date) in event_dates.iter().enumerate() {
            doc.documents.push(AgreementDocument {
                id: format!("doc-{i}"),
                kind: DocumentKind::ALL[i % DocumentKind::ALL.len()],
                title: doc.cooperation.name.clone(),
                date: *date,
                main_agreement: None,
                sub_agreements: doc.sub_agreements.iter().skip(i).map(|s| s.number).collect(),
                clauses: doc.clauses.iter().take(i).map(|c| c.number.clone()).collect(),
                url: (i % 2 == 0).then(|| format!("https://example.org/{i}.pdf")),
                file: (i % 2 == 1).then(|| format!("docs/{i}.pdf")),
                sha256: (i == 1).then(|| "ab".repeat(32)),
                source: channel(3),
                note: channel(4),
            });
        }
        for (i, (from, public)) in role_dates.into_iter().enumerate() {
            doc.roles.push(RoleHolder {
                id: format!("role-{i}"),
                person: doc.cooperation.name.clone(),
                role: "formand".into(),
                party: (i % 2 == 0).then(|| performer.clone()),
                from,
                to: None,
                public,
                source: channel(5),
                note: channel(6),
            });
        }
        if let Some((value, approximate, date)) = figure {
            doc.figures.push(Figure { id: "borgere".into(), subject: "borgere".into(), value, approximate, named: Vec::new(), date, source: channel(0), note: channel(1) });
        }
        let event_dates_first = event_dates.first().copied().flatten();
        for (i, date) in event_dates.into_iter().enumerate() {
            doc.events.push(Occurrence {
                id: format!("event-{i}"),
                kind: EventKind::ALL[i % EventKind::ALL.len()],
                date,
                subject: doc.cooperation.name.clone(),
                participants: vec![performer.clone()],
                place: channel(i % 7),
                source: None,
                note: channel((i + 1) % 7),
            });
        }
        if let Some(counts) = referendum {
            doc.decisions.push(Decision { id: "afstemning".into(), kind: DecisionKind::Referendum, date: event_dates_first, body: Some(performer.clone()), subject: "s".into(), referendum: Some(counts), note: None });
        }
        doc.obligations.push(Obligation {
            id: "wheel".into(),
            title: Names { en: Some(obligation_title), ..Names::default() },
            owners: vec![performer.clone()],
            role: None,
            sub_agreement: doc.sub_agreements.first().map(|s| s.number),
            due,
            shift,
            valid: Interval::starting(samvirke_core::Date::from_ymd(2020, 1, 1).unwrap()),
            clause: None,
            note: channels[3].clone(),
        });
        // The moves that lead to `status`, one day apart.
        use CandidateStatus::*;
        let path: Vec<CandidateStatus> = match status {
            Identified => vec![],
            Dropped => vec![Dropped],
            _ => [Assessed, Prioritised, Decided, Established].into_iter().take_while(|s| *s <= status).collect(),
        };
        let transitions = path.iter().enumerate().map(|(i, to)| Transition {
            to: *to,
            on: Date::from_days_since_epoch(moved_on.days_since_epoch() + i as i32),
            reason: justification.clone(),
        }).collect();
        doc.candidate_areas.push(CandidateArea {
            id: "area".into(),
            area: "Area".into(),
            kind: Some(CandidateKind::Staff),
            participants: vec![performer.clone()],
            expected_gains: gains,
            status,
            note: None,
            deliveries: vec![Delivery {
                party: performer.clone(),
                how: DeliveryKind::Own,
                staff_years_hundredths: staff_years,
                yearly_cost_minor: cost,
                currency: cost.map(|_| "DKK".to_string()),
                volume: Some(120),
                unit: Some(justification.clone()),
                cooperation: None,
                outside: None,
                note: None,
            }],
            assessments: vec![Assessment {
                party: performer,
                scores: [("need".to_string(), scores[0]), ("local-fit".to_string(), scores[1])].into_iter().collect(),
                justifications: [("need".to_string(), justification.clone())].into_iter().collect(),
                justification: Some(justification.clone()),
                on: Some(moved_on),
                illustrative: scores[0] % 2 == 0,
            }],
            transitions,
        });
        doc.evaluations.push(Evaluation {
            party: doc.cooperation.parties[0].id.clone(),
            on: moved_on,
            sub_agreement: doc.sub_agreements.first().map(|s| s.number),
            delivers: verdicts[0],
            value_for_money: verdicts[1],
            reasons: justification.clone(),
            evidence: vec![justification.clone()],
            note: channels[4].clone(),
        });
        doc.mapping = Some(Mapping {
            criteria: vec![
                Criterion { id: "need".into(), group: CriterionGroup::Feasibility, weight: weights[0].max(1), names: None },
                Criterion { id: "local-fit".into(), group: CriterionGroup::Gain, weight: weights[1], names: Some(Names { en: Some(justification), ..Names::default() }) },
            ],
            prioritised_count,
            note: None,
        });
        doc.canonicalise();
        doc
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn write_then_read_gives_the_same_document(doc in document()) {
        let text = write_toml(&doc);
        let parsed = parse_file("generated.toml", &text).map_err(|e| TestCaseError::fail(format!("{text}\n{e:#?}")))?;
        prop_assert_eq!(&parsed.doc, &doc);
        prop_assert_eq!(write_toml(&parsed.doc), text);
    }

    #[test]
    fn facts_reassemble_the_document(doc in document()) {
        let mut facts = doc.to_facts();
        facts.reverse();
        prop_assert_eq!(CooperationDoc::from_facts(&facts).unwrap(), doc);
    }
}

/// The Dragør–Tårnby yearly wheel from the example file, with the dates checked by hand against the
/// calendar: 31 January 2026 is a Saturday, 1 February 2025 a Saturday and 2026 a Sunday, 31 May a
/// Saturday in 2025 and a Sunday in 2026; 30 June is a Monday in 2025 and a Tuesday in 2026.
#[test]
fn the_dragoer_taarnby_wheel_for_2025_and_2026() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/cooperations/dragoer-taarnby.toml"
    );
    let parsed =
        samvirke_core::format::parse_file(path, &std::fs::read_to_string(path).unwrap()).unwrap();
    let doc = parsed.doc;
    assert_eq!(doc.obligations.len(), 4);
    let dates = |year: i32| -> Vec<(String, String)> {
        let from = samvirke_core::Date::from_ymd(year, 1, 1).unwrap();
        let to = samvirke_core::Date::from_ymd(year, 12, 31).unwrap();
        let mut out: Vec<(String, String)> = doc
            .obligations
            .iter()
            .flat_map(|o| {
                samvirke_core::due::occurrences(o, doc.cooperation.country, from, to)
                    .unwrap()
                    .into_iter()
                    .map(|d| (d.to_string(), o.id.clone()))
            })
            .collect();
        out.sort();
        out
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        dates(2025),
        pairs(&[
            ("2025-01-31", "aarsrapportering"),
            ("2025-02-03", "skabelon-og-aarshjul"),
            ("2025-05-30", "bestilling"),
            ("2025-06-30", "betalingsaftaler"),
        ])
    );
    assert_eq!(
        dates(2026),
        pairs(&[
            ("2026-01-30", "aarsrapportering"),
            ("2026-02-02", "skabelon-og-aarshjul"),
            ("2026-05-29", "bestilling"),
            ("2026-06-30", "betalingsaftaler"),
        ])
    );
    // Before the wheel applied (2020), nothing.
    assert!(dates(2019).is_empty());
}

/// Mistakes in an `[[obligation]]` are reported with their field and the fix.
#[test]
fn obligation_mistakes_name_the_field() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/cooperations/dragoer-taarnby.toml"
    );
    let good = std::fs::read_to_string(path).unwrap();
    let broken = good
        .replacen(
            "due = { kind = \"end_of_month\", month = 5 }",
            "due = { kind = \"ultimo\", month = 5 }",
            1,
        )
        .replacen(
            "due = { kind = \"end_of_month\", month = 6 }",
            "due = { kind = \"fixed_day\", month = 2, day = 30 }",
            1,
        )
        .replacen(
            "owners = [\"DK-0155\", \"DK-0185\"]",
            "owners = [\"DK-0155\", \"DK-0101\"]",
            1,
        );
    let errors = samvirke_core::format::parse_file("d.toml", &broken).unwrap_err();
    let text: Vec<String> = errors
        .iter()
        .map(|d| format!("{}: {}", d.field, d.message))
        .collect();
    assert!(
        text.iter().any(|t| t.contains("obligation[2].due.kind")
            && t.contains("\"ultimo\" is not a kind of due date")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("obligation[3].due")
                && t.contains("day 30 does not exist in month 2")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|t| t.contains("obligation[1].owners[1]")),
        "{text:#?}"
    );
    assert!(errors.iter().all(|d| d.line > 0));
}
