//! `samvirke export`: a cooperation as an agreement file.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use samvirke_core::format::write_toml;
use samvirke_core::{CooperationId, Timestamp};

use super::open_store;
use crate::cli_error::CliError;
use crate::files::write_atomically;

/// Arguments of `samvirke export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Cooperation id, e.g. dragoer-taarnby (see `samvirke cooperations`).
    cooperation: String,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Export the cooperation as the registry knew it then (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "TIMESTAMP")]
    as_known_on: Option<String>,
}

/// Runs the command.
pub fn run(db: &str, args: ExportArgs) -> Result<(), CliError> {
    let id = CooperationId::parse(&args.cooperation).map_err(|e| CliError::Input(e.to_string()))?;
    let as_known_on = match &args.as_known_on {
        Some(text) => Some(
            Timestamp::parse(text).map_err(|e| CliError::Input(format!("--as-known-on: {e}")))?,
        ),
        None => None,
    };
    let mut store = open_store(db)?;
    let projection = store.projection(as_known_on)?;
    let doc = super::cooperation_doc(&projection, &id)?;
    let text = write_toml(&doc);
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => {
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(())
        }
    }
}
