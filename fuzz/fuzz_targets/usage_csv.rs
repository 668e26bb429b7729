//! The usage file's reader (`sub_agreement,municipality,date,units`): rows or errors with their
//! lines, never a panic; every row read prints back as what was read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samvirke_core::{Date, PartyId};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1);
    match samvirke_settle::usage_rows(text) {
        Ok(rows) => {
            assert!(rows.len() < lines, "more rows than lines");
            for row in rows {
                assert_eq!(Date::parse(&row.date.to_string()), Ok(row.date));
                assert_eq!(PartyId::parse(&row.party.to_string()), Ok(row.party));
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            assert!(errors.iter().all(|(line, e)| *line >= 1 && *line <= lines && !e.is_empty()));
        }
    }
});
