//! Bad commands get a typed rejection and change nothing (the `World` helper asserts the case
//! is unchanged after every refusal).

use ave_engine::command::{Command, EndState, Envelope};
use ave_engine::ids::*;
use ave_model::RoleKind::{Casusregie, Procesregie};

use crate::common::*;

fn open_cmd(phase: &str, participants: &[&str]) -> Command {
    Command::Open(ave_engine::command::Open {
        case: CaseId::parse("c1").expect("id"),
        phase: ave_model::PhaseId::parse(phase).expect("id"),
        reason: "test".into(),
        household: vec![],
        participants: participants.iter().map(|p| participant(p)).collect(),
        facts: vec![],
    })
}

fn signal(id: &str, triggers: &[&str]) -> Command {
    Command::RecordSignal(ave_engine::command::RecordSignal {
        signal: SignalId::parse(id).expect("id"),
        source: "politie".into(),
        category: "overlast".into(),
        text: "melding".into(),
        triggers: triggers
            .iter()
            .map(|t| ave_model::TriggerId::parse(*t).expect("id"))
            .collect(),
    })
}

#[test]
fn nothing_but_open_before_the_case_exists() {
    let mut w = World::new(model());
    w.refused("consulent-1", assess("stabiel", true), "no-case");
}

#[test]
fn a_case_opens_only_in_an_entry_phase_by_someone_allowed_and_involved() {
    let mut w = World::new(model());
    w.refused(
        "consulent-1",
        open_cmd("3", &["consulent-1"]),
        "not-entry-phase",
    );
    w.refused(
        "teamleider-1",
        open_cmd("2", &["teamleider-1"]),
        "not-entry-phase",
    );
    w.refused(
        "consulent-1",
        open_cmd("2", &["consulent-2"]),
        "not-participant",
    );
    w.refused(
        "consulent-1",
        open_cmd("9", &["consulent-1"]),
        "unknown-phase",
    );
    w.refused(
        "consulent-1",
        open_cmd("2", &["consulent-1", "consulent-1"]),
        "duplicate-id",
    );
    w.ok("consulent-1", open_cmd("2", &["consulent-1"]));
    w.refused(
        "consulent-1",
        open_cmd("2", &["consulent-1"]),
        "case-exists",
    );
}

#[test]
fn an_unknown_function_is_refused_when_someone_joins() {
    let mut w = World::opened(model(), "2", vec![]);
    w.refused(
        "consulent-1",
        Command::AddParticipant(ave_engine::command::AddParticipant {
            person: pid("nieuw"),
            name: "Nieuw".into(),
            function: ave_model::FunctionId::parse("astronaut").expect("id"),
            organisation: "NASA".into(),
        }),
        "unknown-function",
    );
}

#[test]
fn unknown_people_phases_criteria_and_items_are_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    w.refused("niemand", assess("stabiel", true), "not-participant");
    w.refused(
        "consulent-1",
        assign(Casusregie, "niemand"),
        "unknown-person",
    );
    w.refused(
        "consulent-1",
        Command::SetPlan(ave_engine::command::SetPlan {
            phase: ave_model::PhaseId::parse("9").expect("id"),
            summary: "x".into(),
        }),
        "unknown-phase",
    );
    w.refused(
        "consulent-1",
        assess("bestaat-niet", true),
        "unknown-criterion",
    );
    w.refused(
        "consulent-1",
        propose("v1", "bestaat-niet", &[]),
        "unknown-transition",
    );
    w.refused(
        "consulent-1",
        signal("s1", &["bestaat-niet"]),
        "unknown-trigger",
    );
    w.refused(
        "consulent-1",
        Command::HoldMeeting(ave_engine::command::HoldMeeting {
            meeting: MeetingId::parse("m1").expect("id"),
            kind: ave_model::MeetingKindId::parse("koffie").expect("id"),
            attendees: vec![pid("consulent-1")],
            decisions: vec![],
        }),
        "unknown-meeting-kind",
    );
    w.refused(
        "consulent-1",
        Command::RecordFact(ave_engine::command::RecordFact {
            fact: ave_model::FactId::parse("bestaat-niet").expect("id"),
            holds: true,
            evidence: "x".into(),
        }),
        "unknown-fact",
    );
    w.refused(
        "consulent-1",
        Command::RecordFact(ave_engine::command::RecordFact {
            fact: ave_model::FactId::parse("minderjarigen").expect("id"),
            holds: true,
            evidence: "x".into(),
        }),
        "derived-fact",
    );
    w.refused(
        "consulent-1",
        decide("bestaat-niet", true, &[]),
        "unknown-item",
    );
    w.refused(
        "consulent-1",
        Command::CompleteAction(ave_engine::command::CompleteAction {
            action: ActionId::parse("a9").expect("id"),
            result: "x".into(),
        }),
        "unknown-item",
    );
    w.refused(
        "consulent-1",
        Command::RemoveMember(ave_engine::command::RemoveMember {
            member: MemberId::parse("kind-9").expect("id"),
            reason: "x".into(),
            motivation: None,
        }),
        "unknown-member",
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", signal("s1", &[]));
    w.refused("consulent-1", signal("s1", &[]), "duplicate-id");
    let goal = || {
        Command::AddGoal(ave_engine::command::AddGoal {
            goal: GoalId::parse("g1").expect("id"),
            leefgebied: "wonen".into(),
            text: "woning".into(),
            owner: pid("consulent-1"),
            due: ave_model::Date::from_ymd(2025, 6, 1).expect("date"),
        })
    };
    w.ok("consulent-1", goal());
    w.refused("consulent-1", goal(), "duplicate-id");
    w.refused(
        "consulent-1",
        Command::AddParticipant(ave_engine::command::AddParticipant {
            person: pid("consulent-2"),
            name: "x".into(),
            function: ave_model::FunctionId::parse("consulent").expect("id"),
            organisation: "x".into(),
        }),
        "duplicate-id",
    );
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.refused(
        "consulent-1",
        propose("v1", "2-naar-1", &["stabiel"]),
        "duplicate-id",
    );
}

#[test]
fn a_command_dated_before_the_last_event_is_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", signal("s1", &[]));
    let earlier = day(w.clock) - chrono::Duration::hours(1);
    let r = w
        .run_at(earlier, "consulent-1", signal("s2", &[]))
        .expect_err("out of order");
    assert_eq!(r.code.as_str(), "date-out-of-order");
    // The same instant is fine: several steps can happen at once.
    w.run_at(day(w.clock), "consulent-1", signal("s2", &[]))
        .expect("same time");
}

#[test]
fn empty_texts_are_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    w.refused(
        "consulent-1",
        Command::AssessCriterion(ave_engine::command::AssessCriterion {
            criterion: ave_model::CriterionId::parse("stabiel").expect("id"),
            holds: true,
            evidence: "  ".into(),
        }),
        "empty-text",
    );
}

#[test]
fn roles_follow_the_model_of_the_current_phase() {
    let mut w = World::opened(model(), "1", vec![]);
    w.refused(
        "consulent-1",
        assign(Procesregie, "proces-1"),
        "role-not-applicable",
    );
    let mut w = World::opened(model(), "2", vec![]);
    let r = w.refused(
        "consulent-1",
        assign(Procesregie, "consulent-1"),
        "function-not-prescribed",
    );
    assert!(r.message.contains("Procesregisseur gemeente"), "{r}");
    w.ok("consulent-1", assign(Casusregie, "consulent-1"));
    w.refused(
        "consulent-1",
        assign(Casusregie, "consulent-1"),
        "already-role-holder",
    );
    w.refused(
        "consulent-1",
        Command::RemoveParticipant(ave_engine::command::RemoveParticipant {
            person: pid("consulent-1"),
            reason: "weg".into(),
        }),
        "holds-role",
    );
    w.refused(
        "consulent-1",
        Command::EndRole(ave_engine::command::EndRole {
            role: Procesregie,
            person: pid("consulent-1"),
            reason: "x".into(),
        }),
        "not-role-holder",
    );
}

#[test]
fn a_proposal_must_leave_the_current_phase_and_cite_its_own_criteria() {
    let mut w = World::opened(model(), "2", vec![]);
    w.refused(
        "consulent-1",
        propose("v1", "3-naar-2", &["stabiel"]),
        "wrong-phase",
    );
    w.refused(
        "consulent-1",
        propose("v1", "2-naar-1", &["onrust"]),
        "criterion-not-of-transition",
    );
    w.ok("consulent-1", propose("v1", "2-naar-1", &["stabiel"]));
    w.refused(
        "consulent-1",
        propose("v2", "2-naar-3", &["onveiligheid"]),
        "request-pending",
    );
    w.refused(
        "consulent-2",
        Command::Withdraw(ave_engine::command::Withdraw {
            request: RequestId::parse("v1").expect("id"),
            reason: "x".into(),
        }),
        "not-proposer",
    );
    w.ok(
        "consulent-1",
        Command::Withdraw(ave_engine::command::Withdraw {
            request: RequestId::parse("v1").expect("id"),
            reason: "x".into(),
        }),
    );
    w.refused("consulent-1", decide("v1", true, &[]), "request-not-open");
}

#[test]
fn adding_procesregie_when_there_already_is_a_procesregisseur_is_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    add_procesregie(&mut w);
    w.ok("proces-1", assign(Procesregie, "proces-1"));
    w.refused(
        "teamleider-1",
        propose("v1", "2-procesregie-erbij", &["stagnatie"]),
        "nothing-to-change",
    );
}

#[test]
fn closing_needs_the_lowest_phase_unless_the_household_moved() {
    let mut w = World::opened(model(), "2", vec![]);
    let close = |e| {
        Command::Close(ave_engine::command::Close {
            reason: "klaar".into(),
            end_state: e,
        })
    };
    w.refused("consulent-1", close(EndState::Waakvlam), "cannot-close");
    w.ok("consulent-1", close(EndState::Verhuisd));
    w.refused("consulent-1", assess("stabiel", true), "case-closed");
}

#[test]
fn only_an_administrator_records_a_formal_decision() {
    let mut w = World::opened(model(), "4", vec![]);
    let besluit = |id: &str| {
        Command::FormalDecision(ave_engine::command::FormalDecision {
            decision: DecisionId::parse(id).expect("id"),
            subject: "Tijdelijk huisverbod".into(),
            text: "Huisverbod voor tien dagen".into(),
            grondslag: Some("Wet tijdelijk huisverbod".into()),
            kind: None,
        })
    };
    w.refused("oov-1", besluit("b1"), "not-administrator");
    w.ok("burgemeester-1", besluit("b1"));
    w.refused("burgemeester-1", besluit("b1"), "duplicate-id");
}

#[test]
fn a_case_under_another_model_version_is_refused() {
    let mut w = World::opened(model(), "2", vec![]);
    let other = model_with(&[("version = \"2025.1\"", "version = \"2026.1\"")]);
    let env = Envelope {
        at: day(5),
        by: pid("consulent-1"),
        command: assess("stabiel", true),
    };
    let before = w.case.clone();
    let r = ave_engine::execute(&other, &mut w.case, &env).expect_err("other version");
    assert_eq!(r.code.as_str(), "model-mismatch");
    assert_eq!(before, w.case);
}

#[test]
fn every_rejection_code_is_documented() {
    let doc = include_str!("../../../../docs/klantreis.md");
    for code in ave_engine::RejectionCode::ALL {
        assert!(
            doc.contains(&format!("`{}`", code.as_str())),
            "{} is not in docs/klantreis.md",
            code.as_str()
        );
    }
}
