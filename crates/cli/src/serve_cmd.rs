//! `ave serve`: the case service on the embedded SQLite store (or PostgreSQL).

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use crate::db_cmd::{self, DatabaseArg};

/// `ave serve` arguments.
#[derive(Debug, Args)]
#[command(
    after_help = "Zonder aanmelden (volgt) luistert de server alleen op loopback. Stoppen: Ctrl-C of SIGTERM; lopende verzoeken worden afgemaakt."
)]
pub struct ServeArgs {
    #[command(flatten)]
    db: DatabaseArg,
    /// Het adres om op te luisteren (standaard 127.0.0.1:8080).
    #[arg(
        long,
        value_name = "ADRES",
        default_value = "127.0.0.1:8080",
        hide_default_value = true
    )]
    listen: SocketAddr,
    /// Start met een fictieve regio: drie gemeenten op verschillende lokale modellen en
    /// ongeveer 300 huishoudens (standaard in ave-data/demo.sqlite, los van echte gegevens).
    #[arg(long)]
    demo: bool,
}

/// How many households the demo region holds.
const DEMO_HOUSEHOLDS: usize = 300;

/// The system clock (the edge where time enters).
#[allow(clippy::disallowed_methods)]
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Fills an empty store with the demo region; a store that has cases is left as it is.
/// (The edge: it reads the clock for the demo's "now" and to time the build.)
#[allow(clippy::disallowed_methods)]
async fn demo(store: &ave_store::Store) -> Result<()> {
    let today = now().format("%Y-%m-%d").to_string();
    let existing = store
        .list(&ave_store::CaseFilter::default(), &today, 0, 1)
        .await
        .map_err(|e| anyhow::anyhow!("de database is niet te lezen: {e}"))?;
    if existing.total > 0 {
        println!(
            "demo: {} casussen staan er al; niets toegevoegd",
            existing.total
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut shown = false;
    let summary = ave_demo::build(store, now(), DEMO_HOUSEHOLDS, |done, total| {
        if started.elapsed() > std::time::Duration::from_secs(1)
            && (done % 50 == 0 || done == total)
        {
            shown = true;
            eprint!("\rdemo opbouwen: {done} van {total} huishoudens");
        }
    })
    .await
    .map_err(|e| anyhow::anyhow!("de demo is niet op te bouwen: {e}"))?;
    if shown {
        eprintln!();
    }
    let gemeenten: Vec<String> = summary
        .per_gemeente
        .iter()
        .map(|(g, n)| format!("{g} {n}"))
        .collect();
    println!(
        "demo: {} casussen ({}) in {:.1} s",
        summary.cases,
        gemeenten.join(", "),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Runs `ave serve`.
pub fn run(args: ServeArgs, verbose: bool) -> Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("de uitvoeromgeving is niet te starten")?;
    rt.block_on(async {
        let url = args.db.url_or(if args.demo {
            "demo.sqlite"
        } else {
            "ave.sqlite"
        })?;
        let (store, shown) = db_cmd::open_url(url, verbose).await?;
        println!("database: {shown}");
        if args.demo {
            demo(&store).await?;
        }
        ave_server::serve(store, args.listen, shutdown_signal(), |addr| {
            println!("AVE-regie luistert op http://{addr}/  (API: http://{addr}/api/v1/casussen)");
        })
        .await?;
        println!("gestopt");
        Ok(ExitCode::SUCCESS)
    })
}

/// Runs `ave openapi`: the document on standard output.
pub fn openapi() -> Result<ExitCode> {
    let text = serde_json::to_string_pretty(&ave_server::api::document())
        .context("het OpenAPI-document is niet te schrijven")?;
    let mut out = std::io::stdout().lock();
    std::io::Write::write_all(&mut out, text.as_bytes())?;
    std::io::Write::write_all(&mut out, b"\n")?;
    Ok(ExitCode::SUCCESS)
}
