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
    Open(Open),
    /// A professional joins the case.
    AddParticipant(AddParticipant),
    /// A professional leaves the case (only when holding no role).
    RemoveParticipant(RemoveParticipant),
    /// A member joins the household.
    AddMember(AddMember),
    /// A member leaves the household.
    RemoveMember(RemoveMember),
    /// A participant takes a role (casusregie, procesregie, …).
    AssignRole(AssignRole),
    /// A role holding (procesregie) is reviewed and continues until a new review date.
    ReviewRole(ReviewRole),
    /// A participant gives up a role.
    EndRole(EndRole),
    /// A signal about the household is recorded.
    RecordSignal(RecordSignal),
    /// A criterion of the model is assessed, with evidence.
    AssessCriterion(AssessCriterion),
    /// A fact about the household is recorded.
    RecordFact(RecordFact),
    /// The integrated plan (for a phase: e.g. the AVE 3 aanpak) is set.
    SetPlan(SetPlan),
    /// A goal is added to the plan.
    AddGoal(AddGoal),
    /// A goal's status changes.
    UpdateGoal(UpdateGoal),
    /// An agreement or action is added to the plan.
    AddAction(AddAction),
    /// An action is done.
    CompleteAction(CompleteAction),
    /// A meeting of a kind the model names took place.
    HoldMeeting(HoldMeeting),
    /// The case is evaluated; sets the next evaluation date.
    Evaluate(Evaluate),
    /// Someone proposes an op- or afschaling.
    Propose(Propose),
    /// A person who may decide approves or rejects a request.
    Decide(Decide),
    /// The proposer withdraws a request.
    Withdraw(Withdraw),
    /// The parties disagree about a request; the model's arbiter must decide.
    RaiseDisagreement(RaiseDisagreement),
    /// The arbiter settles a disagreement, deciding the request.
    Settle(Settle),
    /// A formal decision (e.g. the burgemeester's: huisverbod, gedwongen opname).
    FormalDecision(FormalDecision),
    /// A handover task is done.
    CompleteHandover(CompleteHandover),
    /// Someone with the right function has seen a deviation.
    AcknowledgeDeviation(AcknowledgeDeviation),
    /// The case is closed.
    Close(Close),
    /// The case moves to another version of its model (an administrative, logged action;
    /// decided against the new version).
    ChangeModel(ChangeModel),
}

impl Command {
    /// The command's name as scenarios write it (`do = "…"`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Open(_) => "open",
            Command::AddParticipant(_) => "add-participant",
            Command::RemoveParticipant(_) => "remove-participant",
            Command::AddMember(_) => "add-member",
            Command::RemoveMember(_) => "remove-member",
            Command::AssignRole(_) => "assign-role",
            Command::ReviewRole(_) => "review-role",
            Command::EndRole(_) => "end-role",
            Command::RecordSignal(_) => "record-signal",
            Command::AssessCriterion(_) => "assess-criterion",
            Command::RecordFact(_) => "record-fact",
            Command::SetPlan(_) => "set-plan",
            Command::AddGoal(_) => "add-goal",
            Command::UpdateGoal(_) => "update-goal",
            Command::AddAction(_) => "add-action",
            Command::CompleteAction(_) => "complete-action",
            Command::HoldMeeting(_) => "hold-meeting",
            Command::Evaluate(_) => "evaluate",
            Command::Propose(_) => "propose",
            Command::Decide(_) => "decide",
            Command::Withdraw(_) => "withdraw",
            Command::RaiseDisagreement(_) => "raise-disagreement",
            Command::Settle(_) => "settle",
            Command::FormalDecision(_) => "formal-decision",
            Command::CompleteHandover(_) => "complete-handover",
            Command::AcknowledgeDeviation(_) => "acknowledge-deviation",
            Command::Close(_) => "close",
            Command::ChangeModel(_) => "change-model",
        }
    }
}

/// Opens a case in an entry phase of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Open {
    /// The new case's id.
    pub case: CaseId,
    /// The entry phase.
    pub phase: PhaseId,
    /// Why the case is opened.
    pub reason: String,
    /// The household.
    #[serde(default)]
    pub household: Vec<Member>,
    /// The first participants; the one opening must be among them.
    #[serde(default)]
    pub participants: Vec<Participant>,
    /// Facts established at opening (an entry phase may require some).
    #[serde(default)]
    pub facts: Vec<OpeningFact>,
}

/// A professional joins the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddParticipant {
    /// Pseudonymous id.
    pub person: PersonId,
    /// Display name.
    pub name: String,
    /// Function from the model.
    pub function: FunctionId,
    /// Organisation.
    pub organisation: String,
}

/// A professional leaves the case (only when holding no role).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveParticipant {
    /// Who leaves.
    pub person: PersonId,
    /// Why.
    pub reason: String,
}

/// A member joins the household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    /// Pseudonymous id.
    pub member: MemberId,
    /// Role in the household.
    pub role: String,
    /// Whether the member is a minor.
    #[serde(default)]
    pub minor: bool,
    /// Date of birth, if known.
    #[serde(default)]
    pub born: Option<Date>,
    /// Why the step deviates from a `bij voorkeur` requirement of the model, where it does
    /// (afwijking met motivering); without it such a step is refused.
    #[serde(default)]
    pub motivation: Option<String>,
}

/// A member leaves the household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveMember {
    /// Who leaves.
    pub member: MemberId,
    /// Why.
    pub reason: String,
    /// Why the step deviates from a `bij voorkeur` requirement of the model, where it does
    /// (afwijking met motivering); without it such a step is refused.
    #[serde(default)]
    pub motivation: Option<String>,
}

/// A participant takes a role (casusregie, procesregie, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignRole {
    /// The role.
    pub role: RoleKind,
    /// Who takes it.
    pub person: PersonId,
    /// Review date (procesregie is temporary); defaults to the phase's norm.
    #[serde(default)]
    pub review: Option<Date>,
    /// Why (required when the casusregisseur changes under the continuity rule).
    #[serde(default)]
    pub reason: Option<String>,
    /// Why the step deviates from a `bij voorkeur` requirement of the model, where it does
    /// (afwijking met motivering); without it such a step is refused.
    #[serde(default)]
    pub motivation: Option<String>,
}

/// A role holding (procesregie) is reviewed and continues until a new review date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRole {
    /// The role.
    pub role: RoleKind,
    /// Who holds it.
    pub person: PersonId,
    /// The new review date.
    pub review: Date,
    /// What the review found.
    pub reason: String,
}

/// A participant gives up a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndRole {
    /// The role.
    pub role: RoleKind,
    /// Who gives it up.
    pub person: PersonId,
    /// Why.
    pub reason: String,
}

/// A signal about the household is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSignal {
    /// Id of the signal.
    pub signal: SignalId,
    /// Who reported it (police, school, neighbours, …).
    pub source: String,
    /// What kind of signal.
    pub category: String,
    /// What was reported.
    pub text: String,
    /// Triggers of the model the signal matches.
    #[serde(default)]
    pub triggers: Vec<TriggerId>,
}

/// A criterion of the model is assessed, with evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessCriterion {
    /// The criterion.
    pub criterion: CriterionId,
    /// Whether it holds.
    pub holds: bool,
    /// What it rests on.
    pub evidence: String,
}

/// A fact about the household is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordFact {
    /// The fact.
    pub fact: FactId,
    /// Whether it holds.
    pub holds: bool,
    /// What it rests on.
    pub evidence: String,
}

/// The integrated plan (for a phase: e.g. the AVE 3 aanpak) is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetPlan {
    /// The phase the plan is for.
    pub phase: PhaseId,
    /// What the plan says, in short.
    pub summary: String,
}

/// A goal is added to the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddGoal {
    /// Id.
    pub goal: GoalId,
    /// Life domain (leefgebied).
    pub leefgebied: String,
    /// The goal.
    pub text: String,
    /// Who owns it.
    pub owner: PersonId,
    /// When it is due.
    pub due: Date,
}

/// A goal's status changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateGoal {
    /// Which goal.
    pub goal: GoalId,
    /// The new status.
    pub status: GoalStatus,
    /// What happened.
    pub explanation: String,
}

/// An agreement or action is added to the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddAction {
    /// Id.
    pub action: ActionId,
    /// Agreement or action.
    pub kind: ActionKind,
    /// What is agreed or to be done.
    pub text: String,
    /// Who carries it out.
    #[serde(default)]
    pub owner: Option<PersonId>,
    /// When it is due.
    #[serde(default)]
    pub due: Option<Date>,
    /// The werkafspraak it follows, if any.
    #[serde(default)]
    pub werkafspraak: Option<AgreementId>,
}

/// An action is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteAction {
    /// Which action.
    pub action: ActionId,
    /// What came of it.
    pub result: String,
}

/// A meeting of a kind the model names took place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoldMeeting {
    /// Id.
    pub meeting: MeetingId,
    /// Kind (MDO, COM, …).
    pub kind: MeetingKindId,
    /// Who attended.
    pub attendees: Vec<PersonId>,
    /// What was decided.
    #[serde(default)]
    pub decisions: Vec<String>,
}

/// The case is evaluated; sets the next evaluation date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluate {
    /// What the evaluation found.
    pub summary: String,
    /// Next evaluation; defaults to the phase's norm.
    #[serde(default)]
    pub next: Option<Date>,
}

/// Someone proposes an op- or afschaling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Propose {
    /// Id of the request.
    pub request: RequestId,
    /// The model's transition.
    pub transition: TransitionId,
    /// The criteria the proposal rests on.
    pub criteria: Vec<CriterionId>,
    /// The evidence.
    pub evidence: String,
}

/// A person who may decide approves or rejects a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decide {
    /// Which request.
    pub request: RequestId,
    /// Approve or reject.
    pub approve: bool,
    /// Why.
    pub reason: String,
    /// Under which authority (mandate, law, model section), beyond the function.
    #[serde(default)]
    pub authority: Option<String>,
    /// Whom the decider consulted.
    #[serde(default)]
    pub consulted: Vec<PersonId>,
    /// Why the step deviates from a `bij voorkeur` requirement of the model, where it does
    /// (afwijking met motivering); without it such a step is refused.
    #[serde(default)]
    pub motivation: Option<String>,
}

/// The proposer withdraws a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withdraw {
    /// Which request.
    pub request: RequestId,
    /// Why.
    pub reason: String,
}

/// The parties disagree about a request; the model's arbiter must decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RaiseDisagreement {
    /// Id.
    pub disagreement: DisagreementId,
    /// The request disagreed about.
    pub request: RequestId,
    /// The positions.
    pub positions: String,
}

/// The arbiter settles a disagreement, deciding the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settle {
    /// Which disagreement.
    pub disagreement: DisagreementId,
    /// Approve or reject the request.
    pub approve: bool,
    /// Why.
    pub reason: String,
    /// Why the step deviates from a `bij voorkeur` requirement of the model, where it does
    /// (afwijking met motivering); without it such a step is refused.
    #[serde(default)]
    pub motivation: Option<String>,
}

/// A formal decision (e.g. the burgemeester's: huisverbod, gedwongen opname).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormalDecision {
    /// Id.
    pub decision: DecisionId,
    /// What it is about.
    pub subject: String,
    /// The decision.
    pub text: String,
    /// Its legal basis.
    #[serde(default)]
    pub grondslag: Option<String>,
    /// The kind of decision, where the model declares kinds (huisverbod, …).
    #[serde(default)]
    pub kind: Option<ave_model::DecisionKindId>,
}

/// A handover task is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompleteHandover {
    /// Which task.
    pub task: TaskId,
    /// How it was handed over.
    pub how: String,
}

/// The case moves to another version of its model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeModel {
    /// The version moved to (the model the command is decided against).
    pub version: String,
    /// Why.
    pub reason: String,
}

/// The case is closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Close {
    /// Why.
    pub reason: String,
    /// How it ends.
    pub end_state: EndState,
}

/// A fact established when a case is opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpeningFact {
    /// The fact.
    pub fact: FactId,
    /// What it rests on.
    pub evidence: String,
}

/// Someone with the right function has seen a deviation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeDeviation {
    /// Which deviation.
    pub deviation: crate::ids::DeviationId,
    /// What they answer: seen, discussed, agreed or not (`response`, because a scenario
    /// step's own remark is its `note`).
    pub response: String,
}
