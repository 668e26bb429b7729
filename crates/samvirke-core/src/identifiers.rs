//! The legal and electronic identifiers an e-invoice carries, checked as the registries that issue
//! them compute their check digits: Danish CVR numbers (modulus 11), GS1 location numbers (EAN/GLN,
//! the GS1 check digit), Swedish organisation numbers (Luhn), Norwegian organisation numbers
//! (modulus 11), VAT numbers built on them, IBANs (ISO 13616, modulus 97), Swedish bankgiro and
//! plusgiro numbers (Luhn) and Norwegian account numbers (modulus 11). Each check says what is
//! wrong and how the number should look, for the agreement file's errors.

use crate::ids::Country;

/// Only the digits of `text`, when it is digits with optional spaces, hyphens or dots between
/// them (as people write `212000-2122` or `1234 5678`); `None` if anything else is in it.
fn digits(text: &str) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '0'..='9' => out.push(c as u32 - '0' as u32),
            ' ' | '-' | '.' => {}
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

fn joined(d: &[u32]) -> String {
    d.iter().map(|n| char::from(b'0' + *n as u8)).collect()
}

/// The Luhn check (ISO/IEC 7812): doubling every second digit from the right.
fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &n)| {
            if i % 2 == 1 {
                let x = n * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                n
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The weighted modulus-11 check digit of `body` (11 → 0, 10 → none).
fn mod11_digit(body: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = body.iter().zip(weights).map(|(a, b)| a * b).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        d => Some(d),
    }
}

/// A Danish CVR number: 8 digits, no leading zero, weights 2 7 6 5 4 3 2 1 summing to a multiple
/// of 11. Returns the 8 digits.
pub fn cvr(text: &str) -> Result<String, String> {
    let d = digits(text).ok_or_else(|| {
        format!("\"{text}\" is not a CVR number; a CVR number is 8 digits, e.g. \"29189846\"")
    })?;
    if d.len() != 8 || d.first() == Some(&0) {
        return Err(format!(
            "\"{text}\" has {} digits; a CVR number is 8 digits and does not start with 0, e.g. \"29189846\"",
            d.len()
        ));
    }
    let sum: u32 = d
        .iter()
        .zip([2, 7, 6, 5, 4, 3, 2, 1])
        .map(|(a, b)| a * b)
        .sum();
    if !sum.is_multiple_of(11) {
        return Err(format!(
            "\"{text}\" is not a valid CVR number: its check digit does not match (modulus 11); check the number in the CVR register"
        ));
    }
    Ok(joined(&d))
}

/// A GS1 location number (EAN/GLN): 13 digits with the GS1 check digit (weights 3 and 1 from the
/// right, not counting the check digit). Returns the 13 digits.
pub fn gln(text: &str) -> Result<String, String> {
    let d = digits(text).ok_or_else(|| {
        format!(
            "\"{text}\" is not a location number (EAN/GLN); it is 13 digits, e.g. \"5798000416604\""
        )
    })?;
    let Some((check, body)) = d.split_last().filter(|_| d.len() == 13) else {
        return Err(format!(
            "\"{text}\" has {} digits; a location number (EAN/GLN) is 13 digits, e.g. \"5798000416604\"",
            d.len()
        ));
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &n)| if i % 2 == 0 { n * 3 } else { n })
        .sum();
    if (10 - sum % 10) % 10 != *check {
        return Err(format!(
            "\"{text}\" is not a valid location number (EAN/GLN): its GS1 check digit should be {}, not {check}",
            (10 - sum % 10) % 10
        ));
    }
    Ok(joined(&d))
}

/// A Swedish organisation number: 10 digits (written `212000-2122` or `2120002122`) whose last
/// digit is the Luhn check digit. Returns the 10 digits.
pub fn se_org(text: &str) -> Result<String, String> {
    let d = digits(text).ok_or_else(|| {
        format!(
            "\"{text}\" is not a Swedish organisation number; write 10 digits, e.g. \"212000-2122\""
        )
    })?;
    if d.len() != 10 {
        return Err(format!(
            "\"{text}\" has {} digits; a Swedish organisation number is 10 digits, e.g. \"212000-2122\"",
            d.len()
        ));
    }
    if !luhn(&d) {
        return Err(format!(
            "\"{text}\" is not a valid Swedish organisation number: its last digit is not the Luhn check digit; check the number with Bolagsverket"
        ));
    }
    Ok(joined(&d))
}

/// A Norwegian organisation number: 9 digits, the last the modulus-11 check digit of the first
/// eight (weights 3 2 7 6 5 4 3 2). Returns the 9 digits.
pub fn no_org(text: &str) -> Result<String, String> {
    let d = digits(text).ok_or_else(|| {
        format!(
            "\"{text}\" is not a Norwegian organisation number; write 9 digits, e.g. \"964947082\""
        )
    })?;
    let Some((check, body)) = d.split_last().filter(|_| d.len() == 9) else {
        return Err(format!(
            "\"{text}\" has {} digits; a Norwegian organisation number is 9 digits, e.g. \"964947082\"",
            d.len()
        ));
    };
    if mod11_digit(body, &[3, 2, 7, 6, 5, 4, 3, 2]) != Some(*check) {
        return Err(format!(
            "\"{text}\" is not a valid Norwegian organisation number: its check digit does not match (modulus 11); check the number in Enhetsregisteret"
        ));
    }
    Ok(joined(&d))
}

/// The organisation number of a party in `country`, checked by that country's rule.
pub fn org_number(country: Country, text: &str) -> Result<String, String> {
    match country {
        Country::Dk => cvr(text),
        Country::Se => se_org(text),
        Country::No => no_org(text),
    }
}

/// The Peppol participant identifier scheme (ISO 6523 ICD) of a country's organisation numbers.
pub fn org_scheme(country: Country) -> &'static str {
    match country {
        Country::Dk => "0184",
        Country::Se => "0007",
        Country::No => "0192",
    }
}

/// A Peppol endpoint, `SCHEME:ID`: `0184` (Danish CVR), `0088` (EAN/GLN location number), `0007`
/// (Swedish organisation number), `0192` (Norwegian organisation number). Returns the scheme and
/// the normalised id.
pub fn peppol_endpoint(text: &str) -> Result<(String, String), String> {
    let example =
        "e.g. \"0088:5798000416604\" (a location number) or \"0184:29189846\" (a CVR number)";
    let Some((scheme, id)) = text.split_once(':') else {
        return Err(format!(
            "\"{text}\" is not a Peppol endpoint; write the scheme, a colon and the number, {example}"
        ));
    };
    let id = match scheme.trim() {
        "0184" => cvr(id)?,
        "0088" => gln(id)?,
        "0007" => se_org(id)?,
        "0192" => no_org(id)?,
        other => {
            return Err(format!(
                "scheme \"{other}\" is not one Samvirke sends to; use 0184 (CVR), 0088 (EAN/GLN), 0007 (Swedish organisation number) or 0192 (Norwegian organisation number), {example}"
            ));
        }
    };
    Ok((scheme.trim().to_string(), id))
}

/// A VAT number of a party in `country`: `DK` + CVR, `SE` + organisation number + `01`, `NO` +
/// organisation number + `MVA`. Returns it without spaces.
pub fn vat_number(country: Country, text: &str) -> Result<String, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let upper = compact.to_uppercase();
    let (prefix, example) = match country {
        Country::Dk => ("DK", "\"DK29189846\""),
        Country::Se => ("SE", "\"SE212000212201\""),
        Country::No => ("NO", "\"NO964947082MVA\""),
    };
    let wrong = || {
        format!(
            "\"{text}\" is not a {} VAT number; write e.g. {example}",
            country.code()
        )
    };
    let rest = upper.strip_prefix(prefix).ok_or_else(wrong)?;
    match country {
        Country::Dk => cvr(rest).map(|n| format!("DK{n}")),
        Country::Se => {
            let body = rest.strip_suffix("01").ok_or_else(wrong)?;
            if body.len() != 10 {
                return Err(wrong());
            }
            se_org(body).map(|n| format!("SE{n}01"))
        }
        Country::No => {
            let body = rest.strip_suffix("MVA").ok_or_else(wrong)?;
            no_org(body).map(|n| format!("NO{n}MVA"))
        }
    }
}

/// An IBAN (ISO 13616): country code, two check digits and the account, modulus 97 = 1; the
/// length of a Danish (18), Swedish (24) or Norwegian (15) IBAN is checked too. Returns it
/// without spaces, in capitals.
pub fn iban(text: &str) -> Result<String, String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let example = "e.g. \"DK5000400440116243\"";
    if compact.len() < 5 || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "\"{text}\" is not an IBAN; write the country code, two check digits and the account, {example}"
        ));
    }
    let (country, rest) = compact.split_at(2);
    let expected = match country {
        "DK" => Some(18),
        "SE" => Some(24),
        "NO" => Some(15),
        _ => None,
    };
    if let Some(n) = expected
        && compact.len() != n
    {
        return Err(format!(
            "\"{text}\" has {} characters; a {country} IBAN has {n}, {example}",
            compact.len()
        ));
    }
    let mut remainder: u64 = 0;
    for c in rest
        .chars()
        .skip(2)
        .chain(country.chars())
        .chain(rest.chars().take(2))
    {
        let value = c.to_digit(36).unwrap_or(0) as u64;
        remainder = if value > 9 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder != 1 {
        return Err(format!(
            "\"{text}\" is not a valid IBAN: its check digits do not match (modulus 97); copy it from the bank's statement"
        ));
    }
    Ok(compact)
}

/// A Swedish bankgiro (7–8 digits) or plusgiro (2–8 digits) number, the last digit a Luhn check
/// digit. Returns the digits.
pub fn giro(
    kind: &str,
    text: &str,
    lengths: std::ops::RangeInclusive<usize>,
) -> Result<String, String> {
    let d = digits(text).ok_or_else(|| {
        format!("\"{text}\" is not a {kind} number; write its digits, e.g. \"5050-1055\"")
    })?;
    if !lengths.contains(&d.len()) {
        return Err(format!(
            "\"{text}\" has {} digits; a {kind} number has {} to {}",
            d.len(),
            lengths.start(),
            lengths.end()
        ));
    }
    if !luhn(&d) {
        return Err(format!(
            "\"{text}\" is not a valid {kind} number: its last digit is not the Luhn check digit"
        ));
    }
    Ok(joined(&d))
}

/// A Norwegian bank account number: 11 digits, the last the modulus-11 check digit (weights
/// 5 4 3 2 7 6 5 4 3 2). Returns the digits.
pub fn no_account(text: &str) -> Result<String, String> {
    let d = digits(text).ok_or_else(|| {
        format!(
            "\"{text}\" is not a Norwegian account number; write 11 digits, e.g. \"8601.11.17947\""
        )
    })?;
    let Some((check, body)) = d.split_last().filter(|_| d.len() == 11) else {
        return Err(format!(
            "\"{text}\" has {} digits; a Norwegian account number is 11 digits, e.g. \"8601.11.17947\"",
            d.len()
        ));
    };
    if mod11_digit(body, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) != Some(*check) {
        return Err(format!(
            "\"{text}\" is not a valid Norwegian account number: its check digit does not match (modulus 11)"
        ));
    }
    Ok(joined(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_numbers_pass_and_a_changed_digit_fails() {
        // Arboga kommun's organisation number, as its contact page gives it (seed 003).
        assert_eq!(se_org("212000-2122").unwrap(), "2120002122");
        assert!(se_org("212000-2123").is_err());
        // The CVR number and location number in the Danish Peppol examples.
        assert_eq!(cvr("29189846").unwrap(), "29189846");
        assert!(cvr("29189847").unwrap_err().contains("check digit"));
        assert!(cvr("0123456").unwrap_err().contains("8 digits"));
        assert_eq!(gln("5798000416604").unwrap(), "5798000416604");
        assert!(gln("5798000416605").unwrap_err().contains("should be 4"));
        assert_eq!(gln("7300010000001").unwrap(), "7300010000001");
        // The Norwegian organisation number in the Peppol examples.
        assert_eq!(no_org("987654325").unwrap(), "987654325");
        assert!(no_org("987654324").is_err());
        assert_eq!(
            iban("DK50 0040 0440 1162 43").unwrap(),
            "DK5000400440116243"
        );
        assert!(iban("DK5000400440116244").is_err());
        assert!(
            iban("DK50004004401162")
                .unwrap_err()
                .contains("has 16 characters")
        );
        assert_eq!(
            vat_number(Country::No, "NO 987654325 MVA").unwrap(),
            "NO987654325MVA"
        );
        assert!(vat_number(Country::No, "NO987654325").is_err());
        assert_eq!(
            vat_number(Country::Se, "SE212000212201").unwrap(),
            "SE212000212201"
        );
        assert_eq!(vat_number(Country::Dk, "dk29189846").unwrap(), "DK29189846");
        assert_eq!(
            peppol_endpoint("0088:5798000416604").unwrap(),
            ("0088".to_string(), "5798000416604".to_string())
        );
        assert!(peppol_endpoint("9999:1").unwrap_err().contains("0184"));
        assert!(
            peppol_endpoint("5798000416604")
                .unwrap_err()
                .contains("colon")
        );
        assert_eq!(giro("bankgiro", "5050-1055", 7..=8).unwrap(), "50501055");
        assert!(giro("bankgiro", "5050-1056", 7..=8).is_err());
        assert_eq!(no_account("8601.11.17947").unwrap(), "86011117947");
        assert!(no_account("8601.11.17948").is_err());
    }
}
