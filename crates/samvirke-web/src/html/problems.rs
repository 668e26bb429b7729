//! The problems the agreement checks find in a changed document, said in the page's language:
//! each check's message key (`diag-…`) with its arguments written for the reader, names for ids
//! and dates as the language writes them. A problem the checks only say in English (none that a
//! form can cause) keeps that text.

use samvirke_core::diagnostic::{Arg, Said};
use samvirke_core::model::CooperationDoc;
use samvirke_core::{Diagnostic, Interval, PartyId, Registry, ServiceId};
use samvirke_i18n as i18n;

use super::components::{municipality_name, service_text};
use super::{day, lang, tr, tra};

/// Each problem as (field path, message in the page's language). `doc` is the cooperation as it
/// stands (for the names of its organisations and services), `registry` the rest.
pub(crate) fn problems(
    found: &[Diagnostic],
    registry: &Registry,
    doc: Option<&CooperationDoc>,
) -> Vec<(String, String)> {
    found
        .iter()
        .map(|d| (d.field.clone(), problem(d, registry, doc)))
        .collect()
}

/// One problem in the page's language.
pub(crate) fn problem(d: &Diagnostic, registry: &Registry, doc: Option<&CooperationDoc>) -> String {
    said(d.said.as_ref(), &d.message, registry, doc)
}

/// A message key with its arguments in the page's language; `english` when it has no key the
/// translations know.
pub(crate) fn said(
    said: Option<&Said>,
    english: &str,
    registry: &Registry,
    doc: Option<&CooperationDoc>,
) -> String {
    let Some(said) = said.filter(|s| i18n::exists(s.key)) else {
        return english.to_string();
    };
    let args: Vec<(&str, String)> = said
        .args
        .iter()
        .map(|(name, value)| (*name, arg(value, registry, doc)))
        .collect();
    let refs: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
    tra(said.key, &refs)
}

fn arg(value: &Arg, registry: &Registry, doc: Option<&CooperationDoc>) -> String {
    match value {
        Arg::Text(text) => text.clone(),
        Arg::Date(d) => day(*d),
        Arg::Interval(i) => period(*i),
        Arg::Party(p) => party(p, registry, doc),
        Arg::Parties(list) => list
            .iter()
            .map(|p| party(p, registry, doc))
            .collect::<Vec<_>>()
            .join(", "),
        Arg::Service(s) => service(s, registry, doc),
        Arg::Services(list) => list
            .iter()
            .map(|s| service(s, registry, doc))
            .collect::<Vec<_>>()
            .join(", "),
        Arg::Cooperation(c) => registry
            .cooperation(c)
            .map_or_else(|| c.to_string(), |d| d.cooperation.name.clone()),
        Arg::Term(key) => tr(key),
    }
}

/// "from 1.1.2007 to 31.12.2010" (the last day, inclusive) or "from 1.1.2007".
pub(crate) fn period(valid: Interval) -> String {
    match valid.to() {
        Some(to) => tra(
            "period-range",
            &[("from", &day(valid.from())), ("to", &day(to.pred()))],
        ),
        None => tra("main-from", &[("date", &day(valid.from()))]),
    }
}

fn party(p: &PartyId, registry: &Registry, doc: Option<&CooperationDoc>) -> String {
    match p {
        PartyId::Municipality(m) => municipality_name(*m),
        PartyId::Organisation(o) => doc
            .and_then(|d| d.organisation(o))
            .map(|org| org.name.clone())
            .or_else(|| {
                registry
                    .cooperations()
                    .iter()
                    .find_map(|d| d.organisation(o).map(|org| org.name.clone()))
            })
            .unwrap_or_else(|| o.to_string()),
    }
}

fn service(s: &ServiceId, registry: &Registry, doc: Option<&CooperationDoc>) -> String {
    doc.and_then(|d| d.services.iter().find(|x| &x.id == s))
        .map(|x| x.names.get(lang().language()).to_string())
        .unwrap_or_else(|| service_text(registry, s))
}
