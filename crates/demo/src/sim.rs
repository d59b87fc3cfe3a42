//! One household's history, produced by giving the engine commands a professional would
//! give: open in an entry phase, take the roles the phase prescribes, record signals, assess
//! the criteria of the next transition, propose it, meet what the model asks (plan, meeting,
//! consultation) and let someone who may decide approve it; evaluate; sometimes afschalen and
//! close. What the engine refuses is skipped and counted.

use std::collections::{BTreeSet, VecDeque};

use ave_engine::command::{
    AssessCriterion, AssignRole, Close, Command, CompleteHandover, Decide, EndState, Envelope,
    Evaluate, HoldMeeting, Member, Open, OpeningFact, Participant, Propose, RecordFact,
    RecordSignal, SetPlan, Withdraw,
};
use ave_engine::event::Participant as Involved;
use ave_engine::ids::{CaseId, MeetingId, MemberId, PersonId, RequestId, SignalId};
use ave_engine::policy::{self, Consulted, Deciders, Need};
use ave_engine::{Case, Recorded, execute, views};
use ave_model::{
    Actor, Condition, Date, Direction, FactId, MeetingKindId, Phase, PhaseId, RoleKind, RuleName,
    Transition, ValidModel,
};
use chrono::{DateTime, Duration, Utc};

use crate::rng::Rng;

/// How far back the oldest case opens, in days (about 18 months).
pub const HISTORY_DAYS: i64 = 540;

/// A household's case, its events and the codes of the commands refused on the way.
pub struct Outcome {
    /// The case (none if it could not even be opened).
    pub case: Option<Case>,
    /// Its events, numbered from 1.
    pub events: Vec<Recorded>,
    /// The rejection code of each refused command.
    pub refused: Vec<String>,
    /// Every accepted command with who gave it, in order (the first opens the case).
    pub commands: Vec<(PersonId, Command)>,
}

const SOURCES: [&str; 6] = [
    "wijkagent",
    "school",
    "huisarts",
    "woningcorporatie",
    "buren",
    "Veilig Thuis",
];
const CATEGORIES: [&str; 6] = [
    "schulden",
    "huiselijk geweld",
    "psychische problemen",
    "overlast",
    "schoolverzuim",
    "middelengebruik",
];
const REASONS: [&str; 5] = [
    "Zorgen over het gezin na meerdere meldingen",
    "Hulpvraag van een ouder over schulden en opvoeding",
    "Melding van de wijkagent over spanningen thuis",
    "Aanmelding door school wegens langdurig verzuim",
    "Woningcorporatie meldt overlast en huurachterstand",
];

/// Builds one household's case, aiming at a phase of AVE level `target`, with `extra`
/// ordinary commands (signals, and an evaluation after every third) after the first plan —
/// a longer case file for benchmarks; 0 for the demo.
pub fn household(
    model: &ValidModel,
    people: &[Participant],
    id: &CaseId,
    target: u32,
    extra: u32,
    now: DateTime<Utc>,
    rng: &mut Rng,
) -> Outcome {
    let start =
        now - Duration::days(rng.range(45, HISTORY_DAYS)) - Duration::minutes(rng.range(0, 600));
    let span = (now - start).num_days();
    let quiet = rng.range(0, (span - 30).clamp(0, 150));
    let end = now - Duration::days(quiet) - Duration::hours(2);
    let steps = 12 + 16 * i64::from(target.saturating_sub(1)) + i64::from(extra);
    let step = ((end - start).num_minutes() / steps).max(60);
    let mut sim = Sim {
        model,
        people,
        rng,
        case: None,
        events: Vec::new(),
        refused: Vec::new(),
        commands: Vec::new(),
        clock: start,
        end,
        step,
        extra,
        opener: None,
        n: 0,
    };
    sim.run_household(id, target);
    Outcome {
        case: sim.case,
        events: sim.events,
        refused: sim.refused,
        commands: sim.commands,
    }
}

struct Sim<'a, 'r> {
    model: &'a ValidModel,
    people: &'a [Participant],
    rng: &'r mut Rng,
    case: Option<Case>,
    events: Vec<Recorded>,
    refused: Vec<String>,
    commands: Vec<(PersonId, Command)>,
    clock: DateTime<Utc>,
    end: DateTime<Utc>,
    step: i64,
    extra: u32,
    opener: Option<PersonId>,
    n: u32,
}

/// Phases reachable from `from` by transitions in direction `dir` between phases, as the
/// shortest list of transitions to `to`.
fn path<'a>(
    model: &'a ValidModel,
    from: &PhaseId,
    to: &PhaseId,
    dir: Direction,
) -> Option<Vec<&'a Transition>> {
    let mut seen = BTreeSet::from([from.clone()]);
    let mut queue = VecDeque::from([(from.clone(), Vec::new())]);
    while let Some((at, route)) = queue.pop_front() {
        if &at == to {
            return Some(route);
        }
        for t in model.model().transitions.iter().filter(|t| t.from == at) {
            if t.from == t.to
                || t.direction != dir
                || t.deciders_open.is_some()
                || !seen.insert(t.to.clone())
            {
                continue;
            }
            let mut next: Vec<&Transition> = route.clone();
            next.push(t);
            queue.push_back((t.to.clone(), next));
        }
    }
    None
}

/// The facts a condition needs to hold (not under a negation).
fn facts_in(c: &Condition, out: &mut Vec<FactId>) {
    match c {
        Condition::Fact(f) => out.push(f.clone()),
        Condition::Any(v) | Condition::All(v) => v.iter().for_each(|c| facts_in(c, out)),
        Condition::AtLeast(a) => a.of.iter().for_each(|c| facts_in(c, out)),
        Condition::Criterion(_) | Condition::Not(_) | Condition::Held(_) => {}
    }
}

impl<'a> Sim<'a, '_> {
    fn tick(&mut self) {
        let step = Duration::minutes(self.rng.range(self.step / 5, self.step));
        let next = (self.clock + step).min(self.end);
        self.clock = next.max(self.clock + Duration::minutes(7));
    }

    fn today(&self) -> Date {
        views::local_day(self.model, self.clock)
    }

    fn next_n(&mut self) -> u32 {
        self.n += 1;
        self.n
    }

    /// Gives a command; true when the engine accepted it.
    fn run(&mut self, by: &PersonId, command: Command) -> bool {
        self.tick();
        let env = Envelope {
            at: self.clock,
            by: by.clone(),
            command,
        };
        match execute(self.model, &mut self.case, &env) {
            Ok(events) => {
                self.events.extend(events);
                self.commands.push((env.by, env.command));
                true
            }
            Err(r) => {
                self.refused.push(r.code.as_str().to_owned());
                false
            }
        }
    }

    fn involved(&self) -> Vec<Involved> {
        self.case
            .as_ref()
            .map(|c| c.participants().cloned().collect())
            .unwrap_or_default()
    }

    /// Who gives the ordinary commands: the casusregisseur, else the procesregisseur, else
    /// whoever opened the case.
    fn lead(&self) -> Option<PersonId> {
        let case = self.case.as_ref()?;
        case.holders(RoleKind::Casusregie)
            .chain(case.holders(RoleKind::Procesregie))
            .map(|h| h.person.clone())
            .next()
            .or_else(|| self.opener.clone())
    }

    fn first_admitted(&self, actors: &[Actor]) -> Option<PersonId> {
        let case = self.case.as_ref()?;
        self.involved()
            .into_iter()
            .find(|p| policy::admits(self.model, case, actors, p))
            .map(|p| p.person)
    }

    fn run_household(&mut self, id: &CaseId, target: u32) {
        let model = self.model;
        let targets: Vec<&Phase> = model
            .phases_in_order()
            .into_iter()
            .filter(|p| crate::level(model, p.id.as_str()) == target)
            .collect();
        let Some(goal) = targets.get(self.rng.index(targets.len())).copied() else {
            return;
        };
        // The entry: the lowest level that reaches the goal, the highest phase within it.
        let mut entries: Vec<(&Phase, Vec<&Transition>)> = model
            .phases_in_order()
            .into_iter()
            .filter(|p| p.entry)
            .filter_map(|p| path(model, &p.id, &goal.id, Direction::Op).map(|r| (p, r)))
            .collect();
        entries.sort_by_key(|(p, _)| (crate::level(model, p.id.as_str()), u32::MAX - p.order));
        let Some((entry, route)) = entries.into_iter().next() else {
            return;
        };
        if !self.open(id, entry) {
            return;
        }
        self.fill_roles();
        for _ in 0..self.rng.range(1, 2) {
            self.signal();
        }
        self.plan();
        self.evaluate();
        for i in 0..self.extra {
            if i % 4 == 3 {
                self.evaluate();
            } else {
                self.signal();
            }
        }
        for t in route {
            if self.rng.chance(60) {
                self.signal();
            }
            if !self.transition(t) {
                break;
            }
            self.fill_roles();
            self.plan();
            self.evaluate();
        }
        if target == 1 && self.rng.chance(30) {
            self.close();
        } else if target < 4 && self.rng.chance(5) {
            self.leave_pending(target);
        } else if self.rng.chance(50) {
            self.evaluate();
        }
    }

    fn open(&mut self, id: &CaseId, entry: &Phase) -> bool {
        let model = self.model;
        let mut openers: Vec<&Participant> = if entry.entry_by.is_empty() {
            let holders = entry
                .regie
                .casusregie
                .as_ref()
                .map(|s| s.holders.clone())
                .unwrap_or_default();
            let mut v: Vec<&Participant> = self
                .people
                .iter()
                .filter(|p| model.includes(&holders, &p.function))
                .collect();
            v.extend(self.people.iter());
            v
        } else {
            self.people
                .iter()
                .filter(|p| model.includes(&entry.entry_by, &p.function))
                .collect()
        };
        openers.truncate(2);
        let mut facts = Vec::new();
        if let Some(c) = &entry.entry_when {
            facts_in(c, &mut facts);
        }
        let household = self.members();
        for opener in openers {
            let command = Command::Open(Open {
                case: id.clone(),
                phase: entry.id.clone(),
                reason: REASONS[self.rng.index(REASONS.len())].to_owned(),
                household: household.clone(),
                participants: self.people.to_vec(),
                facts: facts
                    .iter()
                    .map(|f| OpeningFact {
                        fact: f.clone(),
                        evidence: "Vastgesteld bij de aanmelding".to_owned(),
                    })
                    .collect(),
            });
            if self.run(&opener.person, command) {
                self.opener = Some(opener.person.clone());
                return true;
            }
        }
        false
    }

    fn members(&mut self) -> Vec<Member> {
        let n = self.rng.range(1, 4);
        let mut out = Vec::new();
        for i in 1..=n {
            let (role, minor) = match i {
                1 => ("ouder", false),
                2 if self.rng.chance(50) => ("ouder", false),
                _ if self.rng.chance(80) => ("kind", true),
                _ => ("kind", false),
            };
            if let Ok(member) = MemberId::parse(format!("lid-{i}")) {
                out.push(Member {
                    member,
                    role: role.to_owned(),
                    minor,
                    born: None,
                });
            }
        }
        out
    }

    /// Fills the roles the current phase prescribes and nobody prescribed holds yet.
    fn fill_roles(&mut self) {
        let model = self.model;
        let Some(case) = self.case.as_ref() else {
            return;
        };
        let Some(phase) = model.phase(case.phase()) else {
            return;
        };
        for role in [
            RoleKind::Procesregie,
            RoleKind::Casusregie,
            RoleKind::Behandelregie,
            RoleKind::Operationeel,
            RoleKind::Bestuurlijk,
        ] {
            let Some(spec) = phase.regie.role(role) else {
                continue;
            };
            let Some(case) = self.case.as_ref() else {
                return;
            };
            if spec.nvt
                || spec.open.is_some()
                || spec.when_needed
                || spec.holders.is_empty()
                || policy::held(model, case, role, &spec.holders)
            {
                continue;
            }
            let mut candidates: Vec<PersonId> = self
                .involved()
                .into_iter()
                .filter(|p| model.includes(&spec.holders, &p.function))
                .map(|p| p.person)
                .collect();
            if candidates.is_empty() {
                continue;
            }
            let turn = self.rng.index(candidates.len());
            candidates.rotate_left(turn);
            // With minors in the household, the functions the minors rule names go first.
            if role == RoleKind::Casusregie
                && case.has_minors(self.today())
                && let Some(rule) = model
                    .model()
                    .rules
                    .minors_casusregisseur
                    .as_ref()
                    .filter(|r| r.enabled)
            {
                let fits = |p: &PersonId| {
                    case.participant(p)
                        .is_some_and(|p| model.includes(&rule.functions, &p.function))
                };
                candidates.sort_by_key(|p| !fits(p));
            }
            if let Some(r) = &spec.appointed_in
                && !case.meeting_after(&r.meeting, case.phase_entry())
            {
                let mut attendees = candidates.clone();
                attendees.extend(self.lead());
                self.meeting(&r.meeting, attendees);
            }
            let appointer = if spec.appointed_by.is_empty() {
                None
            } else {
                match self.first_admitted(&spec.appointed_by) {
                    Some(p) => Some(p),
                    None => continue,
                }
            };
            for person in candidates.into_iter().take(3) {
                let by = appointer.clone().unwrap_or_else(|| person.clone());
                let command = Command::AssignRole(AssignRole {
                    role,
                    person,
                    review: None,
                    reason: Some("Overdracht bij de overgang naar deze fase".to_owned()),
                    motivation: Some(
                        "Zo afgesproken in het casusoverleg; er is geen andere geschikte persoon"
                            .to_owned(),
                    ),
                });
                if self.run(&by, command) {
                    break;
                }
            }
        }
    }

    fn signal(&mut self) {
        let Some(by) = self.lead() else { return };
        let n = self.next_n();
        let Ok(signal) = SignalId::parse(format!("signaal-{n}")) else {
            return;
        };
        let source = SOURCES[self.rng.index(SOURCES.len())];
        let category = CATEGORIES[self.rng.index(CATEGORIES.len())];
        self.run(
            &by,
            Command::RecordSignal(RecordSignal {
                signal,
                source: source.to_owned(),
                category: category.to_owned(),
                text: format!("Melding van {source} over {category}"),
                triggers: Vec::new(),
            }),
        );
    }

    fn plan(&mut self) {
        if !self.rng.chance(60) {
            return;
        }
        let (Some(by), Some(case)) = (self.lead(), self.case.as_ref()) else {
            return;
        };
        let phase = case.phase().clone();
        self.set_plan(&by, phase);
    }

    fn set_plan(&mut self, by: &PersonId, phase: PhaseId) {
        self.run(
            by,
            Command::SetPlan(SetPlan {
                phase,
                summary: "Integraal plan: één gezin, één plan, met afspraken per leefgebied"
                    .to_owned(),
            }),
        );
    }

    fn evaluate(&mut self) {
        if !self
            .model
            .model()
            .rules
            .is_enabled(RuleName::EvaluationRequired)
        {
            return;
        }
        let Some(by) = self.lead() else { return };
        self.run(
            &by,
            Command::Evaluate(Evaluate {
                summary: "Voortgang besproken met het gezin en de betrokken professionals"
                    .to_owned(),
                next: None,
            }),
        );
    }

    fn meeting(&mut self, kind: &MeetingKindId, mut attendees: Vec<PersonId>) {
        let Some(by) = self.lead() else { return };
        attendees.push(by.clone());
        attendees.sort();
        attendees.dedup();
        let n = self.next_n();
        let Ok(meeting) = MeetingId::parse(format!("overleg-{n}")) else {
            return;
        };
        self.run(
            &by,
            Command::HoldMeeting(HoldMeeting {
                meeting,
                kind: kind.clone(),
                attendees,
                decisions: vec!["Afspraken over de aanpak vastgelegd".to_owned()],
            }),
        );
    }

    /// Records the assessments that make `c` come out as `holds`; with `all` false, one
    /// part of an "any" is enough.
    fn assess(&mut self, by: &PersonId, c: &Condition, holds: bool, all: bool) {
        match c {
            Condition::Criterion(id) => {
                self.run(
                    by,
                    Command::AssessCriterion(AssessCriterion {
                        criterion: id.clone(),
                        holds,
                        evidence: "Besproken in het casusoverleg; blijkt uit de meldingen en het gesprek met het gezin".to_owned(),
                    }),
                );
            }
            Condition::Fact(id) => {
                if self.model.fact(id).is_some_and(|f| f.derived.is_none()) {
                    self.run(
                        by,
                        Command::RecordFact(RecordFact {
                            fact: id.clone(),
                            holds,
                            evidence: "Vastgesteld door de betrokken professionals".to_owned(),
                        }),
                    );
                }
            }
            Condition::Any(parts) if holds && !all && !parts.is_empty() => {
                let i = self.rng.index(parts.len());
                self.assess(by, &parts[i], holds, all);
            }
            Condition::Any(parts) | Condition::All(parts) => {
                for p in parts {
                    self.assess(by, p, holds, all);
                }
            }
            Condition::AtLeast(a) => {
                for p in &a.of {
                    self.assess(by, p, holds, all);
                }
            }
            Condition::Not(inner) => self.assess(by, inner, !holds, all),
            Condition::Held(_) => {}
        }
    }

    fn proposal(&self, t: &Transition) -> Option<views::Proposal> {
        let case = self.case.as_ref()?;
        views::proposals(self.model, case, self.today())
            .into_iter()
            .find(|p| p.transition == t.id)
    }

    /// Proposes an opschaling and leaves it waiting for a decision (so the attention list
    /// shows late decisions), if the next level is reachable.
    fn leave_pending(&mut self, target: u32) {
        let model = self.model;
        let Some(case) = self.case.as_ref() else {
            return;
        };
        let from = case.phase().clone();
        let next = model.model().transitions.iter().find(|t| {
            t.from == from
                && t.from != t.to
                && t.direction == Direction::Op
                && crate::level(model, t.to.as_str()) == target + 1
        });
        if let Some(t) = next {
            self.propose_only(t);
        }
    }

    /// Takes transition `t`: criteria, proposal, what the model asks, decision.
    fn transition(&mut self, t: &'a Transition) -> bool {
        self.take(t, true)
    }

    /// Proposes transition `t` without deciding it.
    fn propose_only(&mut self, t: &'a Transition) -> bool {
        self.take(t, false)
    }

    fn take(&mut self, t: &'a Transition, decide: bool) -> bool {
        let Some(lead) = self.lead() else {
            return false;
        };
        let condition = t.effective_condition().into_owned();
        self.assess(&lead, &condition, true, false);
        let proposal = match self.proposal(t) {
            Some(p) => p,
            None => {
                self.assess(&lead, &condition, true, true);
                match self.proposal(t) {
                    Some(p) => p,
                    None => return false,
                }
            }
        };
        let attendees = self.attendees(t);
        for m in &proposal.missing {
            match &m.need {
                Need::Plan { phase, .. } => self.set_plan(&lead, phase.clone()),
                Need::Meeting { meeting, .. } => self.meeting(meeting, attendees.clone()),
                _ => {}
            }
        }
        // Propose.
        let Some(case) = self.case.as_ref() else {
            return false;
        };
        let involved = self.involved();
        let proposer = involved
            .iter()
            .filter(|p| policy::may_propose(self.model, case, t, p))
            .max_by_key(|p| p.person == lead)
            .map(|p| p.person.clone());
        let Some(proposer) = proposer else {
            return false;
        };
        let n = self.next_n();
        let Ok(request) = RequestId::parse(format!("verzoek-{n}")) else {
            return false;
        };
        let proposed = self.run(
            &proposer,
            Command::Propose(Propose {
                request: request.clone(),
                transition: t.id.clone(),
                criteria: proposal.holding.clone(),
                evidence: "De criteria zijn in het casusoverleg vastgesteld".to_owned(),
            }),
        );
        if !proposed || !decide {
            return proposed;
        }
        if let Some(r) = &t.decided_in {
            self.meeting(&r.meeting, attendees);
        }
        // Decide.
        let Some(case) = self.case.as_ref() else {
            return false;
        };
        let deciders = policy::deciders(self.model, case, t);
        let decider = match &deciders {
            Deciders::Anyone => involved.iter().find(|p| p.person == lead),
            _ => involved
                .iter()
                .find(|p| deciders.admit(self.model, case, p)),
        };
        let Some(decider) = decider.cloned() else {
            self.withdraw(&proposer, request);
            return false;
        };
        let request_seq = case.seq();
        let missing = policy::missing(
            self.model,
            case,
            t,
            Some(request_seq),
            Consulted {
                decider: Some(&decider),
                named: &[],
            },
            self.today(),
        );
        let mut consulted: Vec<PersonId> = missing
            .iter()
            .filter_map(|m| match &m.need {
                Need::Consulted { actor, .. } => involved
                    .iter()
                    .find(|p| policy::admits(self.model, case, std::slice::from_ref(actor), p))
                    .map(|p| p.person.clone()),
                _ => None,
            })
            .collect();
        consulted.sort();
        consulted.dedup();
        let decided = self.run(
            &decider.person,
            Command::Decide(Decide {
                request: request.clone(),
                approve: true,
                reason: "De criteria zijn aangetoond; de betrokkenen zijn gehoord".to_owned(),
                authority: None,
                consulted,
                motivation: Some(
                    "Gezien de situatie van het gezin kon hierop niet worden gewacht".to_owned(),
                ),
            }),
        );
        if !decided {
            self.withdraw(&proposer, request);
            return false;
        }
        self.handovers(90);
        true
    }

    /// Who attends a meeting about `t`: the lead, someone for every consultation and a
    /// decider.
    fn attendees(&self, t: &Transition) -> Vec<PersonId> {
        let mut out: Vec<PersonId> = self.lead().into_iter().collect();
        for c in &t.consult {
            if let Some(actor) = c.who() {
                out.extend(self.first_admitted(std::slice::from_ref(&actor)));
            }
        }
        out.extend(self.first_admitted(&t.deciders));
        out
    }

    fn withdraw(&mut self, by: &PersonId, request: RequestId) {
        self.run(
            by,
            Command::Withdraw(Withdraw {
                request,
                reason: "Het verzoek kan nu niet worden besloten".to_owned(),
            }),
        );
    }

    /// Completes open handover tasks, each with chance `percent`.
    fn handovers(&mut self, percent: u64) {
        let Some(case) = self.case.as_ref() else {
            return;
        };
        let tasks: Vec<_> = case
            .open_tasks()
            .map(|(id, t)| (id.clone(), t.holder.clone()))
            .collect();
        for (task, holder) in tasks {
            if !self.rng.chance(percent) {
                continue;
            }
            let by = match holder.filter(|h| {
                self.case
                    .as_ref()
                    .is_some_and(|c| c.participant(h).is_some())
            }) {
                Some(h) => h,
                None => match self.lead() {
                    Some(l) => l,
                    None => return,
                },
            };
            self.run(
                &by,
                Command::CompleteHandover(CompleteHandover {
                    task,
                    how: "Warme overdracht in een gesprek met het gezin erbij".to_owned(),
                }),
            );
        }
    }

    /// Afschalen to the lowest phase, then closing.
    fn close(&mut self) {
        let model = self.model;
        let Some(lowest) = model.phases_in_order().first().map(|p| p.id.clone()) else {
            return;
        };
        let Some(case) = self.case.as_ref() else {
            return;
        };
        let Some(route) = path(model, case.phase(), &lowest, Direction::Af) else {
            return;
        };
        for t in route {
            if !self.transition(t) {
                return;
            }
            self.fill_roles();
        }
        self.handovers(100);
        let Some(by) = self.lead() else { return };
        self.run(
            &by,
            Command::Close(Close {
                reason: "De doelen zijn bereikt; het gezin redt het zelf".to_owned(),
                end_state: EndState::Afgesloten,
            }),
        );
    }
}
