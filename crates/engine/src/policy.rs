//! One truth per rule about transitions: whether a within-phase effect still changes
//! something, who may propose and decide (functions, groups, or the holder of a role in the
//! case), and what the model still asks before a decision — with how strongly it asks it
//! (`moet`, `bij voorkeur`, `kan`) and only when its condition holds. The commands
//! ([`crate::decide`]) refuse or record a deviation with these answers and the views
//! ([`crate::views::proposals`]) explain with the same ones, so what the engine proposes is
//! exactly what it accepts.

use ave_model::{
    Actor, Date, FunctionId, MeetingKindId, PhaseId, Precondition, RoleKind, RuleName, Strength,
    Transition, ValidModel, WithinEffect,
};
use serde::Serialize;

use crate::case::Case;
use crate::condition;
use crate::event::{Participant, Requirement};
use crate::ids::PersonId;

/// Why a within-phase transition would change nothing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NothingToChange {
    /// There is a procesregisseur of this phase already, or procesregie was added and awaits
    /// its holder.
    ProcesregieAlready,
    /// There is no procesregie to end.
    NoProcesregie,
    /// The effect was already applied in this stay in the phase.
    AlreadyApplied,
}

/// Whether a procesregisseur the current phase prescribes holds the role (a holder left
/// from an earlier phase, under a function this phase does not name, hands over and does
/// not count).
fn prescribed_procesregisseur(model: &ValidModel, case: &Case) -> bool {
    let spec = model
        .phase(case.phase())
        .and_then(|p| p.regie.procesregie.as_ref());
    case.holders(RoleKind::Procesregie).any(|h| match spec {
        Some(s) if !s.holders.is_empty() => model.includes(&s.holders, &h.function),
        _ => true,
    })
}

/// Whether a transition's within-phase effect still changes something in the case. A
/// transition between phases always does.
pub fn effect_applies(
    model: &ValidModel,
    case: &Case,
    t: &Transition,
) -> Result<(), NothingToChange> {
    let has_proces = case.holders(RoleKind::Procesregie).next().is_some();
    match t.effect {
        None => Ok(()),
        Some(WithinEffect::ProcesregieToevoegen)
            if prescribed_procesregisseur(model, case) || case.procesregie_added() =>
        {
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

/// Whether a person is one of `actors`: holds one of the functions (or a function of one of
/// the groups), or holds one of the roles in this case.
pub fn admits(model: &ValidModel, case: &Case, actors: &[Actor], person: &Participant) -> bool {
    actors.iter().any(|a| match a {
        Actor::Function(f) => model.includes(std::slice::from_ref(f), &person.function),
        Actor::Role { role } => case.holding(*role, &person.person).is_some(),
    })
}

/// Whether a person may propose the transition. Whoever may decide may also propose; a
/// transition without proposers (or whose proposers the model leaves open) is open to
/// anyone involved.
pub fn may_propose(model: &ValidModel, case: &Case, t: &Transition, person: &Participant) -> bool {
    !authority_on(model)
        || t.proposers.is_empty()
        || admits(model, case, &t.proposers, person)
        || admits(model, case, &t.deciders, person)
}

/// Who may decide a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Deciders {
    /// Anyone involved (the transition authority rule is off).
    Anyone,
    /// A person who is one of these: a function, a group's function, a role's holder.
    Actors {
        /// Who.
        actors: Vec<Actor>,
    },
    /// The model does not say; no one can decide until it is filled in locally.
    Open {
        /// The model's reason.
        reason: String,
    },
    /// The arbiter already ruled on this transition in the current phase: only the arbiter
    /// decides it again, on a new disagreement raised by one of the parties.
    Arbiter {
        /// The arbiter.
        arbiter: Actor,
        /// Who may raise the disagreement (empty: anyone involved).
        parties: Vec<Actor>,
    },
}

impl Deciders {
    /// Whether a person may decide by the ordinary route (not the arbiter's).
    pub fn admit(&self, model: &ValidModel, case: &Case, person: &Participant) -> bool {
        match self {
            Deciders::Anyone => true,
            Deciders::Actors { actors } => admits(model, case, actors, person),
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
        None => Deciders::Actors {
            actors: t.deciders.clone(),
        },
    }
}

/// Something the model asks before a transition is decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Need {
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
    /// Someone consulted: named by the decider, the decider, or present at a meeting in this
    /// phase.
    Consulted {
        /// Who.
        actor: Actor,
        /// The source's words.
        text: Option<String>,
    },
    /// A role held in the case (by one of these functions, if any).
    RoleHeld {
        /// The role.
        role: RoleKind,
        /// The functions that count (empty: anyone).
        by: Vec<FunctionId>,
        /// The source's words.
        text: Option<String>,
    },
    /// The decision is taken in a meeting of this kind, held after the request was made.
    DecidedIn {
        /// The kind.
        meeting: MeetingKindId,
    },
    /// The criteria that hold are, alone, no reason for this escalation.
    InsufficientAlone,
}

/// A need the case does not meet yet, with how strong the model makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// What is needed.
    pub need: Need,
    /// `moet` blocks the decision; `bij-voorkeur` allows it with a motivation.
    pub strength: Strength,
    /// Who must see a deviation (empty: the model's default).
    pub seen_by: Vec<FunctionId>,
    /// The requirement as a deviation from it is stored.
    pub requirement: Requirement,
}

/// Who a decision names as consulted, and who decides.
#[derive(Debug, Clone, Copy, Default)]
pub struct Consulted<'a> {
    /// The person deciding (consulting oneself counts), if known.
    pub decider: Option<&'a Participant>,
    /// The people the decider names as consulted.
    pub named: &'a [PersonId],
}

/// Whether an actor counts as consulted in the current phase: the decider is one, or named
/// one, or one attended a meeting held since the case entered the phase.
pub fn consulted(model: &ValidModel, case: &Case, actor: &Actor, who: Consulted<'_>) -> bool {
    let entry = case.phase_entry();
    let is = |p: &Participant| admits(model, case, std::slice::from_ref(actor), p);
    if who.decider.is_some_and(is) {
        return true;
    }
    if who.named.iter().filter_map(|p| case.participant(p)).any(is) {
        return true;
    }
    match actor {
        Actor::Function(f) => model
            .expand(std::slice::from_ref(f))
            .iter()
            .any(|f| case.attended_after(f, entry)),
        Actor::Role { role } => case
            .holders(*role)
            .any(|h| case.person_attended_after(&h.person, entry)),
    }
}

/// Whether a role is held in the case, by one of `by` (groups expanded) if given.
pub fn held(model: &ValidModel, case: &Case, role: RoleKind, by: &[FunctionId]) -> bool {
    case.holders(role)
        .any(|h| by.is_empty() || model.includes(by, &h.function))
}

/// Everything the model asks before the transition is decided that the case does not meet
/// yet — each with its strength; what the model asks only `kan` is never missing, and what
/// it asks only in some situations is missing only in those. `request_seq` is the position
/// of the proposal (none yet: every deciding meeting is still to come).
pub fn missing(
    model: &ValidModel,
    case: &Case,
    t: &Transition,
    request_seq: Option<u64>,
    who: Consulted<'_>,
    day: Date,
) -> Vec<Missing> {
    let entry = case.phase_entry();
    let applies = |when: &Option<ave_model::Condition>| {
        when.as_ref()
            .is_none_or(|c| condition::holds(model, case, c, day))
    };
    let mut out = Vec::new();
    let mut push = |need: Need, strength: Strength, seen_by: &[FunctionId], requirement| {
        if strength != Strength::Kan {
            out.push(Missing {
                need,
                strength,
                seen_by: seen_by.to_vec(),
                requirement,
            });
        }
    };
    for (i, pre) in t.preconditions.iter().enumerate() {
        let requirement = Requirement::Precondition {
            transition: t.id.clone(),
            index: u32::try_from(i).unwrap_or(u32::MAX),
        };
        match pre {
            Precondition::Plan {
                phase,
                text,
                when,
                strength,
                seen_by,
                ..
            } if applies(when) && !case.plan_after(phase, entry) => push(
                Need::Plan {
                    phase: phase.clone(),
                    text: text.clone(),
                },
                *strength,
                seen_by,
                requirement,
            ),
            Precondition::Meeting {
                meeting,
                text,
                when,
                strength,
                seen_by,
                ..
            } if applies(when) && !case.meeting_after(meeting, entry) => push(
                Need::Meeting {
                    meeting: meeting.clone(),
                    text: text.clone(),
                },
                *strength,
                seen_by,
                requirement,
            ),
            Precondition::Consulted {
                function,
                text,
                when,
                strength,
                seen_by,
                ..
            } if applies(when)
                && !consulted(model, case, &Actor::Function(function.clone()), who) =>
            {
                push(
                    Need::Consulted {
                        actor: Actor::Function(function.clone()),
                        text: text.clone(),
                    },
                    *strength,
                    seen_by,
                    requirement,
                );
            }
            Precondition::RoleHeld {
                role,
                by,
                text,
                when,
                strength,
                seen_by,
                ..
            } if applies(when) && !held(model, case, *role, by) => push(
                Need::RoleHeld {
                    role: *role,
                    by: by.clone(),
                    text: text.clone(),
                },
                *strength,
                seen_by,
                requirement,
            ),
            _ => {}
        }
    }
    for c in &t.consult {
        let Some(actor) = c.who() else { continue };
        if !applies(&c.when) || consulted(model, case, &actor, who) {
            continue;
        }
        push(
            Need::Consulted {
                actor: actor.clone(),
                text: None,
            },
            c.strength,
            &c.seen_by,
            Requirement::Consult {
                transition: t.id.clone(),
                function: c.function.clone(),
                role: c.role.map(Into::into),
            },
        );
    }
    if let Some(r) = &t.decided_in
        && !request_seq.is_some_and(|seq| case.meeting_after(&r.meeting, seq))
    {
        push(
            Need::DecidedIn {
                meeting: r.meeting.clone(),
            },
            r.strength,
            &r.seen_by,
            Requirement::DecidedIn {
                transition: t.id.clone(),
                meeting: r.meeting.clone(),
            },
        );
    }
    let rules = &model.model().rules;
    if let Some(strength) = rules.strength_of(RuleName::InsufficientAlone) {
        let holding: Vec<_> = condition::criteria_of(t)
            .into_iter()
            .filter(|c| condition::criterion_holds(case, c))
            .cloned()
            .collect();
        if condition::blocked_by_insufficient_alone(model, t, &holding) {
            push(
                Need::InsufficientAlone,
                strength,
                rules.seen_by(RuleName::InsufficientAlone),
                Requirement::Rule {
                    rule: RuleName::InsufficientAlone.key().to_owned(),
                },
            );
        }
    }
    out
}

/// Who must see a deviation: whom the requirement names, else whom the phase makes
/// operationeel verantwoordelijk (a product choice: the management oversees how the model
/// is followed), else anyone involved.
pub fn seen_by(model: &ValidModel, case: &Case, named: &[FunctionId]) -> Vec<FunctionId> {
    if !named.is_empty() {
        return model.expand(named);
    }
    model
        .phase(case.phase())
        .and_then(|p| p.regie.operationeel.as_ref())
        .map_or_else(Vec::new, |s| model.expand(&s.holders))
}
