//! Working days in Denmark, Sweden and Norway: public holidays computed for any year (those that
//! move with Easter too), and what a deadline on a non-working day becomes.
//!
//! The lists follow the law of each country:
//! - **DK**: the helligdage of the Danish church calendar that are days off (nytårsdag, skærtorsdag,
//!   langfredag, påskedag, 2. påskedag, store bededag, Kristi himmelfartsdag, pinsedag, 2. pinsedag,
//!   juledag, 2. juledag). Store bededag stopped being a holiday on 1 January 2024 (lov om
//!   konsekvenser ved afskaffelsen af store bededag som helligdag, adopted by the Folketing on 28
//!   February 2023); it is a holiday up to and including 2023. Grundlovsdag (5 June) and 24 and 31
//!   December are not public holidays by law (days off there come from agreements) and are working
//!   days here.
//! - **SE**: the allmänna helgdagar of lag (1989:253) om allmänna helgdagar (nationaldagen 6 June
//!   from 2005, when annandag pingst stopped being one), and, for deadlines, the days that lag
//!   (1930:173) om beräkning av lagstadgad tid treats like them: midsommarafton, julafton and
//!   nyårsafton (Saturdays are weekend days anyway).
//! - **NO**: the helligdager of lov om helligdager og helligdagsfred (nyttårsdag, skjærtorsdag,
//!   langfredag, påskedag, 2. påskedag, Kristi himmelfartsdag, pinsedag, 2. pinsedag, juledag,
//!   2. juledag) and the høytidsdager 1 and 17 May (lov om 1. og 17. mai som høgtidsdagar).
//!
//! Saturdays and Sundays are never working days.

use serde::{Deserialize, Serialize};

use crate::ids::Country;
use crate::time::{Date, TimeError};

/// A day off by law, with its name in the country's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// Its name, e.g. `Store bededag`, `Midsommarafton`, `Grunnlovsdag`.
    pub name: &'static str,
}

/// What a due date that falls on a non-working day becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Shift {
    /// The working day before (a report that must be in by then).
    #[default]
    Earlier,
    /// The working day after (as the Swedish and Danish rules on statutory time limits say).
    Later,
    /// The day stays as it is.
    Keep,
}

/// Monday is 0, Sunday 6.
pub fn weekday(day: Date) -> u32 {
    // 1970-01-01 was a Thursday (3).
    (day.days_since_epoch() + 3).rem_euclid(7) as u32
}

fn add_days(day: Date, days: i32) -> Date {
    Date::from_days_since_epoch(day.days_since_epoch() + days)
}

/// Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher").
pub fn easter_sunday(year: i32) -> Result<Date, TimeError> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::from_ymd(year, month as u32, day as u32)
}

/// The first `weekday` (0 = Monday) on or after `day`.
fn on_or_after(day: Date, wanted: u32) -> Date {
    let delta = (wanted + 7 - weekday(day)) % 7;
    add_days(day, delta as i32)
}

/// The days off by law in `country` in `year`, in date order, with their names.
pub fn holidays(country: Country, year: i32) -> Result<Vec<Holiday>, TimeError> {
    let easter = easter_sunday(year)?;
    let e = |offset: i32, name: &'static str| Holiday {
        date: add_days(easter, offset),
        name,
    };
    let fixed = |month: u32, day: u32, name: &'static str| -> Result<Holiday, TimeError> {
        Ok(Holiday {
            date: Date::from_ymd(year, month, day)?,
            name,
        })
    };
    let mut out = match country {
        Country::Dk => {
            let mut list = vec![
                fixed(1, 1, "Nytårsdag")?,
                e(-3, "Skærtorsdag"),
                e(-2, "Langfredag"),
                e(0, "Påskedag"),
                e(1, "2. påskedag"),
                e(39, "Kristi himmelfartsdag"),
                e(49, "Pinsedag"),
                e(50, "2. pinsedag"),
                fixed(12, 25, "Juledag")?,
                fixed(12, 26, "2. juledag")?,
            ];
            // Not a holiday from 1 January 2024 (the law adopted on 28 February 2023).
            if year <= 2023 {
                list.push(e(26, "Store bededag"));
            }
            list
        }
        Country::Se => {
            let mut list = vec![
                fixed(1, 1, "Nyårsdagen")?,
                fixed(1, 6, "Trettondedag jul")?,
                e(-2, "Långfredagen"),
                e(0, "Påskdagen"),
                e(1, "Annandag påsk"),
                fixed(5, 1, "Första maj")?,
                e(39, "Kristi himmelsfärds dag"),
                e(49, "Pingstdagen"),
                fixed(12, 24, "Julafton")?,
                fixed(12, 25, "Juldagen")?,
                fixed(12, 26, "Annandag jul")?,
                fixed(12, 31, "Nyårsafton")?,
            ];
            // Midsommardagen: the Saturday between 20 and 26 June; midsommarafton the day before.
            let midsummer = on_or_after(Date::from_ymd(year, 6, 20)?, 5);
            list.push(Holiday {
                date: add_days(midsummer, -1),
                name: "Midsommarafton",
            });
            list.push(Holiday {
                date: midsummer,
                name: "Midsommardagen",
            });
            // Alla helgons dag: the Saturday between 31 October and 6 November.
            list.push(Holiday {
                date: on_or_after(Date::from_ymd(year, 10, 31)?, 5),
                name: "Alla helgons dag",
            });
            if year >= 2005 {
                list.push(fixed(6, 6, "Sveriges nationaldag")?);
            } else {
                list.push(e(50, "Annandag pingst"));
            }
            list
        }
        Country::No => vec![
            fixed(1, 1, "Nyttårsdag")?,
            e(-3, "Skjærtorsdag"),
            e(-2, "Langfredag"),
            e(0, "Påskedag"),
            e(1, "2. påskedag"),
            fixed(5, 1, "Offentlig høytidsdag")?,
            fixed(5, 17, "Grunnlovsdag")?,
            e(39, "Kristi himmelfartsdag"),
            e(49, "Pinsedag"),
            e(50, "2. pinsedag"),
            fixed(12, 25, "Juledag")?,
            fixed(12, 26, "2. juledag")?,
        ],
    };
    out.sort_by_key(|h| h.date);
    Ok(out)
}

/// Whether `day` is a working day in `country`: Monday to Friday and no day off by law.
pub fn is_working_day(country: Country, day: Date) -> Result<bool, TimeError> {
    if weekday(day) >= 5 {
        return Ok(false);
    }
    let (year, _, _) = day.ymd();
    Ok(!holidays(country, year)?.iter().any(|h| h.date == day))
}

/// `day` if it is a working day, else the working day before or after it, as `shift` says.
pub fn shift_to_working_day(country: Country, day: Date, shift: Shift) -> Result<Date, TimeError> {
    let step = match shift {
        Shift::Keep => return Ok(day),
        Shift::Earlier => -1,
        Shift::Later => 1,
    };
    let mut current = day;
    // At most a long weekend plus a run of holidays: two weeks is far more than any calendar needs.
    for _ in 0..14 {
        if is_working_day(country, current)? {
            return Ok(current);
        }
        current = add_days(current, step);
    }
    Err(TimeError(format!(
        "no working day within two weeks of {day} in {}",
        country.code()
    )))
}

/// The `n`-th working day after `day` (`day` itself not counted): 7 working days after a request
/// received on a Friday is the Tuesday of the week after next when there is no holiday between.
pub fn add_working_days(country: Country, day: Date, n: u32) -> Result<Date, TimeError> {
    // A year has well over 200 working days; the bound only stops a runaway loop.
    let days_max = 2 * n as i32 + 60;
    let mut current = day;
    let mut found = 0;
    for _ in 0..days_max {
        if found == n {
            return Ok(current);
        }
        current = add_days(current, 1);
        if is_working_day(country, current)? {
            found += 1;
        }
    }
    if found == n {
        return Ok(current);
    }
    Err(TimeError(format!(
        "fewer than {n} working days within {days_max} days after {day} in {}",
        country.code()
    )))
}

/// The `n`-th working day (1 = the first) of a month; a negative `n` counts from the end (-1 = the
/// last working day).
pub fn nth_working_day(country: Country, year: i32, month: u32, n: i32) -> Result<Date, TimeError> {
    let first = Date::from_ymd(year, month, 1)?;
    let last = Date::from_ymd(year, month, crate::time::days_in_month(year, month))?;
    let mut found = 0;
    let (mut day, step, end) = if n > 0 {
        (first, 1, last)
    } else {
        (last, -1, first)
    };
    loop {
        if is_working_day(country, day)? {
            found += 1;
            if found == n.abs() {
                return Ok(day);
            }
        }
        if day == end {
            break;
        }
        day = add_days(day, step);
    }
    Err(TimeError(format!(
        "{year:04}-{month:02} has {found} working days in {}, not {}",
        country.code(),
        n.abs()
    )))
}

/// The municipal electoral term in force on `day`: its first day and the first day of the next.
///
/// - DK: four years from 1 January after the November election (terms 2022–2025, 2026–2029).
/// - SE: four years from 15 October of the September election year (2022, 2026, …), the mandate
///   period of the municipal assembly.
/// - NO: four years from 1 October of the September election year (2023, 2027, …). That the
///   Norwegian term begins on 1 October is ASSUMED (the new council meets by the end of October);
///   it was not confirmed against the text of the law, and the statutory file says so where it
///   matters.
pub fn electoral_term(country: Country, day: Date) -> Result<(Date, Date), TimeError> {
    let (anchor_year, month, dom) = match country {
        Country::Dk => (2022, 1, 1),
        Country::Se => (2022, 10, 15),
        Country::No => (2023, 10, 1),
    };
    let (year, _, _) = day.ymd();
    let mut start_year = anchor_year + (year - anchor_year).div_euclid(4) * 4;
    let mut start = Date::from_ymd(start_year, month, dom)?;
    if start > day {
        start_year -= 4;
        start = Date::from_ymd(start_year, month, dom)?;
    }
    Ok((start, Date::from_ymd(start_year + 4, month, dom)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_are_counted_after_the_day_over_weekends_and_holidays() {
        // Friday 22 March 2024; Easter 2024: 28 and 29 March and 1 April are days off in DK.
        assert_eq!(
            add_working_days(Country::Dk, d("2024-03-22"), 7).unwrap(),
            d("2024-04-05")
        );
        // Sweden has no skærtorsdag: Thursday 28 March counts.
        assert_eq!(
            add_working_days(Country::Se, d("2024-03-22"), 7).unwrap(),
            d("2024-04-04")
        );
        // Over the year end: 24–26 and 31 December and 1 January are off in SE.
        assert_eq!(
            add_working_days(Country::Se, d("2025-12-22"), 3).unwrap(),
            d("2025-12-30")
        );
        assert_eq!(
            add_working_days(Country::No, d("2026-05-15"), 1).unwrap(),
            d("2026-05-18"),
            "a Friday before a weekend"
        );
        assert_eq!(
            add_working_days(Country::No, d("2026-05-16"), 1).unwrap(),
            d("2026-05-18")
        );
        assert_eq!(
            add_working_days(Country::Dk, d("2026-05-16"), 0).unwrap(),
            d("2026-05-16")
        );
    }

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn dates(country: Country, year: i32) -> Vec<String> {
        holidays(country, year)
            .unwrap()
            .iter()
            .map(|h| h.date.to_string())
            .collect()
    }

    #[test]
    fn easter_sunday_matches_the_church_calendar() {
        for (year, easter) in [
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2019, "2019-04-21"),
            (2020, "2020-04-12"),
            (2021, "2021-04-04"),
            (2022, "2022-04-17"),
            (2023, "2023-04-09"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2038, "2038-04-25"),
        ] {
            assert_eq!(easter_sunday(year).unwrap(), d(easter), "{year}");
        }
    }

    /// The Danish lists as the Danish authorities publish them (borger.dk, "Helligdage"), 2023 with
    /// store bededag (5 May) and 2024–2026 without.
    #[test]
    fn danish_holidays_with_and_without_store_bededag() {
        assert_eq!(
            dates(Country::Dk, 2023),
            [
                "2023-01-01",
                "2023-04-06",
                "2023-04-07",
                "2023-04-09",
                "2023-04-10",
                "2023-05-05",
                "2023-05-18",
                "2023-05-28",
                "2023-05-29",
                "2023-12-25",
                "2023-12-26"
            ]
        );
        assert_eq!(
            dates(Country::Dk, 2024),
            [
                "2024-01-01",
                "2024-03-28",
                "2024-03-29",
                "2024-03-31",
                "2024-04-01",
                "2024-05-09",
                "2024-05-19",
                "2024-05-20",
                "2024-12-25",
                "2024-12-26"
            ]
        );
        assert_eq!(
            dates(Country::Dk, 2026),
            [
                "2026-01-01",
                "2026-04-02",
                "2026-04-03",
                "2026-04-05",
                "2026-04-06",
                "2026-05-14",
                "2026-05-24",
                "2026-05-25",
                "2026-12-25",
                "2026-12-26"
            ]
        );
        assert!(
            !is_working_day(Country::Dk, d("2023-05-05")).unwrap(),
            "store bededag 2023"
        );
        assert!(
            is_working_day(Country::Dk, d("2024-04-26")).unwrap(),
            "the Friday that was store bededag 2024"
        );
        assert!(
            is_working_day(Country::Dk, d("2025-06-05")).unwrap(),
            "grundlovsdag is not a holiday by law"
        );
    }

    /// Sweden's allmänna helgdagar with the days lag (1930:173) treats like them.
    #[test]
    fn swedish_holidays_with_midsummer_and_all_saints() {
        assert_eq!(
            dates(Country::Se, 2025),
            [
                "2025-01-01",
                "2025-01-06",
                "2025-04-18",
                "2025-04-20",
                "2025-04-21",
                "2025-05-01",
                "2025-05-29",
                "2025-06-06",
                "2025-06-08",
                "2025-06-20",
                "2025-06-21",
                "2025-11-01",
                "2025-12-24",
                "2025-12-25",
                "2025-12-26",
                "2025-12-31"
            ]
        );
        let y2026 = holidays(Country::Se, 2026).unwrap();
        let named = |name: &str| {
            y2026
                .iter()
                .find(|h| h.name == name)
                .unwrap()
                .date
                .to_string()
        };
        assert_eq!(named("Midsommardagen"), "2026-06-20");
        assert_eq!(named("Midsommarafton"), "2026-06-19");
        assert_eq!(named("Alla helgons dag"), "2026-10-31");
        assert_eq!(named("Kristi himmelsfärds dag"), "2026-05-14");
        // Before 2005: annandag pingst, no national day.
        let y2004 = holidays(Country::Se, 2004).unwrap();
        assert!(
            y2004
                .iter()
                .any(|h| h.name == "Annandag pingst" && h.date == d("2004-05-31"))
        );
        assert!(!y2004.iter().any(|h| h.name == "Sveriges nationaldag"));
    }

    /// Norway's helligdager and høytidsdager.
    #[test]
    fn norwegian_holidays_with_may_days() {
        assert_eq!(
            dates(Country::No, 2025),
            [
                "2025-01-01",
                "2025-04-17",
                "2025-04-18",
                "2025-04-20",
                "2025-04-21",
                "2025-05-01",
                "2025-05-17",
                "2025-05-29",
                "2025-06-08",
                "2025-06-09",
                "2025-12-25",
                "2025-12-26"
            ]
        );
        assert_eq!(
            dates(Country::No, 2024),
            [
                "2024-01-01",
                "2024-03-28",
                "2024-03-29",
                "2024-03-31",
                "2024-04-01",
                "2024-05-01",
                "2024-05-09",
                "2024-05-17",
                "2024-05-19",
                "2024-05-20",
                "2024-12-25",
                "2024-12-26"
            ]
        );
    }

    #[test]
    fn deadlines_move_to_a_working_day() {
        // 22 February 2026 is a Sunday: the Norwegian accounts deadline moves to Friday or Monday.
        assert_eq!(
            shift_to_working_day(Country::No, d("2026-02-22"), Shift::Earlier).unwrap(),
            d("2026-02-20")
        );
        assert_eq!(
            shift_to_working_day(Country::No, d("2026-02-22"), Shift::Later).unwrap(),
            d("2026-02-23")
        );
        assert_eq!(
            shift_to_working_day(Country::No, d("2026-02-22"), Shift::Keep).unwrap(),
            d("2026-02-22")
        );
        // Easter 2026 in Denmark: Thursday 2 April to Monday 6 April are all off.
        assert_eq!(
            shift_to_working_day(Country::Dk, d("2026-04-03"), Shift::Later).unwrap(),
            d("2026-04-07")
        );
        assert_eq!(
            shift_to_working_day(Country::Dk, d("2026-04-05"), Shift::Earlier).unwrap(),
            d("2026-04-01")
        );
        // Swedish New Year's Eve 2025 (Wednesday) is treated as a holiday.
        assert_eq!(
            shift_to_working_day(Country::Se, d("2025-12-31"), Shift::Later).unwrap(),
            d("2026-01-02")
        );
    }

    #[test]
    fn nth_working_days_count_from_either_end() {
        // January 2026 in Denmark: the 1st is a holiday, the 2nd a Friday.
        assert_eq!(
            nth_working_day(Country::Dk, 2026, 1, 1).unwrap(),
            d("2026-01-02")
        );
        assert_eq!(
            nth_working_day(Country::Dk, 2026, 1, 3).unwrap(),
            d("2026-01-06")
        );
        assert_eq!(
            nth_working_day(Country::Dk, 2026, 1, -1).unwrap(),
            d("2026-01-30")
        );
        // May 2026 in Norway: 1 May Friday, 14 May Ascension, 17 May Sunday, 25 May Whit Monday.
        assert_eq!(
            nth_working_day(Country::No, 2026, 5, -1).unwrap(),
            d("2026-05-29")
        );
        assert_eq!(
            nth_working_day(Country::No, 2026, 5, 1).unwrap(),
            d("2026-05-04")
        );
        // February 2024 (leap year) in Sweden: 21 working days; the 22nd does not exist.
        assert_eq!(
            nth_working_day(Country::Se, 2024, 2, 21).unwrap(),
            d("2024-02-29")
        );
        let err = nth_working_day(Country::Se, 2024, 2, 22)
            .unwrap_err()
            .to_string();
        assert!(err.contains("has 21 working days"), "{err}");
    }

    #[test]
    fn electoral_terms_per_country() {
        let term = |c, day: &str| {
            let (a, b) = electoral_term(c, d(day)).unwrap();
            (a.to_string(), b.to_string())
        };
        assert_eq!(
            term(Country::Dk, "2025-11-18"),
            ("2022-01-01".into(), "2026-01-01".into())
        );
        assert_eq!(
            term(Country::Dk, "2026-01-01"),
            ("2026-01-01".into(), "2030-01-01".into())
        );
        assert_eq!(
            term(Country::Dk, "2019-06-01"),
            ("2018-01-01".into(), "2022-01-01".into())
        );
        assert_eq!(
            term(Country::Se, "2026-10-14"),
            ("2022-10-15".into(), "2026-10-15".into())
        );
        assert_eq!(
            term(Country::Se, "2026-10-15"),
            ("2026-10-15".into(), "2030-10-15".into())
        );
        assert_eq!(
            term(Country::No, "2023-09-30"),
            ("2019-10-01".into(), "2023-10-01".into())
        );
        assert_eq!(
            term(Country::No, "2025-03-01"),
            ("2023-10-01".into(), "2027-10-01".into())
        );
    }

    #[test]
    fn weekdays_across_the_epoch() {
        assert_eq!(weekday(d("1970-01-01")), 3);
        assert_eq!(weekday(d("2021-09-01")), 2, "a Wednesday");
        assert_eq!(weekday(d("1969-12-31")), 2);
        assert_eq!(weekday(d("2024-02-29")), 3);
    }
}
