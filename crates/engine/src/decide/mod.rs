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

mod household;
mod record;
mod roles;
mod transitions;

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
    // Applying can only fail on a history that is out of order: an opening event for a case
    // that exists (or none for one that does not). `decide` never produces that; should it
    // ever, refuse before touching the case, so nothing is half-applied.
    let opens = |r: &Recorded| matches!(r.event, crate::event::Event::CaseOpened { .. });
    let consistent = match case {
        None => recorded.first().is_some_and(opens) && !recorded.iter().skip(1).any(opens),
        Some(_) => !recorded.iter().any(opens),
    };
    if !consistent {
        return Err(Rejection::new(
            C::Internal,
            format!(
                "interne fout: commando {} gaf een ongeldige geschiedenis",
                env.command.name()
            ),
        ));
    }
    for r in &recorded {
        if let Err(e) = Case::apply_to(case, r) {
            return Err(Rejection::new(
                C::Internal,
                format!("interne fout bij toepassen: {e}"),
            ));
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

/// `day` plus `days`; the day itself should the sum leave the calendar (it cannot for the
/// years commands are limited to, and norms are at most ten years).
fn add_days(day: Date, days: u32) -> Date {
    day.naive()
        .checked_add_days(chrono::Days::new(u64::from(days)))
        .map_or(day, Date::from)
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
    /// A rule by name with the model's source for it, for [`Rejection::under`].
    fn rule(&self, name: &'static str) -> (&'static str, Option<&'a str>) {
        (name, self.rule_source(name))
    }

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
        rules::holdings(self.case)
    }

    /// The id of a handover task: predictable from the request (or the count of casusregie
    /// changes), so that a scenario can name it; falls back to the event number when the
    /// name would be too long or is taken.
    fn task_id(&self, wanted: &str) -> Result<TaskId> {
        let free = |id: &TaskId| !self.case.tasks.contains_key(id);
        if let Ok(id) = TaskId::parse(wanted)
            && free(&id)
        {
            return Ok(id);
        }
        // Taken (or too long): the event number, made unique if need be.
        let base = format!("overdracht-{}", self.case.seq + 1);
        for n in 0..=self.case.tasks.len() {
            let candidate = if n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            if let Ok(id) = TaskId::parse(candidate)
                && free(&id)
            {
                return Ok(id);
            }
        }
        Err(Rejection::new(
            C::Internal,
            "interne fout: geen vrije naam voor een overdracht",
        ))
    }

    fn command(&self) -> Result<Vec<Event>> {
        match &self.env.command {
            Command::Open { .. } => Err(misrouted(&self.env.command)),
            Command::AddParticipant { .. }
            | Command::RemoveParticipant { .. }
            | Command::AddMember { .. }
            | Command::RemoveMember { .. } => self.household(),
            Command::AssignRole { .. } | Command::ReviewRole { .. } | Command::EndRole { .. } => {
                self.roles()
            }
            Command::Propose { .. }
            | Command::Decide { .. }
            | Command::Withdraw { .. }
            | Command::RaiseDisagreement { .. }
            | Command::Settle { .. } => self.transitions(),
            _ => self.record(),
        }
    }

    fn meeting_since_phase_entry(&self, kind: &str) -> bool {
        let entry = self.case.phase_entry();
        self.case
            .meetings
            .values()
            .any(|m| m.kind.as_str() == kind && m.seq > entry)
    }

    fn meeting_name(&self, kind: &'a str) -> &'a str {
        self.m.meeting_kind(kind).map_or(kind, |k| k.name.as_str())
    }
}

/// A command handed to the wrong group of handlers: a defect, reported rather than a panic.
fn misrouted(command: &Command) -> Rejection {
    Rejection::new(
        C::Internal,
        format!(
            "interne fout: commando {} verkeerd doorgegeven",
            command.name()
        ),
    )
}
