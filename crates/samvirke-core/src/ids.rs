//! Identifiers. Each is a newtype with a private field; only `parse` builds one, so holding one means
//! it is well-formed (whether it exists is the register's question, not the id's).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Nordic country Samvirke knows.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Country {
    /// Denmark
    #[serde(rename = "DK")]
    Dk,
    /// Sweden
    #[serde(rename = "SE")]
    Se,
    /// Norway
    #[serde(rename = "NO")]
    No,
}

impl Country {
    /// All countries, in id order.
    pub const ALL: [Country; 3] = [Country::Dk, Country::No, Country::Se];

    /// `DK`, `SE`, `NO`.
    pub fn code(self) -> &'static str {
        match self {
            Country::Dk => "DK",
            Country::Se => "SE",
            Country::No => "NO",
        }
    }

    /// Parses `DK`, `dk`, `SE`, `NO` (any case).
    pub fn parse(text: &str) -> Result<Country, IdError> {
        for country in Country::ALL {
            if text.eq_ignore_ascii_case(country.code()) {
                return Ok(country);
            }
        }
        Err(IdError(format!(
            "\"{text}\" is not a country; use DK, SE or NO"
        )))
    }

    /// The currency of the country's municipalities.
    pub fn currency_code(self) -> &'static str {
        match self {
            Country::Dk => "DKK",
            Country::Se => "SEK",
            Country::No => "NOK",
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Country {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Country, IdError> {
        Country::parse(s)
    }
}

/// Why an id could not be read; the message shows the expected form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IdError(pub(crate) String);

/// A municipality: country plus the official four-digit code, written `DK-0155`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MunicipalityId {
    country: Country,
    code: u16,
}

impl MunicipalityId {
    /// Builds an id from a country and a numeric code (0–9999).
    pub fn new(country: Country, code: u16) -> Result<MunicipalityId, IdError> {
        if !(code <= 9999) {
            return Err(IdError(format!("code {code} has more than four digits")));
        }
        Ok(MunicipalityId { country, code })
    }

    /// Parses `DK-0155`, `DK-155`, `dk-0155` or `DK0155`. A bare code (`0155`) is accepted only
    /// when `country` is given, because the same number means different places in each country.
    pub fn parse(text: &str, country: Option<Country>) -> Result<MunicipalityId, IdError> {
        let trimmed = text.trim();
        let (country, digits) = match trimmed.get(..2).map(Country::parse) {
            Some(Ok(c)) => (c, trimmed[2..].strip_prefix('-').unwrap_or(&trimmed[2..])),
            _ => match country {
                Some(c) if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) => {
                    (c, trimmed)
                }
                _ if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) => {
                    return Err(IdError(format!(
                        "\"{text}\" is a bare code; say which country it belongs to, e.g. DK-{trimmed:0>4}, SE-{trimmed:0>4} or NO-{trimmed:0>4} (or pass --country)"
                    )));
                }
                _ => {
                    return Err(IdError(format!(
                        "\"{text}\" is not a municipality id; write country and code, e.g. DK-0155, SE-1984 or NO-3122"
                    )));
                }
            },
        };
        if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError(format!(
                "\"{text}\" is not a municipality id; the code after {country}- must be 1–4 digits, e.g. {country}-0155"
            )));
        }
        let code = digits
            .bytes()
            .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
        MunicipalityId::new(country, code)
    }

    /// The country.
    pub fn country(self) -> Country {
        self.country
    }

    /// The numeric code.
    pub fn code(self) -> u16 {
        self.code
    }
}

impl fmt::Display for MunicipalityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.country, self.code)
    }
}

impl fmt::Debug for MunicipalityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for MunicipalityId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MunicipalityId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<MunicipalityId, D::Error> {
        let text = String::deserialize(d)?;
        MunicipalityId::parse(&text, None).map_err(serde::de::Error::custom)
    }
}

const SLUG_LEN_MAX: usize = 80;

/// Checks the slug form shared by cooperation, service and organisation ids: lowercase ASCII
/// letters, digits and single hyphens, starting with a letter, at most 80 characters.
fn check_slug(kind: &str, text: &str) -> Result<(), IdError> {
    let well_formed = !text.is_empty()
        && text.len() <= SLUG_LEN_MAX
        && text.as_bytes()[0].is_ascii_lowercase()
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if well_formed {
        return Ok(());
    }
    let suggestion = slugify(text);
    let hint = if suggestion.is_empty() {
        String::new()
    } else {
        format!(", e.g. \"{suggestion}\"")
    };
    Err(IdError(format!(
        "\"{text}\" is not a valid {kind} id; use lowercase a–z, digits and hyphens, starting with a letter (write æ as ae, ø as oe, å as aa, ä as a, ö as o){hint}"
    )))
}

/// How ids spell a lowercase letter that is not ASCII: `æ` → `ae`, `ø` → `oe`, `å` → `aa`,
/// `ä` → `a`, `ö` → `o` (`dragoer-taarnby`, `vastra-malardalen`). `None` for any other character.
pub fn spell_out(ch: char) -> Option<&'static str> {
    match ch {
        'æ' => Some("ae"),
        'ø' => Some("oe"),
        'å' => Some("aa"),
        'ä' => Some("a"),
        'ö' => Some("o"),
        'é' | 'è' => Some("e"),
        'ü' => Some("u"),
        _ => None,
    }
}

/// Turns a name into a slug the way the examples do: `Dragør–Tårnby` → `dragoer-taarnby`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars().flat_map(char::to_lowercase) {
        match spell_out(ch) {
            Some(piece) => out.push_str(piece),
            None if ch.is_ascii_alphanumeric() => out.push(ch),
            None => out.push('-'),
        }
    }
    let collapsed: Vec<&str> = out.split('-').filter(|p| !p.is_empty()).collect();
    let joined = collapsed.join("-");
    joined
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-')
        .chars()
        .take(SLUG_LEN_MAX)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// Parses a slug (lowercase letters, digits, hyphens).
            pub fn parse(text: &str) -> Result<$name, IdError> {
                check_slug($kind, text)?;
                Ok($name(text.to_string()))
            }

            /// The slug.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let text = String::deserialize(d)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

slug_id!(
    /// A cooperation, e.g. `dragoer-taarnby`.
    CooperationId,
    "cooperation"
);
slug_id!(
    /// A service (task), e.g. `genoptraening-sel86`. Stable: links and scripts depend on it.
    ServiceId,
    "service"
);
slug_id!(
    /// An organisation that is not a municipality (a regional body, an association, a joint body).
    OrganisationId,
    "organisation"
);

/// A party to a cooperation or a performer: a municipality or an organisation.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PartyId {
    /// A municipality, `DK-0155`.
    Municipality(MunicipalityId),
    /// An organisation, by slug.
    Organisation(OrganisationId),
}

impl PartyId {
    /// Reads a municipality id (`DK-0155`) or, failing that, an organisation slug.
    pub fn parse(text: &str) -> Result<PartyId, IdError> {
        // `get` rather than slicing: the text may start with a multi-byte character.
        let looks_like_municipality = text.len() >= 3
            && text.get(..2).is_some_and(|c| Country::parse(c).is_ok())
            && text.get(2..).is_some_and(|rest| {
                rest.trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            });
        if looks_like_municipality {
            return MunicipalityId::parse(text, None).map(PartyId::Municipality);
        }
        OrganisationId::parse(text)
            .map(PartyId::Organisation)
            .map_err(|_| {
                IdError(format!(
                    "\"{text}\" is neither a municipality id (DK-0155) nor an organisation slug (lowercase letters, digits, hyphens)"
                ))
            })
    }

    /// The municipality, if the party is one.
    pub fn municipality(&self) -> Option<MunicipalityId> {
        match self {
            PartyId::Municipality(m) => Some(*m),
            PartyId::Organisation(_) => None,
        }
    }
}

impl fmt::Display for PartyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartyId::Municipality(m) => m.fmt(f),
            PartyId::Organisation(o) => o.fmt(f),
        }
    }
}

impl fmt::Debug for PartyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for PartyId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartyId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PartyId, D::Error> {
        let text = String::deserialize(d)?;
        PartyId::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl From<MunicipalityId> for PartyId {
    fn from(m: MunicipalityId) -> PartyId {
        PartyId::Municipality(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Ids arrive from forms and JSON bodies: no text may make a parser panic (schemathesis
        /// found `PartyId::parse` slicing inside a four-byte character).
        #[test]
        fn parsers_never_panic(text in "\\PC{0,12}", prefix in "(DK|SE|NO|dk)?-?") {
            for t in [text.clone(), format!("{prefix}{text}")] {
                let _ = PartyId::parse(&t);
                let _ = MunicipalityId::parse(&t, None);
                let _ = MunicipalityId::parse(&t, Some(Country::Dk));
                let _ = CooperationId::parse(&t);
                let _ = Country::parse(&t);
            }
        }
    }

    #[test]
    fn a_party_id_may_start_with_any_character() {
        assert!(PartyId::parse("\u{bb5dc}\u{2d3b3}").is_err());
        assert!(PartyId::parse("Dø-1").is_err());
        assert_eq!(PartyId::parse("DK-0155").unwrap().to_string(), "DK-0155");
    }

    #[test]
    fn municipality_ids_accept_the_documented_forms() {
        let dragoer = "DK-0155";
        for input in ["DK-0155", "DK-155", "dk-0155", "DK0155", " dk-155 "] {
            assert_eq!(
                MunicipalityId::parse(input, None).unwrap().to_string(),
                dragoer
            );
        }
        assert_eq!(
            MunicipalityId::parse("0119", Some(Country::No))
                .unwrap()
                .to_string(),
            "NO-0119"
        );
        let bare = MunicipalityId::parse("0119", None).unwrap_err().to_string();
        assert!(
            bare.contains("bare code") && bare.contains("NO-0119"),
            "{bare}"
        );
        assert!(MunicipalityId::parse("DK-12345", None).is_err());
        assert!(
            MunicipalityId::parse("Dragør", None)
                .unwrap_err()
                .to_string()
                .contains("DK-0155")
        );
    }

    #[test]
    fn slugs_are_checked_and_suggested() {
        assert!(CooperationId::parse("dragoer-taarnby").is_ok());
        let err = CooperationId::parse("Dragør-Tårnby")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"dragoer-taarnby\""), "{err}");
        assert!(ServiceId::parse("-x").is_err());
        assert!(ServiceId::parse("a--b").is_err());
        assert_eq!(slugify("Västra Mälardalen"), "vastra-malardalen");
    }

    #[test]
    fn party_ids_tell_municipalities_from_organisations() {
        assert!(matches!(
            PartyId::parse("SE-1984"),
            Ok(PartyId::Municipality(_))
        ));
        assert!(matches!(
            PartyId::parse("industriforeningen-vastra-malardalen"),
            Ok(PartyId::Organisation(_))
        ));
        assert!(PartyId::parse("Not An Id").is_err());
    }
}
