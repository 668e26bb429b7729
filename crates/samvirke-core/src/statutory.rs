//! Obligations the law puts on cooperations, by country and legal form, from
//! `data/obligations/statutory.toml` (compiled in). Each line carries its legal reference, the
//! public source it was checked against, and whether anything in it is still unsure.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::calendar::Shift;
use crate::due::DueRule;
use crate::ids::Country;
use crate::model::{LegalForm, Names};

const DATA: &str = include_str!("../../../data/obligations/statutory.toml");

/// How sure the line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// The reference and the date were checked against the source.
    Checked,
    /// Something could not be confirmed; the note says what.
    Unsure,
}

/// When a statutory obligation falls due.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StatutoryDue {
    /// A day each year.
    FixedDay {
        /// 1–12.
        month: u32,
        /// 1–31.
        day: u32,
    },
    /// By the end of each electoral term.
    OncePerTerm,
    /// When something happens to the cooperation.
    OnEvent {
        /// `creation`, `withdrawal`, `dissolution`.
        events: Vec<String>,
        /// The time allowed, in the law's words.
        within: String,
        /// A notice the statute sets in months (a withdrawal takes effect no earlier).
        #[serde(default)]
        notice_months: Option<u32>,
    },
}

impl StatutoryDue {
    /// The dated rule (a day each year, or once per electoral term); `None` for a duty that
    /// falls due on an event.
    pub fn yearly(&self) -> Option<DueRule> {
        match self {
            StatutoryDue::FixedDay { month, day } => Some(DueRule::FixedDay {
                month: *month,
                day: *day,
            }),
            StatutoryDue::OncePerTerm => Some(DueRule::OncePerTerm),
            StatutoryDue::OnEvent { .. } => None,
        }
    }
}

/// One line of the file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatutoryObligation {
    /// Stable id.
    pub id: String,
    /// The country whose law it is.
    pub country: Country,
    /// The legal forms it applies to.
    pub legal_forms: Vec<LegalForm>,
    /// What it is, in the languages given.
    pub title: Names,
    /// Who must do it.
    pub owner_role: String,
    /// When.
    pub due: StatutoryDue,
    /// A due date on a non-working day moves this way.
    #[serde(default)]
    pub shift: Shift,
    /// The law and section.
    pub reference: String,
    /// The public source it was checked against.
    pub source: String,
    /// Whether anything in it is unsure.
    pub certainty: Certainty,
    /// What is unsure, or anything else a reader must know.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: u32,
    obligation: Vec<StatutoryObligation>,
}

/// Every statutory obligation in the file (empty, with the error logged by the caller's tests,
/// only if the compiled-in file were malformed: the tests below parse it).
pub fn all() -> &'static [StatutoryObligation] {
    static ALL: OnceLock<Vec<StatutoryObligation>> = OnceLock::new();
    ALL.get_or_init(|| parse(DATA).unwrap_or_default())
}

fn parse(text: &str) -> Result<Vec<StatutoryObligation>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    if file.format != 1 {
        return Err(format!("format {} is not 1", file.format));
    }
    Ok(file.obligation)
}

/// The obligations that apply to a cooperation of `legal_form` under the law of `country`.
pub fn applying_to(country: Country, legal_form: LegalForm) -> Vec<&'static StatutoryObligation> {
    all()
        .iter()
        .filter(|o| o.country == country && o.legal_forms.contains(&legal_form))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_parses_and_every_line_is_sourced() {
        let lines = parse(DATA).unwrap();
        assert_eq!(lines.len(), all().len());
        assert!(lines.len() >= 5);
        let mut ids = std::collections::BTreeSet::new();
        for o in &lines {
            assert!(ids.insert(o.id.clone()), "{} twice", o.id);
            assert!(
                o.reference.starts_with(o.country.code()),
                "{}: {}",
                o.id,
                o.reference
            );
            assert!(!o.source.trim().is_empty(), "{} has no source", o.id);
            assert!(!o.legal_forms.is_empty(), "{} applies to no form", o.id);
            if o.certainty == Certainty::Unsure {
                assert!(
                    o.note.as_deref().is_some_and(|n| !n.is_empty()),
                    "{} is unsure but does not say why",
                    o.id
                );
            }
            if let Some(rule) = o.due.yearly() {
                rule.check().unwrap();
            }
            assert!(
                !o.title.get(crate::model::Language::En).is_empty(),
                "{} has no English title",
                o.id
            );
        }
    }

    #[test]
    fn lines_apply_by_country_and_legal_form() {
        let dk60 = applying_to(Country::Dk, LegalForm::DkParagraph60);
        assert_eq!(dk60.len(), 1);
        assert_eq!(dk60[0].id, "dk-60a-notify-ankestyrelsen");
        assert!(matches!(&dk60[0].due, StatutoryDue::OnEvent { events, .. } if events.len() == 3));
        assert!(applying_to(Country::Dk, LegalForm::DkBinding).is_empty());
        let ko: Vec<&str> = applying_to(Country::No, LegalForm::NoKo)
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(ko, ["no-arsregnskap", "no-arsberetning"]);
        let accounts = applying_to(Country::No, LegalForm::NoKo)[0]
            .due
            .yearly()
            .unwrap();
        // 22 February 2026 is a Sunday: the accounts are due on Friday the 20th.
        assert_eq!(
            accounts
                .due_in(Country::No, 2026, Shift::Earlier)
                .unwrap()
                .to_string(),
            "2026-02-20"
        );
    }

    #[test]
    fn a_malformed_file_is_refused_with_the_reason() {
        assert!(
            parse("format = 2\nobligation = []")
                .unwrap_err()
                .contains("format 2")
        );
        let unknown = "format = 1\n[[obligation]]\nid = \"x\"\nbogus = 1\n";
        assert!(parse(unknown).unwrap_err().contains("bogus"));
    }
}
