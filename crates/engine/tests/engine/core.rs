//! The engine core's own guarantees: what it proposes is what it accepts (the defect where a
//! decided procesregie addition could be decided again), days are local calendar days in the
//! model's time zone (midnight and the DST changes), and a command applies all or none.

use ave_engine::command::{self, Command};
use ave_engine::views;
use ave_model::Date;
use chrono::{TimeZone, Utc};

use crate::common::*;

#[test]
fn procesregie_added_but_not_yet_filled_is_neither_proposed_nor_decided_again() {
    let mut w = World::opened(model(), "2", vec![]);
    add_procesregie(&mut w);
    assert!(w.case().procesregie_added());
    assert!(
        w.case()
            .holders(ave_model::RoleKind::Procesregie)
            .next()
            .is_none()
    );
    let today = Date::from(day(w.clock).date_naive());
    let offered: Vec<String> = views::proposals(&w.model, w.case(), today)
        .iter()
        .map(|p| p.transition.to_string())
        .collect();
    assert!(
        !offered.contains(&"2-procesregie-erbij".to_owned()),
        "{offered:?}"
    );
    // The engine agrees with its view: a second proposal changes nothing and is refused.
    w.refused(
        "consulent-1",
        propose("v-again", "2-procesregie-erbij", &["stagnatie"]),
        "nothing-to-change",
    );
    let added = w
        .events
        .iter()
        .filter(|r| r.event.name() == "effect_applied")
        .count();
    assert_eq!(added, 1, "one effect_applied only");
}

/// The documented example model with a time zone.
fn zoned(zone: &str) -> ave_model::ValidModel {
    model_with(&[(
        "valid_from = 2025-01-01",
        &format!("valid_from = 2025-01-01\ntime_zone = \"{zone}\""),
    )])
}

/// Opens a case in phase 2 at `at` and returns its first evaluation date.
fn evaluation_after_opening(m: ave_model::ValidModel, at: chrono::DateTime<Utc>) -> Date {
    let mut w = World::new(m);
    w.run_at(
        at,
        "consulent-1",
        Command::Open(command::Open {
            case: ave_engine::ids::CaseId::parse("c1").expect("id"),
            phase: ave_model::PhaseId::parse("2").expect("id"),
            reason: "zorgen".into(),
            household: vec![],
            participants: vec![participant("consulent-1")],
            facts: vec![],
        }),
    )
    .expect("opens");
    w.case().next_evaluation().expect("evaluation date")
}

fn days_norm() -> i64 {
    // Phase 2 of the documented example evaluates every 90 days.
    90
}

#[test]
fn norms_count_local_days_around_midnight() {
    // 23:30 UTC on 14 March is 00:30 on 15 March in Amsterdam (CET, UTC+1).
    let late = Utc
        .with_ymd_and_hms(2025, 3, 14, 23, 30, 0)
        .single()
        .expect("t");
    let amsterdam = evaluation_after_opening(model(), late);
    let local_day = chrono::NaiveDate::from_ymd_opt(2025, 3, 15).expect("d");
    assert_eq!(
        amsterdam.naive(),
        local_day + chrono::Days::new(days_norm() as u64),
        "Europe/Amsterdam is the default"
    );
    let utc = evaluation_after_opening(zoned("UTC"), late);
    assert_eq!(
        (amsterdam.naive() - utc.naive()).num_days(),
        1,
        "in UTC it is still 14 March"
    );
    // At 22:59 UTC it is 23:59 in Amsterdam: the same day in both.
    let before = Utc
        .with_ymd_and_hms(2025, 3, 14, 22, 59, 0)
        .single()
        .expect("t");
    assert_eq!(
        evaluation_after_opening(model(), before),
        evaluation_after_opening(zoned("UTC"), before)
    );
}

#[test]
fn norms_count_local_days_across_the_dst_changes() {
    // Summer time starts 30 March 2025 at 01:00 UTC; in summer Amsterdam is UTC+2, so 22:30
    // UTC on 30 March is already 31 March, where in winter 22:30 UTC is the same day.
    let summer = Utc
        .with_ymd_and_hms(2025, 3, 30, 22, 30, 0)
        .single()
        .expect("t");
    assert_eq!(
        evaluation_after_opening(model(), summer).naive(),
        chrono::NaiveDate::from_ymd_opt(2025, 3, 31).expect("d")
            + chrono::Days::new(days_norm() as u64)
    );
    let winter = Utc
        .with_ymd_and_hms(2025, 3, 29, 22, 30, 0)
        .single()
        .expect("t");
    assert_eq!(
        evaluation_after_opening(model(), winter).naive(),
        chrono::NaiveDate::from_ymd_opt(2025, 3, 29).expect("d")
            + chrono::Days::new(days_norm() as u64)
    );
    // Winter time returns 26 October 2025 at 01:00 UTC: 22:30 UTC is 23:30 local, same day.
    let autumn = Utc
        .with_ymd_and_hms(2025, 10, 26, 22, 30, 0)
        .single()
        .expect("t");
    assert_eq!(
        evaluation_after_opening(model(), autumn).naive(),
        chrono::NaiveDate::from_ymd_opt(2025, 10, 26).expect("d")
            + chrono::Days::new(days_norm() as u64)
    );
}

#[test]
fn an_evaluation_is_overdue_from_the_local_day_after_its_date() {
    let opened = Utc
        .with_ymd_and_hms(2025, 3, 1, 9, 0, 0)
        .single()
        .expect("t");
    let mut w = World::new(model());
    w.run_at(
        opened,
        "consulent-1",
        Command::Open(command::Open {
            case: ave_engine::ids::CaseId::parse("c1").expect("id"),
            phase: ave_model::PhaseId::parse("2").expect("id"),
            reason: "zorgen".into(),
            household: vec![],
            participants: vec![participant("consulent-1")],
            facts: vec![],
        }),
    )
    .expect("opens");
    let due = w.case().next_evaluation().expect("due");
    let overdue = |at: chrono::DateTime<Utc>| {
        views::attention(&w.model, w.case(), at)
            .iter()
            .any(|a| a.kind() == views::AttentionKind::EvaluationOverdue)
    };
    // The due date is 30 May; in summer Amsterdam midnight is 22:00 UTC the day before.
    let last_minute = due.naive().and_hms_opt(21, 59, 0).expect("t").and_utc();
    assert!(!overdue(last_minute - chrono::Days::new(1)));
    assert!(!overdue(last_minute), "23:59 local on the due date");
    assert!(
        overdue(last_minute + chrono::Duration::minutes(2)),
        "00:01 local the day after"
    );
}

#[test]
fn an_unknown_time_zone_is_a_model_error_with_its_line() {
    let text = doc_example().replacen(
        "valid_from = 2025-01-01",
        "valid_from = 2025-01-01\ntime_zone = \"Europe/Amsterdm\"",
        1,
    );
    let report = ave_model::check("voorbeeld.toml", text.as_bytes(), &ave_model::NoBases);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error");
    assert_eq!(d.code.as_str(), "E161");
    assert!(d.message.contains("Europe/Amsterdm"), "{d}");
    assert!(d.location.as_ref().is_some_and(|l| l.line > 1), "{d}");
}

#[test]
fn a_command_whose_events_do_not_all_apply_changes_nothing() {
    // A case that replays to the state after step 5; a second command's events are applied
    // as one transaction: should the last fail, the earlier ones are taken back.
    let mut w = World::opened(model(), "2", vec![]);
    w.ok("consulent-1", assess("stabiel", true));
    let case = w.case().clone();
    let good = ave_engine::Recorded {
        seq: case.seq() + 1,
        at: day(w.clock + 1),
        by: pid("consulent-1"),
        event: ave_engine::Event::CriterionAssessed {
            criterion: ave_model::CriterionId::parse("stagnatie").expect("id"),
            holds: true,
            evidence: "e".into(),
        },
    };
    let mut bad = good.clone();
    bad.seq += 1;
    bad.event = ave_engine::Event::GoalUpdated {
        goal: ave_engine::ids::GoalId::parse("bestaat-niet").expect("id"),
        status: ave_engine::event::GoalStatus::Behaald,
        note: "n".into(),
    };
    let mut replayed = ave_engine::Case::replay(&w.events).expect("replays");
    assert_eq!(&replayed, &case);
    replayed.apply(&good).expect("first applies alone");
    assert!(replayed.apply(&bad).is_err());
    let mut again = case.clone();
    assert!(ave_engine::Case::replay(w.events.iter().chain([&good, &bad])).is_err());
    // All or none through the public path: apply the good one, then the bad one fails and the
    // good one stays (one event, one transaction).
    again.apply(&good).expect("applies");
    let before = again.clone();
    assert!(again.apply(&bad).is_err());
    assert_eq!(again, before);
}
