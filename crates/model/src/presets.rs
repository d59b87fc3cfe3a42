//! The five seed models, compiled into the binary. Each is a faithful encoding of its
//! source document in `shared/seeds/`, citing file and section in its comments.

use crate::diagnostic::Diagnostic;
use crate::resolve::BaseLoader;
use crate::valid::ValidModel;

/// A preset model shipped with the product.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The name to use on the command line and in `extends`.
    pub name: &'static str,
    /// The seed document it encodes.
    pub seed: &'static str,
    /// The TOML text.
    pub text: &'static str,
}

impl Preset {
    /// The file name under which diagnostics report this preset.
    pub fn file_name(&self) -> String {
        format!("preset:{}", self.name)
    }
}

/// All presets, in the order of their seed documents.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "noord-limburg",
        seed: "000_442673ca326fa740.txt",
        text: include_str!("../presets/noord-limburg.toml"),
    },
    Preset {
        name: "oss",
        seed: "001_77d6634322db9350.txt",
        text: include_str!("../presets/oss.toml"),
    },
    Preset {
        name: "westerkwartier",
        seed: "002_bb08e6704878ac0a.txt",
        text: include_str!("../presets/westerkwartier.toml"),
    },
    Preset {
        name: "regio-groningen",
        seed: "003_6d4e0f55eca0e790.txt",
        text: include_str!("../presets/regio-groningen.toml"),
    },
    Preset {
        name: "ave-wams-wgs",
        seed: "004_cb9af1e2b6d9f4ac.txt",
        text: include_str!("../presets/ave-wams-wgs.toml"),
    },
];

/// The preset with this name.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Resolves `extends` against the presets only.
pub struct PresetLoader;

impl BaseLoader for PresetLoader {
    fn load(&self, reference: &str, _from: &str) -> Result<(String, Vec<u8>), String> {
        match preset(reference) {
            Some(p) => Ok((p.file_name(), p.text.as_bytes().to_vec())),
            None => Err(format!(
                "basismodel {reference:?} bestaat niet; bekende presets: {}",
                names().join(", ")
            )),
        }
    }
}

/// The names of all presets.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// Loads and validates a preset.
pub fn load(name: &str) -> Result<ValidModel, Vec<Diagnostic>> {
    let Some(p) = preset(name) else {
        return Err(vec![Diagnostic::new(
            crate::diagnostic::Code::BaseNotFound,
            format!("onbekende preset {name:?}; bekend: {}", names().join(", ")),
        )]);
    };
    crate::check(&p.file_name(), p.text.as_bytes(), &PresetLoader).into_valid()
}
