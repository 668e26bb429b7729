//! The bulk settlement against a naive reference implementation, on random files that mix the
//! forms the fast path takes (short ids, plain numbers) with those only the general path takes
//! (spaces, CRLF, long ids, `;` with decimal commas, rows too close to the end of the file).

use std::collections::BTreeMap;

use proptest::prelude::*;
use samvirke_settle::{AdhocOptions, allocate, settle_adhoc};

#[derive(Debug, Clone)]
struct Row {
    agreement: String,
    municipality: String,
    day: u32,
    hundredths: u64,
    padded: bool,
}

fn id(prefix: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        (0u32..6).prop_map(move |n| format!("{prefix}{n}")),
        (0u32..4).prop_map(move |n| format!("{prefix}-a-rather-long-identifier-{n}")),
    ]
}

fn row() -> impl Strategy<Value = Row> {
    (id("A"), id("m"), 1u32..28, 0u64..100_000, any::<bool>()).prop_map(
        |(agreement, municipality, day, hundredths, padded)| Row {
            agreement,
            municipality,
            day,
            hundredths,
            padded,
        },
    )
}

fn units_text(h: u64, decimal: char) -> String {
    match h % 3 {
        0 if h.is_multiple_of(100) => format!("{}", h / 100),
        1 if h.is_multiple_of(10) => format!("{}{decimal}{}", h / 100, (h % 100) / 10),
        _ => format!("{}{decimal}{:02}", h / 100, h % 100),
    }
}

fn reference(rows: &[Row], costs: &BTreeMap<String, u64>) -> String {
    let mut sums: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for r in rows {
        *sums
            .entry(&r.agreement)
            .or_default()
            .entry(&r.municipality)
            .or_insert(0) += r.hundredths;
    }
    let mut out = String::from("agreement,municipality,units,amount\n");
    for (agreement, members) in &sums {
        let weights: Vec<u64> = members.values().copied().collect();
        let allocation = allocate(costs[*agreement], &weights).unwrap();
        for ((m, units), share) in members.iter().zip(&allocation.shares) {
            out.push_str(&format!(
                "{agreement},{m},{}.{:02},{}.{:02}\n",
                units / 100,
                units % 100,
                share.amount / 100,
                share.amount % 100
            ));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn same_answer_as_the_reference(rows in proptest::collection::vec(row(), 1..400), semicolon in any::<bool>(), crlf in any::<bool>(), threads in 1usize..4, cost_seed in any::<u64>()) {
        let (delimiter, decimal) = if semicolon { (';', ',') } else { (',', '.') };
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut activity = format!("agreement{delimiter}municipality{delimiter}date{delimiter}units{eol}");
        for r in &rows {
            let pad = if r.padded { " " } else { "" };
            activity.push_str(&format!("{pad}{}{pad}{delimiter}{}{delimiter}2024-02-{:02}{delimiter}{pad}{}{eol}", r.agreement, r.municipality, r.day, units_text(r.hundredths, decimal)));
        }
        let mut costs: BTreeMap<String, u64> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            costs.entry(r.agreement.clone()).or_insert((cost_seed.rotate_left(i as u32) % 10_000_000_000) + 1);
        }
        // An agreement whose rows all have zero units cannot be split; keep those out of the case.
        let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
        for r in &rows {
            *totals.entry(&r.agreement).or_insert(0) += r.hundredths;
        }
        prop_assume!(totals.values().all(|t| *t > 0));
        let costs_text = std::iter::once(format!("agreement{delimiter}cost{eol}")).chain(costs.iter().map(|(a, c)| format!("{a}{delimiter}{}{decimal}{:02}{eol}", c / 100, c % 100))).collect::<String>();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("costs.csv"), &costs_text).unwrap();
        std::fs::write(dir.path().join("activity.csv"), &activity).unwrap();
        let (parts, summary) = settle_adhoc(&dir.path().join("costs.csv"), &dir.path().join("activity.csv"), &AdhocOptions { threads, progress: false }).unwrap();
        prop_assert_eq!(summary.rows, rows.len() as u64);
        prop_assert_eq!(String::from_utf8(parts.concat()).unwrap(), reference(&rows, &costs));
    }
}
