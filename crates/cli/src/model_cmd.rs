//! `ave model …`: list, show, check, diff and init local models.

use std::io::Write;
use std::process::ExitCode;

use ave_model::init::InitOptions;
use ave_model::presets;
use ave_model::{Date, ModelId, ValidModel, render};
use clap::{Subcommand, ValueEnum};
use serde::Serialize;

use crate::clock::today;
use crate::loader;
use crate::output::{self, count};

/// What `model list` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Een tabel.
    Text,
    /// JSON, voor scripts.
    Json,
}

/// What `model show` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// Een samenvatting.
    Text,
    /// Het hele model als JSON.
    Json,
    /// De fasenposter in Markdown.
    Markdown,
}

/// What `model diff` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Naast elkaar als tekst.
    Text,
    /// JSON, voor scripts.
    Json,
    /// Tabellen in Markdown.
    Markdown,
}

/// What `model check` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Meldingen als tekst.
    Text,
    /// JSON, voor scripts.
    Json,
}

/// The exit codes of `ave model check`, in its help.
const CHECK_EXIT: &str = "Afsluitcode: 0 als alle modellen geldig zijn (waarschuwingen mogen), \
1 als een model fouten heeft, 2 als een bestand niet te lezen is of de opdracht niet klopt. \
Elk bestand wordt gecontroleerd, ook als een eerder bestand niet te lezen is.";

#[derive(Debug, Subcommand)]
pub enum ModelCommand {
    /// Toon de meegeleverde presets.
    List {
        /// Uitvoer: text of json (standaard: text).
        #[arg(
            long,
            value_enum,
            default_value = "text",
            value_name = "FORMAAT",
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: ListFormat,
    },
    /// Toon een model: samenvatting (text), het hele model (json) of de fasenposter (markdown).
    Show {
        /// Presetnaam of modelbestand.
        #[arg(value_name = "MODEL")]
        model: String,
        /// Uitvoer: text, json of markdown (standaard: text).
        #[arg(
            long,
            value_enum,
            default_value = "text",
            value_name = "FORMAAT",
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: ShowFormat,
    },
    /// Vergelijk twee modellen: naast elkaar per fase en per rol, en elk verschil per veld.
    Diff {
        /// Model A (presetnaam of bestand).
        #[arg(value_name = "A")]
        a: String,
        /// Model B (presetnaam of bestand).
        #[arg(value_name = "B")]
        b: String,
        /// Uitvoer: text, json of markdown (standaard: text).
        #[arg(
            long,
            value_enum,
            default_value = "text",
            value_name = "FORMAAT",
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: DiffFormat,
    },
    /// Schrijf een nieuw lokaal model om in te vullen, op basis van een preset.
    Init {
        /// De preset om van uit te gaan.
        #[arg(long = "from", value_name = "PRESET")]
        from: String,
        /// Naam van de gemeente (één regel).
        #[arg(long, value_name = "NAAM")]
        gemeente: String,
        /// Id van het nieuwe model (standaard: afgeleid van de gemeentenaam).
        #[arg(long, value_name = "ID")]
        id: Option<String>,
        /// Regio, als die anders is dan die van de preset.
        #[arg(long, value_name = "NAAM")]
        regio: Option<String>,
        /// Ingangsdatum (JJJJ-MM-DD; standaard vandaag).
        #[arg(long, value_name = "DATUM")]
        valid_from: Option<String>,
        /// Schrijf een klein model dat de preset uitbreidt (`extends`) in plaats van een kopie.
        #[arg(long)]
        extends: bool,
        /// Schrijf naar dit bestand (standaard: standaarduitvoer). Bestaat het al, dan stopt ave.
        #[arg(long, short, value_name = "BESTAND")]
        output: Option<std::path::PathBuf>,
    },
    /// Druk het JSON Schema van het modelformaat af.
    Schema,
    /// Controleer modellen en meld elke fout en waarschuwing met bestand, regel en kolom.
    #[command(after_help = CHECK_EXIT)]
    Check {
        /// Modelbestanden of presetnamen.
        #[arg(required = true, value_name = "MODELLEN")]
        files: Vec<String>,
        /// Uitvoer: text of json (standaard: text).
        #[arg(
            long,
            value_enum,
            default_value = "text",
            value_name = "FORMAAT",
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: CheckFormat,
    },
    /// Sla een model op in de database als versie: nieuwe casussen starten eronder.
    Publish(crate::model_store_cmd::PublishArgs),
    /// Zet de open casussen van een model over naar een opgeslagen versie (vastgelegd per casus).
    Migrate(crate::model_store_cmd::MigrateArgs),
}

pub fn run(cmd: ModelCommand, verbose: bool) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cmd {
        ModelCommand::List { format } => list(&mut out, format),
        ModelCommand::Check { files, format } => check(&mut out, &files, format, verbose),
        ModelCommand::Show { model, format } => show(&mut out, &model, format, verbose),
        ModelCommand::Diff { a, b, format } => diff(&mut out, &a, &b, format, verbose),
        ModelCommand::Init {
            from,
            gemeente,
            id,
            regio,
            valid_from,
            extends,
            output,
        } => init(
            &mut out,
            &Init {
                from,
                gemeente,
                id,
                regio,
                valid_from,
                extends,
                output,
            },
            verbose,
        ),
        ModelCommand::Publish(args) => crate::model_store_cmd::publish(args, verbose),
        ModelCommand::Migrate(args) => crate::model_store_cmd::migrate(args, verbose),
        ModelCommand::Schema => {
            write!(out, "{}", ave_model::schema::json_schema())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Loads a model argument; prints why and gives the exit code if it cannot be used.
fn valid(arg: &str, verbose: bool) -> Result<ValidModel, ExitCode> {
    let checked = loader::check(arg);
    let readable = checked.readable;
    let file = checked.report.file.clone();
    match checked.report.into_valid() {
        Ok(m) => Ok(m),
        Err(diagnostics) => {
            let mut err = std::io::stderr().lock();
            let errors: Vec<_> = diagnostics.iter().filter(|d| d.is_error()).collect();
            let verdict = if readable { "ONGELDIG" } else { "ONLEESBAAR" };
            let _ = writeln!(
                err,
                "{file}: {verdict} ({})",
                count(errors.len(), "fout", "fouten")
            );
            for d in errors {
                let _ = output::diagnostic(&mut err, d, verbose);
            }
            Err(ExitCode::from(if readable { 1 } else { 2 }))
        }
    }
}

fn show(
    out: &mut impl Write,
    arg: &str,
    format: ShowFormat,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let model = match valid(arg, verbose) {
        Ok(m) => m,
        Err(code) => return Ok(code),
    };
    match format {
        ShowFormat::Text => write!(out, "{}", render::text(&model))?,
        ShowFormat::Markdown => write!(out, "{}", render::markdown(&model))?,
        ShowFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(model.model())?)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn diff(
    out: &mut impl Write,
    a: &str,
    b: &str,
    format: DiffFormat,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let (a, b) = match (valid(a, verbose), valid(b, verbose)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(x), Err(y)) => {
            return Ok(if x == ExitCode::from(2) || y == ExitCode::from(2) {
                ExitCode::from(2)
            } else {
                x
            });
        }
        (Err(code), _) | (_, Err(code)) => return Ok(code),
    };
    let d = ave_model::diff::diff(a.model(), b.model());
    match format {
        DiffFormat::Text => write!(out, "{}", d.text())?,
        DiffFormat::Markdown => write!(out, "{}", d.markdown())?,
        DiffFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&d)?)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The options of `ave model init`.
struct Init {
    from: String,
    gemeente: String,
    id: Option<String>,
    regio: Option<String>,
    valid_from: Option<String>,
    extends: bool,
    output: Option<std::path::PathBuf>,
}

/// A name given on the command line must be one line of visible text.
fn one_line(option: &str, value: &str) -> anyhow::Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        anyhow::bail!("{option} mag niet leeg zijn");
    }
    if trimmed.chars().any(char::is_control) {
        anyhow::bail!("{option} moet één regel tekst zijn, zonder regeleinde of ander stuurteken");
    }
    Ok(trimmed.to_owned())
}

fn init(out: &mut impl Write, opts: &Init, verbose: bool) -> anyhow::Result<ExitCode> {
    let Some(preset) = presets::preset(&opts.from) else {
        anyhow::bail!("--from: {}", presets::unknown(&opts.from));
    };
    let gemeente = one_line("--gemeente", &opts.gemeente)?;
    let regio = opts
        .regio
        .as_deref()
        .map(|r| one_line("--regio", r))
        .transpose()?;
    let id = match &opts.id {
        Some(id) => ModelId::parse(id.as_str()).map_err(|e| anyhow::anyhow!("--id {id:?}: {e}"))?,
        None => {
            let derived = slug(&gemeente);
            ModelId::parse(derived.as_str()).map_err(|_| {
                anyhow::anyhow!(
                    "uit de gemeentenaam {gemeente:?} is geen id te maken (letters en cijfers); geef er een met --id"
                )
            })?
        }
    };
    let valid_from = match &opts.valid_from {
        Some(s) => Date::parse(s).map_err(|e| anyhow::anyhow!("--valid-from: {e}"))?,
        None => today(),
    };
    let text = ave_model::init::init_from(
        preset,
        &InitOptions {
            id,
            gemeente,
            regio,
            valid_from,
            extends: opts.extends,
        },
    )?;
    match &opts.output {
        Some(path) => {
            let written = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .and_then(|mut file| file.write_all(text.as_bytes()));
            if let Err(e) = written {
                eprintln!("fout: {} {}", path.display(), crate::read::io_message(&e));
                if verbose {
                    eprintln!("  technisch: {e}");
                }
                return Ok(ExitCode::from(2));
            }
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

/// A letter without its accent, for ids: `Súdwest-Fryslân` becomes `sudwest-fryslan`. Covers
/// the Latin letters of Dutch, Frisian and the languages of neighbouring countries.
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'í' | 'ì' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'ú' | 'ù' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'ź' | 'ż' | 'ž' => "z",
        'ď' | 'đ' => "d",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ţ' | 'ť' | 'ŧ' => "t",
        'ŵ' => "w",
        'ß' => "ss",
        'æ' => "ae",
        'œ' => "oe",
        'ĳ' => "ij",
        'þ' => "th",
        _ => return None,
    })
}

/// A model id from a gemeente name: lowercase, accents folded, letters and digits, '-'
/// between words.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if let Some(folded) = fold(c) {
            s.push_str(folded);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    s.trim_end_matches('-').to_owned()
}

/// One row of `model list`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PresetRow {
    name: &'static str,
    title: Option<String>,
    gemeente: Option<String>,
    regio: Option<String>,
    version: Option<String>,
    valid_from: Option<String>,
    extends: Option<String>,
    document: &'static str,
    valid: bool,
}

fn list(out: &mut impl Write, format: ListFormat) -> anyhow::Result<ExitCode> {
    let rows: Vec<PresetRow> = presets::PRESETS
        .iter()
        .map(|p| {
            let report = ave_model::check(&p.file_name(), p.text.as_bytes(), &loader::FsLoader);
            let md = report.model.as_ref().map(|m| &m.model);
            PresetRow {
                name: p.name,
                title: md.map(|m| m.name.clone()),
                gemeente: md.and_then(|m| m.gemeente.clone()),
                regio: md.and_then(|m| m.regio.clone()),
                version: md.map(|m| m.version.clone()),
                valid_from: md.map(|m| m.valid_from.to_string()),
                extends: md.and_then(|m| m.extends.clone()),
                document: p.document,
                valid: report.is_valid(),
            }
        })
        .collect();
    match format {
        ListFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?,
        ListFormat::Text => {
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
            let mut table = vec![[
                "preset".to_owned(),
                "gemeente".to_owned(),
                "regio".to_owned(),
                "versie".to_owned(),
                "geldig".to_owned(),
                "basis".to_owned(),
            ]];
            for r in &rows {
                table.push([
                    r.name.to_owned(),
                    dash(&r.gemeente),
                    dash(&r.regio),
                    format!("{} ({})", dash(&r.version), dash(&r.valid_from)),
                    if r.valid { "ja" } else { "NEE" }.to_owned(),
                    dash(&r.extends),
                ]);
            }
            write_table(out, &table)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Columns padded to their widest cell, counted in characters.
fn write_table<const N: usize>(out: &mut impl Write, rows: &[[String; N]]) -> std::io::Result<()> {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// One file in the JSON of `model check`.
#[derive(Debug, Serialize)]
struct CheckRow<'a> {
    file: &'a str,
    readable: bool,
    valid: bool,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<ave_model::Diagnostic>,
}

fn check(
    out: &mut impl Write,
    files: &[String],
    format: CheckFormat,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    let mut any_invalid = false;
    let mut any_unreadable = false;
    let checked: Vec<loader::Checked> = files.iter().map(|arg| loader::check(arg)).collect();
    let mut json = Vec::new();
    for c in &checked {
        let report = &c.report;
        any_invalid |= !report.is_valid();
        any_unreadable |= !c.readable;
        match format {
            CheckFormat::Json => json.push(CheckRow {
                file: &report.file,
                readable: c.readable,
                valid: report.is_valid(),
                errors: report.errors(),
                warnings: report.warnings(),
                diagnostics: output::for_json(&report.diagnostics, verbose),
            }),
            CheckFormat::Text => {
                let verdict = match (c.readable, report.is_valid()) {
                    (false, _) => "ONLEESBAAR",
                    (true, true) => "geldig",
                    (true, false) => "ONGELDIG",
                };
                writeln!(
                    out,
                    "{}: {verdict} ({}, {})",
                    report.file,
                    count(report.errors(), "fout", "fouten"),
                    count(report.warnings(), "waarschuwing", "waarschuwingen")
                )?;
                for d in &report.diagnostics {
                    output::diagnostic(out, d, verbose)?;
                }
            }
        }
    }
    if format == CheckFormat::Json {
        writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
    }
    Ok(if any_unreadable {
        ExitCode::from(2)
    } else if any_invalid {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn ids_from_gemeente_names_fold_accents() {
        assert_eq!(slug("Súdwest-Fryslân"), "sudwest-fryslan");
        assert_eq!(slug("Het Hogeland"), "het-hogeland");
        assert_eq!(slug("'s-Hertogenbosch"), "s-hertogenbosch");
        assert_eq!(
            slug("Nuenen, Gerwen en Nederwetten"),
            "nuenen-gerwen-en-nederwetten"
        );
        assert_eq!(slug("!!!"), "");
    }
}
