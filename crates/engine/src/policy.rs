//! One truth per rule about transitions: whether a within-phase effect still changes
//! something, who may propose and decide, and which preconditions are still missing. The
//! commands ([`crate::decide`]) refuse with these answers and the views
//! ([`crate::views::proposals`]) explain with the same ones, so what the engine proposes is
//! exactly what it accepts.

use ave_model::{FunctionId, MeetingKindId, PhaseId, Precondition, RoleKind, RuleName};
use ave_model::{Transition, ValidModel, WithinEffect};
use serde::Serialize;

use crate::case::Case;

/// Why a within-phase transition would change nothing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NothingToChange {
    /// There is a procesregisseur already, or procesregie was added and awaits its holder.
    ProcesregieAlready,
    /// There is no procesregie to end.
    NoProcesregie,
    /// The effect was already applied in this stay in the phase.
    AlreadyApplied,
}

/// Whether a transition's within-phase effect still changes something in the case. A
/// transition between phases always does.
pub fn effect_applies(case: &Case, t: &Transition) -> Result<(), NothingToChange> {
    let has_proces = case.holders(RoleKind::Procesregie).next().is_some();
    match t.effect {
        None => Ok(()),
        Some(WithinEffect::ProcesregieToevoegen) if has_proces || case.procesregie_added() => {
            Err(NothingToChange::ProcesregieAlready)
        }
        Some(WithinEffect::ProcesregieToevoegen) => Ok(()),
        Some(WithinEffect::ProcesregieBeeindigen) if has_proces || case.procesregie_added() => {
            Ok(())
        }
        Some(WithinEffect::ProcesregieBeeindigen) => Err(NothingToChange::NoProcesregie),
        Some(_) if case.applied_in_stay(&t.id) => Err(NothingToChange::AlreadyApplied),
        Some(_) => Ok(()),
    }
}

/// Whether the model's transition authority rule is on.
pub fn authority_on(model: &ValidModel) -> bool {
    model
        .model()
        .rules
        .is_enabled(RuleName::TransitionAuthority)
}

/// Whether a person with `function` may propose the transition. A function that may decide
/// may also propose; a transition without proposers is open to anyone involved.
pub fn may_propose(model: &ValidModel, t: &Transition, function: &FunctionId) -> bool {
    !authority_on(model)
        || t.proposers.is_empty()
        || t.proposers.contains(function)
        || t.deciders.contains(function)
}

/// Who may decide a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Deciders {
    /// Anyone involved (the transition authority rule is off).
    Anyone,
    /// A person holding one of these functions.
    Functions {
        /// The functions.
        functions: Vec<FunctionId>,
    },
    /// The model does not say; no one can decide until it is filled in locally.
    Open {
        /// The model's reason.
        reason: String,
    },
    /// The arbiter already ruled on this transition in the current phase: only the arbiter
    /// decides it again, on a new disagreement raised by one of the parties.
    Arbiter {
        /// The arbiter's function.
        arbiter: FunctionId,
        /// Who may raise the disagreement (empty: anyone involved).
        parties: Vec<FunctionId>,
    },
}

impl Deciders {
    /// Whether a person with `function` may decide.
    pub fn admit(&self, function: &FunctionId) -> bool {
        match self {
            Deciders::Anyone => true,
            Deciders::Functions { functions } => functions.contains(function),
            Deciders::Open { .. } | Deciders::Arbiter { .. } => false,
        }
    }
}

/// Who may decide a transition in the case now.
pub fn deciders(model: &ValidModel, case: &Case, t: &Transition) -> Deciders {
    if let Some(rule) = model
        .model()
        .rules
        .disagreement_arbiter
        .as_ref()
        .filter(|r| r.enabled)
        && let Some(arbiter) = &rule.arbiter
        && case.ruled_in_stay(&t.id)
    {
        return Deciders::Arbiter {
            arbiter: arbiter.clone(),
            parties: rule.parties.clone(),
        };
    }
    if !authority_on(model) {
        return Deciders::Anyone;
    }
    match &t.deciders_open {
        Some(reason) => Deciders::Open {
            reason: reason.clone(),
        },
        None => Deciders::Functions {
            functions: t.deciders.clone(),
        },
    }
}

/// Something a transition still needs before it may be decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Missing {
    /// A plan (aanpak) for this phase, set in the current phase.
    Plan {
        /// The phase the plan is for.
        phase: PhaseId,
        /// The source's words, if the model gives them.
        text: Option<String>,
    },
    /// A meeting of this kind, held in the current phase.
    Meeting {
        /// The kind.
        meeting: MeetingKindId,
        /// The source's words.
        text: Option<String>,
    },
    /// This function consulted: named by the decider or present at a meeting in this phase.
    Consulted {
        /// The function.
        function: FunctionId,
        /// The source's words.
        text: Option<String>,
    },
    /// The decision is taken in a meeting of this kind, held after the request was made.
    DecidedIn {
        /// The kind.
        meeting: MeetingKindId,
    },
}

/// The preconditions (and the deciding meeting) a transition still misses. `request_seq` is
/// the position of the proposal (none yet: every deciding meeting is still to come);
/// `consulted` the functions the decider names as consulted.
pub fn missing(
    t: &Transition,
    case: &Case,
    request_seq: Option<u64>,
    consulted: &[&FunctionId],
) -> Vec<Missing> {
    let entry = case.phase_entry();
    let mut out = Vec::new();
    for pre in &t.preconditions {
        match pre {
            Precondition::Plan { phase, text } if !case.plan_after(phase, entry) => {
                out.push(Missing::Plan {
                    phase: phase.clone(),
                    text: text.clone(),
                });
            }
            Precondition::Meeting { meeting, text } if !case.meeting_after(meeting, entry) => {
                out.push(Missing::Meeting {
                    meeting: meeting.clone(),
                    text: text.clone(),
                });
            }
            Precondition::Consulted { function, text }
                if !consulted_here(case, function, consulted) =>
            {
                out.push(Missing::Consulted {
                    function: function.clone(),
                    text: text.clone(),
                });
            }
            _ => {}
        }
    }
    if let Some(meeting) = &t.decided_in
        && !request_seq.is_some_and(|seq| case.meeting_after(meeting, seq))
    {
        out.push(Missing::DecidedIn {
            meeting: meeting.clone(),
        });
    }
    out
}

/// Whether a function counts as consulted for a decision in the current phase: named by the
/// decider, or present at a meeting held since the case entered the phase.
pub fn consulted_here(case: &Case, function: &FunctionId, named: &[&FunctionId]) -> bool {
    named.contains(&function) || case.attended_after(function, case.phase_entry())
}
