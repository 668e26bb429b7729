//! Scenario benchmark: a take-back in one cooperation of the synthetic registry of the resolver
//! benchmark (every DK, SE and NO municipality, about 3,200 cooperations), worked out as
//! `samvirke scenario show` does: the scenario applied to a copy of the registry, the citizen diff
//! and every payer's money before and after. Target: ≤ 200 ms.
//!
//! The reference in the same run is the plain way to the same citizen diff: rebuild the registry
//! with the changed cooperation and ask the resolver about every municipality and every service,
//! before and after, on the day of the change. Both must find the same citizens.
//!
//! `cargo bench -p samvirke-settle --bench scenario` prints the figures (`SAMVIRKE_BENCH_QUICK=1`
//! runs once).

use std::collections::BTreeSet;
use std::time::Instant;

use samvirke_core::format::{parse_file, write_toml};
use samvirke_core::model::*;
use samvirke_core::scenario::evaluate;
use samvirke_core::{Date, PartyId, Registry};
use samvirke_settle::scenario::report;

#[path = "../../samvirke-core/benches/synthetic/mod.rs"]
mod synthetic;

/// The day the take-back takes effect: six months' notice to the end of a year, given on the day
/// the scenario is prepared (2026-07-01), misses 2027 and lands on 2028-01-01, a holiday; the next
/// working day is Monday 3 January.
const FROM: &str = "2028-01-03";

/// The first Danish cooperation with at least three members and a delegation still in force in
/// 2028, given a sub-agreement, a payment agreement with a population key and a 2028 budget, a
/// term with six months' notice, and a scenario in which a member that does not perform takes the
/// service back.
fn prepared(docs: &[CooperationDoc]) -> (CooperationDoc, Scenario) {
    let from = Date::parse(FROM).unwrap_or_else(|e| panic!("{e}"));
    let doc = docs
        .iter()
        .find(|d| {
            d.cooperation.country == samvirke_core::Country::Dk
                && d.cooperation.parties.len() >= 3
                && d.delegations.last().is_some_and(|x| {
                    x.valid.to().is_none()
                        && x.valid.from() < Date::parse("2026-01-01").unwrap_or(from)
                })
        })
        .unwrap_or_else(|| panic!("the synthetic registry has a Danish cooperation of three"));
    let mut doc = doc.clone();
    for d in &mut doc.delegations {
        d.sub_agreement = Some(1);
    }
    let last = doc
        .delegations
        .last()
        .cloned()
        .unwrap_or_else(|| panic!("a delegation"));
    let PartyId::Municipality(performer) = last.performer else {
        panic!("a municipality performs")
    };
    let member = *last
        .for_municipalities
        .iter()
        .find(|m| **m != performer)
        .unwrap_or_else(|| panic!("a member that does not perform"));
    let (payers, population, services) = synthetic::population_key_toml(&doc);
    let first = doc.delegations.first().map_or(from, |d| d.valid.from());
    let text = format!(
        "{}\n[cooperation.term]\nstart = {first}\nnotice_period_months = 6\nnotice_anchor = \"end_of_year\"\n\n[[sub_agreement]]\nnumber = 1\ntitle = \"Service\"\nservices = [{services}]\nfrom = {first}\n\n[[payment_agreement]]\nsub_agreement = 1\nfrom = {first}\npayers = [{}]\npayee = \"{performer}\"\ncurrency = \"DKK\"\nprinciple = \"By population.\"\n\n[payment_agreement.key]\nkind = \"population\"\nreference_date = 2026-01-01\nsource = \"synthetic\"\npopulation = {{ {} }}\n\n[[payment_agreement.year]]\nyear = 2028\nbudget = \"1000000.00\"\n\n[[scenario]]\nid = \"take-back\"\nname = \"A member takes the service back\"\nprepared = 2026-07-01\n\n[[scenario.change]]\nkind = \"take_back\"\nmember = \"{member}\"\nservices = [{services}]\nfrom = {FROM}\n",
        write_toml(&doc),
        payers,
        population,
    );
    let parsed = parse_file("synthetic.toml", &text)
        .unwrap_or_else(|e| panic!("the prepared cooperation reads back: {e:?}\n{text}"));
    let scenario = parsed.doc.scenarios[0].clone();
    (parsed.doc, scenario)
}

/// The plain way: the registry rebuilt with the changed documents, every municipality and service
/// asked before and after on the day of the change.
fn full_matrix_diff(
    base: &Registry,
    changed: &[CooperationDoc],
    on: Date,
) -> BTreeSet<(String, String)> {
    let mut docs: Vec<CooperationDoc> = base
        .cooperations()
        .iter()
        .filter(|d| !changed.iter().any(|c| c.cooperation.id == d.cooperation.id))
        .cloned()
        .collect();
    docs.extend(changed.iter().cloned());
    let after = Registry::from_documents(docs);
    let mut out = BTreeSet::new();
    let municipalities = samvirke_core::MunicipalityRegister::embedded().in_force_on(on, None);
    for m in municipalities {
        for s in base.service_ids() {
            let before = base.who(m.id, s.as_str(), on, None);
            let now = after.who(m.id, s.as_str(), on, None);
            if let (Ok(b), Ok(a)) = (before, now)
                && b.responsible != a.responsible
            {
                out.insert((m.id.to_string(), s.to_string()));
            }
        }
    }
    out
}

fn main() {
    let quick = std::env::var("SAMVIRKE_BENCH_QUICK").is_ok();
    let runs = if quick { 1 } else { 5 };
    let mut rng = synthetic::Rng(0x5A_4D_56_49_52_4B_45);
    let (mut docs, municipalities) = synthetic::synthetic(&mut rng);
    let (doc, scenario) = prepared(&docs);
    let id = doc.cooperation.id.clone();
    let members = doc.cooperation.parties.len();
    if let Some(slot) = docs.iter_mut().find(|d| d.cooperation.id == id) {
        *slot = doc;
    }
    let registry = Registry::from_documents(docs);

    let mut best = f64::MAX;
    let mut worked = None;
    for _ in 0..runs {
        let start = Instant::now();
        let outcome = evaluate(&registry, &id, &scenario)
            .unwrap_or_else(|e| panic!("the scenario works out: {e:?}"));
        let rep = report(outcome);
        best = best.min(start.elapsed().as_secs_f64());
        worked = Some(rep);
    }
    let rep = worked.unwrap_or_else(|| panic!("one run"));
    let year = rep
        .money
        .years
        .first()
        .unwrap_or_else(|| panic!("the 2028 money is worked out"));
    let before: i64 = year.payers.iter().map(|p| p.before_minor).sum();
    let after: i64 = year.payers.iter().map(|p| p.after_minor).sum();
    assert_eq!(before, 100_000_000, "the payers' shares sum to the budget");
    assert_eq!(after, 100_000_000, "and do so after the change");

    let on = Date::parse(FROM).unwrap_or_else(|e| panic!("{e}"));
    let changed = &rep
        .outcome
        .applied
        .as_ref()
        .unwrap_or_else(|| panic!("applied"))
        .after;
    let mut ref_best = f64::MAX;
    let mut reference = BTreeSet::new();
    for _ in 0..runs {
        let start = Instant::now();
        reference = full_matrix_diff(&registry, changed, on);
        ref_best = ref_best.min(start.elapsed().as_secs_f64());
    }
    let ours: BTreeSet<(String, String)> = rep
        .outcome
        .citizens
        .iter()
        .map(|c| (c.municipality.to_string(), c.service.to_string()))
        .collect();
    assert_eq!(
        ours, reference,
        "the scenario and the full matrix find the same citizens"
    );
    println!(
        "registry: {} municipalities, {} synthetic cooperations; scenario: a take-back in a cooperation of {members} members",
        municipalities.len(),
        registry.cooperations().len(),
    );
    println!(
        "scenario worked out (applied to a copy of the registry, citizen diff, money before and after for {} payers): {:.1} ms (best of {runs}); {} citizen change(s)",
        year.payers.len(),
        best * 1e3,
        ours.len()
    );
    println!(
        "reference (registry rebuilt, every municipality and service asked before and after): {:.1} ms; the same citizens; the scenario takes {:.2}x the reference's time",
        ref_best * 1e3,
        best / ref_best
    );
    println!(
        "target ≤ 200 ms: {}",
        if best <= 0.2 { "met" } else { "NOT met" }
    );
}
