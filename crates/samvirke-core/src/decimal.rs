//! Exact decimals with two places (money in major units, percentages), read as and written from
//! whole hundredths. No floats.

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
}
