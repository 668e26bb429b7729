//! Money: integer minor units (øre, öre) with a currency. No floats anywhere.

use std::fmt;

/// A currency Samvirke settles in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Currency {
    /// Danish krone.
    Dkk,
    /// Swedish krona.
    Sek,
    /// Norwegian krone.
    Nok,
}

impl Currency {
    /// `DKK`, `SEK`, `NOK`.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Dkk => "DKK",
            Currency::Sek => "SEK",
            Currency::Nok => "NOK",
        }
    }

    /// Reads `DKK`, `SEK` or `NOK`.
    pub fn parse(text: &str) -> Result<Currency, MoneyError> {
        match text {
            "DKK" => Ok(Currency::Dkk),
            "SEK" => Ok(Currency::Sek),
            "NOK" => Ok(Currency::Nok),
            _ => Err(MoneyError(format!(
                "\"{text}\" is not a currency Samvirke settles in; use DKK, SEK or NOK"
            ))),
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why an amount could not be read or computed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MoneyError(pub String);

/// An amount in minor units of a currency (1 DKK = 100 øre).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount {
    minor: i64,
    currency: Currency,
}

impl Amount {
    /// `minor` øre/öre of `currency`.
    pub fn new(minor: i64, currency: Currency) -> Amount {
        Amount { minor, currency }
    }

    /// Minor units.
    pub fn minor(self) -> i64 {
        self.minor
    }

    /// The currency.
    pub fn currency(self) -> Currency {
        self.currency
    }

    /// Sum of two amounts of the same currency; an error on a currency mismatch or overflow.
    pub fn checked_add(self, other: Amount) -> Result<Amount, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError(format!(
                "cannot add {} and {}",
                self.currency, other.currency
            )));
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or_else(|| MoneyError("amount overflow".to_string()))?;
        Ok(Amount {
            minor,
            currency: self.currency,
        })
    }
}

impl fmt::Display for Amount {
    /// `1234.56 DKK` (always two decimals, `.` as the decimal point).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            format_hundredths(i128::from(self.minor)),
            self.currency
        )
    }
}

/// Writes a number of hundredths with exactly two decimals: 12345 → `123.45`, −5 → `-0.05`.
pub fn format_hundredths(value: i128) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Reads a non-negative decimal with at most two decimals as hundredths (`1234567.89` →
/// 123456789). `decimal` is the decimal separator (`.` or `,`). The message says what is wrong.
pub fn parse_hundredths(text: &[u8], decimal: u8) -> Result<u64, &'static str> {
    if text.is_empty() {
        return Err("is empty; write a number such as 12.50");
    }
    let mut whole: u64 = 0;
    let mut idx = 0;
    let mut digits_whole = 0;
    while idx < text.len() && text[idx].is_ascii_digit() {
        whole = whole
            .checked_mul(10)
            .and_then(|w| w.checked_add(u64::from(text[idx] - b'0')))
            .ok_or("is too large")?;
        idx += 1;
        digits_whole += 1;
    }
    let mut frac: u64 = 0;
    if idx < text.len() {
        if text[idx] != decimal {
            return Err(if text[idx] == b'-' {
                "is negative; only zero or more is allowed"
            } else if text[idx] == b'.' || text[idx] == b',' {
                "uses the wrong decimal separator for this delimiter (a comma with `;`, a point with `,`)"
            } else {
                "is not a number; write digits with at most two decimals, e.g. 12.50"
            });
        }
        idx += 1;
        let frac_digits = &text[idx..];
        match frac_digits {
            [a] if a.is_ascii_digit() => frac = u64::from(a - b'0') * 10,
            [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
                frac = u64::from(a - b'0') * 10 + u64::from(b - b'0')
            }
            [] => return Err("has a decimal separator but no decimals"),
            _ if frac_digits.iter().all(u8::is_ascii_digit) => {
                return Err("has more than two decimals");
            }
            _ => return Err("is not a number; write digits with at most two decimals, e.g. 12.50"),
        }
    }
    if digits_whole == 0 && idx == 0 {
        return Err("is not a number; write digits with at most two decimals, e.g. 12.50");
    }
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or("is too large")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_parse_exactly() {
        assert_eq!(parse_hundredths(b"1234567.89", b'.'), Ok(123_456_789));
        assert_eq!(parse_hundredths(b"0.25", b'.'), Ok(25));
        assert_eq!(parse_hundredths(b"8", b'.'), Ok(800));
        assert_eq!(parse_hundredths(b"8.5", b'.'), Ok(850));
        assert_eq!(parse_hundredths(b"8,5", b','), Ok(850));
        assert_eq!(parse_hundredths(b".5", b'.'), Ok(50));
        assert!(
            parse_hundredths(b"1.234", b'.')
                .unwrap_err()
                .contains("more than two decimals")
        );
        assert!(
            parse_hundredths(b"-1", b'.')
                .unwrap_err()
                .contains("negative")
        );
        assert!(
            parse_hundredths(b"1,5", b'.')
                .unwrap_err()
                .contains("decimal separator")
        );
        assert!(parse_hundredths(b"1e3", b'.').is_err());
        assert!(parse_hundredths(b"", b'.').is_err());
        assert!(parse_hundredths(b"1.", b'.').is_err());
        assert!(
            parse_hundredths(b"99999999999999999999", b'.')
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn amounts_print_with_two_decimals() {
        assert_eq!(
            Amount::new(123_456, Currency::Dkk).to_string(),
            "1234.56 DKK"
        );
        assert_eq!(format_hundredths(-5), "-0.05");
        assert_eq!(format_hundredths(0), "0.00");
        assert!(
            Amount::new(1, Currency::Dkk)
                .checked_add(Amount::new(1, Currency::Sek))
                .is_err()
        );
    }
}
