//! `samvirke serve`: the web server.

use std::io::Write as _;
use std::net::SocketAddr;

use clap::Args;
use samvirke_web::{AppState, serve, shutdown_signal};

use crate::cli_error::CliError;

/// Arguments of `samvirke serve`.
#[derive(Args, Debug)]
#[command(
    after_help = "Logs go to stderr; set SAMVIRKE_LOG (e.g. debug, or samvirke_web=debug,tower_http=info) to change the level.\nStops cleanly on Ctrl-C or SIGTERM, finishing the requests under way.\n\nExamples:\n  samvirke serve --demo\n  samvirke --db postgres://samvirke@db/registry serve --listen 0.0.0.0:8080"
)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Mark cookies `Secure` always (when a proxy in front serves the site over HTTPS without
    /// sending `X-Forwarded-Proto: https`).
    #[arg(long)]
    secure_cookies: bool,
}

/// Runs the server until it is asked to stop.
pub fn run(db: &str, args: ServeArgs) -> Result<(), CliError> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SAMVIRKE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
    let state = AppState::open_with(db, args.secure_cookies)
        .map_err(|e| CliError::Failure(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Failure(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen).await.map_err(|e| {
            let hint = if e.kind() == std::io::ErrorKind::AddrInUse { "; another program uses that port: stop it or pass --listen 127.0.0.1:OTHER_PORT" } else { "" };
            CliError::Input(format!("cannot listen on {}: {e}{hint}", args.listen))
        })?;
        let address = listener.local_addr().map_err(|e| CliError::Failure(e.to_string()))?;
        writeln!(std::io::stderr(), "Samvirke is serving http://{address}/ (database {db}); stop with Ctrl-C")?;
        serve(listener, state, shutdown_signal()).await.map_err(|e| CliError::Failure(format!("the server stopped: {e}")))
    })
}
