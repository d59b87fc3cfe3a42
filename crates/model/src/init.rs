//! `ave model init`: a new local model to fill in, from a preset. Either a full copy of the
//! preset (with its comments) under the new gemeente's metadata, or a small file that
//! `extends` the preset and lists what the preset leaves open.

use std::fmt::Write;

use toml_edit::{DocumentMut, Item, value};

use crate::date::Date;
use crate::ids::ModelId;
use crate::presets::Preset;
use crate::types::RoleKind;

/// What the new model is for.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Id of the new model.
    pub id: ModelId,
    /// The gemeente.
    pub gemeente: String,
    /// The region, if it differs from the preset's.
    pub regio: Option<String>,
    /// The date the model starts to apply.
    pub valid_from: Date,
    /// Write a small model that extends the preset instead of a full copy.
    pub extends: bool,
}

/// Why no model could be written.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The preset text is not valid TOML (a build defect, reported rather than hidden).
    #[error("preset {0} is niet te lezen: {1}")]
    Preset(String, String),
}

/// Text for a `#` comment: one line, whatever the caller passed (a newline would end the
/// comment and turn the rest into TOML).
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn quoted(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_owned()
}

/// Writes the text of a new local model.
pub fn init_from(preset: &Preset, opts: &InitOptions) -> Result<String, InitError> {
    if opts.extends {
        return Ok(extending(preset, opts));
    }
    let mut doc: DocumentMut = preset.text.parse().map_err(|e: toml_edit::TomlError| {
        InitError::Preset(preset.name.to_owned(), e.to_string())
    })?;
    let model = doc["model"]
        .as_table_mut()
        .ok_or_else(|| InitError::Preset(preset.name.to_owned(), "geen [model]".to_owned()))?;
    model["id"] = value(opts.id.as_str());
    model["name"] = value(format!("AVE-model {}", opts.gemeente));
    model["gemeente"] = value(opts.gemeente.as_str());
    if let Some(regio) = &opts.regio {
        model["regio"] = value(regio.as_str());
    }
    model["version"] = value("0.1-concept");
    model["valid_from"] = value(opts.valid_from.to_string());
    let based_on = match model.get("source").and_then(Item::as_str) {
        Some(src) => format!("Gebaseerd op preset {} ({src}).", preset.name),
        None => format!("Gebaseerd op preset {}.", preset.name),
    };
    model["source"] = value(based_on);
    model.remove("extends");
    model.remove("description");
    let header = format!(
        "# Lokaal AVE-model voor {gemeente}, gemaakt met `ave model init --from {p}`.\n\
         # Alles hieronder komt uit de preset {p}: pas het aan tot het de lokale afspraken\n\
         # beschrijft, en controleer met `ave model check <dit bestand>`.\n\n",
        gemeente = comment(&opts.gemeente),
        p = preset.name
    );
    Ok(format!("{header}{doc}"))
}

fn extending(preset: &Preset, opts: &InitOptions) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Lokaal AVE-model voor {}, dat de preset {} uitbreidt.",
        comment(&opts.gemeente),
        preset.name
    );
    let _ = writeln!(
        s,
        "# Alleen wat lokaal anders is staat hier; de rest komt uit de preset\n\
         # (`ave model show {} --format markdown` toont haar). Lijsten met een `id` worden\n\
         # per id samengevoegd; per fase wordt de regietabel per rol vervangen.\n\
         # Controleer met `ave model check <dit bestand>`.\n",
        preset.name
    );
    let _ = writeln!(s, "[model]");
    let _ = writeln!(s, "id = {}", quoted(opts.id.as_str()));
    let _ = writeln!(
        s,
        "name = {}",
        quoted(&format!("AVE-model {}", opts.gemeente))
    );
    let _ = writeln!(s, "gemeente = {}", quoted(&opts.gemeente));
    if let Some(regio) = &opts.regio {
        let _ = writeln!(s, "regio = {}", quoted(regio));
    }
    let _ = writeln!(s, "version = \"0.1-concept\"");
    let _ = writeln!(s, "valid_from = {}", opts.valid_from);
    let _ = writeln!(s, "extends = {}", quoted(preset.name));
    // List what the preset leaves open, so the gemeente knows what to fill in.
    let parsed = crate::parse::parse(&preset.file_name(), preset.text.as_bytes());
    let Ok(model) = parsed else {
        return s;
    };
    let mut todo = Vec::new();
    for p in &model.phases {
        for kind in RoleKind::ALL {
            if let Some(reason) = p.regie.role(kind).and_then(|r| r.open.as_ref()) {
                todo.push((p.id.to_string(), kind, reason.clone()));
            }
        }
    }
    let open_deciders: Vec<_> = model
        .transitions
        .iter()
        .filter(|t| t.deciders_open.is_some())
        .map(|t| t.id.to_string())
        .collect();
    if todo.is_empty() && open_deciders.is_empty() {
        let _ = writeln!(
            s,
            "\n# Voorbeeld: een andere functie voor een rol in een fase.\n\
             # [[functions]]\n# id = \"mijn-functie\"\n# name = \"…\"\n# kind = \"gemeente\"\n#\n\
             # [[phases]]\n# id = \"…\"\n# [phases.regie.procesregie]\n# holders = [\"mijn-functie\"]"
        );
        return s;
    }
    let _ = writeln!(
        s,
        "\n# Te doen: de preset laat deze punten open voor lokale invulling."
    );
    for (phase, kind, reason) in &todo {
        let _ = writeln!(
            s,
            "# - AVE {phase}, {}: {}",
            kind.label().to_lowercase(),
            comment(reason)
        );
    }
    for t in &open_deciders {
        let _ = writeln!(s, "# - overgang {t}: wie besluit");
    }
    let _ = writeln!(
        s,
        "#\n# Bijvoorbeeld:\n# [[functions]]\n# id = \"mijn-functie\"\n# name = \"…\"\n# kind = \"gemeente\""
    );
    if let Some((phase, kind, _)) = todo.first() {
        let _ = writeln!(
            s,
            "#\n# [[phases]]\n# id = {}\n# [phases.regie.{}]\n# holders = [\"mijn-functie\"]",
            quoted(phase),
            kind.key()
        );
    }
    if let Some(t) = open_deciders.first() {
        let _ = writeln!(
            s,
            "#\n# [[transitions]]\n# id = {}\n# deciders = [\"mijn-functie\"]",
            quoted(t)
        );
    }
    s
}
