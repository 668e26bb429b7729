//! The population file's reader (`municipality,population`): rows or errors with their lines,
//! never a panic; each party at most once.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1);
    match samvirke_core::csv::population(text) {
        Ok(counts) => {
            assert!(counts.len() < lines, "more rows than lines");
            for (i, c) in counts.iter().enumerate() {
                assert!(
                    counts.iter().skip(i + 1).all(|d| d.party != c.party),
                    "{} twice",
                    c.party
                );
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            assert!(errors.iter().all(|(line, e)| *line >= 1 && *line <= lines && !e.is_empty()));
        }
    }
});
