//! `ave model …`: list, show, check, diff and init local models.

use std::io::Write;
use std::process::ExitCode;

use ave_model::presets;
use clap::Subcommand;

use crate::Format;
use crate::loader;

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Toon de meegeleverde presets.
    List {
        /// Uitvoer: text of json.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Controleer modellen; exit 0 als ze geldig zijn (waarschuwingen mogen), 1 bij fouten.
    Check {
        /// Modelbestanden of presetnamen.
        #[arg(required = true)]
        files: Vec<String>,
        /// Uitvoer: text of json.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

pub fn run(cmd: ModelCommand) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cmd {
        ModelCommand::List { format } => list(&mut out, format),
        ModelCommand::Check { files, format } => check(&mut out, &files, format),
    }
}

fn list(out: &mut impl Write, format: Format) -> anyhow::Result<ExitCode> {
    let mut rows = Vec::new();
    for p in presets::PRESETS {
        let report = ave_model::check(&p.file_name(), p.text.as_bytes(), &loader::FsLoader);
        let md = report.model.as_ref().map(|m| &m.model);
        rows.push(serde_json::json!({
            "name": p.name,
            "title": md.map(|m| m.name.clone()),
            "gemeente": md.and_then(|m| m.gemeente.clone()),
            "regio": md.and_then(|m| m.regio.clone()),
            "version": md.map(|m| m.version.clone()),
            "validFrom": md.map(|m| m.valid_from.to_string()),
            "extends": md.and_then(|m| m.extends.clone()),
            "seed": p.seed,
            "valid": report.is_valid(),
        }));
    }
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        _ => {
            writeln!(out, "{:<16} {:<34} {:<22} {:<8} basis", "preset", "gemeente/regio", "versie", "geldig")?;
            for r in &rows {
                let place = match (r["gemeente"].as_str(), r["regio"].as_str()) {
                    (Some(g), Some(r)) => format!("{g} ({r})"),
                    (Some(g), None) => g.to_owned(),
                    (None, Some(r)) => format!("regio {r}"),
                    (None, None) => "-".to_owned(),
                };
                writeln!(
                    out,
                    "{:<16} {:<34} {:<22} {:<8} {}",
                    r["name"].as_str().unwrap_or("-"),
                    place,
                    format!(
                        "{} ({})",
                        r["version"].as_str().unwrap_or("-"),
                        r["validFrom"].as_str().unwrap_or("-")
                    ),
                    if r["valid"].as_bool() == Some(true) { "ja" } else { "NEE" },
                    r["extends"].as_str().unwrap_or("-"),
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(out: &mut impl Write, files: &[String], format: Format) -> anyhow::Result<ExitCode> {
    let mut all_valid = true;
    let mut json = Vec::new();
    for arg in files {
        let report = loader::check(arg)?;
        all_valid &= report.is_valid();
        match format {
            Format::Json => json.push(serde_json::json!({
                "file": report.file,
                "valid": report.is_valid(),
                "errors": report.errors(),
                "warnings": report.warnings(),
                "diagnostics": report.diagnostics,
            })),
            _ => {
                let verdict = if report.is_valid() { "geldig" } else { "ONGELDIG" };
                writeln!(
                    out,
                    "{}: {verdict} ({} fouten, {} waarschuwingen)",
                    report.file,
                    report.errors(),
                    report.warnings()
                )?;
                for d in &report.diagnostics {
                    writeln!(out, "  {d}")?;
                }
            }
        }
    }
    if format == Format::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    }
    Ok(if all_valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
