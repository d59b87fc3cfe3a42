//! The state of a case, built only by applying events. Replaying a case's events from the
//! start gives the same state ("de film"); the state holds nothing an event did not say.

use std::collections::BTreeMap;

use ave_model::{
    AgreementId, CriterionId, Date, FactId, FunctionId, MeetingKindId, ModelId, PhaseId, RoleKind,
    TransitionId, TriggerId,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::command::{ActionKind, EndState, GoalStatus, Member, Participant};
use crate::event::{Event, Recorded};
use crate::ids::{
    ActionId, CaseId, DecisionId, DisagreementId, GoalId, MeetingId, MemberId, PersonId, RequestId,
    SignalId, TaskId,
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
    /// Authority recorded.
    pub authority: String,
    /// Why.
    pub reason: String,
    /// Who was consulted.
    pub consulted: Vec<PersonId>,
    /// Criteria that held.
    pub criteria_holding: Vec<CriterionId>,
    /// Decided by the arbiter.
    pub arbiter: bool,
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
    /// When.
    pub at: DateTime<Utc>,
}

/// A handover task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandoverTask {
    /// Role handed over.
    pub role: RoleKind,
    /// Who must hand over.
    pub holder: Option<PersonId>,
    /// What the model asks.
    pub text: String,
    /// The transition that created it.
    pub transition: TransitionId,
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

/// The state of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// Id.
    pub id: CaseId,
    /// Model id.
    pub model: ModelId,
    /// Model version.
    pub model_version: String,
    /// Number of events applied.
    pub seq: u64,
    /// When opened.
    pub opened_at: DateTime<Utc>,
    /// Time of the last event.
    pub last_at: DateTime<Utc>,
    /// Current phase.
    pub phase: PhaseId,
    /// Every stay in a phase, in order; the last is the current one.
    pub phases: Vec<PhaseStay>,
    /// Household.
    pub members: BTreeMap<MemberId, Member>,
    /// Participants.
    pub participants: BTreeMap<PersonId, Participant>,
    /// Every role holding, current and past.
    pub roles: Vec<RoleHolding>,
    /// Signals.
    pub signals: BTreeMap<SignalId, Signal>,
    /// Latest assessment per criterion.
    pub criteria: BTreeMap<CriterionId, Assessment>,
    /// Latest recorded value per fact.
    pub facts: BTreeMap<FactId, Assessment>,
    /// Plan versions.
    pub plans: Vec<PlanVersion>,
    /// Goals.
    pub goals: BTreeMap<GoalId, Goal>,
    /// Agreements and actions.
    pub actions: BTreeMap<ActionId, PlanAction>,
    /// Meetings.
    pub meetings: BTreeMap<MeetingId, Meeting>,
    /// Transition requests.
    pub requests: BTreeMap<RequestId, Request>,
    /// Disagreements.
    pub disagreements: BTreeMap<DisagreementId, Disagreement>,
    /// Formal decisions.
    pub decisions: BTreeMap<DecisionId, FormalDecision>,
    /// Handover tasks.
    pub tasks: BTreeMap<TaskId, HandoverTask>,
    /// Triggers that fired.
    pub fired: Vec<FiredTrigger>,
    /// Next evaluation date.
    pub next_evaluation: Option<Date>,
    /// Position in the history of the last evaluation.
    pub last_evaluated: Option<u64>,
    /// Last time something moved the case forward (stagnation is measured from here).
    pub last_progress: DateTime<Utc>,
    /// A within-phase transition added procesregie and it has not been ended since.
    pub procesregie_added: bool,
    /// Closed, if it is.
    pub closed: Option<Closure>,
}

/// Why events could not be replayed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// The first event does not open a case.
    #[error("de eerste gebeurtenis opent geen casus (maar is {0})")]
    NotOpened(&'static str),
    /// An event opens a case that is already open.
    #[error("gebeurtenis {0} opent een casus die al open is")]
    OpenedTwice(u64),
    /// Events are out of sequence.
    #[error("gebeurtenis {got} volgt niet op {expected}")]
    Sequence {
        /// Expected seq.
        expected: u64,
        /// Got.
        got: u64,
    },
    /// The event's schema version is newer than this program knows.
    #[error("gebeurtenis {seq} heeft schemaversie {schema}; deze versie kent tot en met {known}")]
    Schema {
        /// Seq.
        seq: u64,
        /// Its version.
        schema: u16,
        /// Known version.
        known: u16,
    },
}

impl Case {
    /// Replays a case's history.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Recorded>) -> Result<Case, ReplayError> {
        let mut case: Option<Case> = None;
        for r in events {
            Case::apply_to(&mut case, r)?;
        }
        case.ok_or(ReplayError::NotOpened("niets"))
    }

    /// Applies one event to an optional case (the first event opens it).
    pub fn apply_to(case: &mut Option<Case>, r: &Recorded) -> Result<(), ReplayError> {
        if r.schema > crate::event::SCHEMA_VERSION {
            return Err(ReplayError::Schema {
                seq: r.seq,
                schema: r.schema,
                known: crate::event::SCHEMA_VERSION,
            });
        }
        match case {
            None => {
                let Event::CaseOpened {
                    case: id,
                    model,
                    model_version,
                    phase,
                    household,
                    participants,
                    next_evaluation,
                    ..
                } = &r.event
                else {
                    return Err(ReplayError::NotOpened(r.event.name()));
                };
                if r.seq != 1 {
                    return Err(ReplayError::Sequence {
                        expected: 1,
                        got: r.seq,
                    });
                }
                *case = Some(Case {
                    id: id.clone(),
                    model: model.clone(),
                    model_version: model_version.clone(),
                    seq: 1,
                    opened_at: r.at,
                    last_at: r.at,
                    phase: phase.clone(),
                    phases: vec![PhaseStay {
                        phase: phase.clone(),
                        from: r.at,
                        from_seq: r.seq,
                        until: None,
                    }],
                    members: household
                        .iter()
                        .map(|m| (m.member.clone(), m.clone()))
                        .collect(),
                    participants: participants
                        .iter()
                        .map(|p| (p.person.clone(), p.clone()))
                        .collect(),
                    roles: Vec::new(),
                    signals: BTreeMap::new(),
                    criteria: BTreeMap::new(),
                    facts: BTreeMap::new(),
                    plans: Vec::new(),
                    goals: BTreeMap::new(),
                    actions: BTreeMap::new(),
                    meetings: BTreeMap::new(),
                    requests: BTreeMap::new(),
                    disagreements: BTreeMap::new(),
                    decisions: BTreeMap::new(),
                    tasks: BTreeMap::new(),
                    fired: Vec::new(),
                    next_evaluation: *next_evaluation,
                    last_evaluated: None,
                    last_progress: r.at,
                    procesregie_added: false,
                    closed: None,
                });
                Ok(())
            }
            Some(c) => {
                if matches!(r.event, Event::CaseOpened { .. }) {
                    return Err(ReplayError::OpenedTwice(r.seq));
                }
                if r.seq != c.seq + 1 {
                    return Err(ReplayError::Sequence {
                        expected: c.seq + 1,
                        got: r.seq,
                    });
                }
                c.apply(r);
                Ok(())
            }
        }
    }

    /// Current holders of a role.
    pub fn holders(&self, role: RoleKind) -> impl Iterator<Item = &RoleHolding> {
        self.roles
            .iter()
            .filter(move |h| h.role == role && h.until.is_none())
    }

    /// Current holding of a role by a person.
    pub fn holding(&self, role: RoleKind, person: &PersonId) -> Option<&RoleHolding> {
        self.holders(role).find(|h| &h.person == person)
    }

    /// Whether any household member is a minor on `day`.
    pub fn has_minors(&self, day: Date) -> bool {
        self.members.values().any(|m| is_minor(m, day))
    }

    /// The position in the history of the event that entered the current phase. What counts
    /// "in this phase" comes after it; positions, unlike dates, never tie.
    pub fn phase_entry(&self) -> u64 {
        self.phases.last().map_or(1, |s| s.from_seq)
    }

    /// The open request, if any.
    pub fn open_request(&self) -> Option<(&RequestId, &Request)> {
        self.requests
            .iter()
            .find(|(_, r)| r.status == RequestStatus::Open)
    }

    fn end_holding(&mut self, role: RoleKind, person: &PersonId, at: DateTime<Utc>) {
        for h in self
            .roles
            .iter_mut()
            .filter(|h| h.role == role && &h.person == person && h.until.is_none())
        {
            h.until = Some(at);
        }
    }

    fn apply(&mut self, r: &Recorded) {
        self.seq = r.seq;
        self.last_at = r.at;
        let at = r.at;
        match &r.event {
            Event::CaseOpened { .. } => {}
            Event::ParticipantAdded { participant } => {
                self.participants
                    .insert(participant.person.clone(), participant.clone());
            }
            Event::ParticipantRemoved { person, .. } => {
                self.participants.remove(person);
            }
            Event::MemberAdded { member } => {
                self.members.insert(member.member.clone(), member.clone());
            }
            Event::MemberRemoved { member, .. } => {
                self.members.remove(member);
            }
            Event::RoleAssigned {
                role,
                person,
                function,
                review,
                replaces,
                ..
            } => {
                if let Some(old) = replaces {
                    self.end_holding(*role, old, at);
                }
                self.roles.push(RoleHolding {
                    role: *role,
                    person: person.clone(),
                    function: function.clone(),
                    since: at,
                    until: None,
                    review: *review,
                });
            }
            Event::RoleReviewed {
                role,
                person,
                review,
                ..
            } => {
                for h in self
                    .roles
                    .iter_mut()
                    .filter(|h| h.role == *role && &h.person == person && h.until.is_none())
                {
                    h.review = Some(*review);
                }
            }
            Event::RoleEnded { role, person, .. } => {
                self.end_holding(*role, person, at);
                if *role == RoleKind::Procesregie
                    && self.holders(RoleKind::Procesregie).next().is_none()
                {
                    self.procesregie_added = false;
                }
            }
            Event::SignalRecorded {
                signal,
                source,
                category,
                text,
                triggers,
            } => {
                self.signals.insert(
                    signal.clone(),
                    Signal {
                        source: source.clone(),
                        category: category.clone(),
                        text: text.clone(),
                        triggers: triggers.clone(),
                        at,
                    },
                );
            }
            Event::TriggerFired {
                trigger,
                signal,
                phase,
            } => self.fired.push(FiredTrigger {
                trigger: trigger.clone(),
                signal: signal.clone(),
                phase: phase.clone(),
                at,
                seq: r.seq,
            }),
            Event::CriterionAssessed {
                criterion,
                holds,
                evidence,
            } => {
                self.criteria.insert(
                    criterion.clone(),
                    Assessment {
                        holds: *holds,
                        evidence: evidence.clone(),
                        at,
                        by: r.by.clone(),
                        seq: r.seq,
                    },
                );
            }
            Event::FactRecorded {
                fact,
                holds,
                evidence,
            } => {
                self.facts.insert(
                    fact.clone(),
                    Assessment {
                        holds: *holds,
                        evidence: evidence.clone(),
                        at,
                        by: r.by.clone(),
                        seq: r.seq,
                    },
                );
            }
            Event::PlanSet { phase, summary } => {
                self.plans.push(PlanVersion {
                    phase: phase.clone(),
                    summary: summary.clone(),
                    at,
                    seq: r.seq,
                });
                self.last_progress = at;
            }
            Event::GoalAdded {
                goal,
                leefgebied,
                text,
                owner,
                due,
            } => {
                self.goals.insert(
                    goal.clone(),
                    Goal {
                        leefgebied: leefgebied.clone(),
                        text: text.clone(),
                        owner: owner.clone(),
                        due: *due,
                        status: GoalStatus::Lopend,
                    },
                );
                self.last_progress = at;
            }
            Event::GoalUpdated { goal, status, .. } => {
                if let Some(g) = self.goals.get_mut(goal) {
                    g.status = *status;
                }
                self.last_progress = at;
            }
            Event::ActionAdded {
                action,
                kind,
                text,
                owner,
                due,
                werkafspraak,
                werkafspraak_known,
            } => {
                self.actions.insert(
                    action.clone(),
                    PlanAction {
                        kind: *kind,
                        text: text.clone(),
                        owner: owner.clone(),
                        due: *due,
                        werkafspraak: werkafspraak.clone(),
                        werkafspraak_known: *werkafspraak_known,
                        done: None,
                    },
                );
                self.last_progress = at;
            }
            Event::ActionCompleted { action, .. } => {
                if let Some(a) = self.actions.get_mut(action) {
                    a.done = Some(at);
                }
                self.last_progress = at;
            }
            Event::MeetingHeld {
                meeting,
                kind,
                attendees,
                decisions,
            } => {
                self.meetings.insert(
                    meeting.clone(),
                    Meeting {
                        kind: kind.clone(),
                        at,
                        attendees: attendees.clone(),
                        decisions: decisions.clone(),
                        seq: r.seq,
                    },
                );
                // A meeting that decides something moves the case; one that does not, does not.
                if !decisions.is_empty() {
                    self.last_progress = at;
                }
            }
            Event::Evaluated {
                next_evaluation, ..
            } => {
                self.next_evaluation = *next_evaluation;
                self.last_evaluated = Some(r.seq);
                self.last_progress = at;
            }
            Event::TransitionProposed {
                request,
                transition,
                from,
                to,
                criteria,
                evidence,
            } => {
                self.requests.insert(
                    request.clone(),
                    Request {
                        transition: transition.clone(),
                        from: from.clone(),
                        to: to.clone(),
                        criteria: criteria.clone(),
                        evidence: evidence.clone(),
                        proposed_by: r.by.clone(),
                        proposed_at: at,
                        proposed_seq: r.seq,
                        status: RequestStatus::Open,
                        decision: None,
                    },
                );
            }
            Event::TransitionDecided {
                request,
                approved,
                function,
                authority,
                reason,
                consulted,
                criteria_holding,
                arbiter,
                ..
            } => {
                if let Some(req) = self.requests.get_mut(request) {
                    req.status = if *approved {
                        RequestStatus::Approved
                    } else {
                        RequestStatus::Rejected
                    };
                    req.decision = Some(DecisionRecord {
                        by: r.by.clone(),
                        function: function.clone(),
                        authority: authority.clone(),
                        reason: reason.clone(),
                        consulted: consulted.clone(),
                        criteria_holding: criteria_holding.clone(),
                        arbiter: *arbiter,
                        at,
                        seq: r.seq,
                    });
                }
            }
            Event::TransitionWithdrawn { request, .. } => {
                if let Some(req) = self.requests.get_mut(request) {
                    req.status = RequestStatus::Withdrawn;
                }
            }
            Event::PhaseChanged {
                to,
                next_evaluation,
                ..
            } => {
                if let Some(stay) = self.phases.last_mut() {
                    stay.until = Some(at);
                }
                self.phases.push(PhaseStay {
                    phase: to.clone(),
                    from: at,
                    from_seq: r.seq,
                    until: None,
                });
                self.phase = to.clone();
                // Procesregie added within the old phase belongs to that phase.
                self.procesregie_added = false;
                self.next_evaluation = *next_evaluation;
                self.last_progress = at;
            }
            Event::EffectApplied { effect, .. } => {
                match effect {
                    ave_model::WithinEffect::ProcesregieToevoegen => self.procesregie_added = true,
                    ave_model::WithinEffect::ProcesregieBeeindigen => {
                        self.procesregie_added = false
                    }
                    _ => {}
                }
                self.last_progress = at;
            }
            Event::HandoverCreated {
                task,
                role,
                holder,
                text,
                transition,
            } => {
                self.tasks.insert(
                    task.clone(),
                    HandoverTask {
                        role: *role,
                        holder: holder.clone(),
                        text: text.clone(),
                        transition: transition.clone(),
                        at,
                        done: None,
                    },
                );
            }
            Event::HandoverCompleted { task, .. } => {
                if let Some(t) = self.tasks.get_mut(task) {
                    t.done = Some(at);
                }
            }
            Event::DisagreementRaised {
                disagreement,
                request,
                positions,
            } => {
                self.disagreements.insert(
                    disagreement.clone(),
                    Disagreement {
                        request: request.clone(),
                        positions: positions.clone(),
                        raised_by: r.by.clone(),
                        at,
                        settled: None,
                    },
                );
            }
            Event::DisagreementSettled {
                disagreement,
                approved,
                reason,
            } => {
                if let Some(d) = self.disagreements.get_mut(disagreement) {
                    d.settled = Some(Settlement {
                        by: r.by.clone(),
                        approved: *approved,
                        reason: reason.clone(),
                        at,
                        seq: r.seq,
                    });
                }
            }
            Event::FormalDecisionRecorded {
                decision,
                subject,
                text,
                grondslag,
                function,
            } => {
                self.decisions.insert(
                    decision.clone(),
                    FormalDecision {
                        subject: subject.clone(),
                        text: text.clone(),
                        grondslag: grondslag.clone(),
                        by: r.by.clone(),
                        function: function.clone(),
                        at,
                    },
                );
            }
            Event::CaseClosed { reason, end_state } => {
                if let Some(stay) = self.phases.last_mut() {
                    stay.until = Some(at);
                }
                for h in self.roles.iter_mut().filter(|h| h.until.is_none()) {
                    h.until = Some(at);
                }
                self.closed = Some(Closure {
                    reason: reason.clone(),
                    end_state: *end_state,
                    at,
                });
            }
        }
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
