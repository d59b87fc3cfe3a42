//! Applying one event to a case. Every event is checked against the state before anything
//! changes: what it refers to must exist, what it creates must not, and it must come in
//! order. A history that fails here is damaged (or was written by a defect); it is refused
//! with the event's position and the reason, never replayed around.

use ave_model::{RoleKind, WithinEffect};
use chrono::{DateTime, Utc};

use super::{
    Assessment, Case, Closure, DecisionRecord, Deviation, Disagreement, FiredTrigger,
    FormalDecision, Goal, HandoverTask, Head, Meeting, PhaseStay, PlanAction, PlanVersion, Request,
    RequestStatus, RoleHolding, Settlement, Signal,
};
use crate::event::{Event, GoalStatus, Recorded, RoleEndCause};
use crate::ids::PersonId;

/// Why an event could not be applied (and a history not replayed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// There are no events.
    #[error("er zijn geen gebeurtenissen")]
    Empty,
    /// The first event does not open a case.
    #[error("gebeurtenis {seq} ({event}): de eerste gebeurtenis moet een casus openen")]
    NotOpened {
        /// Its position.
        seq: u64,
        /// Its type.
        event: &'static str,
    },
    /// An event opens a case that is already open.
    #[error("gebeurtenis {seq}: opent een casus die al open is")]
    OpenedTwice {
        /// Its position.
        seq: u64,
    },
    /// Events are out of sequence (a gap, a repeat, or not starting at 1).
    #[error("gebeurtenis {got} volgt niet op {expected}: er ontbreekt of herhaalt er een")]
    Sequence {
        /// Expected position.
        expected: u64,
        /// Position found.
        got: u64,
    },
    /// An event lies before the event it follows.
    #[error("gebeurtenis {seq} ({at}) ligt vóór de vorige ({last})")]
    TimeOrder {
        /// Its position.
        seq: u64,
        /// Its time.
        at: DateTime<Utc>,
        /// Time of the previous event.
        last: DateTime<Utc>,
    },
    /// An event follows the closing of the case.
    #[error("gebeurtenis {seq} ({event}) volgt op het sluiten van de casus")]
    AfterClose {
        /// Its position.
        seq: u64,
        /// Its type.
        event: &'static str,
    },
    /// An event refers to something the case does not have.
    #[error("gebeurtenis {seq} ({event}): {what} {id} bestaat niet (of niet meer)")]
    Dangling {
        /// Its position.
        seq: u64,
        /// Its type.
        event: &'static str,
        /// What kind of thing (doel, verzoek, …).
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// An event creates something that already exists.
    #[error("gebeurtenis {seq} ({event}): {what} {id} bestaat al")]
    Duplicate {
        /// Its position.
        seq: u64,
        /// Its type.
        event: &'static str,
        /// What kind of thing.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// An event is impossible in the state the case is in.
    #[error("gebeurtenis {seq} ({event}): {reason}")]
    Impossible {
        /// Its position.
        seq: u64,
        /// Its type.
        event: &'static str,
        /// Why.
        reason: &'static str,
    },
}

/// Builds a case from its opening event.
pub(super) fn open(r: &Recorded) -> Result<Case, ReplayError> {
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
        return Err(ReplayError::NotOpened {
            seq: r.seq,
            event: r.event.name(),
        });
    };
    if r.seq != 1 {
        return Err(ReplayError::Sequence {
            expected: 1,
            got: r.seq,
        });
    }
    let mut case = Case::from_head(Head {
        id: id.clone(),
        model: model.clone(),
        model_version: model_version.clone(),
        seq: 1,
        opened_at: r.at,
        last_at: r.at,
        phase: phase.clone(),
        next_evaluation: *next_evaluation,
        last_evaluated: None,
        last_progress: r.at,
        procesregie_added: false,
        open_request: None,
        casusregie_changes: 0,
        closed: None,
    });
    let e = Checker { r };
    case.stays.push(PhaseStay {
        phase: phase.clone(),
        from: r.at,
        from_seq: r.seq,
        until: None,
    });
    for m in household {
        if case.members.contains(&m.member) {
            return Err(e.duplicate("gezinslid", &m.member));
        }
        case.members.insert(m.member.clone(), m.clone());
    }
    for p in participants {
        if case.participants.contains(&p.person) {
            return Err(e.duplicate("betrokkene", &p.person));
        }
        case.participants.insert(p.person.clone(), p.clone());
    }
    Ok(case)
}

/// Builds the errors for one event.
struct Checker<'a> {
    r: &'a Recorded,
}

impl Checker<'_> {
    fn dangling(&self, what: &'static str, id: &dyn std::fmt::Display) -> ReplayError {
        ReplayError::Dangling {
            seq: self.r.seq,
            event: self.r.event.name(),
            what,
            id: id.to_string(),
        }
    }

    fn duplicate(&self, what: &'static str, id: &dyn std::fmt::Display) -> ReplayError {
        ReplayError::Duplicate {
            seq: self.r.seq,
            event: self.r.event.name(),
            what,
            id: id.to_string(),
        }
    }

    fn impossible(&self, reason: &'static str) -> ReplayError {
        ReplayError::Impossible {
            seq: self.r.seq,
            event: self.r.event.name(),
            reason,
        }
    }
}

impl Case {
    /// Applies one event without a transaction: on error the case may be partly changed, so
    /// callers either drop it (replay) or roll back ([`Case::transaction`]).
    pub(super) fn apply_unjournaled(&mut self, r: &Recorded) -> Result<(), ReplayError> {
        let head = self.head();
        if matches!(r.event, Event::CaseOpened { .. }) {
            return Err(ReplayError::OpenedTwice { seq: r.seq });
        }
        if r.seq != head.seq + 1 {
            return Err(ReplayError::Sequence {
                expected: head.seq + 1,
                got: r.seq,
            });
        }
        if r.at < head.last_at {
            return Err(ReplayError::TimeOrder {
                seq: r.seq,
                at: r.at,
                last: head.last_at,
            });
        }
        if head.closed.is_some() {
            return Err(ReplayError::AfterClose {
                seq: r.seq,
                event: r.event.name(),
            });
        }
        self.event(r)?;
        let head = self.head.get_mut();
        head.seq = r.seq;
        head.last_at = r.at;
        Ok(())
    }

    fn progress(&mut self, at: DateTime<Utc>) {
        self.head.get_mut().last_progress = at;
    }

    fn end_holding(&mut self, role: RoleKind, person: &PersonId, at: DateTime<Utc>) -> bool {
        let Some(i) = self.current.remove(&(role, person.clone())) else {
            return false;
        };
        self.holdings.update(i, |h| h.until = Some(at));
        true
    }

    fn count(table: &mut super::Table<PersonId, u32>, person: &PersonId, up: bool) {
        let n = table.get(person).copied().unwrap_or(0);
        let n = if up { n + 1 } else { n.saturating_sub(1) };
        if n == 0 {
            table.remove(person);
        } else {
            table.insert(person.clone(), n);
        }
    }

    fn event(&mut self, r: &Recorded) -> Result<(), ReplayError> {
        let e = Checker { r };
        let at = r.at;
        match &r.event {
            Event::CaseOpened { .. } => return Err(ReplayError::OpenedTwice { seq: r.seq }),
            Event::ParticipantAdded { participant } => {
                if self.participants.contains(&participant.person) {
                    return Err(e.duplicate("betrokkene", &participant.person));
                }
                self.participants
                    .insert(participant.person.clone(), participant.clone());
            }
            Event::ParticipantRemoved { person, .. } => {
                if !self.participants.contains(person) {
                    return Err(e.dangling("betrokkene", person));
                }
                if self.current.keys().any(|(_, p)| p == person) {
                    return Err(e.impossible("wie vertrekt heeft nog een rol"));
                }
                self.participants.remove(person);
            }
            Event::MemberAdded { member } => {
                if self.members.contains(&member.member) {
                    return Err(e.duplicate("gezinslid", &member.member));
                }
                self.members.insert(member.member.clone(), member.clone());
            }
            Event::MemberRemoved { member, .. } => {
                if self.members.remove(member).is_none() {
                    return Err(e.dangling("gezinslid", member));
                }
            }
            Event::RoleAssigned {
                role,
                person,
                function,
                review,
                replaces,
                ..
            } => {
                let role = RoleKind::from(*role);
                if !self.participants.contains(person) {
                    return Err(e.dangling("betrokkene", person));
                }
                if self.current.contains(&(role, person.clone())) {
                    return Err(e.impossible("de persoon heeft die rol al"));
                }
                if let Some(old) = replaces
                    && !self.current.contains(&(role, old.clone()))
                {
                    return Err(e.dangling("rolhouder", old));
                }
                if let Some(old) = replaces {
                    self.end_holding(role, old, at);
                }
                let i = self.holdings.len();
                self.holdings.push(RoleHolding {
                    role,
                    person: person.clone(),
                    function: function.clone(),
                    since: at,
                    since_seq: r.seq,
                    until: None,
                    review: *review,
                });
                self.current.insert((role, person.clone()), i);
            }
            Event::RoleReviewed {
                role,
                person,
                review,
                ..
            } => {
                let Some(&i) = self.current.get(&(RoleKind::from(*role), person.clone())) else {
                    return Err(e.dangling("rolhouder", person));
                };
                self.holdings.update(i, |h| h.review = Some(*review));
            }
            Event::RoleEnded {
                role,
                person,
                cause,
            } => {
                let role = RoleKind::from(*role);
                if let RoleEndCause::Transition { request, .. } = cause
                    && !self.requests.contains(request)
                {
                    return Err(e.dangling("verzoek", request));
                }
                if !self.end_holding(role, person, at) {
                    return Err(e.dangling("rolhouder", person));
                }
                if role == RoleKind::Procesregie && self.holders(role).next().is_none() {
                    self.head.get_mut().procesregie_added = false;
                }
            }
            Event::SignalRecorded {
                signal,
                source,
                category,
                text,
                triggers,
            } => {
                if self.signals.contains(signal) {
                    return Err(e.duplicate("signaal", signal));
                }
                self.signals.add(
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
            } => {
                if let Some(s) = signal
                    && !self.signals.contains(s)
                {
                    return Err(e.dangling("signaal", s));
                }
                self.fired.push(FiredTrigger {
                    trigger: trigger.clone(),
                    signal: signal.clone(),
                    phase: phase.clone(),
                    at,
                    seq: r.seq,
                });
            }
            Event::CriterionAssessed {
                criterion,
                holds,
                evidence,
            } => self.criteria.insert(
                criterion.clone(),
                Assessment {
                    holds: *holds,
                    evidence: evidence.clone(),
                    at,
                    by: r.by.clone(),
                    seq: r.seq,
                },
            ),
            Event::FactRecorded {
                fact,
                holds,
                evidence,
            } => self.facts.insert(
                fact.clone(),
                Assessment {
                    holds: *holds,
                    evidence: evidence.clone(),
                    at,
                    by: r.by.clone(),
                    seq: r.seq,
                },
            ),
            Event::PlanSet { phase, summary } => {
                self.plans.push(PlanVersion {
                    phase: phase.clone(),
                    summary: summary.clone(),
                    at,
                    seq: r.seq,
                });
                self.latest_plan.insert(phase.clone(), r.seq);
                self.progress(at);
            }
            Event::GoalAdded {
                goal,
                leefgebied,
                text,
                owner,
                due,
            } => {
                if self.goals.contains(goal) {
                    return Err(e.duplicate("doel", goal));
                }
                if !self.participants.contains(owner) {
                    return Err(e.dangling("betrokkene", owner));
                }
                self.goals.add(
                    goal.clone(),
                    Goal {
                        leefgebied: leefgebied.clone(),
                        text: text.clone(),
                        owner: owner.clone(),
                        due: *due,
                        status: GoalStatus::Lopend,
                    },
                );
                Self::count(&mut self.running_goals, owner, true);
                self.progress(at);
            }
            Event::GoalUpdated { goal, status, .. } => {
                let Some(g) = self.goals.get(goal) else {
                    return Err(e.dangling("doel", goal));
                };
                if g.status != GoalStatus::Lopend {
                    return Err(e.impossible("het doel is al afgerond"));
                }
                let owner = g.owner.clone();
                self.goals.update(goal, |g| g.status = *status);
                if *status != GoalStatus::Lopend {
                    Self::count(&mut self.running_goals, &owner, false);
                }
                self.progress(at);
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
                if self.actions.contains(action) {
                    return Err(e.duplicate("afspraak of actie", action));
                }
                self.actions.add(
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
                self.progress(at);
            }
            Event::ActionCompleted { action, .. } => {
                let Some(a) = self.actions.get(action) else {
                    return Err(e.dangling("actie", action));
                };
                if a.done.is_some() {
                    return Err(e.impossible("de actie is al afgerond"));
                }
                self.actions.update(action, |a| a.done = Some(at));
                self.progress(at);
            }
            Event::MeetingHeld {
                meeting,
                kind,
                attendees,
                decisions,
            } => {
                if self.meetings.contains(meeting) {
                    return Err(e.duplicate("overleg", meeting));
                }
                let mut functions = Vec::with_capacity(attendees.len());
                for a in attendees {
                    match self.participants.get(a) {
                        Some(p) => functions.push(p.function.clone()),
                        None => return Err(e.dangling("deelnemer", a)),
                    }
                }
                self.meetings.add(
                    meeting.clone(),
                    Meeting {
                        kind: kind.clone(),
                        at,
                        attendees: attendees.clone(),
                        decisions: decisions.clone(),
                        seq: r.seq,
                    },
                );
                self.latest_meeting.insert(kind.clone(), r.seq);
                for f in functions {
                    self.latest_attendance.insert(f, r.seq);
                }
                for a in attendees {
                    self.latest_attendance_by_person.insert(a.clone(), r.seq);
                }
                // A meeting that decides something moves the case; one that does not, does not.
                if !decisions.is_empty() {
                    self.progress(at);
                }
            }
            Event::Evaluated {
                next_evaluation, ..
            } => {
                let head = self.head.get_mut();
                head.next_evaluation = *next_evaluation;
                head.last_evaluated = Some(r.seq);
                head.last_progress = at;
            }
            Event::TransitionProposed {
                request,
                transition,
                from,
                to,
                criteria,
                evidence,
            } => {
                if self.requests.contains(request) {
                    return Err(e.duplicate("verzoek", request));
                }
                if self.head().open_request.is_some() {
                    return Err(e.impossible("er wacht al een verzoek op een besluit"));
                }
                if from != self.phase() {
                    return Err(e.impossible("het verzoek vertrekt niet uit de huidige fase"));
                }
                self.requests.add(
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
                self.head.get_mut().open_request = Some(request.clone());
            }
            Event::TransitionDecided {
                request,
                approved,
                function,
                mandate,
                reason,
                consulted,
                criteria_holding,
                arbiter,
                unconsulted,
            } => {
                let Some(req) = self.requests.get(request) else {
                    return Err(e.dangling("verzoek", request));
                };
                if req.status != RequestStatus::Open {
                    return Err(e.impossible("het verzoek is al afgehandeld"));
                }
                let within = req.from == req.to;
                let transition = req.transition.clone();
                self.requests.update(request, |req| {
                    req.status = if *approved {
                        RequestStatus::Approved
                    } else {
                        RequestStatus::Rejected
                    };
                    req.decision = Some(DecisionRecord {
                        by: r.by.clone(),
                        function: function.clone(),
                        mandate: mandate.clone(),
                        reason: reason.clone(),
                        consulted: consulted.clone(),
                        criteria_holding: criteria_holding.clone(),
                        arbiter: *arbiter,
                        unconsulted: unconsulted.clone(),
                        at,
                        seq: r.seq,
                    });
                });
                if *approved && within {
                    self.latest_within.insert(transition, r.seq);
                }
                self.head.get_mut().open_request = None;
            }
            Event::TransitionWithdrawn { request, .. } => {
                let Some(req) = self.requests.get(request) else {
                    return Err(e.dangling("verzoek", request));
                };
                if req.status != RequestStatus::Open {
                    return Err(e.impossible("het verzoek is al afgehandeld"));
                }
                self.requests
                    .update(request, |req| req.status = RequestStatus::Withdrawn);
                self.head.get_mut().open_request = None;
            }
            Event::PhaseChanged {
                from,
                to,
                request,
                next_evaluation,
                ..
            } => {
                if from != self.phase() {
                    return Err(e.impossible("de faseovergang vertrekt niet uit de huidige fase"));
                }
                if !self.requests.contains(request) {
                    return Err(e.dangling("verzoek", request));
                }
                let last = self.stays.len().saturating_sub(1);
                self.stays.update(last, |s| s.until = Some(at));
                self.stays.push(PhaseStay {
                    phase: to.clone(),
                    from: at,
                    from_seq: r.seq,
                    until: None,
                });
                let head = self.head.get_mut();
                head.phase = to.clone();
                // Procesregie added within the old phase belongs to that phase.
                head.procesregie_added = false;
                head.next_evaluation = *next_evaluation;
                head.last_progress = at;
            }
            Event::EffectApplied { effect, .. } => {
                let head = self.head.get_mut();
                match WithinEffect::from(*effect) {
                    WithinEffect::ProcesregieToevoegen => head.procesregie_added = true,
                    WithinEffect::ProcesregieBeeindigen => head.procesregie_added = false,
                    _ => {}
                }
                head.last_progress = at;
            }
            Event::HandoverCreated {
                task,
                role,
                holder,
                text,
                cause,
            } => {
                if self.tasks.contains(task) {
                    return Err(e.duplicate("overdracht", task));
                }
                if let Some(h) = holder
                    && !self.participants.contains(h)
                {
                    return Err(e.dangling("betrokkene", h));
                }
                self.tasks.add(
                    task.clone(),
                    HandoverTask {
                        role: RoleKind::from(*role),
                        holder: holder.clone(),
                        text: text.clone(),
                        cause: cause.clone(),
                        at,
                        done: None,
                    },
                );
                self.open_tasks.insert(task.clone(), ());
                if let Some(h) = holder {
                    Self::count(&mut self.open_tasks_by_holder, h, true);
                }
                if matches!(cause, crate::event::HandoverCause::CasusregieChange) {
                    self.head.get_mut().casusregie_changes += 1;
                }
            }
            Event::HandoverCompleted { task, .. } => {
                let Some(t) = self.tasks.get(task) else {
                    return Err(e.dangling("overdracht", task));
                };
                if t.done.is_some() {
                    return Err(e.impossible("de overdracht is al gedaan"));
                }
                let holder = t.holder.clone();
                self.tasks.update(task, |t| t.done = Some(at));
                self.open_tasks.remove(task);
                if let Some(h) = holder {
                    Self::count(&mut self.open_tasks_by_holder, &h, false);
                }
            }
            Event::DisagreementRaised {
                disagreement,
                request,
                positions,
            } => {
                if self.disagreements.contains(disagreement) {
                    return Err(e.duplicate("meningsverschil", disagreement));
                }
                if !self.requests.contains(request) {
                    return Err(e.dangling("verzoek", request));
                }
                if self.open_disagreements.contains(request) {
                    return Err(e.impossible("over dit verzoek ligt al een meningsverschil"));
                }
                self.disagreements.add(
                    disagreement.clone(),
                    Disagreement {
                        request: request.clone(),
                        positions: positions.clone(),
                        raised_by: r.by.clone(),
                        at,
                        settled: None,
                    },
                );
                self.open_disagreements
                    .insert(request.clone(), disagreement.clone());
            }
            Event::DisagreementSettled {
                disagreement,
                approved,
                reason,
            } => {
                let Some(d) = self.disagreements.get(disagreement) else {
                    return Err(e.dangling("meningsverschil", disagreement));
                };
                if d.settled.is_some() {
                    return Err(e.impossible("het meningsverschil is al beslecht"));
                }
                let request = d.request.clone();
                let transition = self.requests.get(&request).map(|q| q.transition.clone());
                self.disagreements.update(disagreement, |d| {
                    d.settled = Some(Settlement {
                        by: r.by.clone(),
                        approved: *approved,
                        reason: reason.clone(),
                        at,
                        seq: r.seq,
                    });
                });
                self.open_disagreements.remove(&request);
                if let Some(t) = transition {
                    self.latest_ruling.insert(t, r.seq);
                }
            }
            Event::FormalDecisionRecorded {
                decision,
                subject,
                text,
                grondslag,
                function,
                kind,
            } => {
                if self.decisions.contains(decision) {
                    return Err(e.duplicate("besluit", decision));
                }
                self.decisions.add(
                    decision.clone(),
                    FormalDecision {
                        subject: subject.clone(),
                        text: text.clone(),
                        grondslag: grondslag.clone(),
                        by: r.by.clone(),
                        function: function.clone(),
                        kind: kind.clone(),
                        at,
                    },
                );
            }
            Event::DeviationRecorded {
                deviation,
                requirement,
                motivation,
                seen_by,
            } => {
                if self.deviations.contains(deviation) {
                    return Err(e.duplicate("afwijking", deviation));
                }
                self.deviations.add(
                    deviation.clone(),
                    Deviation {
                        requirement: requirement.clone(),
                        motivation: motivation.clone(),
                        seen_by: seen_by.clone(),
                        by: r.by.clone(),
                        at,
                        seq: r.seq,
                        seen: None,
                    },
                );
                self.unseen_deviations.insert(deviation.clone(), ());
            }
            Event::DeviationSeen {
                deviation,
                response,
            } => {
                let Some(d) = self.deviations.get(deviation) else {
                    return Err(e.dangling("afwijking", deviation));
                };
                if d.seen.is_some() {
                    return Err(e.impossible("de afwijking is al gezien"));
                }
                self.deviations.update(deviation, |d| {
                    d.seen = Some((r.by.clone(), at, response.clone()));
                });
                self.unseen_deviations.remove(deviation);
            }
            Event::ModelChanged { from, to, .. } => {
                if *from != self.head().model_version {
                    return Err(e.impossible("de casus liep niet onder die versie"));
                }
                self.head.get_mut().model_version = to.clone();
            }
            Event::CaseClosed { reason, end_state } => {
                let last = self.stays.len().saturating_sub(1);
                self.stays.update(last, |s| s.until = Some(at));
                let current: Vec<(RoleKind, PersonId)> = self.current.keys().cloned().collect();
                for (role, person) in current {
                    self.end_holding(role, &person, at);
                }
                self.head.get_mut().closed = Some(Closure {
                    reason: reason.clone(),
                    end_state: *end_state,
                    at,
                });
            }
        }
        Ok(())
    }
}
