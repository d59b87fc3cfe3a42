//! Engine benchmarks (issue targets): one command on a case with 1,000 events of history
//! (< 20 µs), replaying 1,000 events (< 1 ms), all shipped klantreis scenarios (< 1 s).

use std::path::Path;

use ave_engine::command::{Command, Envelope, Participant};
use ave_engine::ids::*;
use ave_engine::klantreis::{self, Scenario};
use ave_engine::{Case, Recorded, execute};
use ave_model::{CriterionId, FunctionId, PhaseId, RoleKind, TransitionId, ValidModel};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};

/// Builds the i-th command of a benchmark run.
type MakeCommand = fn(usize) -> Command;

fn at(minutes: i64) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 8, 0, 0)
        .single()
        .expect("date")
        + chrono::Duration::minutes(minutes)
}

fn person(id: &str, function: &str) -> Participant {
    Participant {
        person: PersonId::parse(id).expect("id"),
        name: id.to_owned(),
        function: FunctionId::parse(function).expect("id"),
        organisation: "Organisatie".to_owned(),
    }
}

/// A Noord-Limburg case in AVE 2 with exactly `n` events of varied history.
fn history(model: &ValidModel, n: usize) -> (Option<Case>, Vec<Recorded>) {
    let mut case = None;
    let mut events = Vec::new();
    let mut minute = 0;
    let mut run =
        |case: &mut Option<Case>, events: &mut Vec<Recorded>, by: &str, command: Command| {
            minute += 1;
            let env = Envelope {
                at: at(minute),
                by: PersonId::parse(by).expect("id"),
                command,
            };
            events.extend(execute(model, case, &env).expect("history command allowed"));
        };
    run(
        &mut case,
        &mut events,
        "anna",
        Command::Open(ave_engine::command::Open {
            case: CaseId::parse("bench").expect("id"),
            phase: PhaseId::parse("1").expect("id"),
            reason: "benchmark".into(),
            household: vec![],
            participants: vec![
                person("anna", "wijkteamprofessional"),
                person("bram", "hulpverlener"),
            ],
        }),
    );
    let crit = |c: &str| CriterionId::parse(c).expect("id");
    run(
        &mut case,
        &mut events,
        "anna",
        Command::AssessCriterion(ave_engine::command::AssessCriterion {
            criterion: crit("hulpbehoefte"),
            holds: true,
            evidence: "e".into(),
        }),
    );
    run(
        &mut case,
        &mut events,
        "anna",
        Command::Propose(ave_engine::command::Propose {
            request: RequestId::parse("v1").expect("id"),
            transition: TransitionId::parse("1-naar-2").expect("id"),
            criteria: vec![crit("hulpbehoefte")],
            evidence: "e".into(),
        }),
    );
    run(
        &mut case,
        &mut events,
        "anna",
        Command::Decide(ave_engine::command::Decide {
            request: RequestId::parse("v1").expect("id"),
            approve: true,
            reason: "r".into(),
            authority: None,
            consulted: vec![],
        }),
    );
    run(
        &mut case,
        &mut events,
        "anna",
        Command::AssignRole(ave_engine::command::AssignRole {
            role: RoleKind::Casusregie,
            person: PersonId::parse("anna").expect("id"),
            review: None,
            reason: None,
        }),
    );
    let mut i = 0;
    while events.len() < n {
        i += 1;
        let command = match i % 4 {
            0 => Command::AssessCriterion(ave_engine::command::AssessCriterion {
                criterion: crit("stagnatie-hulp"),
                holds: i % 8 == 0,
                evidence: format!("observatie {i}"),
            }),
            1 => Command::RecordSignal(ave_engine::command::RecordSignal {
                signal: SignalId::parse(format!("s{i}")).expect("id"),
                source: "school".into(),
                category: "verzuim".into(),
                text: format!("signaal {i}"),
                triggers: vec![],
            }),
            2 => Command::AddGoal(ave_engine::command::AddGoal {
                goal: GoalId::parse(format!("g{i}")).expect("id"),
                leefgebied: "wonen".into(),
                text: "doel".into(),
                owner: PersonId::parse("anna").expect("id"),
                due: ave_model::Date::from_ymd(2026, 1, 1).expect("date"),
            }),
            _ => Command::HoldMeeting(ave_engine::command::HoldMeeting {
                meeting: MeetingId::parse(format!("m{i}")).expect("id"),
                kind: ave_model::MeetingKindId::parse("mdo").expect("id"),
                attendees: vec![
                    PersonId::parse("anna").expect("id"),
                    PersonId::parse("bram").expect("id"),
                ],
                decisions: vec!["afspraak".into()],
            }),
        };
        run(&mut case, &mut events, "anna", command);
    }
    events.truncate(n);
    let case = Case::replay(&events).ok();
    (case, events)
}

fn engine(c: &mut Criterion) {
    let model = ave_model::presets::load("noord-limburg").expect("preset");
    let (case, events) = history(&model, 1000);
    assert_eq!(events.len(), 1000);
    // One command on a case with 1,000 events of history. Each timed call works on a case
    // that has 1,000 to 1,100 events: every 100 calls a fresh copy is taken, outside the
    // timing, so that neither cloning nor dropping a case is measured.
    let commands: [(&str, MakeCommand); 2] = [
        ("assess_criterion", |i| {
            Command::AssessCriterion(ave_engine::command::AssessCriterion {
                criterion: CriterionId::parse("toename-hulpbehoefte").expect("id"),
                holds: i % 2 == 0,
                evidence: "meer hulp nodig".into(),
            })
        }),
        ("record_signal", |i| {
            Command::RecordSignal(ave_engine::command::RecordSignal {
                signal: SignalId::parse(format!("bench-{i}")).expect("id"),
                source: "school".into(),
                category: "verzuim".into(),
                text: "afwezig".into(),
                triggers: vec![],
            })
        }),
    ];
    for (name, make) in commands {
        c.bench_function(
            &format!("apply_one_command/{name} (1000 events of history)"),
            |b| {
                b.iter_custom(|iters| {
                    let mut total = std::time::Duration::ZERO;
                    let mut current = case.clone();
                    for i in 0..iters as usize {
                        if i % 100 == 0 {
                            current = case.clone();
                        }
                        let env = Envelope {
                            at: at(100_000 + i as i64),
                            by: PersonId::parse("anna").expect("id"),
                            command: make(i),
                        };
                        #[expect(clippy::disallowed_methods, reason = "a benchmark measures time")]
                        let start = std::time::Instant::now();
                        let events = execute(&model, &mut current, std::hint::black_box(&env));
                        total += start.elapsed();
                        assert!(events.is_ok());
                    }
                    total
                })
            },
        );
    }
    c.bench_function("replay/1000 events", |b| {
        b.iter(|| Case::replay(std::hint::black_box(&events)).expect("replays"))
    });

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/klantreis");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).expect("examples") {
        let dir = dir.expect("entry").path();
        for f in std::fs::read_dir(&dir).expect("dir") {
            files.push((f.expect("entry").path(), Vec::new()));
        }
    }
    for (path, bytes) in &mut files {
        *bytes = std::fs::read(&*path).expect("read");
    }
    let name = format!(
        "klantreis/all {} shipped scenarios (parse, load model, run)",
        files.len()
    );
    c.bench_function(&name, |b| {
        b.iter(|| {
            for (path, bytes) in &files {
                let scenario =
                    Scenario::parse(&path.display().to_string(), bytes).expect("scenario");
                let model = ave_model::presets::load(scenario.model.as_deref().expect("model"))
                    .expect("preset");
                let report = klantreis::run(&model, &scenario);
                assert!(report.passed());
            }
        })
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
