//! Events are stored forever: their JSON round-trips, their names are stable, and replaying
//! a history gives the same state.

use ave_engine::case::ReplayError;
use ave_engine::{Case, Recorded};

use crate::klantreis::{all_scenarios, run_scenario};

/// Every event of every shipped scenario.
fn histories() -> Vec<(String, Vec<Recorded>)> {
    all_scenarios()
        .into_iter()
        .map(|path| {
            let (model, scenario) = run_scenario(&path);
            let mut case = None;
            let mut events = Vec::new();
            for step in &scenario.steps {
                let env = ave_engine::Envelope {
                    at: step.at,
                    by: step.by.clone(),
                    command: step.command.clone(),
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
fn every_event_round_trips_through_json() {
    for (name, events) in histories() {
        for e in &events {
            let json = serde_json::to_string(e).expect("serialises");
            let back: Recorded = serde_json::from_str(&json).expect("parses");
            assert_eq!(&back, e, "{name}: {json}");
        }
    }
}

#[test]
fn replaying_the_history_gives_the_same_state() {
    for (name, events) in histories() {
        let mut live = None;
        for e in &events {
            Case::apply_to(&mut live, e).expect("applies");
        }
        let replayed = Case::replay(&events).expect("replays");
        assert_eq!(Some(replayed), live, "{name}");
    }
}

#[test]
fn the_stored_names_of_event_types_do_not_change() {
    let mut names = std::collections::BTreeSet::new();
    for (_, events) in histories() {
        for e in &events {
            let json = serde_json::to_value(e).expect("json");
            let ty = json["event"]["type"].as_str().expect("type").to_owned();
            assert_eq!(ty, e.event.name());
            names.insert(ty);
        }
    }
    // Every name used is one of the stable names; the shipped scenarios use most of them.
    insta::assert_snapshot!(names.into_iter().collect::<Vec<_>>().join("\n"));
}

#[test]
fn a_stored_event_reads_back_in_its_documented_form() {
    // This JSON is what the store holds; if this test breaks, old events no longer read.
    let json = r#"{"schema":1,"seq":3,"at":"2025-03-12T09:00:00Z","by":"wt-anna",
        "event":{"type":"transition_decided","request":"v2","approved":true,
        "function":"wijkteamprofessional","authority":"Professional van het wijkteam volgens AVE-model Noord-Limburg versie 2021, overgang 2-naar-3",
        "reason":"In samenspraak met het team OOV","consulted":["oov-team"],
        "criteria_holding":["vermoeden-onveiligheid-relaties"],"arbiter":false}}"#;
    let r: Recorded = serde_json::from_str(json).expect("reads");
    assert_eq!(r.event.name(), "transition_decided");
    assert_eq!(r.seq, 3);
}

#[test]
fn replay_refuses_a_broken_history() {
    let (_, events) = histories().into_iter().next().expect("a scenario");
    assert!(matches!(
        Case::replay(&events[1..]),
        Err(ReplayError::NotOpened(_))
    ));
    let mut skipped = events.clone();
    skipped.remove(2);
    assert!(matches!(
        Case::replay(&skipped),
        Err(ReplayError::Sequence { .. })
    ));
    let mut future = events.clone();
    future[1].schema = 99;
    assert!(matches!(
        Case::replay(&future),
        Err(ReplayError::Schema { .. })
    ));
    let mut twice = events.clone();
    twice[1] = Recorded {
        seq: 2,
        ..events[0].clone()
    };
    assert!(matches!(
        Case::replay(&twice),
        Err(ReplayError::OpenedTwice(2))
    ));
}
