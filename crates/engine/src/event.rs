//! Events: what happened to a case. They are stored forever, so:
//! - every event has a stable `type` name that is never renamed or reused;
//! - the envelope carries a schema version; a new shape gets a new version and the reader
//!   keeps reading the old ones;
//! - events hold every value the state needs (computed dates, the decider's function), so
//!   replaying them needs no model and gives the same state.

use ave_model::{
    AgreementId, CriterionId, Date, FactId, FunctionId, MeetingKindId, ModelId, PhaseId, RoleKind,
    TransitionId, TriggerId, WithinEffect,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::command::{ActionKind, EndState, GoalStatus, Member, Participant};
use crate::ids::{
    ActionId, CaseId, DecisionId, DisagreementId, GoalId, MeetingId, MemberId, PersonId, RequestId,
    SignalId, TaskId,
};

/// The current schema version of [`Recorded`].
pub const SCHEMA_VERSION: u16 = 1;

/// An event as stored: with its position in the case's history, time and author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded {
    /// Schema version of this envelope and its event.
    pub schema: u16,
    /// Position in the case's history, from 1.
    pub seq: u64,
    /// When it happened (the time of the command).
    pub at: DateTime<Utc>,
    /// Who did it.
    pub by: PersonId,
    /// What happened.
    pub event: Event,
}

/// Everything that can happen to a case.
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
        role: RoleKind,
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
        role: RoleKind,
        /// Who holds it.
        person: PersonId,
        /// The new review date.
        review: Date,
        /// What the review found.
        reason: String,
    },
    /// A participant gave up a role.
    RoleEnded {
        /// The role.
        role: RoleKind,
        /// Who.
        person: PersonId,
        /// Why.
        reason: String,
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
        /// The authority recorded (model, transition, mandate).
        authority: String,
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
        effect: WithinEffect,
    },
    /// A handover duty was created by a transition.
    HandoverCreated {
        /// Id.
        task: TaskId,
        /// The role handed over.
        role: RoleKind,
        /// Who must hand over.
        holder: Option<PersonId>,
        /// What the model asks.
        text: String,
        /// The transition that created it.
        transition: TransitionId,
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
            Event::CaseClosed { .. } => "case_closed",
        }
    }
}
