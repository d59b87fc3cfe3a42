//! The AVE model: what a gemeente or regio has agreed about phases, regie, op- and
//! afschalen, made into a versioned, validated file that the rest of AVE-regie runs on.
//!
//! Pure: no IO and no clock. Callers hand in bytes (and a [`BaseLoader`] for models that
//! extend others) and get a [`Model`] with [`Diagnostic`]s, or a [`ValidModel`].
#![forbid(unsafe_code)]

pub mod date;
pub mod diagnostic;
pub mod diff;
pub mod ids;
pub mod init;
pub mod parse;
pub mod presets;
pub mod render;
pub mod resolve;
pub mod schema;
pub mod time;
pub mod types;
pub mod valid;
pub mod validate;

pub use date::Date;
pub use diagnostic::{Code, Diagnostic, Location, Severity};
pub use ids::*;
pub use resolve::{BaseLoader, Loaded, NoBases};
pub use types::*;
pub use valid::ValidModel;

/// The outcome of checking one model file.
#[derive(Debug, Clone)]
pub struct Report {
    /// The file checked.
    pub file: String,
    /// The model with its bases merged, if it could be read at all.
    pub model: Option<Model>,
    /// Errors and warnings, errors first.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// True when there are no errors (warnings are allowed).
    pub fn is_valid(&self) -> bool {
        self.model.is_some() && !self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// The number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// The validated model, if the report is valid.
    pub fn into_valid(self) -> Result<ValidModel, Vec<Diagnostic>> {
        match self.model {
            Some(model) => ValidModel::with_diagnostics(model, self.diagnostics),
            _ => Err(self.diagnostics),
        }
    }
}

/// Reads, resolves and validates a model file, and places every finding in its file.
pub fn check(file: &str, bytes: &[u8], loader: &dyn BaseLoader) -> Report {
    if let Some(report) = check_standalone(file, bytes) {
        return report;
    }
    let loaded = match resolve::load(file, bytes, loader) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            return Report {
                file: file.to_owned(),
                model: None,
                diagnostics,
            };
        }
    };
    let findings = validate::findings(&loaded.model);
    let diagnostics = if findings.is_empty() {
        Vec::new()
    } else {
        locate(findings, &loaded.files)
    };
    Report {
        file: file.to_owned(),
        model: Some(loaded.model),
        diagnostics,
    }
}

/// The common case, a model without `extends`: parsed once, and findings are located in the
/// same parse. `None` when the model extends another (or cannot be read), which the general
/// path handles.
fn check_standalone(file: &str, bytes: &[u8]) -> Option<Report> {
    use serde::Deserialize;
    let text = parse::decode(file, bytes).ok()?;
    let table = parse::parse_table(file, text).ok()?;
    let extends = table.get_ref().iter().any(|(k, v)| {
        k.get_ref() == "model"
            && matches!(v.get_ref(), toml::de::DeValue::Table(t) if t.iter().any(|(k, _)| k.get_ref() == "extends"))
    });
    if extends {
        return None;
    }
    let model = Model::deserialize(toml::de::Deserializer::from(table.clone()))
        .map_err(|e| parse::shape_error(file, Some(text), &e));
    let (model, diagnostics) = match model {
        Ok(model) => {
            let findings = validate::findings(&model);
            let diagnostics = findings
                .into_iter()
                .map(|f| {
                    let mut d = f.diagnostic;
                    if let Some(offset) = f.at.locate_in(table.get_ref()) {
                        d.location = Some(Location::at(file, text, offset));
                    }
                    d
                })
                .collect();
            (Some(model), diagnostics)
        }
        Err(d) => (None, vec![d]),
    };
    Some(Report {
        file: file.to_owned(),
        model,
        diagnostics,
    })
}

/// Gives each finding the location of its path, looked up in the model's own file first
/// and then in its bases.
fn locate(findings: Vec<validate::Finding>, files: &[(String, String)]) -> Vec<Diagnostic> {
    let parsed: Vec<_> = files
        .iter()
        .filter_map(|(name, text)| {
            toml::de::DeTable::parse(text)
                .ok()
                .map(|table| (name, text, table))
        })
        .collect();
    findings
        .into_iter()
        .map(|f| {
            let mut d = f.diagnostic;
            for (name, text, table) in &parsed {
                if let Some(offset) = f.at.locate_in(table.get_ref()) {
                    d.location = Some(Location::at(name, text, offset));
                    break;
                }
            }
            d
        })
        .collect()
}
