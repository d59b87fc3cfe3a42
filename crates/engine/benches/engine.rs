//! Engine benchmarks (issue targets): every command, the attention list, the regie table and
//! the proposals on a case with 1,000, 10,000 and 100,000 events of history — a quarter of
//! them meetings — must cost the same (100,000 within 2× of 1,000, all under 20 µs); replay
//! of 100,000 events under 50 ms; the klantreis linear in its steps.
//!
//! Run: `cargo bench -p ave-engine --bench engine` (or a filter such as `-- command/decide`).
//!
//! How a command is timed: commands that can be repeated (new ids each time) run one after
//! another on one case; commands that need a state run in a cycle that restores it (propose
//! then withdraw, op- then afschalen, …) and only the command named is timed. Every 100
//! cycles a fresh copy of the case is taken, outside the timing, so the history stays at its
//! size and neither cloning nor dropping a case is measured.

mod support;

use std::time::Duration;

use ave_engine::command::{self, ActionKind, Command, EndState, Envelope, GoalStatus};
use ave_engine::klantreis::{self, Scenario};
use ave_engine::{Case, views};
use ave_model::{Date, PhaseId, RoleKind};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use support::*;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// One cycle of commands from and back to the same state; returns the time of the timed one.
type Cycle = fn(&mut Run<'_>, usize) -> Duration;

fn review_date(run: &Run<'_>) -> Date {
    Date::from((at(run.minute) + chrono::Days::new(30)).date_naive())
}

/// The commands and the cycle in which each is timed.
fn cycles() -> Vec<(&'static str, Cycle)> {
    vec![
        ("add-participant", |r, i| {
            let (t, _) = r.exec(
                "consulent-1",
                Command::AddParticipant(command::AddParticipant {
                    person: id(format!("x{i}")),
                    name: "Nieuw".into(),
                    function: id("behandelaar"),
                    organisation: "Zorg".into(),
                }),
            );
            r.ok(
                "consulent-1",
                Command::RemoveParticipant(command::RemoveParticipant {
                    person: id(format!("x{i}")),
                    reason: "klaar".into(),
                }),
            );
            t
        }),
        ("remove-participant", |r, i| {
            r.ok(
                "consulent-1",
                Command::AddParticipant(command::AddParticipant {
                    person: id(format!("x{i}")),
                    name: "Nieuw".into(),
                    function: id("behandelaar"),
                    organisation: "Zorg".into(),
                }),
            );
            r.exec(
                "consulent-1",
                Command::RemoveParticipant(command::RemoveParticipant {
                    person: id(format!("x{i}")),
                    reason: "klaar".into(),
                }),
            )
            .0
        }),
        ("add-member", |r, i| {
            let (t, _) = r.exec(
                "consulent-1",
                Command::AddMember(command::AddMember {
                    member: id(format!("lid{i}")),
                    role: "ouder".into(),
                    minor: false,
                    born: None,
                    motivation: None,
                }),
            );
            r.ok(
                "consulent-1",
                Command::RemoveMember(command::RemoveMember {
                    member: id(format!("lid{i}")),
                    reason: "verhuisd".into(),
                    motivation: None,
                }),
            );
            t
        }),
        ("remove-member", |r, i| {
            r.ok(
                "consulent-1",
                Command::AddMember(command::AddMember {
                    member: id(format!("lid{i}")),
                    role: "ouder".into(),
                    minor: false,
                    born: None,
                    motivation: None,
                }),
            );
            r.exec(
                "consulent-1",
                Command::RemoveMember(command::RemoveMember {
                    member: id(format!("lid{i}")),
                    reason: "verhuisd".into(),
                    motivation: None,
                }),
            )
            .0
        }),
        ("assign-role", |r, _| {
            let (t, _) = r.exec(
                "behandelaar-1",
                assign(RoleKind::Behandelregie, "behandelaar-1", None),
            );
            r.ok(
                "behandelaar-1",
                Command::EndRole(command::EndRole {
                    role: RoleKind::Behandelregie,
                    person: pid("behandelaar-1"),
                    reason: "klaar".into(),
                }),
            );
            t
        }),
        ("end-role", |r, _| {
            r.ok(
                "behandelaar-1",
                assign(RoleKind::Behandelregie, "behandelaar-1", None),
            );
            r.exec(
                "behandelaar-1",
                Command::EndRole(command::EndRole {
                    role: RoleKind::Behandelregie,
                    person: pid("behandelaar-1"),
                    reason: "klaar".into(),
                }),
            )
            .0
        }),
        ("review-role", |r, _| {
            let review = review_date(r);
            r.exec(
                "proces-1",
                Command::ReviewRole(command::ReviewRole {
                    role: RoleKind::Procesregie,
                    person: pid("proces-1"),
                    review,
                    reason: "samenwerking loopt nog niet".into(),
                }),
            )
            .0
        }),
        ("record-signal", |r, i| {
            r.exec(
                "consulent-1",
                Command::RecordSignal(command::RecordSignal {
                    signal: id(format!("bench-{i}")),
                    source: "politie".into(),
                    category: "overlast".into(),
                    text: "melding".into(),
                    triggers: vec![],
                }),
            )
            .0
        }),
        ("assess-criterion", |r, i| {
            r.exec("consulent-1", assess("hulpvraag", i % 2 == 0)).0
        }),
        ("record-fact", |r, i| {
            r.exec(
                "consulent-1",
                Command::RecordFact(command::RecordFact {
                    fact: id("media-aandacht"),
                    holds: i % 2 == 0,
                    evidence: "krant".into(),
                }),
            )
            .0
        }),
        ("set-plan", |r, _| {
            r.exec(
                "consulent-1",
                Command::SetPlan(command::SetPlan {
                    phase: PhaseId::parse("2").expect("id"),
                    summary: "plan".into(),
                }),
            )
            .0
        }),
        ("add-goal", |r, i| {
            r.exec(
                "consulent-1",
                Command::AddGoal(command::AddGoal {
                    goal: id(format!("bg{i}")),
                    leefgebied: "werk".into(),
                    text: "doel".into(),
                    owner: pid("consulent-1"),
                    due: Date::from_ymd(2026, 6, 1).expect("date"),
                }),
            )
            .0
        }),
        ("update-goal", |r, i| {
            r.ok(
                "consulent-1",
                Command::AddGoal(command::AddGoal {
                    goal: id(format!("bg{i}")),
                    leefgebied: "werk".into(),
                    text: "doel".into(),
                    owner: pid("consulent-1"),
                    due: Date::from_ymd(2026, 6, 1).expect("date"),
                }),
            );
            r.exec(
                "consulent-1",
                Command::UpdateGoal(command::UpdateGoal {
                    goal: id(format!("bg{i}")),
                    status: GoalStatus::Behaald,
                    explanation: "gelukt".into(),
                }),
            )
            .0
        }),
        ("add-action", |r, i| {
            r.exec(
                "consulent-1",
                Command::AddAction(command::AddAction {
                    action: id(format!("ba{i}")),
                    kind: ActionKind::Afspraak,
                    text: "afspraak".into(),
                    owner: None,
                    due: None,
                    werkafspraak: Some(id("meldcode")),
                }),
            )
            .0
        }),
        ("complete-action", |r, i| {
            r.ok(
                "consulent-1",
                Command::AddAction(command::AddAction {
                    action: id(format!("ba{i}")),
                    kind: ActionKind::Actie,
                    text: "actie".into(),
                    owner: None,
                    due: None,
                    werkafspraak: None,
                }),
            );
            r.exec(
                "consulent-1",
                Command::CompleteAction(command::CompleteAction {
                    action: id(format!("ba{i}")),
                    result: "gedaan".into(),
                }),
            )
            .0
        }),
        ("hold-meeting", |r, i| {
            r.exec("consulent-1", meeting(1_000_000 + i, true)).0
        }),
        ("evaluate", |r, _| {
            r.exec(
                "consulent-1",
                Command::Evaluate(command::Evaluate {
                    summary: "evaluatie".into(),
                    next: None,
                }),
            )
            .0
        }),
        ("formal-decision", |r, i| {
            r.exec(
                "wethouder-1",
                Command::FormalDecision(command::FormalDecision {
                    decision: id(format!("fb{i}")),
                    subject: "maatwerkvoorziening".into(),
                    text: "toegekend".into(),
                    grondslag: None,
                    kind: None,
                }),
            )
            .0
        }),
        ("propose", |r, i| {
            let (t, _) = r.exec(
                "consulent-1",
                propose(&format!("bv{i}"), "2-naar-1", &["stabiel"]),
            );
            r.ok(
                "consulent-1",
                Command::Withdraw(command::Withdraw {
                    request: id(format!("bv{i}")),
                    reason: "nog niet".into(),
                }),
            );
            t
        }),
        ("withdraw", |r, i| {
            r.ok(
                "consulent-1",
                propose(&format!("bv{i}"), "2-naar-1", &["stabiel"]),
            );
            r.exec(
                "consulent-1",
                Command::Withdraw(command::Withdraw {
                    request: id(format!("bv{i}")),
                    reason: "nog niet".into(),
                }),
            )
            .0
        }),
        ("decide (reject)", |r, i| {
            r.ok(
                "consulent-1",
                propose(&format!("bv{i}"), "2-naar-1", &["stabiel"]),
            );
            r.exec("consulent-1", decide(&format!("bv{i}"), false, &[]))
                .0
        }),
        ("decide (approve, to phase 3)", |r, i| phase_cycle(r, i).0),
        (
            "decide (approve, back to phase 2, with handover)",
            |r, i| phase_cycle(r, i).1,
        ),
        ("complete-handover", |r, i| phase_cycle(r, i).2),
        ("raise-disagreement", |r, i| disagreement_cycle(r, i).0),
        ("settle", |r, i| disagreement_cycle(r, i).1),
    ]
}

/// 2 → 3 → 2 and back to the starting state; times (decide up, decide down, handover).
fn phase_cycle(r: &mut Run<'_>, i: usize) -> (Duration, Duration, Duration) {
    r.ok("consulent-1", assess("onveiligheid", true));
    r.ok("consulent-1", assess("stagnatie", true));
    r.ok(
        "consulent-1",
        propose(
            &format!("op{i}"),
            "2-naar-3",
            &["onveiligheid", "stagnatie"],
        ),
    );
    let holder = r
        .case
        .as_ref()
        .and_then(|c| c.holders(RoleKind::Procesregie).next())
        .map(|h| h.person.clone());
    let (up, _) = r.exec("proces-1", decide(&format!("op{i}"), true, &["oov-1"]));
    let review = review_date(r);
    r.ok(
        "zvh-1",
        assign(RoleKind::Procesregie, "zvh-1", Some(review)),
    );
    r.ok("zvh-1", assess("stabiel", true));
    r.ok(
        "zvh-1",
        propose(&format!("af{i}"), "3-naar-2", &["stabiel"]),
    );
    let (down, events) = r.exec("zvh-1", decide(&format!("af{i}"), true, &[]));
    let task = events
        .iter()
        .find_map(|e| match &e.event {
            ave_engine::Event::HandoverCreated { task, .. } => Some(task.clone()),
            _ => None,
        })
        .expect("handover");
    let (handover, _) = r.exec(
        "zvh-1",
        Command::CompleteHandover(command::CompleteHandover {
            task,
            how: "overgedragen".into(),
        }),
    );
    r.ok(
        "consulent-1",
        Command::EndRole(command::EndRole {
            role: RoleKind::Procesregie,
            person: pid("zvh-1"),
            reason: "terug in fase 2".into(),
        }),
    );
    // Back in phase 2 without procesregie; the history started with it (proces-1), so add it
    // again the way the model says.
    if holder.is_some() {
        r.ok("consulent-1", assess("stagnatie", true));
        r.ok(
            "consulent-1",
            propose(&format!("pr{i}"), "2-procesregie-erbij", &["stagnatie"]),
        );
        r.ok("consulent-1", meeting(2_000_000 + i, true));
        r.ok("teamleider-1", decide(&format!("pr{i}"), true, &[]));
        r.ok("proces-1", assign(RoleKind::Procesregie, "proces-1", None));
    }
    r.ok("consulent-1", assess("stabiel", true));
    (up, down, handover)
}

/// Propose, disagree, settle (rejected); times (raise, settle).
fn disagreement_cycle(r: &mut Run<'_>, i: usize) -> (Duration, Duration) {
    r.ok(
        "consulent-1",
        propose(&format!("mv{i}"), "2-naar-1", &["stabiel"]),
    );
    let (raise, _) = r.exec(
        "proces-1",
        Command::RaiseDisagreement(command::RaiseDisagreement {
            disagreement: id(format!("d{i}")),
            request: id(format!("mv{i}")),
            positions: "oneens".into(),
        }),
    );
    let (settle, _) = r.exec(
        "teamleider-1",
        Command::Settle(command::Settle {
            disagreement: id(format!("d{i}")),
            approve: false,
            reason: "nog niet".into(),
            motivation: None,
        }),
    );
    (raise, settle)
}

fn commands(c: &mut Criterion) {
    let model = model();
    let mut group = c.benchmark_group("command");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for n in SIZES {
        let (case, events) = history(&model, n);
        let start_minute = events.last().map_or(0, |e| (e.at - at(0)).num_minutes());
        for (name, cycle) in cycles() {
            group.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                b.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    let mut run = Run {
                        model: &model,
                        case: Some(case.clone()),
                        minute: start_minute,
                    };
                    for i in 0..iters as usize {
                        if i % 100 == 0 && i > 0 {
                            run.case = Some(case.clone());
                            run.minute = start_minute;
                        }
                        total += cycle(&mut run, i);
                    }
                    total
                })
            });
        }
        // Closing ends the case: a fresh copy for every call, made outside the timing.
        group.bench_with_input(BenchmarkId::new("close", n), &n, |b, _| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let mut run = Run {
                        model: &model,
                        case: Some(case.clone()),
                        minute: start_minute,
                    };
                    // Copying a large case pushes the model and the engine out of the CPU's
                    // caches; a server's are warm. Deciding (without applying) the same
                    // command once, outside the timing, warms them again.
                    let warm = Envelope {
                        at: at(run.minute + 1),
                        by: pid("consulent-1"),
                        command: close_command(),
                    };
                    let _ =
                        std::hint::black_box(ave_engine::decide(&model, run.case.as_ref(), &warm));
                    total += run.exec("consulent-1", close_command()).0;
                }
                total
            })
        });
    }
    group.finish();
}

fn close_command() -> Command {
    Command::Close(command::Close {
        reason: "verhuisd naar een andere gemeente".into(),
        end_state: EndState::Verhuisd,
    })
}

fn views_and_replay(c: &mut Criterion) {
    let model = model();
    let mut group = c.benchmark_group("view");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(2));
    let mut histories = Vec::new();
    for n in SIZES {
        let (case, events) = history(&model, n);
        let now = events.last().map_or(at(0), |e| e.at) + chrono::Days::new(200);
        let today = views::local_day(&model, now);
        group.bench_with_input(BenchmarkId::new("attention", n), &n, |b, _| {
            b.iter(|| views::attention(&model, std::hint::black_box(&case), now))
        });
        group.bench_with_input(BenchmarkId::new("regie_table", n), &n, |b, _| {
            b.iter(|| views::regie_table(&model, std::hint::black_box(&case), today))
        });
        group.bench_with_input(BenchmarkId::new("proposals", n), &n, |b, _| {
            b.iter(|| views::proposals(&model, std::hint::black_box(&case), today))
        });
        histories.push((n, events));
    }
    group.finish();
    let mut group = c.benchmark_group("replay");
    group.sample_size(10);
    for (n, events) in &histories {
        group.bench_with_input(BenchmarkId::new("events", n), n, |b, _| {
            // The replayed case is dropped outside the timing: replay is what is measured.
            b.iter_with_large_drop(|| Case::replay(std::hint::black_box(events)).expect("replays"))
        });
    }
    group.finish();
}

/// A klantreis of `steps` steps under the example model: an opening, then assessments,
/// meetings and signals, each with an expectation.
pub fn long_scenario(steps: usize) -> String {
    let mut s = String::from(
        "[scenario]\ntitle = \"lang\"\nmodel = \"voorbeeld\"\n\n[[people]]\nid = \"c\"\nname = \"C\"\nfunction = \"consulent\"\norganisation = \"Sociaal team\"\n\n[[steps]]\nat = 2025-01-06\nby = \"c\"\ndo = \"open\"\nphase = \"2\"\nreason = \"zorgen\"\nexpect = \"allowed\"\n",
    );
    for i in 1..steps {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).expect("d")
            + chrono::Days::new(i as u64 / 20);
        let body = match i % 3 {
            0 => format!(
                "do = \"assess-criterion\"\ncriterion = \"hulpvraag\"\nholds = {}\nevidence = \"e{i}\"",
                i % 2 == 0
            ),
            1 => format!(
                "do = \"hold-meeting\"\nmeeting = \"o{i}\"\nkind = \"mdo\"\nattendees = [\"c\"]"
            ),
            _ => format!(
                "do = \"record-signal\"\nsignal = \"s{i}\"\nsource = \"school\"\ncategory = \"verzuim\"\ntext = \"t\""
            ),
        };
        s.push_str(&format!(
            "\n[[steps]]\nat = {day}\nby = \"c\"\n{body}\nexpect = \"allowed\"\n"
        ));
    }
    s
}

fn klantreis_bench(c: &mut Criterion) {
    let model = model();
    let mut group = c.benchmark_group("klantreis");
    group.sample_size(10);
    for steps in [1_000, 6_000] {
        let text = long_scenario(steps);
        group.bench_with_input(BenchmarkId::new("steps", steps), &steps, |b, _| {
            b.iter(|| {
                let scenario = Scenario::parse("lang.toml", text.as_bytes()).expect("parses");
                let report = klantreis::run(&model, &scenario);
                assert!(report.passed());
                report
            })
        });
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/klantreis");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).expect("examples") {
        let dir = dir.expect("entry").path();
        for f in std::fs::read_dir(&dir).expect("dir") {
            let path = f.expect("entry").path();
            let bytes = std::fs::read(&path).expect("read");
            files.push((path, bytes));
        }
    }
    let name = format!(
        "all {} shipped scenarios (parse, load model, run)",
        files.len()
    );
    group.bench_function(name, |b| {
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
    group.finish();
}

criterion_group!(benches, commands, views_and_replay, klantreis_bench);
criterion_main!(benches);
