//! `samvirke municipalities`, `services`, `cooperations`.

use std::io::Write as _;

use clap::Args;
use samvirke_core::Country;
use serde::Serialize;

use super::{open_store, parse_date_flag, print_json, register, today};
use crate::cli_error::CliError;

/// Arguments of `samvirke municipalities`.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  samvirke municipalities --country NO\n  samvirke municipalities --country NO --on 2019-06-01 --json"
)]
pub struct MunicipalitiesArgs {
    /// Only this country: DK, SE or NO.
    #[arg(long, value_name = "DK|SE|NO")]
    country: Option<String>,
    /// The date (YYYY-MM-DD) whose codes to list. Default: today.
    #[arg(long, value_name = "DATE")]
    on: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct MunicipalityRow<'a> {
    id: String,
    name: &'a str,
    region: &'a str,
    in_force_from: Option<samvirke_core::Date>,
    in_force_to: Option<samvirke_core::Date>,
}

/// `samvirke municipalities`.
pub fn municipalities(args: MunicipalitiesArgs) -> Result<(), CliError> {
    let country = match &args.country {
        Some(text) => {
            Some(Country::parse(text).map_err(|e| CliError::Input(format!("--country: {e}")))?)
        }
        None => None,
    };
    let on = match &args.on {
        Some(text) => parse_date_flag("--on", text)?,
        None => today(),
    };
    let rows: Vec<MunicipalityRow<'_>> = register()
        .in_force_on(on, country)
        .into_iter()
        .map(|v| MunicipalityRow {
            id: v.id.to_string(),
            name: &v.name,
            region: &v.region,
            in_force_from: v.from,
            in_force_to: v.to,
        })
        .collect();
    if args.json {
        return print_json(&rows);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for row in &rows {
        writeln!(out, "{}  {:<40} {}", row.id, row.name, row.region)?;
    }
    writeln!(
        out,
        "{} municipalities in force on {on}{}",
        rows.len(),
        country.map(|c| format!(" in {c}")).unwrap_or_default()
    )?;
    out.flush()?;
    Ok(())
}

/// Arguments of `samvirke services`.
#[derive(Args, Debug)]
pub struct ServicesArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `samvirke services`.
pub fn services(db: &str, args: ServicesArgs) -> Result<(), CliError> {
    let registry = open_store(db)?.projection(None)?.registry();
    let mut rows = Vec::new();
    for doc in registry.cooperations() {
        for s in &doc.services {
            rows.push(serde_json::json!({
                "id": s.id.to_string(),
                "name": s.names.get(doc.cooperation.language),
                "legal_basis": s.legal_basis,
                "cooperation": doc.cooperation.id.to_string(),
            }));
        }
    }
    if args.json {
        return print_json(&rows);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for row in &rows {
        writeln!(
            out,
            "{:<34} {:<28} {}",
            row["id"].as_str().unwrap_or_default(),
            row["cooperation"].as_str().unwrap_or_default(),
            row["name"].as_str().unwrap_or_default()
        )?;
    }
    if rows.is_empty() {
        writeln!(
            out,
            "The registry has no services yet; import agreement files with `samvirke import`."
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Arguments of `samvirke cooperations`.
#[derive(Args, Debug)]
pub struct CooperationsArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `samvirke cooperations`.
pub fn cooperations(db: &str, args: CooperationsArgs) -> Result<(), CliError> {
    let registry = open_store(db)?.projection(None)?.registry();
    let rows: Vec<serde_json::Value> = registry
        .cooperations()
        .iter()
        .map(|d| {
            let c = &d.cooperation;
            serde_json::json!({
                "id": c.id.to_string(),
                "name": c.name,
                "country": c.country,
                "legal_form": c.legal_form,
                "status": c.status,
                "parties": c.parties.iter().map(|p| p.id.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    if args.json {
        return print_json(&rows);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for d in registry.cooperations() {
        let c = &d.cooperation;
        writeln!(
            out,
            "{:<28} {} {:<32} {:<10} {}",
            c.id.as_str(),
            c.country,
            c.legal_form.as_str(),
            c.status.as_str(),
            c.name
        )?;
    }
    if rows.is_empty() {
        writeln!(
            out,
            "The registry has no cooperations yet; import agreement files with `samvirke import`."
        )?;
    }
    out.flush()?;
    Ok(())
}
