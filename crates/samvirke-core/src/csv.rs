//! The small CSV files a person writes beside an agreement file or a settlement: a header that
//! must be exactly the expected columns, then one row per line. A byte-order mark, CRLF, spaces
//! around fields and blank lines are accepted. Every bad row is reported with its line, all at
//! once; the caller adds the file's name.

use crate::PartyId;
use crate::model::KeyShare;

/// A bad row: its 1-based line and what is wrong with it, with the fix where there is one.
pub type RowError = (usize, String);

/// The data rows of a small CSV whose header must be exactly `columns`, as (1-based line,
/// trimmed fields). The error is the message for line 1.
pub fn rows<'t>(text: &'t str, columns: &[&str]) -> Result<Vec<(usize, Vec<&'t str>)>, String> {
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .map(|(_, h)| h.trim_start_matches('\u{feff}').trim())
        .unwrap_or_default();
    if header.split(',').map(str::trim).collect::<Vec<_>>() != columns {
        return Err(format!(
            "the header is \"{header}\"; it must be {}",
            columns.join(",")
        ));
    }
    Ok(lines
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(idx, line)| {
            (
                idx + 1,
                line.trim_end_matches('\r')
                    .split(',')
                    .map(str::trim)
                    .collect(),
            )
        })
        .collect())
}

/// Each data row of a small CSV with exactly `columns`, read by `row`: every row read, or every
/// bad row with its line (the header's problem as line 1).
pub fn read_rows<T>(
    text: &str,
    columns: &[&str],
    mut row: impl FnMut(&[&str]) -> Result<T, String>,
) -> Result<Vec<T>, Vec<RowError>> {
    let lines = rows(text, columns).map_err(|e| vec![(1, e)])?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (line, fields) in lines {
        match row(&fields) {
            Ok(r) => out.push(r),
            Err(message) => errors.push((line, message)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// A population file, `municipality,population`: one whole number of residents per party,
/// each party once. Every bad row is an error with its line.
pub fn population(text: &str) -> Result<Vec<KeyShare>, Vec<RowError>> {
    let mut seen: Vec<PartyId> = Vec::new();
    read_rows(text, &["municipality", "population"], |fields| {
        let [m, n] = fields else {
            return Err(format!(
                "expected 2 fields (municipality,population), found {}",
                fields.len()
            ));
        };
        let party = PartyId::parse(m).map_err(|e| format!("municipality: {e}"))?;
        let parts = n
            .replace('_', "")
            .parse::<u64>()
            .map_err(|_| format!("population \"{n}\" is not a whole number of residents"))?;
        if seen.contains(&party) {
            return Err(format!(
                "{party} appears twice; give one number per municipality"
            ));
        }
        seen.push(party.clone());
        Ok(KeyShare { party, parts })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_rows_with_their_lines() {
        let text = "\u{feff}municipality, population\r\nDK-0155,14_000\r\n\r\nDK-0185,43000\r\n";
        let counts = population(text).unwrap();
        assert_eq!(counts.len(), 2);
        assert_eq!(counts[0].parts, 14_000);
        assert_eq!(counts[1].party.to_string(), "DK-0185");
    }

    #[test]
    fn every_bad_population_row_is_named_by_line() {
        let text = "municipality,population\nDK-0155,many\nDK-0155,1\nDK-0155,2\nDK-9999,1,2\n";
        let errors = population(text).unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 4, 5], "{errors:?}");
        assert!(errors[0].1.contains("\"many\" is not a whole number"));
        assert!(errors[1].1.contains("appears twice"));
        assert!(errors[2].1.contains("expected 2 fields"));
    }

    #[test]
    fn a_wrong_header_names_the_expected_columns() {
        let errors = population("kommune,indbyggere\nDK-0155,1\n").unwrap_err();
        assert_eq!(errors[0].0, 1);
        assert!(errors[0].1.contains("must be municipality,population"));
    }
}
