//! The one load path for every model, with or without `extends`.
//!
//! A gemeente writes a small file that extends a preset or a regional model. What it writes
//! must be checked exactly as if it had written the whole model, and every finding must
//! point at the line it wrote. So each file of the chain is parsed once into a table that
//! keeps its spans; the tables are merged with those spans (each file given its own range in
//! one run of offsets), the model is deserialised from the merged table, validated, and each
//! finding is placed through the merged table back in the file that gave the value. What
//! comes from a built-in preset is named as such ("in basismodel oss"), never given a line
//! in a file the user cannot open.
//!
//! Merge rules (documented with examples in `docs/model-format.md`):
//! - `[model]` is always the extending model's own;
//! - the lists in [`ID_LISTS`] merge by `id`: an item with a known id overrides the keys it
//!   gives, a new id is added; an id given twice in one file is a duplicate (E110) as in a
//!   full model;
//! - tables merge per key (`[phases.norms]`, `[rules.*]`, `[transitions.handover]`, …),
//!   except a role of a regie table and a transition's `condition`, which are replaced whole;
//! - in a transition, giving `deciders` drops an inherited `deciders_open` and the other way
//!   round (so do `proposers` and `proposers_open`); giving both in one file is the same
//!   error (E131) as in a full model;
//! - in a phase's `grondslag`, giving `basis` or `verwerkingsverantwoordelijke` drops an
//!   inherited `open` and the other way round, so a local model fills an open legal basis;
//! - any other value (text, number, list without ids) replaces the base's.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::Report;
use crate::diagnostic::{Code, Diagnostic, LineIndex, Location};
use crate::parse::{decode, parse_table, serde_error};
use crate::types::Model;

/// The deepest chain of bases followed.
pub const MAX_BASE_DEPTH: usize = 8;

/// The lists that merge by `id`, as paths of keys.
pub const ID_LISTS: &[&str] = &[
    "principles",
    "functions",
    "meeting_kinds",
    "facts",
    "criteria",
    "phases",
    "phases.werkafspraken",
    "transitions",
    "function_groups",
    "decision_kinds",
    "triggers",
];

/// What kind of base a loader found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseKind {
    /// A preset compiled into the program: the user cannot open it, so findings in it are
    /// named by the preset, without a line.
    Preset,
    /// A file the user can open: findings in it get its line and column.
    File,
}

/// A base model found by a [`BaseLoader`].
#[derive(Debug, Clone)]
pub struct Base {
    /// The name under which findings in it are reported: a path, or `preset:NAME`.
    pub name: String,
    /// What identifies it when looking for cycles (a canonical path, or `preset:NAME`).
    pub key: String,
    /// Its bytes (a reader stops after [`crate::parse::MAX_BYTES`] + 1 of them).
    pub bytes: Cow<'static, [u8]>,
    /// Preset or file.
    pub kind: BaseKind,
}

/// Why a base could not be loaded, worded for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseError {
    /// [`Code::BaseNotFound`], [`Code::BaseForbidden`] or [`Code::Unreadable`].
    pub code: Code,
    /// What went wrong, in Dutch.
    pub message: String,
    /// A library's own text (an operating-system error), for developers.
    pub detail: Option<String>,
}

impl BaseError {
    /// An error without library detail.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        BaseError {
            code,
            message: message.into(),
            detail: None,
        }
    }
}

/// Finds base models by the name an `extends` gives.
pub trait BaseLoader {
    /// The base that `reference` names, as seen from the model `from` (the name under which
    /// that model is reported: its path, or `preset:NAME`).
    fn load(&self, reference: &str, from: &str) -> Result<Base, BaseError>;
}

/// A loader that knows no bases (every `extends` fails).
pub struct NoBases;

impl BaseLoader for NoBases {
    fn load(&self, reference: &str, _from: &str) -> Result<Base, BaseError> {
        Err(BaseError::new(
            Code::BaseNotFound,
            format!(
                "basismodel {reference:?} niet gevonden: hier zijn geen basismodellen beschikbaar"
            ),
        ))
    }
}

/// One file of a chain.
struct Layer<'t> {
    /// Name in locations.
    name: String,
    /// Identity for cycles.
    key: String,
    text: &'t str,
    /// Whether findings may point into it with a line (false for a built-in preset that is
    /// not the model being checked).
    shown: bool,
    /// Where its offsets start in the merged run of offsets.
    start: usize,
}

impl Layer<'_> {
    /// The preset name for "in basismodel …".
    fn label(&self) -> &str {
        self.name.strip_prefix("preset:").unwrap_or(&self.name)
    }
}

/// Reads, resolves and validates a model: see the module documentation.
pub(crate) fn check(file: &str, bytes: &[u8], loader: &dyn BaseLoader) -> Report {
    let failed = |d: Diagnostic| Report {
        file: file.to_owned(),
        model: None,
        diagnostics: vec![d],
    };
    let text = match decode(file, bytes) {
        Ok(t) => t,
        Err(d) => return failed(d),
    };
    let table = match parse_table(file, text) {
        Ok(t) => t,
        Err(d) => return failed(d),
    };
    let layer = Layer {
        name: file.to_owned(),
        key: file.to_owned(),
        text,
        shown: true,
        start: 0,
    };
    let (model, diagnostics) = extend(vec![layer], vec![table], loader);
    Report {
        file: file.to_owned(),
        model,
        diagnostics,
    }
}

type Outcome = (Option<Model>, Vec<Diagnostic>);

/// The `extends` of a parsed file: `None` if it has none, `Err(offset)` if it is not text.
fn extends_of(table: &DeTable<'_>) -> Option<Result<(usize, String), usize>> {
    let DeValue::Table(model) = table.get("model")?.get_ref() else {
        return None;
    };
    let value = model.get("extends")?;
    match value.get_ref() {
        DeValue::String(s) => Some(Ok((value.span().start, s.to_string()))),
        _ => Some(Err(value.span().start)),
    }
}

/// Puts a diagnostic at an offset of one layer: a location if the layer is shown, else the
/// preset's name.
fn place_in(
    layer: &Layer<'_>,
    index: Option<&LineIndex>,
    offset: usize,
    mut d: Diagnostic,
) -> Diagnostic {
    if layer.shown {
        let location = match index {
            Some(index) => index.location(&layer.name, layer.text, offset),
            None => Location::at(&layer.name, layer.text, offset),
        };
        d.location = Some(location);
    } else {
        d.location = None;
        d.base = Some(layer.label().to_owned());
    }
    d
}

/// A diagnostic found inside a base (by decoding or parsing it) as seen from the model
/// that extends it: placed in the base if the user can open it, otherwise named by preset.
fn from_base(mut d: Diagnostic, base: &Base) -> Diagnostic {
    if base.kind == BaseKind::Preset {
        d.location = None;
        d.base = Some(
            base.name
                .strip_prefix("preset:")
                .unwrap_or(&base.name)
                .to_owned(),
        );
    }
    d
}

/// Follows the `extends` of the last layer, or merges and checks the chain if it has none.
/// Each step owns the text of one more file; the tables borrow them all.
fn extend<'t>(
    layers: Vec<Layer<'t>>,
    tables: Vec<Spanned<DeTable<'t>>>,
    loader: &dyn BaseLoader,
) -> Outcome {
    let last = layers.len() - 1;
    let here = |offset: usize, d: Diagnostic| place_in(&layers[last], None, offset, d);
    let (at, reference) = match extends_of(tables[last].get_ref()) {
        None => return finish(layers, tables),
        Some(Err(at)) => {
            let d = Diagnostic::new(
                Code::Shape,
                "`extends` moet een tekst zijn: de naam van een preset of een pad naar een bestand",
            )
            .at_path("model.extends");
            return (None, vec![here(at, d)]);
        }
        Some(Ok(found)) => found,
    };
    if layers.len() > MAX_BASE_DEPTH {
        let d = Diagnostic::new(
            Code::BaseCycle,
            format!("meer dan {MAX_BASE_DEPTH} basismodellen achter elkaar"),
        )
        .at_path("model.extends");
        return (None, vec![here(at, d)]);
    }
    let base = match loader.load(&reference, &layers[last].name) {
        Ok(base) => base,
        Err(e) => {
            let mut d = Diagnostic::new(e.code, e.message).at_path("model.extends");
            d.detail = e.detail;
            return (None, vec![here(at, d)]);
        }
    };
    if layers.iter().any(|l| l.key == base.key) {
        let mut names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
        names.push(&base.name);
        let d = Diagnostic::new(
            Code::BaseCycle,
            format!("basismodellen vormen een kring: {}", names.join(" → ")),
        )
        .at_path("model.extends");
        return (None, vec![here(at, d)]);
    }
    let unusable = |d: Diagnostic| {
        let head = Diagnostic::new(
            Code::BaseInvalid,
            format!(
                "het basismodel {:?} is niet te gebruiken (zie hieronder)",
                base.name
            ),
        )
        .at_path("model.extends");
        (None, vec![here(at, head), from_base(d, &base)])
    };
    let text = match decode(&base.name, &base.bytes) {
        Ok(t) => t,
        Err(d) => return unusable(d),
    };
    let table = match parse_table(&base.name, text) {
        Ok(t) => t,
        Err(d) => return unusable(d),
    };
    let start = layers[last].start + layers[last].text.len() + 1;
    let layer = Layer {
        name: base.name.clone(),
        key: base.key.clone(),
        text,
        shown: base.kind == BaseKind::File,
        start,
    };
    // Rebinding shortens the lifetime of what is already held to that of the new text.
    let mut layers: Vec<Layer<'_>> = layers;
    let mut tables: Vec<Spanned<DeTable<'_>>> = tables;
    layers.push(layer);
    tables.push(table);
    extend(layers, tables, loader)
}

/// Merges the chain, deserialises and validates the model, and places every finding.
fn finish(layers: Vec<Layer<'_>>, tables: Vec<Spanned<DeTable<'_>>>) -> Outcome {
    let own_model_at = tables[0]
        .get_ref()
        .get_key_value("model")
        .map(|(k, _)| k.span().start);
    let own_extends_at = extends_of(tables[0].get_ref())
        .and_then(Result::ok)
        .map(|(at, _)| at);
    let mut merged: Option<Spanned<DeTable<'_>>> = None;
    let mut duplicates = Vec::new();
    for (layer, table) in layers.iter().zip(tables).rev() {
        let table = if layer.start == 0 {
            table
        } else {
            shift_table(table, layer.start)
        };
        merged = Some(match merged {
            None => table,
            Some(base) => {
                let span = table.span();
                let mut inner = base.into_inner();
                merge_table(&mut inner, table.into_inner(), Ctx::Root, &mut duplicates);
                Spanned::new(span, inner)
            }
        });
    }
    let Some(merged) = merged else {
        return (None, Vec::new());
    };
    let mut placer = Placer {
        layers: &layers,
        indexes: layers.iter().map(|_| None).collect(),
    };
    let model = Model::deserialize(toml::de::Deserializer::from(merged.clone()));
    let duplicates: Vec<Diagnostic> = duplicates
        .into_iter()
        .map(|dup: Duplicate| {
            let d = Diagnostic::new(
                Code::DuplicateId,
                format!(
                    "id {:?} komt meer dan eens voor in `{}` in dit bestand",
                    dup.id, dup.list
                ),
            )
            .at_path(format!("{}[{}]", dup.list, dup.id));
            placer.place(dup.offset, d)
        })
        .collect();
    let mut diagnostics = match &model {
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            vec![placer.place(offset, serde_error(e))]
        }
        Ok(model) => crate::validate::findings(model)
            .into_iter()
            .map(|f| {
                // A path that exists in no file (a rule nobody configured) is placed at the
                // model's own `[model]` table, which stands for the model as a whole.
                let offset = f.at.locate_in(merged.get_ref()).or(own_model_at);
                match offset {
                    Some(offset) => placer.place(offset, f.diagnostic),
                    None => f.diagnostic,
                }
            })
            .collect(),
    };
    if !duplicates.is_empty() {
        diagnostics.splice(0..0, duplicates);
    }
    if layers.len() > 1 {
        let in_base = |d: &Diagnostic| {
            d.is_error()
                && (d.base.is_some()
                    || d.location
                        .as_ref()
                        .is_some_and(|l| l.file != layers[0].name))
        };
        if diagnostics.iter().any(in_base) {
            let mut head = Diagnostic::new(
                Code::BaseInvalid,
                format!(
                    "fouten in wat het basismodel {:?} geeft (zie hieronder); ze kunnen ook komen \
                     doordat dit model iets in het basismodel verandert",
                    layers[1].name
                ),
            )
            .at_path("model.extends");
            if let Some(at) = own_extends_at {
                head = placer.place(at, head);
            }
            diagnostics.insert(0, head);
        }
    }
    (model.ok(), diagnostics)
}

/// Places offsets of the merged run in the layer they belong to.
struct Placer<'l, 't> {
    layers: &'l [Layer<'t>],
    indexes: Vec<Option<LineIndex>>,
}

impl Placer<'_, '_> {
    fn place(&mut self, offset: usize, d: Diagnostic) -> Diagnostic {
        let i = self
            .layers
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1);
        let layer = &self.layers[i];
        let index = self.indexes[i].get_or_insert_with(|| LineIndex::new(layer.text));
        place_in(layer, Some(index), offset - layer.start, d)
    }
}

fn shifted(span: Range<usize>, by: usize) -> Range<usize> {
    span.start + by..span.end + by
}

/// A table with every span moved `by` bytes, so that it takes its own range in the run.
fn shift_table<'t>(table: Spanned<DeTable<'t>>, by: usize) -> Spanned<DeTable<'t>> {
    let span = shifted(table.span(), by);
    Spanned::new(span, shift_entries(table.into_inner(), by))
}

fn shift_entries<'t>(table: DeTable<'t>, by: usize) -> DeTable<'t> {
    table
        .into_iter()
        .map(|(k, v)| {
            let key = Spanned::new(shifted(k.span(), by), k.into_inner());
            (key, shift_value(v, by))
        })
        .collect()
}

fn shift_value<'t>(value: Spanned<DeValue<'t>>, by: usize) -> Spanned<DeValue<'t>> {
    let span = shifted(value.span(), by);
    let inner = match value.into_inner() {
        DeValue::Table(t) => DeValue::Table(shift_entries(t, by)),
        DeValue::Array(a) => DeValue::Array(a.into_iter().map(|v| shift_value(v, by)).collect()),
        other => other,
    };
    Spanned::new(span, inner)
}

/// Where in the model a table sits, for the merge rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    Phase,
    Regie,
    Transition,
    DecisionKind,
    Grondslag,
    Plain,
}

/// How one key merges.
enum Rule {
    /// The extending file's value replaces the base's whole.
    Replace,
    /// Tables merge key by key.
    PerKey(Ctx),
    /// Lists merge item by item, matched by `id`.
    ById(Ctx),
}

fn rule(ctx: Ctx, key: &str) -> Rule {
    match (ctx, key) {
        (Ctx::Root, "model") => Rule::Replace,
        (Ctx::Root, "phases") => Rule::ById(Ctx::Phase),
        (Ctx::Root, "transitions") => Rule::ById(Ctx::Transition),
        (Ctx::Root, "decision_kinds") => Rule::ById(Ctx::DecisionKind),
        (
            Ctx::Root,
            "principles" | "functions" | "function_groups" | "meeting_kinds" | "facts" | "criteria"
            | "triggers",
        ) => Rule::ById(Ctx::Plain),
        (Ctx::Phase, "regie") => Rule::PerKey(Ctx::Regie),
        (Ctx::Phase, "grondslag") => Rule::PerKey(Ctx::Grondslag),
        (Ctx::Phase, "werkafspraken") => Rule::ById(Ctx::Plain),
        (Ctx::Regie, _) | (Ctx::Transition, "condition") => Rule::Replace,
        _ => Rule::PerKey(Ctx::Plain),
    }
}

/// Groups of keys of which one file gives one side only: giving a key of one side in the
/// extending file drops the other side's keys inherited from the base.
fn exclusive(ctx: Ctx) -> &'static [(&'static [&'static str], &'static [&'static str])] {
    match ctx {
        Ctx::Transition => &[
            (&["deciders"], &["deciders_open"]),
            (&["proposers"], &["proposers_open"]),
        ],
        Ctx::DecisionKind => &[(&["deciders"], &["deciders_open"])],
        Ctx::Grondslag => &[(&["basis", "verwerkingsverantwoordelijke"], &["open"])],
        _ => &[],
    }
}

/// An item that one extending file gives twice.
struct Duplicate {
    /// Where the second one starts, in the merged run of offsets.
    offset: usize,
    /// The list it is in.
    list: String,
    id: String,
}

fn merge_table<'t>(
    base: &mut DeTable<'t>,
    child: DeTable<'t>,
    ctx: Ctx,
    dups: &mut Vec<Duplicate>,
) {
    for &(a, b) in exclusive(ctx) {
        for (given, other) in [(a, b), (b, a)] {
            let gives = |keys: &[&str]| keys.iter().any(|k| child.contains_key(*k));
            if gives(given) && !gives(other) {
                for k in other {
                    base.remove(*k);
                }
            }
        }
    }
    for (key, value) in child {
        let Some(old) = base.remove(key.get_ref().as_ref()) else {
            base.insert(key, value);
            continue;
        };
        let span = value.span();
        let merged = match (
            rule(ctx, key.get_ref()),
            old.into_inner(),
            value.into_inner(),
        ) {
            (Rule::PerKey(sub), DeValue::Table(mut b), DeValue::Table(c)) => {
                merge_table(&mut b, c, sub, dups);
                DeValue::Table(b)
            }
            (Rule::ById(sub), DeValue::Array(b), DeValue::Array(c)) => {
                DeValue::Array(merge_list(b, c, sub, key.get_ref(), dups))
            }
            (_, _, replacement) => replacement,
        };
        // The key and the value now point into the extending file: it gave them.
        base.insert(key, Spanned::new(span, merged));
    }
}

fn item_id<'a>(item: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    match item.get_ref() {
        DeValue::Table(t) => match t.get("id")?.get_ref() {
            DeValue::String(s) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

fn merge_list<'t>(
    base: DeArray<'t>,
    child: DeArray<'t>,
    ctx: Ctx,
    list: &str,
    dups: &mut Vec<Duplicate>,
) -> DeArray<'t> {
    let mut items: Vec<Spanned<DeValue<'t>>> = base.into_iter().collect();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(id) = item_id(item) {
            index.entry(id.to_owned()).or_insert(i);
        }
    }
    // Ids this file already gave: a second item with one of them is reported (E110) where
    // this file wrote it, as in a full model, instead of silently overriding the first.
    let mut given: HashSet<String> = HashSet::new();
    for item in child {
        let Some(id) = item_id(&item).map(str::to_owned) else {
            items.push(item);
            continue;
        };
        if given.contains(&id) {
            dups.push(Duplicate {
                offset: item.span().start,
                list: list.to_owned(),
                id,
            });
            continue;
        }
        match index.get(&id) {
            Some(&i) => {
                let span = item.span();
                let placeholder = Spanned::new(0..0, DeValue::Boolean(false));
                let old = std::mem::replace(&mut items[i], placeholder).into_inner();
                let merged = match (old, item.into_inner()) {
                    (DeValue::Table(mut b), DeValue::Table(c)) => {
                        merge_table(&mut b, c, ctx, dups);
                        DeValue::Table(b)
                    }
                    (_, replacement) => replacement,
                };
                items[i] = Spanned::new(span, merged);
            }
            None => items.push(item),
        }
        given.insert(id);
    }
    items.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::ModelPath;

    #[test]
    fn shifting_moves_every_span() {
        let text = "[a]\nb = [1, { c = 2 }]\n";
        let table = DeTable::parse(text).expect("toml");
        let before = ModelPath::root()
            .key("a")
            .key("b")
            .locate_in(table.get_ref());
        let shifted = shift_table(table, 100);
        let after = ModelPath::root()
            .key("a")
            .key("b")
            .locate_in(shifted.get_ref());
        assert_eq!(after, before.map(|o| o + 100));
    }
}
