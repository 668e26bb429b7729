//! What to invoice for a settled year, as money: every payer's aconto instalments and year-end
//! true-up (`dues`), set against what has already been issued (`plan`): an item not yet invoiced
//! gets an invoice (or, for a negative true-up, a credit note); an item whose amount a later run
//! changed gets a new invoice or credit note for the difference, never a changed one. Numbers are
//! unique per seller (`next_number`). The UBL document is written by `samvirke-report::invoice`.

use samvirke_core::Date;
use samvirke_core::model::{InvoiceItem, IssuedInvoice, VatTreatment};

use crate::statement::Statement;

/// One amount a payer owes (or is owed) under one payment agreement for the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    /// The payment agreement's sub-agreement.
    pub sub_agreement: u32,
    /// The first day of the payment agreement.
    pub agreement_from: Date,
    /// The sub-agreement's title.
    pub title: String,
    /// Who is paid (the seller).
    pub payee: String,
    /// Who pays (the buyer).
    pub payer: String,
    /// What it is for.
    pub item: InvoiceItem,
    /// How many instalments the year has.
    pub instalments: u32,
    /// The amount, before VAT: positive owed, negative refunded.
    pub amount_minor: i64,
    /// When an instalment falls due.
    pub due: Option<Date>,
    /// For a true-up: the payer's actual share, savings credit and aconto paid.
    pub true_up: Option<TrueUpParts>,
}

/// The parts of a true-up: actual share − savings credit − aconto.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrueUpParts {
    /// The actual share.
    pub actual_minor: u64,
    /// The savings credit.
    pub savings_minor: u64,
    /// The aconto paid (the budget share).
    pub aconto_minor: u64,
}

/// Every instalment and true-up of the statement, in statement order.
pub fn dues(statement: &Statement) -> Vec<Due> {
    let mut out = Vec::new();
    for a in &statement.agreements {
        // A host that pays its own part does not invoice itself.
        for p in a.payers.iter().filter(|p| p.payer != a.payee) {
            let base = |item, amount_minor, due, true_up| Due {
                sub_agreement: a.sub_agreement,
                agreement_from: a.valid.from(),
                title: a.title.clone(),
                payee: a.payee.clone(),
                payer: p.payer.clone(),
                item,
                instalments: p.aconto.len() as u32,
                amount_minor,
                due,
                true_up,
            };
            for (i, inst) in p.aconto.iter().enumerate() {
                out.push(base(
                    InvoiceItem::Instalment {
                        number: i as u32 + 1,
                    },
                    inst.amount_minor as i64,
                    Some(inst.due),
                    None,
                ));
            }
            if let (Some(t), Some(actual)) = (p.true_up_minor, p.actual_minor) {
                out.push(base(
                    InvoiceItem::TrueUp,
                    t,
                    None,
                    Some(TrueUpParts {
                        actual_minor: actual,
                        savings_minor: p.savings_minor,
                        aconto_minor: p.aconto.iter().map(|i| i.amount_minor).sum(),
                    }),
                ));
            }
        }
    }
    out
}

/// A document to issue: the amount it adds to its item and what it corrects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The item.
    pub due: Due,
    /// What the document adds to the item, before VAT (positive: an invoice; negative: a credit
    /// note).
    pub net_minor: i64,
    /// Whether documents for the item were issued before (this one is for the difference).
    pub difference: bool,
    /// The invoices a credit note refers to: the item's own invoices, or for a first, negative
    /// true-up the payer's instalment invoices of the year.
    pub corrects: Vec<String>,
}

/// Whether `i` was issued for `due`'s item.
fn same_item(i: &IssuedInvoice, year: i32, due: &Due) -> bool {
    i.year == year
        && i.sub_agreement == due.sub_agreement
        && i.agreement_from == due.agreement_from
        && i.buyer == due.payer
        && i.seller == due.payee
        && i.item == due.item
}

/// The documents still to issue for `dues`, given what was issued before (`issued`, any order):
/// for each item, the difference between its amount and what its documents add up to.
pub fn plan(year: i32, dues: &[Due], issued: &[&IssuedInvoice]) -> Vec<Planned> {
    let mut out = Vec::new();
    for due in dues {
        let mine: Vec<&&IssuedInvoice> =
            issued.iter().filter(|i| same_item(i, year, due)).collect();
        let so_far: i64 = mine.iter().map(|i| i.net_minor).sum();
        let net = due.amount_minor - so_far;
        if net == 0 {
            continue;
        }
        let mut corrects: Vec<String> = if net < 0 {
            let own: Vec<String> = mine
                .iter()
                .filter(|i| !i.credit_note)
                .map(|i| i.number.clone())
                .collect();
            if own.is_empty() {
                issued
                    .iter()
                    .filter(|i| {
                        !i.credit_note
                            && i.year == year
                            && i.sub_agreement == due.sub_agreement
                            && i.agreement_from == due.agreement_from
                            && i.buyer == due.payer
                            && i.seller == due.payee
                            && matches!(i.item, InvoiceItem::Instalment { .. })
                    })
                    .map(|i| i.number.clone())
                    .collect()
            } else {
                own
            }
        } else {
            Vec::new()
        };
        corrects.sort();
        out.push(Planned {
            due: due.clone(),
            net_minor: net,
            difference: !mine.is_empty(),
            corrects,
        });
    }
    out
}

/// The last number `seller` has used (`DK-0185-000007` → 7; 0 before the first), among `taken`
/// (numbers of any seller, across all cooperations).
pub fn last_number<'a>(seller: &str, taken: impl IntoIterator<Item = &'a str>) -> u64 {
    taken
        .into_iter()
        .filter_map(|n| {
            n.strip_prefix(seller)?
                .strip_prefix('-')?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0)
}

/// The number of `seller`'s `seq`th document: `DK-0185-000007`.
pub fn number(seller: &str, seq: u64) -> String {
    format!("{seller}-{seq:06}")
}

/// The next free number of `seller` (`DK-0185-000007`), after every number in `taken` (the
/// seller's numbers across all cooperations).
pub fn next_number<'a>(seller: &str, taken: impl IntoIterator<Item = &'a str>) -> String {
    number(seller, last_number(seller, taken) + 1)
}

/// The VAT on `net_minor` (a positive amount) under `vat`, rounded half up to the minor unit.
pub fn vat_on(net_minor: u64, vat: &VatTreatment) -> u64 {
    match vat {
        VatTreatment::OutsideScope => 0,
        VatTreatment::Standard { percent } => {
            let x = u128::from(net_minor) * u128::from(*percent);
            ((x + 50) / 100) as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issued(number: &str, item: InvoiceItem, net: i64) -> IssuedInvoice {
        IssuedInvoice {
            number: number.into(),
            seller: "DK-0185".into(),
            buyer: "DK-0155".into(),
            year: 2024,
            sub_agreement: 1,
            agreement_from: Date::parse("2021-09-01").unwrap(),
            item,
            credit_note: net < 0,
            net_minor: net,
            payable_minor: net.unsigned_abs(),
            currency: "DKK".into(),
            issued: Date::parse("2024-01-02").unwrap(),
            due: None,
            run_event: 1,
            corrects: Vec::new(),
            xml: String::new(),
        }
    }

    fn due(item: InvoiceItem, amount: i64) -> Due {
        Due {
            sub_agreement: 1,
            agreement_from: Date::parse("2021-09-01").unwrap(),
            title: "Genoptræning".into(),
            payee: "DK-0185".into(),
            payer: "DK-0155".into(),
            item,
            instalments: 12,
            amount_minor: amount,
            due: None,
            true_up: None,
        }
    }

    #[test]
    fn an_issued_item_is_not_issued_again_and_a_changed_one_gets_the_difference() {
        let first = InvoiceItem::Instalment { number: 1 };
        let a = issued("DK-0185-000001", first, 10_000);
        // Same amount: nothing to issue.
        assert!(plan(2024, &[due(first, 10_000)], &[&a]).is_empty());
        // Raised: an invoice for the difference.
        let p = plan(2024, &[due(first, 10_250)], &[&a]);
        assert_eq!((p[0].net_minor, p[0].difference), (250, true));
        // Lowered: a credit note that corrects the first invoice.
        let p = plan(2024, &[due(first, 9_000)], &[&a]);
        assert_eq!(p[0].net_minor, -1_000);
        assert_eq!(p[0].corrects, vec!["DK-0185-000001".to_string()]);
        // A first, negative true-up corrects the instalment invoices.
        let p = plan(2024, &[due(InvoiceItem::TrueUp, -500)], &[&a]);
        assert_eq!((p[0].net_minor, p[0].difference), (-500, false));
        assert_eq!(p[0].corrects, vec!["DK-0185-000001".to_string()]);
    }

    #[test]
    fn numbers_follow_the_sellers_highest() {
        assert_eq!(next_number("DK-0185", []), "DK-0185-000001");
        assert_eq!(
            next_number(
                "DK-0185",
                ["DK-0185-000002", "DK-0185-000010", "SE-1984-000099"]
            ),
            "DK-0185-000011"
        );
        assert_eq!(
            vat_on(10_001, &VatTreatment::Standard { percent: 25 }),
            2_500
        );
        assert_eq!(
            vat_on(10_002, &VatTreatment::Standard { percent: 25 }),
            2_501
        );
        assert_eq!(vat_on(10_002, &VatTreatment::OutsideScope), 0);
    }
}
