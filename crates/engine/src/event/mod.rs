//! Events: what happened to a case. They are stored for as long as the law keeps a case, so
//! they own their types and change only by the rules in `docs/events.md`:
//! - every event type has a stable `type` name that is never renamed or reused;
//! - the envelope carries a schema version; a change that is not purely additive gets a new
//!   version, and [`read`] upcasts every older version to the current one;
//! - events hold every value the state needs (computed dates, the decider's function), so
//!   replaying them needs no model and gives the same state;
//! - an event's types are its own ([`Participant`], [`Member`], [`Role`], …): editing a
//!   command or the model format cannot change what is stored.

mod stored;
mod upcast;

use ave_model::{
    AgreementId, CriterionId, Date, FactId, FunctionId, MeetingKindId, ModelId, PhaseId,
    TransitionId, TriggerId,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use stored::{
    ActionKind, Effect, EndState, GoalStatus, HandoverCause, Member, Participant, Requirement,
    Role, RoleEndCause,
};
pub use upcast::{ReadError, read, read_value};

use crate::ids::{
    ActionId, CaseId, DecisionId, DeviationId, DisagreementId, GoalId, MeetingId, MemberId,
    PersonId, RequestId, SignalId, TaskId,
};

/// The current schema version of [`Recorded`].
pub const SCHEMA_VERSION: u16 = 2;

/// An event as stored: with its position in the case's history, time and author.
///
/// It serialises with the current [`SCHEMA_VERSION`] in its envelope; it deserialises from
/// any version this program knows, through [`read_value`], so no reader can skip upcasting.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// Position in the case's history, from 1.
    pub seq: u64,
    /// When it happened (the time of the command).
    pub at: DateTime<Utc>,
    /// Who did it.
    pub by: PersonId,
    /// What happened.
    pub event: Event,
}

impl Serialize for Recorded {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Envelope<'a> {
            schema: u16,
            seq: u64,
            at: &'a DateTime<Utc>,
            by: &'a PersonId,
            event: &'a Event,
        }
        Envelope {
            schema: SCHEMA_VERSION,
            seq: self.seq,
            at: &self.at,
            by: &self.by,
            event: &self.event,
        }
        .serialize(s)
    }
}

/// Everything that can happen to a case (schema version [`SCHEMA_VERSION`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The case was opened.
    CaseOpened {
        /// Its id.
        case: CaseId,
        /// The model it runs under.
        model: ModelId,
        /// The model's version.
        model_version: String,
        /// The entry phase.
        phase: PhaseId,
        /// Why it was opened.
        reason: String,
        /// The household.
        household: Vec<Member>,
        /// The first participants.
        participants: Vec<Participant>,
        /// First evaluation date, from the phase's norm.
        next_evaluation: Option<Date>,
    },
    /// A professional joined.
    ParticipantAdded {
        /// Who.
        participant: Participant,
    },
    /// A professional left.
    ParticipantRemoved {
        /// Who.
        person: PersonId,
        /// Why.
        reason: String,
    },
    /// A household member was added.
    MemberAdded {
        /// Who.
        member: Member,
    },
    /// A household member was removed.
    MemberRemoved {
        /// Who.
        member: MemberId,
        /// Why.
        reason: String,
    },
    /// A participant took a role.
    RoleAssigned {
        /// The role.
        role: Role,
        /// Who.
        person: PersonId,
        /// The function under which the person holds it.
        function: FunctionId,
        /// Review date (procesregie).
        review: Option<Date>,
        /// Why.
        reason: Option<String>,
        /// The previous holder this assignment replaces.
        replaces: Option<PersonId>,
    },
    /// A role holding was reviewed and given a new review date.
    RoleReviewed {
        /// The role.
        role: Role,
        /// Who holds it.
        person: PersonId,
        /// The new review date.
        review: Date,
        /// What the review found.
        reason: String,
    },
    /// A role holding ended.
    RoleEnded {
        /// The role.
        role: Role,
        /// Who held it.
        person: PersonId,
        /// Why it ended: a person's reason, or a transition that ended it.
        cause: RoleEndCause,
    },
    /// A signal was recorded.
    SignalRecorded {
        /// Id.
        signal: SignalId,
        /// Who reported it.
        source: String,
        /// Category.
        category: String,
        /// Text.
        text: String,
        /// Triggers it matches.
        triggers: Vec<TriggerId>,
    },
    /// A trigger of the model fired.
    TriggerFired {
        /// Which trigger.
        trigger: TriggerId,
        /// The signal that fired it.
        signal: Option<SignalId>,
        /// The phase the case was in.
        phase: PhaseId,
    },
    /// A criterion was assessed.
    CriterionAssessed {
        /// Which criterion.
        criterion: CriterionId,
        /// Whether it holds.
        holds: bool,
        /// Evidence.
        evidence: String,
    },
    /// A fact was recorded.
    FactRecorded {
        /// Which fact.
        fact: FactId,
        /// Whether it holds.
        holds: bool,
        /// Evidence.
        evidence: String,
    },
    /// A plan was set.
    PlanSet {
        /// For which phase.
        phase: PhaseId,
        /// Summary.
        summary: String,
    },
    /// A goal was added.
    GoalAdded {
        /// Id.
        goal: GoalId,
        /// Leefgebied.
        leefgebied: String,
        /// Text.
        text: String,
        /// Owner.
        owner: PersonId,
        /// Due date.
        due: Date,
    },
    /// A goal changed status.
    GoalUpdated {
        /// Which goal.
        goal: GoalId,
        /// New status.
        status: GoalStatus,
        /// Note.
        note: String,
    },
    /// An agreement or action was added to the plan.
    ActionAdded {
        /// Id.
        action: ActionId,
        /// Kind.
        kind: ActionKind,
        /// Text.
        text: String,
        /// Owner.
        owner: Option<PersonId>,
        /// Due date.
        due: Option<Date>,
        /// The werkafspraak it follows.
        werkafspraak: Option<AgreementId>,
        /// Whether the model knows that werkafspraak (a gap when it does not).
        werkafspraak_known: bool,
    },
    /// An action was completed.
    ActionCompleted {
        /// Which.
        action: ActionId,
        /// Note.
        note: String,
    },
    /// A meeting took place.
    MeetingHeld {
        /// Id.
        meeting: MeetingId,
        /// Kind.
        kind: MeetingKindId,
        /// Attendees.
        attendees: Vec<PersonId>,
        /// Decisions.
        decisions: Vec<String>,
    },
    /// The case was evaluated.
    Evaluated {
        /// Summary.
        summary: String,
        /// Next evaluation date.
        next_evaluation: Option<Date>,
    },
    /// An op- or afschaling was proposed.
    TransitionProposed {
        /// Id of the request.
        request: RequestId,
        /// The model's transition.
        transition: TransitionId,
        /// From phase.
        from: PhaseId,
        /// To phase.
        to: PhaseId,
        /// Criteria cited.
        criteria: Vec<CriterionId>,
        /// Evidence.
        evidence: String,
    },
    /// A request was decided.
    TransitionDecided {
        /// Which request.
        request: RequestId,
        /// Approved or rejected.
        approved: bool,
        /// The function under which the decider decided.
        function: FunctionId,
        /// The mandate, law or model section the decider adds to the authority of the
        /// function (which the model and transition already name). In events upcast from
        /// version 1, the authority text as recorded then.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mandate: Option<String>,
        /// Why.
        reason: String,
        /// Who was consulted.
        consulted: Vec<PersonId>,
        /// The criteria that held at the time.
        criteria_holding: Vec<CriterionId>,
        /// Decided by the arbiter after a disagreement.
        arbiter: bool,
        /// Functions the model says to consult that the decision did not consult.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unconsulted: Vec<FunctionId>,
    },
    /// A request was withdrawn.
    TransitionWithdrawn {
        /// Which request.
        request: RequestId,
        /// Why.
        reason: String,
    },
    /// The case moved to another phase.
    PhaseChanged {
        /// From.
        from: PhaseId,
        /// To.
        to: PhaseId,
        /// By which transition.
        transition: TransitionId,
        /// On which request.
        request: RequestId,
        /// First evaluation date in the new phase.
        next_evaluation: Option<Date>,
    },
    /// A transition within a phase took effect.
    EffectApplied {
        /// The transition.
        transition: TransitionId,
        /// Its effect.
        effect: Effect,
    },
    /// A handover duty was created by a transition.
    HandoverCreated {
        /// Id.
        task: TaskId,
        /// The role handed over.
        role: Role,
        /// Who must hand over.
        holder: Option<PersonId>,
        /// What the model asks.
        text: String,
        /// What gave rise to it.
        cause: HandoverCause,
    },
    /// A handover was done.
    HandoverCompleted {
        /// Which task.
        task: TaskId,
        /// How.
        note: String,
    },
    /// Parties disagree about a request.
    DisagreementRaised {
        /// Id.
        disagreement: DisagreementId,
        /// The request.
        request: RequestId,
        /// The positions.
        positions: String,
    },
    /// The arbiter settled a disagreement.
    DisagreementSettled {
        /// Which.
        disagreement: DisagreementId,
        /// Whether the request was approved.
        approved: bool,
        /// Why.
        reason: String,
    },
    /// A formal decision was recorded.
    FormalDecisionRecorded {
        /// Id.
        decision: DecisionId,
        /// Subject.
        subject: String,
        /// The decision.
        text: String,
        /// Legal basis.
        grondslag: Option<String>,
        /// The function of the one who took it.
        function: FunctionId,
        /// The kind of decision, where the model declares kinds (added in version 2; absent
        /// in older events).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<ave_model::DecisionKindId>,
    },
    /// A step deviated from a `bij voorkeur` requirement, with a motivation.
    DeviationRecorded {
        /// Its id.
        deviation: DeviationId,
        /// The requirement deviated from.
        requirement: Requirement,
        /// Why.
        motivation: String,
        /// Who must see it (empty: anyone involved).
        seen_by: Vec<FunctionId>,
    },
    /// Someone with the right function has seen a deviation.
    DeviationSeen {
        /// Which.
        deviation: DeviationId,
        /// What they answered.
        response: String,
    },
    /// The case moved to another version of its model (added in version 2).
    ModelChanged {
        /// The version it ran under.
        from: String,
        /// The version it runs under from now on.
        to: String,
        /// Why.
        reason: String,
    },
    /// The case was closed.
    CaseClosed {
        /// Why.
        reason: String,
        /// How it ended.
        end_state: EndState,
    },
}

impl Event {
    /// Every event type's stored name, in the order of [`Event`]. Adding an event type means
    /// adding its name here and a sample to `tests/engine/stored/` (the samples test fails
    /// until both are there).
    pub const TYPES: &'static [&'static str] = &[
        "case_opened",
        "participant_added",
        "participant_removed",
        "member_added",
        "member_removed",
        "role_assigned",
        "role_reviewed",
        "role_ended",
        "signal_recorded",
        "trigger_fired",
        "criterion_assessed",
        "fact_recorded",
        "plan_set",
        "goal_added",
        "goal_updated",
        "action_added",
        "action_completed",
        "meeting_held",
        "evaluated",
        "transition_proposed",
        "transition_decided",
        "transition_withdrawn",
        "phase_changed",
        "effect_applied",
        "handover_created",
        "handover_completed",
        "disagreement_raised",
        "disagreement_settled",
        "formal_decision_recorded",
        "deviation_recorded",
        "deviation_seen",
        "case_closed",
        "model_changed",
    ];

    /// The stable name of the event type, as stored.
    pub fn name(&self) -> &'static str {
        match self {
            Event::CaseOpened { .. } => "case_opened",
            Event::ParticipantAdded { .. } => "participant_added",
            Event::ParticipantRemoved { .. } => "participant_removed",
            Event::MemberAdded { .. } => "member_added",
            Event::MemberRemoved { .. } => "member_removed",
            Event::RoleAssigned { .. } => "role_assigned",
            Event::RoleReviewed { .. } => "role_reviewed",
            Event::RoleEnded { .. } => "role_ended",
            Event::SignalRecorded { .. } => "signal_recorded",
            Event::TriggerFired { .. } => "trigger_fired",
            Event::CriterionAssessed { .. } => "criterion_assessed",
            Event::FactRecorded { .. } => "fact_recorded",
            Event::PlanSet { .. } => "plan_set",
            Event::GoalAdded { .. } => "goal_added",
            Event::GoalUpdated { .. } => "goal_updated",
            Event::ActionAdded { .. } => "action_added",
            Event::ActionCompleted { .. } => "action_completed",
            Event::MeetingHeld { .. } => "meeting_held",
            Event::Evaluated { .. } => "evaluated",
            Event::TransitionProposed { .. } => "transition_proposed",
            Event::TransitionDecided { .. } => "transition_decided",
            Event::TransitionWithdrawn { .. } => "transition_withdrawn",
            Event::PhaseChanged { .. } => "phase_changed",
            Event::EffectApplied { .. } => "effect_applied",
            Event::HandoverCreated { .. } => "handover_created",
            Event::HandoverCompleted { .. } => "handover_completed",
            Event::DisagreementRaised { .. } => "disagreement_raised",
            Event::DisagreementSettled { .. } => "disagreement_settled",
            Event::FormalDecisionRecorded { .. } => "formal_decision_recorded",
            Event::DeviationRecorded { .. } => "deviation_recorded",
            Event::DeviationSeen { .. } => "deviation_seen",
            Event::CaseClosed { .. } => "case_closed",
            Event::ModelChanged { .. } => "model_changed",
        }
    }
}
