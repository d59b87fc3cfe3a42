//! Base models: a gemeente model may `extends` a regional one and override parts of it.
//!
//! Merge rules (documented in `docs/model-format.md`):
//! - `[model]` is always the extending model's own;
//! - lists of items with an `id` are merged by id: an item with a known id overrides the
//!   keys it gives, a new id is added;
//! - inside a phase, `regie` is merged per role (a role is replaced whole);
//! - giving `deciders` drops an inherited `deciders_open`, and the other way round;
//! - under `[rules]`, each rule the extending model gives replaces the base's;
//! - any other value replaces the base's value.

use serde::Deserialize;
use toml::{Table, Value};

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::parse::{decode, parse_table, shape_error};
use crate::types::Model;

/// The deepest chain of bases followed.
pub const MAX_BASE_DEPTH: usize = 8;

/// Finds base models by the name an `extends` gives.
pub trait BaseLoader {
    /// Returns the display name and bytes of the model `reference` names, as seen from the
    /// file `from`; an error message if there is none.
    fn load(&self, reference: &str, from: &str) -> Result<(String, Vec<u8>), String>;
}

/// A loader that knows no bases (every `extends` fails).
pub struct NoBases;

impl BaseLoader for NoBases {
    fn load(&self, reference: &str, _from: &str) -> Result<(String, Vec<u8>), String> {
        Err(format!("basismodel {reference:?} niet gevonden"))
    }
}

/// A model with its bases resolved.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The merged model.
    pub model: Model,
    /// The files involved: this one first, then its base, its base's base, …
    pub files: Vec<(String, String)>,
}

/// Reads a model and resolves its bases. Errors here stop validation (there is no model to
/// validate); each carries its location.
pub fn load(file: &str, bytes: &[u8], loader: &dyn BaseLoader) -> Result<Loaded, Vec<Diagnostic>> {
    let mut chain = Vec::new();
    load_chain(file, bytes, loader, &mut chain)
}

fn load_chain(
    file: &str,
    bytes: &[u8],
    loader: &dyn BaseLoader,
    chain: &mut Vec<String>,
) -> Result<Loaded, Vec<Diagnostic>> {
    let text = decode(file, bytes).map_err(|d| vec![d])?;
    let spanned = parse_table(file, text).map_err(|d| vec![d])?;
    let extends = spanned
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref() == "model")
        .and_then(|(_, v)| match v.get_ref() {
            toml::de::DeValue::Table(t) => t
                .iter()
                .find(|(k, _)| k.get_ref() == "extends")
                .map(|(_, v)| (v.span().start, v.get_ref().clone())),
            _ => None,
        });
    let Some((extends_at, extends)) = extends else {
        let model = Model::deserialize(toml::de::Deserializer::from(spanned))
            .map_err(|e| vec![shape_error(file, Some(text), &e)])?;
        return Ok(Loaded {
            model,
            files: vec![(file.to_owned(), text.to_owned())],
        });
    };
    let here = Location::at(file, text, extends_at);
    let toml::de::DeValue::String(reference) = extends else {
        return Err(vec![
            Diagnostic::new(Code::Shape, "`extends` moet een tekst zijn (naam of pad)")
                .at_path("model.extends")
                .at_location(here),
        ]);
    };
    chain.push(file.to_owned());
    if chain.len() > MAX_BASE_DEPTH {
        return Err(vec![
            Diagnostic::new(
                Code::BaseCycle,
                format!("meer dan {MAX_BASE_DEPTH} basismodellen achter elkaar"),
            )
            .at_path("model.extends")
            .at_location(here),
        ]);
    }
    let (base_name, base_bytes) = loader.load(&reference, file).map_err(|msg| {
        vec![
            Diagnostic::new(Code::BaseNotFound, msg)
                .at_path("model.extends")
                .at_location(here.clone()),
        ]
    })?;
    if chain.contains(&base_name) {
        let mut cycle = chain.clone();
        cycle.push(base_name);
        return Err(vec![
            Diagnostic::new(
                Code::BaseCycle,
                format!("basismodellen vormen een kring: {}", cycle.join(" → ")),
            )
            .at_path("model.extends")
            .at_location(here),
        ]);
    }
    let base = load_chain(&base_name, &base_bytes, loader, chain).map_err(|errors| {
        let mut out = vec![
            Diagnostic::new(
                Code::BaseInvalid,
                format!("het basismodel {base_name:?} is niet te gebruiken"),
            )
            .at_path("model.extends")
            .at_location(here.clone()),
        ];
        out.extend(errors);
        out
    })?;
    let base_diagnostics = crate::validate::validate(&base.model);
    if base_diagnostics.iter().any(Diagnostic::is_error) {
        let mut out = vec![
            Diagnostic::new(
                Code::BaseInvalid,
                format!("het basismodel {base_name:?} heeft fouten"),
            )
            .at_path("model.extends")
            .at_location(here),
        ];
        out.extend(base_diagnostics.into_iter().filter(Diagnostic::is_error));
        return Err(out);
    }
    let child = Table::deserialize(toml::de::Deserializer::from(spanned))
        .map_err(|e| vec![shape_error(file, Some(text), &e)])?;
    let mut merged = Table::try_from(&base.model).map_err(|e| {
        vec![Diagnostic::new(
            Code::BaseInvalid,
            format!("basismodel niet te verwerken: {e}"),
        )]
    })?;
    merge_model(&mut merged, child);
    let model = Model::deserialize(Value::Table(merged)).map_err(|e| {
        let mut d = shape_error(file, None, &e);
        d.message = format!("na samenvoegen met het basismodel: {}", d.message);
        vec![d]
    })?;
    let mut files = vec![(file.to_owned(), text.to_owned())];
    files.extend(base.files);
    Ok(Loaded { model, files })
}

/// Merges an extending model's table into its base's.
pub fn merge_model(base: &mut Table, child: Table) {
    for (key, value) in child {
        match (key.as_str(), base.get_mut(&key), value) {
            ("rules", Some(Value::Table(b)), Value::Table(c)) => {
                for (rule, v) in c {
                    b.insert(rule, v);
                }
            }
            (_, Some(Value::Array(b)), Value::Array(c)) => merge_by_id(b, c),
            (_, _, value) => {
                base.insert(key, value);
            }
        }
    }
}

fn item_id(v: &Value) -> Option<&str> {
    v.as_table()?.get("id")?.as_str()
}

fn merge_by_id(base: &mut Vec<Value>, child: Vec<Value>) {
    for item in child {
        let Some(id) = item_id(&item).map(str::to_owned) else {
            base.push(item);
            continue;
        };
        match base.iter_mut().find(|b| item_id(b) == Some(id.as_str())) {
            Some(Value::Table(target)) => {
                if let Value::Table(fields) = item {
                    merge_item(target, fields);
                }
            }
            _ => base.push(item),
        }
    }
}

/// Keys of which an item holds at most one: giving one in the extending model drops the
/// other inherited from the base (a gemeente fills in `deciders` the region left open).
const EXCLUSIVE: &[(&str, &str)] = &[("deciders", "deciders_open")];

fn merge_item(target: &mut Table, fields: Table) {
    for (key, value) in fields {
        for (a, b) in EXCLUSIVE {
            if key == *a {
                target.remove(*b);
            } else if key == *b {
                target.remove(*a);
            }
        }
        match (key.as_str(), target.get_mut(&key), value) {
            ("regie", Some(Value::Table(b)), Value::Table(c)) => {
                for (role, spec) in c {
                    b.insert(role, spec);
                }
            }
            (_, _, value) => {
                target.insert(key, value);
            }
        }
    }
}
