//! `ave klantreis SCENARIO.toml`: walk a fictitious case through a model.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use ave_engine::klantreis::{self, Scenario};
use clap::{Args, ValueEnum};

use crate::loader;
use crate::output::{self, count};

/// What `klantreis` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KlantreisFormat {
    /// Het verslag als tekst.
    Text,
    /// JSON, voor scripts.
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Afsluitcode: 0 als elke verwachting van het scenario uitkomt, 1 als er een niet uitkomt, \
                  2 als het scenario of het model niet te lezen of ongeldig is."
)]
pub struct KlantreisArgs {
    /// Het scenario (TOML, zie docs/klantreis.md).
    #[arg(value_name = "SCENARIO")]
    scenario: std::path::PathBuf,
    /// Het model (presetnaam of bestand); standaard het model dat het scenario noemt.
    #[arg(long, value_name = "MODEL")]
    model: Option<String>,
    /// Uitvoer: text of json (standaard: text).
    #[arg(
        long,
        value_enum,
        default_value = "text",
        value_name = "FORMAAT",
        hide_possible_values = true,
        hide_default_value = true
    )]
    format: KlantreisFormat,
}

/// Prints an error with its library text under `--verbose`; exit code 2.
fn fail(message: &str, detail: Option<&str>, verbose: bool) -> ExitCode {
    eprintln!("fout: {message}");
    if verbose && let Some(detail) = detail {
        eprintln!("  technisch: {detail}");
    }
    ExitCode::from(2)
}

pub fn run(args: KlantreisArgs, verbose: bool) -> anyhow::Result<ExitCode> {
    let name = args.scenario.display().to_string();
    let bytes = match crate::read::read_limited(&args.scenario) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Ok(fail(
                &format!("{name} {}", e.message),
                e.detail.as_deref(),
                verbose,
            ));
        }
    };
    let scenario = match Scenario::parse(&name, &bytes) {
        Ok(s) => s,
        Err(e) => {
            // The scenario reader passes on library wording; it is put in Dutch here.
            let (message, detail) = match ave_model::wording::reword(&e.message) {
                Some((dutch, raw)) => (dutch, Some(raw)),
                None => (e.message.clone(), None),
            };
            let place = match e.line {
                Some(line) => format!("{}:{line}", e.file),
                None => e.file.clone(),
            };
            return Ok(fail(
                &format!("{place}: {message}"),
                detail.as_deref(),
                verbose,
            ));
        }
    };
    let model_arg = match (&args.model, &scenario.model) {
        (Some(m), _) => m.clone(),
        (None, Some(m)) if loader::is_path(m) => {
            // A scenario names its model like `extends` does: under its own directory.
            if let Some(why) = loader::forbidden(m) {
                return Ok(fail(&format!("{name}: model: {why}"), None, verbose));
            }
            let base = args.scenario.parent().unwrap_or(Path::new("."));
            let path = base.join(m);
            if let Err(why) = loader::inside(base, &path) {
                return Ok(fail(&format!("{name}: model: {why}"), None, verbose));
            }
            path.display().to_string()
        }
        (None, Some(m)) => m.clone(),
        (None, None) => {
            return Ok(fail(
                "het scenario noemt geen model: geef --model (presetnaam of bestand)",
                None,
                verbose,
            ));
        }
    };
    let checked = loader::check(&model_arg);
    let file = checked.report.file.clone();
    let model = match checked.report.into_valid() {
        Ok(m) => m,
        Err(diagnostics) => {
            let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
            eprintln!(
                "{file}: ONGELDIG model ({})",
                count(errors.len(), "fout", "fouten")
            );
            let mut err = std::io::stderr().lock();
            for d in errors {
                output::diagnostic(&mut err, d, verbose)?;
            }
            return Ok(ExitCode::from(2));
        }
    };
    let report = klantreis::run(&model, &scenario);
    let mut out = std::io::stdout().lock();
    match args.format {
        KlantreisFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?,
        KlantreisFormat::Text => write!(
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
