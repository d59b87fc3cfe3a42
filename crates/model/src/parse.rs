//! From bytes to a [`Model`]: input limits, UTF-8, TOML syntax, then the typed model.
//! Every failure is a [`Diagnostic`] with file, line and column; nothing panics on any input.

use std::fmt;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::types::Model;

/// The largest model file accepted (1 MiB; the largest preset is a few dozen KiB).
pub const MAX_BYTES: usize = 1024 * 1024;

/// The deepest nesting of arrays and inline tables accepted.
pub const MAX_NESTING: usize = 32;

/// Checks size, encoding and nesting, and returns the text.
#[expect(
    clippy::result_large_err,
    reason = "an error here ends the reading of a file; one diagnostic is not worth boxing"
)]
pub fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    if bytes.len() > MAX_BYTES {
        // Readers stop at MAX_BYTES + 1, so the true size is not known here.
        return Err(Diagnostic::new(
            Code::TooLarge,
            format!("het bestand is groter dan {MAX_BYTES} bytes (1 MiB), de grens voor een model"),
        )
        .at_location(Location {
            file: file.to_owned(),
            line: 1,
            column: 1,
        }));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = e.valid_up_to();
        // The prefix is valid UTF-8 by definition, so the location is computed on it.
        let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        Diagnostic::new(
            Code::NotUtf8,
            format!(
                "het bestand is geen UTF-8: ongeldige byte op positie {valid}; sla het op als UTF-8"
            ),
        )
        .at_location(Location::at(file, prefix, valid))
    })?;
    if let Some(offset) = too_deep(text) {
        return Err(Diagnostic::new(
            Code::TooDeep,
            format!("lijsten en tabellen zijn dieper genest dan {MAX_NESTING} niveaus"),
        )
        .at_location(Location::at(file, text, offset)));
    }
    Ok(text)
}

/// Finds the offset where `[`/`{` nesting (outside strings and comments) exceeds the limit.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                let triple = bytes.get(i..i + 3) == Some(&[q, q, q][..]);
                if triple {
                    i += 3;
                    while i < bytes.len() && bytes.get(i..i + 3) != Some(&[q, q, q][..]) {
                        if q == b'"' && bytes[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    i += 2;
                } else {
                    i += 1;
                    while i < bytes.len() && bytes[i] != q && bytes[i] != b'\n' {
                        if q == b'"' && bytes[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Parses the TOML syntax only.
#[expect(
    clippy::result_large_err,
    reason = "an error here ends the reading of a file; one diagnostic is not worth boxing"
)]
pub(crate) fn parse_table<'a>(
    file: &str,
    text: &'a str,
) -> Result<toml::Spanned<DeTable<'a>>, Diagnostic> {
    DeTable::parse(text).map_err(|e| {
        let location = Location::at(file, text, e.span().map_or(0, |s| s.start));
        syntax_error(&e).at_location(location)
    })
}

/// A TOML syntax error as a diagnostic without location, worded in Dutch.
pub(crate) fn syntax_error(e: &toml::de::Error) -> Diagnostic {
    let raw = e.message().trim();
    Diagnostic::new(
        Code::Syntax,
        format!("geen geldige TOML: {}", crate::wording::toml_syntax(raw)),
    )
    .with_detail(raw)
}

/// A serde error from deserialising a model as a diagnostic without location, worded in
/// Dutch.
pub(crate) fn serde_error(e: &toml::de::Error) -> Diagnostic {
    let raw = e.message().trim();
    let worded = crate::wording::serde_message(raw);
    Diagnostic::new(worded.code, worded.message).with_detail(raw)
}

/// Parses a model file on its own, without resolving `extends`.
#[expect(
    clippy::result_large_err,
    reason = "an error here ends the reading of a file; one diagnostic is not worth boxing"
)]
pub fn parse(file: &str, bytes: &[u8]) -> Result<Model, Diagnostic> {
    let text = decode(file, bytes)?;
    let table = parse_table(file, text)?;
    Model::deserialize(toml::de::Deserializer::from(table)).map_err(|e| {
        let d = serde_error(&e);
        let offset = e.span().map_or(0, |s| s.start);
        d.at_location(Location::at(file, text, offset))
    })
}

/// One step of a path inside a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A key of a table.
    Key(&'static str),
    /// An item of an array; arrays of tables are found by `id` where they have one.
    Item {
        /// Position in the array.
        index: usize,
        /// The item's `id`, if it has one.
        id: Option<String>,
    },
}

/// A path inside a model, e.g. `phases[2A].regie.procesregie`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelPath(pub Vec<Seg>);

impl ModelPath {
    /// The empty path (the whole model).
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path with a key added.
    pub fn key(&self, key: &'static str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(key));
        p
    }

    /// This path with an item (found by id) added.
    pub fn id(&self, index: usize, id: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Item {
            index,
            id: Some(id.to_owned()),
        });
        p
    }

    /// This path with an item (by position) added.
    pub fn index(&self, index: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Item { index, id: None });
        p
    }

    /// The byte offset in `text` of the deepest part of the path that exists there.
    pub fn locate(&self, text: &str) -> Option<usize> {
        let root = DeTable::parse(text).ok()?;
        self.locate_in(root.get_ref())
    }

    /// The byte offset of the deepest part of the path that exists in a parsed file.
    ///
    /// Costs one lookup per segment: keys are found by hash, items by their position (a
    /// model deserialised from this very table has its items at the same positions), with a
    /// search by id only when the item at that position has another id.
    pub fn locate_in(&self, root: &DeTable<'_>) -> Option<usize> {
        let mut best = None;
        let mut current: Option<&DeValue<'_>> = None;
        let mut table: Option<&DeTable<'_>> = Some(root);
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => {
                    let Some(t) = table else { break };
                    let Some((key, value)) = t.get_key_value(*k) else {
                        break;
                    };
                    best = Some(key.span().start);
                    current = Some(value.get_ref());
                    table = match value.get_ref() {
                        DeValue::Table(t) => Some(t),
                        _ => None,
                    };
                }
                Seg::Item { index, id } => {
                    let Some(DeValue::Array(items)) = current else {
                        break;
                    };
                    let has_id = |v: &toml::Spanned<DeValue<'_>>, id: &str| match v.get_ref() {
                        DeValue::Table(t) => {
                            matches!(t.get("id").map(|v| v.get_ref()), Some(DeValue::String(s)) if s == id)
                        }
                        _ => false,
                    };
                    let found = match id {
                        Some(id) => match items.get(*index) {
                            Some(item) if has_id(item, id) => Some(item),
                            _ => items.iter().find(|v| has_id(v, id)),
                        },
                        None => items.get(*index),
                    };
                    let Some(item) = found else { break };
                    best = Some(item.span().start);
                    current = Some(item.get_ref());
                    table = match item.get_ref() {
                        DeValue::Table(t) => Some(t),
                        _ => None,
                    };
                }
            }
        }
        best
    }
}

impl fmt::Display for ModelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Item { id: Some(id), .. } => write!(f, "[{id}]")?,
                Seg::Item { index, id: None } => write!(f, "[{index}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_inside_strings_and_comments_does_not_count() {
        let deep = "[".repeat(40);
        let text = format!("a = \"{deep}\"\n# {deep}\nb = '''{deep}'''\n");
        assert_eq!(too_deep(&text), None);
        let text = format!("a = {deep}");
        assert_eq!(too_deep(&text), Some(4 + MAX_NESTING));
    }

    #[test]
    fn locates_items_by_id_and_keys() {
        let text = "[[phases]]\nid = \"1\"\n\n[[phases]]\nid = \"2A\"\ntitle = \"x\"\n";
        let path = ModelPath::root().key("phases").id(1, "2A").key("title");
        let offset = path.locate(text).expect("found");
        assert_eq!(Location::at("f", text, offset).line, 6);
        assert_eq!(path.to_string(), "phases[2A].title");
    }
}
