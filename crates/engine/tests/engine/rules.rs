//! Given/when/then for every rule of domain.md §5, on the documented example model (which has
//! every rule on), and with the rule switched off where that changes the outcome.

use ave_engine::command::Command;
use ave_engine::event::Event;
use ave_engine::ids::*;
use ave_model::RoleKind::{Casusregie, Procesregie};

use crate::common::*;

fn with_reason(role: ave_model::RoleKind, person: &str, reason: &str) -> Command {
    Command::AssignRole(ave_engine::command::AssignRole {
        role,
        person: pid(person),
        review: None,
        reason: Some(reason.to_owned()),
        motivation: None,
    })
}

// --- casusregie_required -------------------------------------------------------------------

#[test]
fn given_phase_2_when_the_only_casusregisseur_stops_then_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    let r = w.refused(
        "consulent-1",
        Command::EndRole(ave_engine::command::EndRole {
            role: Casusregie,
            person: pid("consulent-1"),
            reason: "weg".into(),
        }),
        "rule-casusregie-required",
    );
    assert_eq!(r.rule.map(|r| r.key()), Some("casusregie_required"));
}

#[test]
fn given_a_casusregisseur_when_another_is_assigned_then_it_is_a_handover_not_a_second() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    w.ok(
        "consulent-1",
        with_reason(Casusregie, "consulent-2", "verhuizing naar ander team"),
    );
    let holders: Vec<_> = w
        .case()
        .holders(Casusregie)
        .map(|h| h.person.to_string())
        .collect();
    assert_eq!(holders, vec!["consulent-2"]);
}

#[test]
fn given_phase_1_when_casusregie_ends_then_allowed_because_the_rule_starts_at_phase_2() {
    let m = model_with(&[(
        "casusregie = { holders = [\"inwoner\"] }",
        "casusregie = { holders = [\"consulent\"] }",
    )]);
    let mut w = World::opened(m, "1", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    w.ok(
        "consulent-1",
        Command::EndRole(ave_engine::command::EndRole {
            role: Casusregie,
            person: pid("consulent-1"),
            reason: "zelfregie".into(),
        }),
    );
}

#[test]
fn a_role_the_model_has_decided_in_a_meeting_needs_that_meeting_first() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("onveiligheid", true));
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok("consulent-1", propose("v1", "2-naar-3", &["onveiligheid"]));
    w.ok("proces-1", decide("v1", true, &["oov-1"]));
    // In phase 3 the COM decides who has casusregie.
    let r = w.refused(
        "consulent-1",
        assign(Casusregie, "consulent-1"),
        "precondition-not-met",
    );
    assert!(r.message.contains("Casus Overleg op Maat"), "{r}");
    w.ok("zvh-1", meeting("com-1", "com"));
    w.ok("zvh-1", assign(Casusregie, "consulent-1"));
}

#[test]
fn procesregie_added_by_a_transition_is_not_assigned_without_it() {
    let mut w = World::opened(model(), "2", vec![]);
    let r = w.refused(
        "proces-1",
        assign(Procesregie, "proces-1"),
        "precondition-not-met",
    );
    assert!(r.message.contains("2-procesregie-erbij"), "{r}");
    add_procesregie(&mut w);
    w.ok("proces-1", assign(Procesregie, "proces-1"));
}

#[test]
fn a_procesregisseur_the_new_phase_does_not_prescribe_is_replaced_not_doubled() {
    let mut w = World::opened(model(), "2", vec![]);
    add_procesregie(&mut w);
    w.ok("proces-1", assign(Procesregie, "proces-1"));
    w.ok("consulent-1", assess("onveiligheid", true));
    w.ok("consulent-1", propose("v1", "2-naar-3", &["onveiligheid"]));
    w.ok("proces-1", decide("v1", true, &["oov-1"]));
    let review = ave_model::Date::from(day(300).date_naive());
    let events = w.ok(
        "zvh-1",
        Command::AssignRole(ave_engine::command::AssignRole {
            role: Procesregie,
            person: pid("zvh-1"),
            review: Some(review),
            reason: None,
            motivation: None,
        }),
    );
    let Event::RoleAssigned { replaces, .. } = &events[0].event else {
        panic!()
    };
    assert_eq!(replaces.as_ref().map(|p| p.as_str()), Some("proces-1"));
    let holders: Vec<_> = w
        .case()
        .holders(Procesregie)
        .map(|h| h.person.to_string())
        .collect();
    assert_eq!(holders, vec!["zvh-1"]);
}

#[test]
fn a_role_the_model_has_appointed_by_a_function_is_assigned_by_that_function() {
    let mut w = World::opened(model(), "4", vec![]);
    let r = w.refused(
        "consulent-1",
        assign(Casusregie, "consulent-1"),
        "not-appointer",
    );
    assert!(r.message.contains("Adviseur openbare orde"), "{r}");
    w.ok("oov-1", assign(Casusregie, "consulent-1"));
}

// --- single_procesregisseur ----------------------------------------------------------------

#[test]
fn given_a_procesregisseur_when_a_second_is_assigned_then_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    add_procesregie(&mut w);
    w.ok("proces-1", assign(Procesregie, "proces-1"));
    let r = w.refused(
        "proces-2",
        assign(Procesregie, "proces-2"),
        "rule-single-procesregisseur",
    );
    assert_eq!(r.rule.map(|r| r.key()), Some("single_procesregisseur"));
}

#[test]
fn given_the_rule_off_when_a_second_procesregisseur_is_assigned_then_allowed() {
    let m = model_with(&[(
        "[rules.single_procesregisseur]\nenabled = true",
        "[rules.single_procesregisseur]\nenabled = false",
    )]);
    let mut w = World::opened(m, "2", vec![]);
    add_procesregie(&mut w);
    w.ok("proces-1", assign(Procesregie, "proces-1"));
    w.ok("proces-2", assign(Procesregie, "proces-2"));
    assert_eq!(w.case().holders(Procesregie).count(), 2);
}

// --- separate_regisseurs -------------------------------------------------------------------

fn overlapping_roles() -> ave_model::ValidModel {
    model_with(&[(
        "procesregie = { holders = [\"procesregisseur\"], appointed_in",
        "procesregie = { holders = [\"procesregisseur\", \"consulent\", \"jeugdconsulent\"], appointed_in",
    )])
}

#[test]
fn given_a_casusregisseur_when_the_same_person_takes_procesregie_then_refused() {
    let mut w = World::opened(overlapping_roles(), "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    add_procesregie(&mut w);
    let r = w.refused(
        "consulent-1",
        assign(Procesregie, "consulent-1"),
        "rule-separate-regisseurs",
    );
    assert!(
        r.message.contains("jeugdconsulent") || r.message.contains("Jeugdconsulent"),
        "{r}"
    );
}

#[test]
fn given_minors_when_the_jeugdconsulent_holds_both_roles_then_the_exception_applies() {
    let mut w = World::opened(overlapping_roles(), "2", vec![member("kind-1", true)]);
    w.ok("jeugd-1", assign(Casusregie, "jeugd-1"));
    add_procesregie(&mut w);
    w.ok("jeugd-1", assign(Procesregie, "jeugd-1"));
}

#[test]
fn given_no_minors_when_the_jeugdconsulent_holds_both_roles_then_refused() {
    let mut w = World::opened(overlapping_roles(), "2", vec![member("ouder-1", false)]);
    w.ok("jeugd-1", assign(Casusregie, "jeugd-1"));
    add_procesregie(&mut w);
    w.refused(
        "jeugd-1",
        assign(Procesregie, "jeugd-1"),
        "rule-separate-regisseurs",
    );
}

#[test]
fn given_the_exception_in_use_when_the_last_minor_leaves_then_refused() {
    let mut w = World::opened(overlapping_roles(), "2", vec![member("kind-1", true)]);
    w.ok("jeugd-1", assign(Casusregie, "jeugd-1"));
    add_procesregie(&mut w);
    w.ok("jeugd-1", assign(Procesregie, "jeugd-1"));
    w.refused(
        "jeugd-1",
        Command::RemoveMember(ave_engine::command::RemoveMember {
            member: MemberId::parse("kind-1").expect("id"),
            reason: "meerderjarig".into(),
            motivation: None,
        }),
        "rule-separate-regisseurs",
    );
}

// --- minors_casusregisseur -----------------------------------------------------------------

#[test]
fn given_minors_when_a_consulent_becomes_casusregisseur_then_refused_and_the_jeugdconsulent_allowed()
 {
    let mut w = World::opened(
        model(),
        "2",
        vec![member("ouder-1", false), member("kind-1", true)],
    );
    let r = w.refused(
        "consulent-1",
        assign(Casusregie, "consulent-1"),
        "rule-minors-casusregisseur",
    );
    assert_eq!(r.rule.map(|r| r.key()), Some("minors_casusregisseur"));
    w.ok("jeugd-1", assign(Casusregie, "jeugd-1"));
}

#[test]
fn given_an_adult_household_when_a_minor_is_added_then_the_casusregisseur_must_be_the_jeugdconsulent()
 {
    let mut w = World::opened(model(), "2", vec![member("ouder-1", false)]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    let add = || {
        Command::AddMember(ave_engine::command::AddMember {
            member: MemberId::parse("kind-1").expect("id"),
            role: "kind".into(),
            minor: true,
            born: None,
            motivation: None,
        })
    };
    w.refused("consulent-1", add(), "rule-minors-casusregisseur");
    w.ok(
        "consulent-1",
        with_reason(Casusregie, "jeugd-1", "er komt een kind in het gezin"),
    );
    w.ok("jeugd-1", add());
}

#[test]
fn a_date_of_birth_makes_a_member_a_minor_until_eighteen() {
    let born = ave_model::Date::from_ymd(2007, 2, 1).expect("date");
    let m = ave_engine::command::Member {
        born: Some(born),
        ..member("kind-1", false)
    };
    // day(n) is in 2025: the member turns 18 on 2025-02-01 (day 31).
    let mut w = World::opened(model(), "2", vec![m]);
    w.refused(
        "consulent-1",
        assign(Casusregie, "consulent-1"),
        "rule-minors-casusregisseur",
    );
    w.clock = 40;
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
}

// --- transition_authority ------------------------------------------------------------------

#[test]
fn given_the_criteria_when_someone_without_the_deciding_function_decides_then_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    let r = w.refused("teamleider-1", decide("v1", true, &[]), "not-decider");
    assert_eq!(r.rule.map(|r| r.key()), Some("transition_authority"));
    w.ok("consulent-1", decide("v1", true, &[]));
    assert_eq!(w.case().phase().as_str(), "1");
}

#[test]
fn given_no_criteria_recorded_when_approved_then_refused_but_rejecting_is_allowed() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.refused("consulent-1", decide("v1", true, &[]), "condition-not-met");
    w.ok("consulent-1", decide("v1", false, &[]));
    assert_eq!(w.case().phase().as_str(), "2");
}

#[test]
fn criteria_assessed_in_an_earlier_phase_do_not_count() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", assess("hulpvraag", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.ok("consulent-1", decide("v1", true, &[]));
    // Back in 1, the old assessment of "hulpvraag" (made in 2) does not carry the way up.
    w.ok("consulent-1", propose("v2", "1-naar-2", &["hulpvraag"]));
    w.refused("consulent-1", decide("v2", true, &[]), "condition-not-met");
    w.ok("consulent-1", assess("hulpvraag", true));
    w.ok("consulent-1", decide("v2", true, &[]));
}

#[test]
fn a_consulted_function_is_a_precondition() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("onveiligheid", true));
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok(
        "consulent-1",
        propose("v1", "2-naar-3", &["onveiligheid", "stagnatie"]),
    );
    let r = w.refused("proces-1", decide("v1", true, &[]), "precondition-not-met");
    assert!(r.message.contains("adviseur OOV"), "{r}");
    w.ok("proces-1", decide("v1", true, &["oov-1"]));
    assert_eq!(w.case().phase().as_str(), "3");
}

#[test]
fn leaving_phase_4_needs_the_plan_and_the_meeting_first() {
    let mut w = World::opened(model(), "4", vec![]);
    w.ok("oov-1", assign(Casusregie, "consulent-1"));
    w.ok("oov-1", assess("onder-controle", true));
    w.ok("oov-1", propose("v1", "4-naar-3", &["onder-controle"]));
    w.refused("oov-1", decide("v1", true, &[]), "not-decider");
    let r = w.refused(
        "burgemeester-1",
        decide("v1", true, &[]),
        "precondition-not-met",
    );
    assert!(r.message.contains("aanpak voor AVE 3"), "{r}");
    w.ok(
        "zvh-1",
        Command::SetPlan(ave_engine::command::SetPlan {
            phase: ave_model::PhaseId::parse("3").expect("id"),
            summary: "aanpak".into(),
        }),
    );
    w.refused(
        "burgemeester-1",
        decide("v1", true, &[]),
        "precondition-not-met",
    );
    w.ok(
        "zvh-1",
        Command::HoldMeeting(ave_engine::command::HoldMeeting {
            meeting: MeetingId::parse("com-1").expect("id"),
            kind: ave_model::MeetingKindId::parse("com").expect("id"),
            attendees: vec![pid("zvh-1"), pid("consulent-1")],
            decisions: vec![],
        }),
    );
    let events = w.ok("burgemeester-1", decide("v1", true, &[]));
    let Event::TransitionDecided {
        mandate, function, ..
    } = &events[0].event
    else {
        panic!("first event is the decision")
    };
    // The authority is the function under the model's transition; a mandate only when given.
    assert_eq!(function.as_str(), "burgemeester");
    assert_eq!(mandate, &None);
    let Event::PhaseChanged { transition, .. } = &events[1].event else {
        panic!("then the phase change")
    };
    assert_eq!(transition.as_str(), "4-naar-3");
    assert_eq!(w.case().phase().as_str(), "3");
}

#[test]
fn a_transition_whose_decider_the_model_leaves_open_cannot_be_decided() {
    let m = model_with(&[(
        "criteria = [\"stabiel\"]\nproposers = [\"sociaal-domein\"]\ndeciders = [\"consulent\"]",
        "criteria = [\"stabiel\"]\nproposers = [\"sociaal-domein\"]\ndeciders_open = \"lokaal nog te bepalen\"",
    )]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    let r = w.refused("consulent-1", decide("v1", true, &[]), "decider-open");
    assert!(r.message.contains("lokaal nog te bepalen"));
}

#[test]
fn only_listed_proposers_may_propose() {
    let mut w = World::opened(model(), "2", vec![]);
    w.refused(
        "teamleider-1",
        propose("v1", "2-naar-3", &["onveiligheid"]),
        "not-proposer",
    );
    w.ok("consulent-1", propose("v1", "2-naar-3", &["onveiligheid"]));
}

#[test]
fn with_the_authority_rule_off_anyone_involved_decides_without_checks() {
    let m = model_with(&[(
        "[rules.transition_authority]\nenabled = true",
        "[rules.transition_authority]\nenabled = false",
    )]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("teamleider-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.ok("wethouder-1", decide("v1", true, &[]));
    assert_eq!(w.case().phase().as_str(), "1");
}

// --- procesregie_review --------------------------------------------------------------------

#[test]
fn procesregie_gets_its_review_date_from_the_norm() {
    let mut w = World::opened(model(), "2", vec![]);
    add_procesregie(&mut w);
    let events = w.ok("proces-1", assign(Procesregie, "proces-1"));
    let Event::RoleAssigned { review, .. } = &events[0].event else {
        panic!()
    };
    let expected = ave_model::Date::from(day(w.clock).date_naive() + chrono::Days::new(90));
    assert_eq!(*review, Some(expected));
}

#[test]
fn procesregie_without_a_norm_needs_an_explicit_future_review_date() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("onveiligheid", true));
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok("consulent-1", propose("v1", "2-naar-3", &["onveiligheid"]));
    w.ok("proces-1", decide("v1", true, &["oov-1"]));
    let r = w.refused(
        "zvh-1",
        assign(Procesregie, "zvh-1"),
        "rule-procesregie-review",
    );
    assert_eq!(r.rule.map(|r| r.key()), Some("procesregie_review"));
    let past = ave_model::Date::from(day(1).date_naive());
    w.refused(
        "zvh-1",
        Command::AssignRole(ave_engine::command::AssignRole {
            role: Procesregie,
            person: pid("zvh-1"),
            review: Some(past),
            reason: None,
            motivation: None,
        }),
        "rule-procesregie-review",
    );
    let future = ave_model::Date::from(day(100).date_naive());
    w.ok(
        "zvh-1",
        Command::AssignRole(ave_engine::command::AssignRole {
            role: Procesregie,
            person: pid("zvh-1"),
            review: Some(future),
            reason: None,
            motivation: None,
        }),
    );
}

// --- evaluation_required -------------------------------------------------------------------

#[test]
fn every_phase_gets_an_evaluation_date_and_overdue_evaluation_is_flagged() {
    let mut w = World::opened(model(), "2", vec![]);
    let due = w.case().next_evaluation().expect("evaluation date");
    assert_eq!(
        due,
        ave_model::Date::from(day(1).date_naive() + chrono::Days::new(90))
    );
    let kinds = |w: &World, n: u32| -> Vec<ave_engine::views::AttentionKind> {
        ave_engine::views::attention(&w.model, w.case(), day(n))
            .into_iter()
            .map(|a| a.kind())
            .collect()
    };
    assert!(!kinds(&w, 91).contains(&ave_engine::views::AttentionKind::EvaluationOverdue));
    assert!(kinds(&w, 92).contains(&ave_engine::views::AttentionKind::EvaluationOverdue));
    w.clock = 91;
    w.ok(
        "consulent-1",
        Command::Evaluate(ave_engine::command::Evaluate {
            summary: "loopt".into(),
            next: None,
        }),
    );
    assert!(!kinds(&w, 100).contains(&ave_engine::views::AttentionKind::EvaluationOverdue));
}

// --- disagreement_arbiter ------------------------------------------------------------------

#[test]
fn on_disagreement_only_the_arbiter_decides() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    let raise = |who: &str| {
        Command::RaiseDisagreement(ave_engine::command::RaiseDisagreement {
            disagreement: DisagreementId::parse(format!("m-{who}")).expect("id"),
            request: RequestId::parse("v1").expect("id"),
            positions: "OOV wil niet afschalen, consulent wel".into(),
        })
    };
    w.refused("wethouder-1", raise("wethouder-1"), "not-party");
    w.ok("oov-1", raise("oov-1"));
    w.refused("consulent-1", decide("v1", true, &[]), "disagreement-open");
    let settle = || {
        Command::Settle(ave_engine::command::Settle {
            disagreement: DisagreementId::parse("m-oov-1").expect("id"),
            approve: true,
            reason: "de situatie is stabiel".into(),
            motivation: None,
        })
    };
    let r = w.refused("consulent-1", settle(), "not-arbiter");
    assert!(r.message.contains("Teamleider"), "{r}");
    let events = w.ok("teamleider-1", settle());
    assert!(matches!(
        &events[1].event,
        Event::TransitionDecided { arbiter: true, .. }
    ));
    assert_eq!(w.case().phase().as_str(), "1");
}

#[test]
fn without_an_arbiter_in_the_model_a_disagreement_cannot_be_raised() {
    let m = model_with(&[(
        "[rules.disagreement_arbiter]\nenabled = true",
        "[rules.disagreement_arbiter]\nenabled = false",
    )]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.refused(
        "consulent-1",
        Command::RaiseDisagreement(ave_engine::command::RaiseDisagreement {
            disagreement: DisagreementId::parse("m1").expect("id"),
            request: RequestId::parse("v1").expect("id"),
            positions: "oneens".into(),
        }),
        "no-arbiter",
    );
}

#[test]
fn a_disagreement_nobody_in_the_case_can_settle_is_refused() {
    // The arbiter is whoever holds procesregie in the case, and nobody does.
    let m = model_with(&[(
        "[rules.disagreement_arbiter]\nenabled = true\narbiter = \"teamleider\"",
        "[rules.disagreement_arbiter]\nenabled = true\narbiter = { role = \"procesregie\" }",
    )]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    let raise = Command::RaiseDisagreement(ave_engine::command::RaiseDisagreement {
        disagreement: DisagreementId::parse("m1").expect("id"),
        request: RequestId::parse("v1").expect("id"),
        positions: "OOV wil niet afschalen".into(),
    });
    let r = w.refused("oov-1", raise.clone(), "no-arbiter");
    assert!(r.message.contains("procesregisseur van de casus"), "{r}");
    // Nothing is stuck: the request can still be decided.
    w.ok("consulent-1", decide("v1", true, &[]));
    assert_eq!(w.case().phase().as_str(), "1");
}

// --- insufficient_alone --------------------------------------------------------------------

#[test]
fn stagnation_alone_does_not_justify_escalation_to_phase_3() {
    // Without its condition, 2-naar-3 would take any one of its criteria.
    let m = model_with(&[(
        "condition = { all = [ { criterion = \"onveiligheid\" }, { any = [ { criterion = \"stagnatie\" }, { fact = \"minderjarigen\" } ] } ] }\n",
        "",
    )]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok("consulent-1", propose("v1", "2-naar-3", &["stagnatie"]));
    let r = w.refused(
        "proces-1",
        decide("v1", true, &["oov-1"]),
        "rule-insufficient-alone",
    );
    assert_eq!(r.rule.map(|r| r.key()), Some("insufficient_alone"));
    w.ok("consulent-1", assess("onveiligheid", true));
    w.ok("proces-1", decide("v1", true, &["oov-1"]));
}

// --- casusregie_continuity -----------------------------------------------------------------

#[test]
fn a_change_of_casusregisseur_needs_a_reason_and_creates_a_handover() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    let r = w.refused(
        "consulent-1",
        assign(Casusregie, "consulent-2"),
        "rule-casusregie-continuity",
    );
    assert_eq!(r.rule.map(|r| r.key()), Some("casusregie_continuity"));
    let events = w.ok(
        "consulent-1",
        with_reason(Casusregie, "consulent-2", "ziekte"),
    );
    let Event::HandoverCreated { task, holder, .. } = &events[1].event else {
        panic!("handover expected: {events:?}")
    };
    assert_eq!(holder.as_ref().map(|h| h.as_str()), Some("consulent-1"));
    let complete = |task: &TaskId| {
        Command::CompleteHandover(ave_engine::command::CompleteHandover {
            task: task.clone(),
            how: "warme overdracht".into(),
        })
    };
    w.refused("consulent-2", complete(task), "not-role-holder");
    w.ok("consulent-1", complete(task));
    w.refused("consulent-1", complete(task), "already-done");
}

#[test]
fn without_the_continuity_rule_no_reason_is_needed() {
    let m = model_with(&[(
        "[rules.casusregie_continuity]\nenabled = true",
        "[rules.casusregie_continuity]\nenabled = false",
    )]);
    let mut w = World::opened(m, "2", vec![]);
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    let events = w.ok("consulent-1", assign(Casusregie, "consulent-2"));
    assert_eq!(events.len(), 1);
}

#[test]
fn after_the_arbiter_ruled_a_new_request_for_the_same_transition_is_again_for_the_arbiter() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.ok(
        "oov-1",
        Command::RaiseDisagreement(ave_engine::command::RaiseDisagreement {
            disagreement: DisagreementId::parse("m1").expect("id"),
            request: RequestId::parse("v1").expect("id"),
            positions: "oneens".into(),
        }),
    );
    w.ok(
        "teamleider-1",
        Command::Settle(ave_engine::command::Settle {
            disagreement: DisagreementId::parse("m1").expect("id"),
            approve: false,
            reason: "nog niet stabiel genoeg".into(),
            motivation: None,
        }),
    );
    w.ok("consulent-1", propose("v2", "2-naar-1", &["stabiel"]));
    let r = w.refused("consulent-1", decide("v2", true, &[]), "arbiter-ruled");
    assert_eq!(r.rule.map(|r| r.key()), Some("disagreement_arbiter"));
}

#[test]
fn a_transition_decided_in_a_meeting_needs_that_meeting() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok(
        "consulent-1",
        propose("v1", "2-procesregie-erbij", &["stagnatie"]),
    );
    let r = w.refused(
        "teamleider-1",
        decide("v1", true, &[]),
        "precondition-not-met",
    );
    assert!(r.message.contains("Multidisciplinair overleg"), "{r}");
    w.ok("consulent-1", meeting("mdo-1", "mdo"));
    w.ok("teamleider-1", decide("v1", true, &[]));
    assert!(w.case().procesregie_added());
}

#[test]
fn a_decision_records_whom_the_model_says_to_consult_but_nobody_was() {
    // Without the precondition, and with the consultation held bij voorkeur, consulting the
    // OOV adviser is asked but not required: a decision without it gives a motivation.
    let without_precondition = || {
        model_with(&[
            (
                "[[transitions.preconditions]]\nkind = \"consulted\"\nfunction = \"adviseur-oov\"\ntext = \"Bij veiligheidszaken is de adviseur OOV betrokken.\"\n",
                "",
            ),
            (
                "consult = [\n  \"adviseur-oov\",",
                "consult = [\n  { function = \"adviseur-oov\", strength = \"bij-voorkeur\" },",
            ),
        ])
    };
    let to_phase_3 = |w: &mut World| {
        w.ok("consulent-1", assess("onveiligheid", true));
        w.ok("consulent-1", assess("stagnatie", true));
        w.ok("consulent-1", propose("v1", "2-naar-3", &["onveiligheid"]));
    };
    let mut w = World::opened(without_precondition(), "2", vec![]);
    to_phase_3(&mut w);
    w.refused("proces-1", decide("v1", true, &[]), "motivation-required");
    let mut with_motivation = decide("v1", true, &[]);
    if let Command::Decide(d) = &mut with_motivation {
        d.motivation = Some("adviseur OOV met verlof; spoed".into());
    }
    let events = w.ok("proces-1", with_motivation);
    let Event::TransitionDecided { unconsulted, .. } = &events[0].event else {
        panic!()
    };
    assert_eq!(
        unconsulted.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        vec!["adviseur-oov"]
    );
    // The timeline says so.
    let line = ave_labels::describe(&w.model, ave_labels::Lang::Nl, &events[0], &|p| {
        p.to_string()
    });
    assert!(
        line.contains("zonder overleg met Adviseur openbare orde en veiligheid"),
        "{line}"
    );
    // Present at a meeting in the phase counts as consulted.
    let mut w = World::opened(without_precondition(), "2", vec![]);
    to_phase_3(&mut w);
    w.ok(
        "consulent-1",
        Command::HoldMeeting(ave_engine::command::HoldMeeting {
            meeting: MeetingId::parse("o1").expect("id"),
            kind: ave_model::MeetingKindId::parse("mdo").expect("id"),
            attendees: vec![pid("oov-1")],
            decisions: vec![],
        }),
    );
    let events = w.ok("proces-1", decide("v1", true, &[]));
    let Event::TransitionDecided { unconsulted, .. } = &events[0].event else {
        panic!()
    };
    assert!(unconsulted.is_empty());
}

#[test]
fn only_the_phases_bestuurlijk_verantwoordelijke_takes_a_formal_decision() {
    let mut w = World::opened(model(), "4", vec![]);
    let besluit = |id: &str| {
        Command::FormalDecision(ave_engine::command::FormalDecision {
            decision: DecisionId::parse(id).expect("id"),
            subject: "Noodbevel".into(),
            text: "Samenscholingsverbod".into(),
            grondslag: None,
            kind: None,
        })
    };
    let r = w.refused("wethouder-1", besluit("b1"), "not-administrator");
    assert!(r.message.contains("Burgemeester"), "{r}");
    w.ok("burgemeester-1", besluit("b1"));
}

#[test]
fn procesregie_can_be_reviewed_and_continued() {
    let mut w = World::opened(model(), "2", vec![]);
    add_procesregie(&mut w);
    w.ok("proces-1", assign(Procesregie, "proces-1"));
    let review = |d: u32| {
        Command::ReviewRole(ave_engine::command::ReviewRole {
            role: Procesregie,
            person: pid("proces-1"),
            review: ave_model::Date::from(day(d).date_naive()),
            reason: "samenwerking nog niet vlot".into(),
        })
    };
    w.refused("proces-1", review(1), "rule-procesregie-review");
    // Procesregie is temporary: a review no further ahead than the norm (90 days).
    w.refused("proces-1", review(w.clock + 200), "beyond-norm");
    // Only the holder (or an appointing function) reviews it.
    w.refused("consulent-1", review(w.clock + 60), "not-appointer");
    let next = w.clock + 61;
    w.ok("proces-1", review(next));
    let h = w
        .case()
        .holding(Procesregie, &pid("proces-1"))
        .expect("holding");
    assert_eq!(
        h.review,
        Some(ave_model::Date::from(day(next).date_naive()))
    );
}

#[test]
fn the_burgemeester_may_decide_formally_before_ave_4_but_a_wethouder_not_in_ave_4() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok(
        "burgemeester-1",
        Command::FormalDecision(ave_engine::command::FormalDecision {
            decision: DecisionId::parse("b1").expect("id"),
            subject: "Tijdelijk huisverbod".into(),
            text: "Tien dagen".into(),
            grondslag: Some("Wet tijdelijk huisverbod".into()),
            kind: None,
        }),
    );
    w.ok(
        "wethouder-1",
        Command::FormalDecision(ave_engine::command::FormalDecision {
            decision: DecisionId::parse("b2").expect("id"),
            subject: "Maatwerkvoorziening".into(),
            text: "Beschermd wonen".into(),
            grondslag: Some("Wmo 2015".into()),
            kind: None,
        }),
    );
}

#[test]
fn a_disagreement_cannot_be_dodged_by_withdrawing_the_request() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.ok(
        "oov-1",
        Command::RaiseDisagreement(ave_engine::command::RaiseDisagreement {
            disagreement: DisagreementId::parse("m1").expect("id"),
            request: RequestId::parse("v1").expect("id"),
            positions: "oneens".into(),
        }),
    );
    w.refused(
        "consulent-1",
        Command::Withdraw(ave_engine::command::Withdraw {
            request: RequestId::parse("v1").expect("id"),
            reason: "toch niet".into(),
        }),
        "disagreement-open",
    );
}

#[test]
fn only_the_holder_or_an_appointer_ends_a_role() {
    let mut w = World::opened(model(), "4", vec![]);
    w.ok("oov-1", assign(Casusregie, "consulent-1"));
    // In phase 4 the OOV adviser appoints the casusregisseur; another consulent may not end it.
    w.refused(
        "consulent-2",
        Command::EndRole(ave_engine::command::EndRole {
            role: Casusregie,
            person: pid("consulent-1"),
            reason: "x".into(),
        }),
        "not-appointer",
    );
}

#[test]
fn a_goal_update_must_change_something_and_evaluation_stays_within_the_norm() {
    let mut w = World::opened(model(), "4", vec![]);
    w.ok(
        "oov-1",
        Command::AddGoal(ave_engine::command::AddGoal {
            goal: GoalId::parse("g1").expect("id"),
            leefgebied: "veiligheid".into(),
            text: "rust in de buurt".into(),
            owner: pid("oov-1"),
            due: ave_model::Date::from_ymd(2025, 6, 1).expect("date"),
        }),
    );
    w.refused(
        "oov-1",
        Command::UpdateGoal(ave_engine::command::UpdateGoal {
            goal: GoalId::parse("g1").expect("id"),
            status: ave_engine::command::GoalStatus::Lopend,
            explanation: "loopt nog".into(),
        }),
        "nothing-to-change",
    );
    // Phase 4 evaluates at least every 7 days.
    let far = ave_model::Date::from(day(w.clock + 30).date_naive());
    w.refused(
        "oov-1",
        Command::Evaluate(ave_engine::command::Evaluate {
            summary: "s".into(),
            next: Some(far),
        }),
        "beyond-norm",
    );
    let near = ave_model::Date::from(day(w.clock + 6).date_naive());
    w.ok(
        "oov-1",
        Command::Evaluate(ave_engine::command::Evaluate {
            summary: "s".into(),
            next: Some(near),
        }),
    );
}

#[test]
fn a_command_outside_the_calendar_range_is_refused_not_a_panic() {
    let mut w = World::new(model());
    let at = chrono::NaiveDate::from_ymd_opt(262_142, 12, 30)
        .expect("a date chrono can hold")
        .and_time(chrono::NaiveTime::MIN)
        .and_utc();
    let open = Command::Open(ave_engine::command::Open {
        case: CaseId::parse("c1").expect("id"),
        phase: ave_model::PhaseId::parse("4").expect("id"),
        reason: "r".into(),
        household: vec![],
        participants: vec![participant("oov-1")],
        facts: vec![],
    });
    let r = w.run_at(at, "oov-1", open).expect_err("refused");
    assert_eq!(r.code.as_str(), "date-out-of-order");
}

#[test]
fn procesregie_added_in_an_earlier_stay_does_not_carry_into_a_new_one() {
    let mut w = World::opened(model(), "2", vec![]);
    add_procesregie(&mut w);
    w.ok("consulent-1", assess("stabiel", true));
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.ok("consulent-1", decide("v1", true, &[]));
    w.ok("consulent-1", assess("hulpvraag", true));
    w.ok("consulent-1", propose("v2", "1-naar-2", &["hulpvraag"]));
    w.ok("consulent-1", decide("v2", true, &[]));
    assert!(!w.case().procesregie_added());
    w.refused(
        "proces-1",
        assign(Procesregie, "proces-1"),
        "precondition-not-met",
    );
}

#[test]
fn the_meeting_a_transition_is_decided_in_comes_after_the_request() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", meeting("mdo-0", "mdo"));
    w.ok("consulent-1", assess("stagnatie", true));
    w.ok(
        "consulent-1",
        propose("v1", "2-procesregie-erbij", &["stagnatie"]),
    );
    w.refused(
        "teamleider-1",
        decide("v1", true, &[]),
        "precondition-not-met",
    );
    w.ok("consulent-1", meeting("mdo-1", "mdo"));
    w.ok("teamleider-1", decide("v1", true, &[]));
}
