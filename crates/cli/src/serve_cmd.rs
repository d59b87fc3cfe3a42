//! `ave serve`: the case service on the embedded SQLite store (or PostgreSQL).

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};

use crate::clock::now;
use crate::config::{Config, ConfigArgs};
use crate::db_cmd;

/// `ave serve` arguments.
#[derive(Debug, Args)]
#[command(
    after_help = "Voorrang: vlag, dan omgeving (AVE_*), dan configuratiebestand, dan standaard; `ave config show` toont wat geldt. Onversleuteld HTTP alleen op loopback; elders met TLS (--tls-cert en --tls-key) of achter een reverse proxy met HTTPS (--achter-proxy ADRES). Stoppen: Ctrl-C of SIGTERM; lopende verzoeken worden afgemaakt."
)]
pub struct ServeArgs {
    #[command(flatten)]
    config: ConfigArgs,
    /// Start met een fictieve regio: drie gemeenten op verschillende lokale modellen en
    /// ongeveer 300 huishoudens (standaard in ave-data/demo.sqlite, los van echte gegevens).
    #[arg(long)]
    demo: bool,
}

/// `ave config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Toon de configuratie van `ave serve` als TOML: per waarde waar die vandaan komt
    /// (vlag, omgeving, bestand, standaard); een wachtwoord wordt nooit getoond.
    #[command(
        after_help = "Voorrang: vlag, dan omgeving (AVE_*), dan configuratiebestand, dan standaard. Er wordt niets aangemaakt of geopend behalve het configuratiebestand."
    )]
    Show(ConfigArgs),
}

/// How many households the demo region holds.
const DEMO_HOUSEHOLDS: usize = 300;
/// About how many households one professional of the demo works: four teams per gemeente,
/// each household worked by one of them — so a demo account sees its own team's cases and
/// not the others' (need-to-know), as in practice.
const DEMO_CASELOAD: usize = 25;

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
    // Progress only for a person watching: on a pipe or in a log it would be noise (and
    // would break JSON log lines).
    let terminal = std::io::stderr().is_terminal();
    let caseload = Some(DEMO_CASELOAD);
    let summary =
        ave_demo::build_staffed(store, now(), DEMO_HOUSEHOLDS, 0, caseload, |done, total| {
            if terminal
                && started.elapsed() > std::time::Duration::from_secs(1)
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

/// A future that resolves on Ctrl-C or SIGTERM and logs which. The handlers are installed
/// here, before the server listens: a signal that comes right after the address is printed
/// must stop the server gracefully, not kill the process.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt()).context("Ctrl-C is niet op te vangen")?;
    let mut term = signal(SignalKind::terminate()).context("SIGTERM is niet op te vangen")?;
    Ok(async move {
        let name = tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        };
        stopping(name);
    })
}

/// A future that resolves on Ctrl-C and logs it.
#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        stopping("Ctrl-C");
    })
}

fn stopping(signal: &str) {
    tracing::info!(
        signaal = signal,
        "stoppen: geen nieuwe verbindingen, lopende verzoeken worden afgemaakt"
    );
}

/// Runs `ave serve`.
pub fn run(args: ServeArgs, verbose: bool) -> Result<ExitCode> {
    let config = Config::load(
        &args.config,
        if args.demo {
            "demo.sqlite"
        } else {
            "ave.sqlite"
        },
    )?;
    config.prepare()?;
    crate::logging::init(config.log_format.value, &config.log_level.value)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("de uitvoeromgeving is niet te starten")?;
    rt.block_on(async {
        let (store, shown) = db_cmd::open_url(&config.database.value, verbose).await?;
        println!("database: {shown}");
        if args.demo {
            demo(&store).await?;
            crate::account_cmd::demo_accounts(&store, &shown).await?;
        }
        let auth = identity_providers(&config)?;
        let shutdown = shutdown_signal()?;
        let mut options = ave_server::ServeOptions {
            addr: config.listen.value,
            tls: config.tls(),
            trusted_proxy: config.trusted_proxy.as_ref().map(|s| s.value),
            subject_key: None,
            auth: std::sync::Arc::new(auth),
            themes: std::sync::Arc::new(themes(&config, args.demo)?),
            mail: config.smtp.as_ref().map(|s| s.config.clone()),
            checkpoints: None,
        };
        // Refused before anything is made (the key file).
        ave_server::transport::check(&options)?;
        options.subject_key = Some(config.processing_key()?);
        let signing = config.audit_key()?;
        let signing_id = ave_store::audit::key_id(&signing.verifying_key());
        options.checkpoints = Some(ave_server::checkpoints::CheckpointSigning {
            key: signing,
            every: config.audit_checkpoint_every.value,
        });
        let scheme = if options.tls.is_some() {
            "https"
        } else {
            "http"
        };
        ave_server::serve_with(store, options, shutdown, |addr| {
            // The database through its redacting Display: never the password.
            tracing::info!(
                adres = %addr,
                database = %config.database.value,
                datamap = %config.data_dir.value.display(),
                configuratiebestand = %config
                    .file
                    .as_ref()
                    .map_or_else(|| "geen".to_owned(), |f| f.display().to_string()),
                logformaat = config.log_format.value.as_str(),
                logniveau = %config.log_level.value,
                tls = config.tls_cert.is_some(),
                proxy = %config
                    .trusted_proxy
                    .as_ref()
                    .map_or_else(|| "geen".to_owned(), |p| p.value.to_string()),
                controlepunten_elke_s = config.audit_checkpoint_every.value.as_secs(),
                controlepuntsleutel = %signing_id,
                versie = env!("CARGO_PKG_VERSION"),
                "AVE-regie gestart"
            );
            println!(
                "AVE-regie luistert op {scheme}://{addr}/  (API: {scheme}://{addr}/api/v1/casussen)"
            );
        })
        .await?;
        tracing::info!("gestopt");
        println!("gestopt");
        Ok(ExitCode::SUCCESS)
    })
}

/// The pages' themes: the configured ones; with `--demo` and none configured, one for each
/// demo gemeente (so the demo shows that each gemeente can have its own look).
fn themes(config: &Config, demo: bool) -> Result<ave_server::web::theme::Themes> {
    use ave_server::web::theme::{Theme, Themes};
    let mut themes = config.themes.clone();
    if demo && themes.is_empty() {
        for (gemeente, colour, dark) in [
            ("Heidestad", "#0b5c36", "#073d24"),
            ("Maasdal", "#1d4f7c", "#123552"),
            ("Wolderland", "#5b2a6e", "#3d1c4a"),
        ] {
            themes.push(Theme {
                gemeente: Some(gemeente.to_owned()),
                name: format!("Gemeente {gemeente}"),
                colour: colour.to_owned(),
                colour_dark: dark.to_owned(),
                logo: None,
            });
        }
    }
    Themes::new(themes).map_err(|e| anyhow::anyhow!(e))
}

/// Authentication with the configured identity providers (`[[oidc]]`): their web logins and
/// their bearer tokens. Nothing is fetched from them yet.
fn identity_providers(config: &Config) -> Result<ave_server::auth::Auth> {
    let providers = config
        .oidc
        .iter()
        .map(|p| {
            ave_server::auth::jwt::Provider::new(p.config.clone())
                .map(std::sync::Arc::new)
                .map_err(|e| anyhow::anyhow!("{e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    for p in &providers {
        let c = p.config();
        tracing::info!(
            provider = %c.name,
            issuer = %c.issuer,
            aanmelden = c.redirect_url.is_some(),
            api_tokens = c.audience.is_some(),
            "identiteitsprovider ingesteld"
        );
    }
    Ok(ave_server::auth::Auth::with_providers(providers))
}

/// Runs `ave config …`.
pub fn run_config(cmd: ConfigCommand) -> Result<ExitCode> {
    match cmd {
        ConfigCommand::Show(args) => {
            let config = Config::load(&args, "ave.sqlite")?;
            let mut out = std::io::stdout().lock();
            std::io::Write::write_all(&mut out, config.to_toml().as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
    }
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
