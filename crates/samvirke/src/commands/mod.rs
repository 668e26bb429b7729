//! One module per command.

pub mod cases;
pub mod db;
pub mod deadlines;
pub mod disputes;
pub mod evaluate;
pub mod export;
pub mod import;
pub mod invoice;
pub mod list;
pub mod mapping;
pub mod projects;
pub mod remind;
pub mod report;
pub mod scenario;
pub mod serve;
pub mod settle;
pub mod user;
pub mod who;

use samvirke_core::model::{CooperationDoc, Fact};
use samvirke_core::{CooperationId, Date, MunicipalityId, MunicipalityRegister};
use samvirke_store::{Projection, Store};

use crate::cli_error::CliError;

pub use samvirke_store::clock::{now, today};

/// Parses a `--on` style date flag, naming the flag in the error.
pub fn parse_date_flag(flag: &str, text: &str) -> Result<Date, CliError> {
    Date::parse(text).map_err(|e| CliError::Input(format!("{flag}: {e}")))
}

/// Parses a municipality flag (`DK-0155`, `DK-155`) and checks the register knows it, naming the
/// flag in the error.
pub fn parse_municipality_flag(flag: &str, text: &str) -> Result<MunicipalityId, CliError> {
    let id =
        MunicipalityId::parse(text, None).map_err(|e| CliError::Input(format!("{flag}: {e}")))?;
    register()
        .check_known(id)
        .map_err(|e| CliError::Input(format!("{flag}: {e}")))?;
    Ok(id)
}

/// Who the command acts as in logs and the journal: `SAMVIRKE_ACTOR`, else the login name.
pub fn actor() -> String {
    std::env::var("SAMVIRKE_ACTOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| samvirke_store::CLI_ACTOR.to_string())
}

/// Opens the store, with a message that names the database.
pub fn open_store(db: &str) -> Result<Store, CliError> {
    Ok(Store::open(db)?)
}

/// Runs `f` on the registry as it stands and the cooperation `text` names in it (the
/// `COOPERATION` argument of `mapping`, `projects` and `evaluate`); unknown → an error that says
/// how to list them.
pub fn with_cooperation<T>(
    db: &str,
    text: &str,
    f: impl FnOnce(&samvirke_core::Registry, &CooperationDoc) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let id =
        CooperationId::parse(text).map_err(|e| CliError::Input(format!("COOPERATION: {e}")))?;
    let registry = open_store(db)?.projection(None)?.registry();
    let doc = registry.cooperation(&id).ok_or_else(|| {
        CliError::Input(format!(
            "COOPERATION: there is no cooperation \"{id}\"; `samvirke cooperations` lists them"
        ))
    })?;
    f(&registry, doc)
}

/// The embedded municipality register.
pub fn register() -> &'static MunicipalityRegister {
    MunicipalityRegister::embedded()
}

/// Writes JSON to stdout with a trailing newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    use std::io::Write as _;
    let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Failure(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    Ok(())
}

/// The cooperation `id` as the projection has it; unknown → an error with the closest id.
pub fn cooperation_doc(
    projection: &Projection,
    id: &CooperationId,
) -> Result<CooperationDoc, CliError> {
    if let Some(doc) =
        CooperationDoc::from_facts(projection.facts_of(id).into_iter().map(|f| &f.fact))
    {
        return Ok(doc);
    }
    let known: Vec<&str> = projection
        .facts
        .values()
        .filter_map(|f| match &f.fact {
            Fact::Cooperation(c) => Some(c.id.as_str()),
            _ => None,
        })
        .collect();
    let hint = match known
        .iter()
        .min_by_key(|k| strsim::levenshtein(k, id.as_str()))
    {
        Some(closest) => format!("; did you mean {closest}? (known: {})", known.join(", ")),
        None => "; the registry has no cooperations yet (import some with `samvirke import`)"
            .to_string(),
    };
    Err(CliError::Input(format!(
        "unknown cooperation \"{id}\"{hint}"
    )))
}
