//! `ave model publish` and `ave model migrate`: model versions in the case store.
//!
//! A published version applies to new cases; open cases move to it only by `ave model
//! migrate`, an explicit action that records a `model_changed` event — who, when and why —
//! in every case it moves, and leaves a case that does not fit the new version where it is.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ave_engine::ids::PersonId;
use ave_store::{ModelRecord, StoreError};
use clap::Args;

use crate::clock::now;
use crate::config::DatabaseArgs;
use crate::db_cmd::{open, runtime};

/// `ave model publish`
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Het modelbestand (een volledig model, of een dat een meegeleverde preset uitbreidt).
    #[arg(value_name = "BESTAND")]
    file: PathBuf,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// `ave model migrate`
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Het model (id).
    #[arg(long, value_name = "ID")]
    model: String,
    /// De opgeslagen versie waarnaar de open casussen gaan.
    #[arg(long = "naar", value_name = "VERSIE")]
    to: String,
    /// Waarom (komt in de geschiedenis van elke casus).
    #[arg(long = "reden", value_name = "TEKST")]
    reason: String,
    /// Wie het doet (pseudoniem van de beheerder; komt in de geschiedenis).
    #[arg(long = "door", value_name = "PERSOON")]
    by: String,
    /// Laat alleen zien wat er zou gebeuren; schrijf niets.
    #[arg(long = "proef")]
    trial: bool,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// Runs `ave model publish`.
pub fn publish(args: PublishArgs, verbose: bool) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("{} is niet te lezen", args.file.display()))?;
    let name = args.file.display().to_string();
    let report = ave_model::check(&name, text.as_bytes(), &ave_model::presets::PresetLoader);
    let model = match report.into_valid() {
        Ok(m) => m,
        Err(diagnostics) => {
            for d in diagnostics.iter().filter(|d| d.is_error()).take(5) {
                eprintln!("{name}: {}", d.message);
            }
            bail!(
                "{name} is geen geldig model en is niet opgeslagen (controleer het met `ave model check`; een basis in `extends` moet een meegeleverde preset zijn)"
            );
        }
    };
    let md = &model.model().model;
    let record = ModelRecord::new(md.id.as_str(), &md.version, text, now());
    runtime()?.block_on(async {
        let (store, shown) = open(&args.db, verbose).await?;
        let result = store.put_model(&record).await;
        store.close().await;
        match result {
            Ok(()) => {
                println!(
                    "model {} versie {} opgeslagen in {shown}; nieuwe casussen starten eronder, open casussen gaan mee met `ave model migrate`",
                    record.id, record.version
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e @ StoreError::ModelConflict { .. }) => {
                bail!("{e}; geef een gewijzigd model een nieuw versienummer")
            }
            Err(e) => bail!("opslaan mislukt: {e}"),
        }
    })
}

/// Runs `ave model migrate`.
pub fn migrate(args: MigrateArgs, verbose: bool) -> Result<ExitCode> {
    let by = PersonId::parse(args.by.as_str()).map_err(|e| anyhow::anyhow!("--door: {e}"))?;
    if args.reason.trim().is_empty() {
        bail!("--reden mag niet leeg zijn: de reden komt in de geschiedenis van elke casus");
    }
    runtime()?.block_on(async {
        let (store, shown) = open(&args.db, verbose).await?;
        let records = store.models().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let Some(record) = records
            .into_iter()
            .find(|r| r.id == args.model && r.version == args.to)
        else {
            store.close().await;
            bail!(
                "model {} versie {} staat niet in {shown}; sla het eerst op met `ave model publish`",
                args.model,
                args.to
            );
        };
        let model = ave_model::check(
            "opgeslagen model",
            record.text.as_bytes(),
            &ave_model::presets::PresetLoader,
        )
        .into_valid()
        .map_err(|_| anyhow::anyhow!("het opgeslagen model is niet (meer) geldig"))?;
        let moved = ave_server::migrate::move_open_cases(
            &store,
            &model,
            &by,
            &args.reason,
            now(),
            args.trial,
        )
        .await;
        store.close().await;
        let moved = moved.map_err(|e| anyhow::anyhow!("overzetten mislukt: {e}"))?;
        let verb = if args.trial { "zou overzetten" } else { "overgezet" };
        println!(
            "{verb}: {} open casussen naar {} versie {} ({} liepen er al onder)",
            moved.moved.len(),
            args.model,
            args.to,
            moved.already
        );
        for (case, code, reason) in &moved.refused {
            println!("blijft staan: {case} [{code}] {reason}");
        }
        Ok(if moved.refused.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        })
    })
}
