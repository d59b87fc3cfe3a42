//! `ave account …`: the accounts of people in the directory — personal API tokens for
//! programs that call the API on someone's behalf.

use std::process::ExitCode;

use anyhow::{Result, bail};
use ave_store::identity::{ApiToken, token_hash};
use clap::{Args, Subcommand};

use crate::config::DatabaseArgs;
use crate::db_cmd::{open, runtime};

/// `ave account …`
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Maak een persoonlijk API-token voor iemand uit de personenlijst; het token wordt één
    /// keer getoond (alleen een hash wordt bewaard).
    Token(TokenArgs),
}

/// `ave account token`
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// Voor wie (pseudoniem uit de personenlijst).
    #[arg(long = "persoon", value_name = "PERSOON")]
    person: String,
    /// Een naam voor het token (om het later in te trekken).
    #[arg(long = "naam", value_name = "NAAM", default_value = "api")]
    name: String,
    /// Na hoeveel dagen het vervalt (standaard 90).
    #[arg(long = "dagen", value_name = "DAGEN", default_value_t = 90)]
    days: u32,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// The system clock (the edge where time enters).
#[allow(clippy::disallowed_methods)]
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Runs `ave account …`.
pub fn run(cmd: AccountCommand, verbose: bool) -> Result<ExitCode> {
    match cmd {
        AccountCommand::Token(args) => token(args, verbose),
    }
}

fn token(args: TokenArgs, verbose: bool) -> Result<ExitCode> {
    if args.days == 0 || args.days > 366 {
        bail!(
            "--dagen moet tussen 1 en 366 liggen (een token dat nooit vervalt wordt niet gemaakt)"
        );
    }
    runtime()?.block_on(async {
        let (store, _) = open(&args.db, verbose).await?;
        let result = async {
            let Some(person) = store.person(&args.person).await? else {
                return Ok(None);
            };
            if !person.active {
                return Ok(None);
            }
            let token = ave_server::auth::new_api_token()
                .map_err(|p| ave_store::StoreError::Invalid(p.detail))?;
            let at = now();
            store
                .create_api_token(
                    &token_hash(&token),
                    &ApiToken {
                        person: person.id,
                        name: args.name.clone(),
                        created_at: at,
                        expires_at: Some(at + chrono::Duration::days(i64::from(args.days))),
                    },
                )
                .await?;
            Ok::<_, ave_store::StoreError>(Some(token))
        }
        .await;
        store.close().await;
        match result {
            Ok(Some(token)) => {
                println!("{token}");
                eprintln!(
                    "API-token {:?} voor {} ({} dagen geldig); bewaar het nu, het wordt niet opnieuw getoond. Gebruik: Authorization: Bearer <token>",
                    args.name, args.person, args.days
                );
                Ok(ExitCode::SUCCESS)
            }
            Ok(None) => bail!(
                "{} staat niet (actief) in de personenlijst; er is geen token gemaakt",
                args.person
            ),
            Err(e) => bail!("er is geen token gemaakt: {e}"),
        }
    })
}
