//! Evaluating a transition's condition on what the case has recorded.
//!
//! Criteria count when assessed as holding *since the case entered its current phase*: the
//! evidence for leaving a phase is gathered in it. Facts count whenever recorded; derived
//! facts (minors in the household) are computed from the household on the day.

use ave_model::{Condition, CriterionId, Date, DerivedFact, Transition, ValidModel};

use crate::case::Case;

/// Whether a criterion holds for the current phase.
pub fn criterion_holds(case: &Case, id: &str) -> bool {
    let entry = case.phase_entry();
    case.criteria
        .get(id)
        .is_some_and(|a| a.holds && a.seq > entry)
}

/// Whether a fact holds.
pub fn fact_holds(model: &ValidModel, case: &Case, id: &str, day: Date) -> bool {
    match model.fact(id).and_then(|f| f.derived) {
        Some(DerivedFact::MinderjarigenInHuishouden) => case.has_minors(day),
        None => case.facts.get(id).is_some_and(|a| a.holds),
    }
}

/// Whether a condition holds.
pub fn holds(model: &ValidModel, case: &Case, c: &Condition, day: Date) -> bool {
    match c {
        Condition::Criterion(id) => criterion_holds(case, id.as_str()),
        Condition::Fact(id) => fact_holds(model, case, id.as_str(), day),
        Condition::Any(parts) => parts.iter().any(|p| holds(model, case, p, day)),
        Condition::All(parts) => parts.iter().all(|p| holds(model, case, p, day)),
        Condition::AtLeast(a) => {
            a.of.iter().filter(|p| holds(model, case, p, day)).count() >= a.n as usize
        }
        Condition::Not(inner) => !holds(model, case, inner, day),
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
        Condition::Fact(_) => {}
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
}

/// Evaluates a transition's condition (absent: any of its criteria).
pub fn evaluate(model: &ValidModel, case: &Case, t: &Transition, day: Date) -> Evaluation {
    let holding: Vec<CriterionId> = criteria_of(t)
        .into_iter()
        .filter(|c| criterion_holds(case, c.as_str()))
        .cloned()
        .collect();
    let met = match &t.condition {
        Some(c) => holds(model, case, c, day),
        None => !holding.is_empty(),
    };
    Evaluation { met, holding }
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
