//! What the model can say as its sources say it (issue 7): rule strength (`moet`,
//! `bij-voorkeur`, `kan`) with motivated deviations that stay visible until seen,
//! requirements that hold only in some situations, roles in the case as deciders and
//! appointers, function groups, formal decisions reserved to an office, facts at entry,
//! governance handed over between phases, and open points on the attention list.

use ave_engine::command::{self, Command};
use ave_engine::event::{Event, RoleEndCause};
use ave_engine::ids::*;
use ave_engine::views::{self, AttentionKind, RegieFlag};
use ave_engine::{Recorded, RejectionCode};
use ave_model::RoleKind::{Bestuurlijk, Casusregie, Operationeel, Procesregie};

use crate::common::*;

fn kinds(w: &World) -> Vec<AttentionKind> {
    views::attention(&w.model, w.case(), day(w.clock))
        .iter()
        .map(views::Attention::kind)
        .collect()
}

/// The example with procesregie open to consulenten too, so one person can hold both roles.
const BOTH_ROLES: (&str, &str) = (
    "procesregie = { holders = [\"procesregisseur\"], appointed_in",
    "procesregie = { holders = [\"procesregisseur\", \"consulent\"], appointed_in",
);

fn separation(strength: &str) -> (&'static str, String) {
    (
        "exception_only_with_minors = true",
        format!(
            "exception_only_with_minors = true\nstrength = \"{strength}\"\nseen_by = [\"teamleider\"]"
        ),
    )
}

fn with_motivation(c: Command, why: &str) -> Command {
    match c {
        Command::AssignRole(mut a) => {
            a.motivation = Some(why.into());
            Command::AssignRole(a)
        }
        Command::Decide(mut d) => {
            d.motivation = Some(why.into());
            Command::Decide(d)
        }
        other => other,
    }
}

fn acknowledge(deviation: &str) -> Command {
    Command::AcknowledgeDeviation(command::AcknowledgeDeviation {
        deviation: DeviationId::parse(deviation).expect("id"),
        response: "gezien en besproken".into(),
    })
}

/// A case where the consulent holds casus- and procesregie under a separation rule held
/// `bij voorkeur`: the history of a deviation, seen by the teamleider, and a formal decision
/// of a declared kind. Used for the stored samples as well.
pub fn deviation_history() -> Vec<Recorded> {
    let sep = separation("bij-voorkeur");
    let m = model_with(&[BOTH_ROLES, (sep.0, &sep.1)]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    add_procesregie(&mut w);
    w.ok(
        "consulent-1",
        with_motivation(
            assign(Procesregie, "consulent-1"),
            "Klein gezin; één vast gezicht werkt hier beter",
        ),
    );
    w.ok("teamleider-1", acknowledge("afwijking-1"));
    w.ok(
        "burgemeester-1",
        Command::FormalDecision(command::FormalDecision {
            decision: DecisionId::parse("hv-1").expect("id"),
            subject: "Huiselijk geweld".into(),
            text: "Tijdelijk huisverbod van tien dagen".into(),
            grondslag: Some("Wet tijdelijk huisverbod".into()),
            kind: Some(ave_model::DecisionKindId::parse("huisverbod").expect("id")),
        }),
    );
    w.events
}

#[test]
fn a_rule_held_bij_voorkeur_needs_a_motivation_and_stays_on_the_list_until_seen() {
    let sep = separation("bij-voorkeur");
    let m = model_with(&[BOTH_ROLES, (sep.0, &sep.1)]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    add_procesregie(&mut w);
    // Given a rule held bij voorkeur, when one person would hold both roles without a
    // motivation, then the engine asks for one.
    let r = w.refused(
        "consulent-1",
        assign(Procesregie, "consulent-1"),
        "motivation-required",
    );
    assert!(r.message.contains("separate_regisseurs"), "{r}");
    // With a motivation it is allowed, and recorded as a deviation.
    let events = w.ok(
        "consulent-1",
        with_motivation(assign(Procesregie, "consulent-1"), "Eén vast gezicht"),
    );
    assert!(events.iter().any(|e| matches!(
        &e.event,
        Event::DeviationRecorded { deviation, seen_by, .. }
            if deviation.as_str() == "afwijking-1" && seen_by.iter().any(|f| f.as_str() == "teamleider")
    )));
    assert!(kinds(&w).contains(&AttentionKind::DeviationUnseen));
    let table = views::regie_table(&w.model, w.case(), today(&w));
    let row = table.iter().find(|r| r.role == Casusregie).expect("row");
    assert!(
        row.flags
            .iter()
            .any(|f| matches!(f, RegieFlag::Deviation { seen: false, .. }))
    );
    // Only someone the model names sees it, and not the one who deviated.
    w.refused("consulent-1", acknowledge("afwijking-1"), "not-reviewer");
    w.refused("wethouder-1", acknowledge("afwijking-1"), "not-reviewer");
    w.ok("teamleider-1", acknowledge("afwijking-1"));
    assert!(!kinds(&w).contains(&AttentionKind::DeviationUnseen));
    w.refused("teamleider-1", acknowledge("afwijking-1"), "already-done");
}

fn today(w: &World) -> ave_model::Date {
    ave_model::Date::from(day(w.clock).date_naive())
}

#[test]
fn a_rule_held_moet_refuses_and_a_rule_held_kan_is_never_enforced() {
    let sep = separation("moet");
    let mut w = World::opened(model_with(&[BOTH_ROLES, (sep.0, &sep.1)]), "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    add_procesregie(&mut w);
    w.refused(
        "consulent-1",
        with_motivation(assign(Procesregie, "consulent-1"), "toch"),
        "rule-separate-regisseurs",
    );
    let sep = separation("kan");
    let mut w = World::opened(model_with(&[BOTH_ROLES, (sep.0, &sep.1)]), "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    add_procesregie(&mut w);
    w.ok("consulent-1", assign(Procesregie, "consulent-1"));
    assert_eq!(w.case().deviation_count(), 0);
}

/// In phase 3 with the transition 2-naar-3 decided: onveiligheid and stagnatie assessed,
/// proposed, decided by proces-1 with oov-1 consulted.
fn in_phase_3(w: &mut World) {
    w.ok("consulent-1", assess("onveiligheid", true));
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok(
        "consulent-1",
        propose("v-op", "2-naar-3", &["onveiligheid", "stagnatie"]),
    );
    w.ok("proces-1", decide("v-op", true, &["oov-1"]));
    assert_eq!(w.case().phase().as_str(), "3");
}

#[test]
fn a_consultation_applies_only_when_its_condition_holds() {
    let m = model_with(&[(
        "{ function = \"jeugdconsulent\", strength = \"kan\", when = { fact = \"minderjarigen\" } },",
        "{ function = \"wethouder\", strength = \"moet\", when = { fact = \"media-aandacht\" } },",
    )]);
    // Without media attention the wethouder need not be consulted.
    let mut w = World::opened(m.clone(), "2", vec![]);
    in_phase_3(&mut w);
    // With it, the decision waits for the wethouder.
    let mut w = World::opened(m, "2", vec![]);
    w.ok(
        "consulent-1",
        Command::RecordFact(command::RecordFact {
            fact: ave_model::FactId::parse("media-aandacht").expect("id"),
            holds: true,
            evidence: "krant".into(),
        }),
    );
    w.ok("consulent-1", assess("onveiligheid", true));
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok(
        "consulent-1",
        propose("v-op", "2-naar-3", &["onveiligheid", "stagnatie"]),
    );
    let r = w.refused(
        "proces-1",
        decide("v-op", true, &["oov-1"]),
        "precondition-not-met",
    );
    assert!(r.message.contains("Wethouder"), "{r}");
    w.ok("proces-1", decide("v-op", true, &["oov-1", "wethouder-1"]));
}

#[test]
fn a_consultation_bij_voorkeur_may_be_skipped_with_a_motivation_and_is_recorded() {
    // 4-naar-3 asks the procesregisseur ZVH to be consulted bij voorkeur.
    let mut w = World::opened(model(), "4", vec![]);
    w.ok("oov-1", assess("onder-controle", true));
    w.ok("oov-1", propose("v1", "4-naar-3", &["onder-controle"]));
    w.ok(
        "zvh-1",
        Command::SetPlan(command::SetPlan {
            phase: ave_model::PhaseId::parse("3").expect("id"),
            summary: "aanpak AVE 3".into(),
        }),
    );
    w.ok(
        "oov-1",
        Command::HoldMeeting(command::HoldMeeting {
            meeting: MeetingId::parse("com-1").expect("id"),
            kind: ave_model::MeetingKindId::parse("com").expect("id"),
            attendees: vec![pid("oov-1")],
            decisions: vec![],
        }),
    );
    w.refused(
        "burgemeester-1",
        decide("v1", true, &[]),
        "motivation-required",
    );
    let events = w.ok(
        "burgemeester-1",
        with_motivation(decide("v1", true, &[]), "ZVH niet bereikbaar; spoed"),
    );
    let Event::TransitionDecided { unconsulted, .. } = &events[0].event else {
        panic!("decision first")
    };
    assert_eq!(unconsulted[0].as_str(), "procesregisseur-zvh");
    assert!(
        events
            .iter()
            .any(|e| matches!(e.event, Event::DeviationRecorded { .. }))
    );
    // The timeline says so.
    let line = ave_labels::describe(&w.model, ave_labels::Lang::Nl, &events[0], &|p| {
        p.to_string()
    });
    assert!(line.contains("zonder overleg met"), "{line}");
}

#[test]
fn a_meeting_that_kan_decide_is_not_required() {
    let m = model_with(&[(
        "decided_in = { meeting = \"mdo\", strength = \"moet\" }",
        "decided_in = { meeting = \"mdo\", strength = \"kan\" }",
    )]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok(
        "consulent-1",
        propose("v-proces", "2-procesregie-erbij", &["stagnatie"]),
    );
    w.ok("teamleider-1", decide("v-proces", true, &[]));
    assert!(w.case().procesregie_added());
}

#[test]
fn the_holder_of_a_role_decides_where_the_model_names_the_role() {
    // 3-naar-2: deciders = [{ role = "procesregie" }].
    let mut w = World::opened(model(), "2", vec![]);
    in_phase_3(&mut w);
    w.ok("zvh-1", assess("stabiel", true));
    w.ok("zvh-1", propose("v-af", "3-naar-2", &["stabiel"]));
    // proces-1 still holds no procesregie in this case; zvh-1 does not either yet.
    w.refused("zvh-1", decide("v-af", true, &[]), "not-decider");
    w.ok(
        "zvh-1",
        Command::AssignRole(command::AssignRole {
            role: Procesregie,
            person: pid("zvh-1"),
            review: Some(ave_model::Date::from(day(200).date_naive())),
            reason: None,
            motivation: None,
        }),
    );
    w.ok("zvh-1", decide("v-af", true, &[]));
    assert_eq!(w.case().phase().as_str(), "2");
}

#[test]
fn procesregie_handed_over_into_a_phase_where_it_is_only_when_needed_can_be_taken_over() {
    // The Oss 4→2 defect: after afschalen into a phase where procesregie exists only when
    // needed, the next procesregisseur could neither be assigned nor added. The handover
    // duty itself is the need.
    let mut w = World::opened(model(), "2", vec![]);
    in_phase_3(&mut w);
    w.ok(
        "zvh-1",
        Command::AssignRole(command::AssignRole {
            role: Procesregie,
            person: pid("zvh-1"),
            review: Some(ave_model::Date::from(day(200).date_naive())),
            reason: None,
            motivation: None,
        }),
    );
    w.ok("zvh-1", assess("stabiel", true));
    w.ok("zvh-1", propose("v-af", "3-naar-2", &["stabiel"]));
    w.ok("zvh-1", decide("v-af", true, &[]));
    assert!(
        w.case().procesregie_added(),
        "the handover adds procesregie"
    );
    // The procesregisseur of phase 2 takes over (in the MDO that appoints procesregie).
    w.ok("consulent-1", meeting("mdo-9", "mdo"));
    let events = w.ok("proces-1", assign(Procesregie, "proces-1"));
    let Event::RoleAssigned { replaces, .. } = &events[0].event else {
        panic!("assignment")
    };
    assert_eq!(replaces.as_ref().map(PersonId::as_str), Some("zvh-1"));
    let offered: Vec<String> = views::proposals(&w.model, w.case(), today(&w))
        .iter()
        .map(|p| p.transition.to_string())
        .collect();
    assert!(!offered.contains(&"2-procesregie-erbij".to_owned()));
}

#[test]
fn governance_passes_with_the_phase_instead_of_piling_up() {
    // The ave-wams-wgs journey: responsibilities of the previous phase stayed next to the
    // new phase's. Phase 3 names wethouder and burgemeester as bestuurlijk and the teamleider
    // as operationeel; phase 4 only the burgemeester and the adviseur OOV.
    let mut w = World::opened(model(), "2", vec![]);
    in_phase_3(&mut w);
    w.ok("teamleider-1", assign(Operationeel, "teamleider-1"));
    w.ok("wethouder-1", assign(Bestuurlijk, "wethouder-1"));
    w.ok("oov-1", assess("onrust", true));
    w.ok("oov-1", propose("v-4", "3-naar-4", &["onrust"]));
    // The role-held precondition is bij voorkeur: without procesregie, a motivation.
    w.refused("oov-1", decide("v-4", true, &[]), "motivation-required");
    let events = w.ok(
        "oov-1",
        with_motivation(
            decide("v-4", true, &[]),
            "Acuut; de ZVH neemt het direct op",
        ),
    );
    let ended: Vec<(&str, &str)> = events
        .iter()
        .filter_map(|e| match &e.event {
            Event::RoleEnded {
                person,
                cause: RoleEndCause::Transition { transition, .. },
                ..
            } => Some((person.as_str(), transition.as_str())),
            _ => None,
        })
        .collect();
    assert!(ended.contains(&("wethouder-1", "3-naar-4")), "{ended:?}");
    assert!(ended.contains(&("teamleider-1", "3-naar-4")), "{ended:?}");
    assert!(w.case().holders(Bestuurlijk).next().is_none());
    w.ok("burgemeester-1", assign(Bestuurlijk, "burgemeester-1"));
    let holders: Vec<&str> = w
        .case()
        .holders(Bestuurlijk)
        .map(|h| h.person.as_str())
        .collect();
    assert_eq!(holders, vec!["burgemeester-1"]);
}

#[test]
fn a_role_appoints_where_the_model_names_the_role() {
    let m = model_with(&[
        (
            "procesregie = { holders = [\"adviseur-oov\"] }",
            "procesregie = { holders = [\"adviseur-oov\", \"procesregisseur-zvh\"] }",
        ),
        (
            "appointed_by = [\"adviseur-oov\", { role = \"procesregie\" }]",
            "appointed_by = [{ role = \"procesregie\" }]",
        ),
    ]);
    let mut w = World::opened(m, "4", vec![]);
    w.refused("zvh-1", assign(Casusregie, "consulent-1"), "not-appointer");
    w.ok(
        "zvh-1",
        Command::AssignRole(command::AssignRole {
            role: Procesregie,
            person: pid("zvh-1"),
            review: Some(ave_model::Date::from(day(20).date_naive())),
            reason: None,
            motivation: None,
        }),
    );
    w.ok("zvh-1", assign(Casusregie, "consulent-1"));
}

#[test]
fn a_function_group_stands_for_each_of_its_members() {
    // 2-naar-1: proposers = ["sociaal-domein"] (consulent, jeugdconsulent, procesregisseur).
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.refused(
        "oov-1",
        propose("v1", "2-naar-1", &["stabiel"]),
        "not-proposer",
    );
    w.ok("jeugd-1", propose("v1", "2-naar-1", &["stabiel"]));
}

#[test]
fn a_formal_decision_of_a_kind_is_taken_only_by_whom_the_kind_names() {
    let mut w = World::opened(model(), "2", vec![]);
    let huisverbod = |id: &str| {
        Command::FormalDecision(command::FormalDecision {
            decision: DecisionId::parse(id).expect("id"),
            subject: "Huiselijk geweld".into(),
            text: "Tijdelijk huisverbod".into(),
            grondslag: None,
            kind: Some(ave_model::DecisionKindId::parse("huisverbod").expect("id")),
        })
    };
    // The wethouder is bestuurlijk verantwoordelijk in phase 2, but a huisverbod is the
    // burgemeester's.
    w.refused("wethouder-1", huisverbod("b1"), "not-administrator");
    w.ok("burgemeester-1", huisverbod("b1"));
    let unknown = Command::FormalDecision(command::FormalDecision {
        decision: DecisionId::parse("b2").expect("id"),
        subject: "x".into(),
        text: "y".into(),
        grondslag: None,
        kind: Some(ave_model::DecisionKindId::parse("avondklok").expect("id")),
    });
    w.refused("burgemeester-1", unknown, "unknown-decision-kind");
}

#[test]
fn a_phase_that_asks_facts_at_entry_is_opened_only_with_them() {
    let m = model_with(&[(
        "share_percent = 0.5\nentry = true",
        "share_percent = 0.5\nentry = true\nentry_when = { fact = \"media-aandacht\" }",
    )]);
    let open = |facts: Vec<command::OpeningFact>| {
        Command::Open(command::Open {
            case: CaseId::parse("c1").expect("id"),
            phase: ave_model::PhaseId::parse("4").expect("id"),
            reason: "onrust".into(),
            household: vec![],
            participants: vec![participant("oov-1")],
            facts,
        })
    };
    let mut w = World::new(m);
    let r = w.run("oov-1", open(vec![])).expect_err("needs the fact");
    assert_eq!(r.code, RejectionCode::NotEntryPhase);
    assert!(r.message.contains("media-aandacht"), "{r}");
    let events = w
        .run(
            "oov-1",
            open(vec![command::OpeningFact {
                fact: ave_model::FactId::parse("media-aandacht").expect("id"),
                evidence: "landelijke krant".into(),
            }]),
        )
        .expect("opens");
    assert!(
        events
            .iter()
            .any(|e| matches!(e.event, Event::FactRecorded { .. }))
    );
}

#[test]
fn what_the_model_leaves_open_is_on_the_attention_list_with_who_settles_it() {
    // Phase 1 leaves operationeel open; phase 4 leaves the grondslag open.
    let w = World::opened(model(), "1", vec![]);
    let open: Vec<views::Attention> = views::attention(&w.model, w.case(), day(2))
        .into_iter()
        .filter(|a| a.kind() == AttentionKind::OpenInModel)
        .collect();
    assert!(
        open.iter().any(|a| matches!(
            a,
            views::Attention::OpenInModel { point: views::OpenPoint::Role { role: Operationeel, .. }, owner: Some(o) }
                if o == "Team beleid sociaal domein"
        )),
        "{open:?}"
    );
    let w = World::opened(model(), "4", vec![]);
    assert!(
        views::attention(&w.model, w.case(), day(2))
            .iter()
            .any(|a| matches!(
                a,
                views::Attention::OpenInModel {
                    point: views::OpenPoint::Grondslag { .. },
                    ..
                }
            ))
    );
}

#[test]
fn the_stored_deviation_journey_replays() {
    let events = deviation_history();
    let case = ave_engine::Case::replay(&events).expect("replays");
    assert_eq!(case.deviation_count(), 1);
    assert_eq!(case.unseen_deviations().count(), 0);
    assert!(
        case.decisions()
            .any(|(_, d)| d.kind.as_ref().is_some_and(|k| k.as_str() == "huisverbod"))
    );
}
