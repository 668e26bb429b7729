//! Due dates: the rules an obligation's date follows ("by 31 March", "ultimo maj", "primo februar",
//! "the 5th working day of January"), moved to a working day as the obligation says, and the
//! notice deadline a term model gives (the last day on which notice can be given so that the
//! agreement ends at the end of the current term).

use serde::{Deserialize, Serialize};

use crate::calendar::{Shift, electoral_term, nth_working_day, shift_to_working_day};
use crate::ids::Country;
use crate::model::{NoticeAnchor, TermModel};
use crate::time::{Date, TimeError, days_in_month};

/// When an obligation falls due in a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DueRule {
    /// A fixed day of a month, "by 31 March"; 29 February is 28 February in other years.
    FixedDay {
        /// 1–12.
        month: u32,
        /// 1–31.
        day: u32,
    },
    /// The last day of a month ("ultimo maj").
    EndOfMonth {
        /// 1–12.
        month: u32,
    },
    /// The first working day of a month ("primo februar").
    StartOfMonth {
        /// 1–12.
        month: u32,
    },
    /// The n-th working day of a month; negative counts from the end (-1 is the last).
    WorkingDay {
        /// 1–12.
        month: u32,
        /// 1, 2, … or -1, -2, …
        n: i32,
    },
    /// Once per municipal electoral term, by its last day (the country's term, see
    /// [`electoral_term`]), e.g. an ownership report or a review of the agreement each term.
    OncePerTerm,
}

impl DueRule {
    /// The month the rule names (none for a rule by electoral term).
    pub fn month(self) -> Option<u32> {
        match self {
            DueRule::FixedDay { month, .. }
            | DueRule::EndOfMonth { month }
            | DueRule::StartOfMonth { month }
            | DueRule::WorkingDay { month, .. } => Some(month),
            DueRule::OncePerTerm => None,
        }
    }

    /// Checks the numbers; the message says what is allowed.
    pub fn check(self) -> Result<(), String> {
        let Some(month) = self.month() else {
            return Ok(());
        };
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not 1–12"));
        }
        match self {
            DueRule::FixedDay { day, .. } if !(1..=days_in_month(2024, month)).contains(&day) => {
                Err(format!(
                    "day {day} does not exist in month {month}; give 1–{}",
                    days_in_month(2024, month)
                ))
            }
            DueRule::WorkingDay { n, .. } if n == 0 || n.abs() > 23 => Err(format!(
                "working day {n}: give 1–23 from the start of the month or -1 to -23 from its end"
            )),
            _ => Ok(()),
        }
    }

    /// The due date in `year` in `country`, moved to a working day as `shift` says (a rule that
    /// already names a working day is not moved). A rule by electoral term falls due in the year
    /// a term ends, and is an error in other years: use [`DueRule::due_between`].
    pub fn due_in(self, country: Country, year: i32, shift: Shift) -> Result<Date, TimeError> {
        let raw = match self {
            DueRule::OncePerTerm => {
                let from = Date::from_ymd(year, 1, 1)?;
                let to = Date::from_ymd(year, 12, 31)?;
                return term_ends(country, shift, from, to)?
                    .first()
                    .copied()
                    .ok_or_else(|| {
                        TimeError(format!(
                            "no municipal electoral term of {} ends in {year}",
                            country.code()
                        ))
                    });
            }
            DueRule::FixedDay { month, day } => {
                Date::from_ymd(year, month, day.min(days_in_month(year, month)))?
            }
            DueRule::EndOfMonth { month } => {
                Date::from_ymd(year, month, days_in_month(year, month))?
            }
            DueRule::StartOfMonth { month } => return nth_working_day(country, year, month, 1),
            DueRule::WorkingDay { month, n } => return nth_working_day(country, year, month, n),
        };
        shift_to_working_day(country, raw, shift)
    }

    /// Every due date from `from` up to and including `to`.
    pub fn due_between(
        self,
        country: Country,
        shift: Shift,
        from: Date,
        to: Date,
    ) -> Result<Vec<Date>, TimeError> {
        if self == DueRule::OncePerTerm {
            return term_ends(country, shift, from, to);
        }
        let (first_year, _, _) = from.ymd();
        let (last_year, _, _) = to.ymd();
        let mut out = Vec::new();
        // A date moved later may cross into the next year, one moved earlier into the previous one.
        for year in (first_year - 1)..=(last_year + 1) {
            if !(1000..=9999).contains(&year) {
                continue;
            }
            let due = self.due_in(country, year, shift)?;
            if from <= due && due <= to {
                out.push(due);
            }
        }
        Ok(out)
    }
}

/// The last days of the electoral terms that end between `from` and `to` (shifted to a working day).
pub fn term_ends(
    country: Country,
    shift: Shift,
    from: Date,
    to: Date,
) -> Result<Vec<Date>, TimeError> {
    let mut out = Vec::new();
    let (_, mut next_start) = electoral_term(country, from)?;
    // A term's last day, moved earlier, can fall before `from` while the term ends after it.
    loop {
        let due = shift_to_working_day(country, next_start.pred(), shift)?;
        if due > to {
            break;
        }
        if due >= from {
            out.push(due);
        }
        next_start = electoral_term(country, next_start)?.1;
    }
    Ok(out)
}

/// The due dates of an obligation from `from` up to and including `to`, within the years it applies.
pub fn occurrences(
    obligation: &crate::model::Obligation,
    country: Country,
    from: Date,
    to: Date,
) -> Result<Vec<Date>, TimeError> {
    let valid = obligation.valid;
    Ok(obligation
        .due
        .due_between(country, obligation.shift, from, to)?
        .into_iter()
        .filter(|d| valid.contains(*d))
        .collect())
}

/// `day` moved by `months` calendar months, the day of the month kept where it exists and the
/// month's last day otherwise (31 January + 1 month = 28 or 29 February).
pub fn add_months(day: Date, months: i32) -> Result<Date, TimeError> {
    let (y, m, d) = day.ymd();
    let index = y * 12 + (m as i32 - 1) + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    Date::from_ymd(year, month, d.min(days_in_month(year, month)))
}

/// When notice given on the deadline ends the agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeDeadline {
    /// The last day on which notice can be given (received) for the agreement to end at `ends`.
    pub last_notice_day: Date,
    /// The first day the agreement no longer applies.
    pub ends: Date,
}

/// The ends the anchor allows, after `after`, as exclusive end days.
fn next_anchor_end(term: &TermModel, after: Date) -> Result<Option<Date>, TimeError> {
    let anchor = term.notice_anchor.unwrap_or(NoticeAnchor::EndOfTerm);
    let (y, m, _) = after.ymd();
    Ok(match anchor {
        NoticeAnchor::AnyDay => Some(after.succ()),
        NoticeAnchor::EndOfMonth => Some(add_months(Date::from_ymd(y, m, 1)?, 1)?),
        NoticeAnchor::EndOfYear => Some(Date::from_ymd(y + 1, 1, 1)?),
        NoticeAnchor::EndOfTerm => {
            // Terms: the initial one, then renewals while the agreement renews itself.
            let initial = term.initial_term_months.map(|n| n as i32);
            let Some(initial) = initial else {
                return Ok(None);
            };
            let mut end = add_months(term.start, initial)?;
            let renewal = term
                .renewal_term_months
                .map(|n| n as i32)
                .unwrap_or(initial);
            let renews = term.tacit_renewal.unwrap_or(false);
            while end <= after {
                if !renews || renewal <= 0 {
                    return Ok(None);
                }
                end = add_months(end, renewal)?;
            }
            Some(end)
        }
    })
}

/// The earliest end that notice given on or after `on` can reach, and the last day to give it.
/// `None` when the term model has no notice period, or the agreement cannot be ended by notice
/// (a fixed term that has run out and does not renew).
pub fn notice_deadline(term: &TermModel, on: Date) -> Result<Option<NoticeDeadline>, TimeError> {
    let Some(months) = term.notice_period_months else {
        return Ok(None);
    };
    let months = months as i32;
    // The first possible end is the first anchor end at least `months` after `on`.
    let mut candidate = add_months(on, months)?.pred();
    for _ in 0..1200 {
        let Some(end) = next_anchor_end(term, candidate)? else {
            return Ok(None);
        };
        // Notice must be received by the day before `end` minus the notice period, so that the
        // whole period lies before the end: 6 months to 1 January means by 30 June.
        let last_notice_day = add_months(end, -months)?.pred();
        if last_notice_day >= on {
            return Ok(Some(NoticeDeadline {
                last_notice_day,
                ends: end,
            }));
        }
        candidate = end;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    fn term(
        start: &str,
        initial: Option<u32>,
        renewal: Option<u32>,
        tacit: bool,
        notice: u32,
        anchor: NoticeAnchor,
    ) -> TermModel {
        TermModel {
            start: d(start),
            initial_term_months: initial,
            renewal_term_months: renewal,
            tacit_renewal: Some(tacit),
            notice_period_months: Some(notice),
            notice_anchor: Some(anchor),
        }
    }

    #[test]
    fn once_per_term_falls_on_each_terms_last_day_in_each_country() {
        let rule = DueRule::OncePerTerm;
        assert!(rule.check().is_ok());
        assert_eq!(rule.month(), None);
        let dues = |country, from: &str, to: &str, shift| -> Vec<String> {
            rule.due_between(country, shift, d(from), d(to))
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        // DK: the term 2026–2029 ends on Monday 31 December 2029; 2022–2025 on Wednesday 31 December 2025.
        assert_eq!(
            dues(Country::Dk, "2025-01-01", "2030-12-31", Shift::Earlier),
            ["2025-12-31", "2029-12-31"]
        );
        // SE: terms from 15 October 2022 and 2026: the last days are Wednesday 14 October 2026 and
        // Monday 14 October 2030; the 2034 one, Saturday 14 October, moves to Friday the 13th.
        assert_eq!(
            dues(Country::Se, "2026-01-01", "2034-12-31", Shift::Earlier),
            ["2026-10-14", "2030-10-14", "2034-10-13"]
        );
        // NO: 30 September 2027 (Thursday); with the shift kept, the 2031 one stays on Tuesday the 30th.
        assert_eq!(
            dues(Country::No, "2027-01-01", "2031-12-31", Shift::Keep),
            ["2027-09-30", "2031-09-30"]
        );
        assert_eq!(
            rule.due_in(Country::No, 2027, Shift::Earlier).unwrap(),
            d("2027-09-30")
        );
        assert!(
            rule.due_in(Country::No, 2028, Shift::Earlier)
                .unwrap_err()
                .to_string()
                .contains("no municipal electoral term of NO ends in 2028")
        );
    }

    #[test]
    fn fixed_days_across_leap_years_and_weekends() {
        let rule = DueRule::FixedDay { month: 2, day: 29 };
        assert_eq!(
            rule.due_in(Country::Dk, 2024, Shift::Keep).unwrap(),
            d("2024-02-29")
        );
        assert_eq!(
            rule.due_in(Country::Dk, 2025, Shift::Keep).unwrap(),
            d("2025-02-28")
        );
        // Norwegian accounts by 22 February: a Sunday in 2026, a Saturday in 2025.
        let accounts = DueRule::FixedDay { month: 2, day: 22 };
        assert_eq!(
            accounts.due_in(Country::No, 2026, Shift::Earlier).unwrap(),
            d("2026-02-20")
        );
        assert_eq!(
            accounts.due_in(Country::No, 2025, Shift::Later).unwrap(),
            d("2025-02-24")
        );
        // 31 March 2024 was Easter Sunday, and 28 and 29 March holidays in Norway.
        let report = DueRule::FixedDay { month: 3, day: 31 };
        assert_eq!(
            report.due_in(Country::No, 2024, Shift::Earlier).unwrap(),
            d("2024-03-27")
        );
        assert_eq!(
            report.due_in(Country::No, 2024, Shift::Later).unwrap(),
            d("2024-04-02")
        );
    }

    #[test]
    fn ultimo_and_primo() {
        // "ultimo maj": 31 May 2026 is a Sunday.
        let order = DueRule::EndOfMonth { month: 5 };
        assert_eq!(
            order.due_in(Country::Dk, 2026, Shift::Earlier).unwrap(),
            d("2026-05-29")
        );
        assert_eq!(
            order.due_in(Country::Dk, 2025, Shift::Earlier).unwrap(),
            d("2025-05-30")
        );
        // "primo februar": the first working day.
        let adjust = DueRule::StartOfMonth { month: 2 };
        assert_eq!(
            adjust.due_in(Country::Dk, 2026, Shift::Earlier).unwrap(),
            d("2026-02-02")
        );
        assert_eq!(
            adjust.due_in(Country::Dk, 2025, Shift::Earlier).unwrap(),
            d("2025-02-03")
        );
        // End of February in a leap year.
        assert_eq!(
            DueRule::EndOfMonth { month: 2 }
                .due_in(Country::Se, 2028, Shift::Keep)
                .unwrap(),
            d("2028-02-29")
        );
    }

    #[test]
    fn working_days_and_year_ends() {
        let fifth = DueRule::WorkingDay { month: 1, n: 5 };
        // January 2027 in Sweden: 1 (Friday) and 6 (Wednesday) are holidays, so the working days
        // are 4, 5, 7, 8, 11, …
        assert_eq!(
            fifth.due_in(Country::Se, 2027, Shift::Earlier).unwrap(),
            d("2027-01-11")
        );
        let last_of_december = DueRule::WorkingDay { month: 12, n: -1 };
        // Swedish 31 December is like a holiday: the last working day of 2026 is the 30th.
        assert_eq!(
            last_of_december
                .due_in(Country::Se, 2026, Shift::Earlier)
                .unwrap(),
            d("2026-12-30")
        );
        // A rule moved later can fall in the next year: 31 December 2027 (Friday) in Sweden → 3 January 2028.
        let new_year = DueRule::FixedDay { month: 12, day: 31 };
        assert_eq!(
            new_year
                .due_between(Country::Se, Shift::Later, d("2028-01-01"), d("2028-12-31"))
                .unwrap(),
            vec![d("2028-01-03")]
        );
        assert_eq!(
            new_year
                .due_between(Country::Dk, Shift::Keep, d("2025-06-01"), d("2027-06-01"))
                .unwrap(),
            vec![d("2025-12-31"), d("2026-12-31")]
        );
    }

    #[test]
    fn rules_are_checked() {
        assert!(
            DueRule::FixedDay { month: 2, day: 30 }
                .check()
                .unwrap_err()
                .contains("1–29")
        );
        assert!(DueRule::EndOfMonth { month: 13 }.check().is_err());
        assert!(DueRule::WorkingDay { month: 1, n: 0 }.check().is_err());
        assert!(DueRule::FixedDay { month: 2, day: 29 }.check().is_ok());
    }

    #[test]
    fn months_are_added_with_the_day_kept_where_it_exists() {
        assert_eq!(add_months(d("2024-01-31"), 1).unwrap(), d("2024-02-29"));
        assert_eq!(add_months(d("2025-01-31"), 1).unwrap(), d("2025-02-28"));
        assert_eq!(add_months(d("2025-03-15"), -3).unwrap(), d("2024-12-15"));
        assert_eq!(add_months(d("2025-12-01"), 1).unwrap(), d("2026-01-01"));
    }

    #[test]
    fn notice_to_the_end_of_a_renewing_term() {
        // Four-year terms from 2007, renewed by themselves, 12 months' notice to the end of a term.
        let t = term(
            "2007-01-01",
            Some(48),
            Some(48),
            true,
            12,
            NoticeAnchor::EndOfTerm,
        );
        let on_2025 = notice_deadline(&t, d("2025-03-01")).unwrap().unwrap();
        // The term 2023–2026 ends 2027-01-01; notice by 2025-12-31.
        assert_eq!(
            on_2025,
            NoticeDeadline {
                last_notice_day: d("2025-12-31"),
                ends: d("2027-01-01")
            }
        );
        // Notice given in 2026 is too late for that term and reaches the next one (2031).
        let on_2026 = notice_deadline(&t, d("2026-01-01")).unwrap().unwrap();
        assert_eq!(
            on_2026,
            NoticeDeadline {
                last_notice_day: d("2029-12-31"),
                ends: d("2031-01-01")
            }
        );
        // A fixed term that does not renew cannot be ended by notice once it has run out.
        let fixed = term(
            "2020-01-01",
            Some(24),
            None,
            false,
            6,
            NoticeAnchor::EndOfTerm,
        );
        assert_eq!(
            notice_deadline(&fixed, d("2021-03-01"))
                .unwrap()
                .unwrap()
                .ends,
            d("2022-01-01")
        );
        assert_eq!(
            notice_deadline(&fixed, d("2021-07-01")).unwrap(),
            None,
            "too late, and no renewal"
        );
    }

    #[test]
    fn notice_to_the_end_of_a_year_or_a_month() {
        // Six months to the end of a year: by 30 June.
        let yearly = term("2007-01-01", None, None, false, 6, NoticeAnchor::EndOfYear);
        assert_eq!(
            notice_deadline(&yearly, d("2026-03-10")).unwrap().unwrap(),
            NoticeDeadline {
                last_notice_day: d("2026-06-30"),
                ends: d("2027-01-01")
            }
        );
        assert_eq!(
            notice_deadline(&yearly, d("2026-07-01"))
                .unwrap()
                .unwrap()
                .ends,
            d("2028-01-01")
        );
        // Three months to the end of a month.
        let monthly = term("2007-01-01", None, None, false, 3, NoticeAnchor::EndOfMonth);
        assert_eq!(
            notice_deadline(&monthly, d("2026-03-10")).unwrap().unwrap(),
            NoticeDeadline {
                last_notice_day: d("2026-03-31"),
                ends: d("2026-07-01")
            }
        );
        let no_notice = TermModel {
            notice_period_months: None,
            ..monthly
        };
        assert_eq!(notice_deadline(&no_notice, d("2026-03-10")).unwrap(), None);
    }
}
