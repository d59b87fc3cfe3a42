//! Helpers shared by the test modules.

use std::borrow::Cow;

use ave_model::{Base, BaseError, BaseKind, BaseLoader, Code, Report};

/// The complete annotated example from `docs/model-format.md`.
pub fn doc_example() -> String {
    let doc = include_str!("../../../../docs/model-format.md");
    let start = doc.find("```toml\n").expect("the doc has a toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("the toml block ends");
    doc[start..start + len].to_owned()
}

/// Loader over a fixed set of named texts, each a file the user can open; names that are
/// presets resolve to the built-in presets.
pub struct MapLoader(pub Vec<(&'static str, String)>);

impl BaseLoader for MapLoader {
    fn load(&self, reference: &str, from: &str) -> Result<Base, BaseError> {
        if let Some((n, t)) = self.0.iter().find(|(n, _)| *n == reference) {
            return Ok(Base {
                name: (*n).to_owned(),
                key: (*n).to_owned(),
                bytes: Cow::Owned(t.as_bytes().to_vec()),
                kind: BaseKind::File,
            });
        }
        if ave_model::presets::preset(reference).is_some() {
            return ave_model::presets::PresetLoader.load(reference, from);
        }
        Err(BaseError::new(
            Code::BaseNotFound,
            format!("basismodel {reference:?} niet gevonden"),
        ))
    }
}

/// Checks a text with no bases available.
pub fn check_text(text: &str) -> Report {
    ave_model::check("model.toml", text.as_bytes(), &ave_model::NoBases)
}
