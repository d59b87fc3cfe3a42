//! `ave`: the one binary of AVE-regie. Every text it prints is Dutch; `--verbose` adds the
//! original text of libraries and the operating system for developers.
#![forbid(unsafe_code)]

mod account_cmd;
mod audit_cmd;
mod clock;
mod config;
mod db_cmd;
mod directory_cmd;
mod klantreis_cmd;
mod loader;
mod logboek_cmd;
mod logging;
mod model_cmd;
mod model_store_cmd;
mod nl;
mod operator;
mod output;
mod read;
mod serve_cmd;

use std::process::ExitCode;

/// The memory allocator: jemalloc by default (the feature `jemalloc`), for every allocation
/// of the process — SQLite's page caches included, since its `malloc` replaces the C
/// library's. A busy server allocates on one thread what another frees (a request's log
/// entries, freed by the log writer; a connection's pages, used from whichever thread holds
/// it); the C library's allocator keeps such freed memory in per-thread arenas, and the server
/// grew past 200 MB in an hour under load with two thirds of it free (BENCHMARKS.md,
/// 6 December 11:35). jemalloc's settings — freed pages back to the system after a second,
/// one arena per CPU — are baked in where it is built; `.cargo/config.toml` says why, with the
/// figures.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// With `--no-default-features --features mimalloc`: mimalloc (version 2) instead. It gave
/// more per second in 20 s runs but held 17–30 MB more than the C library's allocator, up to
/// 192 MB in a run of 4 minutes per scenario (BENCHMARKS.md, 6 December 05:34).
#[cfg(all(feature = "mimalloc", not(feature = "jemalloc")))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(all(feature = "jemalloc", feature = "mimalloc"))]
compile_error!(
    "kies één geheugenbeheerder: mimalloc met `--no-default-features --features mimalloc`"
);

use clap::{FromArgMatches, Parser, Subcommand};

/// AVE-regie: het lokale AVE-model uitvoerbaar maken.
#[derive(Debug, Parser)]
#[command(
    name = "ave",
    version,
    about = "AVE-regie: het lokale AVE-model uitvoerbaar maken.",
    long_about = None,
    arg_required_else_help = true
)]
pub struct Cli {
    /// Toon bij meldingen ook de oorspronkelijke tekst van bibliotheken en besturingssysteem
    /// (voor ontwikkelaars).
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lokale AVE-modellen: bekijken, controleren, vergelijken, aanmaken.
    #[command(subcommand, arg_required_else_help = true)]
    Model(model_cmd::ModelCommand),
    /// Loop een fictieve casus door een lokaal model en toon de hiaten.
    Klantreis(klantreis_cmd::KlantreisArgs),
    /// Start de casusdienst (REST-API onder /api/v1).
    Serve(serve_cmd::ServeArgs),
    /// De configuratie van `ave serve`: tonen wat geldt en waar het vandaan komt.
    #[command(subcommand, arg_required_else_help = true)]
    Config(serve_cmd::ConfigCommand),
    /// Schrijf het OpenAPI-document van de REST-API (hetzelfde als /api/v1/openapi.json).
    Openapi,
    /// De database: schema bijwerken, een kopie maken.
    #[command(subcommand, arg_required_else_help = true)]
    Db(db_cmd::DbCommand),
    /// Controle: kloppen de ketens van gebeurtenissen en het beveiligingslogboek? En de
    /// ondertekende controlepunten voor een getuige.
    #[command(subcommand, arg_required_else_help = true)]
    Audit(audit_cmd::AuditCommand),
    /// Accounts: lokale accounts (wachtwoord en tweede factor) en persoonlijke API-tokens.
    #[command(subcommand, arg_required_else_help = true)]
    Account(account_cmd::AccountCommand),
    /// Organisaties in de personenlijst.
    #[command(subcommand, arg_required_else_help = true)]
    Organisatie(directory_cmd::OrganisationCommand),
    /// Personen met hun functies (wie hier werkt).
    #[command(subcommand, arg_required_else_help = true)]
    Persoon(directory_cmd::PersonCommand),
    /// Het verwerkingslogboek (Logboek Dataverwerkingen): tonen, met de betrokkenen
    /// ontsleuteld.
    #[command(subcommand, arg_required_else_help = true)]
    Logboek(logboek_cmd::LogboekCommand),
}

fn main() -> ExitCode {
    let matches = match nl::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return nl::exit(&e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return nl::exit(&e),
    };
    let verbose = cli.verbose;
    let result = match cli.command {
        Command::Model(cmd) => model_cmd::run(cmd, verbose),
        Command::Klantreis(args) => klantreis_cmd::run(args, verbose),
        Command::Serve(args) => serve_cmd::run(args, verbose),
        Command::Config(cmd) => serve_cmd::run_config(cmd),
        Command::Openapi => serve_cmd::openapi(),
        Command::Db(cmd) => db_cmd::run_db(cmd, verbose),
        Command::Audit(cmd) => audit_cmd::run(cmd, verbose),
        Command::Account(cmd) => account_cmd::run(cmd, verbose),
        Command::Organisatie(cmd) => directory_cmd::run_organisation(cmd, verbose),
        Command::Persoon(cmd) => directory_cmd::run_person(cmd, verbose),
        Command::Logboek(cmd) => logboek_cmd::run(cmd, verbose),
    };
    match result {
        Ok(code) => code,
        // A reader that stops early (`ave model show … | head`) is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            match e.downcast_ref::<std::io::Error>() {
                Some(io) => {
                    eprintln!("fout: uitvoer schrijven mislukt: {}", read::io_message(io));
                    if verbose {
                        eprintln!("  technisch: {io}");
                    }
                }
                None => eprintln!("fout: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_line_definition_is_consistent() {
        super::nl::command().debug_assert();
    }
}
