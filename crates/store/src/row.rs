//! The read model of a case, derived from its state: what a list, a filter or the attention
//! list needs without replaying the case.
//!
//! Attention that depends on the day (an overdue evaluation, stagnation, a late decision, an
//! overdue procesregie review) is stored as the day it falls due, so a filter on "overdue
//! today" is a comparison in SQL. Attention that only changes with an event (an unfilled role,
//! an open handover, an unseen deviation, …) is stored as flags, computed when the case was
//! last written.

use ave_engine::Case;
use ave_engine::views::{self, AttentionKind};
use ave_model::{Date, RoleKind, RuleName, ValidModel};
use chrono::Duration;

use crate::CaseRow;

/// Attention kinds stored as a due day rather than a flag.
const BY_DAY: [AttentionKind; 4] = [
    AttentionKind::EvaluationOverdue,
    AttentionKind::Stagnation,
    AttentionKind::DecisionPending,
    AttentionKind::ProcesregieReviewOverdue,
];

/// The attention kinds a list can filter on, as their names in the API.
pub fn attention_key(kind: AttentionKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The column that holds the day a day-dependent attention kind falls due (overdue after it).
pub(crate) fn due_column(kind: &str) -> Option<&'static str> {
    match kind {
        "evaluation-overdue" => Some("c.next_evaluation"),
        "stagnation" => Some("c.stagnation_due"),
        "decision-pending" => Some("c.decision_due"),
        "procesregie-review-overdue" => Some("c.review_due"),
        _ => None,
    }
}

fn plus_days(day: Date, n: u32) -> Date {
    Date::from(day.naive() + Duration::days(i64::from(n)))
}

impl CaseRow {
    /// The attention kinds of the case on `today` (`YYYY-MM-DD`): the day-dependent ones that
    /// have fallen due, then the flags — the same test a list filter makes in SQL.
    pub fn attention_on(&self, today: &str) -> Vec<String> {
        let due = [
            ("evaluation-overdue", &self.next_evaluation),
            ("stagnation", &self.stagnation_due),
            ("decision-pending", &self.decision_due),
            ("procesregie-review-overdue", &self.review_due),
        ];
        let mut kinds: Vec<String> = due
            .into_iter()
            .filter(|(_, day)| !self.closed && day.as_deref().is_some_and(|d| d < today))
            .map(|(kind, _)| kind.to_owned())
            .collect();
        kinds.extend(self.flags.iter().cloned());
        kinds
    }

    /// The read model of `case`, which runs under `model` and belongs to `gemeente`.
    pub fn of(model: &ValidModel, case: &Case, gemeente: Option<&str>) -> CaseRow {
        let rules = &model.model().rules;
        let norms = model.phase(case.phase()).and_then(|p| p.norms.as_ref());
        let evaluation_on = rules.is_enabled(RuleName::EvaluationRequired);
        let open = case.closed().is_none();
        let due = |d: Option<Date>| d.filter(|_| open).map(|d| d.to_string());

        let next_evaluation = due(case.next_evaluation().filter(|_| evaluation_on));
        let stagnation_due = due(norms
            .and_then(|n| n.stagnation_days)
            .filter(|_| evaluation_on)
            .map(|norm| plus_days(views::local_day(model, case.last_progress()), norm)));
        let decision_due = due(norms.and_then(|n| n.decision_days).and_then(|norm| {
            case.open_request()
                .map(|(_, r)| plus_days(views::local_day(model, r.proposed_at), norm))
        }));
        let review_due = due(if rules.is_enabled(RuleName::ProcesregieReview) {
            case.holders(RoleKind::Procesregie)
                .filter_map(|h| h.review)
                .min()
        } else {
            None
        });

        let mut flags: Vec<String> = views::attention(model, case, case.last_at())
            .iter()
            .map(views::Attention::kind)
            .filter(|k| !BY_DAY.contains(k))
            .map(attention_key)
            .collect();
        flags.dedup();

        let mut roles: Vec<(String, String)> = case
            .current_holdings()
            .map(|h| (h.role.key().to_owned(), h.person.as_str().to_owned()))
            .collect();
        roles.sort();
        roles.dedup();

        CaseRow {
            id: case.id().clone(),
            gemeente: gemeente.map(str::to_owned),
            model_id: case.model().as_str().to_owned(),
            model_version: case.model_version().to_owned(),
            phase: case.phase().as_str().to_owned(),
            version: case.seq(),
            opened_at: case.opened_at(),
            last_at: case.last_at(),
            phase_since: case
                .stays()
                .last()
                .map_or_else(|| case.opened_at(), |s| s.from),
            closed: !open,
            next_evaluation,
            stagnation_due,
            decision_due,
            review_due,
            flags,
            roles,
            access: crate::access::involvement(model, case),
            erased_at: None,
        }
    }
}
