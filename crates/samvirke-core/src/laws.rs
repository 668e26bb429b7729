//! The laws a service's `legal_basis` cites (`data/obligations/laws.toml`, compiled in): each
//! law's name in the reader's language, a link to its text, and how a citizen complains about a
//! decision made under it: to whom, within how long, and who decides the complaint in the end.
//!
//! A citation is written "CODE SECTION" ("DK:SEL §86", "DK:SEL §§112-114,116"); [`cite`] reads it
//! into the law and the section as a law text writes it ("§ 86", "§§ 112-114, 116"). A code the
//! file does not hold is not an error: the page shows the citation as written.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::calendar::{Shift, shift_to_working_day};
use crate::cases::Span;
use crate::ids::Country;
use crate::model::Names;
use crate::statutory::Certainty;
use crate::time::{Date, TimeError};

const DATA: &str = include_str!("../../../data/obligations/laws.toml");

/// One law.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Law {
    /// The code citations use, with the country: `DK:SEL`.
    pub code: String,
    /// Whose law it is.
    pub country: Country,
    /// The law's name as each language writes it.
    pub name: Names,
    /// Its text.
    pub url: String,
    /// Which version the link opens.
    #[serde(default)]
    pub url_note: Option<String>,
    /// How a citizen complains about a decision under it.
    #[serde(default)]
    pub appeal: Option<Appeal>,
}

/// How a citizen complains about a decision.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Appeal {
    /// The time to complain, from the day the decision was received.
    pub within: Span,
    /// Whether the complaint goes to the authority that decided (which reconsiders it first).
    pub to_decider: bool,
    /// Who decides the complaint in the end.
    pub body: Names,
    /// Where the body explains how it works.
    #[serde(default)]
    pub body_url: Option<String>,
    /// The case clock the deciding authority runs on a complaint.
    #[serde(default)]
    pub clock: Option<String>,
    /// The law and section.
    pub reference: String,
    /// The public source it was checked against.
    pub source: String,
    /// Whether anything in it is unsure.
    pub certainty: Certainty,
    /// What is unsure.
    #[serde(default)]
    pub note: Option<String>,
}

impl Appeal {
    /// The last day to complain about a decision received on `received`, under the calendar of
    /// `country` (a last day on a non-working day moves to the next working day).
    pub fn last_day(&self, country: Country, received: Date) -> Result<Date, TimeError> {
        shift_to_working_day(country, self.within.after(country, received)?, Shift::Later)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    format: u32,
    law: Vec<Law>,
}

fn parse_laws(text: &str) -> Result<Vec<Law>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    if file.format != 1 {
        return Err(format!("format {} is not 1", file.format));
    }
    for law in &file.law {
        let prefix = format!("{}:", law.country.code());
        if !law.code.starts_with(&prefix) {
            return Err(format!(
                "law {}: the code must begin with its country, {prefix}",
                law.code
            ));
        }
    }
    Ok(file.law)
}

/// Every law in the file (the tests below parse it, so it is never empty in a build that passed).
pub fn laws() -> &'static [Law] {
    static ALL: OnceLock<Vec<Law>> = OnceLock::new();
    ALL.get_or_init(|| parse_laws(DATA).unwrap_or_default())
}

/// A citation read: the law and the section as a law text writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The law cited.
    pub law: &'static Law,
    /// The section, "§ 86" or "§§ 112-114, 116"; empty when the citation names only the law.
    pub section: String,
}

/// Reads a citation, "DK:SEL §86"; `None` when its code is not in the file.
pub fn cite(text: &str) -> Option<Citation> {
    let text = text.trim();
    let (code, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let law = laws().iter().find(|l| l.code == code)?;
    Some(Citation {
        law,
        section: section(rest.trim()),
    })
}

/// "§§112-114,116" as a law text writes it: "§§ 112-114, 116".
fn section(text: &str) -> String {
    let signs: String = text.chars().take_while(|c| *c == '§').collect();
    let rest = text[signs.len()..].trim();
    let parts: Vec<&str> = rest
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match (signs.is_empty(), parts.is_empty()) {
        (_, true) => signs,
        (true, false) => parts.join(", "),
        (false, false) => format!("{signs} {}", parts.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::clocks;

    #[test]
    fn the_file_reads_and_every_clock_it_names_exists() {
        let laws = parse_laws(DATA).expect("laws.toml");
        assert!(!laws.is_empty());
        for law in &laws {
            assert!(law.url.starts_with("https://"), "{}", law.code);
            for language in crate::model::Language::ALL.iter() {
                assert!(!law.name.get_in(*language).0.is_empty(), "{}", law.code);
            }
            if let Some(clock) = law.appeal.as_ref().and_then(|a| a.clock.as_ref()) {
                assert!(
                    clocks().iter().any(|c| &c.id == clock),
                    "{}: no case clock {clock}",
                    law.code
                );
            }
        }
    }

    #[test]
    fn a_code_outside_its_country_is_refused() {
        let text = DATA.replace("code = \"DK:SEL\"", "code = \"SE:SEL\"");
        let e = parse_laws(&text).unwrap_err();
        assert!(e.contains("SE:SEL") && e.contains("DK:"), "{e}");
    }

    #[test]
    fn citations_read_as_a_law_text_writes_them() {
        let c = cite("DK:SEL §86").expect("serviceloven");
        assert_eq!(c.law.name.da.as_deref(), Some("Serviceloven"));
        assert_eq!(c.section, "§ 86");
        assert_eq!(
            cite("DK:SEL §§112-114,116").unwrap().section,
            "§§ 112-114, 116"
        );
        assert_eq!(cite("DK:SEL").unwrap().section, "");
        assert_eq!(cite("DK:XYZ §1"), None);
    }

    #[test]
    fn the_last_day_to_complain_counts_weeks_and_leaves_a_weekend() {
        let appeal = cite("DK:SEL §86").unwrap().law.appeal.clone().unwrap();
        // Received Wednesday 2021-09-01: four weeks is Wednesday 2021-09-29.
        let on = Date::parse("2021-09-01").unwrap();
        assert_eq!(
            appeal.last_day(Country::Dk, on).unwrap().to_string(),
            "2021-09-29"
        );
        // Received Saturday 2021-09-04: four weeks is a Saturday, so Monday 2021-10-04.
        let on = Date::parse("2021-09-04").unwrap();
        assert_eq!(
            appeal.last_day(Country::Dk, on).unwrap().to_string(),
            "2021-10-04"
        );
    }
}
