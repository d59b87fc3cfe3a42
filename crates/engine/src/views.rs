//! Derived views of a case: its regie table next to the model's, the attention list at a
//! given time, the triggers that fired and whom to inform, and the transitions the recorded
//! criteria support. The engine proposes; it never escalates by itself.

use ave_model::render::{names, role_line};
use ave_model::{Date, RoleKind, Transition, ValidModel, WithinEffect};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::case::{Case, RequestStatus};
use crate::condition::{blocked_by_insufficient_alone, criteria_of, evaluate};
use crate::ids::PersonId;
use crate::rules::casusregie_required_here;

/// A short Dutch summary of a transition's condition.
pub fn condition_summary(model: &ValidModel, t: &Transition) -> String {
    let lines = ave_model::render::condition_lines(model, t);
    lines
        .iter()
        .map(|(_, l)| l.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A condition with every criterion and fact marked as holding (✓) or not (✗) in the case.
pub fn condition_status(model: &ValidModel, case: &Case, t: &Transition, day: Date) -> String {
    fn go(model: &ValidModel, case: &Case, c: &ave_model::Condition, day: Date) -> String {
        use ave_model::Condition as K;
        let list = |parts: &[K]| {
            parts
                .iter()
                .map(|p| go(model, case, p, day))
                .collect::<Vec<_>>()
                .join("; ")
        };
        match c {
            K::Criterion(id) => {
                let mark = if crate::condition::criterion_holds(case, id.as_str()) {
                    "✓"
                } else {
                    "✗"
                };
                let text = model
                    .criterion(id.as_str())
                    .map_or(id.as_str(), |c| c.text.as_str());
                format!("[{mark}] {text}")
            }
            K::Fact(id) => {
                let mark = if crate::condition::fact_holds(model, case, id.as_str(), day) {
                    "✓"
                } else {
                    "✗"
                };
                let text = model
                    .fact(id.as_str())
                    .map_or(id.as_str(), |f| f.text.as_str());
                format!("[{mark}] feit: {text}")
            }
            K::Any(parts) => format!("één van ({})", list(parts)),
            K::All(parts) => format!("alle van ({})", list(parts)),
            K::AtLeast(a) => format!("ten minste {} van ({})", a.n, list(&a.of)),
            K::Not(inner) => format!("niet ({})", go(model, case, inner, day)),
        }
    }
    match &t.condition {
        Some(c) => go(model, case, c, day),
        None => {
            let parts: Vec<ave_model::Condition> = t
                .criteria
                .iter()
                .map(|c| ave_model::Condition::Criterion(c.clone()))
                .collect();
            go(model, case, &ave_model::Condition::Any(parts), day)
        }
    }
}

/// What is wrong with one row of the regie table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegieFlag {
    /// The role is required here but nobody holds it.
    Missing,
    /// Someone holds the role under a function the model does not prescribe for this phase.
    FunctionMismatch {
        /// Who.
        person: PersonId,
    },
    /// Someone holds a role that does not apply in this phase.
    NotApplicable {
        /// Who.
        person: PersonId,
    },
    /// The model leaves this role open in this phase.
    OpenInModel,
    /// Procesregie is held past its review date.
    ReviewOverdue {
        /// Who.
        person: PersonId,
        /// The review date.
        review: Date,
    },
}

/// One holder as shown in the regie table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderView {
    /// Who.
    pub person: PersonId,
    /// Display name.
    pub name: String,
    /// Function name.
    pub function: String,
    /// Organisation.
    pub organisation: String,
    /// Since.
    pub since: DateTime<Utc>,
    /// Review date.
    pub review: Option<Date>,
}

/// One row of the case's regie table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegieRow {
    /// The role.
    pub role: RoleKind,
    /// What the model prescribes, in words.
    pub prescribed: String,
    /// Who holds it.
    pub holders: Vec<HolderView>,
    /// Mismatches.
    pub flags: Vec<RegieFlag>,
}

/// Whether a role is required in the case's current state.
fn required(model: &ValidModel, case: &Case, role: RoleKind) -> bool {
    let Some(phase) = model.phase(case.phase.as_str()) else {
        return false;
    };
    match role {
        RoleKind::Casusregie => casusregie_required_here(model, &case.phase),
        RoleKind::Procesregie if phase.regie.procesregie.as_ref().is_some_and(|r| r.nvt) => false,
        RoleKind::Procesregie => {
            case.procesregie_added
                || phase
                    .regie
                    .procesregie
                    .as_ref()
                    .is_some_and(|r| !r.holders.is_empty() && !r.when_needed)
        }
        _ => false,
    }
}

/// The case's regie table: who holds each role next to what the model prescribes.
pub fn regie_table(model: &ValidModel, case: &Case, today: Date) -> Vec<RegieRow> {
    let Some(phase) = model.phase(case.phase.as_str()) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for role in RoleKind::ALL {
        let spec = phase.regie.role(role);
        let holders: Vec<HolderView> = case
            .holders(role)
            .map(|h| {
                let p = case.participants.get(&h.person);
                HolderView {
                    person: h.person.clone(),
                    name: p.map_or_else(|| h.person.to_string(), |p| p.name.clone()),
                    function: model.function_name(h.function.as_str()).to_owned(),
                    organisation: p.map_or_else(String::new, |p| p.organisation.clone()),
                    since: h.since,
                    review: h.review,
                }
            })
            .collect();
        if spec.is_none() && holders.is_empty() && role == RoleKind::Behandelregie {
            continue;
        }
        let mut flags = Vec::new();
        if holders.is_empty() && required(model, case, role) {
            flags.push(RegieFlag::Missing);
        }
        if let Some(spec) = spec {
            if spec.open.is_some() {
                flags.push(RegieFlag::OpenInModel);
            }
            for h in case.holders(role) {
                if spec.nvt {
                    flags.push(RegieFlag::NotApplicable {
                        person: h.person.clone(),
                    });
                } else if !spec.holders.is_empty() && !spec.holders.contains(&h.function) {
                    flags.push(RegieFlag::FunctionMismatch {
                        person: h.person.clone(),
                    });
                }
            }
        }
        if role == RoleKind::Procesregie {
            for h in case.holders(role) {
                if let Some(review) = h.review
                    && review < today
                {
                    flags.push(RegieFlag::ReviewOverdue {
                        person: h.person.clone(),
                        review,
                    });
                }
            }
        }
        rows.push(RegieRow {
            role,
            prescribed: role_line(model, spec),
            holders,
            flags,
        });
    }
    rows
}

/// Kinds of attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttentionKind {
    /// The evaluation date has passed.
    EvaluationOverdue,
    /// No progress for longer than the stagnation norm.
    Stagnation,
    /// Procesregie is past its review date.
    ProcesregieReviewOverdue,
    /// A request waits longer than the decision norm.
    DecisionPending,
    /// A required role is unfilled.
    RoleUnfilled,
    /// A role is held under a function the model does not prescribe.
    RoleMismatch,
    /// A handover is not done.
    HandoverOpen,
    /// A disagreement waits for the arbiter.
    DisagreementOpen,
    /// A trigger obliges informing people.
    InformRequired,
    /// A signal prompts checking whether op- or afschalen is needed.
    EscalationCheck,
    /// The role holdings no longer meet a rule (e.g. the last minor came of age).
    RuleNoLongerMet,
}

/// One item of the attention list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attention {
    /// What kind.
    pub kind: AttentionKind,
    /// What is the matter, in Dutch.
    pub message: String,
    /// Days overdue or waiting, where that applies.
    pub days: Option<i64>,
}

fn days_between(a: Date, b: Date) -> i64 {
    (b.naive() - a.naive()).num_days()
}

/// The attention list at time `now`.
pub fn attention(model: &ValidModel, case: &Case, now: DateTime<Utc>) -> Vec<Attention> {
    let mut out = Vec::new();
    if case.closed.is_some() {
        return out;
    }
    let today = Date::from(now.date_naive());
    let rules = &model.model().rules;
    let norms = model
        .phase(case.phase.as_str())
        .and_then(|p| p.norms.as_ref());
    if rules.is_enabled("evaluation_required")
        && let Some(next) = case.next_evaluation
        && next < today
    {
        out.push(Attention {
            kind: AttentionKind::EvaluationOverdue,
            message: format!("evaluatie was gepland op {next}"),
            days: Some(days_between(next, today)),
        });
    }
    if rules.is_enabled("evaluation_required")
        && let Some(days) = norms.and_then(|n| n.stagnation_days)
    {
        let since = Date::from(case.last_progress.date_naive());
        let idle = days_between(since, today);
        if idle > i64::from(days) {
            out.push(Attention {
                kind: AttentionKind::Stagnation,
                message: format!("geen voortgang sinds {since} ({idle} dagen; norm {days} dagen)"),
                days: Some(idle - i64::from(days)),
            });
        }
    }
    if rules.is_enabled("procesregie_review") {
        for h in case.holders(RoleKind::Procesregie) {
            if let Some(review) = h.review
                && review < today
            {
                out.push(Attention {
                    kind: AttentionKind::ProcesregieReviewOverdue,
                    message: format!(
                        "procesregie van {} had herzien moeten worden op {review}",
                        h.person
                    ),
                    days: Some(days_between(review, today)),
                });
            }
        }
    }
    if let Some(days) = norms.and_then(|n| n.decision_days) {
        for (id, r) in &case.requests {
            if r.status == RequestStatus::Open {
                let waiting = days_between(Date::from(r.proposed_at.date_naive()), today);
                if waiting > i64::from(days) {
                    out.push(Attention {
                        kind: AttentionKind::DecisionPending,
                        message: format!(
                            "verzoek {id} ({}) wacht {waiting} dagen op een besluit (norm {days})",
                            r.transition
                        ),
                        days: Some(waiting - i64::from(days)),
                    });
                }
            }
        }
    }
    for row in regie_table(model, case, today) {
        for flag in &row.flags {
            match flag {
                RegieFlag::Missing => out.push(Attention {
                    kind: AttentionKind::RoleUnfilled,
                    message: format!(
                        "{} is niet ingevuld (model: {})",
                        row.role.label(),
                        row.prescribed
                    ),
                    days: None,
                }),
                RegieFlag::FunctionMismatch { person } | RegieFlag::NotApplicable { person } => {
                    out.push(Attention {
                        kind: AttentionKind::RoleMismatch,
                        message: format!(
                            "{} ligt bij {person}, maar het model schrijft in fase {} voor: {}",
                            row.role.label(),
                            case.phase,
                            row.prescribed
                        ),
                        days: None,
                    });
                }
                _ => {}
            }
        }
    }
    {
        // Time alone (a minor coming of age) can make the holdings break a rule.
        let holdings = crate::rules::holdings(case);
        if let Err(r) = crate::rules::check_roles(model, &holdings, case.has_minors(today)) {
            out.push(Attention {
                kind: AttentionKind::RuleNoLongerMet,
                message: format!("{} (regel {})", r.message, r.rule.unwrap_or("-")),
                days: None,
            });
        }
    }
    for (id, t) in &case.tasks {
        if t.done.is_none() {
            out.push(Attention {
                kind: AttentionKind::HandoverOpen,
                message: format!(
                    "overdracht {id} ({}) staat open{}",
                    t.role.label().to_lowercase(),
                    t.holder
                        .as_ref()
                        .map(|h| format!(" bij {h}"))
                        .unwrap_or_default()
                ),
                days: Some(days_between(Date::from(t.at.date_naive()), today)),
            });
        }
    }
    for (id, d) in &case.disagreements {
        if d.settled.is_none() {
            out.push(Attention {
                kind: AttentionKind::DisagreementOpen,
                message: format!(
                    "meningsverschil {id} over verzoek {} wacht op de beslisser",
                    d.request
                ),
                days: Some(days_between(Date::from(d.at.date_naive()), today)),
            });
        }
    }
    // Triggers fired in the current stay and not yet weighed in an evaluation.
    let since = case
        .last_evaluated
        .map_or(case.phase_entry(), |e| e.max(case.phase_entry()));
    for f in fired_triggers(model, case) {
        if f.seq <= since {
            continue;
        }
        let kind = model.trigger(&f.trigger).map(|t| t.kind);
        let inform = if f.inform.is_empty() {
            String::new()
        } else {
            format!("; informeer {}", f.inform.join("; "))
        };
        match kind {
            Some(ave_model::TriggerKind::Opschalingscheck) => out.push(Attention {
                kind: AttentionKind::EscalationCheck,
                message: format!("{}: beoordeel of op- of afschalen nodig is{inform}", f.text),
                days: None,
            }),
            Some(ave_model::TriggerKind::Informeren) if !f.inform.is_empty() => {
                out.push(Attention {
                    kind: AttentionKind::InformRequired,
                    message: format!("{}{inform}", f.text),
                    days: None,
                });
            }
            _ => {}
        }
    }
    out.sort_by_key(|a| a.kind);
    out
}

/// A trigger that fired, with whom to inform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerView {
    /// The trigger's id.
    pub trigger: String,
    /// Its text.
    pub text: String,
    /// In which phase it fired.
    pub phase: ave_model::PhaseId,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the history.
    pub seq: u64,
    /// Whom to inform: the role holders of the phase (by name where the case has them,
    /// else the functions the model prescribes) and the further functions.
    pub inform: Vec<String>,
}

/// The triggers that fired, with whom to inform.
pub fn fired_triggers(model: &ValidModel, case: &Case) -> Vec<TriggerView> {
    case.fired
        .iter()
        .filter_map(|f| {
            let t = model.trigger(f.trigger.as_str())?;
            let phase = model.phase(f.phase.as_str())?;
            let mut inform = Vec::new();
            for role in &t.inform_roles {
                let held: Vec<String> = case
                    .holders(*role)
                    .map(|h| {
                        case.participants
                            .get(&h.person)
                            .map_or_else(|| h.person.to_string(), |p| p.name.clone())
                    })
                    .collect();
                let who = if held.is_empty() {
                    role_line(model, phase.regie.role(*role))
                } else {
                    held.join(", ")
                };
                inform.push(format!("{} ({who})", role.label().to_lowercase()));
            }
            if !t.inform.is_empty() {
                inform.push(names(model, t.inform.iter().map(|f| f.as_str())));
            }
            Some(TriggerView {
                trigger: t.id.to_string(),
                text: t.text.clone(),
                phase: f.phase.clone(),
                at: f.at,
                seq: f.seq,
                inform,
            })
        })
        .collect()
}

/// A transition the recorded criteria support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// The transition.
    pub transition: ave_model::TransitionId,
    /// Its title or destination.
    pub title: String,
    /// The criteria that hold.
    pub holding: Vec<String>,
    /// Who may decide.
    pub deciders: String,
    /// Why the engine proposes it.
    pub explanation: String,
}

/// Transitions from the current phase whose condition holds on the recorded criteria. The
/// engine only proposes: a person who may decide does.
pub fn proposals(model: &ValidModel, case: &Case, today: Date) -> Vec<Proposal> {
    if case.closed.is_some() {
        return Vec::new();
    }
    let pending: Vec<&ave_model::TransitionId> = case
        .requests
        .values()
        .filter(|r| r.status == RequestStatus::Open)
        .map(|r| &r.transition)
        .collect();
    let has_proces = case.holders(RoleKind::Procesregie).next().is_some();
    // A within-phase transition that already took effect in this stay is not proposed again.
    let entry = case.phase_entry();
    let applied: Vec<&ave_model::TransitionId> = case
        .requests
        .values()
        .filter(|r| r.status == RequestStatus::Approved && r.from == r.to)
        .filter(|r| r.decision.as_ref().is_some_and(|d| d.seq > entry))
        .map(|r| &r.transition)
        .collect();
    model
        .transitions_from(case.phase.as_str())
        .filter(|t| !pending.contains(&&t.id))
        .filter(|t| match t.effect {
            None
            | Some(WithinEffect::ProcesregieToevoegen)
            | Some(WithinEffect::ProcesregieBeeindigen) => true,
            Some(_) => !applied.contains(&&t.id),
        })
        .filter(|t| match t.effect {
            Some(WithinEffect::ProcesregieToevoegen) => !has_proces && !case.procesregie_added,
            Some(WithinEffect::ProcesregieBeeindigen) => has_proces || case.procesregie_added,
            _ => true,
        })
        .filter_map(|t| {
            let e = evaluate(model, case, t, today);
            if !e.met || blocked_by_insufficient_alone(model, t, &e.holding) {
                return None;
            }
            let holding: Vec<String> = e
                .holding
                .iter()
                .map(|c| model.criterion(c.as_str()).map_or_else(|| c.to_string(), |c| c.text.clone()))
                .collect();
            let total = criteria_of(t).len();
            let deciders = match &t.deciders_open {
                Some(_) => "niet vastgelegd in het model".to_owned(),
                None => names(model, t.deciders.iter().map(|f| f.as_str())),
            };
            let title = t.title.clone().unwrap_or_else(|| match t.effect {
                Some(effect) => effect.label().to_owned(),
                None => format!("naar fase {}", t.to),
            });
            Some(Proposal {
                transition: t.id.clone(),
                explanation: format!(
                    "{} van de {total} criteria zijn vastgesteld en de voorwaarde is vervuld: {}. Besluit door: {deciders}.",
                    holding.len(),
                    condition_summary(model, t)
                ),
                title,
                holding,
                deciders,
            })
        })
        .collect()
}
