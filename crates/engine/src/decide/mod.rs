//! Commands → rules → events. [`decide`] checks a command against the model and every
//! enabled rule and returns the events it produces, or a [`Rejection`]; it never changes the
//! case. [`execute`] decides and then applies the events, all or none.
//!
//! Each command has one handler, reached by one `match` the compiler checks for
//! completeness: `household.rs`, `roles.rs`, `record.rs` and `transitions.rs` hold the
//! handlers of each area.

use ave_model::{Date, FunctionId, Phase, RuleName, ValidModel};
use chrono::{DateTime, Utc};

use crate::case::Case;
use crate::command::{self, Command, Envelope};
use crate::event::{Event, Participant, Recorded, Requirement};
use crate::ids::{DeviationId, PersonId, TaskId};
use crate::rejection::{Rejection, RejectionCode as C};

mod household;
mod migrate;
mod record;
mod roles;
mod transitions;

type Result<T> = std::result::Result<T, Rejection>;

/// Decides a command and applies its events to the case, all or none: on rejection the case
/// is unchanged.
///
/// ```
/// use ave_engine::{execute, Command, Envelope};
/// use ave_engine::command::{Open, Participant};
/// use ave_engine::ids::{CaseId, PersonId};
/// use chrono::TimeZone;
///
/// let model = ave_model::presets::load("noord-limburg").unwrap();
/// let by = PersonId::parse("wijkteam-1").unwrap();
/// let open = Command::Open(Open {
///     case: CaseId::parse("c1").unwrap(),
///     phase: ave_model::PhaseId::parse("1").unwrap(),
///     reason: "zorgen over het gezin".into(),
///     household: vec![],
///     participants: vec![Participant {
///         person: by.clone(),
///         name: "A. de Vries".into(),
///         function: ave_model::FunctionId::parse("wijkteamprofessional").unwrap(),
///         organisation: "Wijkteam".into(),
///     }],
///     facts: vec![],
/// });
/// let at = chrono::Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap();
/// let mut case = None;
/// let events = execute(&model, &mut case, &Envelope { at, by, command: open }).unwrap();
/// assert_eq!(events[0].event.name(), "case_opened");
/// assert_eq!(case.unwrap().phase().as_str(), "1");
/// ```
pub fn execute(
    model: &ValidModel,
    case: &mut Option<Case>,
    env: &Envelope,
) -> Result<Vec<Recorded>> {
    let events = decide(model, case.as_ref(), env)?;
    let mut seq = case.as_ref().map_or(0, Case::seq);
    let recorded: Vec<Recorded> = events
        .into_iter()
        .map(|event| {
            seq += 1;
            Recorded {
                seq,
                at: env.at,
                by: env.by.clone(),
                event,
            }
        })
        .collect();
    let internal = |e: crate::case::ReplayError| {
        Rejection::new(
            C::Internal,
            format!(
                "interne fout: commando {} gaf een geschiedenis die niet toe te passen is ({e})",
                env.command.name()
            ),
        )
    };
    match case {
        Some(c) => c.transaction(&recorded).map_err(internal)?,
        None => {
            let Some((first, rest)) = recorded.split_first() else {
                return Err(internal(crate::case::ReplayError::Empty));
            };
            let mut new = Case::open_from(first).map_err(internal)?;
            new.transaction(rest).map_err(internal)?;
            *case = Some(new);
        }
    }
    Ok(recorded)
}

/// The years a command's time may fall in: a case's dates stay far from chrono's limits, so
/// date arithmetic on them never overflows.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// Checks a command and returns the events it produces.
pub fn decide(model: &ValidModel, case: Option<&Case>, env: &Envelope) -> Result<Vec<Event>> {
    if !YEARS.contains(&chrono::Datelike::year(&env.at)) {
        return Err(Rejection::new(
            C::DateOutOfOrder,
            format!(
                "het tijdstip {} ligt buiten de jaren {}–{}",
                env.at,
                YEARS.start(),
                YEARS.end()
            ),
        ));
    }
    match (case, &env.command) {
        (None, Command::Open(c)) => household::open(model, env, c),
        (None, other) => Err(Rejection::new(
            C::NoCase,
            format!(
                "er is nog geen casus: open er eerst een (niet: {})",
                other.name()
            ),
        )),
        (Some(case), Command::ChangeModel(c)) => migrate::change_model(model, case, env, c),
        (Some(case), command) => Cx::new(model, case, env)?.dispatch(command),
    }
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

impl<'a> Cx<'a> {
    /// The checks every command on an existing case passes: open, same model, in time order,
    /// given by a participant.
    fn new(m: &'a ValidModel, case: &'a Case, env: &'a Envelope) -> Result<Cx<'a>> {
        if matches!(env.command, Command::Open(_)) {
            return Err(case_exists(case));
        }
        if let Some(closed) = case.closed() {
            return Err(Rejection::new(
                C::CaseClosed,
                format!(
                    "de casus is gesloten op {} ({})",
                    local_day(m, closed.at),
                    closed.reason
                ),
            ));
        }
        let md = &m.model().model;
        if case.model() != &md.id || case.model_version() != md.version {
            return Err(Rejection::new(
                C::ModelMismatch,
                format!(
                    "de casus loopt onder model {} versie {}, niet onder {} versie {}",
                    case.model(),
                    case.model_version(),
                    md.id,
                    md.version
                ),
            ));
        }
        in_time_order(case, env)?;
        let Some(actor) = case.participant(&env.by) else {
            return Err(Rejection::new(
                C::NotParticipant,
                format!("{} is niet betrokken bij deze casus", env.by),
            ));
        };
        let Some(phase) = m.phase(case.phase()) else {
            return Err(Rejection::new(
                C::UnknownPhase,
                format!(
                    "de casus staat in fase {}, die het model niet kent",
                    case.phase()
                ),
            ));
        };
        Ok(Cx {
            m,
            case,
            env,
            actor,
            phase,
            today: local_day(m, env.at),
        })
    }

    /// One handler per command.
    fn dispatch(&self, command: &Command) -> Result<Vec<Event>> {
        match command {
            Command::Open(_) => Err(case_exists(self.case)),
            Command::AddParticipant(c) => self.add_participant(c),
            Command::RemoveParticipant(c) => self.remove_participant(c),
            Command::AddMember(c) => self.add_member(c),
            Command::RemoveMember(c) => self.remove_member(c),
            Command::AssignRole(c) => self.assign_role(c),
            Command::ReviewRole(c) => self.review_role(c),
            Command::EndRole(c) => self.end_role(c),
            Command::RecordSignal(c) => self.record_signal(c),
            Command::AssessCriterion(c) => self.assess_criterion(c),
            Command::RecordFact(c) => self.record_fact(c),
            Command::SetPlan(c) => self.set_plan(c),
            Command::AddGoal(c) => self.add_goal(c),
            Command::UpdateGoal(c) => self.update_goal(c),
            Command::AddAction(c) => self.add_action(c),
            Command::CompleteAction(c) => self.complete_action(c),
            Command::HoldMeeting(c) => self.hold_meeting(c),
            Command::Evaluate(c) => self.evaluate(c),
            Command::Propose(c) => self.propose(c),
            Command::Decide(c) => self.decide(c),
            Command::Withdraw(c) => self.withdraw(c),
            Command::RaiseDisagreement(c) => self.raise_disagreement(c),
            Command::Settle(c) => self.settle(c),
            Command::FormalDecision(c) => self.formal_decision(c),
            Command::CompleteHandover(c) => self.complete_handover(c),
            Command::AcknowledgeDeviation(c) => self.acknowledge_deviation(c),
            Command::Close(c) => self.close(c),
            Command::ChangeModel(c) => migrate::change_model(self.m, self.case, self.env, c),
        }
    }

    /// A rule with the model's source for it, for [`Rejection::under`].
    fn rule(&self, name: RuleName) -> (RuleName, Option<&'a str>) {
        (name, self.m.model().rules.source_of(name))
    }

    /// Whether a rule is on.
    fn on(&self, name: RuleName) -> bool {
        self.m.model().rules.is_enabled(name)
    }

    fn person(&self, id: &PersonId) -> Result<&'a Participant> {
        self.case.participant(id).ok_or_else(|| {
            Rejection::new(
                C::UnknownPerson,
                format!("{id} is niet betrokken bij deze casus"),
            )
        })
    }

    fn function_name(&self, f: &'a FunctionId) -> &'a str {
        self.m.function_name(f)
    }

    /// The id of a handover task: predictable from what caused it, so that a scenario can
    /// name it; falls back to the event number when the name is too long or taken.
    fn task_id(&self, wanted: &str) -> Result<TaskId> {
        let free = |id: &TaskId| self.case.task(id).is_none();
        if let Ok(id) = TaskId::parse(wanted)
            && free(&id)
        {
            return Ok(id);
        }
        let base = format!("overdracht-{}", self.case.seq() + 1);
        (0..=u32::MAX)
            .map(|n| {
                if n == 0 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                }
            })
            .filter_map(|c| TaskId::parse(c).ok())
            .find(free)
            .ok_or_else(|| {
                Rejection::new(
                    C::Internal,
                    "interne fout: geen vrije naam voor een overdracht",
                )
            })
    }

    /// Deviations from `bij voorkeur` requirements: none is fine; some need a motivation,
    /// and then each is recorded, to be seen by whoever the requirement (or the phase)
    /// names. Each item: the requirement, whom it names to see it, and what it says.
    fn deviations(
        &self,
        items: Vec<(Requirement, Vec<FunctionId>, String)>,
        motivation: Option<&str>,
    ) -> Result<Vec<Event>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let Some(motivation) = motivation.filter(|m| !m.trim().is_empty()) else {
            let what: Vec<&str> = items.iter().map(|(_, _, m)| m.as_str()).collect();
            return Err(Rejection::new(
                C::MotivationRequired,
                format!(
                    "dit wijkt af van wat het model bij voorkeur vraagt — {}; geef een motivering (afwijking met motivering)",
                    what.join("; ")
                ),
            ));
        };
        let first = self.case.deviation_count() + 1;
        items
            .into_iter()
            .enumerate()
            .map(|(i, (requirement, named, _))| {
                let deviation = DeviationId::parse(format!("afwijking-{}", first + i))
                    .map_err(|e| Rejection::new(C::Internal, format!("interne fout: {e}")))?;
                Ok(Event::DeviationRecorded {
                    deviation,
                    requirement,
                    motivation: motivation.to_owned(),
                    seen_by: crate::policy::seen_by(self.m, self.case, &named),
                })
            })
            .collect()
    }

    /// Deviations from role rules held `bij voorkeur` that the step would bring (those the
    /// case already has, recorded earlier, are not asked for again).
    fn rule_deviations(
        &self,
        found: Vec<crate::rules::RuleDeviation>,
        motivation: Option<&str>,
    ) -> Result<Vec<Event>> {
        let before = crate::rules::check_roles(
            self.m,
            &crate::rules::Holdings::of(self.case),
            self.case.has_minors(self.today),
        )
        .unwrap_or_default();
        let items = found
            .into_iter()
            .filter(|d| !before.contains(d))
            .map(|d| {
                (
                    Requirement::Rule {
                        rule: d.rule.key().to_owned(),
                    },
                    self.m.model().rules.seen_by(d.rule).to_vec(),
                    format!("{} (regel {})", d.message, d.rule),
                )
            })
            .collect();
        self.deviations(items, motivation)
    }

    fn meeting_name(&self, kind: &'a ave_model::MeetingKindId) -> &'a str {
        self.m
            .meeting_kind(kind)
            .map_or(kind.as_str(), |k| k.name.as_str())
    }
}

fn case_exists(case: &Case) -> Rejection {
    Rejection::new(C::CaseExists, format!("casus {} is al geopend", case.id()))
}

/// The local calendar day of an instant in the model's time zone.
fn local_day(model: &ValidModel, at: DateTime<Utc>) -> Date {
    ave_model::time::local_date(model.time_zone(), at)
}

/// A command may not be dated before the case's last event.
fn in_time_order(case: &Case, env: &Envelope) -> Result<()> {
    if env.at < case.last_at() {
        return Err(Rejection::new(
            C::DateOutOfOrder,
            format!(
                "het tijdstip {} ligt vóór de laatste gebeurtenis in de casus ({})",
                env.at,
                case.last_at()
            ),
        ));
    }
    Ok(())
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

/// `day` plus `days`; the day itself should the sum leave the calendar (it cannot for the
/// years commands are limited to, and norms are at most ten years).
fn add_days(day: Date, days: u32) -> Date {
    day.naive()
        .checked_add_days(chrono::Days::new(u64::from(days)))
        .map_or(day, Date::from)
}

/// The first evaluation date in a phase, when the rule asks for one.
fn evaluation_date(model: &ValidModel, phase: &Phase, day: Date) -> Option<Date> {
    if !model.model().rules.is_enabled(RuleName::EvaluationRequired) {
        return None;
    }
    let days = phase.norms.as_ref()?.evaluation_days?;
    Some(add_days(day, days))
}

/// Function names for messages: "a", "a of b", "a, b of c".
fn names(model: &ValidModel, ids: &[FunctionId]) -> String {
    let v: Vec<&str> = ids.iter().map(|f| model.function_name(f)).collect();
    match v.as_slice() {
        [] => "niemand".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} of {last}", init.join(", ")),
    }
}

/// Actors for messages: function names, or "de casusregisseur van de casus".
fn actor_names(model: &ValidModel, actors: &[ave_model::Actor]) -> String {
    let v: Vec<String> = actors
        .iter()
        .map(|a| ave_model::render::actor(model, a))
        .collect();
    match v.as_slice() {
        [] => "niemand".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} of {last}", init.join(", ")),
    }
}

/// The command type of a handler's input, for signatures.
use command as cmd;
