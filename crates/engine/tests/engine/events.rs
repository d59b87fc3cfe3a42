//! Events are stored forever. The samples under `tests/engine/stored/v<N>/` are histories as
//! each schema version wrote them; every one must still read, upcast to the current version,
//! replay, and (for the current version) write back byte for byte the same JSON — so a
//! renamed field, a changed tag or a dropped upcaster fails here. `docs/events.md` shows one
//! sample per event type and version; a test keeps it equal to these files.
//!
//! To add the current version's samples after a deliberate change, run the tests with
//! `AVE_WRITE_SAMPLES=1` and review the new files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ave_engine::event::{self, Event, SCHEMA_VERSION};
use ave_engine::{Case, Recorded, ReplayError};
use serde_json::Value;

use crate::klantreis::{all_scenarios, run_scenario};

fn stored_dir(version: u16) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/engine/stored")
        .join(format!("v{version}"))
}

/// Every history file of a version: (file name, lines).
fn stored(version: u16) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(stored_dir(version))
        .expect("stored samples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable");
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, text.lines().map(str::to_owned).collect())
        })
        .collect()
}

fn read_all(lines: &[String], file: &str) -> Vec<Recorded> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| event::read(l).unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1)))
        .collect()
}

#[test]
fn every_stored_version_reads_and_replays() {
    for version in 1..=SCHEMA_VERSION {
        let files = stored(version);
        assert!(!files.is_empty(), "no samples for version {version}");
        for (file, lines) in files {
            let events = read_all(&lines, &file);
            Case::replay(&events).unwrap_or_else(|e| panic!("v{version}/{file}: {e}"));
        }
    }
}

/// The event types of version 1 (types added later have samples from their version on).
const V1_TYPES: usize = 30;

#[test]
fn the_stored_samples_cover_every_event_type_in_every_version() {
    let all: BTreeSet<String> = Event::TYPES.iter().map(|s| (*s).to_owned()).collect();
    for version in 1..=SCHEMA_VERSION {
        let mut seen = BTreeSet::new();
        for (_, lines) in stored(version) {
            for l in &lines {
                let v: Value = serde_json::from_str(l).expect("json");
                seen.insert(v["event"]["type"].as_str().expect("type").to_owned());
            }
        }
        let unknown: Vec<_> = seen.difference(&all).collect();
        assert!(unknown.is_empty(), "v{version}: unknown types {unknown:?}");
        if version == SCHEMA_VERSION {
            let missing: Vec<_> = all.difference(&seen).collect();
            assert!(missing.is_empty(), "v{version}: no sample of {missing:?}");
        } else {
            assert!(
                seen.len() >= V1_TYPES.min(all.len()),
                "v{version}: {seen:?}"
            );
        }
    }
}

#[test]
fn current_samples_write_back_exactly_as_stored() {
    // A renamed field, tag or enum value changes the JSON and fails here.
    for (file, lines) in stored(SCHEMA_VERSION) {
        for (i, l) in lines.iter().enumerate() {
            let r = event::read(l).expect("reads");
            let back = serde_json::to_value(&r).expect("writes");
            let stored: Value = serde_json::from_str(l).expect("json");
            assert_eq!(back, stored, "{file}:{}", i + 1);
        }
    }
}

#[test]
fn every_older_sample_upcasts_to_its_current_counterpart() {
    // The samples of each version are the same histories; upcast, they must be equal.
    let current: BTreeMap<String, Vec<String>> = stored(SCHEMA_VERSION).into_iter().collect();
    for version in 1..SCHEMA_VERSION {
        for (file, lines) in stored(version) {
            let old = read_all(&lines, &file);
            let now = current
                .get(&file)
                .unwrap_or_else(|| panic!("v{version}/{file} has no current counterpart"));
            assert_eq!(old, read_all(now, &file), "v{version}/{file}");
        }
    }
}

#[test]
fn writes_the_current_samples_when_asked() {
    // `AVE_WRITE_SAMPLES=1 cargo test -p ave-engine` writes the current version's samples
    // from the oldest version's histories (after a deliberate change; review the diff).
    if std::env::var_os("AVE_WRITE_SAMPLES").is_none() {
        return;
    }
    let dir = stored_dir(SCHEMA_VERSION);
    std::fs::create_dir_all(&dir).expect("dir");
    for (file, lines) in stored(1) {
        let out: Vec<String> = read_all(&lines, &file)
            .iter()
            .map(|r| serde_json::to_string(r).expect("json"))
            .collect();
        std::fs::write(dir.join(&file), out.join("\n") + "\n").expect("write");
    }
    // Event types added in version 2 (deviations, kinds of formal decision): a journey of
    // their own under the documented example.
    let out: Vec<String> = crate::strength::deviation_history()
        .iter()
        .map(|r| serde_json::to_string(r).expect("json"))
        .collect();
    std::fs::write(
        dir.join("voorbeeld-afwijkingen-en-besluitsoort.jsonl"),
        out.join("\n") + "\n",
    )
    .expect("write");
    // Moving a case to a new model version (`model_changed`, added later in version 2).
    let out: Vec<String> = crate::migrate::migration_history()
        .iter()
        .map(|r| serde_json::to_string(r).expect("json"))
        .collect();
    std::fs::write(
        dir.join("voorbeeld-modelversie.jsonl"),
        out.join("\n") + "\n",
    )
    .expect("write");
}

#[test]
fn the_event_documentation_shows_every_stored_sample() {
    // docs/events.md shows, per event type and version, the first sample of that type.
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/events.md"))
            .expect("docs/events.md");
    for version in 1..=SCHEMA_VERSION {
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        for (_, lines) in stored(version) {
            for l in lines {
                let v: Value = serde_json::from_str(&l).expect("json");
                let ty = v["event"]["type"].as_str().expect("type").to_owned();
                first.entry(ty).or_insert(l);
            }
        }
        for (ty, line) in first {
            assert!(
                doc.contains(&line),
                "docs/events.md lacks the version {version} sample of {ty}:\n{line}"
            );
        }
    }
}

/// Every event of every shipped scenario.
fn histories() -> Vec<(String, Vec<Recorded>)> {
    all_scenarios()
        .into_iter()
        .map(|path| {
            let (model, scenario) = run_scenario(&path);
            let mut case = None;
            let mut events = Vec::new();
            for step in &scenario.steps {
                let (Some(by), Some(command)) = (&step.by, &step.command) else {
                    continue;
                };
                let env = ave_engine::Envelope {
                    at: step.at,
                    by: by.clone(),
                    command: command.clone(),
                };
                if let Ok(recorded) = ave_engine::execute(&model, &mut case, &env) {
                    events.extend(recorded);
                }
            }
            (path.display().to_string(), events)
        })
        .collect()
}

#[test]
fn every_event_of_the_shipped_scenarios_round_trips_through_json() {
    for (name, events) in histories() {
        for e in &events {
            let json = serde_json::to_string(e).expect("serialises");
            let back: Recorded = serde_json::from_str(&json).expect("parses");
            assert_eq!(&back, e, "{name}: {json}");
        }
    }
}

#[test]
fn an_event_from_a_newer_program_is_refused_with_its_version() {
    let line = &stored(SCHEMA_VERSION)[0].1[0];
    let mut v: Value = serde_json::from_str(line).expect("json");
    v["schema"] = Value::from(u64::from(SCHEMA_VERSION) + 1);
    assert!(matches!(
        event::read_value(v),
        Err(event::ReadError::Newer { .. })
    ));
    assert!(matches!(
        event::read("{\"seq\": 1}"),
        Err(event::ReadError::NoSchema)
    ));
    assert!(matches!(
        event::read("{"),
        Err(event::ReadError::NotJson(_))
    ));
}

#[test]
fn a_version_1_event_missing_what_its_upcast_needs_is_refused() {
    let bad = r#"{"schema":1,"seq":2,"at":"2025-01-01T00:00:00Z","by":"a",
        "event":{"type":"role_ended","role":"casusregie","person":"a"}}"#;
    let e = event::read(bad).expect_err("no reason");
    assert!(e.to_string().contains("reason"), "{e}");
}

#[test]
fn a_version_1_decision_keeps_its_recorded_authority_as_mandate() {
    let json = r#"{"schema":1,"seq":3,"at":"2025-03-12T09:00:00Z","by":"wt-anna",
        "event":{"type":"transition_decided","request":"v2","approved":true,
        "function":"wijkteamprofessional","authority":"Professional van het wijkteam volgens AVE-model Noord-Limburg versie 2021, overgang 2-naar-3",
        "reason":"In samenspraak met het team OOV","consulted":["oov-team"],
        "criteria_holding":["vermoeden-onveiligheid-relaties"],"arbiter":false}}"#;
    let r: Recorded = serde_json::from_str(json).expect("reads");
    let Event::TransitionDecided { mandate, .. } = &r.event else {
        panic!("{r:?}");
    };
    assert!(
        mandate
            .as_deref()
            .is_some_and(|m| m.contains("overgang 2-naar-3"))
    );
}

/// The first shipped sample history, read.
fn sample() -> Vec<Recorded> {
    let (file, lines) = stored(SCHEMA_VERSION)
        .into_iter()
        .find(|(f, _)| f.starts_with("ave-wams-wgs-04"))
        .expect("sample");
    read_all(&lines, &file)
}

#[test]
fn replay_refuses_a_history_that_does_not_start_with_opening() {
    let events = sample();
    assert!(matches!(
        Case::replay(&events[1..]),
        Err(ReplayError::NotOpened { seq: 2, .. })
    ));
    assert!(matches!(Case::replay(&[]), Err(ReplayError::Empty)));
}

#[test]
fn replay_refuses_a_gap_in_the_sequence_and_names_it() {
    let mut events = sample();
    events.remove(2);
    assert_eq!(
        Case::replay(&events).expect_err("gap"),
        ReplayError::Sequence {
            expected: 3,
            got: 4
        }
    );
}

#[test]
fn replay_refuses_a_second_opening() {
    let events = sample();
    let mut twice = events.clone();
    twice[1] = Recorded {
        seq: 2,
        ..events[0].clone()
    };
    assert_eq!(
        Case::replay(&twice).expect_err("twice"),
        ReplayError::OpenedTwice { seq: 2 }
    );
}

#[test]
fn replay_refuses_an_event_before_the_one_it_follows() {
    let mut events = sample();
    events[3].at = events[2].at - chrono::Days::new(1);
    assert!(matches!(
        Case::replay(&events),
        Err(ReplayError::TimeOrder { seq: 4, .. })
    ));
}

#[test]
fn replay_refuses_a_dangling_goal_update_with_its_position() {
    let mut events = sample();
    let i = events
        .iter()
        .position(|r| matches!(r.event, Event::GoalUpdated { .. }))
        .expect("a goal update");
    if let Event::GoalUpdated { goal, .. } = &mut events[i].event {
        *goal = ave_engine::ids::GoalId::parse("bestaat-niet").expect("id");
    }
    let e = Case::replay(&events).expect_err("dangling");
    assert_eq!(
        e,
        ReplayError::Dangling {
            seq: events[i].seq,
            event: "goal_updated",
            what: "doel",
            id: "bestaat-niet".into()
        }
    );
    assert!(e.to_string().contains("bestaat-niet"), "{e}");
}

#[test]
fn replay_refuses_dangling_references_of_every_kind() {
    // For each kind of reference, point one event at something that does not exist.
    let history: Vec<Recorded> = histories().into_iter().flat_map(|(_, e)| e).collect();
    let mut checked = BTreeSet::new();
    for (file, events) in histories() {
        for (i, r) in events.iter().enumerate() {
            let mut broken = events[..=i].to_vec();
            let ghost = "spook";
            let changed = match &mut broken[i].event {
                Event::GoalUpdated { goal, .. } => {
                    *goal = ghost.to_owned().try_into().expect("id");
                    true
                }
                Event::TransitionDecided { request, .. }
                | Event::TransitionWithdrawn { request, .. }
                | Event::DisagreementRaised { request, .. } => {
                    *request = ghost.to_owned().try_into().expect("id");
                    true
                }
                Event::HandoverCompleted { task, .. } => {
                    *task = ghost.to_owned().try_into().expect("id");
                    true
                }
                Event::DisagreementSettled { disagreement, .. } => {
                    *disagreement = ghost.to_owned().try_into().expect("id");
                    true
                }
                Event::ActionCompleted { action, .. } => {
                    *action = ghost.to_owned().try_into().expect("id");
                    true
                }
                Event::RoleEnded { person, .. } | Event::RoleReviewed { person, .. } => {
                    *person = ghost.to_owned().try_into().expect("id");
                    true
                }
                Event::MemberRemoved { member, .. } => {
                    *member = ghost.to_owned().try_into().expect("id");
                    true
                }
                _ => false,
            };
            if !changed || checked.contains(r.event.name()) {
                continue;
            }
            let e = Case::replay(&broken).expect_err("dangling reference replayed");
            assert!(
                matches!(e, ReplayError::Dangling { seq, .. } if seq == r.seq),
                "{file} #{}: {e}",
                r.seq
            );
            checked.insert(r.event.name());
        }
    }
    assert!(checked.len() >= 8, "checked only {checked:?}");
    drop(history);
}

#[test]
fn replay_refuses_an_event_after_the_case_closed() {
    for (_, events) in histories() {
        let Some(i) = events
            .iter()
            .position(|r| matches!(r.event, Event::CaseClosed { .. }))
        else {
            continue;
        };
        let mut after = events[..=i].to_vec();
        let mut extra = events[1].clone();
        extra.seq = after.len() as u64 + 1;
        extra.at = after[i].at;
        after.push(extra);
        assert!(matches!(
            Case::replay(&after),
            Err(ReplayError::AfterClose { .. })
        ));
        return;
    }
    panic!("no shipped scenario closes a case");
}

#[test]
fn applying_a_refused_event_changes_nothing() {
    let events = sample();
    let mut case = Case::replay(&events[..5]).expect("replays");
    let before = case.clone();
    let mut bad = events[5].clone();
    bad.seq = 99;
    assert!(case.apply(&bad).is_err());
    assert_eq!(case, before);
    case.apply(&events[5]).expect("the right one applies");
}
