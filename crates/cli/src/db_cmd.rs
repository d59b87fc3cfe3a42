//! `ave db migrate|backup`: operations on the case store, and how every command opens it.
//!
//! The database is `--database URL`, else `AVE_DATABASE`, else `database` in the configuration
//! file (`--config` or `AVE_CONFIG`), else a SQLite file `ave.sqlite` in the data directory
//! (see [`crate::config`]). A URL is never printed with its password.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ave_store::{Store, StoreError};
use clap::Subcommand;

use crate::config::{DatabaseArgs, DatabaseUrl};

/// `ave db …`
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Breng het databaseschema bij (ingebouwde migraties, alleen vooruit).
    Migrate(DatabaseArgs),
    /// Maak een consistente kopie van een draaiende SQLite-database (PostgreSQL: pg_dump).
    #[command(
        after_help = "De kopie bestaat uit twee bestanden: BESTAND en ernaast het logboek \
                      (kopie.sqlite en kopie.logboek.sqlite); bewaar en verplaats ze samen.\n\
                      Afsluitcode: 0 als de kopie er is, 2 als dat niet lukt."
    )]
    Backup {
        /// Het bestand voor de kopie; het mag nog niet bestaan.
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
        #[command(flatten)]
        db: DatabaseArgs,
    },
}

/// A runtime on the current thread for one command.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("de uitvoeromgeving is niet te starten")
}

/// A store error as a Dutch message; `--verbose` adds the driver's text.
pub fn failed(what: String, e: &StoreError, verbose: bool) -> anyhow::Error {
    match e.detail() {
        Some(detail) if verbose => anyhow::anyhow!("{what}: {e}\n  technisch: {detail}"),
        _ => anyhow::anyhow!("{what}: {e}"),
    }
}

/// Opens and migrates the database the arguments name.
pub async fn open(arg: &DatabaseArgs, verbose: bool) -> Result<(Store, String)> {
    open_url(&arg.url()?, verbose).await
}

/// Opens and migrates the database at `url`; gives the store and the URL as it may be shown.
pub async fn open_url(url: &DatabaseUrl, verbose: bool) -> Result<(Store, String)> {
    let shown = url.to_string();
    let store = Store::open(url.expose())
        .await
        .map_err(|e| failed(format!("database {shown} niet te openen"), &e, verbose))?;
    store.migrate().await.map_err(|e| {
        failed(
            format!("schema van {shown} niet bij te werken"),
            &e,
            verbose,
        )
    })?;
    Ok((store, shown))
}

/// Runs `ave db …`.
pub fn run_db(cmd: DbCommand, verbose: bool) -> Result<ExitCode> {
    runtime()?.block_on(async {
        match cmd {
            DbCommand::Migrate(arg) => {
                let (store, shown) = open(&arg, verbose).await?;
                store.close().await;
                println!("schema van {shown} is bij");
                Ok(ExitCode::SUCCESS)
            }
            DbCommand::Backup { file, db } => {
                let logbook = ave_store::logbook::path_beside(&file);
                for taken in [&file, &logbook] {
                    if taken.exists() {
                        anyhow::bail!(
                            "{} bestaat al; kies een nieuw bestand (een kopie overschrijft niets)",
                            taken.display()
                        );
                    }
                }
                let (store, _) = open(&db, verbose).await?;
                let with_logbook = store.logbook_path().is_some();
                let result = store.backup(&file).await;
                store.close().await;
                match result {
                    Ok(()) => {
                        let beside = if with_logbook {
                            format!(
                                " met het logboek in {} (bewaar en verplaats die twee samen)",
                                logbook.display()
                            )
                        } else {
                            String::new()
                        };
                        println!("kopie gemaakt: {}{beside}", file.display());
                        Ok(ExitCode::SUCCESS)
                    }
                    Err(e @ StoreError::Unsupported(_)) => anyhow::bail!("{e}"),
                    Err(e) => Err(failed(
                        format!("kopie naar {} mislukt", file.display()),
                        &e,
                        verbose,
                    )),
                }
            }
        }
    })
}
