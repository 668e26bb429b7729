//! `samvirke user`: staff accounts for the web application (the first admin is made here).

use std::io::{BufRead as _, Write as _};

use clap::{Args, Subcommand};
use samvirke_core::{CooperationId, MunicipalityId};
use samvirke_store::accounts::{Role, User};
use samvirke_store::secrets as auth;

use crate::cli_error::CliError;
use crate::commands::{now, open_store};

/// Staff accounts.
#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account. Without --password-stdin a strong password is made and printed once.
    #[command(
        after_help = "Roles: admin (everything), editor (the cooperations named with --scope, or those a --scope municipality is party to), viewer (read only).\n\nExamples:\n  samvirke user add anna@dragoer.dk --role admin\n  echo 'a long pass phrase' | samvirke user add bo@taarnby.dk --role editor --scope DK-0185 --password-stdin\n  samvirke user add eva@ishoej.dk --role editor --scope ishoej-vallensbaek"
    )]
    Add(AddArgs),
    /// List the accounts.
    List {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Set a new password; every session of the account ends.
    Password {
        /// The account's email.
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: it can no longer log in, its sessions end, its tokens stop working.
    Disable {
        /// The account's email.
        email: String,
    },
    /// Create an API token for writes (`Authorization: Bearer TOKEN`); it is printed once.
    Token {
        /// The account's email.
        email: String,
        /// What the token is for, e.g. the system that uses it.
        #[arg(long)]
        name: String,
        /// How many days the token works (1 to 730); make a new one before it ends.
        #[arg(long, default_value_t = auth::API_TOKEN_DAYS_DEFAULT, value_parser = clap::value_parser!(u32).range(1..=i64::from(auth::API_TOKEN_DAYS_MAX)))]
        days: u32,
    },
    /// List an account's API tokens: id, what each is for, made, works until, state.
    Tokens {
        /// The account's email.
        email: String,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Revoke an API token: it stops working at once.
    #[command(
        after_help = "The id is the first column of `samvirke user tokens EMAIL` (at least 8 characters).\n\nExample:\n  samvirke user revoke anna@dragoer.dk 3f9a0c1b2d4e"
    )]
    Revoke {
        /// The account's email.
        email: String,
        /// The token's id.
        id: String,
    },
}

/// Arguments of `samvirke user add`.
#[derive(Args, Debug)]
pub struct AddArgs {
    /// Email address: the login name.
    email: String,
    /// admin, editor or viewer.
    #[arg(long)]
    role: String,
    /// Name shown to other staff (defaults to the email).
    #[arg(long)]
    name: Option<String>,
    /// For editors: a municipality id (DK-0155) or a cooperation id; repeat for more.
    #[arg(long = "scope", value_name = "ID")]
    scopes: Vec<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    password_stdin: bool,
}

fn actor() -> String {
    std::env::var("USER")
        .ok()
        .filter(|a| !a.trim().is_empty())
        .map_or_else(
            || samvirke_store::CLI_ACTOR.to_string(),
            |u| format!("cli:{u}"),
        )
}

fn email_of(text: &str) -> Result<String, CliError> {
    let email = text.trim().to_lowercase();
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !email.contains(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(CliError::Input(format!(
            "\"{text}\" is not an email address; give one such as anna@dragoer.dk"
        )))
    }
}

/// The password from stdin, or a new random one (printed by the caller).
fn password(from_stdin: bool) -> Result<(String, bool), CliError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let password = line.trim_end_matches(['\n', '\r']).to_string();
        if password.is_empty() {
            return Err(CliError::Input(
                "--password-stdin: standard input was empty; pipe the password in".to_string(),
            ));
        }
        return Ok((password, false));
    }
    let token = auth::new_token().map_err(CliError::Failure)?;
    // 20 hex digits: 80 bits, enough for a password given once and then changed.
    Ok((token.chars().take(20).collect(), true))
}

fn hash(password: &str) -> Result<String, CliError> {
    auth::hash_password(password).map_err(|e| CliError::Input(format!("password: {e}")))
}

/// Runs a `user` subcommand.
pub fn run(db: &str, command: UserCommand) -> Result<(), CliError> {
    let mut store = open_store(db)?;
    let mut out = std::io::stdout().lock();
    match command {
        UserCommand::Add(args) => {
            let email = email_of(&args.email)?;
            let role =
                Role::parse(&args.role).map_err(|e| CliError::Input(format!("--role: {e}")))?;
            if store.user(&email)?.is_some() {
                return Err(CliError::Input(format!(
                    "an account {email} exists; use `samvirke user password {email}` to set its password"
                )));
            }
            let registry = store.projection(None)?.registry();
            let mut scopes = Vec::new();
            for scope in &args.scopes {
                if let Ok(m) = MunicipalityId::parse(scope, None) {
                    scopes.push(m.to_string());
                } else if let Ok(c) = CooperationId::parse(scope)
                    && registry.cooperation(&c).is_some()
                {
                    scopes.push(c.to_string());
                } else {
                    return Err(CliError::Input(format!(
                        "--scope {scope}: neither a municipality id (such as DK-0155) nor a cooperation in the registry (`samvirke cooperations` lists them)"
                    )));
                }
            }
            if role == Role::Editor && scopes.is_empty() {
                return Err(CliError::Input(
                    "an editor needs at least one --scope (a municipality id or a cooperation id)"
                        .to_string(),
                ));
            }
            if role != Role::Editor && !scopes.is_empty() {
                return Err(CliError::Input(format!(
                    "--scope applies to editors only; a {} sees everything it may",
                    role.as_str()
                )));
            }
            let (password, generated) = password(args.password_stdin)?;
            let now = now();
            let user = User {
                email: email.clone(),
                name: args.name.unwrap_or_else(|| email.clone()),
                role,
                scopes,
                password_hash: hash(&password)?,
                created_at: now,
                updated_at: now,
                disabled: false,
            };
            store.user_put(
                &user,
                &actor(),
                &format!("created as {}", role.as_str()),
                now,
            )?;
            writeln!(out, "Created {email} ({}).", role.as_str())?;
            if generated {
                writeln!(
                    out,
                    "Password (shown once; change it with `samvirke user password {email}`): {password}"
                )?;
            }
            writeln!(
                out,
                "Log in at /staff/login on the server (`samvirke serve`)."
            )?;
        }
        UserCommand::List { json } => {
            let users = store.users()?;
            if json {
                let list: Vec<_> = users.iter().map(|u| serde_json::json!({"email": u.email, "name": u.name, "role": u.role.as_str(), "scopes": u.scopes, "disabled": u.disabled, "created_at": u.created_at})).collect();
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&list)
                        .map_err(|e| CliError::Failure(e.to_string()))?
                )?;
            } else if users.is_empty() {
                writeln!(
                    out,
                    "No accounts. Create the first with `samvirke user add EMAIL --role admin`."
                )?;
            } else {
                for u in users {
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}",
                        u.email,
                        u.role.as_str(),
                        u.scopes.join(" "),
                        if u.disabled { "disabled" } else { "active" }
                    )?;
                }
            }
        }
        UserCommand::Password {
            email,
            password_stdin,
        } => {
            let email = email_of(&email)?;
            let mut user = store.user(&email)?.ok_or_else(|| {
                CliError::Input(format!(
                    "no account {email}; `samvirke user list` shows them"
                ))
            })?;
            let (password, generated) = password(password_stdin)?;
            user.password_hash = hash(&password)?;
            store.user_put(&user, &actor(), "password set", now())?;
            writeln!(out, "Password of {email} set.")?;
            if generated {
                writeln!(out, "New password (shown once): {password}")?;
            }
        }
        UserCommand::Disable { email } => {
            let email = email_of(&email)?;
            if !store.user_disable(&email, &actor(), now())? {
                return Err(CliError::Input(format!(
                    "no account {email}; `samvirke user list` shows them"
                )));
            }
            writeln!(
                out,
                "Disabled {email}: its sessions ended and its tokens no longer work."
            )?;
        }
        UserCommand::Tokens { email, json } => {
            let email = email_of(&email)?;
            if store.user(&email)?.is_none() {
                return Err(CliError::Input(format!(
                    "no account {email}; `samvirke user list` shows them"
                )));
            }
            let at = now();
            let tokens = store.api_tokens(&email)?;
            let state = |t: &samvirke_store::accounts::ApiToken| {
                if t.revoked {
                    "revoked"
                } else if t.expires_at <= at {
                    "expired"
                } else {
                    "works"
                }
            };
            if json {
                let list: Vec<serde_json::Value> = tokens
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "id": t.id,
                            "name": t.name,
                            "created_at": t.created_at.to_string(),
                            "expires_at": t.expires_at.to_string(),
                            "state": state(t),
                        })
                    })
                    .collect();
                writeln!(out, "{}", serde_json::Value::Array(list))?;
            } else if tokens.is_empty() {
                writeln!(out, "{email} has no API tokens.")?;
            } else {
                writeln!(
                    out,
                    "id            state    made                  works until           for"
                )?;
                for t in &tokens {
                    writeln!(
                        out,
                        "{:<13} {:<8} {:<21} {:<21} {}",
                        t.id,
                        state(t),
                        t.created_at
                            .to_string()
                            .chars()
                            .take(19)
                            .collect::<String>(),
                        t.expires_at
                            .to_string()
                            .chars()
                            .take(19)
                            .collect::<String>(),
                        t.name
                    )?;
                }
            }
        }
        UserCommand::Revoke { email, id } => {
            let email = email_of(&email)?;
            let id = id.trim().to_lowercase();
            if id.len() < 8 {
                return Err(CliError::Input(format!(
                    "token id \"{id}\": too short; give at least 8 characters of the id that `samvirke user tokens {email}` lists"
                )));
            }
            match store.api_token_revoke(&email, &id, &actor(), now())? {
                0 => {
                    return Err(CliError::Input(format!(
                        "{email} has no working token whose id starts with \"{id}\"; `samvirke user tokens {email}` lists them"
                    )));
                }
                1 => writeln!(out, "Revoked token {id} of {email}: it no longer works.")?,
                n => writeln!(
                    out,
                    "Revoked {n} tokens of {email} whose id starts with {id}: they no longer work."
                )?,
            }
        }
        UserCommand::Token { email, name, days } => {
            let email = email_of(&email)?;
            match store.user(&email)? {
                Some(u) if !u.disabled => {}
                Some(_) => return Err(CliError::Input(format!("{email} is disabled"))),
                None => {
                    return Err(CliError::Input(format!(
                        "no account {email}; `samvirke user list` shows them"
                    )));
                }
            }
            if name.trim().is_empty() {
                return Err(CliError::Input(
                    "--name: empty; name the token after where it is used".to_string(),
                ));
            }
            let token = auth::new_token().map_err(CliError::Failure)?;
            let made = now();
            let expires = auth::token_expiry(made, days);
            store.api_token_create(
                &auth::token_hash(&token),
                &email,
                name.trim(),
                made,
                expires,
            )?;
            writeln!(out, "{token}")?;
            let _ = writeln!(
                std::io::stderr(),
                "API token for {email} (\"{}\"), working until {expires}; it is shown only now. Send it as `Authorization: Bearer TOKEN`.",
                name.trim()
            );
        }
    }
    Ok(())
}
