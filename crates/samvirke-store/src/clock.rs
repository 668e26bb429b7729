//! The one clock of the web server and the CLI: record time now, and today's Nordic date (the
//! day in Copenhagen, Stockholm and Oslo, not in UTC: the first hours after midnight belong to
//! the new day).

use samvirke_core::{Date, Timestamp};

/// The time now, as a record time.
pub fn now() -> Timestamp {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    Timestamp::from_micros(micros)
}

/// Today's date in Denmark, Sweden and Norway.
pub fn today() -> Date {
    Date::today_nordic(now())
}
