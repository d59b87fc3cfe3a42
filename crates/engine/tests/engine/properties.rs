//! Properties: random command sequences — under the documented example and under every preset —
//! never produce a state that breaks an enabled rule, never panic, and replaying the events
//! (also through JSON) gives the same state.
//!
//! The oracles are written apart from the engine: the role rules are checked on holdings
//! folded from the events by this file's own code, the state the engine keeps is compared
//! with the same fold, and what the engine proposes is tried out — proposed, prepared and
//! decided by the people it names — and must be accepted, while a transition it does not
//! propose must not go through.

use std::collections::{BTreeMap, BTreeSet};

use ave_engine::command::{ActionKind, Command, EndState, Envelope, Participant};
use ave_engine::event::Event;
use ave_engine::ids::*;
use ave_engine::policy::{Deciders, Missing, Need};
use ave_engine::{Case, Recorded};
use ave_model::{
    CriterionId, Date, FactId, FunctionId, MeetingKindId, PhaseId, RoleKind, TransitionId,
    TriggerId, ValidModel,
};
use proptest::prelude::*;

use crate::common::*;

/// The models the properties run under, loaded once.
fn models() -> &'static [ValidModel] {
    static MODELS: std::sync::OnceLock<Vec<ValidModel>> = std::sync::OnceLock::new();
    MODELS.get_or_init(load_models)
}

fn load_models() -> Vec<ValidModel> {
    let mut v = vec![
        model(),
        // Roles overlap, so the separation rule and its youth exception are exercised.
        model_with(&[(
            "procesregie = { holders = [\"procesregisseur\"], appointed_in",
            "procesregie = { holders = [\"procesregisseur\", \"consulent\", \"jeugdconsulent\"], appointed_in",
        )]),
        // The same with the role rules held bij voorkeur or kan, so deviations happen.
        model_with(&[
            (
                "procesregie = { holders = [\"procesregisseur\"], appointed_in",
                "procesregie = { holders = [\"procesregisseur\", \"consulent\", \"jeugdconsulent\"], appointed_in",
            ),
            (
                "exception_only_with_minors = true",
                "exception_only_with_minors = true\nstrength = \"bij-voorkeur\"",
            ),
            (
                "[rules.minors_casusregisseur]\nenabled = true",
                "[rules.minors_casusregisseur]\nenabled = true\nstrength = \"bij-voorkeur\"\nseen_by = [\"wethouder\"]",
            ),
            (
                "[rules.single_procesregisseur]\nenabled = true\nstrength = \"moet\"",
                "[rules.single_procesregisseur]\nenabled = true\nstrength = \"kan\"",
            ),
        ]),
    ];
    for p in ave_model::presets::PRESETS {
        v.push(ave_model::presets::load(p.name).expect("preset"));
    }
    v
}

/// Everything a random command can refer to under one model, plus a few unknown ids.
#[derive(Clone)]
struct Universe {
    people: Vec<Participant>,
    entries: Vec<PhaseId>,
    phases: Vec<PhaseId>,
    criteria: Vec<CriterionId>,
    transitions: Vec<TransitionId>,
    facts: Vec<FactId>,
    meetings: Vec<MeetingKindId>,
    triggers: Vec<TriggerId>,
}

impl Universe {
    fn of(model: &ValidModel) -> Self {
        let m = model.model();
        // Two people per function, so that two people can compete for the same role.
        let people = m
            .functions
            .iter()
            .enumerate()
            .flat_map(|(i, f)| {
                (0..2).map(move |k| Participant {
                    person: pid(&format!("p{i}-{k}")),
                    name: format!("{} {k}", f.name),
                    function: f.id.clone(),
                    organisation: "Organisatie".into(),
                })
            })
            .collect();
        let mut meetings: Vec<MeetingKindId> =
            m.meeting_kinds.iter().map(|k| k.id.clone()).collect();
        meetings.push(MeetingKindId::parse("koffie").expect("id"));
        let mut triggers: Vec<TriggerId> = m.triggers.iter().map(|t| t.id.clone()).collect();
        triggers.push(TriggerId::parse("onbekend").expect("id"));
        let mut facts: Vec<FactId> = m.facts.iter().map(|f| f.id.clone()).collect();
        facts.push(FactId::parse("onbekend").expect("id"));
        Universe {
            people,
            entries: m
                .phases
                .iter()
                // Entry under a condition (facts at opening) is tested on its own
                // (`strength.rs`); the random walks start where anyone allowed may open.
                .filter(|p| p.entry && p.entry_when.is_none())
                .map(|p| p.id.clone())
                .collect(),
            phases: m.phases.iter().map(|p| p.id.clone()).collect(),
            criteria: m.criteria.iter().map(|c| c.id.clone()).collect(),
            transitions: m.transitions.iter().map(|t| t.id.clone()).collect(),
            facts,
            meetings,
            triggers,
        }
    }

    fn person(&self, i: usize) -> PersonId {
        self.people[i % self.people.len()].person.clone()
    }
}

fn id<T: TryFrom<String>>(prefix: &str, i: usize) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(format!("{prefix}{i}")).expect("id")
}

fn day_of(i: u32) -> Date {
    Date::from(day(i).date_naive())
}

fn pick<T: Clone>(v: &[T], i: usize) -> T {
    v[i % v.len()].clone()
}

/// A command drawn from the model's universe, so that ids collide and rules get tested.
fn command(u: Universe) -> BoxedStrategy<Command> {
    let p = 1000usize;
    let (u1, u2, u3, u4, u5, u6, u7, u8, u9, u10) = (
        u.clone(),
        u.clone(),
        u.clone(),
        u.clone(),
        u.clone(),
        u.clone(),
        u.clone(),
        u.clone(),
        u.clone(),
        u.clone(),
    );
    prop_oneof![
        1 => (0..4usize).prop_map(move |d| Command::AcknowledgeDeviation(ave_engine::command::AcknowledgeDeviation {
            deviation: id("afwijking-", d + 1), response: "gezien".into(),
        })),
        4 => (0..5usize, 0..p, proptest::option::of(0u32..400), any::<bool>()).prop_map(move |(r, who, review, why)| Command::AssignRole(ave_engine::command::AssignRole {
            role: RoleKind::ALL[r], person: u1.person(who), review: review.map(day_of), reason: why.then(|| "overdracht".to_owned()),
            motivation: (who % 3 == 0).then(|| "afwijking gemotiveerd".to_owned()),
        })),
        2 => (0..5usize, 0..p).prop_map(move |(r, who)| Command::EndRole(ave_engine::command::EndRole { role: RoleKind::ALL[r], person: u2.person(who), reason: "klaar".into() })),
        1 => (0..5usize, 0..p, 0u32..400).prop_map(move |(r, who, d)| Command::ReviewRole(ave_engine::command::ReviewRole { role: RoleKind::ALL[r], person: u3.person(who), review: day_of(d), reason: "herzien".into() })),
        2 => (0..4usize, any::<bool>()).prop_map(|(m, minor)| Command::AddMember(ave_engine::command::AddMember { member: id("m", m), role: "lid".into(), minor, born: None, motivation: None })),
        1 => (0..4usize).prop_map(|m| Command::RemoveMember(ave_engine::command::RemoveMember { member: id("m", m), reason: "weg".into(), motivation: None })),
        5 => (0..p, any::<bool>()).prop_map(move |(c, holds)| Command::AssessCriterion(ave_engine::command::AssessCriterion { criterion: pick(&u4.criteria, c), holds, evidence: "e".into() })),
        1 => (0..p, any::<bool>()).prop_map(move |(f, holds)| Command::RecordFact(ave_engine::command::RecordFact { fact: pick(&u5.facts, f), holds, evidence: "e".into() })),
        5 => (0..6usize, 0..p, proptest::collection::vec(0..p, 0..3)).prop_map(move |(r, t, cs)| Command::Propose(ave_engine::command::Propose {
            request: id("r", r), transition: pick(&u6.transitions, t),
            criteria: cs.into_iter().map(|c| pick(&u6.criteria, c)).collect(), evidence: "e".into(),
        })),
        5 => (0..6usize, any::<bool>(), proptest::collection::vec(0..p, 0..3)).prop_map(move |(r, approve, c)| Command::Decide(ave_engine::command::Decide {
            request: id("r", r), approve, reason: "r".into(), authority: None, consulted: c.into_iter().map(|i| u7.person(i)).collect(),
            motivation: None,
        })),
        1 => (0..6usize).prop_map(|r| Command::Withdraw(ave_engine::command::Withdraw { request: id("r", r), reason: "r".into() })),
        1 => (0..3usize, 0..6usize).prop_map(|(d, r)| Command::RaiseDisagreement(ave_engine::command::RaiseDisagreement { disagreement: id("d", d), request: id("r", r), positions: "p".into() })),
        1 => (0..3usize, any::<bool>()).prop_map(|(d, approve)| Command::Settle(ave_engine::command::Settle { disagreement: id("d", d), approve, reason: "r".into(), motivation: None })),
        2 => (0..p).prop_map(move |ph| Command::SetPlan(ave_engine::command::SetPlan { phase: pick(&u8.phases, ph), summary: "plan".into() })),
        3 => (0..8usize, 0..p, proptest::collection::vec(0..p, 0..3), any::<bool>()).prop_map(move |(m, k, a, decided)| Command::HoldMeeting(ave_engine::command::HoldMeeting {
            meeting: id("o", m), kind: pick(&u9.meetings, k), attendees: a.into_iter().map(|i| u9.person(i)).collect(),
            decisions: if decided { vec!["besluit".into()] } else { vec![] },
        })),
        1 => proptest::option::of(0u32..400).prop_map(|n| Command::Evaluate(ave_engine::command::Evaluate { summary: "s".into(), next: n.map(day_of) })),
        1 => (0..6usize).prop_map(|r| Command::CompleteHandover(ave_engine::command::CompleteHandover { task: id("overdracht-r", r), how: "n".into() })),
        1 => (0..3usize).prop_map(|n| Command::CompleteHandover(ave_engine::command::CompleteHandover { task: id("overdracht-casusregie-", n), how: "n".into() })),
        1 => (0..5usize, 0..p).prop_map(move |(s, t)| Command::RecordSignal(ave_engine::command::RecordSignal {
            signal: id("s", s), source: "bron".into(), category: "c".into(), text: "t".into(),
            triggers: vec![pick(&u10.triggers, t)],
        })),
        1 => (0..5usize).prop_map(|a| Command::AddAction(ave_engine::command::AddAction { action: id("a", a), kind: ActionKind::Actie, text: "t".into(), owner: None, due: None, werkafspraak: None })),
        1 => (0..5usize).prop_map(|a| Command::CompleteAction(ave_engine::command::CompleteAction { action: id("a", a), result: "n".into() })),
        1 => (0..p).prop_map(move |who| Command::RemoveParticipant(ave_engine::command::RemoveParticipant { person: u.person(who), reason: "weg".into() })),
        1 => (0..8usize).prop_map(|e| Command::Close(ave_engine::command::Close { reason: "klaar".into(), end_state: if e == 0 { EndState::Verhuisd } else { EndState::Waakvlam } })),
    ]
    .boxed()
}

/// A step chosen with the case's state in view, so that sequences reach deep into the model:
/// assessing what a transition from the current phase needs, proposing it, meeting its
/// preconditions, deciding it by someone who may, assigning prescribed roles.
#[derive(Debug, Clone)]
enum Smart {
    AssessFor(usize),
    ProposeHere(usize, usize),
    Prepare(usize),
    DecideOpen(bool, bool, usize),
    AssignPrescribed(usize, usize),
}

#[derive(Debug, Clone)]
enum Action {
    Raw(Command),
    Smart(Smart),
}

fn action(u: Universe) -> BoxedStrategy<Action> {
    prop_oneof![
        3 => command(u).prop_map(Action::Raw),
        2 => (0..1000usize).prop_map(|i| Action::Smart(Smart::AssessFor(i))),
        2 => (0..1000usize, 0..1000usize).prop_map(|(i, r)| Action::Smart(Smart::ProposeHere(i, r))),
        2 => (0..1000usize).prop_map(|i| Action::Smart(Smart::Prepare(i))),
        2 => (any::<bool>(), proptest::bool::weighted(0.8), 0..1000usize).prop_map(|(a, g, i)| Action::Smart(Smart::DecideOpen(a, g, i))),
        2 => (0..5usize, 0..1000usize).prop_map(|(r, i)| Action::Smart(Smart::AssignPrescribed(r, i))),
    ]
    .boxed()
}

fn holders_of<'u>(u: &'u Universe, functions: &[FunctionId]) -> Vec<&'u Participant> {
    u.people
        .iter()
        .filter(|p| functions.contains(&p.function))
        .collect()
}

/// The people who are one of `actors`: with the function (groups expanded), or holding the
/// role in the case.
fn people_of(
    model: &ValidModel,
    u: &Universe,
    case: &Case,
    actors: &[ave_model::Actor],
) -> Vec<PersonId> {
    let mut out = Vec::new();
    for a in actors {
        match a {
            ave_model::Actor::Function(f) => {
                let fs = model.expand(std::slice::from_ref(f));
                out.extend(holders_of(u, &fs).into_iter().map(|p| p.person.clone()));
            }
            ave_model::Actor::Role { role } => {
                out.extend(case.holders(*role).map(|h| h.person.clone()));
            }
        }
    }
    out
}

/// Turns a smart step into commands (with who gives each), given the current case.
fn resolve(
    model: &ValidModel,
    u: &Universe,
    case: &Case,
    by: usize,
    smart: &Smart,
) -> Vec<(PersonId, Command)> {
    let here: Vec<&ave_model::Transition> = model.transitions_from(case.phase()).collect();
    let anyone = u.person(by);
    let choose = |ps: Vec<&Participant>, i: usize| {
        ps.get(i % ps.len().max(1))
            .map_or(anyone.clone(), |p| p.person.clone())
    };
    match smart {
        Smart::AssessFor(i) if !here.is_empty() => {
            let t = here[i % here.len()];
            ave_engine::condition::criteria_of(t)
                .into_iter()
                .map(|c| {
                    (
                        anyone.clone(),
                        Command::AssessCriterion(ave_engine::command::AssessCriterion {
                            criterion: c.clone(),
                            holds: true,
                            evidence: "e".into(),
                        }),
                    )
                })
                .collect()
        }
        Smart::ProposeHere(i, r) if !here.is_empty() => {
            let t = here[i % here.len()];
            let mut who = t.proposers.clone();
            who.extend(t.deciders.iter().cloned());
            let people = people_of(model, u, case, &who);
            vec![(
                people
                    .get(i % people.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| anyone.clone()),
                Command::Propose(ave_engine::command::Propose {
                    request: id("q", *r % 50),
                    transition: t.id.clone(),
                    criteria: t.criteria.clone(),
                    evidence: "e".into(),
                }),
            )]
        }
        Smart::Prepare(i) => {
            let Some((_, req)) = case.open_request() else {
                return vec![];
            };
            let Some(t) = model.transition(&req.transition) else {
                return vec![];
            };
            let mut out = Vec::new();
            let consult: Vec<ave_model::Actor> = t.consult.iter().filter_map(|c| c.who()).collect();
            let mut attendees: Vec<PersonId> = people_of(model, u, case, &consult);
            for pre in &t.preconditions {
                match pre {
                    ave_model::Precondition::Plan { phase, .. } => out.push((
                        anyone.clone(),
                        Command::SetPlan(ave_engine::command::SetPlan {
                            phase: phase.clone(),
                            summary: "aanpak".into(),
                        }),
                    )),
                    ave_model::Precondition::Consulted { function, .. } => {
                        attendees.extend(
                            holders_of(u, std::slice::from_ref(function))
                                .into_iter()
                                .map(|p| p.person.clone()),
                        );
                    }
                    ave_model::Precondition::Meeting { .. }
                    | ave_model::Precondition::RoleHeld { .. } => {}
                }
            }
            attendees.push(anyone.clone());
            let mut kinds: Vec<MeetingKindId> =
                t.decided_in.iter().map(|r| r.meeting.clone()).collect();
            kinds.extend(t.preconditions.iter().filter_map(|p| match p {
                ave_model::Precondition::Meeting { meeting, .. } => Some(meeting.clone()),
                _ => None,
            }));
            if kinds.is_empty() {
                kinds.extend(u.meetings.first().cloned());
            }
            for (k, kind) in kinds.into_iter().enumerate() {
                out.push((
                    anyone.clone(),
                    Command::HoldMeeting(ave_engine::command::HoldMeeting {
                        meeting: id("prep", i * 10 + k),
                        kind,
                        attendees: attendees.clone(),
                        decisions: vec!["besluit".into()],
                    }),
                ));
            }
            out
        }
        Smart::DecideOpen(approve, good, i) => {
            let Some((rid, req)) = case.open_request() else {
                return vec![];
            };
            let Some(t) = model.transition(&req.transition) else {
                return vec![];
            };
            let decider = if *good {
                let people = people_of(model, u, case, &t.deciders);
                people
                    .get(i % people.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| anyone.clone())
            } else {
                anyone.clone()
            };
            let mut consult: Vec<ave_model::Actor> =
                t.consult.iter().filter_map(|c| c.who()).collect();
            consult.extend(t.preconditions.iter().filter_map(|p| match p {
                ave_model::Precondition::Consulted { function, .. } => {
                    Some(ave_model::Actor::Function(function.clone()))
                }
                _ => None,
            }));
            let consulted = people_of(model, u, case, &consult);
            vec![(
                decider,
                Command::Decide(ave_engine::command::Decide {
                    request: rid.clone(),
                    approve: *approve,
                    reason: "r".into(),
                    authority: None,
                    consulted,
                    motivation: None,
                }),
            )]
        }
        Smart::AssignPrescribed(r, i) => {
            let role = RoleKind::ALL[*r];
            let Some(spec) = model.phase(case.phase()).and_then(|p| p.regie.role(role)) else {
                return vec![];
            };
            let mut out = Vec::new();
            if let Some(r) = &spec.appointed_in {
                out.push((
                    anyone.clone(),
                    Command::HoldMeeting(ave_engine::command::HoldMeeting {
                        meeting: id("aanw", *i),
                        kind: r.meeting.clone(),
                        attendees: vec![anyone.clone()],
                        decisions: vec!["aangewezen".into()],
                    }),
                ));
            }
            let by = if spec.appointed_by.is_empty() {
                anyone.clone()
            } else {
                let people = people_of(model, u, case, &spec.appointed_by);
                people
                    .get(i % people.len().max(1))
                    .cloned()
                    .unwrap_or_else(|| anyone.clone())
            };
            let person = choose(holders_of(u, &model.expand(&spec.holders)), *i);
            out.push((
                by,
                Command::AssignRole(ave_engine::command::AssignRole {
                    role,
                    person,
                    review: None,
                    reason: Some("toewijzing".into()),
                    motivation: None,
                }),
            ));
            out
        }
        _ => vec![],
    }
}

/// The state this file derives from the events on its own, to check the engine against.
#[derive(Debug, Default)]
struct Fold {
    phase: Option<PhaseId>,
    holdings: BTreeMap<(String, PersonId), (FunctionId, Option<Date>)>,
    functions: BTreeMap<PersonId, FunctionId>,
    minors: BTreeMap<MemberId, bool>,
    open_request: Option<RequestId>,
    open_tasks: BTreeSet<TaskId>,
    closed: bool,
    /// Rules deviated from with a motivation.
    deviated: BTreeSet<String>,
}

impl Fold {
    fn of(history: &[Recorded]) -> Fold {
        let mut f = Fold::default();
        let role = |r: &ave_engine::event::Role| serde_json::to_string(r).expect("role");
        for r in history {
            match &r.event {
                Event::CaseOpened {
                    phase,
                    participants,
                    household,
                    ..
                } => {
                    f.phase = Some(phase.clone());
                    for p in participants {
                        f.functions.insert(p.person.clone(), p.function.clone());
                    }
                    for m in household {
                        f.minors.insert(m.member.clone(), m.minor);
                    }
                }
                Event::ParticipantAdded { participant } => {
                    f.functions
                        .insert(participant.person.clone(), participant.function.clone());
                }
                Event::ParticipantRemoved { person, .. } => {
                    f.functions.remove(person);
                }
                Event::MemberAdded { member } => {
                    f.minors.insert(member.member.clone(), member.minor);
                }
                Event::MemberRemoved { member, .. } => {
                    f.minors.remove(member);
                }
                Event::RoleAssigned {
                    role: ro,
                    person,
                    function,
                    review,
                    replaces,
                    ..
                } => {
                    if let Some(old) = replaces {
                        f.holdings.remove(&(role(ro), old.clone()));
                    }
                    f.holdings
                        .insert((role(ro), person.clone()), (function.clone(), *review));
                }
                Event::RoleReviewed {
                    role: ro,
                    person,
                    review,
                    ..
                } => {
                    if let Some(h) = f.holdings.get_mut(&(role(ro), person.clone())) {
                        h.1 = Some(*review);
                    }
                }
                Event::RoleEnded {
                    role: ro, person, ..
                } => {
                    f.holdings.remove(&(role(ro), person.clone()));
                }
                Event::TransitionProposed { request, .. } => f.open_request = Some(request.clone()),
                Event::TransitionDecided { .. } | Event::TransitionWithdrawn { .. } => {
                    f.open_request = None;
                }
                Event::PhaseChanged { to, .. } => f.phase = Some(to.clone()),
                Event::HandoverCreated { task, .. } => {
                    f.open_tasks.insert(task.clone());
                }
                Event::HandoverCompleted { task, .. } => {
                    f.open_tasks.remove(task);
                }
                Event::CaseClosed { .. } => {
                    f.closed = true;
                    f.holdings.clear();
                }
                Event::DeviationRecorded {
                    requirement: ave_engine::event::Requirement::Rule { rule },
                    ..
                } => {
                    f.deviated.insert(rule.clone());
                }
                _ => {}
            }
        }
        f
    }

    fn holders(&self, role: &str) -> Vec<(&PersonId, &FunctionId)> {
        self.holdings
            .iter()
            .filter(|((r, _), _)| r == &format!("\"{role}\""))
            .map(|((_, p), (f, _))| (p, f))
            .collect()
    }

    /// Every enabled role rule the folded holdings break, checked from the model's rules.
    /// Every enabled role rule the folded holdings break, checked from the model's rules: a
    /// rule held `moet` may never be broken, one held `bij voorkeur` only after a deviation
    /// from it was recorded, one held `kan` always.
    fn broken_rules(&self, model: &ValidModel) -> Vec<String> {
        use ave_model::Strength;
        let rules = &model.model().rules;
        let minors = self.minors.values().any(|m| *m);
        let casus = self.holders("casusregie");
        let proces = self.holders("procesregie");
        // Groups expanded by this file's own reading of the model.
        let includes = |list: &[FunctionId], f: &FunctionId| {
            list.iter().any(|g| {
                g == f
                    || model
                        .model()
                        .function_groups
                        .iter()
                        .any(|grp| &grp.id == g && grp.members.contains(f))
            })
        };
        let tolerated = |strength: Strength, rule: &str| match strength {
            Strength::Moet => false,
            Strength::BijVoorkeur => self.deviated.contains(rule),
            Strength::Kan => true,
        };
        let mut out = Vec::new();
        if casus.len() > 1 {
            out.push(format!("{} casusregisseurs", casus.len()));
        }
        if let Some(r) = rules.single_procesregisseur.as_ref().filter(|r| r.enabled)
            && proces.len() > 1
            && !tolerated(r.strength, "single_procesregisseur")
        {
            out.push(format!("{} procesregisseurs", proces.len()));
        }
        if let Some(r) = rules.separate_regisseurs.as_ref().filter(|r| r.enabled) {
            for (p, f) in &casus {
                let excepted = includes(&r.exception_functions, f)
                    && (!r.exception_only_with_minors || minors);
                if proces.iter().any(|(q, _)| q == p)
                    && !excepted
                    && !tolerated(r.strength, "separate_regisseurs")
                {
                    out.push(format!("{p} is casus- en procesregisseur"));
                }
            }
        }
        if minors && let Some(r) = rules.minors_casusregisseur.as_ref().filter(|r| r.enabled) {
            for (p, f) in &casus {
                if !includes(&r.functions, f) && !tolerated(r.strength, "minors_casusregisseur") {
                    out.push(format!("{p} ({f}) is casusregisseur bij minderjarigen"));
                }
            }
        }
        if rules.procesregie_review.as_ref().is_some_and(|r| r.enabled) {
            for ((r, p), (_, review)) in &self.holdings {
                if r == "\"procesregie\"" && review.is_none() {
                    out.push(format!("procesregie van {p} zonder herzieningsdatum"));
                }
            }
        }
        for (_, p) in self.holdings.keys() {
            if !self.functions.contains_key(p) {
                out.push(format!("{p} heeft een rol maar is niet betrokken"));
            }
        }
        out
    }

    /// Whether the engine's case says what the fold says.
    fn matches(&self, c: &Case) -> Result<(), String> {
        let mut problems = Vec::new();
        if self.phase.as_ref() != Some(c.phase()) {
            problems.push(format!("fase {:?} ≠ {}", self.phase, c.phase()));
        }
        let engine: BTreeSet<(String, PersonId)> = c
            .current_holdings()
            .map(|h| (format!("\"{}\"", h.role.key()), h.person.clone()))
            .collect();
        let fold: BTreeSet<(String, PersonId)> = self.holdings.keys().cloned().collect();
        if engine != fold {
            problems.push(format!("rollen {engine:?} ≠ {fold:?}"));
        }
        if self.open_request.as_ref() != c.open_request().map(|(id, _)| id) {
            problems.push("open verzoek verschilt".to_owned());
        }
        let tasks: BTreeSet<TaskId> = c.open_tasks().map(|(id, _)| id.clone()).collect();
        if tasks != self.open_tasks {
            problems.push(format!(
                "open overdrachten {tasks:?} ≠ {:?}",
                self.open_tasks
            ));
        }
        if self.closed != c.closed().is_some() {
            problems.push("gesloten verschilt".to_owned());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

/// The proposals oracle, on a copy of the case: every transition the engine proposes is
/// accepted when proposed by someone it names, prepared as it says, and decided by someone
/// it names; every other transition from the phase fails somewhere along the same way.
fn oracle(model: &ValidModel, u: &Universe, case: &Case, clock: u32) -> Result<(), TestCaseError> {
    if case.closed().is_some() || case.open_request().is_some() {
        return Ok(());
    }
    let today = Date::from(day(clock).date_naive());
    let proposals = ave_engine::views::proposals(model, case, today);
    let offered: BTreeMap<&TransitionId, &ave_engine::views::Proposal> =
        proposals.iter().map(|p| (&p.transition, p)).collect();
    let authority = model
        .model()
        .rules
        .is_enabled(ave_model::RuleName::TransitionAuthority);
    // The first person who is one of `actors` (anyone for an empty list).
    let first = |c: &Case, actors: &[ave_model::Actor]| {
        c.participants()
            .find(|p| actors.is_empty() || ave_engine::policy::admits(model, c, actors, p))
            .map(|p| p.person.clone())
    };
    for t in model.transitions_from(case.phase()) {
        let proposal = offered.get(&t.id);
        let proposers = match proposal {
            Some(p) => p.proposers.clone(),
            None if t.proposers.is_empty() => Vec::new(),
            None => {
                let mut who = t.proposers.clone();
                who.extend(t.deciders.iter().cloned());
                who
            }
        };
        let Some(proposer) = first(case, &proposers) else {
            continue;
        };
        let mut copy = Some(case.clone());
        let request = RequestId::parse("orakel").expect("id");
        let proposed = ave_engine::execute(
            model,
            &mut copy,
            &Envelope {
                at: day(clock),
                by: proposer.clone(),
                command: Command::Propose(ave_engine::command::Propose {
                    request: request.clone(),
                    transition: t.id.clone(),
                    criteria: proposal.map_or_else(Vec::new, |p| p.holding.clone()),
                    evidence: "orakel".into(),
                }),
            },
        );
        if proposal.is_none() && (proposed.is_err() || !authority) {
            continue;
        }
        if let Some(p) = proposal {
            prop_assert!(
                proposed.is_ok(),
                "{} is proposed, yet proposing it was refused: {:?} ({:?})",
                t.id,
                proposed.err(),
                p
            );
        }
        let Some(c) = copy.as_ref() else { continue };
        // Prepare what the model still asks (as the proposal would say it now).
        let seq = c.request(&request).map(|r| r.proposed_seq);
        let needs = ave_engine::policy::missing(model, c, t, seq, Default::default(), today);
        // A role that must be held, and a required consultation of someone nobody in the
        // case can be (procesregie of the case while no one holds it), are the needs the
        // oracle does not arrange: it does not change the case's roles.
        if needs.iter().any(|m| {
            m.strength == ave_model::Strength::Moet
                && match &m.need {
                    Need::RoleHeld { .. } => true,
                    Need::Consulted { actor, .. } => !c.participants().any(|p| {
                        ave_engine::policy::admits(model, c, std::slice::from_ref(actor), p)
                    }),
                    _ => false,
                }
        }) {
            continue;
        }
        let consulted = prepare(model, &mut copy, &needs, &proposer, clock);
        let Some(c) = copy.as_ref() else { continue };
        let deciders = ave_engine::policy::deciders(model, c, t);
        let decided = match &deciders {
            Deciders::Open { .. } => continue,
            Deciders::Anyone => step(
                model,
                &mut copy,
                &proposer,
                decide_now(request, consulted),
                clock,
            ),
            Deciders::Actors { actors } => {
                let Some(decider) = first(c, actors) else {
                    continue;
                };
                step(
                    model,
                    &mut copy,
                    &decider,
                    decide_now(request, consulted),
                    clock,
                )
            }
            Deciders::Arbiter { arbiter, parties } => {
                let (Some(party), Some(arbiter)) =
                    (first(c, parties), first(c, std::slice::from_ref(arbiter)))
                else {
                    continue;
                };
                let disagreement = DisagreementId::parse("orakel").expect("id");
                let raised = step(
                    model,
                    &mut copy,
                    &party,
                    Command::RaiseDisagreement(ave_engine::command::RaiseDisagreement {
                        disagreement: disagreement.clone(),
                        request,
                        positions: "orakel".into(),
                    }),
                    clock,
                );
                if proposal.is_some() {
                    prop_assert!(
                        raised.is_ok(),
                        "{}: raising a disagreement: {:?}",
                        t.id,
                        raised.err()
                    );
                }
                step(
                    model,
                    &mut copy,
                    &arbiter,
                    Command::Settle(ave_engine::command::Settle {
                        disagreement,
                        approve: true,
                        reason: "orakel".into(),
                        motivation: Some("orakel".into()),
                    }),
                    clock,
                )
            }
        };
        match proposal {
            Some(p) => prop_assert!(
                decided.is_ok(),
                "{} is proposed with deciders {:?} and missing {:?}, yet deciding it was refused: {:?}",
                t.id,
                p.deciders,
                p.missing,
                decided.err()
            ),
            None => prop_assert!(
                decided.is_err(),
                "{} was not proposed, yet it was decided",
                t.id
            ),
        }
        let _ = u;
    }
    Ok(())
}

fn decide_now(request: RequestId, consulted: Vec<PersonId>) -> Command {
    Command::Decide(ave_engine::command::Decide {
        request,
        approve: true,
        reason: "orakel".into(),
        authority: None,
        consulted,
        // Where the model asks something only `bij voorkeur`, the oracle gives a motivation.
        motivation: Some("orakel".into()),
    })
}

fn step(
    model: &ValidModel,
    case: &mut Option<Case>,
    by: &PersonId,
    command: Command,
    clock: u32,
) -> Result<Vec<Recorded>, ave_engine::Rejection> {
    ave_engine::execute(
        model,
        case,
        &Envelope {
            at: day(clock),
            by: by.clone(),
            command,
        },
    )
}

/// Does what the model still asks; returns whom to name as consulted.
fn prepare(
    model: &ValidModel,
    case: &mut Option<Case>,
    missing: &[Missing],
    by: &PersonId,
    clock: u32,
) -> Vec<PersonId> {
    let mut consulted = Vec::new();
    for (i, m) in missing.iter().enumerate() {
        match &m.need {
            Need::Plan { phase, .. } => {
                let _ = step(
                    model,
                    case,
                    by,
                    Command::SetPlan(ave_engine::command::SetPlan {
                        phase: phase.clone(),
                        summary: "aanpak".into(),
                    }),
                    clock,
                );
            }
            Need::Meeting { meeting, .. } | Need::DecidedIn { meeting } => {
                let _ = step(
                    model,
                    case,
                    by,
                    Command::HoldMeeting(ave_engine::command::HoldMeeting {
                        meeting: MeetingId::parse(format!("orakel-{i}")).expect("id"),
                        kind: meeting.clone(),
                        attendees: vec![by.clone()],
                        decisions: vec![],
                    }),
                    clock,
                );
            }
            Need::Consulted { actor, .. } => {
                if let Some(c) = case.as_ref()
                    && let Some(p) = c.participants().find(|p| {
                        ave_engine::policy::admits(model, c, std::slice::from_ref(actor), p)
                    })
                {
                    consulted.push(p.person.clone());
                }
            }
            // A role that must be held, or criteria that are no reason alone: the oracle does
            // not change the case's roles or criteria; a motivation covers `bij voorkeur`.
            Need::RoleHeld { .. } | Need::InsufficientAlone => {}
        }
    }
    consulted
}

fn run(
    model: &ValidModel,
    u: &Universe,
    entry: usize,
    minors: Vec<bool>,
    steps: &[(usize, u32, Action)],
) -> Result<(), TestCaseError> {
    let household = minors
        .iter()
        .enumerate()
        .map(|(i, m)| member(&format!("m{i}"), *m))
        .collect();
    let mut case: Option<Case> = None;
    let mut history: Vec<Recorded> = Vec::new();
    // Opened by someone allowed to open in that entry phase.
    let phase = pick(&u.entries, entry);
    let allowed: Vec<FunctionId> = model.phase(&phase).expect("phase").entry_by.clone();
    let opener = u
        .people
        .iter()
        .find(|p| allowed.is_empty() || allowed.contains(&p.function))
        .expect("someone may open")
        .person
        .clone();
    let open = Envelope {
        at: day(0),
        by: opener,
        command: Command::Open(ave_engine::command::Open {
            case: CaseId::parse("c1").expect("id"),
            phase,
            reason: "r".into(),
            household,
            participants: u.people.clone(),
            facts: vec![],
        }),
    };
    history.extend(
        ave_engine::execute(model, &mut case, &open)
            .map_err(|r| TestCaseError::fail(r.to_string()))?,
    );
    let mut clock = 0;
    for (by, days, action) in steps {
        clock += days;
        let commands = match action {
            Action::Raw(command) => vec![(u.person(*by), command.clone())],
            Action::Smart(smart) => match &case {
                Some(c) => resolve(model, u, c, *by, smart),
                None => vec![],
            },
        };
        for (who, command) in commands {
            let env = Envelope {
                at: day(clock),
                by: who,
                command: command.clone(),
            };
            let before = case.clone();
            match ave_engine::execute(model, &mut case, &env) {
                Ok(recorded) => history.extend(recorded),
                Err(r) => {
                    prop_assert_ne!(r.code.as_str(), "internal", "{}", r);
                    prop_assert_eq!(&before, &case, "a refused command changed the case");
                }
            }
            let c = case.as_ref().expect("open");
            let fold = Fold::of(&history);
            let broken = fold.broken_rules(model);
            prop_assert!(broken.is_empty(), "after {}: {:?}", command.name(), broken);
            fold.matches(c).map_err(TestCaseError::fail)?;
            // The views never fail on any state either.
            let _ = ave_engine::views::attention(model, c, day(clock + 30));
            oracle(model, u, c, clock)?;
        }
    }
    let replayed = Case::replay(&history).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(Some(&replayed), case.as_ref());
    let json = serde_json::to_string(&history).expect("json");
    let back: Vec<Recorded> = serde_json::from_str(&json).expect("parses");
    prop_assert_eq!(&back, &history);
    prop_assert_eq!(Case::replay(&back).ok(), Some(replayed));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_command_sequences_keep_every_enabled_rule_and_replay_to_the_same_state(
        (which, steps) in (0usize..8).prop_flat_map(|m| {
            let u = Universe::of(&models()[m]);
            (Just(m), proptest::collection::vec((0usize..1000, 0u32..20, action(u)), 1..100))
        }),
        entry in 0usize..4,
        minors in proptest::collection::vec(any::<bool>(), 0..3),
    ) {
        let models = models();
        let model = &models[which];
        let u = Universe::of(model);
        run(model, &u, entry, minors, &steps)?;
    }
}
