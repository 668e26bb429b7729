//! The synthetic registry the benchmarks share (the resolver benchmark here, the scenario
//! benchmark in `samvirke-settle`): every DK, SE and NO municipality, each of 15 services split
//! over groups of 2–5 neighbours, about 3,200 cooperations, from a fixed seed.

use samvirke_core::ids::{CooperationId, Country, MunicipalityId, PartyId, ServiceId};
use samvirke_core::model::*;
use samvirke_core::{Date, Interval, MunicipalityRegister};

/// A small deterministic generator (xorshift64*), so runs are comparable.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub const SERVICES_N: usize = 15;
pub const DAY_FIRST: i32 = 12_784; // 2005-01-01
pub const DAYS_SPAN: i32 = 365 * 22;

pub fn d(days: i32) -> Date {
    Date::from_days_since_epoch(days)
}

/// Every service is split over all municipalities into groups of 2–5 neighbours in random order;
/// each group is one cooperation with 1–3 consecutive delegations (take-backs move the performer).
pub fn synthetic(rng: &mut Rng) -> (Vec<CooperationDoc>, Vec<MunicipalityId>) {
    let today = Date::parse("2025-01-01").unwrap_or(d(0));
    let municipalities: Vec<MunicipalityId> = MunicipalityRegister::embedded()
        .in_force_on(today, None)
        .iter()
        .map(|v| v.id)
        .collect();
    let mut docs = Vec::new();
    for s in 0..SERVICES_N {
        let service_id =
            ServiceId::parse(&format!("service-{s:02}")).unwrap_or_else(|e| panic!("{e}"));
        for country in Country::ALL {
            let mut pool: Vec<MunicipalityId> = municipalities
                .iter()
                .copied()
                .filter(|m| m.country() == country)
                .collect();
            for i in (1..pool.len()).rev() {
                pool.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let mut idx = 0;
            while idx + 1 < pool.len() {
                let size = (2 + rng.below(4) as usize).min(pool.len() - idx);
                let members = &pool[idx..idx + size];
                idx += size;
                let id = CooperationId::parse(&format!(
                    "syn-{s:02}-{}-{:04}",
                    country.code().to_lowercase(),
                    docs.len()
                ))
                .unwrap_or_else(|e| panic!("{e}"));
                let mut delegations = Vec::new();
                let mut from = DAY_FIRST + rng.below(3 * 365) as i32;
                for period in 0..(1 + rng.below(3)) {
                    let last = period == 2 || rng.below(2) == 0;
                    let to = if last {
                        None
                    } else {
                        Some(from + 365 + rng.below((DAYS_SPAN / 3) as u64) as i32)
                    };
                    let performer = members[rng.below(members.len() as u64) as usize];
                    let valid = Interval::new(d(from), to.map(d)).unwrap_or_else(|e| panic!("{e}"));
                    delegations.push(Delegation {
                        service: service_id.clone(),
                        performer: PartyId::Municipality(performer),
                        for_municipalities: members.to_vec(),
                        valid,
                        sub_agreement: None,
                        clause: None,
                        contact: None,
                        complaints_to: None,
                        documents_access_to: None,
                        data_access_to: None,
                        note: None,
                    });
                    match to {
                        Some(t) => from = t,
                        None => break,
                    }
                }
                let cooperation = Cooperation {
                    id,
                    name: format!("Synthetic cooperation {}", docs.len()),
                    country,
                    legal_form: match country {
                        Country::Dk => LegalForm::DkAgreement,
                        Country::Se => LegalForm::SeAgreement,
                        Country::No => LegalForm::NoHost,
                    },
                    status: CooperationStatus::InForce,
                    language: Language::En,
                    purpose: None,
                    valid: None,
                    parties: members
                        .iter()
                        .map(|m| Party {
                            id: PartyId::Municipality(*m),
                            roles: Vec::new(),
                            joined: None,
                            left: None,
                            org_number: None,
                            invoicing: None,
                            note: None,
                        })
                        .collect(),
                    organisations: Vec::new(),
                    term: None,
                    sources: Vec::new(),
                    settlements: Default::default(),
                    note: None,
                };
                let service = Service {
                    id: service_id.clone(),
                    names: Names {
                        en: Some(format!("Service {s}")),
                        ..Names::default()
                    },
                    legal_basis: Vec::new(),
                    public_code: None,
                    note: None,
                };
                docs.push(CooperationDoc {
                    services: vec![service],
                    delegations,
                    ..CooperationDoc::new(cooperation)
                });
            }
        }
    }
    (docs, municipalities)
}

/// A population key over `doc`'s parties as agreement-file TOML, for the benchmarks that settle:
/// the `payers` list, the `population` table's entries and the `services` list, each ready to go
/// between brackets or braces.
#[allow(dead_code)] // the resolver benchmark settles nothing
pub fn population_key_toml(doc: &CooperationDoc) -> (String, String, String) {
    let payers: Vec<String> = doc
        .cooperation
        .parties
        .iter()
        .map(|p| p.id.to_string())
        .collect();
    let population: Vec<String> = payers
        .iter()
        .enumerate()
        .map(|(i, p)| format!("\"{p}\" = {}", 20_000 + 7_919 * i))
        .collect();
    let services: Vec<String> = doc
        .services
        .iter()
        .map(|s| format!("\"{}\"", s.id))
        .collect();
    let quoted: Vec<String> = payers.iter().map(|p| format!("\"{p}\"")).collect();
    (
        quoted.join(", "),
        population.join(", "),
        services.join(", "),
    )
}
