//! The state of a case, built only by applying events. Replaying a case's events from the
//! start gives the same state ("de film"); the state holds nothing an event did not say.
//!
//! Applying an event checks it first: an event that refers to a goal, request, task or
//! person that does not exist, comes out of order, or follows the closing of the case is
//! refused with its position and the reason, so a damaged history never replays quietly.
//! Besides the items themselves the case keeps indexes that the rules and views ask for
//! (the open request, the latest meeting of each kind, who was consulted, open tasks and goals
//! per person), updated as events apply, so that no command and no view walks the whole
//! history.

mod apply;
mod journal;

use ave_model::{
    AgreementId, CriterionId, Date, FactId, FunctionId, MeetingKindId, ModelId, PhaseId, RoleKind,
    TransitionId, TriggerId,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

pub use apply::ReplayError;
use journal::{Cell, Journaled, Log, Registry, Table};

use crate::event::{ActionKind, EndState, GoalStatus, Member, Participant, Recorded, Requirement};
use crate::ids::{
    ActionId, CaseId, DecisionId, DeviationId, DisagreementId, GoalId, MeetingId, MemberId,
    PersonId, RequestId, SignalId, TaskId,
};

/// One holding of a role by a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleHolding {
    /// The role.
    pub role: RoleKind,
    /// Who.
    pub person: PersonId,
    /// Under which function.
    pub function: FunctionId,
    /// Since when.
    pub since: DateTime<Utc>,
    /// Position in the history of the event that started it.
    pub since_seq: u64,
    /// Until when (set when the holding ended).
    pub until: Option<DateTime<Utc>>,
    /// Review date (procesregie).
    pub review: Option<Date>,
}

/// A recorded judgement on a criterion or fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// Whether it holds.
    pub holds: bool,
    /// Evidence.
    pub evidence: String,
    /// When.
    pub at: DateTime<Utc>,
    /// By whom.
    pub by: PersonId,
    /// Position in the history.
    pub seq: u64,
}

/// A signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signal {
    /// Source.
    pub source: String,
    /// Category.
    pub category: String,
    /// Text.
    pub text: String,
    /// Triggers it matched.
    pub triggers: Vec<TriggerId>,
    /// When.
    pub at: DateTime<Utc>,
}

/// A version of the integrated plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanVersion {
    /// For which phase.
    pub phase: PhaseId,
    /// Summary.
    pub summary: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the history.
    pub seq: u64,
}

/// A goal of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Goal {
    /// Leefgebied.
    pub leefgebied: String,
    /// Text.
    pub text: String,
    /// Owner.
    pub owner: PersonId,
    /// Due date.
    pub due: Date,
    /// Status.
    pub status: GoalStatus,
}

/// An agreement or action of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanAction {
    /// Kind.
    pub kind: ActionKind,
    /// Text.
    pub text: String,
    /// Owner.
    pub owner: Option<PersonId>,
    /// Due.
    pub due: Option<Date>,
    /// Werkafspraak followed.
    pub werkafspraak: Option<AgreementId>,
    /// Whether the model knows that werkafspraak.
    pub werkafspraak_known: bool,
    /// When completed.
    pub done: Option<DateTime<Utc>>,
}

/// A meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Meeting {
    /// Kind.
    pub kind: MeetingKindId,
    /// When.
    pub at: DateTime<Utc>,
    /// Attendees.
    pub attendees: Vec<PersonId>,
    /// Decisions.
    pub decisions: Vec<String>,
    /// Position in the history.
    pub seq: u64,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequestStatus {
    /// Waiting for a decision.
    Open,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Withdrawn.
    Withdrawn,
}

/// A decision on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    /// By whom.
    pub by: PersonId,
    /// Under which function.
    pub function: FunctionId,
    /// The mandate or authority the decider added.
    pub mandate: Option<String>,
    /// Why.
    pub reason: String,
    /// Who was consulted.
    pub consulted: Vec<PersonId>,
    /// Criteria that held.
    pub criteria_holding: Vec<CriterionId>,
    /// Decided by the arbiter.
    pub arbiter: bool,
    /// Functions the model says to consult that the decision did not consult.
    pub unconsulted: Vec<FunctionId>,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the history.
    pub seq: u64,
}

/// A transition request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    /// The model's transition.
    pub transition: TransitionId,
    /// From phase.
    pub from: PhaseId,
    /// To phase.
    pub to: PhaseId,
    /// Criteria cited.
    pub criteria: Vec<CriterionId>,
    /// Evidence.
    pub evidence: String,
    /// Proposer.
    pub proposed_by: PersonId,
    /// When.
    pub proposed_at: DateTime<Utc>,
    /// Position in the history of the proposal.
    pub proposed_seq: u64,
    /// Status.
    pub status: RequestStatus,
    /// The decision, once taken.
    pub decision: Option<DecisionRecord>,
}

/// A disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disagreement {
    /// The request.
    pub request: RequestId,
    /// Positions.
    pub positions: String,
    /// Raised by.
    pub raised_by: PersonId,
    /// When raised.
    pub at: DateTime<Utc>,
    /// How the arbiter settled it.
    pub settled: Option<Settlement>,
}

/// The arbiter's settlement of a disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    /// The arbiter.
    pub by: PersonId,
    /// Whether the request was approved.
    pub approved: bool,
    /// Why.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the history.
    pub seq: u64,
}

/// A deviation from a `bij voorkeur` requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deviation {
    /// What was deviated from.
    pub requirement: Requirement,
    /// Why.
    pub motivation: String,
    /// Who must see it (empty: anyone involved).
    pub seen_by: Vec<FunctionId>,
    /// Who deviated.
    pub by: PersonId,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the history.
    pub seq: u64,
    /// Who saw it, when, and what they noted.
    pub seen: Option<(PersonId, DateTime<Utc>, String)>,
}

/// A formal decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormalDecision {
    /// Subject.
    pub subject: String,
    /// Text.
    pub text: String,
    /// Legal basis.
    pub grondslag: Option<String>,
    /// By.
    pub by: PersonId,
    /// Function.
    pub function: FunctionId,
    /// The kind of decision, where the model declares kinds.
    pub kind: Option<ave_model::DecisionKindId>,
    /// When.
    pub at: DateTime<Utc>,
}

/// What gave rise to a handover task.
pub use crate::event::HandoverCause;

/// A handover task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandoverTask {
    /// Role handed over.
    pub role: RoleKind,
    /// Who must hand over.
    pub holder: Option<PersonId>,
    /// What the model asks.
    pub text: String,
    /// What gave rise to it.
    pub cause: HandoverCause,
    /// When created.
    pub at: DateTime<Utc>,
    /// When done.
    pub done: Option<DateTime<Utc>>,
}

/// A trigger that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiredTrigger {
    /// Which.
    pub trigger: TriggerId,
    /// By which signal.
    pub signal: Option<SignalId>,
    /// In which phase.
    pub phase: PhaseId,
    /// When.
    pub at: DateTime<Utc>,
    /// Position in the history.
    pub seq: u64,
}

/// A stay in a phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseStay {
    /// The phase.
    pub phase: PhaseId,
    /// From.
    pub from: DateTime<Utc>,
    /// Position in the history of the event that entered the phase.
    pub from_seq: u64,
    /// Until (open while current).
    pub until: Option<DateTime<Utc>>,
}

/// How a case was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closure {
    /// Why.
    pub reason: String,
    /// End state.
    pub end_state: EndState,
    /// When.
    pub at: DateTime<Utc>,
}

/// The small, whole-value part of the state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Head {
    id: CaseId,
    model: ModelId,
    model_version: String,
    seq: u64,
    opened_at: DateTime<Utc>,
    last_at: DateTime<Utc>,
    phase: PhaseId,
    next_evaluation: Option<Date>,
    last_evaluated: Option<u64>,
    last_progress: DateTime<Utc>,
    procesregie_added: bool,
    open_request: Option<RequestId>,
    casusregie_changes: u32,
    closed: Option<Closure>,
}

/// Declares the journaled parts of [`Case`] once, so that beginning, rolling back and
/// committing a transaction can never skip one.
macro_rules! journaled_state {
    ($( $(#[$doc:meta])* $field:ident : $ty:ty, )*) => {
        /// The state of one case. Built only by [`Case::replay`] and [`Case::apply`] (and by
        /// [`crate::execute`]); read through its methods.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Case {
            head: Cell<Head>,
            $( $(#[$doc])* $field: $ty, )*
        }

        impl Case {
            fn from_head(head: Head) -> Case {
                Case { head: Cell::new(head), $( $field: Default::default(), )* }
            }
        }

        impl Journaled for Case {
            fn begin(&mut self) {
                self.head.begin();
                $( self.$field.begin(); )*
            }
            fn rollback(&mut self) {
                self.head.rollback();
                $( self.$field.rollback(); )*
            }
            fn commit(&mut self) {
                self.head.commit();
                $( self.$field.commit(); )*
            }
        }
    };
}

journaled_state! {
    /// Every stay in a phase, in order; the last is the current one.
    stays: Log<PhaseStay>,
    /// The household.
    members: Table<MemberId, Member>,
    /// The professionals involved.
    participants: Table<PersonId, Participant>,
    /// Every role holding, current and past, in order.
    holdings: Log<RoleHolding>,
    /// Current holdings: (role, person) → position in `holdings`.
    current: Table<(RoleKind, PersonId), usize>,
    /// Signals.
    signals: Registry<SignalId, Signal>,
    /// Triggers that fired, in order of position.
    fired: Log<FiredTrigger>,
    /// Latest assessment per criterion.
    criteria: Table<CriterionId, Assessment>,
    /// Latest recorded value per fact.
    facts: Table<FactId, Assessment>,
    /// Plan versions.
    plans: Log<PlanVersion>,
    /// Position of the latest plan per phase it is for.
    latest_plan: Table<PhaseId, u64>,
    /// Goals.
    goals: Registry<GoalId, Goal>,
    /// Running goals per owner.
    running_goals: Table<PersonId, u32>,
    /// Agreements and actions.
    actions: Registry<ActionId, PlanAction>,
    /// Meetings.
    meetings: Registry<MeetingId, Meeting>,
    /// Position of the latest meeting of each kind.
    latest_meeting: Table<MeetingKindId, u64>,
    /// Position of the latest meeting each function attended.
    latest_attendance: Table<FunctionId, u64>,
    /// Position of the latest meeting each person attended.
    latest_attendance_by_person: Table<PersonId, u64>,
    /// Transition requests.
    requests: Registry<RequestId, Request>,
    /// Position of the latest approval of each within-phase transition.
    latest_within: Table<TransitionId, u64>,
    /// Position of the latest settlement by the arbiter per transition.
    latest_ruling: Table<TransitionId, u64>,
    /// Disagreements.
    disagreements: Registry<DisagreementId, Disagreement>,
    /// The open disagreement on a request.
    open_disagreements: Table<RequestId, DisagreementId>,
    /// Formal decisions.
    decisions: Registry<DecisionId, FormalDecision>,
    /// Handover tasks.
    tasks: Registry<TaskId, HandoverTask>,
    /// Tasks not done yet.
    open_tasks: Table<TaskId, ()>,
    /// Open tasks per holder.
    open_tasks_by_holder: Table<PersonId, u32>,
    /// Deviations from `bij voorkeur` requirements.
    deviations: Registry<DeviationId, Deviation>,
    /// Deviations nobody with the right function has seen yet.
    unseen_deviations: Table<DeviationId, ()>,
}

impl Case {
    /// Replays a case's history from its first event.
    ///
    /// ```
    /// # use ave_engine::{Case, ReplayError};
    /// let none: Vec<ave_engine::Recorded> = Vec::new();
    /// assert!(matches!(Case::replay(&none), Err(ReplayError::Empty)));
    /// ```
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Recorded>) -> Result<Case, ReplayError> {
        let mut events = events.into_iter();
        let first = events.next().ok_or(ReplayError::Empty)?;
        let mut case = Case::open_from(first)?;
        for r in events {
            case.apply_unjournaled(r)?;
        }
        Ok(case)
    }

    /// Builds a case from its opening event.
    pub fn open_from(r: &Recorded) -> Result<Case, ReplayError> {
        apply::open(r)
    }

    /// Applies one event that follows the case's history. A refused event changes nothing.
    pub fn apply(&mut self, r: &Recorded) -> Result<(), ReplayError> {
        self.transaction(std::slice::from_ref(r))
    }

    /// Applies the events of one command, all or none.
    pub(crate) fn transaction(&mut self, events: &[Recorded]) -> Result<(), ReplayError> {
        self.begin();
        for r in events {
            if let Err(e) = self.apply_unjournaled(r) {
                self.rollback();
                return Err(e);
            }
        }
        self.commit();
        Ok(())
    }

    fn head(&self) -> &Head {
        self.head.get()
    }

    /// Id.
    pub fn id(&self) -> &CaseId {
        &self.head().id
    }

    /// The model the case runs under.
    pub fn model(&self) -> &ModelId {
        &self.head().model
    }

    /// The model's version.
    pub fn model_version(&self) -> &str {
        &self.head().model_version
    }

    /// Number of events applied (the position of the last).
    pub fn seq(&self) -> u64 {
        self.head().seq
    }

    /// When it was opened.
    pub fn opened_at(&self) -> DateTime<Utc> {
        self.head().opened_at
    }

    /// Time of the last event.
    pub fn last_at(&self) -> DateTime<Utc> {
        self.head().last_at
    }

    /// The current phase.
    pub fn phase(&self) -> &PhaseId {
        &self.head().phase
    }

    /// Every stay in a phase, in order; the last is the current one.
    pub fn stays(&self) -> &[PhaseStay] {
        self.stays.items()
    }

    /// The position in the history of the event that entered the current phase. What counts
    /// "in this phase" comes after it; positions, unlike dates, never tie.
    pub fn phase_entry(&self) -> u64 {
        self.stays.last().map_or(1, |s| s.from_seq)
    }

    /// The household.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    /// A member of the household.
    pub fn member(&self, id: &MemberId) -> Option<&Member> {
        self.members.get(id)
    }

    /// Whether any household member is a minor on `day`.
    pub fn has_minors(&self, day: Date) -> bool {
        self.members.values().any(|m| is_minor(m, day))
    }

    /// The professionals involved.
    pub fn participants(&self) -> impl Iterator<Item = &Participant> {
        self.participants.values()
    }

    /// A professional involved.
    pub fn participant(&self, id: &PersonId) -> Option<&Participant> {
        self.participants.get(id)
    }

    /// Current holders of a role.
    pub fn holders(&self, role: RoleKind) -> impl Iterator<Item = &RoleHolding> {
        // Current holdings are few (the roles of one case), so a filter is cheap.
        self.current
            .iter()
            .filter(move |((r, _), _)| *r == role)
            .filter_map(|(_, &i)| self.holdings.items().get(i))
    }

    /// Every role holding, current and past, in order.
    pub fn holdings(&self) -> &[RoleHolding] {
        self.holdings.items()
    }

    /// Every current holding.
    pub fn current_holdings(&self) -> impl Iterator<Item = &RoleHolding> {
        self.current
            .values()
            .filter_map(|&i| self.holdings.items().get(i))
    }

    /// Current holding of a role by a person.
    pub fn holding(&self, role: RoleKind, person: &PersonId) -> Option<&RoleHolding> {
        self.current
            .get(&(role, person.clone()))
            .and_then(|&i| self.holdings.items().get(i))
    }

    /// Every role holding, current and past, in order.
    pub fn holding_history(&self) -> &[RoleHolding] {
        self.holdings.items()
    }

    /// Signals.
    pub fn signals(&self) -> impl Iterator<Item = (&SignalId, &Signal)> {
        self.signals.iter()
    }

    /// A signal.
    pub fn signal(&self, id: &SignalId) -> Option<&Signal> {
        self.signals.get(id)
    }

    /// Every trigger that fired, in order.
    pub fn fired(&self) -> &[FiredTrigger] {
        self.fired.items()
    }

    /// The triggers that fired after position `seq`.
    pub fn fired_after(&self, seq: u64) -> &[FiredTrigger] {
        let items = self.fired.items();
        let from = items.partition_point(|f| f.seq <= seq);
        &items[from..]
    }

    /// The latest assessment of a criterion.
    pub fn criterion(&self, id: &CriterionId) -> Option<&Assessment> {
        self.criteria.get(id)
    }

    /// The latest assessment of every criterion assessed.
    pub fn criteria(&self) -> impl Iterator<Item = (&CriterionId, &Assessment)> {
        self.criteria.iter()
    }

    /// The latest recorded value of a fact.
    pub fn fact(&self, id: &FactId) -> Option<&Assessment> {
        self.facts.get(id)
    }

    /// Plan versions, in order.
    pub fn plans(&self) -> &[PlanVersion] {
        self.plans.items()
    }

    /// Whether a plan for `phase` was set after position `seq`.
    pub fn plan_after(&self, phase: &PhaseId, seq: u64) -> bool {
        self.latest_plan.get(phase).is_some_and(|&s| s > seq)
    }

    /// Goals.
    pub fn goals(&self) -> impl Iterator<Item = (&GoalId, &Goal)> {
        self.goals.iter()
    }

    /// A goal.
    pub fn goal(&self, id: &GoalId) -> Option<&Goal> {
        self.goals.get(id)
    }

    /// How many running goals a person owns.
    pub fn running_goals_of(&self, person: &PersonId) -> u32 {
        self.running_goals.get(person).copied().unwrap_or(0)
    }

    /// Agreements and actions.
    pub fn actions(&self) -> impl Iterator<Item = (&ActionId, &PlanAction)> {
        self.actions.iter()
    }

    /// An agreement or action.
    pub fn action(&self, id: &ActionId) -> Option<&PlanAction> {
        self.actions.get(id)
    }

    /// Meetings.
    pub fn meetings(&self) -> impl Iterator<Item = (&MeetingId, &Meeting)> {
        self.meetings.iter()
    }

    /// A meeting.
    pub fn meeting(&self, id: &MeetingId) -> Option<&Meeting> {
        self.meetings.get(id)
    }

    /// Whether a meeting of `kind` was held after position `seq`.
    pub fn meeting_after(&self, kind: &MeetingKindId, seq: u64) -> bool {
        self.latest_meeting.get(kind).is_some_and(|&s| s > seq)
    }

    /// Whether someone with `function` attended a meeting after position `seq`.
    pub fn attended_after(&self, function: &FunctionId, seq: u64) -> bool {
        self.latest_attendance
            .get(function)
            .is_some_and(|&s| s > seq)
    }

    /// Whether a person attended a meeting after position `seq`.
    pub fn person_attended_after(&self, person: &PersonId, seq: u64) -> bool {
        self.latest_attendance_by_person
            .get(person)
            .is_some_and(|&s| s > seq)
    }

    /// Deviations from `bij voorkeur` requirements, in order.
    pub fn deviations(&self) -> impl Iterator<Item = (&DeviationId, &Deviation)> {
        self.deviations.iter()
    }

    /// A deviation.
    pub fn deviation(&self, id: &DeviationId) -> Option<&Deviation> {
        self.deviations.get(id)
    }

    /// Deviations nobody with the right function has seen yet.
    pub fn unseen_deviations(&self) -> impl Iterator<Item = (&DeviationId, &Deviation)> {
        self.unseen_deviations
            .keys()
            .filter_map(|id| self.deviations.get(id).map(|d| (id, d)))
    }

    /// How many deviations the case has recorded.
    pub fn deviation_count(&self) -> usize {
        self.deviations.len()
    }

    /// Transition requests.
    pub fn requests(&self) -> impl Iterator<Item = (&RequestId, &Request)> {
        self.requests.iter()
    }

    /// A transition request.
    pub fn request(&self, id: &RequestId) -> Option<&Request> {
        self.requests.get(id)
    }

    /// The request waiting for a decision, if any (there is at most one).
    pub fn open_request(&self) -> Option<(&RequestId, &Request)> {
        let id = self.head().open_request.as_ref()?;
        self.requests.get(id).map(|r| (id, r))
    }

    /// Whether a within-phase transition was approved in the current stay.
    pub fn applied_in_stay(&self, transition: &TransitionId) -> bool {
        self.latest_within
            .get(transition)
            .is_some_and(|&s| s > self.phase_entry())
    }

    /// Whether the arbiter ruled on a request for this transition in the current stay.
    pub fn ruled_in_stay(&self, transition: &TransitionId) -> bool {
        self.latest_ruling
            .get(transition)
            .is_some_and(|&s| s > self.phase_entry())
    }

    /// Disagreements.
    pub fn disagreements(&self) -> impl Iterator<Item = (&DisagreementId, &Disagreement)> {
        self.disagreements.iter()
    }

    /// A disagreement.
    pub fn disagreement(&self, id: &DisagreementId) -> Option<&Disagreement> {
        self.disagreements.get(id)
    }

    /// The unsettled disagreement about a request, if any.
    pub fn open_disagreement_on(&self, request: &RequestId) -> Option<&DisagreementId> {
        self.open_disagreements.get(request)
    }

    /// Every unsettled disagreement.
    pub fn open_disagreements(&self) -> impl Iterator<Item = (&DisagreementId, &Disagreement)> {
        self.open_disagreements
            .values()
            .filter_map(|id| self.disagreements.get(id).map(|d| (id, d)))
    }

    /// Formal decisions.
    pub fn decisions(&self) -> impl Iterator<Item = (&DecisionId, &FormalDecision)> {
        self.decisions.iter()
    }

    /// A formal decision.
    pub fn decision(&self, id: &DecisionId) -> Option<&FormalDecision> {
        self.decisions.get(id)
    }

    /// Handover tasks.
    pub fn tasks(&self) -> impl Iterator<Item = (&TaskId, &HandoverTask)> {
        self.tasks.iter()
    }

    /// A handover task.
    pub fn task(&self, id: &TaskId) -> Option<&HandoverTask> {
        self.tasks.get(id)
    }

    /// Handover tasks not done yet.
    pub fn open_tasks(&self) -> impl Iterator<Item = (&TaskId, &HandoverTask)> {
        self.open_tasks
            .keys()
            .filter_map(|id| self.tasks.get(id).map(|t| (id, t)))
    }

    /// How many open handover tasks fall on a person.
    pub fn open_tasks_of(&self, person: &PersonId) -> u32 {
        self.open_tasks_by_holder.get(person).copied().unwrap_or(0)
    }

    /// How many times casusregie changed hands under the continuity rule.
    pub fn casusregie_changes(&self) -> u32 {
        self.head().casusregie_changes
    }

    /// Next evaluation date.
    pub fn next_evaluation(&self) -> Option<Date> {
        self.head().next_evaluation
    }

    /// Position in the history of the last evaluation.
    pub fn last_evaluated(&self) -> Option<u64> {
        self.head().last_evaluated
    }

    /// Last time something moved the case forward (stagnation is measured from here).
    pub fn last_progress(&self) -> DateTime<Utc> {
        self.head().last_progress
    }

    /// A within-phase transition added procesregie in this stay and it has not ended since.
    pub fn procesregie_added(&self) -> bool {
        self.head().procesregie_added
    }

    /// How the case was closed, if it is.
    pub fn closed(&self) -> Option<&Closure> {
        self.head().closed.as_ref()
    }
}

/// Whether a member is a minor on `day`: by date of birth when known, else by the flag.
pub fn is_minor(m: &Member, day: Date) -> bool {
    match m.born {
        Some(born) => {
            let born = born.naive();
            let day = day.naive();
            born.checked_add_months(chrono::Months::new(18 * 12))
                .is_some_and(|adult| day < adult)
        }
        None => m.minor,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::event::Event;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, day, 9, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn rec(seq: u64, event: Event) -> Recorded {
        Recorded {
            seq,
            at: at(seq as u32),
            by: PersonId::parse("p").unwrap_or_else(|_| unreachable!()),
            event,
        }
    }

    fn id<T: TryFrom<String>>(s: &str) -> T {
        T::try_from(s.to_owned()).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn a_transaction_whose_last_event_fails_takes_back_the_earlier_ones() {
        let opened = rec(
            1,
            Event::CaseOpened {
                case: id("c"),
                model: id("m"),
                model_version: "1".into(),
                phase: id("2"),
                reason: "r".into(),
                household: vec![],
                participants: vec![Participant {
                    person: id("p"),
                    name: "P".into(),
                    function: id("f"),
                    organisation: "O".into(),
                }],
                next_evaluation: None,
            },
        );
        let mut case = Case::replay([&opened]).unwrap_or_else(|e| panic!("{e}"));
        let before = case.clone();
        let events = [
            rec(
                2,
                Event::GoalAdded {
                    goal: id("g"),
                    leefgebied: "wonen".into(),
                    text: "t".into(),
                    owner: id("p"),
                    due: Date::from(at(20).date_naive()),
                },
            ),
            rec(
                3,
                Event::RoleAssigned {
                    role: crate::event::Role::Casusregie,
                    person: id("p"),
                    function: id("f"),
                    review: None,
                    reason: None,
                    replaces: None,
                },
            ),
            // Refers to a task that does not exist.
            rec(
                4,
                Event::HandoverCompleted {
                    task: id("t"),
                    note: "n".into(),
                },
            ),
        ];
        let e = case.transaction(&events).expect_err("the last fails");
        assert!(matches!(e, ReplayError::Dangling { seq: 4, .. }), "{e}");
        assert_eq!(case, before);
        // Without the bad one, both apply.
        case.transaction(&events[..2])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(case.seq(), 3);
        assert_eq!(case.running_goals_of(&id("p")), 1);
    }
}
