//! Finding models on disk and among the presets.

use std::path::{Path, PathBuf};

use ave_model::presets::{self, PresetLoader};
use ave_model::{BaseLoader, Report};

/// Where a model argument points.
pub enum Source {
    /// A preset compiled into the binary.
    Preset(&'static presets::Preset),
    /// A file.
    File(PathBuf),
}

/// Reads `NAME|FILE`: an existing file wins; otherwise a preset name.
pub fn source(arg: &str) -> anyhow::Result<Source> {
    let path = Path::new(arg);
    if path.is_file() {
        return Ok(Source::File(path.to_path_buf()));
    }
    if let Some(p) = presets::preset(arg) {
        return Ok(Source::Preset(p));
    }
    anyhow::bail!(
        "{arg:?} is geen bestand en geen preset (presets: {})",
        presets::names().join(", ")
    )
}

/// Resolves `extends`: a name with `/` or ending in `.toml` is a path relative to the file
/// that names it; anything else is a preset.
pub struct FsLoader;

impl BaseLoader for FsLoader {
    fn load(&self, reference: &str, from: &str) -> Result<(String, Vec<u8>), String> {
        if reference.contains('/') || reference.ends_with(".toml") {
            let base = Path::new(from).parent().unwrap_or(Path::new("."));
            let path = base.join(reference);
            match std::fs::read(&path) {
                Ok(bytes) => Ok((path.display().to_string(), bytes)),
                Err(e) => Err(format!(
                    "basismodel {reference:?} niet te lezen ({}): {e}",
                    path.display()
                )),
            }
        } else {
            PresetLoader.load(reference, from)
        }
    }
}

/// Checks the model an argument points to.
pub fn check(arg: &str) -> anyhow::Result<Report> {
    Ok(match source(arg)? {
        Source::Preset(p) => ave_model::check(&p.file_name(), p.text.as_bytes(), &FsLoader),
        Source::File(path) => {
            let bytes = std::fs::read(&path)
                .map_err(|e| anyhow::anyhow!("{} is niet te lezen: {e}", path.display()))?;
            ave_model::check(&path.display().to_string(), &bytes, &FsLoader)
        }
    })
}
