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
        let (store, shown) = db_cmd::open(&args.db, verbose).await?;
        println!("database: {shown}");
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
