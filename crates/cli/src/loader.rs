//! Finding models on disk and among the presets, and following `extends` without letting a
//! model reach outside its own directory.
//!
//! A model named on the command line may be any regular file the user can read. A base
//! named by `extends` is a preset name or a relative path under the directory of the model
//! that names it: no absolute paths, no `..`, and no symbolic link that leads out (the path
//! is canonicalised and checked). A model someone sends you can therefore not make `ave`
//! read `/etc/shadow`, `/proc/self/environ` or a FIFO.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use ave_model::presets::{self, PresetLoader};
use ave_model::{Base, BaseError, BaseKind, BaseLoader, Code, Diagnostic, Report};

use crate::read::read_limited;

/// Where a model argument points.
pub enum Source {
    /// A preset compiled into the binary.
    Preset(&'static presets::Preset),
    /// A file.
    File(PathBuf),
}

/// Whether a reference (in `extends`, or a scenario's `model`) is a path rather than a
/// preset name: it has a `/` or ends in `.toml`.
pub fn is_path(reference: &str) -> bool {
    reference.contains('/') || reference.contains('\\') || reference.ends_with(".toml")
}

/// Reads `NAME|FILE`: anything that exists on disk is a file (so a directory or FIFO gets a
/// clear error when read); otherwise a preset name; otherwise `None`.
pub fn source(arg: &str) -> Option<Source> {
    let path = Path::new(arg);
    if std::fs::symlink_metadata(path).is_ok() || is_path(arg) {
        return Some(Source::File(path.to_path_buf()));
    }
    presets::preset(arg).map(Source::Preset)
}

/// A model checked from a command-line argument.
pub struct Checked {
    /// The report (for an unreadable file: one E007 diagnostic).
    pub report: Report,
    /// False when the file named on the command line could not be read at all.
    pub readable: bool,
}

fn unreadable(file: &str, message: String, detail: Option<String>) -> Checked {
    let mut d = Diagnostic::new(Code::Unreadable, message);
    d.detail = detail;
    Checked {
        report: Report {
            file: file.to_owned(),
            model: None,
            diagnostics: vec![d],
        },
        readable: false,
    }
}

/// Checks the model an argument points to; never fails: what cannot be read is reported.
pub fn check(arg: &str) -> Checked {
    match source(arg) {
        Some(Source::Preset(p)) => Checked {
            report: ave_model::check(&p.file_name(), p.text.as_bytes(), &FsLoader),
            readable: true,
        },
        Some(Source::File(path)) => {
            let name = path.display().to_string();
            match read_limited(&path) {
                Ok(bytes) => Checked {
                    report: ave_model::check(&name, &bytes, &FsLoader),
                    readable: true,
                },
                Err(e) => unreadable(&name, format!("{name} {}", e.message), e.detail),
            }
        }
        None => unreadable(
            arg,
            format!(
                "{arg:?} is geen bestand en geen preset. {}",
                presets::suggestion(arg)
            ),
            None,
        ),
    }
}

/// Resolves `extends`: a preset name, or a relative path under the directory of the model
/// that names it.
pub struct FsLoader;

/// Why a relative reference may not be followed, if it may not.
pub fn forbidden(reference: &str) -> Option<String> {
    let path = Path::new(reference);
    if path.is_absolute() || path.has_root() || reference.starts_with('~') {
        return Some(format!(
            "`extends = {reference:?}` is een absoluut pad; geef een pad ten opzichte van de map van dit \
             model (bijvoorbeeld \"regio.toml\" of \"basis/regio.toml\") of de naam van een preset"
        ));
    }
    if path
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Some(format!(
            "`extends = {reference:?}` wijst met `..` buiten de map van dit model; een basismodel moet \
             in dezelfde map staan of in een map daaronder"
        ));
    }
    None
}

/// Checks that `path` (under `dir`) does not lead out of `dir` through a symbolic link.
/// A path that does not exist leads nowhere; reading it reports that.
pub fn inside(dir: &Path, path: &Path) -> Result<(), String> {
    let (Ok(root), Ok(target)) = (dir.canonicalize(), path.canonicalize()) else {
        return Ok(());
    };
    if target.starts_with(&root) {
        Ok(())
    } else {
        Err(format!(
            "{} leidt via een symbolische koppeling buiten de map {}; het moet in dezelfde map \
             staan of in een map daaronder",
            path.display(),
            dir.display()
        ))
    }
}

impl BaseLoader for FsLoader {
    fn load(&self, reference: &str, from: &str) -> Result<Base, BaseError> {
        if !is_path(reference) {
            return PresetLoader.load(reference, from);
        }
        if from.starts_with("preset:") {
            return Err(BaseError::new(
                Code::BaseForbidden,
                "een preset kan alleen een andere preset uitbreiden",
            ));
        }
        if let Some(why) = forbidden(reference) {
            return Err(BaseError::new(Code::BaseForbidden, why));
        }
        let dir = match Path::new(from).parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let path = if dir == Path::new(".") {
            PathBuf::from(reference)
        } else {
            dir.join(reference)
        };
        let name = path.display().to_string();
        let io = |code: Code, e: std::io::Error| BaseError {
            code,
            message: format!("basismodel {name} {}", crate::read::io_message(&e)),
            detail: Some(e.to_string()),
        };
        let root = dir.canonicalize().map_err(|e| io(Code::Unreadable, e))?;
        let canonical = path.canonicalize().map_err(|e| {
            let code = if e.kind() == std::io::ErrorKind::NotFound {
                Code::BaseNotFound
            } else {
                Code::Unreadable
            };
            io(code, e)
        })?;
        if !canonical.starts_with(&root) {
            return Err(BaseError::new(
                Code::BaseForbidden,
                format!(
                    "`extends = {reference:?}` leidt via een symbolische koppeling buiten de map van dit \
                     model; een basismodel moet in dezelfde map staan of in een map daaronder"
                ),
            ));
        }
        let bytes = read_limited(&canonical).map_err(|e| BaseError {
            code: Code::Unreadable,
            message: format!("basismodel {name} {}", e.message),
            detail: e.detail,
        })?;
        Ok(Base {
            name,
            key: canonical.display().to_string(),
            bytes: Cow::Owned(bytes),
            kind: BaseKind::File,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_and_escaping_references_are_forbidden() {
        for r in [
            "/etc/shadow",
            "/proc/self/environ",
            "../../../etc/passwd",
            "a/../../b.toml",
            "~/x.toml",
        ] {
            assert!(forbidden(r).is_some(), "{r}");
        }
        for r in ["regio.toml", "basis/regio.toml", "./regio.toml"] {
            assert!(forbidden(r).is_none(), "{r}");
        }
    }
}
