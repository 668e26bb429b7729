//! `samvirke settle`: settlement runs.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use samvirke_settle::{AdhocError, AdhocOptions, settle_adhoc};

use crate::cli_error::CliError;
use crate::files::write_parts_atomically;

/// `samvirke settle` subcommands.
#[derive(Subcommand, Debug)]
pub enum SettleCommand {
    /// Split each agreement's cost over municipalities by their units in an activity file.
    #[command(
        after_help = "COSTS.csv: agreement,cost (cost in major units, at most two decimals).\nACTIVITY.csv: agreement,municipality,date,units (date YYYY-MM-DD; units ≥ 0, at most two decimals).\n`,` or `;` between fields (a decimal comma with `;`), a byte-order mark, CRLF and spaces around fields are accepted.\nOUT.csv: agreement,municipality,units,amount, sorted; amounts sum exactly to each agreement's cost\n(largest remainder, ties to the lower municipality id). Any bad row: exit 2, nothing written.\n\nExample:\n  samvirke settle adhoc --costs costs.csv --activity activity.csv --out settlement.csv"
    )]
    Adhoc(AdhocArgs),
}

/// Arguments of `samvirke settle adhoc`.
#[derive(Args, Debug)]
pub struct AdhocArgs {
    /// Costs per agreement: agreement,cost.
    #[arg(long, value_name = "COSTS.csv")]
    costs: PathBuf,
    /// Activity rows: agreement,municipality,date,units.
    #[arg(long, value_name = "ACTIVITY.csv")]
    activity: PathBuf,
    /// Where to write the settlement (written whole or not at all).
    #[arg(long, value_name = "OUT.csv")]
    out: PathBuf,
    /// No progress or summary on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

/// Runs the command.
pub fn run(command: SettleCommand) -> Result<(), CliError> {
    match command {
        SettleCommand::Adhoc(args) => adhoc(args),
    }
}

fn adhoc(args: AdhocArgs) -> Result<(), CliError> {
    let mut options = AdhocOptions {
        progress: !args.quiet,
        ..AdhocOptions::default()
    };
    if let Some(threads) = args.threads {
        if threads == 0 {
            return Err(CliError::Input("--threads must be at least 1".to_string()));
        }
        options.threads = threads;
    }
    let (csv, summary) =
        settle_adhoc(&args.costs, &args.activity, &options).map_err(|e| match e {
            AdhocError::At { .. } => CliError::Input(format!("{e}\nnothing was written")),
            AdhocError::Whole(message) => {
                CliError::Input(format!("{message}\nnothing was written"))
            }
        })?;
    write_parts_atomically(&args.out, &csv)?;
    if !args.quiet {
        writeln!(
            std::io::stderr(),
            "settle: {} activity rows, {} agreements, {} rows written to {}",
            summary.rows,
            summary.agreements,
            summary.pairs,
            args.out.display()
        )?;
    }
    Ok(())
}
