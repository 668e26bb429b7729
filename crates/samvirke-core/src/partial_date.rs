//! Dates of the precision a source gives: a day, a month ("September 2016"), a season ("autumn
//! 2019"), a half-year, the early or late part of a year ("early 2017"), a year, or a day without
//! a year ("8 September"). Nothing is turned into a first of January: each keeps its precision,
//! sorts by the days it may mean, and is shown as the source said it.
//!
//! Written forms (in agreement files and JSON): `2016-08-31` (a TOML date or a string), `2016-09`,
//! `2019-autumn` (`spring`, `summer`, `autumn`, `winter`), `2019-H2`, `2017-early`, `2017-late`,
//! `2016`, and `--09-08` (ISO 8601's form for a day of a month without a year).

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::{Date, days_in_month};

/// A season of a year. Winter is December of the year to February of the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Season {
    /// March to May.
    Spring,
    /// June to August.
    Summer,
    /// September to November.
    Autumn,
    /// December to February of the next year.
    Winter,
}

impl Season {
    /// Every season, in the year's order.
    pub const ALL: [Season; 4] = [
        Season::Spring,
        Season::Summer,
        Season::Autumn,
        Season::Winter,
    ];

    /// The written form.
    pub fn as_str(self) -> &'static str {
        match self {
            Season::Spring => "spring",
            Season::Summer => "summer",
            Season::Autumn => "autumn",
            Season::Winter => "winter",
        }
    }

    /// The first month and the number of months.
    fn months(self) -> (u32, u32) {
        match self {
            Season::Spring => (3, 3),
            Season::Summer => (6, 3),
            Season::Autumn => (9, 3),
            Season::Winter => (12, 3),
        }
    }
}

/// The early (January to April) or late (September to December) part of a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum YearPart {
    /// January to April ("i början av 2017").
    Early,
    /// September to December.
    Late,
}

impl YearPart {
    /// The written form.
    pub fn as_str(self) -> &'static str {
        match self {
            YearPart::Early => "early",
            YearPart::Late => "late",
        }
    }
}

/// A date as precise as its source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartialDate {
    /// A day.
    Day(Date),
    /// A month of a year.
    Month {
        /// The year.
        year: i32,
        /// 1 to 12.
        month: u32,
    },
    /// A season of a year.
    Season {
        /// The year (a winter's is the year it starts in).
        year: i32,
        /// Which.
        season: Season,
    },
    /// A half of a year.
    Half {
        /// The year.
        year: i32,
        /// 1 (January to June) or 2 (July to December).
        half: u8,
    },
    /// The early or late part of a year.
    Part {
        /// The year.
        year: i32,
        /// Which part.
        part: YearPart,
    },
    /// A year.
    Year(i32),
    /// A day of a month, the year not given.
    DayOfMonth {
        /// 1 to 12.
        month: u32,
        /// 1 to the month's length (29 for February).
        day: u32,
    },
}

/// Why a written date could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" is not a date; write a day (2016-08-31), a month (2016-09), a season (2019-autumn: spring, summer, autumn, winter), a half-year (2019-H2), early or late in a year (2017-early), a year (2016) or a day without a year (--09-08)"
)]
pub struct PartialDateError(pub String);

const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

impl PartialDate {
    /// Reads the written form.
    pub fn parse(text: &str) -> Result<PartialDate, PartialDateError> {
        let bad = || PartialDateError(text.to_string());
        let number = |s: &str| -> Option<u32> {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let year = |s: &str| -> Option<i32> {
            (s.len() == 4)
                .then(|| number(s))
                .flatten()
                .and_then(|y| i32::try_from(y).ok())
                .filter(|y| YEARS.contains(y))
        };
        if let Some(rest) = text.strip_prefix("--") {
            let (m, d) = rest.split_once('-').ok_or_else(bad)?;
            let (month, day) = (
                number(m).filter(|_| m.len() == 2).ok_or_else(bad)?,
                number(d).filter(|_| d.len() == 2).ok_or_else(bad)?,
            );
            // February 29 exists in some year.
            if !(1..=12).contains(&month) || day == 0 || day > days_in_month(2000, month) {
                return Err(bad());
            }
            return Ok(PartialDate::DayOfMonth { month, day });
        }
        let parts: Vec<&str> = text.split('-').collect();
        match parts.as_slice() {
            [y] => year(y).map(PartialDate::Year).ok_or_else(bad),
            [y, rest] => {
                let year = year(y).ok_or_else(bad)?;
                if let Some(season) = Season::ALL.iter().find(|s| s.as_str() == *rest) {
                    return Ok(PartialDate::Season {
                        year,
                        season: *season,
                    });
                }
                match *rest {
                    "H1" => Ok(PartialDate::Half { year, half: 1 }),
                    "H2" => Ok(PartialDate::Half { year, half: 2 }),
                    "early" => Ok(PartialDate::Part {
                        year,
                        part: YearPart::Early,
                    }),
                    "late" => Ok(PartialDate::Part {
                        year,
                        part: YearPart::Late,
                    }),
                    m if m.len() == 2 => number(m)
                        .filter(|m| (1..=12).contains(m))
                        .map(|month| PartialDate::Month { year, month })
                        .ok_or_else(bad),
                    _ => Err(bad()),
                }
            }
            [_, _, _] => Date::parse(text).map(PartialDate::Day).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    /// The exact day, when the source gives one.
    pub fn day(self) -> Option<Date> {
        match self {
            PartialDate::Day(d) => Some(d),
            _ => None,
        }
    }

    /// The year, when the source gives one.
    pub fn year(self) -> Option<i32> {
        match self {
            PartialDate::Day(d) => Some(d.ymd().0),
            PartialDate::Month { year, .. }
            | PartialDate::Season { year, .. }
            | PartialDate::Half { year, .. }
            | PartialDate::Part { year, .. }
            | PartialDate::Year(year) => Some(year),
            PartialDate::DayOfMonth { .. } => None,
        }
    }

    /// The first and the last day it may mean (`None` without a year).
    pub fn bounds(self) -> Option<(Date, Date)> {
        let months = |year: i32, first: u32, count: u32| {
            let start = Date::from_ymd(year, first, 1).ok()?;
            let last_month = first + count - 1;
            let (end_year, end_month) = (
                year + i32::try_from((last_month - 1) / 12).ok()?,
                (last_month - 1) % 12 + 1,
            );
            let end =
                Date::from_ymd(end_year, end_month, days_in_month(end_year, end_month)).ok()?;
            Some((start, end))
        };
        match self {
            PartialDate::Day(d) => Some((d, d)),
            PartialDate::Month { year, month } => months(year, month, 1),
            PartialDate::Season { year, season } => {
                let (first, count) = season.months();
                months(year, first, count)
            }
            PartialDate::Half { year, half } => months(year, if half == 1 { 1 } else { 7 }, 6),
            PartialDate::Part { year, part } => match part {
                YearPart::Early => months(year, 1, 4),
                YearPart::Late => months(year, 9, 4),
            },
            PartialDate::Year(year) => months(year, 1, 12),
            PartialDate::DayOfMonth { .. } => None,
        }
    }

    /// How precise it is: 0 for a day, larger for longer spans (sorts the more precise first
    /// among those that start on the same day).
    fn span_days(self) -> i32 {
        self.bounds().map_or(i32::MAX, |(a, b)| {
            b.days_since_epoch() - a.days_since_epoch()
        })
    }
}

impl Ord for PartialDate {
    /// By the first day it may mean, then the more precise first; days without a year after all
    /// that have one, by month and day.
    fn cmp(&self, other: &PartialDate) -> Ordering {
        match (self.bounds(), other.bounds()) {
            (Some((a, _)), Some((b, _))) => a
                .cmp(&b)
                .then_with(|| self.span_days().cmp(&other.span_days()))
                .then_with(|| self.to_string().cmp(&other.to_string())),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => self.to_string().cmp(&other.to_string()),
        }
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &PartialDate) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<Date> for PartialDate {
    fn from(d: Date) -> PartialDate {
        PartialDate::Day(d)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialDate::Day(d) => write!(f, "{d}"),
            PartialDate::Month { year, month } => write!(f, "{year}-{month:02}"),
            PartialDate::Season { year, season } => write!(f, "{year}-{}", season.as_str()),
            PartialDate::Half { year, half } => write!(f, "{year}-H{half}"),
            PartialDate::Part { year, part } => write!(f, "{year}-{}", part.as_str()),
            PartialDate::Year(year) => write!(f, "{year}"),
            PartialDate::DayOfMonth { month, day } => write!(f, "--{month:02}-{day:02}"),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<PartialDate, D::Error> {
        let text = String::deserialize(deserializer)?;
        PartialDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for PartialDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                .description(Some(
                    "A date as precise as its source: 2016-08-31, 2016-09, 2019-autumn, 2019-H2, 2017-early, 2016 or --09-08 (a day without a year)",
                ))
                .examples(["2016-09"])
                .build(),
        ))
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for PartialDate {}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> PartialDate {
        PartialDate::parse(text).unwrap()
    }

    #[test]
    fn every_written_form_reads_back_as_written() {
        for text in [
            "2016-08-31",
            "2016-09",
            "2019-autumn",
            "2019-winter",
            "2019-H2",
            "2017-early",
            "2017-late",
            "2016",
            "--09-08",
            "--02-29",
        ] {
            assert_eq!(p(text).to_string(), text);
        }
        for bad in [
            "",
            "16",
            "2016-13",
            "2016-9",
            "2016-fall",
            "2016-H3",
            "--13-01",
            "--02-30",
            "--9-8",
            "2016-02-30",
            "12016",
            "2016-09-01-01",
            "x2016",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds_keep_the_precision_and_never_pretend_a_first_of_january() {
        let d = |t: &str| Date::parse(t).unwrap();
        assert_eq!(
            p("2016-09").bounds(),
            Some((d("2016-09-01"), d("2016-09-30")))
        );
        assert_eq!(
            p("2019-autumn").bounds(),
            Some((d("2019-09-01"), d("2019-11-30")))
        );
        assert_eq!(
            p("2019-winter").bounds(),
            Some((d("2019-12-01"), d("2020-02-29")))
        );
        assert_eq!(
            p("2017-early").bounds(),
            Some((d("2017-01-01"), d("2017-04-30")))
        );
        assert_eq!(
            p("2019-H2").bounds(),
            Some((d("2019-07-01"), d("2019-12-31")))
        );
        assert_eq!(p("2016").bounds(), Some((d("2016-01-01"), d("2016-12-31"))));
        assert_eq!(p("--09-08").bounds(), None);
        assert_eq!(p("2016").day(), None);
        assert_eq!(p("--09-08").year(), None);
    }

    #[test]
    fn mixed_precision_sorts_by_the_first_possible_day_then_the_more_precise_and_yearless_last() {
        let mut dates: Vec<PartialDate> = [
            "--09-08",
            "2017-early",
            "2016",
            "2016-09",
            "2016-08-31",
            "2019-autumn",
            "2016-09-01",
            "2019-H2",
        ]
        .iter()
        .map(|t| p(t))
        .collect();
        dates.sort();
        let sorted: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(
            sorted,
            [
                "2016",
                "2016-08-31",
                "2016-09-01",
                "2016-09",
                "2017-early",
                "2019-H2",
                "2019-autumn",
                "--09-08"
            ]
        );
    }
}
