//! Evaluating a transition's condition on what the case has recorded.
//!
//! Criteria count when assessed as holding *since the case entered its current phase*: the
//! evidence for leaving a phase is gathered in it. Facts count whenever recorded; derived
//! facts (minors in the household) are computed from the household on the day. A transition
//! without a condition takes any one of its criteria
//! ([`ave_model::Transition::effective_condition`], the one place that says so).

use ave_model::{Condition, CriterionId, Date, DerivedFact, FactId, Transition, ValidModel};
use serde::Serialize;

use crate::case::Case;

/// Whether a criterion holds for the current phase.
pub fn criterion_holds(case: &Case, id: &CriterionId) -> bool {
    let entry = case.phase_entry();
    case.criterion(id).is_some_and(|a| a.holds && a.seq > entry)
}

/// Whether a fact holds.
pub fn fact_holds(model: &ValidModel, case: &Case, id: &FactId, day: Date) -> bool {
    match model.fact(id).and_then(|f| f.derived) {
        Some(DerivedFact::MinderjarigenInHuishouden) => case.has_minors(day),
        None => case.fact(id).is_some_and(|a| a.holds),
    }
}

/// Whether a condition holds.
pub fn holds(model: &ValidModel, case: &Case, c: &Condition, day: Date) -> bool {
    status(model, case, c, day).holds()
}

/// A condition with every part marked as holding or not: what a person sees to understand
/// why a transition can or cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ConditionStatus {
    /// A criterion, and whether it holds in this phase.
    Criterion {
        /// The criterion.
        id: CriterionId,
        /// Whether it holds.
        holds: bool,
    },
    /// A fact, and whether it holds.
    Fact {
        /// The fact.
        id: FactId,
        /// Whether it holds.
        holds: bool,
    },
    /// At least one part must hold.
    Any {
        /// The parts.
        parts: Vec<ConditionStatus>,
    },
    /// Every part must hold.
    All {
        /// The parts.
        parts: Vec<ConditionStatus>,
    },
    /// At least `n` parts must hold.
    AtLeast {
        /// How many.
        n: u32,
        /// The parts.
        parts: Vec<ConditionStatus>,
    },
    /// The part must not hold.
    Not {
        /// The part.
        part: Box<ConditionStatus>,
    },
    /// A role must be held in the case (by one of these functions, if any).
    Held {
        /// The role.
        role: ave_model::RoleKind,
        /// The functions that count (empty: anyone).
        by: Vec<ave_model::FunctionId>,
        /// Whether it is.
        holds: bool,
    },
}

impl ConditionStatus {
    /// Whether the whole condition holds.
    pub fn holds(&self) -> bool {
        match self {
            ConditionStatus::Criterion { holds, .. }
            | ConditionStatus::Fact { holds, .. }
            | ConditionStatus::Held { holds, .. } => *holds,
            ConditionStatus::Any { parts } => parts.iter().any(ConditionStatus::holds),
            ConditionStatus::All { parts } => parts.iter().all(ConditionStatus::holds),
            ConditionStatus::AtLeast { n, parts } => {
                parts.iter().filter(|p| p.holds()).count() >= *n as usize
            }
            ConditionStatus::Not { part } => !part.holds(),
        }
    }
}

/// The status of every part of a condition in a case.
pub fn status(model: &ValidModel, case: &Case, c: &Condition, day: Date) -> ConditionStatus {
    let all = |parts: &[Condition]| {
        parts
            .iter()
            .map(|p| status(model, case, p, day))
            .collect::<Vec<_>>()
    };
    match c {
        Condition::Criterion(id) => ConditionStatus::Criterion {
            id: id.clone(),
            holds: criterion_holds(case, id),
        },
        Condition::Fact(id) => ConditionStatus::Fact {
            id: id.clone(),
            holds: fact_holds(model, case, id, day),
        },
        Condition::Any(parts) => ConditionStatus::Any { parts: all(parts) },
        Condition::All(parts) => ConditionStatus::All { parts: all(parts) },
        Condition::AtLeast(a) => ConditionStatus::AtLeast {
            n: a.n,
            parts: all(&a.of),
        },
        Condition::Not(inner) => ConditionStatus::Not {
            part: Box::new(status(model, case, inner, day)),
        },
        Condition::Held(h) => ConditionStatus::Held {
            role: h.role,
            by: h.by.clone(),
            holds: case
                .holders(h.role)
                .any(|x| h.by.is_empty() || model.includes(&h.by, &x.function)),
        },
    }
}

/// Every criterion a transition refers to, in its list or its condition.
pub fn criteria_of(t: &Transition) -> Vec<&CriterionId> {
    let mut out: Vec<&CriterionId> = t.criteria.iter().collect();
    if let Some(c) = &t.condition {
        collect(c, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn collect<'a>(c: &'a Condition, out: &mut Vec<&'a CriterionId>) {
    match c {
        Condition::Criterion(id) => out.push(id),
        Condition::Fact(_) | Condition::Held(_) => {}
        Condition::Any(parts) | Condition::All(parts) => parts.iter().for_each(|p| collect(p, out)),
        Condition::AtLeast(a) => a.of.iter().for_each(|p| collect(p, out)),
        Condition::Not(inner) => collect(inner, out),
    }
}

/// The outcome of evaluating a transition on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// Whether the condition holds.
    pub met: bool,
    /// The transition's criteria that hold.
    pub holding: Vec<CriterionId>,
    /// Every part of the condition marked.
    pub status: ConditionStatus,
}

/// Evaluates a transition's condition.
pub fn evaluate(model: &ValidModel, case: &Case, t: &Transition, day: Date) -> Evaluation {
    let holding: Vec<CriterionId> = criteria_of(t)
        .into_iter()
        .filter(|c| criterion_holds(case, c))
        .cloned()
        .collect();
    let status = status(model, case, &t.effective_condition(), day);
    Evaluation {
        met: status.holds(),
        holding,
        status,
    }
}

/// Whether the "insufficient alone" rule blocks the transition: every criterion that holds is
/// one that never suffices alone for the target phase.
pub fn blocked_by_insufficient_alone(
    model: &ValidModel,
    t: &Transition,
    holding: &[CriterionId],
) -> bool {
    let Some(rule) = &model.model().rules.insufficient_alone else {
        return false;
    };
    rule.enabled
        && t.from != t.to
        && rule.to_phases.contains(&t.to)
        && !holding.is_empty()
        && holding.iter().all(|c| rule.criteria.contains(c))
}
