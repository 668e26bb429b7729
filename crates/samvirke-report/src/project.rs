//! The words of a joint project shared by `samvirke projects` and the projects page: its cost key.

use samvirke_core::model::{AllocationKey, Project};
use samvirke_i18n::{self as i18n, Lang};

/// How the project's cost is split, in words.
pub fn key_text(lang: Lang, project: &Project) -> String {
    match &project.key {
        None => i18n::t(lang, "project-key-equal"),
        Some(AllocationKey::Population {
            reference_date,
            source,
            ..
        }) => i18n::message(
            lang,
            "project-key-population",
            &[
                ("date", &i18n::date(lang, *reference_date)),
                ("source", source),
            ],
        ),
        Some(_) => i18n::t(lang, "project-key-fixed"),
    }
}
