//! Errors as the user sees them, each with its exit code.

use std::io::Write as _;
use std::process::ExitCode;

use samvirke_store::StoreError;

/// An error that ends the command.
#[derive(Debug)]
pub enum CliError {
    /// Bad input: the message says what and how to fix it. Exit 2.
    Input(String),
    /// Several problems in input files, each with its place. Exit 2.
    Diagnostics(Vec<samvirke_core::Diagnostic>, String),
    /// The journal is broken. Exit 1.
    Broken(String),
    /// Another writer got there first. Exit 3.
    Conflict(String),
    /// The database or the system failed. Exit 4.
    Failure(String),
    /// Output was closed early (e.g. piped into `head`): not an error.
    BrokenPipe,
}

impl CliError {
    /// Prints the error to stderr and returns the exit code.
    pub fn report(self) -> ExitCode {
        let mut stderr = std::io::stderr().lock();
        let code = match self {
            CliError::BrokenPipe => return ExitCode::SUCCESS,
            CliError::Input(message) => {
                let _ = writeln!(stderr, "samvirke: {message}");
                2
            }
            CliError::Diagnostics(list, summary) => {
                for d in &list {
                    let _ = writeln!(stderr, "{d}");
                }
                let _ = writeln!(stderr, "samvirke: {summary}");
                2
            }
            CliError::Broken(message) => {
                let _ = writeln!(stderr, "samvirke: {message}");
                1
            }
            CliError::Conflict(message) => {
                let _ = writeln!(stderr, "samvirke: {message}");
                3
            }
            CliError::Failure(message) => {
                let _ = writeln!(stderr, "samvirke: {message}");
                4
            }
        };
        ExitCode::from(code)
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> CliError {
        match e {
            StoreError::Conflict { .. } => CliError::Conflict(e.to_string()),
            _ => CliError::Failure(e.to_string()),
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            CliError::BrokenPipe
        } else {
            CliError::Failure(e.to_string())
        }
    }
}
