//! Commands: everything a person can ask of a case. Each is checked against the model and
//! the enabled rules before it produces events; a rejected command changes nothing.

use ave_model::{
    AgreementId, CriterionId, Date, FactId, FunctionId, MeetingKindId, PhaseId, RoleKind,
    TransitionId, TriggerId,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{
    ActionId, CaseId, DecisionId, DisagreementId, GoalId, MeetingId, MemberId, PersonId, RequestId,
    SignalId, TaskId,
};

/// A command with who gives it and when. The engine never reads the clock: `at` is the
/// caller's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// When the command is given.
    pub at: DateTime<Utc>,
    /// Who gives it: a participant of the case (for `open`: one of the participants named).
    pub by: PersonId,
    /// What is asked.
    pub command: Command,
}

/// A professional or administrator involved in the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    /// Pseudonymous id.
    pub person: PersonId,
    /// Display name (a professional's work name; never a resident's).
    pub name: String,
    /// The function the person holds, from the model.
    pub function: FunctionId,
    /// The organisation the person works for.
    pub organisation: String,
}

/// A member of the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Pseudonymous id (never a BSN or name).
    pub member: MemberId,
    /// Role in the household: ouder, kind, partner, …
    pub role: String,
    /// Whether the member is a minor. With a date of birth the engine also derives it.
    #[serde(default)]
    pub minor: bool,
    /// Date of birth, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub born: Option<Date>,
}

/// Status of a goal in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GoalStatus {
    /// Being worked on.
    Lopend,
    /// Achieved.
    Behaald,
    /// Stopped without being achieved.
    Gestopt,
}

/// An agreement (afspraak) or an action (actie) in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// An agreement between the parties.
    Afspraak,
    /// An action someone will carry out.
    Actie,
}

/// How a case ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndState {
    /// No further support needed.
    Afgesloten,
    /// Light, long-term monitoring (waakvlam).
    Waakvlam,
    /// The household moved to another gemeente; the case was handed over.
    Verhuisd,
    /// The case ends for another reason (given in the reason).
    Anders,
}

/// Everything a person can ask of a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Command {
    /// Opens a case in an entry phase of the model.
    Open {
        /// The new case's id.
        case: CaseId,
        /// The entry phase.
        phase: PhaseId,
        /// Why the case is opened.
        reason: String,
        /// The household.
        #[serde(default)]
        household: Vec<Member>,
        /// The first participants; the one opening must be among them.
        #[serde(default)]
        participants: Vec<Participant>,
    },
    /// A professional joins the case.
    AddParticipant {
        /// Pseudonymous id.
        person: PersonId,
        /// Display name.
        name: String,
        /// Function from the model.
        function: FunctionId,
        /// Organisation.
        organisation: String,
    },
    /// A professional leaves the case (only when holding no role).
    RemoveParticipant {
        /// Who leaves.
        person: PersonId,
        /// Why.
        reason: String,
    },
    /// A member joins the household.
    AddMember {
        /// Pseudonymous id.
        member: MemberId,
        /// Role in the household.
        role: String,
        /// Whether the member is a minor.
        #[serde(default)]
        minor: bool,
        /// Date of birth, if known.
        #[serde(default)]
        born: Option<Date>,
    },
    /// A member leaves the household.
    RemoveMember {
        /// Who leaves.
        member: MemberId,
        /// Why.
        reason: String,
    },
    /// A participant takes a role (casusregie, procesregie, …).
    AssignRole {
        /// The role.
        role: RoleKind,
        /// Who takes it.
        person: PersonId,
        /// Review date (procesregie is temporary); defaults to the phase's norm.
        #[serde(default)]
        review: Option<Date>,
        /// Why (required when the casusregisseur changes under the continuity rule).
        #[serde(default)]
        reason: Option<String>,
    },
    /// A role holding (procesregie) is reviewed and continues until a new review date.
    ReviewRole {
        /// The role.
        role: RoleKind,
        /// Who holds it.
        person: PersonId,
        /// The new review date.
        review: Date,
        /// What the review found.
        reason: String,
    },
    /// A participant gives up a role.
    EndRole {
        /// The role.
        role: RoleKind,
        /// Who gives it up.
        person: PersonId,
        /// Why.
        reason: String,
    },
    /// A signal about the household is recorded.
    RecordSignal {
        /// Id of the signal.
        signal: SignalId,
        /// Who reported it (police, school, neighbours, …).
        source: String,
        /// What kind of signal.
        category: String,
        /// What was reported.
        text: String,
        /// Triggers of the model the signal matches.
        #[serde(default)]
        triggers: Vec<TriggerId>,
    },
    /// A criterion of the model is assessed, with evidence.
    AssessCriterion {
        /// The criterion.
        criterion: CriterionId,
        /// Whether it holds.
        holds: bool,
        /// What it rests on.
        evidence: String,
    },
    /// A fact about the household is recorded.
    RecordFact {
        /// The fact.
        fact: FactId,
        /// Whether it holds.
        holds: bool,
        /// What it rests on.
        evidence: String,
    },
    /// The integrated plan (for a phase: e.g. the AVE 3 aanpak) is set.
    SetPlan {
        /// The phase the plan is for.
        phase: PhaseId,
        /// What the plan says, in short.
        summary: String,
    },
    /// A goal is added to the plan.
    AddGoal {
        /// Id.
        goal: GoalId,
        /// Life domain (leefgebied).
        leefgebied: String,
        /// The goal.
        text: String,
        /// Who owns it.
        owner: PersonId,
        /// When it is due.
        due: Date,
    },
    /// A goal's status changes.
    UpdateGoal {
        /// Which goal.
        goal: GoalId,
        /// The new status.
        status: GoalStatus,
        /// What happened.
        explanation: String,
    },
    /// An agreement or action is added to the plan.
    AddAction {
        /// Id.
        action: ActionId,
        /// Agreement or action.
        kind: ActionKind,
        /// What is agreed or to be done.
        text: String,
        /// Who carries it out.
        #[serde(default)]
        owner: Option<PersonId>,
        /// When it is due.
        #[serde(default)]
        due: Option<Date>,
        /// The werkafspraak it follows, if any.
        #[serde(default)]
        werkafspraak: Option<AgreementId>,
    },
    /// An action is done.
    CompleteAction {
        /// Which action.
        action: ActionId,
        /// What came of it.
        result: String,
    },
    /// A meeting of a kind the model names took place.
    HoldMeeting {
        /// Id.
        meeting: MeetingId,
        /// Kind (MDO, COM, …).
        kind: MeetingKindId,
        /// Who attended.
        attendees: Vec<PersonId>,
        /// What was decided.
        #[serde(default)]
        decisions: Vec<String>,
    },
    /// The case is evaluated; sets the next evaluation date.
    Evaluate {
        /// What the evaluation found.
        summary: String,
        /// Next evaluation; defaults to the phase's norm.
        #[serde(default)]
        next: Option<Date>,
    },
    /// Someone proposes an op- or afschaling.
    Propose {
        /// Id of the request.
        request: RequestId,
        /// The model's transition.
        transition: TransitionId,
        /// The criteria the proposal rests on.
        criteria: Vec<CriterionId>,
        /// The evidence.
        evidence: String,
    },
    /// A person who may decide approves or rejects a request.
    Decide {
        /// Which request.
        request: RequestId,
        /// Approve or reject.
        approve: bool,
        /// Why.
        reason: String,
        /// Under which authority (mandate, law, model section), beyond the function.
        #[serde(default)]
        authority: Option<String>,
        /// Whom the decider consulted.
        #[serde(default)]
        consulted: Vec<PersonId>,
    },
    /// The proposer withdraws a request.
    Withdraw {
        /// Which request.
        request: RequestId,
        /// Why.
        reason: String,
    },
    /// The parties disagree about a request; the model's arbiter must decide.
    RaiseDisagreement {
        /// Id.
        disagreement: DisagreementId,
        /// The request disagreed about.
        request: RequestId,
        /// The positions.
        positions: String,
    },
    /// The arbiter settles a disagreement, deciding the request.
    Settle {
        /// Which disagreement.
        disagreement: DisagreementId,
        /// Approve or reject the request.
        approve: bool,
        /// Why.
        reason: String,
    },
    /// A formal decision (e.g. the burgemeester's: huisverbod, gedwongen opname).
    FormalDecision {
        /// Id.
        decision: DecisionId,
        /// What it is about.
        subject: String,
        /// The decision.
        text: String,
        /// Its legal basis.
        #[serde(default)]
        grondslag: Option<String>,
    },
    /// A handover task is done.
    CompleteHandover {
        /// Which task.
        task: TaskId,
        /// How it was handed over.
        how: String,
    },
    /// The case is closed.
    Close {
        /// Why.
        reason: String,
        /// How it ends.
        end_state: EndState,
    },
}

impl Command {
    /// The command's name as scenarios write it (`do = "…"`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Open { .. } => "open",
            Command::AddParticipant { .. } => "add-participant",
            Command::RemoveParticipant { .. } => "remove-participant",
            Command::AddMember { .. } => "add-member",
            Command::RemoveMember { .. } => "remove-member",
            Command::AssignRole { .. } => "assign-role",
            Command::ReviewRole { .. } => "review-role",
            Command::EndRole { .. } => "end-role",
            Command::RecordSignal { .. } => "record-signal",
            Command::AssessCriterion { .. } => "assess-criterion",
            Command::RecordFact { .. } => "record-fact",
            Command::SetPlan { .. } => "set-plan",
            Command::AddGoal { .. } => "add-goal",
            Command::UpdateGoal { .. } => "update-goal",
            Command::AddAction { .. } => "add-action",
            Command::CompleteAction { .. } => "complete-action",
            Command::HoldMeeting { .. } => "hold-meeting",
            Command::Evaluate { .. } => "evaluate",
            Command::Propose { .. } => "propose",
            Command::Decide { .. } => "decide",
            Command::Withdraw { .. } => "withdraw",
            Command::RaiseDisagreement { .. } => "raise-disagreement",
            Command::Settle { .. } => "settle",
            Command::FormalDecision { .. } => "formal-decision",
            Command::CompleteHandover { .. } => "complete-handover",
            Command::Close { .. } => "close",
        }
    }
}
