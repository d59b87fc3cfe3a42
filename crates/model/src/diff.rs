//! Comparing two models side by side: per phase and per role, per transition, per rule.
//! Answers the regional-uniformity question the sources ask: where do two municipalities
//! differ, and what does one have that the other lacks?
//!
//! Phases are matched by id; transitions by (from, to, effect); functions are compared by
//! name, since two models rarely share function ids.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde::Serialize;

use crate::render::{names, phase_label, role_line};
use crate::types::{RoleKind, RuleName, Transition};
use crate::valid::ValidModel;

/// The comparison of two models.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelDiff {
    /// Name of model A.
    pub a: String,
    /// Name of model B.
    pub b: String,
    /// Per phase (union of both, in order).
    pub phases: Vec<PhaseDiff>,
    /// Per transition (union of both).
    pub transitions: Vec<TransitionDiff>,
    /// Per rule.
    pub rules: Vec<ValueDiff>,
}

/// One phase compared.
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

/// One value on both sides.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueDiff {
    /// What is compared.
    pub item: String,
    /// A's value (`None`: A lacks it).
    pub a: Option<String>,
    /// B's value (`None`: B lacks it).
    pub b: Option<String>,
    /// Whether both are the same.
    pub same: bool,
}

impl ValueDiff {
    fn new(item: impl Into<String>, a: Option<String>, b: Option<String>) -> Self {
        let same = match (&a, &b) {
            (Some(x), Some(y)) => normal(x) == normal(y),
            (None, None) => true,
            _ => false,
        };
        ValueDiff {
            item: item.into(),
            a,
            b,
            same,
        }
    }
}

/// One transition compared.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransitionDiff {
    /// "2 → 3" or "binnen 2: procesregie toevoegen".
    pub transition: String,
    /// Who decides, criteria and preconditions on both sides.
    pub fields: Vec<ValueDiff>,
}

fn normal(s: &str) -> String {
    let mut parts: Vec<String> = s
        .split("; ")
        .map(|p| {
            p.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .collect();
    parts.sort();
    parts.join("; ")
}

/// Compares two models.
pub fn diff(a: &ValidModel, b: &ValidModel) -> ModelDiff {
    let mut phase_ids: Vec<(u32, String)> = Vec::new();
    for m in [a, b] {
        for p in m.phases_in_order() {
            if !phase_ids.iter().any(|(_, id)| id == p.id.as_str()) {
                phase_ids.push((p.order, p.id.as_str().to_owned()));
            }
        }
    }
    phase_ids.sort();
    let phases = phase_ids
        .iter()
        .map(|(_, id)| phase_diff(a, b, id))
        .collect();
    ModelDiff {
        a: a.model().model.id.to_string(),
        b: b.model().model.id.to_string(),
        phases,
        transitions: transitions_diff(a, b),
        rules: rules_diff(a, b),
    }
}

fn phase_diff(a: &ValidModel, b: &ValidModel, id: &str) -> PhaseDiff {
    let pa = a.phase_str(id);
    let pb = b.phase_str(id);
    let mut roles = Vec::new();
    for kind in RoleKind::ALL {
        let ra = pa.map(|p| p.regie.role(kind));
        let rb = pb.map(|p| p.regie.role(kind));
        if kind == RoleKind::Behandelregie && ra.flatten().is_none() && rb.flatten().is_none() {
            continue;
        }
        roles.push(ValueDiff::new(
            kind.label(),
            ra.map(|r| role_holders(a, r)),
            rb.map(|r| role_holders(b, r)),
        ));
    }
    roles.push(ValueDiff::new(
        "In overleg met",
        pa.map(|p| names(a, p.regie.in_overleg_met.iter().map(|f| f.as_str()))),
        pb.map(|p| names(b, p.regie.in_overleg_met.iter().map(|f| f.as_str()))),
    ));
    let titles = |m: &ValidModel| -> BTreeSet<String> {
        m.phase_str(id)
            .map(|p| p.werkafspraken.iter().map(|w| w.title.clone()).collect())
            .unwrap_or_default()
    };
    let (wa, wb) = (titles(a), titles(b));
    let count = |m: &ValidModel| {
        m.phase_str(id).map(|_| {
            m.model()
                .triggers
                .iter()
                .filter(|t| t.phases.is_empty() || t.phases.iter().any(|p| p.as_str() == id))
                .count()
                .to_string()
        })
    };
    PhaseDiff {
        phase: id.to_owned(),
        a_title: pa.map(|p| p.title.clone()),
        b_title: pb.map(|p| p.title.clone()),
        roles,
        only_a_werkafspraken: wa.difference(&wb).cloned().collect(),
        only_b_werkafspraken: wb.difference(&wa).cloned().collect(),
        triggers: ValueDiff::new("Triggers", count(a), count(b)),
    }
}

/// Only who holds the role: the comparison ignores notes and appointment details.
fn role_holders(m: &ValidModel, spec: Option<&crate::types::RoleSpec>) -> String {
    match spec {
        Some(s) if !s.holders.is_empty() => names(m, s.holders.iter().map(|h| h.as_str())),
        other => role_line(m, other),
    }
}

fn transition_key(t: &Transition) -> String {
    match t.effect {
        Some(effect) => format!("binnen {}: {}", t.from, effect.label()),
        None => format!("{} → {}", t.from, t.to),
    }
}

fn transitions_diff(a: &ValidModel, b: &ValidModel) -> Vec<TransitionDiff> {
    let mut keys: Vec<(u32, u32, String)> = Vec::new();
    for m in [a, b] {
        for t in &m.model().transitions {
            let key = transition_key(t);
            let order = |p: &str| m.phase_str(p).map_or(0, |p| p.order);
            if !keys.iter().any(|(_, _, k)| *k == key) {
                keys.push((order(t.from.as_str()), order(t.to.as_str()), key));
            }
        }
    }
    keys.sort();
    keys.into_iter()
        .map(|(_, _, key)| {
            let (ta, tb) = (find(a, &key), find(b, &key));
            let deciders = |m: &ValidModel, ts: &[&Transition]| {
                (!ts.is_empty()).then(|| {
                    ts.iter()
                        .map(|t| match &t.deciders_open {
                            Some(_) => "open".to_owned(),
                            None => names(m, t.deciders.iter().map(|f| f.as_str())),
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                })
            };
            let criteria = |m: &ValidModel, ts: &[&Transition]| {
                (!ts.is_empty()).then(|| {
                    let mut texts: Vec<String> = ts
                        .iter()
                        .flat_map(|t| t.criteria.iter())
                        .map(|c| {
                            m.criterion_str(c.as_str())
                                .map_or(c.to_string(), |c| c.text.clone())
                        })
                        .collect();
                    texts.dedup();
                    texts.join("; ")
                })
            };
            let preconditions = |ts: &[&Transition]| {
                (!ts.is_empty()).then(|| {
                    let n: usize = ts.iter().map(|t| t.preconditions.len()).sum();
                    n.to_string()
                })
            };
            TransitionDiff {
                transition: key,
                fields: vec![
                    ValueDiff::new("Besluit door", deciders(a, &ta), deciders(b, &tb)),
                    ValueDiff::new("Criteria", criteria(a, &ta), criteria(b, &tb)),
                    ValueDiff::new("Voorwaarden vooraf", preconditions(&ta), preconditions(&tb)),
                ],
            }
        })
        .collect()
}

fn find<'m>(m: &'m ValidModel, key: &str) -> Vec<&'m Transition> {
    m.model()
        .transitions
        .iter()
        .filter(|t| transition_key(t) == key)
        .collect()
}

fn rules_diff(a: &ValidModel, b: &ValidModel) -> Vec<ValueDiff> {
    let state = |m: &ValidModel, name: RuleName| {
        Some(
            match m.model().rules.presence(name) {
                Some(true) => "aan",
                Some(false) => "uit",
                None => "niet ingesteld",
            }
            .to_owned(),
        )
    };
    RuleName::ALL
        .iter()
        .map(|&name| ValueDiff::new(name.key(), state(a, name), state(b, name)))
        .collect()
}

fn side(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(ontbreekt)")
}

fn mark(v: &ValueDiff) -> &'static str {
    if v.same { "=" } else { "≠" }
}

impl ModelDiff {
    /// Number of differences (values that are not the same).
    pub fn differences(&self) -> usize {
        let phases: usize = self
            .phases
            .iter()
            .map(|p| {
                p.roles.iter().filter(|r| !r.same).count()
                    + usize::from(!p.triggers.same)
                    + p.only_a_werkafspraken.len()
                    + p.only_b_werkafspraken.len()
            })
            .sum();
        let transitions: usize = self
            .transitions
            .iter()
            .map(|t| t.fields.iter().filter(|f| !f.same).count())
            .sum();
        phases + transitions + self.rules.iter().filter(|r| !r.same).count()
    }

    /// Side by side as text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "A = {}   B = {}   ({} verschillen)",
            self.a,
            self.b,
            self.differences()
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
        s
    }

    /// Side by side as Markdown tables.
    pub fn markdown(&self) -> String {
        let cell = |v: &Option<String>| side(v).replace('|', "\\|");
        let mut s = String::new();
        let _ = writeln!(s, "# Vergelijking: {} en {}\n", self.a, self.b);
        let _ = writeln!(s, "{} verschillen.", self.differences());
        for p in &self.phases {
            let _ = writeln!(s, "\n## {}\n", phase_label(&p.phase));
            let _ = writeln!(s, "| | {} | {} | |", self.a, self.b);
            let _ = writeln!(s, "|---|---|---|---|");
            let _ = writeln!(
                s,
                "| Titel | {} | {} | |",
                cell(&p.a_title),
                cell(&p.b_title)
            );
            for r in p.roles.iter().chain(std::iter::once(&p.triggers)) {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    r.item,
                    cell(&r.a),
                    cell(&r.b),
                    mark(r)
                );
            }
            for w in &p.only_a_werkafspraken {
                let _ = writeln!(s, "| Werkafspraak | {w} | (ontbreekt) | ≠ |");
            }
            for w in &p.only_b_werkafspraken {
                let _ = writeln!(s, "| Werkafspraak | (ontbreekt) | {w} | ≠ |");
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
                    cell(&f.a),
                    cell(&f.b),
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
                cell(&r.a),
                cell(&r.b),
                mark(r)
            );
        }
        s
    }
}
