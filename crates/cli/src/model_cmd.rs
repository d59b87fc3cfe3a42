//! `ave model …`: list, show, check, diff and init local models.

use std::io::Write;
use std::process::ExitCode;

use ave_model::init::InitOptions;
use ave_model::presets;
use ave_model::{Date, ModelId, ValidModel, render};
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
    /// Toon een model: samenvatting (text), het hele model (json) of de fasenposter (markdown).
    Show {
        /// Presetnaam of modelbestand.
        model: String,
        /// Uitvoer: text, json of markdown.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Vergelijk twee modellen naast elkaar, per fase en per rol.
    Diff {
        /// Model A (presetnaam of bestand).
        a: String,
        /// Model B (presetnaam of bestand).
        b: String,
        /// Uitvoer: text, json of markdown.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Schrijf een nieuw lokaal model om in te vullen, op basis van een preset.
    Init {
        /// De preset om van uit te gaan.
        #[arg(long = "from", value_name = "PRESET")]
        from: String,
        /// Naam van de gemeente.
        #[arg(long)]
        gemeente: String,
        /// Id van het nieuwe model (standaard: afgeleid van de gemeente).
        #[arg(long)]
        id: Option<String>,
        /// Regio, als die anders is dan die van de preset.
        #[arg(long)]
        regio: Option<String>,
        /// Ingangsdatum (JJJJ-MM-DD; standaard vandaag).
        #[arg(long)]
        valid_from: Option<String>,
        /// Schrijf een klein model dat de preset uitbreidt (`extends`) in plaats van een kopie.
        #[arg(long)]
        extends: bool,
        /// Schrijf naar dit bestand (standaard: standaarduitvoer). Bestaat het al, dan stopt ave.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
    /// Druk het JSON Schema van het modelformaat af.
    Schema,
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
        ModelCommand::Show { model, format } => show(&mut out, &model, format),
        ModelCommand::Diff { a, b, format } => diff(&mut out, &a, &b, format),
        ModelCommand::Init {
            from,
            gemeente,
            id,
            regio,
            valid_from,
            extends,
            output,
        } => init(
            &mut out, from, gemeente, id, regio, valid_from, extends, output,
        ),
        ModelCommand::Schema => {
            write!(out, "{}", ave_model::schema::json_schema())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Loads a model argument; prints its errors and returns `None` if it is not valid.
fn valid(arg: &str) -> anyhow::Result<Result<ValidModel, ExitCode>> {
    let report = loader::check(arg)?;
    let file = report.file.clone();
    match report.into_valid() {
        Ok(m) => Ok(Ok(m)),
        Err(diagnostics) => {
            eprintln!("{file}: ONGELDIG");
            for d in diagnostics.iter().filter(|d| d.is_error()) {
                eprintln!("  {d}");
            }
            Ok(Err(ExitCode::from(1)))
        }
    }
}

fn show(out: &mut impl Write, arg: &str, format: Format) -> anyhow::Result<ExitCode> {
    let model = match valid(arg)? {
        Ok(m) => m,
        Err(code) => return Ok(code),
    };
    match format {
        Format::Text => write!(out, "{}", render::text(&model))?,
        Format::Markdown => write!(out, "{}", render::markdown(&model))?,
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(model.model())?)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn diff(out: &mut impl Write, a: &str, b: &str, format: Format) -> anyhow::Result<ExitCode> {
    let (a, b) = match (valid(a)?, valid(b)?) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return Ok(code),
    };
    let d = ave_model::diff::diff(&a, &b);
    match format {
        Format::Text => write!(out, "{}", d.text())?,
        Format::Markdown => write!(out, "{}", d.markdown())?,
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&d)?)?,
    }
    Ok(ExitCode::SUCCESS)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one parameter per command-line option"
)]
fn init(
    out: &mut impl Write,
    from: String,
    gemeente: String,
    id: Option<String>,
    regio: Option<String>,
    valid_from: Option<String>,
    extends: bool,
    output: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    let Some(preset) = presets::preset(&from) else {
        anyhow::bail!(
            "onbekende preset {from:?}; bekend: {}",
            presets::names().join(", ")
        );
    };
    let id = id.unwrap_or_else(|| slug(&gemeente));
    let id = ModelId::parse(id.as_str()).map_err(|e| anyhow::anyhow!("--id {id:?}: {e}"))?;
    let valid_from = match valid_from {
        Some(s) => Date::parse(&s).map_err(|e| anyhow::anyhow!("--valid-from: {e}"))?,
        None => today(),
    };
    let text = ave_model::init::init_from(
        preset,
        &InitOptions {
            id,
            gemeente,
            regio,
            valid_from,
            extends,
        },
    )?;
    match output {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|e| anyhow::anyhow!("{} niet te schrijven: {e}", path.display()))?;
            file.write_all(text.as_bytes())?;
            eprintln!(
                "geschreven: {}; controleer met `ave model check {}`",
                path.display(),
                path.display()
            );
        }
        None => write!(out, "{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Today's date: the CLI is the edge where the clock may be read.
#[expect(
    clippy::disallowed_methods,
    reason = "the binary is the edge that reads the clock"
)]
fn today() -> Date {
    Date::from(chrono::Local::now().date_naive())
}

/// A model id from a gemeente name: lowercase, letters and digits, '-' between words.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_owned()
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
            writeln!(
                out,
                "{:<16} {:<34} {:<22} {:<8} basis",
                "preset", "gemeente/regio", "versie", "geldig"
            )?;
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
                    if r["valid"].as_bool() == Some(true) {
                        "ja"
                    } else {
                        "NEE"
                    },
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
                let verdict = if report.is_valid() {
                    "geldig"
                } else {
                    "ONGELDIG"
                };
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
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
