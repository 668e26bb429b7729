//! `samvirke serve`: the web server.

use std::io::Write as _;
use std::net::SocketAddr;

use clap::Args;
use samvirke_web::{AppState, serve, shutdown_signal};

use crate::cli_error::CliError;

/// Arguments of `samvirke serve`.
#[derive(Args, Debug)]
#[command(
    after_help = "Logs go to stderr; set SAMVIRKE_LOG (e.g. debug, or samvirke_web=debug,tower_http=info) to change the level.\nStops cleanly on Ctrl-C or SIGTERM, finishing the requests under way.\n\nExamples:\n  samvirke serve --demo\n  samvirke --db postgres://samvirke@db/registry serve --listen 0.0.0.0:8080 --trusted-proxy 10.0.0.5"
)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Mark cookies `Secure` always (when a proxy in front serves the site over HTTPS without
    /// sending `X-Forwarded-Proto: https`).
    #[arg(long)]
    secure_cookies: bool,
    /// A proxy in front of the server (its address; repeat for several): only from these are
    /// `X-Forwarded-For` (the client's address, which the login limit counts by) and
    /// `X-Forwarded-Proto: https` (which turns on HSTS) believed.
    #[arg(
        long = "trusted-proxy",
        env = "SAMVIRKE_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "ADDR"
    )]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Delete the register's cases closed longer ago than this many days, when the server starts
    /// and every six hours after (as `samvirke cases purge` does; each deletion is logged).
    #[arg(long, env = "SAMVIRKE_CASE_RETENTION_DAYS", default_value_t = super::cases::RETENTION_DAYS_DEFAULT, value_name = "DAYS")]
    case_retention_days: u32,
    /// The organisation that runs the site, named in the header, the footer and the
    /// accessibility statement and privacy notice (e.g. "Tårnby Kommune").
    #[arg(long, env = "SAMVIRKE_SITE_OWNER", value_name = "NAME")]
    owner: Option<String>,
    /// The e-mail address for questions and accessibility feedback about the site.
    #[arg(long, env = "SAMVIRKE_SITE_EMAIL", value_name = "ADDRESS")]
    contact_email: Option<String>,
    /// The telephone number for the same.
    #[arg(long, env = "SAMVIRKE_SITE_PHONE", value_name = "NUMBER")]
    contact_phone: Option<String>,
    /// Sign staff in with this OpenID Connect provider (its issuer URL, e.g.
    /// https://login.microsoftonline.com/TENANT/v2.0); needs --oidc-client-id and --public-url.
    #[arg(long, env = "SAMVIRKE_OIDC_ISSUER", value_name = "URL")]
    oidc_issuer: Option<String>,
    /// This server's client (application) id at the provider.
    #[arg(long, env = "SAMVIRKE_OIDC_CLIENT_ID", value_name = "ID")]
    oidc_client_id: Option<String>,
    /// This server's client secret at the provider (better given in the environment).
    #[arg(
        long,
        env = "SAMVIRKE_OIDC_CLIENT_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    oidc_client_secret: Option<String>,
    /// The ID-token claim that holds the account's e-mail address (email, preferred_username,
    /// upn, or any claim with a text value).
    #[arg(
        long,
        env = "SAMVIRKE_OIDC_CLAIM",
        default_value = "email",
        value_name = "CLAIM"
    )]
    oidc_claim: String,
    /// The provider's name on the login button (e.g. "Tårnby Kommune" or "MitID Erhverv").
    #[arg(
        long,
        env = "SAMVIRKE_OIDC_NAME",
        default_value = "your organisation",
        value_name = "NAME"
    )]
    oidc_name: String,
    /// The address the site is reached at (e.g. https://samvirke.taarnby.dk); the provider sends
    /// the browser back to PUBLIC_URL/staff/login/oidc/callback, which must be registered there.
    #[arg(long, env = "SAMVIRKE_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// Switch off sign-in by e-mail address and password (staff sign in with the provider only).
    #[arg(long, env = "SAMVIRKE_NO_PASSWORD_LOGIN")]
    no_password_login: bool,
}

impl ServeArgs {
    /// The identity provider configured, if any; an error names the option that is missing or wrong.
    fn oidc(&self) -> Result<Option<samvirke_web::OidcConfig>, CliError> {
        let Some(issuer) = self.oidc_issuer.clone().filter(|i| !i.trim().is_empty()) else {
            if self.no_password_login {
                return Err(CliError::Input("--no-password-login: with password sign-in off, staff need an identity provider; give --oidc-issuer, --oidc-client-id and --public-url too".to_string()));
            }
            return Ok(None);
        };
        let client_id = self.oidc_client_id.clone().ok_or_else(|| CliError::Input("--oidc-issuer needs --oidc-client-id: the client (application) id the provider gave this server".to_string()))?;
        let public_url = self.public_url.clone().ok_or_else(|| CliError::Input("--oidc-issuer needs --public-url: the address the site is reached at, such as https://samvirke.taarnby.dk".to_string()))?;
        let config = samvirke_web::OidcConfig {
            issuer,
            client_id,
            client_secret: self.oidc_client_secret.clone().filter(|s| !s.is_empty()),
            claim: self.oidc_claim.clone(),
            public_url,
            name: self.oidc_name.clone(),
        };
        config.check().map_err(CliError::Input)?;
        Ok(Some(config))
    }
}

/// How often the server deletes cases whose retention period has ended.
const PURGE_EVERY_S: u64 = 6 * 3600;

/// Deletes the cases whose retention period has ended, now and then every [`PURGE_EVERY_S`], on a
/// thread of its own with its own connection (the journal and the server are not touched).
fn spawn_retention(db: String, retention_days: u32) {
    let spawned = std::thread::Builder::new()
        .name("retention".into())
        .spawn(move || {
            loop {
                let result = crate::commands::open_store(&db).and_then(|mut store| {
                    Ok(store.cases_purge(
                        crate::commands::today(),
                        retention_days,
                        false,
                        "samvirke serve (retention)",
                        crate::commands::now(),
                    )?)
                });
                match result {
                    Ok(ids) if ids.is_empty() => {}
                    Ok(ids) => tracing::info!(deleted = ?ids, retention_days, "register cases deleted after their retention period"),
                    Err(e) => tracing::warn!(error = ?e, "could not delete the register cases whose retention ended; trying again later"),
                }
                std::thread::sleep(std::time::Duration::from_secs(PURGE_EVERY_S));
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start the retention thread; run samvirke cases purge from cron instead");
    }
}

/// Runs the server until it is asked to stop.
pub fn run(db: &str, demo: bool, args: ServeArgs) -> Result<(), CliError> {
    // The demo database is thrown away on exit: give it an admin account to try the staff pages.
    let demo_login = if demo { Some(demo_account(db)?) } else { None };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SAMVIRKE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
    if let Some(email) = &args.contact_email
        && !email.contains('@')
    {
        return Err(CliError::Input(format!(
            "--contact-email: \"{email}\" is not an e-mail address; give one such as digitalisering@taarnby.dk"
        )));
    }
    let site = samvirke_web::Site {
        owner: args
            .owner
            .clone()
            .filter(|o| !o.trim().is_empty())
            .or_else(|| demo.then(|| "Samvirke (demo)".to_string())),
        contact_email: args.contact_email.clone().filter(|e| !e.trim().is_empty()),
        contact_phone: args.contact_phone.clone().filter(|p| !p.trim().is_empty()),
    };
    let oidc = args.oidc()?;
    let mut state = AppState::open_with(db, args.secure_cookies)
        .map_err(|e| CliError::Failure(e.to_string()))?
        .with_site(site)
        .with_trusted_proxies(args.trusted_proxies.clone());
    if let Some(config) = oidc {
        tracing::info!(issuer = %config.issuer, redirect = %config.redirect_url(), "staff sign in with the identity provider");
        state = state.with_oidc(config);
    }
    if args.no_password_login {
        state = state.without_password_login();
    }
    spawn_retention(db.to_string(), args.case_retention_days);
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
        if let Some((email, password)) = &demo_login {
            writeln!(std::io::stderr(), "Demo staff login at http://{address}/staff/login: {email} / {password}")?;
        }
        serve(listener, state, shutdown_signal()).await.map_err(|e| CliError::Failure(format!("the server stopped: {e}")))
    })
}

/// Creates the demo database's admin account with a fresh password.
fn demo_account(db: &str) -> Result<(String, String), CliError> {
    let email = "admin@demo.samvirke".to_string();
    let token = samvirke_store::secrets::new_token().map_err(CliError::Failure)?;
    let password: String = token.chars().take(20).collect();
    let hash = samvirke_store::secrets::hash_password(&password).map_err(CliError::Failure)?;
    let now = crate::commands::now();
    let mut store = crate::commands::open_store(db)?;
    let user = samvirke_store::accounts::User {
        email: email.clone(),
        name: "Demo administrator".to_string(),
        role: samvirke_store::accounts::Role::Admin,
        scopes: Vec::new(),
        password_hash: hash,
        created_at: now,
        updated_at: now,
        disabled: false,
    };
    store.user_put(&user, "serve --demo", "created for the demo", now)?;
    Ok((email, password))
}
