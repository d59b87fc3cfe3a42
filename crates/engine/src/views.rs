//! Derived views of a case: its regie table next to the model's, the attention list at a
//! given time, the triggers that fired and whom to inform, and the transitions the recorded
//! criteria support. Views carry data — ids, enums, numbers and dates — and never sentences:
//! the command line, the API and the web pages put them into words (`ave-labels`), in Dutch
//! or English. The engine proposes; it never escalates by itself.
//!
//! Every view costs what the case's current state costs, never its whole history: open items
//! and the triggers since the last evaluation come from the case's indexes.

use ave_model::{
    CriterionId, Date, FunctionId, PhaseId, RoleKind, RuleName, Strength, TransitionId, TriggerId,
    TriggerKind, ValidModel,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::case::Case;
use crate::condition::evaluate;
use crate::event::Requirement;
use crate::ids::{DeviationId, DisagreementId, PersonId, RequestId, TaskId};
use crate::policy::{self, Consulted, Deciders, Missing, Need};
use crate::rejection::RejectionCode;
use crate::rules::{self, Holdings, casusregie_required_here};

/// What is wrong with one row of the regie table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
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
    /// In this phase a rule about this role was deviated from, with a motivation.
    Deviation {
        /// The deviation.
        deviation: DeviationId,
        /// Whether someone with the right function has seen it.
        seen: bool,
    },
}

/// One holder as shown in the regie table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holder {
    /// Who.
    pub person: PersonId,
    /// Under which function.
    pub function: FunctionId,
    /// Since.
    pub since: DateTime<Utc>,
    /// Review date.
    pub review: Option<Date>,
}

/// What the model prescribes for a role in the current phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Prescribed {
    /// The model's regie table does not mention the role in this phase.
    Unspecified,
    /// The role does not apply (n.v.t.).
    NotApplicable,
    /// The model leaves it open for local choice.
    Open {
        /// Why.
        reason: String,
    },
    /// One of these functions holds it.
    Functions {
        /// The functions.
        functions: Vec<FunctionId>,
        /// Only when needed (procesregie "wanneer het moet").
        when_needed: bool,
        /// The meeting in which the holder is appointed, and how strongly.
        appointed_in: Option<ave_model::MeetingRequirement>,
        /// Who appoints the holder.
        appointed_by: Vec<ave_model::Actor>,
    },
}

/// One row of the case's regie table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegieRow {
    /// The role.
    pub role: RoleKind,
    /// What the model prescribes.
    pub prescribed: Prescribed,
    /// Who holds it.
    pub holders: Vec<Holder>,
    /// Mismatches.
    pub flags: Vec<RegieFlag>,
}

/// Whether a role is required in the case's current state.
fn required(model: &ValidModel, case: &Case, role: RoleKind) -> bool {
    let Some(phase) = model.phase(case.phase()) else {
        return false;
    };
    match role {
        RoleKind::Casusregie => casusregie_required_here(model, case.phase()),
        RoleKind::Procesregie if phase.regie.procesregie.as_ref().is_some_and(|r| r.nvt) => false,
        RoleKind::Procesregie => {
            case.procesregie_added()
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
    let Some(phase) = model.phase(case.phase()) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for role in RoleKind::ALL {
        let spec = phase.regie.role(role);
        let holders: Vec<Holder> = case
            .holders(role)
            .map(|h| Holder {
                person: h.person.clone(),
                function: h.function.clone(),
                since: h.since,
                review: h.review,
            })
            .collect();
        if spec.is_none() && holders.is_empty() && role == RoleKind::Behandelregie {
            continue;
        }
        let mut flags = Vec::new();
        if holders.is_empty() && required(model, case, role) {
            flags.push(RegieFlag::Missing);
        }
        let prescribed = match spec {
            None => Prescribed::Unspecified,
            Some(s) if s.nvt => Prescribed::NotApplicable,
            Some(s) => match &s.open {
                Some(reason) => Prescribed::Open {
                    reason: reason.clone(),
                },
                None => Prescribed::Functions {
                    functions: s.holders.clone(),
                    when_needed: s.when_needed,
                    appointed_in: s.appointed_in.clone(),
                    appointed_by: s.appointed_by.clone(),
                },
            },
        };
        if let Some(spec) = spec {
            if spec.open.is_some() {
                flags.push(RegieFlag::OpenInModel);
            }
            for h in &holders {
                if spec.nvt {
                    flags.push(RegieFlag::NotApplicable {
                        person: h.person.clone(),
                    });
                } else if !spec.holders.is_empty() && !model.includes(&spec.holders, &h.function) {
                    flags.push(RegieFlag::FunctionMismatch {
                        person: h.person.clone(),
                    });
                }
            }
        }
        if role == RoleKind::Procesregie {
            for h in &holders {
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
        let entry = case.phase_entry();
        for (id, d) in case.deviations() {
            if d.seq > entry && deviation_role(&d.requirement) == Some(role) {
                flags.push(RegieFlag::Deviation {
                    deviation: id.clone(),
                    seen: d.seen.is_some(),
                });
            }
        }
        rows.push(RegieRow {
            role,
            prescribed,
            holders,
            flags,
        });
    }
    rows
}

/// The role a deviation concerns, for the regie table.
fn deviation_role(r: &Requirement) -> Option<RoleKind> {
    match r {
        Requirement::Rule { rule } => match RuleName::parse(rule)? {
            RuleName::SingleProcesregisseur => Some(RoleKind::Procesregie),
            RuleName::SeparateRegisseurs | RuleName::MinorsCasusregisseur => {
                Some(RoleKind::Casusregie)
            }
            _ => None,
        },
        Requirement::AppointedIn { role, .. } => Some((*role).into()),
        _ => None,
    }
}

/// Kinds of attention, in the order the list shows them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
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
    /// A deviation (with motivation) waits to be seen by someone with the right function.
    DeviationUnseen,
    /// The model leaves something open that this phase needs; the gemeente settles it.
    OpenInModel,
}

/// One item of the attention list: what needs attention, with the data to say so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Attention {
    /// The evaluation date has passed.
    EvaluationOverdue {
        /// The date it was due.
        due: Date,
        /// Days overdue.
        days: i64,
    },
    /// No progress for longer than the stagnation norm.
    Stagnation {
        /// The day of the last progress.
        since: Date,
        /// Days without progress.
        idle: i64,
        /// The norm in days.
        norm: u32,
    },
    /// Procesregie is past its review date.
    ProcesregieReviewOverdue {
        /// Who holds it.
        person: PersonId,
        /// The review date.
        review: Date,
        /// Days overdue.
        days: i64,
    },
    /// A request waits longer than the decision norm.
    DecisionPending {
        /// The request.
        request: RequestId,
        /// Its transition.
        transition: TransitionId,
        /// Days waiting.
        waiting: i64,
        /// The norm in days.
        norm: u32,
    },
    /// A required role is unfilled.
    RoleUnfilled {
        /// The role.
        role: RoleKind,
        /// What the model prescribes for it.
        prescribed: Prescribed,
    },
    /// A role is held under a function the model does not prescribe (or where it does not
    /// apply).
    RoleMismatch {
        /// The role.
        role: RoleKind,
        /// Who holds it.
        person: PersonId,
        /// What the model prescribes for it.
        prescribed: Prescribed,
    },
    /// A handover is not done.
    HandoverOpen {
        /// The task.
        task: TaskId,
        /// The role handed over.
        role: RoleKind,
        /// Who must hand over.
        holder: Option<PersonId>,
        /// Days open.
        days: i64,
    },
    /// A disagreement waits for the arbiter.
    DisagreementOpen {
        /// The disagreement.
        disagreement: DisagreementId,
        /// The request.
        request: RequestId,
        /// Days open.
        days: i64,
    },
    /// A trigger obliges informing people.
    InformRequired {
        /// The trigger.
        trigger: TriggerId,
        /// Whom to inform.
        inform: Vec<Informee>,
    },
    /// A signal prompts checking whether op- or afschalen is needed.
    EscalationCheck {
        /// The trigger.
        trigger: TriggerId,
        /// Whom to inform.
        inform: Vec<Informee>,
    },
    /// The role holdings no longer meet a rule (e.g. the last minor came of age).
    RuleNoLongerMet {
        /// The rule.
        rule: Option<RuleName>,
        /// The rejection code the rule gives.
        code: RejectionCode,
    },
    /// A deviation (with motivation) waits to be seen by someone with the right function.
    DeviationUnseen {
        /// The deviation.
        deviation: DeviationId,
        /// What was deviated from.
        requirement: Requirement,
        /// Who must see it (empty: anyone involved).
        seen_by: Vec<FunctionId>,
        /// Days since.
        days: i64,
    },
    /// The model leaves something open that this phase needs; the gemeente settles it.
    OpenInModel {
        /// What is open.
        point: OpenPoint,
        /// Who in the gemeente settles it (the model's owner), if the model says.
        owner: Option<String>,
    },
}

/// Something a model leaves open for the gemeente to settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum OpenPoint {
    /// Who holds a role in this phase.
    Role {
        /// The role.
        role: RoleKind,
        /// The model's reason.
        reason: String,
    },
    /// Who decides a transition from this phase.
    Deciders {
        /// The transition.
        transition: TransitionId,
        /// The model's reason.
        reason: String,
    },
    /// Who proposes a transition from this phase.
    Proposers {
        /// The transition.
        transition: TransitionId,
        /// The model's reason.
        reason: String,
    },
    /// The legal basis and controller of this phase.
    Grondslag {
        /// The model's reason.
        reason: String,
    },
}

impl Attention {
    /// The kind of this item.
    pub fn kind(&self) -> AttentionKind {
        match self {
            Attention::EvaluationOverdue { .. } => AttentionKind::EvaluationOverdue,
            Attention::Stagnation { .. } => AttentionKind::Stagnation,
            Attention::ProcesregieReviewOverdue { .. } => AttentionKind::ProcesregieReviewOverdue,
            Attention::DecisionPending { .. } => AttentionKind::DecisionPending,
            Attention::RoleUnfilled { .. } => AttentionKind::RoleUnfilled,
            Attention::RoleMismatch { .. } => AttentionKind::RoleMismatch,
            Attention::HandoverOpen { .. } => AttentionKind::HandoverOpen,
            Attention::DisagreementOpen { .. } => AttentionKind::DisagreementOpen,
            Attention::InformRequired { .. } => AttentionKind::InformRequired,
            Attention::EscalationCheck { .. } => AttentionKind::EscalationCheck,
            Attention::RuleNoLongerMet { .. } => AttentionKind::RuleNoLongerMet,
            Attention::DeviationUnseen { .. } => AttentionKind::DeviationUnseen,
            Attention::OpenInModel { .. } => AttentionKind::OpenInModel,
        }
    }

    /// Days overdue (or waiting, or past the norm), where that applies.
    pub fn overdue_days(&self) -> Option<i64> {
        match self {
            Attention::EvaluationOverdue { days, .. }
            | Attention::ProcesregieReviewOverdue { days, .. }
            | Attention::HandoverOpen { days, .. }
            | Attention::DisagreementOpen { days, .. }
            | Attention::DeviationUnseen { days, .. } => Some(*days),
            Attention::Stagnation { idle, norm, .. } => Some(idle - i64::from(*norm)),
            Attention::DecisionPending { waiting, norm, .. } => Some(waiting - i64::from(*norm)),
            _ => None,
        }
    }
}

fn days_between(a: Date, b: Date) -> i64 {
    (b.naive() - a.naive()).num_days()
}

/// The local calendar day of an instant in the model's time zone.
pub fn local_day(model: &ValidModel, at: DateTime<Utc>) -> Date {
    ave_model::time::local_date(model.time_zone(), at)
}

/// The attention list at time `now`.
pub fn attention(model: &ValidModel, case: &Case, now: DateTime<Utc>) -> Vec<Attention> {
    let mut out = Vec::new();
    if case.closed().is_some() {
        return out;
    }
    let today = local_day(model, now);
    let rules = &model.model().rules;
    let norms = model.phase(case.phase()).and_then(|p| p.norms.as_ref());
    let evaluation_on = rules.is_enabled(RuleName::EvaluationRequired);
    if evaluation_on
        && let Some(next) = case.next_evaluation()
        && next < today
    {
        out.push(Attention::EvaluationOverdue {
            due: next,
            days: days_between(next, today),
        });
    }
    if evaluation_on && let Some(norm) = norms.and_then(|n| n.stagnation_days) {
        let since = local_day(model, case.last_progress());
        let idle = days_between(since, today);
        if idle > i64::from(norm) {
            out.push(Attention::Stagnation { since, idle, norm });
        }
    }
    if rules.is_enabled(RuleName::ProcesregieReview) {
        for h in case.holders(RoleKind::Procesregie) {
            if let Some(review) = h.review
                && review < today
            {
                out.push(Attention::ProcesregieReviewOverdue {
                    person: h.person.clone(),
                    review,
                    days: days_between(review, today),
                });
            }
        }
    }
    if let Some(norm) = norms.and_then(|n| n.decision_days)
        && let Some((id, r)) = case.open_request()
    {
        let waiting = days_between(local_day(model, r.proposed_at), today);
        if waiting > i64::from(norm) {
            out.push(Attention::DecisionPending {
                request: id.clone(),
                transition: r.transition.clone(),
                waiting,
                norm,
            });
        }
    }
    for row in regie_table(model, case, today) {
        for flag in &row.flags {
            match flag {
                RegieFlag::Missing => out.push(Attention::RoleUnfilled {
                    role: row.role,
                    prescribed: row.prescribed.clone(),
                }),
                RegieFlag::FunctionMismatch { person } | RegieFlag::NotApplicable { person } => {
                    out.push(Attention::RoleMismatch {
                        role: row.role,
                        person: person.clone(),
                        prescribed: row.prescribed.clone(),
                    });
                }
                _ => {}
            }
        }
    }
    // Time alone (a minor coming of age) can make the holdings break a rule.
    if let Err(r) = rules::check_roles(model, &Holdings::of(case), case.has_minors(today)) {
        out.push(Attention::RuleNoLongerMet {
            rule: r.rule,
            code: r.code,
        });
    }
    for (id, t) in case.open_tasks() {
        out.push(Attention::HandoverOpen {
            task: id.clone(),
            role: t.role,
            holder: t.holder.clone(),
            days: days_between(local_day(model, t.at), today),
        });
    }
    for (id, d) in case.open_disagreements() {
        out.push(Attention::DisagreementOpen {
            disagreement: id.clone(),
            request: d.request.clone(),
            days: days_between(local_day(model, d.at), today),
        });
    }
    // Triggers fired in the current stay and not yet weighed in an evaluation.
    let since = case
        .last_evaluated()
        .map_or(case.phase_entry(), |e| e.max(case.phase_entry()));
    for f in case.fired_after(since) {
        let Some(t) = model.trigger(&f.trigger) else {
            continue;
        };
        let inform = informees(model, case, t, &f.phase);
        match t.kind {
            TriggerKind::Opschalingscheck => out.push(Attention::EscalationCheck {
                trigger: t.id.clone(),
                inform,
            }),
            TriggerKind::Informeren if !inform.is_empty() => out.push(Attention::InformRequired {
                trigger: t.id.clone(),
                inform,
            }),
            TriggerKind::Informeren => {}
        }
    }
    for (id, d) in case.unseen_deviations() {
        out.push(Attention::DeviationUnseen {
            deviation: id.clone(),
            requirement: d.requirement.clone(),
            seen_by: d.seen_by.clone(),
            days: days_between(local_day(model, d.at), today),
        });
    }
    out.extend(
        open_points(model, case.phase())
            .into_iter()
            .map(|point| Attention::OpenInModel {
                point,
                owner: model.model().model.owner.clone(),
            }),
    );
    out.sort_by_key(Attention::kind);
    out
}

/// What the model leaves open that a case in `phase` meets: who holds a role, who proposes
/// or decides a transition from it, its legal basis.
pub fn open_points(model: &ValidModel, phase: &PhaseId) -> Vec<OpenPoint> {
    let mut out = Vec::new();
    let Some(p) = model.phase(phase) else {
        return out;
    };
    for role in RoleKind::ALL {
        if let Some(reason) = p.regie.role(role).and_then(|s| s.open.as_ref()) {
            out.push(OpenPoint::Role {
                role,
                reason: reason.clone(),
            });
        }
    }
    for t in model.transitions_from(phase) {
        if let Some(reason) = &t.deciders_open {
            out.push(OpenPoint::Deciders {
                transition: t.id.clone(),
                reason: reason.clone(),
            });
        }
        if let Some(reason) = &t.proposers_open {
            out.push(OpenPoint::Proposers {
                transition: t.id.clone(),
                reason: reason.clone(),
            });
        }
    }
    if let Some(reason) = p.grondslag.as_ref().and_then(|g| g.open.as_ref()) {
        out.push(OpenPoint::Grondslag {
            reason: reason.clone(),
        });
    }
    out
}

/// Someone to inform when a trigger fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Informee {
    /// The people holding a role of the phase in this case.
    Holders {
        /// The role.
        role: RoleKind,
        /// Who holds it.
        people: Vec<PersonId>,
    },
    /// Nobody holds the role in the case: whoever the model prescribes for it.
    Prescribed {
        /// The role.
        role: RoleKind,
        /// The functions the model names (empty when it names none).
        functions: Vec<FunctionId>,
    },
    /// A further function the trigger names.
    Function {
        /// The function.
        function: FunctionId,
    },
}

/// Whom a trigger asks to inform, in the phase it fired in.
fn informees(
    model: &ValidModel,
    case: &Case,
    t: &ave_model::Trigger,
    phase: &PhaseId,
) -> Vec<Informee> {
    let spec_of = |role| {
        model
            .phase(phase)
            .and_then(|p| p.regie.role(role))
            .map_or_else(Vec::new, |s| s.holders.clone())
    };
    let mut out: Vec<Informee> = t
        .inform_roles
        .iter()
        .map(|&role| {
            let people: Vec<PersonId> = case.holders(role).map(|h| h.person.clone()).collect();
            if people.is_empty() {
                Informee::Prescribed {
                    role,
                    functions: spec_of(role),
                }
            } else {
                Informee::Holders { role, people }
            }
        })
        .collect();
    out.extend(t.inform.iter().map(|f| Informee::Function {
        function: f.clone(),
    }));
    out
}

/// A trigger that fired, with whom to inform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriggerView {
    /// The trigger.
    pub trigger: TriggerId,
    /// In which phase it fired.
    pub phase: PhaseId,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the history.
    pub seq: u64,
    /// Whom to inform.
    pub inform: Vec<Informee>,
}

/// Every trigger that fired in the case, with whom to inform (the whole history: for the
/// timeline and reports, not for every page).
pub fn fired_triggers(model: &ValidModel, case: &Case) -> Vec<TriggerView> {
    case.fired()
        .iter()
        .filter_map(|f| {
            let t = model.trigger(&f.trigger)?;
            Some(TriggerView {
                trigger: t.id.clone(),
                phase: f.phase.clone(),
                at: f.at,
                seq: f.seq,
                inform: informees(model, case, t, &f.phase),
            })
        })
        .collect()
}

/// A transition the recorded criteria support, with what it still needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    /// The transition.
    pub transition: TransitionId,
    /// The criteria that hold.
    pub holding: Vec<CriterionId>,
    /// Who may propose it (empty: anyone involved).
    pub proposers: Vec<ave_model::Actor>,
    /// Who may decide it.
    pub deciders: Deciders,
    /// What the model asks before it may be decided that the case does not have yet (the
    /// deciding meeting always comes after the proposal). A decider can still name
    /// consulted people in the decision.
    pub missing: Vec<Missing>,
}

/// Transitions from the current phase that the case's recorded criteria support and that
/// would still change something. The engine only proposes: a person who may decide does.
/// While a request waits for a decision nothing else can be proposed, so nothing is.
pub fn proposals(model: &ValidModel, case: &Case, today: Date) -> Vec<Proposal> {
    if case.closed().is_some() || case.open_request().is_some() {
        return Vec::new();
    }
    model
        .transitions_from(case.phase())
        .filter(|t| policy::effect_applies(model, case, t).is_ok())
        .filter_map(|t| {
            let e = evaluate(model, case, t, today);
            let missing = policy::missing(model, case, t, None, Consulted::default(), today);
            let blocked = missing
                .iter()
                .any(|m| m.need == Need::InsufficientAlone && m.strength == Strength::Moet);
            if !e.met || blocked {
                return None;
            }
            let proposers = if policy::authority_on(model) && !t.proposers.is_empty() {
                let mut p = t.proposers.clone();
                for d in &t.deciders {
                    if !p.contains(d) {
                        p.push(d.clone());
                    }
                }
                p
            } else {
                Vec::new()
            };
            Some(Proposal {
                transition: t.id.clone(),
                holding: e.holding,
                proposers,
                deciders: policy::deciders(model, case, t),
                missing,
            })
        })
        .collect()
}
