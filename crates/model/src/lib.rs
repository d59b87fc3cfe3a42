//! The AVE model: what a gemeente or regio has agreed about phases, regie, op- and
//! afschalen, made into a versioned, validated file that the rest of AVE-regie runs on.
//!
//! Pure: no IO and no clock. Callers hand in bytes (and a [`BaseLoader`] for models that
//! extend others) and get a [`Model`] with [`Diagnostic`]s, or a [`ValidModel`].
//!
//! ```
//! let text = ave_model::presets::preset("oss").expect("preset").text;
//! let report = ave_model::check("oss.toml", text.as_bytes(), &ave_model::NoBases);
//! assert!(report.is_valid());
//! let model = report.into_valid().expect("valid");
//! assert_eq!(model.model().model.gemeente.as_deref(), Some("Oss"));
//! ```
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
pub mod suggest;
pub mod time;
pub mod types;
pub mod valid;
pub mod validate;
pub mod wording;

pub use date::Date;
pub use diagnostic::{Code, Diagnostic, Location, Severity};
pub use ids::*;
pub use resolve::{Base, BaseError, BaseKind, BaseLoader, NoBases};
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

/// Reads, resolves and validates a model file, and places every finding in the file that
/// gave it (see [`resolve`] for how bases are merged).
pub fn check(file: &str, bytes: &[u8], loader: &dyn BaseLoader) -> Report {
    resolve::check(file, bytes, loader)
}
