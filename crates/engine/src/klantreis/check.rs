//! The checks of a step's `then`: what the scenario says must be true after the step, set
//! against what the case shows at the step's time. Each check reports what was expected and
//! what was found, as ids and words the report can show.

use std::collections::BTreeSet;

use ave_model::{RoleKind, ValidModel};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Then;
use crate::case::Case;
use crate::views::{self, Informee, RegieFlag};

/// One check and how it came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// What was checked (`phase`, `regie.casusregie`, `attention`, …).
    pub check: String,
    /// What the scenario expects.
    pub expected: String,
    /// What the case shows.
    pub found: String,
    /// Whether they agree.
    pub met: bool,
}

fn list<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
    let v: Vec<String> = items.into_iter().map(|x| x.to_string()).collect();
    if v.is_empty() {
        "—".to_owned()
    } else {
        v.join(", ")
    }
}

fn result(check: impl Into<String>, expected: String, found: String, met: bool) -> CheckResult {
    CheckResult {
        check: check.into(),
        expected,
        found,
        met,
    }
}

/// The key a regie flag is written with in a scenario.
pub fn flag_key(f: &RegieFlag) -> &'static str {
    match f {
        RegieFlag::Missing => "missing",
        RegieFlag::FunctionMismatch { .. } => "function-mismatch",
        RegieFlag::NotApplicable { .. } => "not-applicable",
        RegieFlag::OpenInModel => "open-in-model",
        RegieFlag::ReviewOverdue { .. } => "review-overdue",
        RegieFlag::Deviation { .. } => "deviation",
    }
}

/// The key an attention kind is written with in a scenario.
fn kind_key(k: views::AttentionKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Checks `then` on the case at `at`.
pub fn check(
    model: &ValidModel,
    case: Option<&Case>,
    at: DateTime<Utc>,
    then: &Then,
) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let Some(case) = case else {
        out.push(result(
            "casus",
            "een geopende casus".into(),
            "geen casus".into(),
            false,
        ));
        return out;
    };
    let today = views::local_day(model, at);
    if let Some(phase) = &then.phase {
        out.push(result(
            "phase",
            phase.to_string(),
            case.phase().to_string(),
            phase == case.phase(),
        ));
    }
    if let Some(closed) = then.closed {
        let found = case.closed().is_some();
        out.push(result(
            "closed",
            closed.to_string(),
            found.to_string(),
            closed == found,
        ));
    }
    let table = views::regie_table(model, case, today);
    for (role, expected) in &then.regie {
        let found: BTreeSet<String> = case.holders(*role).map(|h| h.person.to_string()).collect();
        let want: BTreeSet<String> = expected.iter().map(|p| p.to_string()).collect();
        out.push(result(
            format!("regie.{}", role.key()),
            list(&want),
            list(&found),
            want == found,
        ));
    }
    for (role, expected) in &then.flags {
        let found: BTreeSet<&str> = table
            .iter()
            .filter(|r| r.role == *role)
            .flat_map(|r| r.flags.iter().map(flag_key))
            .collect();
        let want: BTreeSet<&str> = expected.iter().map(String::as_str).collect();
        let met = if want.is_empty() {
            found.is_empty()
        } else {
            want.is_subset(&found)
        };
        out.push(result(
            format!("flags.{}", role.key()),
            list(&want),
            list(&found),
            met,
        ));
    }
    if !then.attention.is_empty() || !then.no_attention.is_empty() {
        let found: BTreeSet<views::AttentionKind> = views::attention(model, case, at)
            .iter()
            .map(views::Attention::kind)
            .collect();
        for k in &then.attention {
            out.push(result(
                "attention",
                kind_key(*k),
                list(found.iter().map(|k| kind_key(*k))),
                found.contains(k),
            ));
        }
        for k in &then.no_attention {
            out.push(result(
                "no_attention",
                format!("niet {}", kind_key(*k)),
                list(found.iter().map(|k| kind_key(*k))),
                !found.contains(k),
            ));
        }
    }
    if !then.triggers.is_empty() || !then.inform.is_empty() {
        let fired = views::fired_triggers(model, case);
        let ids: BTreeSet<String> = fired.iter().map(|f| f.trigger.to_string()).collect();
        for t in &then.triggers {
            out.push(result(
                "triggers",
                t.to_string(),
                list(&ids),
                ids.contains(t.as_str()),
            ));
        }
        for (t, want) in &then.inform {
            let informed: BTreeSet<String> = fired
                .iter()
                .filter(|f| &f.trigger == t)
                .flat_map(|f| f.inform.iter())
                .flat_map(|i| match i {
                    Informee::Holders { people, .. } => {
                        people.iter().map(|p| p.to_string()).collect::<Vec<_>>()
                    }
                    Informee::Prescribed { functions, .. } => {
                        functions.iter().map(|f| f.to_string()).collect()
                    }
                    Informee::Function { function } => vec![function.to_string()],
                })
                .collect();
            let want: BTreeSet<String> = want.iter().cloned().collect();
            out.push(result(
                format!("inform.{t}"),
                list(&want),
                list(&informed),
                want.is_subset(&informed),
            ));
        }
    }
    if !then.tasks_open.is_empty() {
        let open: BTreeSet<String> = case.open_tasks().map(|(id, _)| id.to_string()).collect();
        for t in &then.tasks_open {
            out.push(result(
                "tasks_open",
                t.to_string(),
                list(&open),
                open.contains(t.as_str()),
            ));
        }
    }
    if !then.tasks_done.is_empty() {
        let done: BTreeSet<String> = case
            .tasks()
            .filter(|(_, t)| t.done.is_some())
            .map(|(id, _)| id.to_string())
            .collect();
        for t in &then.tasks_done {
            out.push(result(
                "tasks_done",
                t.to_string(),
                list(&done),
                done.contains(t.as_str()),
            ));
        }
    }
    let basis = model.phase(case.phase()).and_then(|p| p.grondslag.as_ref());
    if let Some(want) = &then.grondslag {
        let found = match basis {
            Some(g) if g.open.is_some() => "open".to_owned(),
            Some(g) => g.basis.clone().unwrap_or_else(|| "—".to_owned()),
            None => "—".to_owned(),
        };
        out.push(result(
            "grondslag",
            want.clone(),
            found.clone(),
            want == &found,
        ));
    }
    if let Some(want) = &then.verwerkingsverantwoordelijke {
        let found = basis
            .and_then(|g| g.verwerkingsverantwoordelijke.clone())
            .unwrap_or_else(|| "—".to_owned());
        out.push(result(
            "verwerkingsverantwoordelijke",
            want.clone(),
            found.clone(),
            want == &found,
        ));
    }
    if let Some(n) = then.deviations {
        let found = case.deviation_count();
        out.push(result(
            "deviations",
            n.to_string(),
            found.to_string(),
            n == found,
        ));
    }
    if let Some(n) = then.deviations_unseen {
        let found = case.unseen_deviations().count();
        out.push(result(
            "deviations_unseen",
            n.to_string(),
            found.to_string(),
            n == found,
        ));
    }
    if !then.proposals.is_empty() {
        let found: BTreeSet<String> = views::proposals(model, case, today)
            .iter()
            .map(|p| p.transition.to_string())
            .collect();
        for t in &then.proposals {
            out.push(result(
                "proposals",
                t.to_string(),
                list(&found),
                found.contains(t.as_str()),
            ));
        }
    }
    let _ = RoleKind::ALL;
    out
}
