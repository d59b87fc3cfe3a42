//! The five presets, compiled into the binary so that `ave` works without any file. Each
//! is a faithful encoding of a public Dutch policy document (named in [`Preset::document`]),
//! citing its sections in comments; a gemeente starts from one with `ave model init`.

use std::borrow::Cow;

use crate::diagnostic::{Code, Diagnostic};
use crate::resolve::{Base, BaseError, BaseKind, BaseLoader};
use crate::suggest::Suggester;
use crate::valid::ValidModel;

/// A preset model shipped with the product.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The name to use on the command line and in `extends`.
    pub name: &'static str,
    /// The public document it encodes.
    pub document: &'static str,
    /// The TOML text.
    pub text: &'static str,
}

impl Preset {
    /// The file name under which diagnostics report this preset.
    pub fn file_name(&self) -> String {
        format!("preset:{}", self.name)
    }
}

/// All presets, in a fixed order.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "noord-limburg",
        document: "Handreiking AVE model Noord-Limburg",
        text: include_str!("../presets/noord-limburg.toml"),
    },
    Preset {
        name: "oss",
        document: "Handboek AVE gemeente Oss",
        text: include_str!("../presets/oss.toml"),
    },
    Preset {
        name: "westerkwartier",
        document: "AVE model gemeente Westerkwartier",
        text: include_str!("../presets/westerkwartier.toml"),
    },
    Preset {
        name: "regio-groningen",
        document: "Opbrengstnotitie regionale principes AVE regio Groningen",
        text: include_str!("../presets/regio-groningen.toml"),
    },
    Preset {
        name: "ave-wams-wgs",
        document: "Presentatie AVE, Wams en WGS",
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
    fn load(&self, reference: &str, _from: &str) -> Result<Base, BaseError> {
        match preset(reference) {
            Some(p) => Ok(Base {
                name: p.file_name(),
                key: p.file_name(),
                bytes: Cow::Borrowed(p.text.as_bytes()),
                kind: BaseKind::Preset,
            }),
            None => Err(BaseError::new(Code::BaseNotFound, unknown(reference))),
        }
    }
}

/// "Er is geen preset …", with the nearest name and the list of known ones.
pub fn unknown(name: &str) -> String {
    format!("er is geen preset {name:?}. {}", suggestion(name))
}

/// "Bedoelt u `oss`? Bekende presets: …." for a name that is no preset.
pub fn suggestion(name: &str) -> String {
    let list = format!("Bekende presets: {}.", names().join(", "));
    match Suggester::default().nearest(name, names()) {
        Some(p) => format!("Bedoelt u `{p}`? {list}"),
        None => list,
    }
}

/// The names of all presets.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}

/// Loads and validates a preset.
pub fn load(name: &str) -> Result<ValidModel, Vec<Diagnostic>> {
    let Some(p) = preset(name) else {
        return Err(vec![Diagnostic::new(Code::BaseNotFound, unknown(name))]);
    };
    crate::check(&p.file_name(), p.text.as_bytes(), &PresetLoader).into_valid()
}
