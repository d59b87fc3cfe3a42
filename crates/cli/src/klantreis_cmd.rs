//! `ave klantreis SCENARIO.toml`: walk a fictitious case through a model.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use ave_engine::klantreis::{self, Scenario};
use clap::Args;

use crate::Format;
use crate::loader;

#[derive(Debug, Args)]
pub struct KlantreisArgs {
    /// Het scenario (TOML, zie docs/klantreis.md).
    scenario: std::path::PathBuf,
    /// Het model (presetnaam of bestand); standaard het model dat het scenario noemt.
    #[arg(long)]
    model: Option<String>,
    /// Uitvoer: text of json.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(args: KlantreisArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.scenario)
        .map_err(|e| anyhow::anyhow!("{} is niet te lezen: {e}", args.scenario.display()))?;
    let scenario = match Scenario::parse(&args.scenario.display().to_string(), &bytes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fout: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let model_arg = match (&args.model, &scenario.model) {
        (Some(m), _) => m.clone(),
        (None, Some(m)) if m.contains('/') || m.ends_with(".toml") => {
            let base = args.scenario.parent().unwrap_or(Path::new("."));
            base.join(m).display().to_string()
        }
        (None, Some(m)) => m.clone(),
        (None, None) => {
            anyhow::bail!("het scenario noemt geen model: geef --model (presetnaam of bestand)")
        }
    };
    let report = loader::check(&model_arg)?;
    let file = report.file.clone();
    let model = match report.into_valid() {
        Ok(m) => m,
        Err(diagnostics) => {
            eprintln!("{file}: ONGELDIG model");
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("  {d}");
            }
            return Ok(ExitCode::from(2));
        }
    };
    let report = klantreis::run(&model, &scenario);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        _ => write!(
            out,
            "{}",
            ave_labels::report_text(&model, &report, ave_labels::Lang::Nl)
        )?,
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
