//! Money: integer minor units (øre, öre) with a currency. No floats anywhere.

pub use samvirke_core::decimal::{format_hundredths, parse_hundredths};

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

#[cfg(test)]
mod tests {
    use super::*;

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
