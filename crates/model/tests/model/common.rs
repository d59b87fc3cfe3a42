//! Helpers shared by the test modules.

use ave_model::{BaseLoader, Report};

/// The complete annotated example from `docs/model-format.md`.
pub fn doc_example() -> String {
    let doc = include_str!("../../../../docs/model-format.md");
    let start = doc.find("```toml\n").expect("the doc has a toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("the toml block ends");
    doc[start..start + len].to_owned()
}

/// Loader over a fixed set of named texts.
pub struct MapLoader(pub Vec<(&'static str, String)>);

impl BaseLoader for MapLoader {
    fn load(&self, reference: &str, _from: &str) -> Result<(String, Vec<u8>), String> {
        self.0
            .iter()
            .find(|(n, _)| *n == reference)
            .map(|(n, t)| ((*n).to_owned(), t.as_bytes().to_vec()))
            .ok_or_else(|| format!("basismodel {reference:?} niet gevonden"))
    }
}

/// Checks a text with no bases available.
pub fn check_text(text: &str) -> Report {
    ave_model::check("model.toml", text.as_bytes(), &ave_model::NoBases)
}
