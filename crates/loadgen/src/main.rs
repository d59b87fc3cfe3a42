//! `ave-load`: the load generator of AVE-regie. `seed` builds a benchmark database, `hello`
//! serves the hello-world ceiling, `run` measures the service next to both ceilings.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use ave_loadgen::pages::{GROUP, PAGES};
use ave_loadgen::plan::{self, Options, SCENARIOS};
use ave_loadgen::runner::Load;
use clap::{Parser, Subcommand};

/// Belastingsgenerator van AVE-regie: meet de casusdienst naast de plafonds van deze machine.
#[derive(Debug, Parser)]
#[command(
    name = "ave-load",
    version,
    about = "Belastingsgenerator van AVE-regie: meet de casusdienst naast de plafonds van deze machine.",
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Bouw een benchmarkdatabase: huishoudens zoals de demo ze maakt (met de engine, over
    /// drie gemeenten).
    Seed {
        /// De database: sqlite://pad of postgres://…
        #[arg(long, value_name = "URL")]
        database: String,
        /// Hoeveel huishoudens (casussen).
        #[arg(long, value_name = "AANTAL")]
        cases: usize,
        /// Extra gewone opdrachten per casus (signalen, en na elke derde een evaluatie)
        /// bovenop de ongeveer 9 gebeurtenissen van de demo; 11 geeft er ongeveer 20.
        #[arg(long, value_name = "AANTAL", default_value_t = 11)]
        extra_commands: u32,
        /// Met hoeveel huishoudens een professional ongeveer werkt: elke functie van een
        /// gemeente krijgt zoveel mensen als daarvoor nodig zijn (`…-1`, `…-2`, …), elk
        /// huishouden één team van hen. 0: één persoon per functie, zoals de demo (dan is
        /// iedereen betrokken bij elke casus van zijn gemeente).
        #[arg(long, value_name = "AANTAL", default_value_t = 100)]
        caseload: usize,
        /// Uitvoer: text of json.
        #[arg(long, default_value = "text")]
        format: Format,
    },
    /// Een kale hello-world-dienst op dezelfde HTTP-stapel als `ave serve` (het plafond van
    /// HTTP).
    Hello {
        /// Het adres om op te luisteren.
        #[arg(long, value_name = "ADRES", default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
    },
    /// Meet: gesloten lus van clients per scenario, met doorvoer, p50/p95/p99 en de
    /// verhouding tot het plafond.
    Run {
        /// De casusdienst(en), gescheiden door komma's; clients worden om en om verdeeld.
        #[arg(long, value_name = "URL[,URL]", value_delimiter = ',')]
        target: Vec<String>,
        /// De hello-world-dienst (ave-load hello), voor het scenario hello.
        #[arg(long, value_name = "URL")]
        hello: Option<String>,
        /// De benchmarkdatabase (dezelfde als van de dienst): voor de casus-id's, de
        /// filters en het plafond van een duurzame commit.
        #[arg(long, value_name = "URL")]
        database: String,
        /// Gelijktijdige clients.
        #[arg(long, default_value_t = 32)]
        clients: usize,
        /// Meetduur per scenario (bijv. 20s, 500ms, 1m).
        #[arg(long, default_value = "20s", value_parser = duration)]
        duration: Duration,
        /// Opwarmen per scenario, niet meegeteld.
        #[arg(long, default_value = "2s", value_parser = duration)]
        warmup: Duration,
        /// Scenario's, gescheiden door komma's: hello, commit, read, list, transition,
        /// workflow (standaard deze), en de webpagina's: pages (alle pagina's) of één per
        /// pagina (page-mine, page-list, page-case, …).
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "hello,commit,read,list,transition,workflow"
        )]
        scenarios: Vec<String>,
        /// Verbindingen voor het commit-plafond (standaard zoveel als de opslag gebruikt:
        /// SQLite 8, PostgreSQL 16).
        #[arg(long, value_name = "AANTAL")]
        commit_connections: Option<u32>,
        /// Proces-id('s) van de server(s), gescheiden door komma's: hun geheugen (VmRSS,
        /// VmHWM) wordt gemeten.
        #[arg(long, value_name = "PID[,PID]", value_delimiter = ',')]
        server_pid: Vec<u32>,
        /// Schrijf het verslag ook als JSON naar dit bestand.
        #[arg(long, value_name = "BESTAND")]
        json: Option<PathBuf>,
        /// Vraag pagina's zonder Accept-Encoding: gzip (standaard met, zoals een browser).
        #[arg(long)]
        no_gzip: bool,
        /// Werkthreads van de generator zelf (standaard 1, zodat de dienst de meeste
        /// rekenkracht houdt).
        #[arg(long, default_value_t = 1)]
        threads: usize,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Parses `20s`, `500ms`, `2m` or a bare number of seconds.
fn duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("ongeldige duur {s:?} (bijv. 20s, 500ms, 1m)");
    let (number, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = number.parse().map_err(|_| bad())?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(bad()),
    }
}

fn announce(name: &str) {
    eprintln!("scenario {name}…");
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ave-load: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Seed {
            database,
            cases,
            extra_commands,
            caseload,
            format,
        } => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("de uitvoeromgeving is niet te starten")?;
            let report = rt.block_on(ave_loadgen::seed::seed(
                &database,
                cases,
                extra_commands,
                (caseload > 0).then_some(caseload),
                |done, total| {
                    if done % 1000 == 0 || done == total {
                        eprint!("\rzaaien: {done} van {total} huishoudens");
                    }
                },
            ))?;
            eprintln!();
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
                Format::Text => println!(
                    "{} casussen, {} gebeurtenissen ({:.1} per casus), {} geweigerde opdrachten, in {:.1} s",
                    report.cases,
                    report.events,
                    report.events_per_case,
                    report.refused,
                    report.seconds
                ),
            }
            Ok(())
        }
        Command::Hello { listen } => {
            // The same runtime flavour as `ave serve`: multi-threaded, one worker per core.
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("de uitvoeromgeving is niet te starten")?;
            rt.block_on(ave_loadgen::hello::serve(
                listen,
                async {
                    let _ = tokio::signal::ctrl_c().await;
                },
                |addr| println!("hello-world luistert op http://{addr}/"),
            ))
            .with_context(|| format!("kan niet luisteren op {listen}"))?;
            Ok(())
        }
        Command::Run {
            target,
            hello,
            database,
            clients,
            duration,
            warmup,
            scenarios,
            commit_connections,
            server_pid,
            json,
            no_gzip,
            threads,
        } => {
            if let Some(s) = scenarios.iter().find(|s| !plan::known(s)) {
                let pages: Vec<&str> = PAGES.iter().map(|p| p.scenario).collect();
                anyhow::bail!(
                    "onbekend scenario {s:?} (kies uit {}, {GROUP}, {})",
                    SCENARIOS.join(", "),
                    pages.join(", ")
                );
            }
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(threads.max(1))
                .enable_all()
                .build()
                .context("de uitvoeromgeving is niet te starten")?;
            let options = Options {
                targets: target,
                hello,
                database,
                scenarios,
                load: Load {
                    clients: clients.max(1),
                    warmup,
                    duration,
                },
                commit_connections,
                server_pids: server_pid,
                page_gzip: !no_gzip,
                announce,
            };
            let report = rt.block_on(plan::run(&options))?;
            print!("{}", report.table());
            if let Some(path) = json {
                let text = serde_json::to_string_pretty(&report)?;
                std::fs::write(&path, text)
                    .with_context(|| format!("kan {} niet schrijven", path.display()))?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(duration("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(duration("3"), Ok(Duration::from_secs(3)));
        assert!(duration("3h").is_err());
    }
}
