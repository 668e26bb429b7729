//! The decision paper ("beslutningsgrundlag") of a scenario, and scenarios side by side, as a
//! [`Document`] in the reader's language: the changes with their earliest lawful dates, the
//! decisions and votes they need, whose responsible body changes, every payer's money before and
//! after, and the staff who move. The web page, the PDF and `samvirke scenario paper` start from
//! [`document`] and [`comparison`]; `samvirke scenario show` prints the same words through the
//! helpers here ([`Namer`], [`change_text`], [`earliest_text`], [`decision_text`]).

use samvirke_core::model::{CooperationDoc, ScenarioChange};
use samvirke_core::scenario::{self, NeededKind};
use samvirke_core::{Date, PartyId, Registry};
use samvirke_i18n::{self as i18n, Lang};
use samvirke_settle::scenario::Report;

use crate::{Block, Document};

/// Names for the report's ids: parties and services by name, in the reader's language.
pub struct Namer<'a> {
    registry: &'a Registry,
    lang: Lang,
    after: Vec<&'a CooperationDoc>,
}

impl<'a> Namer<'a> {
    /// Names from the registry and the scenario's new cooperations.
    pub fn new(registry: &'a Registry, rep: &'a Report, lang: Lang) -> Namer<'a> {
        Namer {
            registry,
            lang,
            after: rep
                .outcome
                .applied
                .as_ref()
                .map(|a| a.after.iter().collect())
                .unwrap_or_default(),
        }
    }

    /// A party.
    pub fn party(&self, p: &PartyId) -> String {
        match self.after.first() {
            Some(doc) => doc.party_name(p),
            None => p.to_string(),
        }
    }

    /// A party written as text (a payer id in a statement).
    pub fn party_text(&self, p: &str) -> String {
        PartyId::parse(p).map_or_else(|_| p.to_string(), |id| self.party(&id))
    }

    /// Several parties.
    pub fn parties(&self, list: &[PartyId]) -> String {
        let names: Vec<String> = list.iter().map(|p| self.party(p)).collect();
        i18n::and_list(self.lang, &names)
    }

    /// A service.
    pub fn service(&self, s: &samvirke_core::ServiceId) -> String {
        self.registry
            .service_name_in(s.as_str(), self.lang.language())
            .map(str::to_string)
            .or_else(|| {
                self.after.iter().find_map(|d| {
                    d.services
                        .iter()
                        .find(|x| &x.id == s)
                        .map(|x| x.names.get(self.lang.language()).to_string())
                })
            })
            .unwrap_or_else(|| s.to_string())
    }

    /// A cooperation.
    pub fn cooperation(&self, id: &str) -> String {
        self.registry
            .cooperations()
            .iter()
            .chain(self.after.iter().copied())
            .find(|d| d.cooperation.id.as_str() == id)
            .map_or_else(|| id.to_string(), |d| d.cooperation.name.clone())
    }
}

/// One change in words.
pub fn change_text(n: &Namer<'_>, change: &ScenarioChange, lang: Lang) -> String {
    let date = |d: Date| i18n::date(lang, d);
    match change {
        ScenarioChange::TakeBack {
            member,
            services,
            from,
        } => i18n::message(
            lang,
            "scenario-change-take_back",
            &[
                ("member", &n.party(&PartyId::Municipality(*member))),
                (
                    "services",
                    &services
                        .iter()
                        .map(|s| n.service(s))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                ("from", &date(*from)),
            ],
        ),
        ScenarioChange::Leave { member, from, .. } => i18n::message(
            lang,
            "scenario-change-leave",
            &[
                ("member", &n.party(&PartyId::Municipality(*member))),
                ("from", &date(*from)),
            ],
        ),
        ScenarioChange::Join { member, from, .. } => i18n::message(
            lang,
            "scenario-change-join",
            &[
                ("member", &n.party(&PartyId::Municipality(*member))),
                ("from", &date(*from)),
            ],
        ),
        ScenarioChange::NewCooperation {
            name,
            performer,
            from,
            ..
        } => i18n::message(
            lang,
            "scenario-change-new_cooperation",
            &[
                ("name", name),
                ("performer", &n.party(&PartyId::Municipality(*performer))),
                ("from", &date(*from)),
            ],
        ),
    }
}

/// The earliest lawful date of a change in words.
pub fn earliest_text(c: &scenario::ChangeOutcome, lang: Lang) -> String {
    let date = |d: Date| i18n::date(lang, d);
    match &c.earliest {
        None => i18n::t(lang, "scenario-earliest-none"),
        Some(e) if e.anchor == "statute" => i18n::message(
            lang,
            "scenario-earliest-statute",
            &[
                ("date", &date(e.date)),
                ("months", &e.notice_months.to_string()),
                ("given", &date(e.notice_given)),
            ],
        ),
        Some(e) => i18n::message(
            lang,
            "scenario-earliest",
            &[
                ("date", &date(e.date)),
                ("months", &e.notice_months.to_string()),
                ("given", &date(e.notice_given)),
                ("last", &date(e.last_notice_day)),
            ],
        ),
    }
}

/// A needed decision in words (and its vote, if any, as a second line).
pub fn decision_text(
    n: &Namer<'_>,
    d: &scenario::NeededDecision,
    lang: Lang,
) -> (String, Option<String>) {
    let deadline = d.deadline.map(|x| i18n::date(lang, x)).unwrap_or_default();
    let bodies = n.parties(&d.bodies);
    let main = match d.kind {
        NeededKind::OwnCouncil => i18n::message(
            lang,
            &format!("scenario-decision-own-{}", d.change_kind),
            &[("body", &bodies), ("deadline", &deadline)],
        ),
        NeededKind::AdoptChange => i18n::message(
            lang,
            "scenario-decision-adopt",
            &[("bodies", &bodies), ("deadline", &deadline)],
        ),
        NeededKind::AdoptNew => i18n::message(
            lang,
            "scenario-decision-new",
            &[("bodies", &bodies), ("deadline", &deadline)],
        ),
        NeededKind::Statutory => match &d.statute {
            Some(st) => {
                let unsure = if st.checked {
                    String::new()
                } else {
                    format!(" {}", i18n::t(lang, "scenario-statute-unsure"))
                };
                format!(
                    "{}{unsure}",
                    i18n::message(
                        lang,
                        "scenario-decision-statute",
                        &[
                            ("title", st.title.get(lang.language())),
                            ("reference", &st.reference),
                            ("within", &st.within),
                        ],
                    )
                )
            }
            None => String::new(),
        },
    };
    let vote = d.vote.as_ref().map(|v| vote_text(n, v, lang));
    (main, vote)
}

/// The vote in words: the rule, what it needs, and who can block it alone.
pub fn vote_text(n: &Namer<'_>, v: &scenario::Vote, lang: Lang) -> String {
    let number = |x: u64| i18n::integer(lang, x);
    let rule = if !v.stated {
        i18n::message(
            lang,
            "scenario-vote-default",
            &[("total", &number(v.total))],
        )
    } else if v.rule == samvirke_core::model::VotingRule::Unanimity {
        i18n::message(
            lang,
            "scenario-vote-unanimity",
            &[("total", &number(v.total))],
        )
    } else {
        i18n::message(
            lang,
            &format!("scenario-vote-{}-{}", v.rule.as_str(), v.by.as_str()),
            &[
                ("needed", &number(v.needed)),
                ("total", &number(v.total)),
                (
                    "threshold",
                    &v.threshold_percent.unwrap_or_default().to_string(),
                ),
            ],
        )
    };
    if v.blocking.is_empty() || v.rule == samvirke_core::model::VotingRule::Unanimity || !v.stated {
        rule
    } else {
        format!(
            "{rule} {}",
            i18n::message(
                lang,
                "scenario-vote-blocking",
                &[("parties", &n.parties(&v.blocking))]
            )
        )
    }
}

/// An amount with its sign: "+1.234,00 kr." or "−500,00 kr.".
pub fn signed(lang: Lang, minor: i64, currency: &str) -> String {
    let text = i18n::money(lang, minor.abs(), currency);
    match minor.signum() {
        1 => format!("+{text}"),
        -1 => format!("−{text}"),
        _ => text,
    }
}

/// What a payer pays more (positive) or less over all the years of a report, per currency.
pub fn net_by_payer(rep: &Report) -> Vec<(String, String, i64)> {
    let mut out: Vec<(String, String, i64)> = Vec::new();
    for y in &rep.money.years {
        for p in &y.payers {
            let diff = p.after_minor - p.before_minor;
            match out
                .iter_mut()
                .find(|(party, cur, _)| party == &p.party && cur == &y.currency)
            {
                Some(entry) => entry.2 += diff,
                None => out.push((p.party.clone(), y.currency.clone(), diff)),
            }
        }
    }
    out
}

/// Whose cost is spread over whom from the change, in words.
pub fn respread_text(n: &Namer<'_>, r: &samvirke_settle::scenario::Respread, lang: Lang) -> String {
    let names = |list: &[String]| {
        let named: Vec<String> = list.iter().map(|p| n.party_text(p)).collect();
        i18n::and_list(lang, &named)
    };
    let key = if r.after.is_empty() {
        "scenario-respread-ends"
    } else {
        "scenario-respread"
    };
    i18n::message(
        lang,
        key,
        &[
            ("number", &r.sub_agreement.to_string()),
            ("before", &names(&r.before)),
            ("after", &names(&r.after)),
        ],
    )
}

/// The staff who move in total.
pub fn staff_total(rep: &Report) -> u32 {
    rep.outcome.scenario.staff.iter().map(|f| f.count).sum()
}

/// The decision paper of one scenario.
pub fn document(registry: &Registry, rep: &Report, lang: Lang) -> Document {
    let n = Namer::new(registry, rep, lang);
    let t = |key: &str| i18n::t(lang, key);
    let date = |d: Date| i18n::date(lang, d);
    let o = &rep.outcome;
    let s = &o.scenario;
    let cooperation = n.cooperation(o.cooperation.as_str());
    let mut terms = vec![
        (t("scenario-term-cooperation"), cooperation.clone()),
        (
            t("scenario-term-base"),
            match s.known_on {
                Some(d) => i18n::message(lang, "scenario-base-known", &[("date", &date(d))]),
                None => t("scenario-base-now"),
            },
        ),
        (
            t("scenario-term-prepared"),
            i18n::message(lang, "scenario-prepared", &[("date", &date(s.prepared))]),
        ),
    ];
    if let Some(a) = &s.adopted {
        terms.push((
            t("scenario-term-adopted"),
            i18n::message(
                lang,
                "scenario-adopted",
                &[("date", &date(a.on)), ("decision", &a.decision)],
            ),
        ));
    }
    let mut blocks = vec![Block::Terms(terms)];
    if let Some(d) = &s.description {
        // In the agreement's language, which may not be the reader's.
        let language = registry
            .cooperation(&o.cooperation)
            .map_or(lang.code(), |c| c.cooperation.language.as_str());
        blocks.push(Block::text_in(language, lang.code(), d.clone()));
    }
    blocks.push(Block::Heading {
        level: 1,
        text: t("scenario-changes"),
    });
    blocks.push(Block::Table {
        caption: t("scenario-changes"),
        header: vec![
            t("scenario-col-number"),
            t("scenario-col-change"),
            t("scenario-col-earliest"),
        ],
        rows: s
            .changes
            .iter()
            .zip(&o.changes)
            .enumerate()
            .map(|(i, (c, co))| {
                vec![
                    (i + 1).to_string(),
                    change_text(&n, c, lang),
                    earliest_text(co, lang),
                ]
            })
            .collect(),
    });
    blocks.push(Block::Heading {
        level: 1,
        text: t("scenario-decisions"),
    });
    let decisions: Vec<String> = o
        .decisions
        .iter()
        .map(|d| match decision_text(&n, d, lang) {
            (main, Some(vote)) => format!("{main}\n{vote}"),
            (main, None) => main,
        })
        .collect();
    blocks.push(Block::Text(decisions.join("\n\n")));
    blocks.push(Block::Heading {
        level: 1,
        text: t("scenario-citizens"),
    });
    if o.citizens.is_empty() {
        blocks.push(Block::Text(t("scenario-citizens-none")));
    } else {
        blocks.push(Block::Table {
            caption: t("scenario-citizens"),
            header: vec![
                t("scenario-col-municipality"),
                t("scenario-col-service"),
                t("scenario-col-from"),
                t("scenario-col-before"),
                t("scenario-col-after"),
                t("scenario-col-complaints"),
                t("scenario-col-access"),
            ],
            rows: o
                .citizens
                .iter()
                .map(|c| {
                    let arrow = |b: &str, a: &str| {
                        if a == b {
                            a.to_string()
                        } else {
                            format!("{b} → {a}")
                        }
                    };
                    vec![
                        n.party(&PartyId::Municipality(c.municipality)),
                        n.service(&c.service),
                        date(c.from),
                        c.before.responsible.name.clone(),
                        c.after.responsible.name.clone(),
                        arrow(&c.before.complaints_to.name, &c.after.complaints_to.name),
                        arrow(
                            &c.before.documents_access_to.name,
                            &c.after.documents_access_to.name,
                        ),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(Block::Heading {
        level: 1,
        text: t("scenario-money"),
    });
    if rep.money.years.is_empty() && rep.money.not_settled.is_empty() {
        blocks.push(Block::Text(t("scenario-money-none")));
    }
    for y in &rep.money.years {
        let money = |m: i64| i18n::money(lang, m, &y.currency);
        let caption = i18n::message(
            lang,
            "scenario-money-year",
            &[
                ("cooperation", &n.cooperation(&y.cooperation)),
                ("year", &y.year.to_string()),
            ],
        );
        let mut rows: Vec<Vec<String>> = y
            .payers
            .iter()
            .map(|p| {
                vec![
                    n.party_text(&p.party),
                    money(p.before_minor),
                    money(p.after_minor),
                    signed(lang, p.after_minor - p.before_minor, &y.currency),
                ]
            })
            .collect();
        rows.push(vec![
            t("scenario-col-total"),
            money(y.total_before_minor),
            money(y.total_after_minor),
            signed(
                lang,
                y.total_after_minor - y.total_before_minor,
                &y.currency,
            ),
        ]);
        blocks.push(Block::Table {
            caption,
            header: vec![
                t("scenario-col-payer"),
                t("scenario-col-before"),
                t("scenario-col-after"),
                t("scenario-col-difference"),
            ],
            rows,
        });
        let respread: Vec<String> = y
            .respread
            .iter()
            .map(|r| respread_text(&n, r, lang))
            .collect();
        if !respread.is_empty() {
            blocks.push(Block::Text(respread.join("\n")));
        }
    }
    let not_settled: Vec<String> = rep
        .money
        .not_settled
        .iter()
        .map(|ns| {
            i18n::message(
                lang,
                &format!("scenario-not-settled-{}", ns.reason),
                &[
                    ("cooperation", &n.cooperation(&ns.cooperation)),
                    ("year", &ns.year.to_string()),
                    ("message", &ns.message),
                ],
            )
        })
        .collect();
    if !not_settled.is_empty() {
        blocks.push(Block::Text(not_settled.join("\n\n")));
    }
    blocks.push(Block::Heading {
        level: 1,
        text: t("scenario-staff"),
    });
    if s.staff.is_empty() {
        blocks.push(Block::Text(t("scenario-staff-none")));
    } else {
        blocks.push(Block::Table {
            caption: t("scenario-staff"),
            header: vec![
                t("scenario-col-staff-from"),
                t("scenario-col-staff-to"),
                t("scenario-col-staff-count"),
                t("scenario-col-note"),
            ],
            rows: s
                .staff
                .iter()
                .map(|f| {
                    vec![
                        n.party(&f.from),
                        n.party(&f.to),
                        i18n::integer(lang, u64::from(f.count)),
                        f.note.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        });
    }
    Document {
        lang: lang.code().to_string(),
        title: i18n::message(lang, "scenario-paper-title", &[("name", &s.name)]),
        subtitle: cooperation.clone(),
        footer: i18n::message(
            lang,
            "scenario-paper-footer",
            &[("name", &s.name), ("cooperation", &cooperation)],
        ),
        blocks,
    }
}

/// Two to four scenarios of one cooperation side by side: one column per scenario, the same rows
/// in the same order (the changes and their dates, the counts, each payer's net difference).
pub fn comparison(registry: &Registry, reports: &[Report], lang: Lang) -> Document {
    let t = |key: &str| i18n::t(lang, key);
    let mut header = vec![t("scenario-col-aspect")];
    header.extend(reports.iter().map(|r| r.outcome.scenario.name.clone()));
    let namers: Vec<Namer<'_>> = reports
        .iter()
        .map(|r| Namer::new(registry, r, lang))
        .collect();
    let column = |f: &dyn Fn(&Namer<'_>, &Report) -> String| -> Vec<String> {
        namers.iter().zip(reports).map(|(n, r)| f(n, r)).collect()
    };
    let mut rows = Vec::new();
    let mut row = |label: String, cells: Vec<String>| {
        let mut r = vec![label];
        r.extend(cells);
        rows.push(r);
    };
    row(
        t("scenario-changes"),
        column(&|n, r| {
            r.outcome
                .scenario
                .changes
                .iter()
                .map(|c| change_text(n, c, lang))
                .collect::<Vec<_>>()
                .join("\n")
        }),
    );
    row(
        t("scenario-col-earliest"),
        column(&|_, r| {
            r.outcome
                .changes
                .iter()
                .map(|c| {
                    // The row says what the cell is; the cell gives the day alone.
                    c.earliest.as_ref().map_or_else(
                        || i18n::t(lang, "scenario-earliest-agreed"),
                        |e| i18n::date(lang, e.date),
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        }),
    );
    row(
        t("scenario-decisions"),
        column(&|_, r| i18n::integer(lang, r.outcome.decisions.len() as u64)),
    );
    row(
        t("scenario-row-citizens"),
        column(&|_, r| i18n::integer(lang, r.outcome.citizens.len() as u64)),
    );
    row(
        t("scenario-row-staff"),
        column(&|_, r| i18n::integer(lang, u64::from(staff_total(r)))),
    );
    // One row per payer that appears in any of the reports, in the order first met.
    let mut payers: Vec<(String, String)> = Vec::new();
    for r in reports {
        for (party, currency, _) in net_by_payer(r) {
            if !payers.contains(&(party.clone(), currency.clone())) {
                payers.push((party, currency));
            }
        }
    }
    for (party, currency) in &payers {
        let label = namers.first().map_or_else(
            || party.clone(),
            |n| i18n::message(lang, "scenario-row-net", &[("party", &n.party_text(party))]),
        );
        row(
            label,
            column(&|_, r| {
                net_by_payer(r)
                    .into_iter()
                    .find(|(p, c, _)| p == party && c == currency)
                    .map_or_else(
                        || t("scenario-not-concerned"),
                        |(_, c, d)| signed(lang, d, &c),
                    )
            }),
        );
    }
    let cooperation = reports
        .first()
        .map(|r| {
            namers.first().map_or_else(
                || r.outcome.cooperation.to_string(),
                |n| n.cooperation(r.outcome.cooperation.as_str()),
            )
        })
        .unwrap_or_default();
    Document {
        lang: lang.code().to_string(),
        title: t("scenario-compare-title"),
        subtitle: cooperation.clone(),
        footer: i18n::message(
            lang,
            "scenario-compare-footer",
            &[("cooperation", &cooperation)],
        ),
        blocks: vec![Block::Table {
            caption: t("scenario-compare-title"),
            header,
            rows,
        }],
    }
}
