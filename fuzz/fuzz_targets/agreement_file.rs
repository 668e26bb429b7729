//! The agreement file's reader: any text either reads as a document or gives placed errors (a
//! line inside the file); a document it reads is written canonically and reads back as the same
//! document, and writing that again gives the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samvirke_core::format::{check_set, parse_file, write_toml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count().max(1) + 1;
    let parsed = match parse_file("fuzz.toml", text) {
        Ok(parsed) => parsed,
        Err(errors) => {
            assert!(!errors.is_empty(), "a refusal without a reason");
            for e in &errors {
                assert!(
                    e.line >= 1 && e.line <= lines && !e.message.is_empty(),
                    "an error placed outside the file or without words: {e:?}"
                );
            }
            return;
        }
    };
    let _ = check_set(std::slice::from_ref(&parsed), &[]);
    let written = write_toml(&parsed.doc);
    let again = match parse_file("written.toml", &written) {
        Ok(again) => again,
        Err(errors) => panic!("the written file does not read back: {errors:?}\n{written}"),
    };
    assert_eq!(again.doc, parsed.doc, "the written file reads as another document");
    assert_eq!(write_toml(&again.doc), written, "writing twice gives other text");
});
