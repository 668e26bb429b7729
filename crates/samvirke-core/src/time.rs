//! Valid time ([`Date`], [`Interval`]) and record time ([`Timestamp`]).
//!
//! Dates are civil days in the proleptic Gregorian calendar, stored as days since 1970-01-01 so that
//! comparisons in the resolver are single integer compares. Intervals are half-open `[from, to)`;
//! `to = None` means open-ended. Timestamps are UTC microseconds since the Unix epoch.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A civil date (valid time). Ordered; `Display` and `parse` use `YYYY-MM-DD`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// Why a date or timestamp could not be read; the message says what form is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TimeError(pub(crate) String);

const DATE_YEAR_MIN: i32 = 1000;
const DATE_YEAR_MAX: i32 = 9999;

impl Date {
    /// Builds a date from year, month and day, checking that the day exists.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, TimeError> {
        if !(DATE_YEAR_MIN..=DATE_YEAR_MAX).contains(&year) {
            return Err(TimeError(format!(
                "year {year} is outside {DATE_YEAR_MIN}–{DATE_YEAR_MAX}"
            )));
        }
        if !(1..=12).contains(&month) {
            return Err(TimeError(format!("month {month} is not 1–12")));
        }
        let days_max = days_in_month(year, month);
        if !(1..=days_max).contains(&day) {
            return Err(TimeError(format!(
                "{year:04}-{month:02} has {days_max} days, not {day}"
            )));
        }
        Ok(Date(days_from_civil(year, month, day)))
    }

    /// Parses `YYYY-MM-DD` (exactly that form).
    pub fn parse(text: &str) -> Result<Date, TimeError> {
        let bytes = text.as_bytes();
        let well_formed = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !well_formed {
            return Err(TimeError(format!(
                "\"{text}\" is not a date; write it as YYYY-MM-DD, e.g. 2021-09-01"
            )));
        }
        let year = parse_digits(&bytes[0..4]) as i32;
        let month = parse_digits(&bytes[5..7]);
        let day = parse_digits(&bytes[8..10]);
        Date::from_ymd(year, month, day)
            .map_err(|e| TimeError(format!("\"{text}\" is not a real date: {e}")))
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i32 {
        self.0
    }

    /// The date `days` days since 1970-01-01.
    pub fn from_days_since_epoch(days: i32) -> Date {
        Date(days)
    }

    /// Year, month, day.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// The next day.
    pub fn succ(self) -> Date {
        Date(self.0 + 1)
    }

    /// The previous day.
    pub fn pred(self) -> Date {
        Date(self.0 - 1)
    }

    /// Today's date in UTC.
    pub fn today_utc(now: Timestamp) -> Date {
        Date(now.0.div_euclid(MICROS_PER_DAY) as i32)
    }

    /// The civil date in Denmark, Sweden and Norway at `now` (see [`Timestamp::nordic_civil`]).
    /// Deadlines, due dates and "today" on every page and in every command are this date.
    pub fn today_nordic(now: Timestamp) -> Date {
        now.nordic_civil().0
    }
}

fn parse_digits(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// Whether the year has a February 29.
pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of the proleptic Gregorian calendar (February 29 in leap years).
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days, exact for the proleptic Gregorian calendar.
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A half-open interval of days, `[from, to)`. `to = None` is open-ended.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interval {
    from: Date,
    to: Option<Date>,
}

impl Interval {
    /// `[from, to)`; fails when `to` is not after `from` (an empty or reversed interval).
    pub fn new(from: Date, to: Option<Date>) -> Result<Interval, TimeError> {
        if let Some(to) = to
            && !(from < to)
        {
            return Err(TimeError(format!(
                "the interval ends ({to}) before it starts ({from}); `to` is the first day it no longer applies and must be after `from`"
            )));
        }
        Ok(Interval { from, to })
    }

    /// `[from, ∞)`.
    pub fn starting(from: Date) -> Interval {
        Interval { from, to: None }
    }

    /// First day inside.
    pub fn from(&self) -> Date {
        self.from
    }

    /// First day no longer inside, if any.
    pub fn to(&self) -> Option<Date> {
        self.to
    }

    /// Last day inside, for showing to people (`[2007-01-01, 2021-09-01)` is "2007-01-01 – 2021-08-31").
    pub fn last_day(&self) -> Option<Date> {
        self.to.map(Date::pred)
    }

    /// Whether `day` lies inside.
    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && self.to.is_none_or(|to| day < to)
    }

    /// Whether the two intervals share at least one day.
    pub fn overlaps(&self, other: &Interval) -> bool {
        let self_starts_before_other_ends = other.to.is_none_or(|to| self.from < to);
        let other_starts_before_self_ends = self.to.is_none_or(|to| other.from < to);
        self_starts_before_other_ends && other_starts_before_self_ends
    }

    /// The days both intervals share, if any.
    pub fn intersection(&self, other: &Interval) -> Option<Interval> {
        let from = self.from.max(other.from);
        let to = match (self.to, other.to) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Interval::new(from, to).ok()
    }
}

impl fmt::Display for Interval {
    /// Shown inclusively, as people read it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.last_day() {
            Some(last) => write!(f, "{} – {}", self.from, last),
            None => write!(f, "from {}", self.from),
        }
    }
}

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// A point in record time: UTC microseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The civil date, hour and minute in Denmark, Sweden and Norway: all three keep Central
    /// European Time (UTC+1) and its summer time (UTC+2) from 01:00 UTC on the last Sunday of March
    /// to 01:00 UTC on the last Sunday of October (EU directive 2000/84/EC, followed by Norway).
    pub fn nordic_civil(self) -> (Date, u32, u32) {
        const HOUR: i64 = 3_600_000_000;
        let (year, _, _) = Date::today_utc(self).ymd();
        let switch = |month: u32| {
            // The last Sunday of the month, at 01:00 UTC. 1970-01-01 was a Thursday.
            let last = Date::from_ymd(year, month, 31).map_or(0, |d| d.0);
            let sunday = last - (last + 4).rem_euclid(7);
            i64::from(sunday) * MICROS_PER_DAY + HOUR
        };
        let summer = self.0 >= switch(3) && self.0 < switch(10);
        let local = self.0 + if summer { 2 * HOUR } else { HOUR };
        let minutes = local.rem_euclid(MICROS_PER_DAY) / 60_000_000;
        (
            Date::today_utc(Timestamp(local)),
            (minutes / 60) as u32,
            (minutes % 60) as u32,
        )
    }

    /// From microseconds since the Unix epoch.
    pub fn from_micros(micros: i64) -> Timestamp {
        Timestamp(micros)
    }

    /// Microseconds since the Unix epoch.
    pub fn micros(self) -> i64 {
        self.0
    }

    /// The first instant of a day (UTC).
    pub fn start_of_day(day: Date) -> Timestamp {
        Timestamp(i64::from(day.days_since_epoch()) * MICROS_PER_DAY)
    }

    /// The last instant of a day (UTC): "as known on 2021-06-15" includes all of that day.
    pub fn end_of_day(day: Date) -> Timestamp {
        Timestamp(Timestamp::start_of_day(day.succ()).0 - 1)
    }

    /// Parses RFC 3339 (`2021-06-15T10:00:00Z`, `2021-06-15T12:00:00.5+02:00`) or a bare date, which
    /// means the end of that day in UTC.
    pub fn parse(text: &str) -> Result<Timestamp, TimeError> {
        let bad = || {
            TimeError(format!(
                "\"{text}\" is not a timestamp; write YYYY-MM-DD (end of that day, UTC) or RFC 3339 such as 2021-06-15T10:00:00Z"
            ))
        };
        if text.len() == 10 {
            return Ok(Timestamp::end_of_day(Date::parse(text)?));
        }
        if text.len() < 20 || !matches!(text.as_bytes()[10], b'T' | b't' | b' ') {
            return Err(bad());
        }
        let day = Date::parse(&text[..10]).map_err(|_| bad())?;
        let rest = &text[11..];
        let b = rest.as_bytes();
        if !(b.len() >= 9 && b[2] == b':' && b[5] == b':') {
            return Err(bad());
        }
        let digits = |s: &[u8]| -> Result<i64, TimeError> {
            if s.iter().all(u8::is_ascii_digit) {
                Ok(i64::from(parse_digits(s)))
            } else {
                Err(bad())
            }
        };
        let (hour, minute, second) = (digits(&b[0..2])?, digits(&b[3..5])?, digits(&b[6..8])?);
        if hour > 23 || minute > 59 || second > 60 {
            return Err(bad());
        }
        let mut idx = 8;
        let mut micros_frac = 0i64;
        if b.get(idx) == Some(&b'.') {
            idx += 1;
            let start = idx;
            while idx < b.len() && b[idx].is_ascii_digit() {
                idx += 1;
            }
            let frac = &b[start..idx];
            if frac.is_empty() {
                return Err(bad());
            }
            for (pos, d) in frac.iter().take(6).enumerate() {
                micros_frac += i64::from(d - b'0') * 10i64.pow(5 - pos as u32);
            }
        }
        let offset_seconds = match &b[idx..] {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let value = digits(&[*h1, *h2])? * 3600 + digits(&[*m1, *m2])? * 60;
                if *sign == b'+' { value } else { -value }
            }
            _ => return Err(bad()),
        };
        let seconds = hour * 3600 + minute * 60 + second.min(59) - offset_seconds;
        Ok(Timestamp(
            Timestamp::start_of_day(day).0 + seconds * MICROS_PER_SECOND + micros_frac,
        ))
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with microseconds: sorts as text in time order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = Date(self.0.div_euclid(MICROS_PER_DAY) as i32);
        let in_day = self.0.rem_euclid(MICROS_PER_DAY);
        let secs = in_day / MICROS_PER_SECOND;
        let micros = in_day % MICROS_PER_SECOND;
        write!(
            f,
            "{day}T{:02}:{:02}:{:02}.{micros:06}Z",
            secs / 3600,
            (secs / 60) % 60,
            secs % 60
        )
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nordic_day_starts_at_midnight_in_copenhagen() {
        let at = |text: &str| Timestamp::parse(text).unwrap();
        let day = |text: &str| Date::parse(text).unwrap();
        // Winter: UTC+1. 23:30 UTC on 31 December is already New Year's Day.
        assert_eq!(
            Date::today_nordic(at("2026-12-31T23:30:00Z")),
            day("2027-01-01")
        );
        assert_eq!(
            Date::today_nordic(at("2026-12-31T22:59:59Z")),
            day("2026-12-31")
        );
        // Summer: UTC+2.
        assert_eq!(
            Date::today_nordic(at("2026-06-30T22:00:00Z")),
            day("2026-07-01")
        );
        assert_eq!(
            Date::today_nordic(at("2026-06-30T21:59:59Z")),
            day("2026-06-30")
        );
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(
            Date::today_nordic(at("2026-03-28T22:30:00Z")),
            day("2026-03-28")
        );
        assert_eq!(
            Date::today_nordic(at("2026-03-29T22:30:00Z")),
            day("2026-03-30")
        );
        assert_eq!(
            Date::today_nordic(at("2026-10-24T22:30:00Z")),
            day("2026-10-25")
        );
        assert_eq!(
            Date::today_nordic(at("2026-10-25T22:30:00Z")),
            day("2026-10-25")
        );
        assert_eq!(
            at("2021-09-01T12:05:00Z").nordic_civil(),
            (day("2021-09-01"), 14, 5)
        );
    }
    use proptest::prelude::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn dates_parse_and_print() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2021-09-01").to_string(), "2021-09-01");
        assert_eq!(d("2024-02-29").succ().to_string(), "2024-03-01");
        assert!(
            Date::parse("2023-02-29")
                .unwrap_err()
                .to_string()
                .contains("28 days")
        );
        assert!(
            Date::parse("1.9.2021")
                .unwrap_err()
                .to_string()
                .contains("YYYY-MM-DD")
        );
        assert!(Date::parse("2021-13-01").is_err());
    }

    #[test]
    fn timestamps_parse_and_print() {
        let t = Timestamp::parse("2021-06-15T10:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2021-06-15T10:00:00.000000Z");
        let with_offset = Timestamp::parse("2021-06-15T12:00:00.25+02:00").unwrap();
        assert_eq!(with_offset.to_string(), "2021-06-15T10:00:00.250000Z");
        let day = Timestamp::parse("2021-06-15").unwrap();
        assert_eq!(day.to_string(), "2021-06-15T23:59:59.999999Z");
        assert!(Timestamp::parse("yesterday").is_err());
        assert!(Timestamp::parse("2021-06-15T25:00:00Z").is_err());
    }

    #[test]
    fn intervals_are_half_open() {
        let take_back = Interval::new(d("2007-01-01"), Some(d("2021-09-01"))).unwrap();
        assert!(take_back.contains(d("2021-08-31")));
        assert!(!take_back.contains(d("2021-09-01")));
        assert_eq!(take_back.to_string(), "2007-01-01 – 2021-08-31");
        assert!(Interval::new(d("2021-09-01"), Some(d("2021-09-01"))).is_err());
        let err = Interval::new(d("2021-09-01"), Some(d("2020-01-01"))).unwrap_err();
        assert!(
            err.to_string()
                .contains("ends (2020-01-01) before it starts (2021-09-01)")
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (-10_000i32..40_000).prop_map(Date)
    }

    fn any_interval() -> impl Strategy<Value = Interval> {
        (any_date(), proptest::option::of(1i32..5000))
            .prop_map(|(from, len)| Interval::new(from, len.map(|l| Date(from.0 + l))).unwrap())
    }

    proptest! {
        #[test]
        fn date_text_round_trips(day in any_date()) {
            prop_assert_eq!(Date::parse(&day.to_string()).unwrap(), day);
        }

        #[test]
        fn overlap_agrees_with_days(a in any_interval(), b in any_interval(), probe in any_date()) {
            if a.contains(probe) && b.contains(probe) {
                prop_assert!(a.overlaps(&b));
                let both = a.intersection(&b).unwrap();
                prop_assert!(both.contains(probe));
            }
            prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
            prop_assert_eq!(a.overlaps(&b), a.intersection(&b).is_some());
        }

        #[test]
        fn intersection_is_exactly_the_shared_days(a in any_interval(), b in any_interval(), probe in any_date()) {
            let inside_both = a.contains(probe) && b.contains(probe);
            let inside_intersection = a.intersection(&b).is_some_and(|i| i.contains(probe));
            prop_assert_eq!(inside_both, inside_intersection);
        }

        #[test]
        fn timestamp_text_round_trips(micros in -1_000_000_000_000_000i64..5_000_000_000_000_000) {
            let t = Timestamp(micros);
            prop_assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
        }
    }
}
