//! The resolver's words in the reader's language: a step of the proof chain (the core writes
//! English and keeps each step's parts), the one-line routing a register case keeps, and the
//! resolver's errors. The citizen answer and the register's case pages both use them.

use axum::http::StatusCode;
use maud::{Markup, html};
use samvirke_core::cases::RoutingRecord;
use samvirke_core::model::Language;
use samvirke_core::municipalities::MunicipalityError;
use samvirke_core::{CooperationId, MunicipalityId, Registry, ResolveError};

use super::{components, day, lang, tr, tra};

/// A step of the proof chain in the page's language (see [`samvirke_i18n::basis_step`]).
pub(crate) fn step_text<K: AsRef<str>>(
    step: &str,
    text: &str,
    args: &[(K, String)],
    service_name: &str,
) -> String {
    samvirke_i18n::basis_step(lang(), step, text, args, service_name)
}

/// Why a register case went where it did, in one line: the cooperation by its name, the main
/// agreement and sub-agreement by number, then what the last step says. A case registered before
/// the register kept steps shows its English line, marked as English.
pub(crate) fn routing_line(
    registry: &Registry,
    routing: &RoutingRecord,
    service_name: &str,
) -> Markup {
    let steps = match routing {
        RoutingRecord::Steps(steps) => steps,
        RoutingRecord::Text(text) => return components::in_language(text, Language::En),
    };
    let last = steps.len().saturating_sub(1);
    html! {
        @for (i, step) in steps.iter().enumerate() {
            @if i > 0 { " → " }
            @match (step.step.as_str(), &step.id, i < last) {
                ("cooperation", Some(id), true) => {
                    @match CooperationId::parse(id).ok().and_then(|id| registry.cooperation(&id)) {
                        Some(doc) => (components::cooperation_link(doc)),
                        None => (id),
                    }
                }
                ("main_agreement", Some(n), true) => (tra("route-main-agreement", &[("number", n)])),
                ("sub_agreement", Some(n), true) => (tra("route-sub-agreement", &[("number", n)])),
                _ => (step_text(&step.step, &step.text, &step.args, service_name)),
            }
        }
    }
}

/// A resolver error in the reader's language, with the status it answers: the reader's mistake
/// is 400 or 404; a conflict in the registry is ours, 500.
pub(crate) fn error_message(e: &ResolveError) -> (StatusCode, String) {
    let names = |list: &[(MunicipalityId, String)]| {
        list.iter()
            .map(|(_, name)| name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match e {
        ResolveError::Municipality(MunicipalityError::Unknown { input, .. }) => (
            StatusCode::NOT_FOUND,
            tra("who-unknown-municipality", &[("input", input)]),
        ),
        ResolveError::Municipality(MunicipalityError::Ambiguous { on, candidates, .. }) => (
            StatusCode::BAD_REQUEST,
            tra(
                "who-ambiguous-municipality",
                &[("date", &day(*on)), ("candidates", &names(candidates))],
            ),
        ),
        ResolveError::Municipality(MunicipalityError::NotInForce { name, on, .. }) => (
            StatusCode::NOT_FOUND,
            tra(
                "who-municipality-not-in-force",
                &[("name", name), ("date", &day(*on))],
            ),
        ),
        ResolveError::UnknownService { input, .. } => (
            StatusCode::NOT_FOUND,
            tra("who-unknown-service", &[("input", input)]),
        ),
        ResolveError::Conflict { .. } => (StatusCode::INTERNAL_SERVER_ERROR, tr("who-conflict")),
    }
}
