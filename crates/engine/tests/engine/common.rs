//! A small world to test in: the documented example model (every rule on) and its people.

use ave_engine::command::{Command, Envelope, Member, Participant};
use ave_engine::ids::*;
use ave_engine::{Case, Recorded, Rejection, execute};
use ave_model::ValidModel;
use chrono::{DateTime, TimeZone, Utc};

/// The complete annotated example from `docs/model-format.md`.
pub fn doc_example() -> String {
    let doc = include_str!("../../../../docs/model-format.md");
    // The complete annotated example (earlier sections have smaller snippets).
    let section = doc
        .find("## A complete annotated example")
        .expect("the example section");
    let start = section + doc[section..].find("```toml\n").expect("toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("block end");
    doc[start..start + len].to_owned()
}

/// The example model, optionally changed by text replacements.
pub fn model_with(replacements: &[(&str, &str)]) -> ValidModel {
    let mut text = doc_example();
    for (from, to) in replacements {
        assert!(text.contains(from), "{from:?} not in the example");
        text = text.replacen(from, to, 1);
    }
    ave_model::check("voorbeeld.toml", text.as_bytes(), &ave_model::NoBases)
        .into_valid()
        .expect("test model is valid")
}

/// The example model as documented.
pub fn model() -> ValidModel {
    model_with(&[])
}

/// Day `n` of 2025 at 09:00 UTC.
pub fn day(n: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0)
        .single()
        .expect("date")
        + chrono::Days::new(u64::from(n))
}

pub fn pid(s: &str) -> PersonId {
    PersonId::parse(s).expect("id")
}

/// People of the example: (id, function).
pub const PEOPLE: &[(&str, &str)] = &[
    ("consulent-1", "consulent"),
    ("consulent-2", "consulent"),
    ("jeugd-1", "jeugdconsulent"),
    ("proces-1", "procesregisseur"),
    ("proces-2", "procesregisseur"),
    ("zvh-1", "procesregisseur-zvh"),
    ("oov-1", "adviseur-oov"),
    ("teamleider-1", "teamleider"),
    ("behandelaar-1", "behandelaar"),
    ("burgemeester-1", "burgemeester"),
    ("wethouder-1", "wethouder"),
];

pub fn participant(id: &str) -> Participant {
    let function = PEOPLE
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, f)| *f)
        .expect("known person");
    Participant {
        person: pid(id),
        name: format!("Naam van {id}"),
        function: ave_model::FunctionId::parse(function).expect("fn"),
        organisation: "Organisatie".to_owned(),
    }
}

pub fn member(id: &str, minor: bool) -> Member {
    Member {
        member: MemberId::parse(id).expect("id"),
        role: if minor { "kind" } else { "ouder" }.to_owned(),
        minor,
        born: None,
    }
}

/// A running test case.
pub struct World {
    pub model: ValidModel,
    pub case: Option<Case>,
    pub events: Vec<Recorded>,
    pub clock: u32,
}

impl World {
    pub fn new(model: ValidModel) -> Self {
        World {
            model,
            case: None,
            events: Vec::new(),
            clock: 0,
        }
    }

    /// A case opened in `phase` by consulent-1 with every person of [`PEOPLE`] involved.
    pub fn opened(model: ValidModel, phase: &str, household: Vec<Member>) -> Self {
        let mut w = World::new(model);
        let participants = PEOPLE.iter().map(|(p, _)| participant(p)).collect();
        w.ok(
            "consulent-1",
            Command::Open(ave_engine::command::Open {
                case: CaseId::parse("c1").expect("id"),
                phase: ave_model::PhaseId::parse(phase).expect("phase"),
                reason: "test".to_owned(),
                household,
                participants,
                facts: vec![],
            }),
        );
        w
    }

    /// Runs a command one day after the last; returns the outcome.
    pub fn run(&mut self, by: &str, command: Command) -> Result<Vec<Recorded>, Rejection> {
        self.clock += 1;
        self.run_at(day(self.clock), by, command)
    }

    /// Runs a command at a given time.
    pub fn run_at(
        &mut self,
        at: DateTime<Utc>,
        by: &str,
        command: Command,
    ) -> Result<Vec<Recorded>, Rejection> {
        let env = Envelope {
            at,
            by: pid(by),
            command,
        };
        let before = self.case.clone();
        let out = execute(&self.model, &mut self.case, &env);
        match &out {
            Ok(recorded) => self.events.extend(recorded.iter().cloned()),
            Err(_) => assert_eq!(before, self.case, "a rejected command changed the case"),
        }
        out
    }

    /// Runs a command that must be allowed.
    pub fn ok(&mut self, by: &str, command: Command) -> Vec<Recorded> {
        let name = command.name();
        self.run(by, command)
            .unwrap_or_else(|r| panic!("{name} by {by} was refused: {r}"))
    }

    /// Runs a command that must be refused with `code`; returns the rejection.
    pub fn refused(&mut self, by: &str, command: Command, code: &str) -> Rejection {
        let name = command.name();
        match self.run(by, command) {
            Ok(_) => panic!("{name} by {by} was allowed; expected {code}"),
            Err(r) => {
                assert_eq!(r.code.as_str(), code, "{name} by {by}: {r}");
                r
            }
        }
    }

    pub fn case(&self) -> &Case {
        self.case.as_ref().expect("case open")
    }
}

pub fn assign(role: ave_model::RoleKind, person: &str) -> Command {
    Command::AssignRole(ave_engine::command::AssignRole {
        role,
        person: pid(person),
        review: None,
        reason: None,
        motivation: None,
    })
}

pub fn assess(criterion: &str, holds: bool) -> Command {
    Command::AssessCriterion(ave_engine::command::AssessCriterion {
        criterion: ave_model::CriterionId::parse(criterion).expect("id"),
        holds,
        evidence: "onderbouwing".to_owned(),
    })
}

pub fn propose(request: &str, transition: &str, criteria: &[&str]) -> Command {
    Command::Propose(ave_engine::command::Propose {
        request: RequestId::parse(request).expect("id"),
        transition: ave_model::TransitionId::parse(transition).expect("id"),
        criteria: criteria
            .iter()
            .map(|c| ave_model::CriterionId::parse(*c).expect("id"))
            .collect(),
        evidence: "onderbouwing".to_owned(),
    })
}

pub fn decide(request: &str, approve: bool, consulted: &[&str]) -> Command {
    Command::Decide(ave_engine::command::Decide {
        request: RequestId::parse(request).expect("id"),
        approve,
        reason: "reden".to_owned(),
        authority: None,
        consulted: consulted.iter().map(|p| pid(p)).collect(),
        motivation: None,
    })
}

/// A meeting of `kind` with consulent-1 and the procesregisseurs present.
pub fn meeting(id: &str, kind: &str) -> Command {
    Command::HoldMeeting(ave_engine::command::HoldMeeting {
        meeting: MeetingId::parse(id).expect("id"),
        kind: ave_model::MeetingKindId::parse(kind).expect("id"),
        attendees: vec![pid("consulent-1"), pid("proces-1")],
        decisions: vec![],
    })
}

/// Adds procesregie in phase 2 the way the model says: stagnation assessed, proposed,
/// decided by the teamleider in an MDO.
pub fn add_procesregie(w: &mut World) {
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok(
        "consulent-1",
        propose("v-proces", "2-procesregie-erbij", &["stagnatie"]),
    );
    w.ok("consulent-1", meeting("mdo-1", "mdo"));
    w.ok("teamleider-1", decide("v-proces", true, &[]));
}
