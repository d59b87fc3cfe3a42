//! `ave db migrate|backup` and `ave audit verify`: operations on the case store.
//!
//! The database is `--database URL`, else `AVE_DATABASE`, else a SQLite file `ave.sqlite` in
//! the data directory (`AVE_DATA_DIR`, else `ave-data` in the current directory). A URL is never
//! printed with its password.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use ave_store::{Store, StoreError};
use clap::{Args, Subcommand};

use crate::output::count;

/// Where the database is.
#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// De database: sqlite://pad of postgres://… (standaard AVE_DATABASE, anders
    /// ave-data/ave.sqlite).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

/// `ave db …`
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Breng het databaseschema bij (ingebouwde migraties, alleen vooruit).
    Migrate(DatabaseArg),
    /// Maak een consistente kopie van een draaiende SQLite-database (PostgreSQL: pg_dump).
    #[command(after_help = "Afsluitcode: 0 als de kopie er is, 2 als dat niet lukt.")]
    Backup {
        /// Het bestand voor de kopie; het mag nog niet bestaan.
        #[arg(value_name = "BESTAND")]
        file: PathBuf,
        #[command(flatten)]
        db: DatabaseArg,
    },
}

/// `ave audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Controleer elke keten van gebeurtenissen en noem de eerste die niet klopt.
    #[command(
        after_help = "Afsluitcode: 0 als elke keten klopt, 1 als er een niet klopt, 2 als de database niet te lezen is."
    )]
    Verify(DatabaseArg),
}

impl DatabaseArg {
    fn url(&self) -> Result<String> {
        self.url_or("ave.sqlite")
    }

    /// The URL, with `file` in the data directory as the default.
    pub fn url_or(&self, file: &str) -> Result<String> {
        if let Some(url) = &self.database {
            return Ok(url.clone());
        }
        if let Ok(url) = std::env::var("AVE_DATABASE")
            && !url.is_empty()
        {
            return Ok(url);
        }
        let dir = std::env::var_os("AVE_DATA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("ave-data"));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("de datamap {} is niet aan te maken", dir.display()))?;
        Ok(format!("sqlite://{}", dir.join(file).display()))
    }
}

/// The URL without its password, for messages.
pub fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("de uitvoeromgeving is niet te starten")
}

/// A store error as a Dutch message; `--verbose` adds the driver's text.
fn failed(what: String, e: &StoreError, verbose: bool) -> anyhow::Error {
    match e.detail() {
        Some(detail) if verbose => anyhow::anyhow!("{what}: {e}\n  technisch: {detail}"),
        _ => anyhow::anyhow!("{what}: {e}"),
    }
}

pub async fn open(arg: &DatabaseArg, verbose: bool) -> Result<(Store, String)> {
    open_url(arg.url()?, verbose).await
}

/// Opens and migrates the database at `url`.
pub async fn open_url(url: String, verbose: bool) -> Result<(Store, String)> {
    let shown = redacted(&url);
    let store = Store::open(&url)
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
                if file.exists() {
                    anyhow::bail!(
                        "{} bestaat al; kies een nieuw bestand (een kopie overschrijft niets)",
                        file.display()
                    );
                }
                let (store, _) = open(&db, verbose).await?;
                let result = store.backup(&file).await;
                store.close().await;
                match result {
                    Ok(()) => {
                        println!("kopie gemaakt: {}", file.display());
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

/// Runs `ave audit …`.
pub fn run_audit(cmd: AuditCommand, verbose: bool) -> Result<ExitCode> {
    runtime()?.block_on(async {
        match cmd {
            AuditCommand::Verify(arg) => {
                let (store, shown) = open(&arg, verbose).await?;
                let report = store.verify().await;
                store.close().await;
                let report =
                    report.map_err(|e| failed(format!("controle van {shown}"), &e, verbose))?;
                let n = |x: u64| usize::try_from(x).unwrap_or(usize::MAX);
                println!(
                    "{} in {} gecontroleerd ({} met gewiste inhoud)",
                    count(n(report.events), "gebeurtenis", "gebeurtenissen"),
                    count(n(report.cases), "casus", "casussen"),
                    report.erased
                );
                match report.first_problem {
                    None => {
                        println!("elke keten klopt");
                        Ok(ExitCode::SUCCESS)
                    }
                    Some(p) if p.case.is_empty() => {
                        println!("NIET IN ORDE: {}", p.reason);
                        Ok(ExitCode::from(1))
                    }
                    Some(p) => {
                        println!(
                            "NIET IN ORDE bij globale positie {}, casus {}, gebeurtenis {}: {}",
                            p.global_seq, p.case, p.seq, p.reason
                        );
                        Ok(ExitCode::from(1))
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redacted("postgres://ave:geheim@db.example:5432/ave"),
            "postgres://ave:***@db.example:5432/ave"
        );
        assert_eq!(
            redacted("sqlite://ave-data/ave.sqlite"),
            "sqlite://ave-data/ave.sqlite"
        );
        assert_eq!(redacted("postgres://ave@db/ave"), "postgres://ave@db/ave");
    }
}
