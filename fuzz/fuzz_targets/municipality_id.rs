//! The municipality id parser and the register's lookups behind it. Input `ID` or `ID@DAY`:
//! an id that parses prints back as itself, and resolving it on any day, its lineage and the
//! suggestions for any text never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use samvirke_core::{Country, Date, MunicipalityId, MunicipalityRegister, PartyId};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (id_text, day_text) = text.split_once('@').unwrap_or((text, "2024-01-01"));
    let register = MunicipalityRegister::embedded();
    let day = Date::parse(day_text).ok();
    if let Some(day) = day {
        assert_eq!(Date::parse(&day.to_string()), Ok(day), "{day_text}");
    }
    for country in [None, Some(Country::Dk), Some(Country::Se), Some(Country::No)] {
        let Ok(id) = MunicipalityId::parse(id_text, country) else {
            continue;
        };
        assert_eq!(MunicipalityId::parse(&id.to_string(), None), Ok(id), "{id_text}");
        if let Some(day) = day {
            let _ = register.resolve(id, day);
        }
        let _ = register.lineage(id);
        let _ = register.name(id);
    }
    if let Ok(party) = PartyId::parse(id_text) {
        assert_eq!(PartyId::parse(&party.to_string()), Ok(party), "{id_text}");
    }
    let _ = register.suggest(id_text);
});
