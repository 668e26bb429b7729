//! A cooperation's settlement of a year, and one payer's explanation of it ("explain my bill"), as
//! a [`Document`] in the reader's language. The web's statement and explanation pages, their PDFs
//! and `samvirke settle` (text and `--explain`) start from [`statement`] and [`explanation`], so
//! that they say the same from the same code: the key and every input with its source, the
//! formula with the numbers filled in, and every rounding step that moved an øre and why.

use samvirke_core::PartyId;
use samvirke_core::model::CooperationDoc;
use samvirke_i18n::{self as i18n, Lang};
use samvirke_settle::explain::{Amount, KeyUsed, Portion, SavingStep, Step};
use samvirke_settle::statement::{AgreementSettlement, PayerLine, Statement};

use crate::{Block, Document};

/// A whole number as the language writes it (`25.900`).
fn number(lang: Lang, n: u128) -> String {
    u64::try_from(n).map_or_else(|_| n.to_string(), |n| i18n::integer(lang, n))
}

/// The sentence with its first letter in upper case.
fn sentence(text: String) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// A payer or payee id as its name.
pub fn party_name(doc: &CooperationDoc, id: &str) -> String {
    PartyId::parse(id).map_or_else(|_| id.to_string(), |p| doc.party_name(&p))
}

/// "Sub-agreement 3: Title" (the title alone when it names the number); with the days of the
/// year it covers when the statement has more than one payment agreement of the sub-agreement.
fn heading(lang: Lang, s: &Statement, a: &AgreementSettlement) -> String {
    let title = crate::annual::sheet_heading(lang, a.sub_agreement, &a.title);
    if s.agreements
        .iter()
        .filter(|x| x.sub_agreement == a.sub_agreement)
        .count()
        < 2
    {
        return title;
    }
    let (Ok(first), Ok(next)) = (
        samvirke_core::Date::from_ymd(s.year, 1, 1),
        samvirke_core::Date::from_ymd(s.year + 1, 1, 1),
    ) else {
        return title;
    };
    let from = a.valid.from().max(first);
    let to = a.valid.to().map_or(next, |t| t.min(next));
    i18n::message(
        lang,
        "settle-heading-period",
        &[
            ("title", &title),
            ("from", &i18n::date(lang, from)),
            ("to", &i18n::date(lang, to.pred())),
        ],
    )
}

/// The key in words.
pub fn key_text(lang: Lang, key: &KeyUsed) -> String {
    match key {
        KeyUsed::Fixed => i18n::t(lang, "settle-key-fixed"),
        KeyUsed::Population {
            reference_date,
            source,
        } => i18n::message(
            lang,
            "settle-key-population",
            &[
                ("date", &i18n::date(lang, *reference_date)),
                ("source", source),
            ],
        ),
        KeyUsed::Usage { unit } => i18n::message(lang, "settle-key-usage", &[("unit", unit)]),
        KeyUsed::Hybrid {
            fixed_basis_points,
            unit,
        } => i18n::message(
            lang,
            "settle-key-hybrid",
            &[
                (
                    "percent",
                    &i18n::hundredths(lang, i64::from(*fixed_basis_points)),
                ),
                ("unit", unit),
            ],
        ),
    }
}

fn amount_name(lang: Lang, amount: Amount, portion: Portion) -> String {
    let what = i18n::t(lang, &format!("settle-amount-{}", amount_id(amount)));
    match portion {
        Portion::Whole => what,
        Portion::Fixed => i18n::message(lang, "settle-portion-fixed", &[("amount", &what)]),
        Portion::Usage => i18n::message(lang, "settle-portion-usage", &[("amount", &what)]),
    }
}

fn amount_id(amount: Amount) -> &'static str {
    match amount {
        Amount::Budget => "budget",
        Amount::Actual => "actual",
        Amount::Savings => "savings",
    }
}

/// Clauses by number and subject: "punkt 3.2 (Betaling), punkt 3.4 (Deling af besparelser)".
pub fn clause_list(lang: Lang, clauses: &[samvirke_core::model::Clause]) -> String {
    clauses
        .iter()
        .map(|c| {
            format!(
                "{} ({})",
                i18n::message(lang, "clause-number", &[("number", &c.number)]),
                i18n::t(lang, &format!("clause-{}", c.subject.as_str()))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statement: per payment agreement what it costs, and per payer its key, share, aconto
/// instalments, savings credit, actual share and true-up.
pub fn statement(doc: &CooperationDoc, s: &Statement, lang: Lang) -> Document {
    let t = |key: &str| i18n::t(lang, key);
    let money = |m: u64| i18n::money(lang, m as i64, &s.currency);
    let signed = |m: i64| crate::decision::signed(lang, m, &s.currency);
    let mut blocks = Vec::new();
    blocks.push(Block::Text(t("settle-statement-intro")));
    for a in &s.agreements {
        blocks.push(Block::Heading {
            level: 1,
            text: heading(lang, s, a),
        });
        let mut terms = vec![
            (t("settle-paid-to"), party_name(doc, &a.payee)),
            (t("settle-key"), key_text(lang, &a.key_used)),
            (t("settle-budget"), money(a.budget_minor)),
            (
                t("settle-actual"),
                a.actual_minor.map_or_else(|| t("settle-not-closed"), money),
            ),
        ];
        if a.savings_minor > 0 {
            terms.push((t("settle-savings"), money(a.savings_minor)));
        }
        if !a.clauses.is_empty() {
            terms.push((t("settle-clauses"), clause_list(lang, &a.clauses)));
        }
        blocks.push(Block::Terms(terms));
        // The savings column only where the year has savings.
        let savings = a.savings_minor > 0;
        let mut header = vec![
            t("settle-col-payer"),
            t("settle-col-weight"),
            t("settle-col-budget"),
        ];
        if savings {
            header.push(t("settle-col-savings"));
        }
        header.extend([t("settle-col-actual"), t("settle-col-true-up")]);
        let mut rows: Vec<Vec<String>> = a
            .payers
            .iter()
            .map(|p| {
                let mut row = vec![
                    party_name(doc, &p.payer),
                    weight_text(lang, &a.key_used, p),
                    money(p.budget_minor),
                ];
                if savings {
                    row.push(money(p.savings_minor));
                }
                row.push(p.actual_minor.map_or_else(|| "–".to_string(), money));
                row.push(p.true_up_minor.map_or_else(|| t("settle-open"), signed));
                row
            })
            .collect();
        let mut total = vec![
            t("settle-total"),
            String::new(),
            money(a.payers.iter().map(|p| p.budget_minor).sum()),
        ];
        if savings {
            total.push(money(a.payers.iter().map(|p| p.savings_minor).sum()));
        }
        total.push(a.actual_minor.map_or_else(|| "–".to_string(), money));
        total.push(if a.payers.iter().all(|p| p.true_up_minor.is_some()) {
            signed(a.payers.iter().filter_map(|p| p.true_up_minor).sum())
        } else {
            t("settle-open")
        });
        rows.push(total);
        blocks.push(Block::Table {
            caption: i18n::message(
                lang,
                "settle-table-caption",
                &[("title", &heading(lang, s, a))],
            ),
            header,
            rows,
        });
        if let Some(table) = aconto_table(doc, s, a, lang) {
            blocks.push(table);
        }
    }
    Document {
        lang: lang.code().to_string(),
        title: i18n::message(
            lang,
            "settle-statement-title",
            &[
                ("year", &s.year.to_string()),
                ("name", &doc.cooperation.name),
            ],
        ),
        subtitle: doc.cooperation.name.clone(),
        footer: footer(doc, s, lang),
        blocks,
    }
}

/// The page footer of a statement and of an explanation.
fn footer(doc: &CooperationDoc, s: &Statement, lang: Lang) -> String {
    i18n::message(
        lang,
        "settle-statement-footer",
        &[
            ("year", &s.year.to_string()),
            ("name", &doc.cooperation.name),
        ],
    )
}

/// A payer's weight as its key counts it: parts, residents, or units.
fn weight_text(lang: Lang, key: &KeyUsed, p: &PayerLine) -> String {
    match key {
        KeyUsed::Usage { .. } | KeyUsed::Hybrid { .. } => i18n::hundredths(lang, p.weight as i64),
        _ => i18n::integer(lang, p.weight),
    }
}

/// The aconto instalments: one row per due date, one column per payer.
fn aconto_table(
    doc: &CooperationDoc,
    s: &Statement,
    a: &AgreementSettlement,
    lang: Lang,
) -> Option<Block> {
    let first = a.payers.iter().find(|p| !p.aconto.is_empty())?;
    let mut header = vec![i18n::t(lang, "settle-col-due")];
    header.extend(a.payers.iter().map(|p| party_name(doc, &p.payer)));
    let rows = first
        .aconto
        .iter()
        .enumerate()
        .map(|(i, instalment)| {
            let mut row = vec![i18n::date(lang, instalment.due)];
            row.extend(a.payers.iter().map(|p| {
                p.aconto.get(i).map_or_else(String::new, |x| {
                    i18n::money(lang, x.amount_minor as i64, &s.currency)
                })
            }));
            row
        })
        .collect();
    Some(Block::Table {
        caption: i18n::message(
            lang,
            "settle-aconto-caption",
            &[("title", &heading(lang, s, a))],
        ),
        header,
        rows,
    })
}

/// One split's table: each payer's weight, base, remainder, rank, extra øre and amount.
fn split_block(
    doc: &CooperationDoc,
    step: &Step,
    currency: &str,
    lang: Lang,
    payer: &str,
) -> Vec<Block> {
    let t = |key: &str| i18n::t(lang, key);
    let money = |m: u64| i18n::money(lang, m as i64, currency);
    match step {
        Step::Split {
            amount,
            portion,
            total_minor,
            total_weight,
            leftover,
            shares,
        } => {
            let what = amount_name(lang, *amount, *portion);
            let mut out = vec![Block::Text(sentence(i18n::message(
                lang,
                if *leftover == 0 {
                    "settle-split-exact"
                } else {
                    "settle-split"
                },
                &[
                    ("amount", &what),
                    ("total", &money(*total_minor)),
                    ("weight", &number(lang, *total_weight)),
                    ("leftover", &leftover.to_string()),
                ],
            )))];
            if let Some(me) = shares.iter().find(|x| x.payer == payer) {
                out.push(Block::Text(i18n::message(
                    lang,
                    if *leftover == 0 {
                        "settle-formula-exact"
                    } else if me.extra {
                        "settle-formula-extra"
                    } else {
                        "settle-formula-no-extra"
                    },
                    &[
                        ("payer", &party_name(doc, payer)),
                        ("total", &money(*total_minor)),
                        ("w", &number(lang, u128::from(me.weight))),
                        ("weight", &number(lang, *total_weight)),
                        ("base", &money(me.base_minor)),
                        ("remainder", &number(lang, me.remainder)),
                        ("rank", &me.rank.to_string()),
                        ("count", &shares.len().to_string()),
                        ("leftover", &leftover.to_string()),
                        ("amount", &money(me.amount_minor)),
                    ],
                )));
            }
            out.push(Block::Table {
                caption: i18n::message(lang, "settle-rounding-caption", &[("amount", &what)]),
                header: vec![
                    t("settle-col-payer"),
                    t("settle-col-weight"),
                    t("settle-col-base"),
                    t("settle-col-remainder"),
                    t("settle-col-rank"),
                    t("settle-col-extra"),
                    t("settle-col-amount"),
                ],
                rows: shares
                    .iter()
                    .map(|x| {
                        vec![
                            party_name(doc, &x.payer),
                            number(lang, u128::from(x.weight)),
                            money(x.base_minor),
                            number(lang, x.remainder),
                            x.rank.to_string(),
                            t(if x.extra {
                                "settle-extra-yes"
                            } else {
                                "settle-extra-no"
                            }),
                            money(x.amount_minor),
                        ]
                    })
                    .collect(),
            });
            out
        }
        Step::Portions {
            amount,
            total_minor,
            fixed_basis_points,
            fixed_minor,
            usage_minor,
        } => vec![Block::Text(sentence(i18n::message(
            lang,
            "settle-portions",
            &[
                ("amount", &amount_name(lang, *amount, Portion::Whole)),
                ("total", &money(*total_minor)),
                (
                    "percent",
                    &i18n::hundredths(lang, i64::from(*fixed_basis_points)),
                ),
                ("fixed", &money(*fixed_minor)),
                ("usage", &money(*usage_minor)),
            ],
        )))],
        Step::Bound {
            amount,
            payer,
            from_minor,
            to_minor,
            floor,
        } => vec![Block::Text(i18n::message(
            lang,
            if *floor {
                "settle-bound-floor"
            } else {
                "settle-bound-cap"
            },
            &[
                ("amount", &amount_name(lang, *amount, Portion::Whole)),
                ("payer", &party_name(doc, payer)),
                ("from", &money(*from_minor)),
                ("to", &money(*to_minor)),
            ],
        ))],
        Step::Resplit {
            amount,
            rest_minor,
            payers,
        } => {
            let names: Vec<String> = payers.iter().map(|p| party_name(doc, p)).collect();
            vec![Block::Text(i18n::message(
                lang,
                "settle-resplit",
                &[
                    ("amount", &amount_name(lang, *amount, Portion::Whole)),
                    ("rest", &money(*rest_minor)),
                    ("payers", &i18n::and_list(lang, &names)),
                ],
            ))]
        }
    }
}

fn saving_text(lang: Lang, s: &SavingStep, currency: &str) -> String {
    let money = |m: u64| i18n::money(lang, m as i64, currency);
    i18n::message(
        lang,
        "settle-saving",
        &[
            ("note", &s.note),
            ("date", &i18n::date(lang, s.effective)),
            ("annual", &money(s.annual_minor)),
            ("days", &s.days_in.to_string()),
            ("year_days", &s.days.to_string()),
            ("pro_rata", &money(s.pro_rata_minor)),
            (
                "percent",
                &i18n::hundredths(lang, i64::from(s.share_basis_points)),
            ),
            ("payers", &money(s.payers_minor)),
        ],
    )
}

/// How `payer`'s amounts came about, or `None` when it pays nothing under the statement.
pub fn explanation(
    doc: &CooperationDoc,
    s: &Statement,
    payer: &str,
    lang: Lang,
) -> Option<Document> {
    let t = |key: &str| i18n::t(lang, key);
    let money = |m: u64| i18n::money(lang, m as i64, &s.currency);
    let signed = |m: i64| crate::decision::signed(lang, m, &s.currency);
    let name = party_name(doc, payer);
    let mut blocks = Vec::new();
    for a in &s.agreements {
        let Some(p) = a.payers.iter().find(|p| p.payer == payer) else {
            continue;
        };
        blocks.push(Block::Heading {
            level: 1,
            text: heading(lang, s, a),
        });
        blocks.push(Block::Terms(vec![
            (t("settle-key"), key_text(lang, &a.key_used)),
            (t("settle-paid-to"), party_name(doc, &a.payee)),
            (t("settle-col-budget"), money(p.budget_minor)),
        ]));
        // Every payer's numbers in the key, with their source.
        let usage = matches!(a.key_used, KeyUsed::Usage { .. } | KeyUsed::Hybrid { .. });
        let parts = !matches!(a.key_used, KeyUsed::Usage { .. });
        let mut header = vec![t("settle-col-payer")];
        if parts {
            header.push(t(match a.key_used {
                KeyUsed::Population { .. } => "settle-col-residents",
                _ => "settle-col-parts",
            }));
        }
        if usage {
            header.push(t("settle-col-rows"));
            header.push(t("settle-col-units"));
        }
        blocks.push(Block::Heading {
            level: 2,
            text: t("settle-inputs"),
        });
        blocks.push(Block::Table {
            caption: i18n::message(
                lang,
                "settle-inputs-caption",
                &[("key", &key_text(lang, &a.key_used))],
            ),
            header,
            rows: a
                .key_inputs
                .iter()
                .map(|k| {
                    let mut row = vec![party_name(doc, &k.payer)];
                    if parts {
                        row.push(k.parts.map_or_else(String::new, |n| i18n::integer(lang, n)));
                    }
                    if usage {
                        row.push(
                            k.usage_rows
                                .map_or_else(String::new, |n| i18n::integer(lang, n)),
                        );
                        row.push(
                            k.usage_hundredths
                                .map_or_else(String::new, |n| i18n::hundredths(lang, n as i64)),
                        );
                    }
                    row
                })
                .collect(),
        });
        // The explained payer's usage month by month (what the download holds).
        if let Some(mine) = a
            .key_inputs
            .iter()
            .find(|k| k.payer == payer && !k.usage_months.is_empty())
        {
            blocks.push(Block::Table {
                caption: i18n::message(
                    lang,
                    "settle-usage-months",
                    &[("payer", &name), ("year", &s.year.to_string())],
                ),
                header: vec![
                    t("settle-col-month"),
                    t("settle-col-rows"),
                    t("settle-col-units"),
                ],
                rows: mine
                    .usage_months
                    .iter()
                    .map(|m| {
                        vec![
                            i18n::month(lang, s.year, m.month),
                            i18n::integer(lang, m.rows),
                            i18n::hundredths(lang, m.hundredths as i64),
                        ]
                    })
                    .collect(),
            });
        }
        blocks.push(Block::Heading {
            level: 2,
            text: t("settle-how"),
        });
        blocks.push(Block::Text(t("settle-rule")));
        for step in &a.steps {
            blocks.extend(split_block(doc, step, &s.currency, lang, payer));
        }
        if !a.savings_steps.is_empty() {
            blocks.push(Block::Heading {
                level: 2,
                text: t("settle-savings"),
            });
            for x in &a.savings_steps {
                blocks.push(Block::Text(saving_text(lang, x, &s.currency)));
            }
        }
        if !p.aconto.is_empty() {
            blocks.push(Block::Table {
                caption: i18n::message(lang, "settle-my-aconto", &[("payer", &name)]),
                header: vec![t("settle-col-due"), t("settle-col-amount")],
                rows: p
                    .aconto
                    .iter()
                    .map(|i| vec![i18n::date(lang, i.due), money(i.amount_minor)])
                    .collect(),
            });
        }
        blocks.push(Block::Text(match (p.actual_minor, p.true_up_minor) {
            (Some(actual), Some(true_up)) => i18n::message(
                lang,
                "settle-true-up",
                &[
                    ("actual", &money(actual)),
                    ("savings", &money(p.savings_minor)),
                    (
                        "paid",
                        &money(p.aconto.iter().map(|i| i.amount_minor).sum()),
                    ),
                    ("true_up", &signed(true_up)),
                ],
            ),
            _ => t("settle-true-up-open"),
        }));
    }
    if blocks.is_empty() {
        return None;
    }
    Some(Document {
        lang: lang.code().to_string(),
        title: i18n::message(
            lang,
            "settle-explain-title",
            &[
                ("payer", &name),
                ("year", &s.year.to_string()),
                ("name", &doc.cooperation.name),
            ],
        ),
        subtitle: doc.cooperation.name.clone(),
        footer: footer(doc, s, lang),
        blocks,
    })
}
