//! The derived views: regie table, attention list, triggers, proposals.

use ave_engine::command::Command;
use ave_engine::ids::*;
use ave_engine::views::{self, AttentionKind, RegieFlag};
use ave_model::RoleKind::{Casusregie, Procesregie};
use ave_model::{Date, RoleKind};

use crate::common::*;

fn today(n: u32) -> Date {
    Date::from(day(n).date_naive())
}

fn kinds(w: &World, n: u32) -> Vec<AttentionKind> {
    views::attention(&w.model, w.case(), day(n))
        .into_iter()
        .map(|a| a.kind())
        .collect()
}

fn to_phase_3(w: &mut World) {
    w.ok("consulent-1", assess("onveiligheid", true));
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok("consulent-1", propose("v-3", "2-naar-3", &["onveiligheid"]));
    w.ok("proces-1", decide("v-3", true, &["oov-1"]));
}

#[test]
fn the_regie_table_flags_a_holder_the_new_phase_does_not_prescribe() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    add_procesregie(&mut w);
    w.ok("proces-1", assign(Procesregie, "proces-1"));
    to_phase_3(&mut w);
    let table = views::regie_table(&w.model, w.case(), today(w.clock));
    let row = |role: RoleKind| table.iter().find(|r| r.role == role).expect("row");
    assert!(row(Casusregie).flags.is_empty(), "{:?}", row(Casusregie));
    assert_eq!(
        row(Procesregie).flags,
        vec![RegieFlag::FunctionMismatch {
            person: pid("proces-1")
        }]
    );
    let prescribed =
        ave_labels::prescribed(&w.model, &row(Procesregie).prescribed, ave_labels::Lang::Nl);
    assert!(
        prescribed.contains("Zorg- en Veiligheidshuis"),
        "{prescribed}"
    );
    assert!(kinds(&w, w.clock).contains(&AttentionKind::RoleMismatch));
}

#[test]
fn a_missing_casusregisseur_is_on_the_attention_list() {
    let w = World::opened(model(), "2", vec![]);
    let table = views::regie_table(&w.model, w.case(), today(1));
    let row = table.iter().find(|r| r.role == Casusregie).expect("row");
    assert_eq!(row.flags, vec![RegieFlag::Missing]);
    assert!(kinds(&w, 1).contains(&AttentionKind::RoleUnfilled));
}

#[test]
fn an_open_role_in_the_model_is_shown_as_such() {
    let w = World::opened(model(), "1", vec![]);
    let table = views::regie_table(&w.model, w.case(), today(1));
    let row = table
        .iter()
        .find(|r| r.role == RoleKind::Operationeel)
        .expect("row");
    assert_eq!(row.flags, vec![RegieFlag::OpenInModel]);
}

#[test]
fn stagnation_is_measured_from_the_last_progress() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    // Norm: 60 days without progress. Assigning a role is not progress; the opening is day 1.
    assert!(!kinds(&w, 61).contains(&AttentionKind::Stagnation));
    assert!(kinds(&w, 62).contains(&AttentionKind::Stagnation));
    w.clock = 50;
    w.ok(
        "consulent-1",
        Command::SetPlan(ave_engine::command::SetPlan {
            phase: ave_model::PhaseId::parse("2").expect("id"),
            summary: "plan".into(),
        }),
    );
    assert!(!kinds(&w, 62).contains(&AttentionKind::Stagnation));
}

#[test]
fn a_decision_pending_too_long_is_flagged() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    let proposed = w.clock;
    assert!(!kinds(&w, proposed + 14).contains(&AttentionKind::DecisionPending));
    assert!(kinds(&w, proposed + 15).contains(&AttentionKind::DecisionPending));
}

#[test]
fn procesregie_past_its_review_date_is_flagged() {
    let mut w = World::opened(model(), "2", vec![]);
    add_procesregie(&mut w);
    w.ok("proces-1", assign(Procesregie, "proces-1"));
    let assigned = w.clock;
    assert!(!kinds(&w, assigned + 90).contains(&AttentionKind::ProcesregieReviewOverdue));
    assert!(kinds(&w, assigned + 91).contains(&AttentionKind::ProcesregieReviewOverdue));
}

#[test]
fn a_trigger_fires_only_in_its_phases_and_names_whom_to_inform() {
    let mut w = World::opened(model(), "2", vec![]);
    let signal = |id: &str| {
        Command::RecordSignal(ave_engine::command::RecordSignal {
            signal: SignalId::parse(id).expect("id"),
            source: "krant".into(),
            category: "media".into(),
            text: "artikel".into(),
            triggers: vec![ave_model::TriggerId::parse("media").expect("id")],
        })
    };
    let events = w.ok("consulent-1", signal("s1"));
    assert_eq!(events.len(), 1, "not in phase 2");
    w.ok(
        "teamleider-1",
        assign(RoleKind::Operationeel, "teamleider-1"),
    );
    to_phase_3(&mut w);
    let events = w.ok("consulent-1", signal("s2"));
    assert_eq!(events.len(), 2, "fires in phase 3");
    let fired = views::fired_triggers(&w.model, w.case());
    assert_eq!(fired.len(), 1);
    let names = |p: &ave_engine::ids::PersonId| {
        w.case()
            .participant(p)
            .map_or_else(|| p.to_string(), |p| p.name.clone())
    };
    let inform = ave_labels::informees(&w.model, &fired[0].inform, ave_labels::Lang::Nl, &names);
    assert!(inform.contains("Naam van teamleider-1"), "{inform}");
    assert!(
        inform.contains("Wethouder sociaal domein; Burgemeester"),
        "{inform}"
    );
    assert!(kinds(&w, w.clock).contains(&AttentionKind::InformRequired));
}

#[test]
fn the_engine_proposes_what_the_criteria_support_and_explains_it() {
    let mut w = World::opened(model(), "2", vec![]);
    assert!(views::proposals(&w.model, w.case(), today(1)).is_empty());
    w.ok("consulent-1", assess("stabiel", true));
    let p = views::proposals(&w.model, w.case(), today(w.clock));
    let ids: Vec<&str> = p.iter().map(|p| p.transition.as_str()).collect();
    assert_eq!(ids, vec!["2-naar-1"]);
    let line = ave_labels::proposal(&w.model, &p[0], ave_labels::Lang::Nl);
    assert!(line.contains("Consulent sociaal team"), "{line}");
    assert_eq!(
        p[0].deciders,
        ave_engine::policy::Deciders::Actors {
            actors: vec![ave_model::Actor::Function(
                ave_model::FunctionId::parse("consulent").expect("id")
            )]
        }
    );
    // It only proposes: the case is still in phase 2.
    assert_eq!(w.case().phase().as_str(), "2");
    w.ok("consulent-1", assess("stagnatie", true));
    let ids: Vec<String> = views::proposals(&w.model, w.case(), today(w.clock))
        .iter()
        .map(|p| p.transition.to_string())
        .collect();
    assert!(ids.contains(&"2-procesregie-erbij".to_owned()), "{ids:?}");
    assert!(
        !ids.contains(&"2-naar-3".to_owned()),
        "stagnation alone: {ids:?}"
    );
}

#[test]
fn a_handover_stays_on_the_list_until_done() {
    let mut w = World::opened(model(), "2", vec![]);
    to_phase_3(&mut w);
    w.ok(
        "zvh-1",
        Command::AssignRole(ave_engine::command::AssignRole {
            role: Procesregie,
            person: pid("zvh-1"),
            review: Some(Date::from(day(200).date_naive())),
            reason: None,
            motivation: None,
        }),
    );
    w.ok("zvh-1", assess("stabiel", true));
    w.ok("zvh-1", propose("v-2", "3-naar-2", &["stabiel"]));
    w.ok("zvh-1", decide("v-2", true, &[]));
    assert!(kinds(&w, w.clock).contains(&AttentionKind::HandoverOpen));
    let task = w.case().tasks().next().expect("task").0.clone();
    w.ok(
        "zvh-1",
        Command::CompleteHandover(ave_engine::command::CompleteHandover {
            task,
            how: "overgedragen".into(),
        }),
    );
    assert!(!kinds(&w, w.clock).contains(&AttentionKind::HandoverOpen));
}

#[test]
fn a_rule_broken_by_time_alone_is_flagged() {
    // The youth exception lets the jeugdconsulent hold both roles while there is a minor.
    let m = model_with(&[(
        "procesregie = { holders = [\"procesregisseur\"], appointed_in",
        "procesregie = { holders = [\"procesregisseur\", \"jeugdconsulent\"], appointed_in",
    )]);
    let born = Date::from_ymd(2007, 3, 1).expect("date");
    let kid = ave_engine::command::Member {
        born: Some(born),
        ..member("kind-1", false)
    };
    let mut w = World::opened(m, "2", vec![kid]);
    w.ok("jeugd-1", assign(Casusregie, "jeugd-1"));
    add_procesregie(&mut w);
    w.ok("jeugd-1", assign(Procesregie, "jeugd-1"));
    // day(58) is 2025-02-28; the child is 18 on 2025-03-01.
    assert!(!kinds(&w, 58).contains(&AttentionKind::RuleNoLongerMet));
    assert!(kinds(&w, 59).contains(&AttentionKind::RuleNoLongerMet));
}
