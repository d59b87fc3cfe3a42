//! Comparing two models. Two answers, from one pass over each model:
//!
//! - **every difference, field by field** ([`ModelDiff::changes`]): both models are walked
//!   as data (their serialised form), with the items of id-lists matched by id, so every
//!   field takes part — including fields added to the format later — and a change of
//!   `consult`, a norm, a rule parameter or the version is never missed;
//! - **side by side** ([`ModelDiff::phases`], [`ModelDiff::transitions`],
//!   [`ModelDiff::rules`]): per phase and role, per transition, per rule, which answers the
//!   regional-uniformity question of the sources (where do two municipalities differ?).
//!   Roles and deciders are compared by function name, since two models rarely share
//!   function ids; transitions are matched by (from, to, effect).
//!
//! Comparisons are on values (sets of names, numbers, data), never on rendered text; words
//! are made only when the diff is printed. The cost is linear in the size of both models.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

use crate::render::phase_label;
use crate::types::{Model, RoleKind, RoleSpec, RuleName, Transition};

/// The comparison of two models.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelDiff {
    /// Id of model A.
    pub a: String,
    /// Id of model B.
    pub b: String,
    /// Every field that differs, in model order.
    pub changes: Vec<Change>,
    /// Per phase (union of both, in order), side by side.
    pub phases: Vec<PhaseDiff>,
    /// Per transition (union of both), side by side.
    pub transitions: Vec<TransitionDiff>,
    /// Per rule, side by side.
    pub rules: Vec<ValueDiff>,
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Where, e.g. `phases[2].norms.evaluation_days` (items of id-lists by id).
    pub path: String,
    /// The value in A; absent if A lacks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<Value>,
    /// The value in B; absent if B lacks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<Value>,
}

/// One phase compared side by side.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseDiff {
    /// Phase id.
    pub phase: String,
    /// Title in A, if A has the phase.
    pub a_title: Option<String>,
    /// Title in B, if B has the phase.
    pub b_title: Option<String>,
    /// Per role (and "in overleg met").
    pub roles: Vec<ValueDiff>,
    /// Werkafspraken only A lists for this phase.
    pub only_a_werkafspraken: Vec<String>,
    /// Werkafspraken only B lists for this phase.
    pub only_b_werkafspraken: Vec<String>,
    /// Triggers that apply in this phase, counted per side.
    pub triggers: ValueDiff,
}

/// One value on both sides, as people read it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueDiff {
    /// What is compared.
    pub item: String,
    /// A's value (`None`: A lacks it).
    pub a: Option<String>,
    /// B's value (`None`: B lacks it).
    pub b: Option<String>,
    /// Whether both are the same (compared as values, not as this text).
    pub same: bool,
}

/// One transition compared side by side.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionDiff {
    /// "2 → 3" or "binnen 2: procesregie toevoegen".
    pub transition: String,
    /// Who decides, criteria and preconditions on both sides.
    pub fields: Vec<ValueDiff>,
}

/// Compares two models.
pub fn diff(a: &Model, b: &Model) -> ModelDiff {
    let (va, vb) = (to_value(a), to_value(b));
    let mut changes = Vec::new();
    walk(&mut String::new(), Some(&va), Some(&vb), &mut changes);
    let (ia, ib) = (Index::new(a), Index::new(b));
    ModelDiff {
        a: a.model.id.to_string(),
        b: b.model.id.to_string(),
        changes,
        phases: phases(&ia, &ib),
        transitions: transitions(&ia, &ib),
        rules: rules(a, b),
    }
}

fn to_value(m: &Model) -> Value {
    // A model always serialises: it has no maps with non-text keys and no failing types.
    serde_json::to_value(m).unwrap_or(Value::Null)
}

// ---------------------------------------------------------------------------------------
// Every difference, field by field.
// ---------------------------------------------------------------------------------------

/// The order in which keys are shown: the model's sections in file order, and in an item
/// its id and name first; any other key (one added later too) follows alphabetically.
const KEY_ORDER: &[&str] = &[
    "model",
    "principles",
    "functions",
    "meeting_kinds",
    "facts",
    "criteria",
    "phases",
    "transitions",
    "triggers",
    "rules",
    "id",
    "order",
    "name",
    "title",
];

fn key_rank(key: &str) -> (usize, &str) {
    (
        KEY_ORDER
            .iter()
            .position(|k| *k == key)
            .unwrap_or(KEY_ORDER.len()),
        key,
    )
}

/// The id of an item of an id-list.
fn item_id(v: &Value) -> Option<&str> {
    v.as_object()?.get("id")?.as_str()
}

/// A list whose items are all tables with an id: compared item by item, matched by id.
fn is_id_list(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|v| item_id(v).is_some())
}

/// An id-list (or nothing, which compares as an empty one).
fn as_id_list(v: Option<&Value>) -> Option<&[Value]> {
    match v {
        None => Some(&[]),
        Some(Value::Array(items)) if items.is_empty() || is_id_list(items) => Some(items),
        _ => None,
    }
}

/// A table with at least one field.
fn as_table(v: Option<&Value>) -> Option<&serde_json::Map<String, Value>> {
    match v {
        Some(Value::Object(o)) if !o.is_empty() => Some(o),
        _ => None,
    }
}

fn walk(path: &mut String, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<Change>) {
    match (a, b) {
        (Some(Value::Object(_)) | None, Some(Value::Object(_)) | None)
            if as_table(a).is_some() || as_table(b).is_some() =>
        {
            let (x, y) = (as_table(a), as_table(b));
            let mut keys: Vec<&str> = x
                .into_iter()
                .chain(y)
                .flat_map(|o| o.keys())
                .map(String::as_str)
                .collect();
            keys.sort_by_key(|k| key_rank(k));
            keys.dedup();
            for key in keys {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(
                    path,
                    x.and_then(|o| o.get(key)),
                    y.and_then(|o| o.get(key)),
                    out,
                );
                path.truncate(len);
            }
        }
        _ if matches!((as_id_list(a), as_id_list(b)), (Some(x), Some(y)) if !x.is_empty() || !y.is_empty()) =>
        {
            let (x, y) = (
                as_id_list(a).unwrap_or_default(),
                as_id_list(b).unwrap_or_default(),
            );
            let in_a: HashSet<&str> = x.iter().filter_map(item_id).collect();
            let in_b: HashMap<&str, &Value> =
                y.iter().filter_map(|v| Some((item_id(v)?, v))).collect();
            let mut seen: HashSet<&str> = HashSet::new();
            let mut item = |path: &mut String, id: &str, ia: Option<&Value>, ib: Option<&Value>| {
                let len = path.len();
                let _ = write!(path, "[{id}]");
                match (ia, ib) {
                    (Some(_), Some(_)) => walk(path, ia, ib, out),
                    _ => out.push(Change {
                        path: path.clone(),
                        a: ia.cloned(),
                        b: ib.cloned(),
                    }),
                }
                path.truncate(len);
            };
            for v in x {
                let Some(id) = item_id(v) else { continue };
                if seen.insert(id) {
                    item(path, id, Some(v), in_b.get(id).copied());
                }
            }
            for v in y {
                let Some(id) = item_id(v) else { continue };
                if !in_a.contains(id) && seen.insert(id) {
                    item(path, id, None, Some(v));
                }
            }
        }
        _ => {
            if a != b {
                out.push(Change {
                    path: path.clone(),
                    a: a.cloned(),
                    b: b.cloned(),
                });
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Side by side.
// ---------------------------------------------------------------------------------------

/// What the side-by-side view looks up in one model.
struct Index<'m> {
    model: &'m Model,
    functions: HashMap<&'m str, &'m str>,
    criteria: HashMap<&'m str, &'m str>,
    phases: HashMap<&'m str, usize>,
    triggers_per_phase: HashMap<&'m str, usize>,
    triggers_everywhere: usize,
    transitions: HashMap<String, Vec<&'m Transition>>,
}

impl<'m> Index<'m> {
    fn new(model: &'m Model) -> Self {
        let mut triggers_per_phase: HashMap<&str, usize> = HashMap::new();
        let mut triggers_everywhere = 0;
        for t in &model.triggers {
            if t.phases.is_empty() {
                triggers_everywhere += 1;
            }
            let distinct: HashSet<&str> = t.phases.iter().map(|p| p.as_str()).collect();
            for p in distinct {
                *triggers_per_phase.entry(p).or_default() += 1;
            }
        }
        let mut transitions: HashMap<String, Vec<&Transition>> = HashMap::new();
        for t in &model.transitions {
            transitions.entry(transition_key(t)).or_default().push(t);
        }
        Index {
            model,
            // Functions and groups share one namespace; a group is named as the model names it.
            functions: model
                .functions
                .iter()
                .map(|f| (f.id.as_str(), f.name.as_str()))
                .chain(
                    model
                        .function_groups
                        .iter()
                        .map(|g| (g.id.as_str(), g.name.as_str())),
                )
                .collect(),
            criteria: model
                .criteria
                .iter()
                .map(|c| (c.id.as_str(), c.text.as_str()))
                .collect(),
            phases: model
                .phases
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), i))
                .collect(),
            triggers_per_phase,
            triggers_everywhere,
            transitions,
        }
    }

    fn name<'a>(&'a self, id: &'a str) -> &'a str {
        self.functions.get(id).copied().unwrap_or(id)
    }

    fn phase(&self, id: &str) -> Option<&'m crate::types::Phase> {
        self.phases.get(id).map(|&i| &self.model.phases[i])
    }

    fn order(&self, id: &str) -> u32 {
        self.phase(id).map_or(0, |p| p.order)
    }
}

/// Names compared as a set, regardless of order, case and spacing.
fn name_set<'a>(names: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    names
        .map(|n| {
            n.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .collect()
}

fn joined<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = names.collect();
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join("; ")
    }
}

/// Who holds a role, as a value to compare and as a text to show.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Holding {
    Absent,
    Nvt,
    Open(String),
    Held(BTreeSet<String>),
}

fn holding(ix: &Index<'_>, spec: Option<&RoleSpec>) -> (Holding, String) {
    match spec {
        None => (Holding::Absent, "—".to_owned()),
        Some(s) if s.nvt => (Holding::Nvt, "n.v.t.".to_owned()),
        Some(s) if s.open.is_some() => {
            let reason = s.open.clone().unwrap_or_default();
            (Holding::Open(reason.clone()), format!("open ({reason})"))
        }
        Some(s) => {
            let names = s.holders.iter().map(|h| ix.name(h.as_str()));
            (Holding::Held(name_set(names.clone())), joined(names))
        }
    }
}

fn value_diff<T: PartialEq>(
    item: &str,
    a: Option<(T, String)>,
    b: Option<(T, String)>,
) -> ValueDiff {
    let same = match (&a, &b) {
        (Some((x, _)), Some((y, _))) => x == y,
        (None, None) => true,
        _ => false,
    };
    ValueDiff {
        item: item.to_owned(),
        a: a.map(|(_, s)| s),
        b: b.map(|(_, s)| s),
        same,
    }
}

fn phases(a: &Index<'_>, b: &Index<'_>) -> Vec<PhaseDiff> {
    let mut ids: Vec<(u32, &str)> = Vec::new();
    let mut seen = HashSet::new();
    for ix in [a, b] {
        for p in &ix.model.phases {
            if seen.insert(p.id.as_str()) {
                ids.push((p.order, p.id.as_str()));
            }
        }
    }
    ids.sort();
    ids.into_iter()
        .map(|(_, id)| phase_diff(a, b, id))
        .collect()
}

fn phase_diff(a: &Index<'_>, b: &Index<'_>, id: &str) -> PhaseDiff {
    let (pa, pb) = (a.phase(id), b.phase(id));
    let mut roles = Vec::new();
    for kind in RoleKind::ALL {
        let ra = pa.map(|p| holding(a, p.regie.role(kind)));
        let rb = pb.map(|p| holding(b, p.regie.role(kind)));
        let absent =
            |r: &Option<(Holding, String)>| r.as_ref().is_none_or(|(h, _)| *h == Holding::Absent);
        if kind == RoleKind::Behandelregie && absent(&ra) && absent(&rb) {
            continue;
        }
        roles.push(value_diff(kind.label(), ra, rb));
    }
    let consulted = |ix: &Index<'_>, p: &crate::types::Phase| {
        let names = p.regie.in_overleg_met.iter().map(|f| ix.name(f.as_str()));
        (name_set(names.clone()), joined(names))
    };
    roles.push(value_diff(
        "In overleg met",
        pa.map(|p| consulted(a, p)),
        pb.map(|p| consulted(b, p)),
    ));
    let titles = |p: Option<&crate::types::Phase>| -> BTreeSet<String> {
        p.map(|p| p.werkafspraken.iter().map(|w| w.title.clone()).collect())
            .unwrap_or_default()
    };
    let (wa, wb) = (titles(pa), titles(pb));
    let count = |ix: &Index<'_>, p: Option<&crate::types::Phase>| {
        p.map(|_| {
            let n = ix.triggers_everywhere + ix.triggers_per_phase.get(id).copied().unwrap_or(0);
            (n, n.to_string())
        })
    };
    PhaseDiff {
        phase: id.to_owned(),
        a_title: pa.map(|p| p.title.clone()),
        b_title: pb.map(|p| p.title.clone()),
        roles,
        only_a_werkafspraken: wa.difference(&wb).cloned().collect(),
        only_b_werkafspraken: wb.difference(&wa).cloned().collect(),
        triggers: value_diff("Triggers", count(a, pa), count(b, pb)),
    }
}

fn transition_key(t: &Transition) -> String {
    match t.effect {
        Some(effect) => format!("binnen {}: {}", t.from, effect.label()),
        None => format!("{} → {}", t.from, t.to),
    }
}

fn transitions(a: &Index<'_>, b: &Index<'_>) -> Vec<TransitionDiff> {
    let mut keys: Vec<(u32, u32, &str)> = Vec::new();
    let mut seen = HashSet::new();
    for ix in [a, b] {
        for t in &ix.model.transitions {
            let key = ix
                .transitions
                .get_key_value(&transition_key(t))
                .map(|(k, _)| k.as_str());
            if let Some(key) = key
                && seen.insert(key.to_owned())
            {
                keys.push((ix.order(t.from.as_str()), ix.order(t.to.as_str()), key));
            }
        }
    }
    keys.sort();
    keys.into_iter()
        .map(|(_, _, key)| {
            let empty = Vec::new();
            let ta = a.transitions.get(key).unwrap_or(&empty);
            let tb = b.transitions.get(key).unwrap_or(&empty);
            let deciders = |ix: &Index<'_>, ts: &[&Transition]| {
                (!ts.is_empty()).then(|| {
                    let mut set = BTreeSet::new();
                    let mut text = Vec::new();
                    for t in ts {
                        if t.deciders_open.is_some() {
                            set.insert("(open)".to_owned());
                            text.push("open".to_owned());
                        } else {
                            let names = t.deciders.iter().map(|a| match a {
                                crate::types::Actor::Function(f) => ix.name(f.as_str()),
                                crate::types::Actor::Role { role } => {
                                    crate::render::role_holder(*role)
                                }
                            });
                            set.extend(name_set(names.clone()));
                            text.push(joined(names));
                        }
                    }
                    (set, text.join("; "))
                })
            };
            let criteria = |ix: &Index<'_>, ts: &[&Transition]| {
                (!ts.is_empty()).then(|| {
                    let texts: Vec<&str> = ts
                        .iter()
                        .flat_map(|t| t.criteria.iter())
                        .map(|c| ix.criteria.get(c.as_str()).copied().unwrap_or(c.as_str()))
                        .collect();
                    let mut shown = texts.clone();
                    shown.dedup();
                    (name_set(texts.into_iter()), joined(shown.into_iter()))
                })
            };
            let preconditions = |ts: &[&Transition]| {
                (!ts.is_empty()).then(|| {
                    let n: usize = ts.iter().map(|t| t.preconditions.len()).sum();
                    (n, n.to_string())
                })
            };
            TransitionDiff {
                transition: key.to_owned(),
                fields: vec![
                    value_diff("Besluit door", deciders(a, ta), deciders(b, tb)),
                    value_diff("Criteria", criteria(a, ta), criteria(b, tb)),
                    value_diff("Voorwaarden vooraf", preconditions(ta), preconditions(tb)),
                ],
            }
        })
        .collect()
}

fn rules(a: &Model, b: &Model) -> Vec<ValueDiff> {
    let state = |m: &Model, name: RuleName| {
        let p = m.rules.presence(name);
        let text = match p {
            Some(true) => "aan",
            Some(false) => "uit",
            None => "niet ingesteld",
        };
        Some((p, text.to_owned()))
    };
    RuleName::ALL
        .iter()
        .map(|&name| value_diff(name.key(), state(a, name), state(b, name)))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Words, only when printed.
// ---------------------------------------------------------------------------------------

/// The Dutch name of a section of the model.
fn section_label(key: &str) -> &str {
    match key {
        "model" => "Model",
        "principles" => "Principes",
        "functions" => "Functies",
        "meeting_kinds" => "Soorten overleg",
        "facts" => "Feiten",
        "criteria" => "Criteria",
        "phases" => "Fasen",
        "transitions" => "Overgangen",
        "triggers" => "Triggers",
        "rules" => "Regels",
        other => other,
    }
}

fn section_of(path: &str) -> &str {
    let end = path.find(['.', '[']).unwrap_or(path.len());
    &path[..end]
}

/// A value in one line: text as is, lists joined, an item by its id and name.
fn show(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(ontbreekt)".to_owned();
    };
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "[]".to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|i| show(Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(o) => match (
            item_id(v),
            ["name", "title", "text"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str)),
        ) {
            (Some(id), Some(name)) => format!("{id} ({name})"),
            (Some(id), None) => id.to_owned(),
            _ => serde_json::to_string(v).unwrap_or_default(),
        },
        other => other.to_string(),
    };
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 100 {
        let head: String = one_line.chars().take(99).collect();
        format!("{head}…")
    } else {
        one_line
    }
}

fn side(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(ontbreekt)")
}

fn mark(v: &ValueDiff) -> &'static str {
    if v.same { "=" } else { "≠" }
}

fn differences_text(n: usize) -> String {
    if n == 1 {
        "1 verschil".to_owned()
    } else {
        format!("{n} verschillen")
    }
}

impl ModelDiff {
    /// Number of differences: fields that differ (each listed in [`ModelDiff::changes`]).
    pub fn differences(&self) -> usize {
        self.changes.len()
    }

    /// Side by side, then every difference, as text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "A = {}   B = {}   ({})",
            self.a,
            self.b,
            differences_text(self.differences())
        );
        for p in &self.phases {
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "{}   A: {}   B: {}",
                phase_label(&p.phase),
                side(&p.a_title),
                side(&p.b_title)
            );
            for r in p.roles.iter().chain(std::iter::once(&p.triggers)) {
                if r.same {
                    let _ = writeln!(s, "  = {:<30} {}", r.item, side(&r.a));
                } else {
                    let _ = writeln!(s, "  ≠ {:<30} A: {}", r.item, side(&r.a));
                    let _ = writeln!(s, "    {:<30} B: {}", "", side(&r.b));
                }
            }
            for w in &p.only_a_werkafspraken {
                let _ = writeln!(s, "  alleen A: werkafspraak {w}");
            }
            for w in &p.only_b_werkafspraken {
                let _ = writeln!(s, "  alleen B: werkafspraak {w}");
            }
        }
        let _ = writeln!(s, "\nOvergangen");
        for t in &self.transitions {
            let _ = writeln!(s, "  {}", t.transition);
            for f in &t.fields {
                if f.same {
                    let _ = writeln!(s, "    = {:<20} {}", f.item, side(&f.a));
                } else {
                    let _ = writeln!(s, "    ≠ {:<20} A: {}", f.item, side(&f.a));
                    let _ = writeln!(s, "      {:<20} B: {}", "", side(&f.b));
                }
            }
        }
        let _ = writeln!(s, "\nRegels");
        for r in &self.rules {
            let _ = writeln!(
                s,
                "  {} {:<24} A: {:<15} B: {}",
                mark(r),
                r.item,
                side(&r.a),
                side(&r.b)
            );
        }
        let _ = writeln!(
            s,
            "\nAlle verschillen per veld ({})",
            differences_text(self.differences())
        );
        let mut section = "";
        for c in &self.changes {
            let this = section_of(&c.path);
            if this != section {
                section = this;
                let _ = writeln!(s, "  {}", section_label(section));
            }
            match (&c.a, &c.b) {
                (None, b) => {
                    let _ = writeln!(s, "    + {}   alleen in B: {}", c.path, show(b.as_ref()));
                }
                (a, None) => {
                    let _ = writeln!(s, "    - {}   alleen in A: {}", c.path, show(a.as_ref()));
                }
                (a, b) => {
                    let _ = writeln!(s, "    ≠ {}", c.path);
                    let _ = writeln!(s, "        A: {}", show(a.as_ref()));
                    let _ = writeln!(s, "        B: {}", show(b.as_ref()));
                }
            }
        }
        s
    }

    /// Side by side as Markdown tables, then every difference.
    pub fn markdown(&self) -> String {
        let cell = |v: &str| v.replace('|', "\\|");
        let opt = |v: &Option<String>| cell(side(v));
        let mut s = String::new();
        let _ = writeln!(s, "# Vergelijking: {} en {}\n", self.a, self.b);
        let _ = writeln!(s, "{}.", differences_text(self.differences()));
        for p in &self.phases {
            let _ = writeln!(s, "\n## {}\n", phase_label(&p.phase));
            let _ = writeln!(s, "| | {} | {} | |", self.a, self.b);
            let _ = writeln!(s, "|---|---|---|---|");
            let _ = writeln!(s, "| Titel | {} | {} | |", opt(&p.a_title), opt(&p.b_title));
            for r in p.roles.iter().chain(std::iter::once(&p.triggers)) {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    r.item,
                    opt(&r.a),
                    opt(&r.b),
                    mark(r)
                );
            }
            for w in &p.only_a_werkafspraken {
                let _ = writeln!(s, "| Werkafspraak | {} | (ontbreekt) | ≠ |", cell(w));
            }
            for w in &p.only_b_werkafspraken {
                let _ = writeln!(s, "| Werkafspraak | (ontbreekt) | {} | ≠ |", cell(w));
            }
        }
        let _ = writeln!(s, "\n## Overgangen\n");
        let _ = writeln!(s, "| overgang | | {} | {} | |", self.a, self.b);
        let _ = writeln!(s, "|---|---|---|---|---|");
        for t in &self.transitions {
            for f in &t.fields {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} |",
                    t.transition,
                    f.item,
                    opt(&f.a),
                    opt(&f.b),
                    mark(f)
                );
            }
        }
        let _ = writeln!(s, "\n## Regels\n");
        let _ = writeln!(s, "| regel | {} | {} | |", self.a, self.b);
        let _ = writeln!(s, "|---|---|---|---|");
        for r in &self.rules {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                r.item,
                opt(&r.a),
                opt(&r.b),
                mark(r)
            );
        }
        let _ = writeln!(s, "\n## Alle verschillen per veld\n");
        if self.changes.is_empty() {
            let _ = writeln!(s, "Geen.");
        } else {
            let _ = writeln!(s, "| veld | {} | {} |", self.a, self.b);
            let _ = writeln!(s, "|---|---|---|");
            for c in &self.changes {
                let _ = writeln!(
                    s,
                    "| `{}` | {} | {} |",
                    c.path,
                    cell(&show(c.a.as_ref())),
                    cell(&show(c.b.as_ref()))
                );
            }
        }
        s
    }
}
