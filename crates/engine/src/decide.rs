//! Commands → rules → events. [`decide`] checks a command against the model and every
//! enabled rule and returns the events it produces, or a [`Rejection`]; it never changes the
//! case. [`execute`] decides and then applies the events.

use ave_model::{
    Date, FunctionId, OrganisationKind, Phase, Precondition, RoleKind, Transition, ValidModel,
    WithinEffect,
};
use chrono::{DateTime, Utc};

use crate::case::{Case, RequestStatus, is_minor};
use crate::command::{Command, EndState, Envelope, GoalStatus, Member, Participant};
use crate::condition::{blocked_by_insufficient_alone, evaluate};
use crate::event::{Event, Recorded, SCHEMA_VERSION};
use crate::ids::{PersonId, RequestId, TaskId};
use crate::rejection::{Rejection, RejectionCode as C};
use crate::rules::{self, Holding};

type Result<T> = std::result::Result<T, Rejection>;

/// Decides a command and applies its events to the case. On rejection the case is unchanged.
pub fn execute(
    model: &ValidModel,
    case: &mut Option<Case>,
    env: &Envelope,
) -> Result<Vec<Recorded>> {
    let events = decide(model, case.as_ref(), env)?;
    let mut seq = case.as_ref().map_or(0, |c| c.seq);
    let recorded: Vec<Recorded> = events
        .into_iter()
        .map(|event| {
            seq += 1;
            Recorded {
                schema: SCHEMA_VERSION,
                seq,
                at: env.at,
                by: env.by.clone(),
                event,
            }
        })
        .collect();
    // `decide` only opens a case that does not exist and numbers events from the case's
    // own sequence, so applying cannot fail; should it ever, nothing half-applied stays.
    let mut next = case.take();
    for r in &recorded {
        if let Err(e) = Case::apply_to(&mut next, r) {
            return Err(Rejection::new(
                C::NoCase,
                format!("interne fout bij toepassen: {e}"),
            ));
        }
    }
    *case = next;
    Ok(recorded)
}

/// Checks a command and returns the events it produces.
pub fn decide(model: &ValidModel, case: Option<&Case>, env: &Envelope) -> Result<Vec<Event>> {
    let Some(case) = case else {
        return match &env.command {
            Command::Open {
                case,
                phase,
                reason,
                household,
                participants,
            } => open(model, env, case, phase, reason, household, participants),
            other => Err(Rejection::new(
                C::NoCase,
                format!(
                    "er is nog geen casus: open er eerst een (niet: {})",
                    other.name()
                ),
            )),
        };
    };
    if matches!(env.command, Command::Open { .. }) {
        return Err(Rejection::new(
            C::CaseExists,
            format!("casus {} is al geopend", case.id),
        ));
    }
    if let Some(closed) = &case.closed {
        return Err(Rejection::new(
            C::CaseClosed,
            format!(
                "de casus is gesloten op {} ({})",
                closed.at.date_naive(),
                closed.reason
            ),
        ));
    }
    let md = &model.model().model;
    if case.model != md.id || case.model_version != md.version {
        return Err(Rejection::new(
            C::ModelMismatch,
            format!(
                "de casus loopt onder model {} versie {}, niet onder {} versie {}",
                case.model, case.model_version, md.id, md.version
            ),
        ));
    }
    if env.at < case.last_at {
        return Err(Rejection::new(
            C::DateOutOfOrder,
            format!(
                "het tijdstip {} ligt vóór de laatste gebeurtenis in de casus ({})",
                env.at, case.last_at
            ),
        ));
    }
    let Some(actor) = case.participants.get(&env.by) else {
        return Err(Rejection::new(
            C::NotParticipant,
            format!("{} is niet betrokken bij deze casus", env.by),
        ));
    };
    let Some(phase) = model.phase(case.phase.as_str()) else {
        return Err(Rejection::new(
            C::UnknownPhase,
            format!(
                "de casus staat in fase {}, die het model niet kent",
                case.phase
            ),
        ));
    };
    let cx = Cx {
        m: model,
        case,
        env,
        actor,
        phase,
        today: Date::from(env.at.date_naive()),
    };
    cx.command()
}

/// What every check needs.
struct Cx<'a> {
    m: &'a ValidModel,
    case: &'a Case,
    env: &'a Envelope,
    actor: &'a Participant,
    phase: &'a Phase,
    today: Date,
}

fn non_empty(what: &str, s: &str) -> Result<()> {
    if s.trim().is_empty() {
        return Err(Rejection::new(
            C::EmptyText,
            format!("{what} mag niet leeg zijn"),
        ));
    }
    Ok(())
}

fn duplicate(kind: &str, id: &dyn std::fmt::Display) -> Rejection {
    Rejection::new(
        C::DuplicateId,
        format!("{kind} {id} bestaat al in deze casus"),
    )
}

fn add_days(day: Date, days: u32) -> Date {
    Date::from(day.naive() + chrono::Days::new(u64::from(days)))
}

/// The first evaluation date in a phase, when the rule asks for one.
fn evaluation_date(model: &ValidModel, phase: &Phase, at: DateTime<Utc>) -> Option<Date> {
    if !model.model().rules.is_enabled("evaluation_required") {
        return None;
    }
    let days = phase.norms.as_ref()?.evaluation_days?;
    Some(add_days(Date::from(at.date_naive()), days))
}

fn open(
    model: &ValidModel,
    env: &Envelope,
    case: &crate::ids::CaseId,
    phase_id: &ave_model::PhaseId,
    reason: &str,
    household: &[Member],
    participants: &[Participant],
) -> Result<Vec<Event>> {
    let Some(phase) = model.phase(phase_id.as_str()) else {
        return Err(Rejection::new(
            C::UnknownPhase,
            format!("het model kent fase {phase_id} niet"),
        ));
    };
    if !phase.entry {
        let entries: Vec<&str> = model
            .model()
            .phases
            .iter()
            .filter(|p| p.entry)
            .map(|p| p.id.as_str())
            .collect();
        return Err(Rejection::new(
            C::NotEntryPhase,
            format!(
                "een casus kan niet in fase {phase_id} beginnen; beginfasen: {}",
                entries.join(", ")
            ),
        )
        .citing(phase.source.as_deref()));
    }
    non_empty("de reden", reason)?;
    let mut seen = std::collections::HashSet::new();
    for p in participants {
        if !seen.insert(&p.person) {
            return Err(duplicate("betrokkene", &p.person));
        }
        if model.function(p.function.as_str()).is_none() {
            return Err(Rejection::new(
                C::UnknownFunction,
                format!(
                    "het model kent functie {} niet (betrokkene {})",
                    p.function, p.person
                ),
            ));
        }
        non_empty("de naam van een betrokkene", &p.name)?;
    }
    let mut seen = std::collections::HashSet::new();
    for m in household {
        if !seen.insert(&m.member) {
            return Err(duplicate("gezinslid", &m.member));
        }
        non_empty("de rol in het huishouden", &m.role)?;
    }
    let Some(actor) = participants.iter().find(|p| p.person == env.by) else {
        return Err(Rejection::new(
            C::NotParticipant,
            format!(
                "wie de casus opent ({}) moet bij de betrokkenen staan",
                env.by
            ),
        ));
    };
    if !phase.entry_by.is_empty() && !phase.entry_by.contains(&actor.function) {
        return Err(Rejection::new(
            C::NotEntryPhase,
            format!(
                "alleen {} mag een casus in fase {phase_id} openen",
                names(model, &phase.entry_by)
            ),
        )
        .citing(phase.source.as_deref()));
    }
    Ok(vec![Event::CaseOpened {
        case: case.clone(),
        model: model.model().model.id.clone(),
        model_version: model.model().model.version.clone(),
        phase: phase_id.clone(),
        reason: reason.to_owned(),
        household: household.to_vec(),
        participants: participants.to_vec(),
        next_evaluation: evaluation_date(model, phase, env.at),
    }])
}

/// Function names for messages.
fn names(model: &ValidModel, ids: &[FunctionId]) -> String {
    let v: Vec<&str> = ids
        .iter()
        .map(|f| model.function_name(f.as_str()))
        .collect();
    match v.len() {
        0 => "niemand".to_owned(),
        1 => v[0].to_owned(),
        _ => format!("{} of {}", v[..v.len() - 1].join(", "), v[v.len() - 1]),
    }
}

impl<'a> Cx<'a> {
    fn rule_source(&self, rule: &str) -> Option<&'a str> {
        self.m.model().rules.source_of(rule)
    }

    fn person(&self, id: &PersonId) -> Result<&'a Participant> {
        self.case.participants.get(id).ok_or_else(|| {
            Rejection::new(
                C::UnknownPerson,
                format!("{id} is niet betrokken bij deze casus"),
            )
        })
    }

    fn current_holdings(&self) -> Vec<Holding> {
        self.case
            .roles
            .iter()
            .filter(|h| h.until.is_none())
            .map(|h| Holding {
                role: h.role,
                person: h.person.clone(),
                function: h.function.clone(),
            })
            .collect()
    }

    /// The id of a handover task: predictable from the request (or the count of casusregie
    /// changes), so that a scenario can name it; falls back to the event number when the
    /// name would be too long or is taken.
    fn task_id(&self, wanted: &str) -> Result<TaskId> {
        match TaskId::parse(wanted) {
            Ok(id) if !self.case.tasks.contains_key(&id) => Ok(id),
            _ => TaskId::parse(format!("overdracht-{}", self.case.seq + 1))
                .map_err(|e| Rejection::new(C::NoCase, format!("interne fout: {e}"))),
        }
    }

    fn command(&self) -> Result<Vec<Event>> {
        let case = self.case;
        match &self.env.command {
            Command::Open { .. } => Err(Rejection::new(C::CaseExists, "de casus is al geopend")),
            Command::AddParticipant {
                person,
                name,
                function,
                organisation,
            } => {
                if case.participants.contains_key(person) {
                    return Err(duplicate("betrokkene", person));
                }
                if self.m.function(function.as_str()).is_none() {
                    return Err(Rejection::new(
                        C::UnknownFunction,
                        format!("het model kent functie {function} niet"),
                    ));
                }
                non_empty("de naam", name)?;
                Ok(vec![Event::ParticipantAdded {
                    participant: Participant {
                        person: person.clone(),
                        name: name.clone(),
                        function: function.clone(),
                        organisation: organisation.clone(),
                    },
                }])
            }
            Command::RemoveParticipant { person, reason } => {
                self.person(person)?;
                non_empty("de reden", reason)?;
                if let Some(h) = case
                    .roles
                    .iter()
                    .find(|h| &h.person == person && h.until.is_none())
                {
                    return Err(Rejection::new(
                        C::HoldsRole,
                        format!(
                            "{person} heeft nog {}; draag die eerst over",
                            h.role.label().to_lowercase()
                        ),
                    ));
                }
                if case
                    .tasks
                    .values()
                    .any(|t| t.done.is_none() && t.holder.as_ref() == Some(person))
                {
                    return Err(Rejection::new(
                        C::HoldsRole,
                        format!("{person} heeft nog een overdracht openstaan; rond die eerst af"),
                    ));
                }
                if case
                    .goals
                    .values()
                    .any(|g| &g.owner == person && g.status == GoalStatus::Lopend)
                {
                    return Err(Rejection::new(
                        C::HoldsRole,
                        format!("{person} is nog eigenaar van een lopend doel in het plan"),
                    ));
                }
                Ok(vec![Event::ParticipantRemoved {
                    person: person.clone(),
                    reason: reason.clone(),
                }])
            }
            Command::AddMember {
                member,
                role,
                minor,
                born,
            } => {
                if case.members.contains_key(member) {
                    return Err(duplicate("gezinslid", member));
                }
                non_empty("de rol in het huishouden", role)?;
                let new = Member {
                    member: member.clone(),
                    role: role.clone(),
                    minor: *minor,
                    born: *born,
                };
                let minors = case.has_minors(self.today) || is_minor(&new, self.today);
                rules::check_roles(self.m, &self.current_holdings(), minors)?;
                Ok(vec![Event::MemberAdded { member: new }])
            }
            Command::RemoveMember { member, reason } => {
                if !case.members.contains_key(member) {
                    return Err(Rejection::new(
                        C::UnknownMember,
                        format!("gezinslid {member} bestaat niet in deze casus"),
                    ));
                }
                non_empty("de reden", reason)?;
                let minors = case
                    .members
                    .values()
                    .any(|m| &m.member != member && is_minor(m, self.today));
                rules::check_roles(self.m, &self.current_holdings(), minors)?;
                Ok(vec![Event::MemberRemoved {
                    member: member.clone(),
                    reason: reason.clone(),
                }])
            }
            Command::AssignRole {
                role,
                person,
                review,
                reason,
            } => self.assign_role(*role, person, *review, reason.as_deref()),
            Command::ReviewRole {
                role,
                person,
                review,
                reason,
            } => {
                if case.holding(*role, person).is_none() {
                    return Err(Rejection::new(
                        C::NotRoleHolder,
                        format!("{person} heeft geen {}", role.label().to_lowercase()),
                    ));
                }
                non_empty("de reden", reason)?;
                if *review <= self.today {
                    return Err(Rejection::new(
                        C::RuleProcesregieReview,
                        format!(
                            "de nieuwe herzieningsdatum ({review}) moet na vandaag ({}) liggen",
                            self.today
                        ),
                    )
                    .by_rule("procesregie_review", self.rule_source("procesregie_review")));
                }
                Ok(vec![Event::RoleReviewed {
                    role: *role,
                    person: person.clone(),
                    review: *review,
                    reason: reason.clone(),
                }])
            }
            Command::EndRole {
                role,
                person,
                reason,
            } => self.end_role(*role, person, reason),
            Command::RecordSignal {
                signal,
                source,
                category,
                text,
                triggers,
            } => {
                if case.signals.contains_key(signal) {
                    return Err(duplicate("signaal", signal));
                }
                non_empty("de bron", source)?;
                non_empty("de tekst", text)?;
                let mut events = vec![Event::SignalRecorded {
                    signal: signal.clone(),
                    source: source.clone(),
                    category: category.clone(),
                    text: text.clone(),
                    triggers: triggers.clone(),
                }];
                for t in triggers {
                    let Some(trigger) = self.m.trigger(t.as_str()) else {
                        return Err(Rejection::new(
                            C::UnknownTrigger,
                            format!("het model kent trigger {t} niet"),
                        ));
                    };
                    if trigger.phases.is_empty() || trigger.phases.contains(&case.phase) {
                        events.push(Event::TriggerFired {
                            trigger: t.clone(),
                            signal: Some(signal.clone()),
                            phase: case.phase.clone(),
                        });
                    }
                }
                Ok(events)
            }
            Command::AssessCriterion {
                criterion,
                holds,
                evidence,
            } => {
                if self.m.criterion(criterion.as_str()).is_none() {
                    return Err(Rejection::new(
                        C::UnknownCriterion,
                        format!("het model kent criterium {criterion} niet"),
                    ));
                }
                non_empty("de onderbouwing", evidence)?;
                Ok(vec![Event::CriterionAssessed {
                    criterion: criterion.clone(),
                    holds: *holds,
                    evidence: evidence.clone(),
                }])
            }
            Command::RecordFact {
                fact,
                holds,
                evidence,
            } => {
                let Some(f) = self.m.fact(fact.as_str()) else {
                    return Err(Rejection::new(
                        C::UnknownFact,
                        format!("het model kent feit {fact} niet"),
                    ));
                };
                if f.derived.is_some() {
                    return Err(Rejection::new(
                        C::DerivedFact,
                        format!(
                            "feit {fact} wordt afgeleid uit het huishouden; leg de gezinsleden vast"
                        ),
                    ));
                }
                non_empty("de onderbouwing", evidence)?;
                Ok(vec![Event::FactRecorded {
                    fact: fact.clone(),
                    holds: *holds,
                    evidence: evidence.clone(),
                }])
            }
            Command::SetPlan { phase, summary } => {
                if self.m.phase(phase.as_str()).is_none() {
                    return Err(Rejection::new(
                        C::UnknownPhase,
                        format!("het model kent fase {phase} niet"),
                    ));
                }
                non_empty("de samenvatting van het plan", summary)?;
                Ok(vec![Event::PlanSet {
                    phase: phase.clone(),
                    summary: summary.clone(),
                }])
            }
            Command::AddGoal {
                goal,
                leefgebied,
                text,
                owner,
                due,
            } => {
                if case.goals.contains_key(goal) {
                    return Err(duplicate("doel", goal));
                }
                non_empty("het leefgebied", leefgebied)?;
                non_empty("het doel", text)?;
                self.person(owner)?;
                Ok(vec![Event::GoalAdded {
                    goal: goal.clone(),
                    leefgebied: leefgebied.clone(),
                    text: text.clone(),
                    owner: owner.clone(),
                    due: *due,
                }])
            }
            Command::UpdateGoal {
                goal,
                status,
                explanation: note,
            } => {
                let Some(g) = case.goals.get(goal) else {
                    return Err(Rejection::new(
                        C::UnknownItem,
                        format!("doel {goal} bestaat niet"),
                    ));
                };
                if g.status != GoalStatus::Lopend {
                    return Err(Rejection::new(
                        C::AlreadyDone,
                        format!("doel {goal} is al afgerond"),
                    ));
                }
                non_empty("de toelichting", note)?;
                Ok(vec![Event::GoalUpdated {
                    goal: goal.clone(),
                    status: *status,
                    note: note.clone(),
                }])
            }
            Command::AddAction {
                action,
                kind,
                text,
                owner,
                due,
                werkafspraak,
            } => {
                if case.actions.contains_key(action) {
                    return Err(duplicate("afspraak of actie", action));
                }
                non_empty("de tekst", text)?;
                if let Some(owner) = owner {
                    self.person(owner)?;
                }
                let known = werkafspraak
                    .as_ref()
                    .is_none_or(|w| self.m.agreement(w.as_str()).is_some());
                Ok(vec![Event::ActionAdded {
                    action: action.clone(),
                    kind: *kind,
                    text: text.clone(),
                    owner: owner.clone(),
                    due: *due,
                    werkafspraak: werkafspraak.clone(),
                    werkafspraak_known: known,
                }])
            }
            Command::CompleteAction {
                action,
                result: note,
            } => {
                let Some(a) = case.actions.get(action) else {
                    return Err(Rejection::new(
                        C::UnknownItem,
                        format!("actie {action} bestaat niet"),
                    ));
                };
                if a.done.is_some() {
                    return Err(Rejection::new(
                        C::AlreadyDone,
                        format!("actie {action} is al afgerond"),
                    ));
                }
                non_empty("de toelichting", note)?;
                Ok(vec![Event::ActionCompleted {
                    action: action.clone(),
                    note: note.clone(),
                }])
            }
            Command::HoldMeeting {
                meeting,
                kind,
                attendees,
                decisions,
            } => {
                if case.meetings.contains_key(meeting) {
                    return Err(duplicate("overleg", meeting));
                }
                if self.m.meeting_kind(kind.as_str()).is_none() {
                    let known: Vec<&str> = self
                        .m
                        .model()
                        .meeting_kinds
                        .iter()
                        .map(|k| k.id.as_str())
                        .collect();
                    return Err(Rejection::new(
                        C::UnknownMeetingKind,
                        format!(
                            "het model kent overleg {kind} niet; wel: {}",
                            if known.is_empty() {
                                "geen".to_owned()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                }
                if attendees.is_empty() {
                    return Err(Rejection::new(C::EmptyText, "een overleg heeft deelnemers"));
                }
                for a in attendees {
                    self.person(a)?;
                }
                Ok(vec![Event::MeetingHeld {
                    meeting: meeting.clone(),
                    kind: kind.clone(),
                    attendees: attendees.clone(),
                    decisions: decisions.clone(),
                }])
            }
            Command::Evaluate { summary, next } => {
                non_empty("de samenvatting", summary)?;
                if let Some(next) = next
                    && *next <= self.today
                {
                    return Err(Rejection::new(
                        C::DateOutOfOrder,
                        format!(
                            "de volgende evaluatie ({next}) moet na vandaag ({}) liggen",
                            self.today
                        ),
                    ));
                }
                let next = next.or_else(|| evaluation_date(self.m, self.phase, self.env.at));
                Ok(vec![Event::Evaluated {
                    summary: summary.clone(),
                    next_evaluation: next,
                }])
            }
            Command::Propose {
                request,
                transition,
                criteria,
                evidence,
            } => self.propose(request, transition, criteria, evidence),
            Command::Decide {
                request,
                approve,
                reason,
                authority,
                consulted,
            } => self.decide_request(
                request,
                *approve,
                reason,
                authority.as_deref(),
                consulted,
                false,
            ),
            Command::Withdraw { request, reason } => {
                let req = self.open_request(request)?;
                non_empty("de reden", reason)?;
                if req.proposed_by != self.env.by {
                    return Err(Rejection::new(
                        C::NotProposer,
                        "alleen wie het verzoek deed kan het intrekken",
                    ));
                }
                Ok(vec![Event::TransitionWithdrawn {
                    request: request.clone(),
                    reason: reason.clone(),
                }])
            }
            Command::RaiseDisagreement {
                disagreement,
                request,
                positions,
            } => {
                if case.disagreements.contains_key(disagreement) {
                    return Err(duplicate("meningsverschil", disagreement));
                }
                self.open_request(request)?;
                non_empty("de standpunten", positions)?;
                let rule = self.arbiter_rule()?;
                if !rule.parties.is_empty() && !rule.parties.contains(&self.actor.function) {
                    return Err(Rejection::new(
                        C::NotParty,
                        format!(
                            "een meningsverschil over op- of afschalen wordt voorgelegd door {}",
                            names(self.m, &rule.parties)
                        ),
                    )
                    .by_rule(
                        "disagreement_arbiter",
                        self.rule_source("disagreement_arbiter"),
                    ));
                }
                if case
                    .disagreements
                    .values()
                    .any(|d| &d.request == request && d.settled.is_none())
                {
                    return Err(Rejection::new(
                        C::DisagreementOpen,
                        format!("over verzoek {request} ligt al een meningsverschil voor"),
                    ));
                }
                Ok(vec![Event::DisagreementRaised {
                    disagreement: disagreement.clone(),
                    request: request.clone(),
                    positions: positions.clone(),
                }])
            }
            Command::Settle {
                disagreement,
                approve,
                reason,
            } => {
                let Some(d) = case.disagreements.get(disagreement) else {
                    return Err(Rejection::new(
                        C::UnknownItem,
                        format!("meningsverschil {disagreement} bestaat niet"),
                    ));
                };
                if d.settled.is_some() {
                    return Err(Rejection::new(
                        C::AlreadyDone,
                        format!("meningsverschil {disagreement} is al beslecht"),
                    ));
                }
                let rule = self.arbiter_rule()?;
                if rule.arbiter.as_ref() != Some(&self.actor.function) {
                    return Err(Rejection::new(
                        C::NotArbiter,
                        format!(
                            "bij een meningsverschil beslist {}",
                            rule.arbiter
                                .as_ref()
                                .map_or("niemand", |a| self.m.function_name(a.as_str()))
                        ),
                    )
                    .by_rule(
                        "disagreement_arbiter",
                        self.rule_source("disagreement_arbiter"),
                    ));
                }
                let mut events = vec![Event::DisagreementSettled {
                    disagreement: disagreement.clone(),
                    approved: *approve,
                    reason: reason.clone(),
                }];
                events.extend(self.decide_request(
                    &d.request,
                    *approve,
                    reason,
                    None,
                    &[],
                    true,
                )?);
                Ok(events)
            }
            Command::FormalDecision {
                decision,
                subject,
                text,
                grondslag,
            } => {
                if case.decisions.contains_key(decision) {
                    return Err(duplicate("besluit", decision));
                }
                non_empty("het onderwerp", subject)?;
                non_empty("het besluit", text)?;
                let kind = self
                    .m
                    .function(self.actor.function.as_str())
                    .map(|f| f.kind);
                if kind != Some(OrganisationKind::Bestuur) {
                    return Err(Rejection::new(
                        C::NotAdministrator,
                        "een formeel besluit wordt genomen door een bestuurder (burgemeester, wethouder, college)",
                    ));
                }
                // Only a bestuurder who is bestuurlijk verantwoordelijk in the current phase, or in
                // a more escalated one (the burgemeester's powers do not wait for AVE 4), decides
                // formally; in AVE 4 that leaves the burgemeester, without delegation.
                let here = self.phase.order;
                let allowed: Vec<FunctionId> = self
                    .m
                    .model()
                    .phases
                    .iter()
                    .filter(|p| p.order >= here)
                    .filter_map(|p| p.regie.bestuurlijk.as_ref())
                    .flat_map(|r| r.holders.iter().cloned())
                    .collect();
                if !allowed.is_empty() && !allowed.contains(&self.actor.function) {
                    let current = self
                        .phase
                        .regie
                        .bestuurlijk
                        .as_ref()
                        .map_or_else(Vec::new, |r| r.holders.clone());
                    return Err(Rejection::new(
                        C::NotAdministrator,
                        format!(
                            "in fase {} is {} bestuurlijk verantwoordelijk; {} is {}",
                            case.phase,
                            names(self.m, &current),
                            self.env.by,
                            self.m.function_name(self.actor.function.as_str())
                        ),
                    )
                    .citing(self.phase.source.as_deref()));
                }
                Ok(vec![Event::FormalDecisionRecorded {
                    decision: decision.clone(),
                    subject: subject.clone(),
                    text: text.clone(),
                    grondslag: grondslag.clone(),
                    function: self.actor.function.clone(),
                }])
            }
            Command::CompleteHandover { task, how: note } => {
                let Some(t) = case.tasks.get(task) else {
                    return Err(Rejection::new(
                        C::UnknownItem,
                        format!("overdracht {task} bestaat niet"),
                    ));
                };
                if t.done.is_some() {
                    return Err(Rejection::new(
                        C::AlreadyDone,
                        format!("overdracht {task} is al gedaan"),
                    ));
                }
                if let Some(holder) = &t.holder
                    && holder != &self.env.by
                {
                    return Err(Rejection::new(
                        C::NotRoleHolder,
                        format!("de overdracht is een taak van {holder}"),
                    ));
                }
                non_empty("de toelichting", note)?;
                Ok(vec![Event::HandoverCompleted {
                    task: task.clone(),
                    note: note.clone(),
                }])
            }
            Command::Close { reason, end_state } => {
                non_empty("de reden", reason)?;
                if let Some((id, _)) = case.open_request() {
                    return Err(Rejection::new(
                        C::CannotClose,
                        format!("handel eerst verzoek {id} af"),
                    ));
                }
                if let Some((id, _)) = case.tasks.iter().find(|(_, t)| t.done.is_none()) {
                    return Err(Rejection::new(
                        C::CannotClose,
                        format!("rond eerst overdracht {id} af"),
                    ));
                }
                let lowest = self.m.phases_in_order().first().map(|p| p.id.clone());
                let in_lowest = lowest.as_ref() == Some(&case.phase);
                if !in_lowest && matches!(end_state, EndState::Afgesloten | EndState::Waakvlam) {
                    return Err(Rejection::new(
                        C::CannotClose,
                        format!(
                            "een casus in fase {} wordt eerst afgeschaald; sluiten als afgesloten of waakvlam kan in fase {}",
                            case.phase,
                            lowest.map_or_else(String::new, |p| p.to_string())
                        ),
                    ));
                }
                Ok(vec![Event::CaseClosed {
                    reason: reason.clone(),
                    end_state: *end_state,
                }])
            }
        }
    }

    fn meeting_since_phase_entry(&self, kind: &str) -> bool {
        let since = self.case.phase_since();
        self.case
            .meetings
            .values()
            .any(|m| m.kind.as_str() == kind && m.at >= since)
    }

    fn meeting_name(&self, kind: &'a str) -> &'a str {
        self.m.meeting_kind(kind).map_or(kind, |k| k.name.as_str())
    }

    fn arbiter_rule(&self) -> Result<&'a ave_model::ArbiterRule> {
        match &self.m.model().rules.disagreement_arbiter {
            Some(rule) if rule.enabled && rule.arbiter.is_some() => Ok(rule),
            _ => Err(Rejection::new(
                C::NoArbiter,
                "het model wijst niemand aan die beslist bij een meningsverschil over op- of afschalen",
            )),
        }
    }

    fn assign_role(
        &self,
        role: RoleKind,
        person: &PersonId,
        review: Option<Date>,
        reason: Option<&str>,
    ) -> Result<Vec<Event>> {
        let case = self.case;
        let p = self.person(person)?;
        let spec = self.phase.regie.role(role);
        if let Some(spec) = spec {
            if spec.nvt {
                return Err(Rejection::new(
                    C::RoleNotApplicable,
                    format!(
                        "{} is in fase {} niet van toepassing",
                        role.label(),
                        case.phase
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
            if !spec.holders.is_empty() && !spec.holders.contains(&p.function) {
                return Err(Rejection::new(
                    C::FunctionNotPrescribed,
                    format!(
                        "{} ligt in fase {} bij {}; {person} is {}",
                        role.label(),
                        case.phase,
                        names(self.m, &spec.holders),
                        self.m.function_name(p.function.as_str())
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
            // Where the model adds procesregie by a transition within the phase, it comes only
            // through that transition (its criteria and who decides), never by assignment alone.
            if role == RoleKind::Procesregie
                && spec.when_needed
                && !case.procesregie_added
                && let Some(t) = self
                    .m
                    .transitions_from(case.phase.as_str())
                    .find(|t| t.effect == Some(WithinEffect::ProcesregieToevoegen))
            {
                return Err(Rejection::new(
                    C::PreconditionNotMet,
                    format!(
                        "procesregie wordt in fase {} toegevoegd via overgang {} (voorstel en besluit); die is nog niet genomen",
                        case.phase, t.id
                    ),
                )
                .citing(t.source.as_deref()));
            }
            if !spec.appointed_by.is_empty() && !spec.appointed_by.contains(&self.actor.function) {
                return Err(Rejection::new(
                    C::NotAppointer,
                    format!(
                        "{} wordt in fase {} aangewezen door {}; {} is {}",
                        role.label(),
                        case.phase,
                        names(self.m, &spec.appointed_by),
                        self.env.by,
                        self.m.function_name(self.actor.function.as_str())
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
            if let Some(meeting) = &spec.appointed_in
                && !self.meeting_since_phase_entry(meeting.as_str())
            {
                return Err(Rejection::new(
                    C::PreconditionNotMet,
                    format!(
                        "{} wordt in fase {} bepaald in een {}; leg dat overleg eerst vast",
                        role.label(),
                        case.phase,
                        self.meeting_name(meeting.as_str())
                    ),
                )
                .citing(self.phase.source.as_deref()));
            }
        }
        if case.holding(role, person).is_some() {
            return Err(Rejection::new(
                C::AlreadyRoleHolder,
                format!("{person} heeft al {}", role.label().to_lowercase()),
            ));
        }
        let rules = &self.m.model().rules;
        let mut holdings = self.current_holdings();
        let mut replaces = None;
        let mut events = Vec::new();
        if role == RoleKind::Casusregie
            && let Some(old) = case.holders(RoleKind::Casusregie).next()
        {
            // There is one casusregisseur: this assignment hands casusregie over.
            replaces = Some(old.person.clone());
            holdings.retain(|h| !(h.role == RoleKind::Casusregie && h.person == old.person));
            if rules.is_enabled("casusregie_continuity") {
                if reason.is_none_or(|r| r.trim().is_empty()) {
                    return Err(Rejection::new(
                        C::RuleCasusregieContinuity,
                        "een wisseling van casusregisseur vraagt een reden (continuïteit in casusregie)",
                    )
                    .by_rule("casusregie_continuity", self.rule_source("casusregie_continuity")));
                }
                events.push(Event::HandoverCreated {
                    task: self.task_id(&format!(
                        "overdracht-casusregie-{}",
                        case.roles.iter().filter(|h| h.role == RoleKind::Casusregie).count()
                    ))?,
                    role,
                    holder: Some(old.person.clone()),
                    text: format!(
                        "Draag de casusregie zorgvuldig over aan {person} (continuïteit in casusregie)."
                    ),
                    transition: ave_model::TransitionId::parse("casusregie-wissel")
                        .map_err(|e| Rejection::new(C::NoCase, format!("interne fout: {e}")))?,
                });
            }
        }
        if role == RoleKind::Procesregie {
            // A procesregisseur from an earlier phase whose function this phase does not
            // prescribe is replaced, not doubled: procesregie passes to the new holder.
            if let Some(spec) = spec
                && !spec.holders.is_empty()
                && let Some(old) = case
                    .holders(RoleKind::Procesregie)
                    .find(|h| !spec.holders.contains(&h.function))
            {
                replaces = Some(old.person.clone());
                holdings.retain(|h| !(h.role == RoleKind::Procesregie && h.person == old.person));
            }
        }
        let mut review = review;
        if role == RoleKind::Procesregie && rules.is_enabled("procesregie_review") {
            let days = self
                .phase
                .norms
                .as_ref()
                .and_then(|n| n.procesregie_review_days);
            review = review.or_else(|| days.map(|d| add_days(self.today, d)));
            match review {
                None => {
                    return Err(Rejection::new(
                        C::RuleProcesregieReview,
                        "procesregie is tijdelijk: geef een herzieningsdatum (`review`); het model geeft voor deze fase geen termijn",
                    )
                    .by_rule("procesregie_review", self.rule_source("procesregie_review")));
                }
                Some(day) if day <= self.today => {
                    return Err(Rejection::new(
                        C::RuleProcesregieReview,
                        format!(
                            "de herzieningsdatum ({day}) moet na vandaag ({}) liggen",
                            self.today
                        ),
                    )
                    .by_rule("procesregie_review", self.rule_source("procesregie_review")));
                }
                Some(_) => {}
            }
        }
        holdings.push(Holding {
            role,
            person: person.clone(),
            function: p.function.clone(),
        });
        rules::check_roles(self.m, &holdings, case.has_minors(self.today))?;
        events.insert(
            0,
            Event::RoleAssigned {
                role,
                person: person.clone(),
                function: p.function.clone(),
                review,
                reason: reason.map(str::to_owned),
                replaces,
            },
        );
        Ok(events)
    }

    fn end_role(&self, role: RoleKind, person: &PersonId, reason: &str) -> Result<Vec<Event>> {
        let case = self.case;
        if case.holding(role, person).is_none() {
            return Err(Rejection::new(
                C::NotRoleHolder,
                format!("{person} heeft geen {}", role.label().to_lowercase()),
            ));
        }
        non_empty("de reden", reason)?;
        if role == RoleKind::Casusregie && rules::casusregie_required_here(self.m, &case.phase) {
            return Err(Rejection::new(
                C::RuleCasusregieRequired,
                format!(
                    "in fase {} heeft de casus altijd één benoemde casusregisseur: wijs een opvolger aan (assign-role) in plaats van de rol te beëindigen",
                    case.phase
                ),
            )
            .by_rule("casusregie_required", self.rule_source("casusregie_required")));
        }
        Ok(vec![Event::RoleEnded {
            role,
            person: person.clone(),
            reason: reason.to_owned(),
        }])
    }

    fn open_request(&self, id: &RequestId) -> Result<&'a crate::case::Request> {
        let Some(req) = self.case.requests.get(id) else {
            return Err(Rejection::new(
                C::UnknownItem,
                format!("verzoek {id} bestaat niet"),
            ));
        };
        if req.status != RequestStatus::Open {
            return Err(Rejection::new(
                C::RequestNotOpen,
                format!("verzoek {id} is niet meer open"),
            ));
        }
        Ok(req)
    }

    fn transition(&self, id: &str) -> Result<&'a Transition> {
        self.m.transition(id).ok_or_else(|| {
            Rejection::new(
                C::UnknownTransition,
                format!("het model kent overgang {id} niet"),
            )
        })
    }

    fn check_effect_applies(&self, t: &Transition) -> Result<()> {
        let has_proces = self.case.holders(RoleKind::Procesregie).next().is_some();
        match t.effect {
            Some(WithinEffect::ProcesregieBeeindigen)
                if !has_proces && !self.case.procesregie_added =>
            {
                Err(Rejection::new(
                    C::NothingToChange,
                    "er is geen procesregie om te beëindigen",
                ))
            }
            Some(WithinEffect::ProcesregieToevoegen) if has_proces => Err(Rejection::new(
                C::NothingToChange,
                "er is al een procesregisseur",
            )),
            _ => Ok(()),
        }
    }

    fn propose(
        &self,
        request: &RequestId,
        transition: &ave_model::TransitionId,
        criteria: &[ave_model::CriterionId],
        evidence: &str,
    ) -> Result<Vec<Event>> {
        let case = self.case;
        if case.requests.contains_key(request) {
            return Err(duplicate("verzoek", request));
        }
        let t = self.transition(transition.as_str())?;
        if t.from != case.phase {
            return Err(Rejection::new(
                C::WrongPhase,
                format!(
                    "overgang {transition} vertrekt uit fase {}, de casus staat in fase {}",
                    t.from, case.phase
                ),
            ));
        }
        if let Some((open, _)) = case.open_request() {
            return Err(Rejection::new(
                C::RequestPending,
                format!("verzoek {open} wacht nog op een besluit"),
            ));
        }
        self.check_effect_applies(t)?;
        if self.m.model().rules.is_enabled("transition_authority")
            && !t.proposers.is_empty()
            && !t.proposers.contains(&self.actor.function)
            && !t.deciders.contains(&self.actor.function)
        {
            return Err(Rejection::new(
                C::NotProposer,
                format!(
                    "{} stelt overgang {transition} voor; {} is {}",
                    names(self.m, &t.proposers),
                    self.env.by,
                    self.m.function_name(self.actor.function.as_str())
                ),
            )
            .by_rule(
                "transition_authority",
                self.rule_source("transition_authority"),
            )
            .citing(t.source.as_deref()));
        }
        let own = crate::condition::criteria_of(t);
        for c in criteria {
            if self.m.criterion(c.as_str()).is_none() {
                return Err(Rejection::new(
                    C::UnknownCriterion,
                    format!("het model kent criterium {c} niet"),
                ));
            }
            if !own.contains(&c) {
                return Err(Rejection::new(
                    C::CriterionNotOfTransition,
                    format!("criterium {c} hoort niet bij overgang {transition}"),
                )
                .citing(t.source.as_deref()));
            }
        }
        non_empty("de onderbouwing", evidence)?;
        Ok(vec![Event::TransitionProposed {
            request: request.clone(),
            transition: transition.clone(),
            from: t.from.clone(),
            to: t.to.clone(),
            criteria: criteria.to_vec(),
            evidence: evidence.to_owned(),
        }])
    }

    fn decide_request(
        &self,
        request: &RequestId,
        approve: bool,
        reason: &str,
        authority: Option<&str>,
        consulted: &[PersonId],
        by_arbiter: bool,
    ) -> Result<Vec<Event>> {
        let case = self.case;
        let req = self.open_request(request)?;
        let t = self.transition(req.transition.as_str())?;
        if t.from != case.phase {
            return Err(Rejection::new(
                C::WrongPhase,
                format!("de casus staat niet meer in fase {}", t.from),
            ));
        }
        non_empty("de reden", reason)?;
        for p in consulted {
            self.person(p)?;
        }
        let rules = &self.m.model().rules;
        let arbiter_on = rules
            .disagreement_arbiter
            .as_ref()
            .is_some_and(|r| r.enabled);
        if !by_arbiter
            && arbiter_on
            && case
                .disagreements
                .values()
                .any(|d| &d.request == request && d.settled.is_none())
        {
            return Err(Rejection::new(
                C::DisagreementOpen,
                "over dit verzoek ligt een meningsverschil voor: de aangewezen beslisser beslist",
            )
            .by_rule(
                "disagreement_arbiter",
                self.rule_source("disagreement_arbiter"),
            ));
        }
        let authority_rule = rules.is_enabled("transition_authority");
        if authority_rule && !by_arbiter {
            if let Some(open) = &t.deciders_open {
                return Err(Rejection::new(
                    C::DeciderOpen,
                    format!(
                        "het model legt niet vast wie overgang {} besluit ({open}); vul dit lokaal in",
                        t.id
                    ),
                )
                .by_rule("transition_authority", self.rule_source("transition_authority"))
                .citing(t.source.as_deref()));
            }
            if !t.deciders.contains(&self.actor.function) {
                return Err(Rejection::new(
                    C::NotDecider,
                    format!(
                        "overgang {} wordt besloten door {}; {} is {}",
                        t.id,
                        names(self.m, &t.deciders),
                        self.env.by,
                        self.m.function_name(self.actor.function.as_str())
                    ),
                )
                .by_rule(
                    "transition_authority",
                    self.rule_source("transition_authority"),
                )
                .citing(t.source.as_deref()));
            }
        }
        if !by_arbiter && arbiter_on {
            let since = case.phase_since();
            let ruled = case.disagreements.values().any(|d| {
                d.settled.as_ref().is_some_and(|s| s.3 >= since)
                    && case
                        .requests
                        .get(&d.request)
                        .is_some_and(|r| r.transition == t.id)
            });
            if ruled {
                return Err(Rejection::new(
                    C::ArbiterRuled,
                    format!(
                        "over overgang {} heeft de beslisser bij meningsverschil in deze fase al beslist; leg een nieuw meningsverschil voor",
                        t.id
                    ),
                )
                .by_rule("disagreement_arbiter", self.rule_source("disagreement_arbiter")));
            }
        }
        let evaluation = evaluate(self.m, case, t, self.today);
        if approve && authority_rule {
            self.check_effect_applies(t)?;
            if !evaluation.met {
                return Err(Rejection::new(
                    C::ConditionNotMet,
                    format!(
                        "de voorwaarde van overgang {} is niet vervuld met wat in deze fase is vastgesteld — {}",
                        t.id,
                        crate::views::condition_status(self.m, case, t, self.today)
                    ),
                )
                .by_rule(
                    "transition_authority",
                    self.rule_source("transition_authority"),
                )
                .citing(t.source.as_deref()));
            }
            if blocked_by_insufficient_alone(self.m, t, &evaluation.holding) {
                return Err(Rejection::new(
                    C::RuleInsufficientAlone,
                    format!(
                        "{} is op zichzelf geen reden om op te schalen naar fase {}",
                        evaluation
                            .holding
                            .iter()
                            .map(|c| self
                                .m
                                .criterion(c.as_str())
                                .map_or(c.as_str(), |c| c.text.as_str()))
                            .collect::<Vec<_>>()
                            .join("; "),
                        t.to
                    ),
                )
                .by_rule("insufficient_alone", self.rule_source("insufficient_alone")));
            }
            for pre in &t.preconditions {
                self.precondition(t, pre, consulted)?;
            }
            if let Some(meeting) = &t.decided_in
                && !self.meeting_since_phase_entry(meeting.as_str())
            {
                return Err(Rejection::new(
                    C::PreconditionNotMet,
                    format!(
                        "overgang {} wordt besloten in een {}; leg dat overleg eerst vast",
                        t.id,
                        self.meeting_name(meeting.as_str())
                    ),
                )
                .by_rule(
                    "transition_authority",
                    self.rule_source("transition_authority"),
                )
                .citing(t.source.as_deref()));
            }
        }
        let consulted_functions: Vec<&FunctionId> = consulted
            .iter()
            .filter_map(|p| case.participants.get(p).map(|p| &p.function))
            .collect();
        let unconsulted: Vec<FunctionId> = if approve {
            t.consult
                .iter()
                .filter(|f| !consulted_functions.contains(f))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let md = &self.m.model().model;
        let mut authority_text = format!(
            "{} volgens {} versie {}, overgang {}",
            self.m.function_name(self.actor.function.as_str()),
            md.name,
            md.version,
            t.id
        );
        if by_arbiter {
            authority_text.push_str(" (beslisser bij meningsverschil)");
        }
        if let Some(a) = authority.filter(|a| !a.trim().is_empty()) {
            authority_text.push_str("; ");
            authority_text.push_str(a);
        }
        let mut events = vec![Event::TransitionDecided {
            request: request.clone(),
            approved: approve,
            function: self.actor.function.clone(),
            authority: authority_text,
            reason: reason.to_owned(),
            consulted: consulted.to_vec(),
            criteria_holding: evaluation.holding,
            arbiter: by_arbiter,
            unconsulted,
        }];
        if !approve {
            return Ok(events);
        }
        match t.effect {
            None => {
                let Some(to) = self.m.phase(t.to.as_str()) else {
                    return Err(Rejection::new(
                        C::UnknownPhase,
                        format!("het model kent fase {} niet", t.to),
                    ));
                };
                events.push(Event::PhaseChanged {
                    from: t.from.clone(),
                    to: t.to.clone(),
                    transition: t.id.clone(),
                    request: request.clone(),
                    next_evaluation: evaluation_date(self.m, to, self.env.at),
                });
            }
            Some(effect) => {
                events.push(Event::EffectApplied {
                    transition: t.id.clone(),
                    effect,
                });
                if effect == WithinEffect::ProcesregieBeeindigen {
                    for h in case.holders(RoleKind::Procesregie) {
                        events.push(Event::RoleEnded {
                            role: RoleKind::Procesregie,
                            person: h.person.clone(),
                            reason: format!("procesregie beëindigd bij overgang {}", t.id),
                        });
                    }
                }
            }
        }
        if let Some(h) = &t.handover {
            let holder = case.holders(h.role).next().map(|x| x.person.clone());
            events.push(Event::HandoverCreated {
                task: self.task_id(&format!("overdracht-{request}"))?,
                role: h.role,
                holder,
                text: h.text.clone(),
                transition: t.id.clone(),
            });
        }
        Ok(events)
    }

    fn precondition(
        &self,
        t: &Transition,
        pre: &Precondition,
        consulted: &[PersonId],
    ) -> Result<()> {
        let case = self.case;
        let since = case.phase_since();
        let (ok, what) = match pre {
            Precondition::Plan { phase, text } => (
                case.plans
                    .iter()
                    .any(|p| &p.phase == phase && p.at >= since),
                text.clone()
                    .unwrap_or_else(|| format!("eerst een plan (aanpak) voor fase {phase}")),
            ),
            Precondition::Meeting { meeting, text } => (
                case.meetings
                    .values()
                    .any(|m| &m.kind == meeting && m.at >= since),
                text.clone().unwrap_or_else(|| {
                    let name = self
                        .m
                        .meeting_kind(meeting.as_str())
                        .map_or(meeting.as_str(), |k| k.name.as_str());
                    format!("eerst een {name}")
                }),
            ),
            Precondition::Consulted { function, text } => {
                let by_decision = consulted.iter().any(|p| {
                    case.participants
                        .get(p)
                        .is_some_and(|p| &p.function == function)
                });
                let by_meeting = case.meetings.values().any(|m| {
                    m.at >= since
                        && m.attendees.iter().any(|p| {
                            case.participants
                                .get(p)
                                .is_some_and(|p| &p.function == function)
                        })
                });
                (
                    by_decision || by_meeting,
                    text.clone().unwrap_or_else(|| {
                        format!(
                            "eerst overleg met {}",
                            self.m.function_name(function.as_str())
                        )
                    }),
                )
            }
        };
        if ok {
            return Ok(());
        }
        Err(Rejection::new(
            C::PreconditionNotMet,
            format!("overgang {} vraagt: {what}", t.id),
        )
        .by_rule(
            "transition_authority",
            self.rule_source("transition_authority"),
        )
        .citing(t.source.as_deref()))
    }
}
