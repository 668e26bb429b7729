//! The annual report of a cooperation as a [`Document`] in one language: the sub-agreements in
//! force that year, each with its fact sheet, key figures and the year's settlement. The web page,
//! the PDF and `samvirke report` all start from [`document`].

use samvirke_core::Country;
use samvirke_core::PartyId;
use samvirke_core::model::{CooperationDoc, Language};
use samvirke_core::report::{AnnualReport, SheetPart};
use samvirke_i18n::{self as i18n, Lang};

use crate::{Block, Document};

/// The currency a country's municipalities pay in.
pub fn currency(country: Country) -> &'static str {
    match country {
        Country::Dk => "DKK",
        Country::Se => "SEK",
        Country::No => "NOK",
    }
}

fn party(doc: &CooperationDoc, p: &PartyId) -> String {
    doc.party_name(p)
}

/// The report as words in `lang`.
pub fn document(report: &AnnualReport<'_>, lang: Lang) -> Document {
    let t = |key: &str| i18n::t(lang, key);
    let ta = |key: &str, args: &[(&str, &str)]| i18n::message(lang, key, args);
    let doc = report.doc;
    let c = &doc.cooperation;
    let money = |minor: i64| i18n::money(lang, minor, currency(c.country));
    let language = lang.language();
    let year = report.year.to_string();
    let mut blocks = vec![Block::Terms(vec![
        (t("report-cooperation"), c.name.clone()),
        (
            t("report-template"),
            if report.template.version == 0 {
                t("report-template-default")
            } else {
                ta(
                    "report-template-version",
                    &[
                        ("version", &report.template.version.to_string()),
                        ("from", &i18n::date(lang, report.template.from)),
                    ],
                )
            },
        ),
    ])];
    if report.parts.is_empty() {
        blocks.push(Block::Text(ta(
            "report-no-sub-agreements",
            &[("year", &year)],
        )));
    }
    for part in &report.parts {
        push_part(&mut blocks, report, part, lang, language, &money);
    }
    Document {
        lang: lang.code().to_string(),
        title: ta("report-title", &[("year", &year)]),
        subtitle: c.name.clone(),
        footer: ta("report-footer", &[("name", &c.name), ("year", &year)]),
        blocks,
    }
}

fn push_part(
    blocks: &mut Vec<Block>,
    report: &AnnualReport<'_>,
    part: &SheetPart<'_>,
    lang: Lang,
    language: Language,
    money: &dyn Fn(i64) -> String,
) {
    let t = |key: &str| i18n::t(lang, key);
    let ta = |key: &str, args: &[(&str, &str)]| i18n::message(lang, key, args);
    let doc = report.doc;
    let sub = part.sub_agreement;
    blocks.push(Block::Heading {
        level: 1,
        text: sheet_heading(lang, sub.number, &sub.title),
    });
    let state = part.sheet.map_or("not_started", |s| s.state.as_str());
    let mut terms = vec![
        (
            t("report-performed-by"),
            part.performers
                .iter()
                .map(|p| party(doc, p))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            t("report-for"),
            part.delegating
                .iter()
                .map(|m| party(doc, &PartyId::Municipality(*m)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (t("report-state"), t(&format!("sheet-{state}"))),
    ];
    if let Some(sheet) = part.sheet {
        if sheet.template_version != report.template.version {
            terms.push((
                t("report-template"),
                ta(
                    "report-written-to",
                    &[("version", &sheet.template_version.to_string())],
                ),
            ));
        }
        if let Some(note) = &sheet.review_note {
            terms.push((t("report-review-note"), note.clone()));
        }
    }
    blocks.push(Block::Terms(terms));
    let Some(sheet) = part.sheet else {
        blocks.push(Block::Text(t("report-not-started")));
        return;
    };
    for section in &report.template.sections {
        blocks.push(Block::Heading {
            level: 2,
            text: section.title.get(language).to_string(),
        });
        let text = sheet.section(&section.id);
        blocks.push(Block::Text(if text.is_empty() {
            t("report-empty-section")
        } else {
            text.to_string()
        }));
    }
    let figures: Vec<Vec<String>> = report
        .template
        .figures
        .iter()
        .map(|f| {
            let value = match (sheet.figure(&f.id), f.money) {
                (None, _) => "–".to_string(),
                (Some(v), true) => money(v),
                (Some(v), false) if v < 0 => format!("-{}", i18n::integer(lang, v.unsigned_abs())),
                (Some(v), false) => i18n::integer(lang, v as u64),
            };
            vec![f.title.get(language).to_string(), value]
        })
        .collect();
    if !figures.is_empty() {
        blocks.push(Block::Table {
            caption: t("report-key-figures"),
            header: vec![t("report-figure"), t("report-value")],
            rows: figures,
        });
    }
    if !part.settlement.is_empty() {
        let open = t("report-open");
        // Budget, actual and savings are unsigned minor units; no real amount exceeds i64.
        let unsigned = |v: u64| money(i64::try_from(v).unwrap_or(i64::MAX));
        blocks.push(Block::Table {
            caption: ta("report-settlement", &[("year", &report.year.to_string())]),
            header: vec![
                t("report-payer"),
                t("report-budget"),
                t("report-actual"),
                t("report-savings"),
                t("report-true-up"),
            ],
            rows: part
                .settlement
                .iter()
                .map(|l| {
                    vec![
                        l.payer.clone(),
                        unsigned(l.budget_minor),
                        l.actual_minor.map_or(open.clone(), unsigned),
                        unsigned(l.savings_minor),
                        l.true_up_minor.map_or(open.clone(), money),
                    ]
                })
                .collect(),
        });
    }
}

/// "Sub-agreement 3: Title", or the title alone when it already names the number.
pub fn sheet_heading(lang: Lang, number: u32, title: &str) -> String {
    let named = title
        .split(|c: char| !c.is_ascii_digit())
        .any(|token| token == number.to_string());
    if named {
        title.to_string()
    } else {
        i18n::message(
            lang,
            "report-sheet-heading",
            &[("number", &number.to_string()), ("title", title)],
        )
    }
}

/// The PDF of a document, dated `today`.
pub fn pdf_on(doc: &Document, today: samvirke_core::Date) -> Result<Vec<u8>, crate::ReportError> {
    let (y, m, d) = today.ymd();
    crate::pdf(doc, (y, m as u8, d as u8))
}
