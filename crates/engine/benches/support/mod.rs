//! What the engine benchmarks share: the model, the people and a case with a history of a
//! given size.

use std::time::Duration;

use ave_engine::command::{self, ActionKind, Command, Envelope, Participant};
use ave_engine::ids::*;
use ave_engine::{Case, Recorded, execute};
use ave_model::{CriterionId, Date, FunctionId, MeetingKindId, PhaseId, RoleKind, ValidModel};
use chrono::{DateTime, TimeZone, Utc};

/// The documented example model of `docs/model-format.md` (every rule on): stable, unlike the
/// presets, which follow their sources.
pub(crate) fn model() -> ValidModel {
    let doc = include_str!("../../../../docs/model-format.md");
    // The complete annotated example (earlier sections have smaller snippets).
    let section = doc
        .find("## A complete annotated example")
        .expect("the example section");
    let start = section + doc[section..].find("```toml\n").expect("toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("block end");
    ave_model::check(
        "voorbeeld.toml",
        &doc.as_bytes()[start..start + len],
        &ave_model::NoBases,
    )
    .into_valid()
    .expect("valid example")
}

pub(crate) fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 6, 8, 0, 0)
        .single()
        .expect("date")
        + chrono::Duration::minutes(minutes)
}

pub(crate) fn pid(s: &str) -> PersonId {
    PersonId::parse(s).expect("id")
}

pub(crate) fn id<T: TryFrom<String>>(s: impl Into<String>) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.into()).expect("id")
}

pub(crate) const PEOPLE: &[(&str, &str)] = &[
    ("consulent-1", "consulent"),
    ("teamleider-1", "teamleider"),
    ("wethouder-1", "wethouder"),
    ("proces-1", "procesregisseur"),
    ("zvh-1", "procesregisseur-zvh"),
    ("oov-1", "adviseur-oov"),
    ("behandelaar-1", "behandelaar"),
    ("burgemeester-1", "burgemeester"),
];

pub(crate) fn participant(person: &str, function: &str) -> Participant {
    Participant {
        person: pid(person),
        name: person.to_owned(),
        function: FunctionId::parse(function).expect("id"),
        organisation: "Organisatie".into(),
    }
}

/// A case being built or exercised, with its own clock.
pub(crate) struct Run<'m> {
    pub(crate) model: &'m ValidModel,
    pub(crate) case: Option<Case>,
    pub(crate) minute: i64,
}

impl Run<'_> {
    /// Executes a command one minute after the last; returns how long `execute` took.
    pub(crate) fn exec(&mut self, by: &str, command: Command) -> (Duration, Vec<Recorded>) {
        self.minute += 1;
        let env = Envelope {
            at: at(self.minute),
            by: pid(by),
            command,
        };
        #[expect(clippy::disallowed_methods, reason = "a benchmark measures time")]
        let start = std::time::Instant::now();
        let out = execute(self.model, &mut self.case, std::hint::black_box(&env));
        let took = start.elapsed();
        match out {
            Ok(events) => (took, events),
            Err(r) => panic!("{} by {by} refused: {r}", env.command.name()),
        }
    }

    pub(crate) fn ok(&mut self, by: &str, command: Command) -> Vec<Recorded> {
        self.exec(by, command).1
    }
}

pub(crate) fn assess(c: &str, holds: bool) -> Command {
    Command::AssessCriterion(command::AssessCriterion {
        criterion: CriterionId::parse(c).expect("id"),
        holds,
        evidence: "waarneming".into(),
    })
}

pub(crate) fn propose(request: &str, transition: &str, criteria: &[&str]) -> Command {
    Command::Propose(command::Propose {
        request: id(request),
        transition: id(transition),
        criteria: criteria.iter().map(|c| id(*c)).collect(),
        evidence: "onderbouwing".into(),
    })
}

pub(crate) fn decide(request: &str, approve: bool, consulted: &[&str]) -> Command {
    Command::Decide(command::Decide {
        request: id(request),
        approve,
        reason: "besluit".into(),
        authority: None,
        consulted: consulted.iter().map(|p| pid(p)).collect(),
        motivation: None,
    })
}

pub(crate) fn assign(role: RoleKind, person: &str, review: Option<Date>) -> Command {
    Command::AssignRole(command::AssignRole {
        role,
        person: pid(person),
        review,
        reason: Some("toewijzing".into()),
        motivation: None,
    })
}

pub(crate) fn meeting(i: usize, decided: bool) -> Command {
    Command::HoldMeeting(command::HoldMeeting {
        meeting: id(format!("mdo-{i}")),
        kind: MeetingKindId::parse("mdo").expect("id"),
        attendees: vec![pid("consulent-1"), pid("behandelaar-1"), pid("oov-1")],
        decisions: if decided {
            vec!["afspraak".into()]
        } else {
            vec![]
        },
    })
}

/// A case in phase 2 of the example with exactly `n` events: casusregie, operational and
/// administrative responsibility and procesregie held, then a varied history of which a
/// quarter is meetings (assessments, signals, goals, actions, evaluations, facts, plans and
/// proposals that are withdrawn).
pub(crate) fn history(model: &ValidModel, n: usize) -> (Case, Vec<Recorded>) {
    let mut run = Run {
        model,
        case: None,
        minute: 0,
    };
    let mut events = run.ok(
        "consulent-1",
        Command::Open(command::Open {
            case: id("bench"),
            phase: PhaseId::parse("2").expect("id"),
            reason: "benchmark".into(),
            household: vec![],
            participants: PEOPLE.iter().map(|(p, f)| participant(p, f)).collect(),
            facts: vec![],
        }),
    );
    for (by, command) in [
        (
            "consulent-1",
            assign(RoleKind::Casusregie, "consulent-1", None),
        ),
        (
            "teamleider-1",
            assign(RoleKind::Operationeel, "teamleider-1", None),
        ),
        (
            "wethouder-1",
            assign(RoleKind::Bestuurlijk, "wethouder-1", None),
        ),
        ("consulent-1", assess("stagnatie", true)),
        (
            "consulent-1",
            propose("v-proces", "2-procesregie-erbij", &["stagnatie"]),
        ),
        ("consulent-1", meeting(0, true)),
        ("teamleider-1", decide("v-proces", true, &[])),
        ("proces-1", assign(RoleKind::Procesregie, "proces-1", None)),
        ("consulent-1", assess("stabiel", true)),
    ] {
        events.extend(run.ok(by, command));
    }
    let mut i = 0;
    let mut varied = 0;
    while events.len() < n {
        i += 1;
        if i % 4 >= 2 {
            varied += 1;
        }
        let (by, command) = match i % 4 {
            0 => ("consulent-1", meeting(i, i % 8 == 0)),
            1 => ("consulent-1", assess("hulpvraag", i % 3 == 0)),
            _ => match varied % 8 {
                0 => (
                    "consulent-1",
                    Command::RecordSignal(command::RecordSignal {
                        signal: id(format!("s{i}")),
                        source: "school".into(),
                        category: "verzuim".into(),
                        text: "afwezig".into(),
                        triggers: vec![],
                    }),
                ),
                1 => (
                    "consulent-1",
                    Command::AddGoal(command::AddGoal {
                        goal: id(format!("g{i}")),
                        leefgebied: "wonen".into(),
                        text: "doel".into(),
                        owner: pid("consulent-1"),
                        due: Date::from_ymd(2026, 1, 1).expect("date"),
                    }),
                ),
                2 => (
                    "consulent-1",
                    Command::AddAction(command::AddAction {
                        action: id(format!("a{i}")),
                        kind: ActionKind::Actie,
                        text: "actie".into(),
                        owner: Some(pid("behandelaar-1")),
                        due: None,
                        werkafspraak: None,
                    }),
                ),
                3 => (
                    "consulent-1",
                    Command::Evaluate(command::Evaluate {
                        summary: "voortgang".into(),
                        next: None,
                    }),
                ),
                4 => (
                    "consulent-1",
                    Command::RecordFact(command::RecordFact {
                        fact: id("media-aandacht"),
                        holds: false,
                        evidence: "geen".into(),
                    }),
                ),
                5 => (
                    "consulent-1",
                    Command::SetPlan(command::SetPlan {
                        phase: PhaseId::parse("2").expect("id"),
                        summary: "plan".into(),
                    }),
                ),
                6 => (
                    "consulent-1",
                    propose(&format!("v{i}"), "2-naar-1", &["stabiel"]),
                ),
                _ => match run.case.as_ref().and_then(|c| c.open_request()) {
                    Some((req, _)) => (
                        "consulent-1",
                        Command::Withdraw(command::Withdraw {
                            request: req.clone(),
                            reason: "nog niet".into(),
                        }),
                    ),
                    None => ("consulent-1", assess("hulpvraag", true)),
                },
            },
        };
        events.extend(run.ok(by, command));
    }
    // An open request would block the cycles below; the loop ends on whatever came last.
    if let Some((req, _)) = run.case.as_ref().and_then(|c| c.open_request()) {
        let req = req.clone();
        events.extend(run.ok(
            "consulent-1",
            Command::Withdraw(command::Withdraw {
                request: req,
                reason: "klaar".into(),
            }),
        ));
    }
    let case = run.case.expect("case");
    (case, events)
}
