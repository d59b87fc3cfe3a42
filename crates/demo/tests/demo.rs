//! The demo region: built through the engine into a SQLite store, spread over the phases,
//! replayable, verifiable and the same every time.

use ave_engine::Case;
use ave_store::{CaseFilter, Store};
use chrono::{DateTime, TimeZone, Utc};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 10, 0, 0)
        .single()
        .expect("date")
}

async fn fresh() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("demo.sqlite").display());
    let store = Store::open(&url).await.expect("open sqlite");
    store.migrate().await.expect("migrate");
    (store, dir)
}

async fn all_rows(store: &Store) -> Vec<ave_store::CaseRow> {
    store
        .list(&CaseFilter::default(), "2026-06-01", 0, 10_000)
        .await
        .expect("list")
        .items
}

#[tokio::test]
async fn builds_a_region_that_obeys_the_rules_and_is_the_same_every_time() {
    let (store, _dir) = fresh().await;
    let mut calls = 0;
    let summary = ave_demo::build(&store, now(), 300, |done, total| {
        calls += 1;
        assert!(done <= total);
    })
    .await
    .expect("the demo builds");
    eprintln!("{summary:#?}");
    assert!(calls > 0);

    // About 300 cases over three gemeenten.
    assert!(summary.cases >= 295, "{} cases", summary.cases);
    assert_eq!(summary.per_gemeente.len(), 3);
    for n in summary.per_gemeente.values() {
        assert!((95..=101).contains(n), "{:?}", summary.per_gemeente);
    }
    // Roughly 80-15-5-0.5 percent over the AVE levels.
    let at = |l: u32| summary.per_level.get(&l).copied().unwrap_or(0);
    assert!((220..=250).contains(&at(1)), "{:?}", summary.per_level);
    assert!((35..=55).contains(&at(2)), "{:?}", summary.per_level);
    assert!((8..=20).contains(&at(3)), "{:?}", summary.per_level);
    assert!(at(4) <= 3, "{:?}", summary.per_level);
    assert!(summary.closed > 0);
    // Few refusals.
    assert!(
        summary.refused <= 15,
        "{} refused: {:?}",
        summary.refused,
        summary.refused_by_code
    );

    // Every stored case replays from its events to the phase of its read model.
    let rows = all_rows(&store).await;
    assert_eq!(rows.len(), summary.cases);
    let mut events = Vec::new();
    for row in &rows {
        let history = store.events(&row.id, 0).await.expect("events");
        let case = Case::replay(&history).expect("the history replays");
        assert_eq!(case.phase().as_str(), row.phase, "{}", row.id);
        assert_eq!(case.seq(), row.version);
        assert!(history.iter().all(|e| e.at <= now()), "{}", row.id);
        events.push(history);
    }
    let report = store.verify().await.expect("verify");
    assert_eq!(report.first_problem, None);
    assert_eq!(store.models().await.expect("models").len(), 3);

    // The attention list has content: some evaluations are overdue.
    let overdue = store
        .list(
            &CaseFilter {
                attention: Some("evaluation-overdue".to_owned()),
                ..CaseFilter::default()
            },
            "2026-06-01",
            0,
            1,
        )
        .await
        .expect("list overdue");
    assert!(overdue.total > 0, "no overdue evaluations");

    // A second build gives the same events.
    let (again, _dir2) = fresh().await;
    let second = ave_demo::build(&again, now(), 300, |_, _| {})
        .await
        .expect("the demo builds again");
    assert_eq!(second, summary);
    for (row, first) in rows.iter().zip(&events) {
        let history = again.events(&row.id, 0).await.expect("events");
        assert_eq!(&history, first, "{}", row.id);
    }
}

#[test]
fn the_region_names_a_person_for_every_function() {
    let region = ave_demo::region().expect("the region");
    let models = ave_demo::models().expect("the models");
    assert_eq!(region.gemeenten.len(), 3);
    let ids: std::collections::BTreeSet<_> = region
        .gemeenten
        .iter()
        .map(|g| g.model_id.clone())
        .collect();
    assert_eq!(ids.len(), 3, "three different models");
    for (g, m) in region.gemeenten.iter().zip(&models) {
        assert!(!g.people.is_empty());
        for p in &g.people {
            assert!(p.id.starts_with(&format!("{}-", g.prefix)), "{}", p.id);
            assert!(!p.id.chars().all(|c| c.is_ascii_digit()));
        }
        assert_eq!(m.gemeente, g.name);
    }
}

#[tokio::test]
async fn extra_commands_make_longer_histories_that_still_obey_the_rules() {
    let (plain, _d1) = fresh().await;
    let (longer, _d2) = fresh().await;
    let a = ave_demo::build(&plain, now(), 30, |_, _| {})
        .await
        .expect("the demo builds");
    let b = ave_demo::build_with(&longer, now(), 30, 6, |_, _| {})
        .await
        .expect("the longer demo builds");
    assert_eq!(a.cases, b.cases);
    assert!(
        b.events >= a.events + 5 * b.cases,
        "{} vs {}",
        b.events,
        a.events
    );
    assert_eq!(b.refused, 0, "{:?}", b.refused_by_code);
    for row in all_rows(&longer).await {
        let history = longer.events(&row.id, 0).await.expect("events");
        let case = Case::replay(&history).expect("the history replays");
        assert_eq!(case.seq(), row.version);
        assert!(history.iter().all(|e| e.at <= now()), "{}", row.id);
    }
    assert_eq!(longer.verify().await.expect("verify").first_problem, None);
}

#[test]
fn a_script_replays_a_household_that_is_escalated_by_decision() {
    for g in 0..3 {
        let script = ave_demo::script(g, 2, now())
            .expect("the models load")
            .expect("a household of level 2");
        assert!(script.open.facts.is_empty());
        let names: Vec<&str> = script.steps.iter().map(|(_, c)| c.name()).collect();
        assert!(names.contains(&"propose"), "{names:?}");
        assert!(names.contains(&"decide"), "{names:?}");
        // Given to the engine in order, every command is accepted again.
        let model = &ave_demo::models().expect("models")[g].model;
        let mut case = None;
        let mut at = now() - chrono::Duration::days(1);
        let open = ave_engine::command::Command::Open(script.open.clone());
        for (by, command) in
            std::iter::once((&script.opener, &open)).chain(script.steps.iter().map(|(b, c)| (b, c)))
        {
            at += chrono::Duration::minutes(1);
            let env = ave_engine::command::Envelope {
                at,
                by: by.clone(),
                command: command.clone(),
            };
            ave_engine::execute(model, &mut case, &env)
                .unwrap_or_else(|r| panic!("{} refused: {r:?}", command.name()));
        }
    }
}

/// A staffed build (the benchmark database) spreads the households of a gemeente over
/// teams: every team member is in the directory, each household is worked by one team, and
/// nobody is involved in much more than the caseload.
#[tokio::test]
async fn a_staffed_region_gives_each_professional_about_a_caseload() {
    let (store, _dir) = fresh().await;
    let summary = ave_demo::build_staffed(&store, now(), 120, 0, Some(10), |_, _| {})
        .await
        .expect("the staffed region builds");
    assert_eq!(summary.refused, 0, "{:?}", summary.refused_by_code);
    // 40 households per gemeente at 10 each: four of every function.
    let persons = store.persons().await.expect("persons");
    let region = ave_demo::region().expect("region");
    for g in &region.gemeenten {
        for p in &g.people {
            let base = p.id.strip_suffix("-1").expect("-1");
            for n in 1..=4 {
                let id = format!("{base}-{n}");
                let found = persons.iter().find(|q| q.id == id);
                assert!(found.is_some(), "{id} in the directory");
                assert_eq!(
                    found.expect("found").memberships[0].function,
                    p.function,
                    "{id}"
                );
            }
            assert!(!persons.iter().any(|q| q.id == format!("{base}-5")));
        }
    }
    let mut involved: std::collections::BTreeMap<String, usize> = Default::default();
    for row in all_rows(&store).await {
        let teams: std::collections::BTreeSet<&str> = row
            .access
            .iter()
            .filter_map(|(person, _)| person.rsplit('-').next())
            .collect();
        assert_eq!(teams.len(), 1, "one team per household: {:?}", row.access);
        for (person, _) in row.access.iter() {
            *involved.entry(person.to_owned()).or_default() += 1;
        }
    }
    let most = involved.values().copied().max().unwrap_or(0);
    assert!(most <= 25, "nobody far above the caseload of 10: {most}");
    assert!(involved.len() > 12, "the work is spread: {involved:?}");
    assert_eq!(store.verify().await.expect("verify").first_problem, None);
}
