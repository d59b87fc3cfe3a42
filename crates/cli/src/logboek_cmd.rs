//! `ave logboek toon`: the processing log (Logboek Dataverwerkingen) as a person or a script
//! reads it, for example to answer a data subject's request for access. The data subject ids
//! are decrypted with the processing log's key (the same one `ave serve` uses); without that
//! key the log says only that something was processed, not about whom.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, anyhow};
use clap::{Args, Subcommand};
use serde::Serialize;

use crate::config::DatabaseArgs;
use crate::db_cmd;

/// `ave logboek …`
#[derive(Debug, Subcommand)]
pub enum LogboekCommand {
    /// Toon het verwerkingslogboek: per verwerking het spoor, de handeling, de tijd, de
    /// status, de verwerkingsactiviteit en de betrokkene (ontsleuteld).
    #[command(
        after_help = "De sleutel: AVE_PROCESSING_KEY, dan `processing_key` uit het configuratiebestand, anders processing.key in de datamap. Afsluitcode: 0 als het logboek getoond is, 2 als database of sleutel niet te gebruiken is."
    )]
    Toon(ToonArgs),
}

/// `ave logboek toon` arguments.
#[derive(Debug, Args)]
pub struct ToonArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    /// Alleen de verwerkingen van dit spoor (trace-id: 32 hexadecimale tekens).
    #[arg(long, value_name = "ID")]
    trace: Option<String>,
    /// De vorm: tekst (standaard) of json (één JSON-object per regel).
    #[arg(long, value_name = "FORMAAT", value_enum, hide_possible_values = true)]
    format: Option<Vorm>,
}

/// How the records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Vorm {
    /// Eén regel per verwerking, voor een mens.
    Tekst,
    /// Eén JSON-object per regel, voor een script.
    Json,
}

/// One record as shown.
#[derive(Debug, Serialize)]
struct Shown {
    volgnummer: u64,
    trace_id: String,
    span_id: String,
    parent_span_id: Option<String>,
    naam: String,
    start: String,
    eind: String,
    status: &'static str,
    verwerkingsactiviteit: String,
    betrokkene: String,
    betrokkene_soort: String,
}

/// Runs `ave logboek …`.
pub fn run(cmd: LogboekCommand, verbose: bool) -> Result<ExitCode> {
    let LogboekCommand::Toon(args) = cmd;
    if let Some(trace) = &args.trace
        && (trace.len() != 32 || !trace.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(anyhow!(
            "--trace moet een trace-id zijn: 32 hexadecimale tekens"
        ));
    }
    let trace = args.trace.as_deref().map(str::to_ascii_lowercase);
    let json = args.format == Some(Vorm::Json);
    let key = args.db.processing_key()?;
    let rt = db_cmd::runtime()?;
    rt.block_on(async {
        let (store, _) = db_cmd::open(&args.db, verbose).await?;
        let mut out = std::io::stdout().lock();
        let mut after = 0;
        let mut shown = 0usize;
        loop {
            let page = store
                .processing_records(trace.as_deref(), after, 1000)
                .await
                .map_err(|e| anyhow!("het verwerkingslogboek is niet te lezen: {e}"))?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            for (seq, r) in page {
                let subject = key.open(&r.data_subject).map_err(|_| {
                    anyhow!("regel {seq}: de betrokkene is niet te ontsleutelen — is dit de sleutel van deze database?")
                })?;
                let record = Shown {
                    volgnummer: seq,
                    trace_id: r.trace_id,
                    span_id: r.span_id,
                    parent_span_id: r.parent_span_id,
                    naam: r.name,
                    start: r.start.to_rfc3339(),
                    eind: r.end.to_rfc3339(),
                    status: r.status.as_str(),
                    verwerkingsactiviteit: r.activity_id.into_owned(),
                    betrokkene: subject,
                    betrokkene_soort: r.data_subject_type.into_owned(),
                };
                if json {
                    serde_json::to_writer(&mut out, &record)?;
                    writeln!(out)?;
                } else {
                    writeln!(
                        out,
                        "{} {} {} {} {} {} {}:{} spoor {} span {}{}",
                        record.volgnummer,
                        record.start,
                        record.eind,
                        record.status,
                        record.naam,
                        record.verwerkingsactiviteit,
                        record.betrokkene_soort,
                        record.betrokkene,
                        record.trace_id,
                        record.span_id,
                        record
                            .parent_span_id
                            .as_deref()
                            .map(|p| format!(" (ouder {p})"))
                            .unwrap_or_default()
                    )?;
                }
                shown += 1;
            }
        }
        if !json {
            writeln!(
                out,
                "{}",
                crate::output::count(shown, "verwerking", "verwerkingen")
            )?;
        }
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
