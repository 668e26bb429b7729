//! Invoice benchmark: Peppol BIS Billing 3.0 documents for every payer and every aconto instalment
//! (and the year-end true-up) of every cooperation in the synthetic registry of the resolver
//! benchmark (every DK, SE and NO municipality, about 3,200 cooperations), worked out as
//! `samvirke invoice` does: the statement again from the recorded run, the documents still to
//! issue, numbered per seller after every number the seller has used in any cooperation, and the
//! UBL written. Target: ≤ 2 s.
//!
//! The reference in the same run is settling the same year of every cooperation (the statements
//! the invoices stand on, and the runs recorded from them).
//!
//! Checked: every instalment of every payer is invoiced once, the instalments and the true-up of a
//! payer add up to its share of the actual cost, numbers never repeat, and a second pass issues
//! nothing. `--write-sample DIR` writes one document of each kind per country for validation by
//! the official Peppol rules (`scripts/bench` runs them through `tests/peppol/validate`).
//!
//! `cargo bench -p samvirke-report --bench invoices` prints the figures (`SAMVIRKE_BENCH_QUICK=1`
//! runs once).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use samvirke_core::format::{parse_file, write_toml};
use samvirke_core::model::{
    Account, CooperationDoc, InvoiceItem, Invoicing, IssuedInvoice, SettlementRecord,
};
use samvirke_core::{Country, Date, PartyId};
use samvirke_i18n::Lang;
use samvirke_report::invoice::{Selection, prepare};
use samvirke_settle::recorded::record;
use samvirke_settle::statement::settle_year;

#[path = "../../samvirke-core/benches/synthetic/mod.rs"]
mod synthetic;

/// The settled year.
const YEAR: i32 = 2028;

/// Digits of `n`, `len` long with leading zeros.
fn digits(n: u64, len: usize) -> Vec<u32> {
    format!("{n:0len$}")
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect()
}

fn text(d: &[u32]) -> String {
    d.iter().filter_map(|x| char::from_digit(*x, 10)).collect()
}

/// A weighted modulus-11 number (CVR, Norwegian organisation number) from `seed` upwards: the
/// first body whose check digit is not 10.
fn mod11(mut seed: u64, len: usize, weights: &[u32]) -> String {
    loop {
        let mut d = digits(seed, len);
        let sum: u32 = d.iter().zip(weights).map(|(a, b)| a * b).sum();
        match 11 - sum % 11 {
            10 => seed += 1,
            11 => {
                d.push(0);
                return text(&d);
            }
            c => {
                d.push(c);
                return text(&d);
            }
        }
    }
}

/// A Swedish organisation number with the Luhn check digit: `212000NNNC`.
fn luhn(body: &str) -> String {
    let d: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, n)| {
            if i % 2 == 0 {
                let x = n * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                *n
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// An IBAN with valid check digits for `country` and a national part of `bban` digits.
fn iban(country: &str, bban: &str) -> String {
    let moved = format!("{bban}{country}00");
    let mut rem: u64 = 0;
    for c in moved.chars() {
        let v = if c.is_ascii_digit() {
            u64::from(c as u8 - b'0')
        } else {
            u64::from(c as u8 - b'A' + 10)
        };
        rem = if v > 9 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    format!("{country}{:02}{bban}", 98 - rem)
}

/// A made-up legal identifier with valid check digits for a municipality (`code`).
fn org_number(country: Country, code: u64) -> String {
    match country {
        Country::Dk => mod11(2_000_000 + code * 37, 7, &[2, 7, 6, 5, 4, 3, 2]),
        Country::Se => luhn(&format!("212000{:03}", code % 1000)),
        Country::No => mod11(94_000_000 + code * 13, 8, &[3, 2, 7, 6, 5, 4, 3, 2]),
    }
}

/// The invoicing details of a payee.
fn invoicing(country: Country, code: u64) -> Invoicing {
    let (cc, bban) = match country {
        Country::Dk => ("DK", format!("{:014}", 4000_0000_0000 + code)),
        Country::Se => (
            "SE",
            format!("{:020}", 5000_0000_0000_0000_0000_u128 + u128::from(code)),
        ),
        Country::No => ("NO", format!("{:011}", 15_030_000_000 + code)),
    };
    Invoicing {
        street: Some(format!("Rådhusvej {}", code % 90 + 1)),
        postal_code: Some(format!("{}", 1000 + code % 8000)),
        city: Some("Rådhuset".into()),
        account: Some(Account::Iban {
            iban: iban(cc, &bban),
            bic: None,
        }),
        ..Invoicing::default()
    }
}

fn code_of(p: &PartyId) -> u64 {
    p.to_string()
        .rsplit('-')
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// `doc` given legal identifiers, the payee's invoicing details, a sub-agreement, and a payment
/// agreement with a population key, quarterly aconto, and a budget and actual cost for the year.
/// `None` for a cooperation with no delegation to bill for.
fn billable(doc: &CooperationDoc, n: usize) -> Option<CooperationDoc> {
    let last = doc.delegations.last()?;
    let PartyId::Municipality(performer) = &last.performer else {
        return None;
    };
    let performer = PartyId::Municipality(*performer);
    let country = doc.cooperation.country;
    let mut doc = doc.clone();
    for d in &mut doc.delegations {
        d.sub_agreement = Some(1);
    }
    for p in &mut doc.cooperation.parties {
        let code = code_of(&p.id);
        p.org_number = Some(org_number(country, code));
        if p.id == performer {
            p.invoicing = Some(invoicing(country, code));
        }
    }
    let (payers, population, services) = synthetic::population_key_toml(&doc);
    let first = doc.delegations.first().map(|d| d.valid.from())?.to_string();
    let currency = match country {
        Country::Dk => "DKK",
        Country::Se => "SEK",
        Country::No => "NOK",
    };
    // Every third cooperation spends more than its budget (invoices for the true-up), the others
    // less (credit notes).
    let budget = 1_000_000 + (n as u64 % 97) * 10_000;
    let actual = if n.is_multiple_of(3) {
        budget + 54_321
    } else {
        budget - 43_210
    };
    let text = format!(
        "{}\n[[sub_agreement]]\nnumber = 1\ntitle = \"Service\"\nservices = [{services}]\nfrom = {first}\n\n[[payment_agreement]]\nsub_agreement = 1\nfrom = {first}\npayers = [{}]\npayee = \"{performer}\"\ncurrency = \"{currency}\"\nprinciple = \"By population.\"\naconto = \"quarterly\"\naconto_due_day = 15\nvat = \"outside_scope\"\n\n[payment_agreement.key]\nkind = \"population\"\nreference_date = 2026-01-01\nsource = \"synthetic\"\npopulation = {{ {} }}\n\n[[payment_agreement.year]]\nyear = {YEAR}\nbudget = \"{budget}.00\"\nactual = \"{actual}.17\"\n",
        write_toml(&doc),
        payers,
        population,
    );
    let parsed = parse_file("synthetic.toml", &text)
        .unwrap_or_else(|e| panic!("the billable cooperation reads back: {e:?}\n{text}"));
    Some(parsed.doc)
}

/// Settles `YEAR` of every cooperation: the runs to record.
fn settle_all(docs: &[CooperationDoc]) -> Vec<SettlementRecord> {
    docs.iter()
        .map(|d| {
            let s = settle_year(d, YEAR, &[])
                .unwrap_or_else(|e| panic!("{} settles: {e}", d.cooperation.id));
            record(&s, &[], Vec::new())
        })
        .collect()
}

/// Issues every document of `YEAR` for every cooperation, as `samvirke invoice` would one
/// cooperation after another, numbering after what each seller issued before.
fn invoice_all(
    docs: &[CooperationDoc],
    runs: &[SettlementRecord],
    before: &BTreeMap<String, Vec<IssuedInvoice>>,
    today: Date,
) -> BTreeMap<String, Vec<IssuedInvoice>> {
    let mut by_seller = before.clone();
    for (i, (doc, run)) in docs.iter().zip(runs).enumerate() {
        let sellers: BTreeSet<String> = doc
            .payment_agreements
            .iter()
            .map(|a| a.payee.to_string())
            .collect();
        let issued: Vec<&IssuedInvoice> = sellers
            .iter()
            .filter_map(|s| by_seller.get(s))
            .flatten()
            .collect();
        let prepared = prepare(
            doc,
            YEAR,
            run,
            i as u64 + 1,
            &issued,
            &Selection::default(),
            today,
            Lang::En,
        )
        .unwrap_or_else(|e| panic!("{} invoices: {:?}", doc.cooperation.id, e.0));
        for invoice in prepared.new {
            by_seller
                .entry(invoice.seller.clone())
                .or_default()
                .push(invoice);
        }
    }
    by_seller
}

fn main() {
    let quick = std::env::var("SAMVIRKE_BENCH_QUICK").is_ok();
    let runs = if quick { 1 } else { 5 };
    let sample_dir = std::env::args()
        .skip_while(|a| a != "--write-sample")
        .nth(1)
        .map(PathBuf::from);
    let mut rng = synthetic::Rng(0x5A_4D_56_49_52_4B_45);
    let (docs, municipalities) = synthetic::synthetic(&mut rng);
    let docs: Vec<CooperationDoc> = docs
        .iter()
        .enumerate()
        .filter_map(|(n, d)| billable(d, n))
        .collect();
    let today = Date::parse("2028-01-10").unwrap_or_else(|e| panic!("{e}"));

    let mut ref_best = f64::MAX;
    let mut records = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        records = settle_all(&docs);
        ref_best = ref_best.min(start.elapsed().as_secs_f64());
    }

    let mut best = f64::MAX;
    let mut issued = BTreeMap::new();
    for _ in 0..runs {
        let start = Instant::now();
        issued = invoice_all(&docs, &records, &BTreeMap::new(), today);
        best = best.min(start.elapsed().as_secs_f64());
    }

    // Every payer: four instalment invoices and one true-up document, adding up to its share of
    // the actual cost; no number twice.
    let all: Vec<&IssuedInvoice> = issued.values().flatten().collect();
    let numbers: BTreeSet<&str> = all.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(numbers.len(), all.len(), "invoice numbers never repeat");
    // By run (one per cooperation) and buyer: a seller and a buyer may share several cooperations.
    let mut per_payer: BTreeMap<(u64, &str), (u32, i64)> = BTreeMap::new();
    for i in &all {
        let e = per_payer
            .entry((i.run_event, i.buyer.as_str()))
            .or_default();
        if matches!(i.item, InvoiceItem::Instalment { .. }) {
            e.0 += 1;
        }
        e.1 += i.net_minor;
    }
    let mut payers = 0;
    for (n, (doc, run)) in docs.iter().zip(&records).enumerate() {
        let seller = doc.payment_agreements[0].payee.to_string();
        for line in &run.lines {
            if line.payer == seller {
                continue;
            }
            payers += 1;
            let (instalments, net) = per_payer
                .get(&(n as u64 + 1, line.payer.as_str()))
                .copied()
                .unwrap_or_default();
            assert_eq!(instalments, 4, "{} pays four instalments", line.payer);
            let actual = line
                .actual_minor
                .unwrap_or_else(|| panic!("an actual cost"));
            assert_eq!(
                net, actual as i64,
                "{}'s documents in {} add up to its share of the actual cost",
                line.payer, doc.cooperation.id
            );
        }
    }
    let again = invoice_all(&docs, &records, &issued, today);
    assert_eq!(
        again.values().map(Vec::len).sum::<usize>(),
        all.len(),
        "a second pass issues nothing"
    );
    let credit = all.iter().filter(|i| i.credit_note).count();
    let bytes: usize = all.iter().map(|i| i.xml.len()).sum();

    if let Some(dir) = &sample_dir {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let mut kinds = BTreeSet::new();
        for i in &all {
            let kind = (
                i.seller.get(..2).unwrap_or("").to_string(),
                i.credit_note,
                matches!(i.item, InvoiceItem::TrueUp),
            );
            if kinds.insert(kind) {
                std::fs::write(dir.join(format!("{}.xml", i.number)), &i.xml)
                    .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            }
        }
    }

    println!(
        "registry: {} municipalities, {} billable synthetic cooperations, {payers} paying members",
        municipalities.len(),
        docs.len()
    );
    println!(
        "invoices for every payer, instalment and true-up of {YEAR}: {} documents ({} invoices, {credit} credit notes, {:.1} MB of UBL) in {:.1} ms (best of {runs}); numbers unique, amounts add up to each payer's share, a second pass issues nothing; target <= 2 s: {}",
        all.len(),
        all.len() - credit,
        bytes as f64 / 1e6,
        best * 1e3,
        if best <= 2.0 { "met" } else { "NOT met" }
    );
    println!(
        "reference (settling {YEAR} of every cooperation and the runs to record): {:.1} ms; invoicing takes {:.2}x the reference's time",
        ref_best * 1e3,
        best / ref_best
    );
}
