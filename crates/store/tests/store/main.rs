//! The store's tests, run on both backends: every test gets a fresh SQLite file and, when
//! `AVE_TEST_POSTGRES` names a PostgreSQL server (`.ci/run` and `scripts/dev-postgres.sh`
//! start one), a fresh PostgreSQL database. With `AVE_REQUIRE_POSTGRES=1` a missing server
//! fails the run instead of testing SQLite only.

mod accounts;
mod audit;
mod kept_rows;
mod logbook;
mod notifications;
mod oidc;
mod support;

use ave_engine::ids::CaseId;
use ave_store::{Append, CaseFilter, CaseRow, Store, StoreError};
use support::{Household, on_every_backend};

#[tokio::test]
async fn appended_events_read_back_in_order_with_the_case_row() {
    on_every_backend(|db| async move {
        let mut h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
        h.signal(&db, 3).await;
        let events = db.store.events(&h.id, 0).await.expect("events");
        assert_eq!(events.len() as u64, h.case().seq());
        assert_eq!(events, h.events);
        let row = db
            .store
            .case_row(&h.id)
            .await
            .expect("row")
            .expect("exists");
        assert_eq!(row.version, h.case().seq());
        assert_eq!(row.gemeente.as_deref(), Some("Voorbeeldstad"));
        assert_eq!(row.phase, h.case().phase().as_str());
        assert_eq!(db.store.version(&h.id).await.expect("v"), Some(row.version));
        let later = db.store.events(&h.id, 2).await.expect("after 2");
        assert_eq!(later.first().map(|r| r.seq), Some(3));
    })
    .await;
}

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_and_writes_nothing() {
    on_every_backend(|db| async move {
        let mut h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
        let before = h.case().seq();
        // A command decided on an old version of the case.
        let stale = h.next_signal_append(before - 1);
        let result = db.writer.append(stale).await;
        match result {
            Err(StoreError::Conflict {
                expected, current, ..
            }) => {
                assert_eq!((expected, current), (before - 1, before));
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(db.store.version(&h.id).await.expect("v"), Some(before));
        assert_eq!(
            db.store.events(&h.id, 0).await.expect("e").len() as u64,
            before
        );
        h.signal(&db, 1).await;
        support::assert_verifies(&db.store).await;
    })
    .await;
}

#[tokio::test]
async fn of_concurrent_commands_on_one_case_exactly_one_wins() {
    on_every_backend(|db| async move {
        let h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
        let v = h.case().seq();
        let tries: Vec<Append> = (0..8).map(|_| h.next_signal_append(v)).collect();
        let handles: Vec<_> = tries
            .into_iter()
            .map(|a| {
                let w = db.writer.clone();
                tokio::spawn(async move { w.append(a).await })
            })
            .collect();
        let mut won = 0;
        let mut conflicts = 0;
        for handle in handles {
            match handle.await.expect("task") {
                Ok(_) => won += 1,
                Err(StoreError::Conflict { .. }) => conflicts += 1,
                Err(e) => panic!("unexpected error {e}"),
            }
        }
        assert_eq!((won, conflicts), (1, 7));
        assert_eq!(db.store.version(&h.id).await.expect("v"), Some(v + 1));
    })
    .await;
}

#[tokio::test]
async fn a_conflict_in_a_batch_does_not_hold_up_the_other_commands() {
    on_every_backend(|db| async move {
        let a = Household::open(&db, "casus-a", "Voorbeeldstad").await;
        let b = Household::open(&db, "casus-b", "Voorbeeldstad").await;
        let good = a.next_signal_append(a.case().seq());
        let stale = b.next_signal_append(b.case().seq() - 1);
        let results = db.store.append_batch(&[stale, good]).await;
        assert!(matches!(results[0], Err(StoreError::Conflict { .. })));
        assert!(results[1].is_ok(), "{:?}", results[1]);
        assert_eq!(
            db.store.version(&a.id).await.expect("v"),
            Some(a.case().seq() + 1)
        );
        support::assert_verifies(&db.store).await;
    })
    .await;
}

/// Commands on several known cases in one batch update each case's row (PostgreSQL sends
/// the updates of one shape as one `UPDATE … FROM (VALUES …)`): every row as planned.
#[tokio::test]
async fn a_batch_of_commands_on_known_cases_updates_every_row_as_planned() {
    on_every_backend(|db| async move {
        let mut households = Vec::new();
        for (id, gemeente) in [
            ("casus-p", "Voorbeeldstad"),
            ("casus-q", "Voorbeeldstad"),
            ("casus-r", "Ander Dorp"),
        ] {
            households.push(Household::open(&db, id, gemeente).await);
        }
        let appends: Vec<_> = households
            .iter()
            .map(|h| h.next_signal_append(h.case().seq()))
            .collect();
        let planned: Vec<_> = appends.iter().map(|a| a.row.clone()).collect();
        let results = db.store.append_batch(&appends).await;
        assert!(results.iter().all(Result::is_ok), "{results:?}");
        for (h, row) in households.iter().zip(&planned) {
            let stored = db.store.case_row(&h.id).await.expect("row").expect("there");
            assert_eq!(stored.version, row.version, "{}", h.id);
            assert_eq!(stored.last_at, row.last_at, "{}", h.id);
            assert_eq!(stored.flags, row.flags, "{}", h.id);
            assert_eq!(stored.next_evaluation, row.next_evaluation, "{}", h.id);
            assert_eq!(
                db.store.events(&h.id, 0).await.expect("events").len() as u64,
                row.version
            );
        }
        support::assert_verifies(&db.store).await;
    })
    .await;
}

#[tokio::test]
async fn a_batch_of_new_and_known_cases_lands_whole_with_every_index() {
    on_every_backend(|db| async move {
        let a = Household::open(&db, "casus-a", "Voorbeeldstad").await;
        let b = Household::open(&db, "casus-b", "Ander Dorp").await;
        // Known cases first, then new ones: the new cases' rows must still be written before
        // their events (PostgreSQL sends a batch's statements grouped by kind).
        let signal = a.next_signal_append(a.case().seq());
        let regie = b.next_append(serde_json::json!({
            "do": "assign-role", "role": "casusregie", "person": support::CASUSREGISSEUR,
        }));
        let (c, open_c) = Household::planned(&db, "casus-c", "Voorbeeldstad");
        let (d, open_d) = Household::planned(&db, "casus-d", "Voorbeeldstad");
        let expected: Vec<u64> = [&signal, &regie, &open_c, &open_d]
            .iter()
            .map(|x| x.row.version)
            .collect();
        let results = db
            .store
            .append_batch(&[signal, regie, open_c, open_d])
            .await;
        assert_eq!(support::stored_versions(&results), expected);
        support::assert_at(
            &db.store,
            &[
                (&a, expected[0]),
                (&b, expected[1]),
                (&c, expected[2]),
                (&d, expected[3]),
            ],
        )
        .await;
        // The role index holds the new casusregisseur.
        assert_eq!(
            support::held_by(&db.store, support::CASUSREGISSEUR).await,
            vec!["casus-b"]
        );
        // The kept counts count the two new cases.
        let gemeenten = db.store.gemeenten().await.expect("gemeenten");
        assert_eq!(
            gemeenten,
            vec![
                ("Ander Dorp".to_owned(), 1, 1),
                ("Voorbeeldstad".to_owned(), 3, 3)
            ]
        );
        support::assert_verifies(&db.store).await;
    })
    .await;
}

#[tokio::test]
async fn a_failing_statement_in_a_batch_costs_only_its_own_command() {
    on_every_backend(|db| async move {
        let a = Household::open(&db, "casus-a", "Voorbeeldstad").await;
        let b = Household::open(&db, "casus-b", "Voorbeeldstad").await;
        let c = Household::open(&db, "casus-c", "Voorbeeldstad").await;
        // The role index already holds what b's command would add: its insert fails.
        db.exec(&format!(
            "INSERT INTO case_roles (case_id, role, person) VALUES ('casus-b', 'casusregie', '{}')",
            support::CASUSREGISSEUR
        ))
        .await;
        let signal = a.next_signal_append(a.case().seq());
        let regie = b.next_append(serde_json::json!({
            "do": "assign-role", "role": "casusregie", "person": support::CASUSREGISSEUR,
        }));
        let results = db.store.append_batch(&[signal, regie]).await;
        assert!(results[0].is_ok(), "{:?}", results[0]);
        assert!(results[1].is_err(), "{:?}", results[1]);
        assert_eq!(
            db.store.version(&a.id).await.expect("v"),
            Some(a.case().seq() + 1)
        );
        assert_eq!(
            db.store.version(&b.id).await.expect("v"),
            Some(b.case().seq())
        );
        assert_eq!(
            db.store.events(&b.id, 0).await.expect("e").len() as u64,
            b.case().seq()
        );
        support::assert_verifies(&db.store).await;

        // The failing command first: the one after it still lands, and nothing of the
        // failing one (its row ran before the failing insert) is kept.
        let regie = b.next_append(serde_json::json!({
            "do": "assign-role", "role": "casusregie", "person": support::CASUSREGISSEUR,
        }));
        let signal = c.next_signal_append(c.case().seq());
        let results = db.store.append_batch(&[regie, signal]).await;
        assert!(results[0].is_err(), "{:?}", results[0]);
        assert!(results[1].is_ok(), "{:?}", results[1]);
        assert_eq!(
            db.store.version(&c.id).await.expect("v"),
            Some(c.case().seq() + 1)
        );
        assert_eq!(
            db.store.version(&b.id).await.expect("v"),
            Some(b.case().seq())
        );
        support::assert_verifies(&db.store).await;
    })
    .await;
}

/// The PostgreSQL writer's pipelined batches (all statements sent before their answers
/// are read) store what the statement-by-statement way stores: new and known cases with
/// their indexes and counts, a stale command refused alone, a failing statement costing
/// only its own command (the batch rolled back and run again the long way), and nothing
/// once the store is closed.
#[tokio::test]
async fn a_pipelined_batch_stores_what_the_statement_by_statement_way_stores() {
    on_every_backend(|db| async move {
        let a = Household::open(&db, "casus-a", "Voorbeeldstad").await;
        let b = Household::open(&db, "casus-b", "Ander Dorp").await;
        let e = Household::open(&db, "casus-e", "Ander Dorp").await;
        let signal = a.next_signal_append(a.case().seq());
        let regie = b.next_append(serde_json::json!({
            "do": "assign-role", "role": "casusregie", "person": support::CASUSREGISSEUR,
        }));
        let (c, open_c) = Household::planned(&db, "casus-c", "Voorbeeldstad");
        let (d, open_d) = Household::planned(&db, "casus-d", "Voorbeeldstad");
        let stale = e.next_signal_append(e.case().seq() - 1);
        let expected: Vec<u64> = [&signal, &regie, &open_c, &open_d]
            .iter()
            .map(|x| x.row.version)
            .collect();
        let Some(results) = db
            .store
            .append_batch_pipelined(&[signal, regie, open_c, open_d, stale])
            .await
        else {
            // SQLite: no pipeline; its writer runs each batch on its own connection.
            assert_eq!(db.store.backend(), ave_store::Backend::Sqlite);
            return;
        };
        assert!(
            matches!(results[4], Err(StoreError::Conflict { .. })),
            "{:?}",
            results[4]
        );
        assert_eq!(support::stored_versions(&results[..4]), expected);
        support::assert_at(
            &db.store,
            &[
                (&a, expected[0]),
                (&b, expected[1]),
                (&c, expected[2]),
                (&d, expected[3]),
                (&e, e.case().seq()),
            ],
        )
        .await;
        assert_eq!(
            support::held_by(&db.store, support::CASUSREGISSEUR).await,
            vec!["casus-b"]
        );
        assert_eq!(
            db.store.gemeenten().await.expect("gemeenten"),
            vec![
                ("Ander Dorp".to_owned(), 2, 2),
                ("Voorbeeldstad".to_owned(), 3, 3)
            ]
        );
        support::assert_verifies(&db.store).await;

        // The role index already holds what e's command would add: its insert fails in the
        // pipeline, and only e's command is refused.
        db.exec(&format!(
            "INSERT INTO case_roles (case_id, role, person) VALUES ('casus-e', 'casusregie', '{}')",
            support::CASUSREGISSEUR
        ))
        .await;
        let again = c.next_signal_append(expected[2]);
        let regie = e.next_append(serde_json::json!({
            "do": "assign-role", "role": "casusregie", "person": support::CASUSREGISSEUR,
        }));
        let results = db
            .store
            .append_batch_pipelined(&[again, regie])
            .await
            .expect("a pipeline");
        assert!(results[0].is_ok(), "{:?}", results[0]);
        assert!(results[1].is_err(), "{:?}", results[1]);
        assert_eq!(
            db.store.version(&c.id).await.expect("v"),
            Some(expected[2] + 1)
        );
        assert_eq!(
            db.store.version(&e.id).await.expect("v"),
            Some(e.case().seq())
        );
        support::assert_verifies(&db.store).await;

        // Closed: nothing is written, every command hears "unavailable".
        let late = d.next_signal_append(expected[3]);
        db.store.close().await;
        let results = db
            .store
            .append_batch_pipelined(&[late])
            .await
            .expect("a pipeline");
        assert!(
            matches!(results[0], Err(StoreError::Unavailable { .. })),
            "{:?}",
            results[0]
        );
        let reopened = Store::open(&db.url).await.expect("reopen");
        assert_eq!(
            reopened.version(&d.id).await.expect("v"),
            Some(expected[3]),
            "nothing written after closing"
        );
        reopened.close().await;
    })
    .await;
}

#[tokio::test]
async fn verify_passes_on_an_untouched_store_and_names_the_first_edited_entry() {
    on_every_backend(|db| async move {
        let mut a = Household::open(&db, "casus-a", "Voorbeeldstad").await;
        let mut b = Household::open(&db, "casus-b", "Ander Dorp").await;
        a.signal(&db, 2).await;
        b.signal(&db, 2).await;
        let report = db.store.verify().await.expect("verify");
        assert_eq!(report.first_problem, None);
        assert_eq!(report.cases, 2);
        assert_eq!(report.events, a.case().seq() + b.case().seq());

        // Someone edits the content of one event in the database.
        db.exec("UPDATE events SET content = REPLACE(content, 'melding', 'gewijzigd') WHERE case_id = 'casus-a' AND seq = 2")
            .await;
        let problem = db
            .store
            .verify()
            .await
            .expect("verify")
            .first_problem
            .expect("the edit is found");
        assert_eq!((problem.case.as_str(), problem.seq), ("casus-a", 2));
    })
    .await;
}

#[tokio::test]
async fn verify_finds_a_deleted_or_reordered_event() {
    on_every_backend(|db| async move {
        let mut a = Household::open(&db, "casus-a", "Voorbeeldstad").await;
        a.signal(&db, 3).await;
        let last = a.case().seq();
        // Deleting the last event of the case (and so of the global chain).
        db.exec(&format!(
            "DELETE FROM events WHERE case_id = 'casus-a' AND seq = {last}"
        ))
        .await;
        let problem = db.store.verify().await.expect("verify").first_problem;
        assert!(problem.is_some(), "a deleted last event is found");

        // Deleting one in the middle.
        db.exec("DELETE FROM events WHERE case_id = 'casus-a' AND seq = 2")
            .await;
        let problem = db
            .store
            .verify()
            .await
            .expect("verify")
            .first_problem
            .expect("found");
        assert_eq!(problem.global_seq, 3, "{problem:?}");
    })
    .await;
}

#[tokio::test]
async fn erasing_a_cases_content_keeps_every_chain_and_the_outline() {
    on_every_backend(|db| async move {
        let mut a = Household::open(&db, "casus-a", "Voorbeeldstad").await;
        let mut b = Household::open(&db, "casus-b", "Voorbeeldstad").await;
        a.signal(&db, 2).await;
        b.signal(&db, 1).await;
        let outline_before = db.store.outline(&a.id).await.expect("outline");
        // With the content, in one read: each event as the event store gives it.
        let with_content = db.store.outline_with_content(&a.id).await.expect("outline");
        let events = db.store.events(&a.id, 0).await.expect("events");
        assert_eq!(with_content.len(), events.len());
        for ((o, content), event) in with_content.iter().zip(&events) {
            assert_eq!(o, &outline_before[usize::try_from(o.seq - 1).expect("seq")]);
            assert_eq!(content.as_ref(), Some(event));
        }
        let erased = db
            .store
            .erase(&a.id, support::at(400))
            .await
            .expect("erase");
        assert_eq!(erased, a.case().seq());

        let report = db.store.verify().await.expect("verify");
        assert_eq!(report.first_problem, None, "{report:?}");
        assert_eq!(report.erased, a.case().seq());

        // The timeline keeps its outline: what happened, when, by whom — not the content.
        let outline = db.store.outline(&a.id).await.expect("outline");
        assert_eq!(outline.len(), outline_before.len());
        for (after, before) in outline.iter().zip(&outline_before) {
            assert_eq!(
                (after.seq, &after.event_type, after.at, &after.by),
                (before.seq, &before.event_type, before.at, &before.by)
            );
            assert!(!after.has_content && before.has_content);
        }
        assert!(outline.iter().any(|o| o.event_type == "signal_recorded"));
        let with_content = db.store.outline_with_content(&a.id).await.expect("outline");
        assert!(
            with_content
                .iter()
                .all(|(o, c)| c.is_none() && !o.has_content)
        );
        assert_eq!(with_content.len(), outline.len());
        assert!(matches!(
            db.store.events(&a.id, 0).await,
            Err(StoreError::Erased(_))
        ));
        let row = db
            .store
            .case_row(&a.id)
            .await
            .expect("row")
            .expect("exists");
        assert!(row.erased_at.is_some());
        // The other case is untouched.
        assert_eq!(
            db.store.events(&b.id, 0).await.expect("b").len() as u64,
            b.case().seq()
        );
    })
    .await;
}

#[tokio::test]
async fn lists_filter_on_gemeente_phase_holder_and_attention_and_page() {
    on_every_backend(|db| async move {
        for i in 0..12 {
            let gemeente = if i % 3 == 0 {
                "Ander Dorp"
            } else {
                "Voorbeeldstad"
            };
            let mut h = Household::open(&db, &format!("casus-{i:02}"), gemeente).await;
            if i % 4 == 0 {
                h.assign_casusregie(&db).await;
            }
        }
        let today = "2026-06-01";
        let all = db
            .store
            .list(&CaseFilter::default(), today, 0, 100)
            .await
            .expect("list");
        assert_eq!(all.total, 12);
        let page = db
            .store
            .list(&CaseFilter::default(), today, 10, 5)
            .await
            .expect("page");
        assert_eq!((page.total, page.items.len()), (12, 2));

        let voorbeeldstad = CaseFilter {
            gemeente: Some("Voorbeeldstad".into()),
            ..CaseFilter::default()
        };
        let page = db
            .store
            .list(&voorbeeldstad, today, 0, 100)
            .await
            .expect("g");
        assert_eq!(page.total, 8);
        assert!(
            page.items
                .iter()
                .all(|r| r.gemeente.as_deref() == Some("Voorbeeldstad"))
        );

        let holder = CaseFilter {
            holder: Some(support::CASUSREGISSEUR.into()),
            holder_roles: None,
            ..CaseFilter::default()
        };
        let page = db.store.list(&holder, today, 0, 100).await.expect("h");
        assert_eq!(page.total, 3, "cases 0, 4 and 8");
        assert!(page.items.iter().all(|r| {
            r.roles
                .iter()
                .any(|(role, p)| role == "casusregie" && p == support::CASUSREGISSEUR)
        }));

        // Without casusregie the case lacks a prescribed role: a flag, not a day.
        let unfilled = CaseFilter {
            attention: Some("role-unfilled".into()),
            ..CaseFilter::default()
        };
        let page = db.store.list(&unfilled, today, 0, 100).await.expect("a");
        assert!(page.total >= 9, "{}", page.total);
        assert!(
            page.items
                .iter()
                .all(|r| r.flags.iter().any(|f| f == "role-unfilled"))
        );

        let phase = all.items[0].phase.clone();
        let in_phase = CaseFilter {
            phase: Some(phase.clone()),
            ..CaseFilter::default()
        };
        assert_eq!(
            db.store
                .list(&in_phase, today, 0, 100)
                .await
                .expect("p")
                .total,
            12
        );
        let counts = db.store.phase_counts(None).await.expect("counts");
        assert_eq!(counts.get(&phase), Some(&12));

        let within = CaseFilter {
            within: Some(vec![
                "casus-01".into(),
                "casus-02".into(),
                "bestaat-niet".into(),
            ]),
            ..CaseFilter::default()
        };
        assert_eq!(
            db.store
                .list(&within, today, 0, 100)
                .await
                .expect("w")
                .total,
            2
        );
        let none = CaseFilter {
            within: Some(vec![]),
            ..CaseFilter::default()
        };
        assert_eq!(
            db.store.list(&none, today, 0, 100).await.expect("n").total,
            0
        );
    })
    .await;
}

#[tokio::test]
async fn overdue_evaluation_is_found_by_the_day_it_falls_due() {
    on_every_backend(|db| async move {
        let mut h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
        h.signal(&db, 1).await;
        let row = db
            .store
            .case_row(&h.id)
            .await
            .expect("row")
            .expect("exists");
        let Some(due) = row.next_evaluation.clone() else {
            // The model sets no evaluation term in this phase: nothing to find.
            return;
        };
        let filter = CaseFilter {
            attention: Some("evaluation-overdue".into()),
            ..CaseFilter::default()
        };
        let on_due = db.store.list(&filter, &due, 0, 10).await.expect("l");
        assert_eq!(on_due.total, 0, "not overdue on the day itself");
        let next = (ave_model::Date::parse(&due).expect("date").naive()
            + chrono::Duration::days(1))
        .to_string();
        let after = db.store.list(&filter, &next, 0, 10).await.expect("l");
        assert_eq!(after.total, 1);
    })
    .await;
}

#[tokio::test]
async fn models_are_stored_as_versions_and_a_changed_text_is_refused() {
    on_every_backend(|db| async move {
        let models = db.store.models().await.expect("models");
        assert_eq!(models.len(), 1);
        let mut again = models[0].clone();
        db.store
            .put_model(&again)
            .await
            .expect("the same text again is fine");
        again.text.push_str("\n# gewijzigd\n");
        again.sha256 = "anders".into();
        assert!(matches!(
            db.store.put_model(&again).await,
            Err(StoreError::ModelConflict { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn migrations_run_twice_change_nothing() {
    on_every_backend(|db| async move {
        let mut h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
        h.signal(&db, 1).await;
        db.store.migrate().await.expect("again");
        assert_eq!(
            db.store.version(&h.id).await.expect("v"),
            Some(h.case().seq())
        );
    })
    .await;
}

#[tokio::test]
async fn a_sqlite_backup_is_a_consistent_copy_that_verifies() {
    let db = support::TestDb::sqlite().await;
    let mut h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
    h.signal(&db, 5).await;
    let target = db.dir.path().join("kopie.sqlite");
    db.store.backup(&target).await.expect("backup");
    let copy = ave_store::Store::open(&format!("sqlite://{}", target.display()))
        .await
        .expect("open copy");
    copy.migrate().await.expect("migrate copy");
    let report = copy.verify().await.expect("verify");
    assert_eq!(report.first_problem, None);
    assert_eq!(report.events, h.case().seq());
    assert_eq!(
        copy.events(&h.id, 0).await.expect("events"),
        db.store.events(&h.id, 0).await.expect("events")
    );
    // Backing up onto an existing file is refused, not overwritten.
    assert!(db.store.backup(&target).await.is_err());
}

#[tokio::test]
async fn an_unknown_database_url_is_a_clear_error() {
    let e = ave_store::Store::open("mysql://localhost/x")
        .await
        .expect_err("refused");
    assert!(matches!(e, StoreError::BadUrl));
    assert!(e.to_string().contains("sqlite://"));
}

#[test]
fn a_case_row_is_derived_from_the_case() {
    let model = support::model();
    let case_id = CaseId::parse("casus-x").expect("id");
    let (case, _) = support::opened_case(&model, &case_id);
    let row = CaseRow::of(&model, &case, Some("Voorbeeldstad"));
    assert_eq!(row.id, case_id);
    assert_eq!(row.version, case.seq());
    assert!(!row.closed);
    assert!(row.flags.iter().all(|f| !f.contains(',')));
}

#[tokio::test]
async fn kept_counts_agree_with_the_rows_through_phase_changes_and_closing() {
    on_every_backend(|db| async move {
        for i in 0..9 {
            let gemeente = if i % 2 == 0 { "Ander Dorp" } else { "Voorbeeldstad" };
            let mut h = Household::open(&db, &format!("casus-{i}"), gemeente).await;
            if i % 3 == 1 {
                // Afschalen 2 → 1.
                h.run(&db, serde_json::json!({"do": "assess-criterion", "criterion": "stabiel", "holds": true, "evidence": "rustig"})).await;
                h.run(&db, serde_json::json!({"do": "propose", "request": "v1", "transition": "2-naar-1", "criteria": ["stabiel"], "evidence": "rustig"})).await;
                h.run(&db, serde_json::json!({"do": "decide", "request": "v1", "approve": true, "reason": "stabiel"})).await;
            }
            if i % 3 == 2 {
                h.run(&db, serde_json::json!({"do": "close", "reason": "verhuisd", "end_state": "verhuisd"})).await;
            }
        }
        let today = "2026-06-01";
        for gemeente in [None, Some("Ander Dorp"), Some("Voorbeeldstad"), Some("Elders")] {
            for phase in [None, Some("1"), Some("2"), Some("3")] {
                for closed in [None, Some(false), Some(true)] {
                    let filter = CaseFilter {
                        gemeente: gemeente.map(str::to_owned),
                        phase: phase.map(str::to_owned),
                        closed,
                        ..CaseFilter::default()
                    };
                    let page = db.store.list(&filter, today, 0, 100).await.expect("list");
                    assert_eq!(
                        page.total,
                        page.items.len() as u64,
                        "{gemeente:?} {phase:?} {closed:?}"
                    );
                }
            }
        }
        let counts = db.store.phase_counts(None).await.expect("counts");
        assert_eq!(counts.get("1"), Some(&3), "{counts:?}");
        assert_eq!(counts.get("2"), Some(&3), "{counts:?}");
        let gemeenten = db.store.gemeenten().await.expect("gemeenten");
        assert_eq!(
            gemeenten,
            vec![("Ander Dorp".to_owned(), 3, 5), ("Voorbeeldstad".to_owned(), 3, 4)]
        );
    })
    .await;
}

#[tokio::test]
async fn the_role_index_stays_right_when_commands_leave_the_roles_as_they_were() {
    on_every_backend(|db| async move {
        let mut h = Household::open(&db, "casus-r", "Voorbeeldstad").await;
        h.assign_casusregie(&db).await;
        // Commands that do not touch the roles skip rewriting the index.
        h.signal(&db, 2).await;
        let holder = CaseFilter {
            holder: Some(support::CASUSREGISSEUR.to_owned()),
            holder_roles: None,
            ..CaseFilter::default()
        };
        let page = db
            .store
            .list(&holder, "2026-06-01", 0, 10)
            .await
            .expect("list");
        assert_eq!(page.total, 1);
        assert_eq!(
            page.items[0].roles,
            vec![("casusregie".to_owned(), support::CASUSREGISSEUR.to_owned())]
        );
        let row = db
            .store
            .case_row(&h.id)
            .await
            .expect("row")
            .expect("exists");
        assert_eq!(row.roles, page.items[0].roles);
        support::assert_verifies(&db.store).await;
    })
    .await;
}

/// The role and involvement indexes follow the row when a role passes to a successor: the
/// former holder leaves the role index, and stays in the involvement index with the kind the row gives them.
#[tokio::test]
async fn the_indexes_follow_a_role_to_its_successor_and_keep_the_former_holder_involved() {
    on_every_backend(|db| async move {
        let mut h = Household::open(&db, "casus-e", "Voorbeeldstad").await;
        h.assign_casusregie(&db).await;
        let today = "2026-06-01";
        let holder = CaseFilter {
            holder: Some(support::CASUSREGISSEUR.to_owned()),
            ..CaseFilter::default()
        };
        let visible = CaseFilter {
            visible: Some(ave_store::Visible {
                person: support::CASUSREGISSEUR.to_owned(),
                now: "2026-06-01T00:00:00.000000Z".to_owned(),
                governs: Vec::new(),
            }),
            ..CaseFilter::default()
        };
        assert_eq!(
            db.store
                .list(&holder, today, 0, 10)
                .await
                .expect("list")
                .total,
            1
        );
        h.run(
            &db,
            serde_json::json!({
                "do": "add-participant",
                "person": "consulent-2",
                "name": "consulent-2",
                "function": "consulent",
                "organisation": "Gemeente",
            }),
        )
        .await;
        let before = db
            .store
            .case_row(&h.id)
            .await
            .expect("row")
            .expect("exists");
        h.run(
            &db,
            serde_json::json!({
                "do": "assign-role",
                "role": "casusregie",
                "person": "consulent-2",
                "reason": "overdracht",
            }),
        )
        .await;
        let row = db
            .store
            .case_row(&h.id)
            .await
            .expect("row")
            .expect("exists");
        assert_eq!(
            row.roles,
            vec![("casusregie".to_owned(), "consulent-2".to_owned())]
        );
        assert_ne!(row.access, before.access, "the kind of involvement changed");
        assert!(
            row.access.iter().any(|(p, _)| p == support::CASUSREGISSEUR),
            "{:?}",
            row.access
        );
        let held = db.store.list(&holder, today, 0, 10).await.expect("list");
        assert_eq!(held.total, 0, "the role index lost the former holder");
        let successor = CaseFilter {
            holder: Some("consulent-2".to_owned()),
            ..CaseFilter::default()
        };
        let held = db.store.list(&successor, today, 0, 10).await.expect("list");
        assert_eq!(held.total, 1, "the role index gained the successor");
        let seen = db.store.list(&visible, today, 0, 10).await.expect("list");
        assert_eq!(seen.total, 1, "the involvement index kept the person");
        assert_eq!(seen.items[0].access, row.access);
        support::assert_verifies(&db.store).await;
    })
    .await;
}

/// Someone who may see more cases than the list counts (1,000) gets the same pages whether
/// the list starts from their own cases or from the cases in list order (the per-case form of
/// the need-to-know clause): the same rows, in the same order, as the list without the clause
/// when they may see every case.
#[tokio::test]
async fn a_person_who_sees_many_cases_gets_the_same_pages_newest_first() {
    on_every_backend(|db| async move {
        for i in 0..(ave_store::COUNT_CAP + 5) {
            Household::open(&db, &format!("veel-{i:04}"), "Voorbeeldstad").await;
        }
        let today = "2026-06-01";
        let visible = CaseFilter {
            closed: Some(false),
            visible: Some(ave_store::Visible {
                person: support::CASUSREGISSEUR.to_owned(),
                now: "2026-06-01T00:00:00.000000Z".to_owned(),
                governs: Vec::new(),
            }),
            ..CaseFilter::default()
        };
        let open = CaseFilter {
            closed: Some(false),
            ..CaseFilter::default()
        };
        // Starting from the person's own cases (the default for 1,005) or from the cases in
        // list order (a limit of 0): the same rows; the total exact from the former, capped
        // by the latter.
        let ids = |p: &ave_store::Page<ave_store::CaseRow>| {
            p.items.iter().map(|r| r.id.to_string()).collect::<Vec<_>>()
        };
        for (store, capped) in [
            (db.store.clone(), false),
            (db.store.clone().with_list_start_limit(0), true),
        ] {
            for offset in [0, 25, 990] {
                let mine = store
                    .list(&visible, today, offset, 25)
                    .await
                    .expect("visible");
                assert_eq!(mine.capped, capped);
                if capped {
                    assert_eq!(mine.total, ave_store::COUNT_CAP);
                } else {
                    assert_eq!(mine.total, ave_store::COUNT_CAP + 5);
                }
                let all = store.list(&open, today, offset, 25).await.expect("all");
                assert!(!mine.items.is_empty());
                assert_eq!(mine.items.len(), all.items.len());
                assert_eq!(ids(&mine), ids(&all), "offset {offset}");
            }
        }
        // Someone who governs the phase of all of them (and is involved in none): the same
        // pages, the total capped (each governed phase is counted up to the cap).
        let model = db.model.model().model.id.as_str().to_owned();
        let first = db.store.list(&open, today, 0, 1).await.expect("first");
        let governor = CaseFilter {
            closed: Some(false),
            visible: Some(ave_store::Visible {
                person: "bestuurder-1".to_owned(),
                now: "2026-06-01T00:00:00.000000Z".to_owned(),
                governs: vec![(
                    Some("Voorbeeldstad".to_owned()),
                    model,
                    first.items[0].phase.clone(),
                )],
            }),
            ..CaseFilter::default()
        };
        for offset in [0, 25, 990] {
            let governed = db
                .store
                .list(&governor, today, offset, 25)
                .await
                .expect("governed");
            let all = db.store.list(&open, today, offset, 25).await.expect("all");
            assert_eq!(ids(&governed), ids(&all), "offset {offset}");
            assert_eq!(
                (governed.total, governed.capped),
                (ave_store::COUNT_CAP, true)
            );
        }
        // The same pages and totals from the kept rows (on PostgreSQL taken in memory, the
        // governed total capped as the query caps it).
        let (kept, _) = crate::kept_rows::keeping(&db).await;
        for filter in [&visible, &governor] {
            for offset in [0, 25, 990] {
                let from_memory = kept.list(filter, today, offset, 25).await.expect("kept");
                let stored = db.store.list(filter, today, offset, 25).await.expect("db");
                assert_eq!(from_memory, stored, "offset {offset}");
            }
        }
        kept.stop_keeping_rows().await;
        // Someone else sees none of them.
        let other = CaseFilter {
            visible: Some(ave_store::Visible {
                person: "niemand-1".to_owned(),
                now: "2026-06-01T00:00:00.000000Z".to_owned(),
                governs: Vec::new(),
            }),
            ..CaseFilter::default()
        };
        let none = db.store.list(&other, today, 0, 25).await.expect("other");
        assert_eq!((none.total, none.items.len()), (0, 0));
    })
    .await;
}

/// A list restricted to one person starts at that person's own cases when they are few (their
/// roles, or what they may see): the rows, their order and the exact total are those of the
/// whole list filtered by hand.
#[tokio::test]
async fn a_list_that_starts_at_the_persons_own_cases_gives_the_same_rows() {
    on_every_backend(|db| async move {
        let mut ours = Vec::new();
        for i in 0..6 {
            let mut h = Household::open(&db, &format!("eigen-{i}"), "Voorbeeldstad").await;
            if i % 2 == 0 {
                h.assign_casusregie(&db).await;
                ours.push(h.id.to_string());
            }
        }
        let mut elsewhere = Vec::new();
        for i in 0..3 {
            let h = Household::open(&db, &format!("elders-{i}"), "Ander Dorp").await;
            elsewhere.push(h.id.to_string());
        }
        let today = "2026-06-01";
        let ids = |p: &ave_store::Page<CaseRow>| {
            p.items.iter().map(|r| r.id.to_string()).collect::<Vec<_>>()
        };
        let everything = db
            .store
            .list(&CaseFilter::default(), today, 0, 100)
            .await
            .expect("all");
        let in_order = |wanted: &[String]| -> Vec<String> {
            ids(&everything)
                .into_iter()
                .filter(|id| wanted.contains(id))
                .collect()
        };
        let model = db.model.model().model.id.as_str().to_owned();
        let phase = everything.items[0].phase.clone();
        let visible = |person: &str, governs: Vec<(Option<String>, String, String)>| {
            Some(ave_store::Visible {
                person: person.to_owned(),
                now: "2026-06-01T00:00:00.000000Z".to_owned(),
                governs,
            })
        };

        // The same from either end: the person's own cases (the default) or the cases in
        // list order (a limit of 0).
        for store in [db.store.clone(), db.store.clone().with_list_start_limit(0)] {
            // My roles, seen through need-to-know: the three where I hold casusregie.
            let mine = CaseFilter {
                holder: Some(support::CASUSREGISSEUR.to_owned()),
                holder_roles: Some(vec!["casusregie".to_owned()]),
                visible: visible(support::CASUSREGISSEUR, Vec::new()),
                ..CaseFilter::default()
            };
            let page = store.list(&mine, today, 0, 100).await.expect("mine");
            assert_eq!(ids(&page), in_order(&ours));
            assert_eq!((page.total, page.capped), (3, false));
            // A page of it.
            let second = store.list(&mine, today, 1, 1).await.expect("page");
            assert_eq!(ids(&second), in_order(&ours)[1..2].to_vec());
            assert_eq!(second.total, 3);
            // Roles nobody asked for: none.
            let no_roles = CaseFilter {
                holder_roles: Some(Vec::new()),
                ..mine.clone()
            };
            let page = store.list(&no_roles, today, 0, 100).await.expect("none");
            assert_eq!((page.total, page.items.len()), (0, 0));

            // Someone involved in nothing who governs the phase in Ander Dorp sees its three.
            let governor = CaseFilter {
                visible: visible(
                    "bestuurder-1",
                    vec![(Some("Ander Dorp".to_owned()), model.clone(), phase.clone())],
                ),
                ..CaseFilter::default()
            };
            let page = store
                .list(&governor, today, 0, 100)
                .await
                .expect("governed");
            assert_eq!(ids(&page), in_order(&elsewhere));
            assert_eq!((page.total, page.capped), (3, false));
            // … and nothing of it in Voorbeeldstad.
            let there = CaseFilter {
                gemeente: Some("Voorbeeldstad".to_owned()),
                ..governor.clone()
            };
            let page = store.list(&there, today, 0, 100).await.expect("there");
            assert_eq!((page.total, page.items.len()), (0, 0));
            // Governing the phase in every gemeente: all nine.
            let everywhere = CaseFilter {
                visible: visible("bestuurder-1", vec![(None, model.clone(), phase.clone())]),
                ..CaseFilter::default()
            };
            let page = store.list(&everywhere, today, 0, 100).await.expect("all");
            assert_eq!(ids(&page), ids(&everything));
            assert_eq!(page.total, 9);
            // Involved and governing at once, or governing two phases (two streams): each
            // case once, in list order, page by page, with the exact total.
            for (person, governs) in [
                (
                    support::CASUSREGISSEUR,
                    vec![(Some("Ander Dorp".to_owned()), model.clone(), phase.clone())],
                ),
                (
                    "bestuurder-1",
                    vec![
                        (Some("Ander Dorp".to_owned()), model.clone(), phase.clone()),
                        (
                            Some("Voorbeeldstad".to_owned()),
                            model.clone(),
                            phase.clone(),
                        ),
                    ],
                ),
            ] {
                let both = CaseFilter {
                    visible: visible(person, governs),
                    ..CaseFilter::default()
                };
                let all = store.list(&both, today, 0, 100).await.expect("both");
                assert_eq!(ids(&all), ids(&everything), "{person}");
                assert_eq!((all.total, all.capped), (9, false), "{person}");
                for offset in 0..9_usize {
                    let two = store
                        .list(&both, today, offset as u64, 2)
                        .await
                        .expect("page");
                    let end = (offset + 2).min(9);
                    assert_eq!(
                        ids(&two),
                        ids(&everything)[offset..end].to_vec(),
                        "{person} at {offset}"
                    );
                    assert_eq!(two.total, 9, "{person} at {offset}");
                }
            }
            // A phase of another model: none.
            let other_model = CaseFilter {
                visible: visible(
                    "bestuurder-1",
                    vec![(None, "ander-model".to_owned(), phase.clone())],
                ),
                ..CaseFilter::default()
            };
            let page = store
                .list(&other_model, today, 0, 100)
                .await
                .expect("other");
            assert_eq!((page.total, page.items.len()), (0, 0));
        }
        // Attention lists: from the cases with the kind (when no more than the limit have
        // it), the visible cases, or in list order — the rows that have the kind, all the same.
        let everywhere = visible("bestuurder-1", vec![(None, model.clone(), phase.clone())]);
        let both_places = visible(
            "bestuurder-1",
            ["Voorbeeldstad", "Ander Dorp"]
                .map(|g| (Some(g.to_owned()), model.clone(), phase.clone()))
                .to_vec(),
        );
        let mut kinds: Vec<String> = everything
            .items
            .iter()
            .flat_map(|r| r.attention_on(today))
            .collect();
        kinds.extend(["evaluation-overdue", "stagnation", "deviation-unseen"].map(str::to_owned));
        kinds.sort();
        kinds.dedup();
        let mut started_there = 0;
        for kind in &kinds {
            let wanted: Vec<String> = everything
                .items
                .iter()
                .filter(|r| r.attention_on(today).contains(kind))
                .map(|r| r.id.to_string())
                .collect();
            let n = wanted.len() as u64;
            started_there += usize::from(n > 0 && n < 9);
            // Governing the phase everywhere, or in both gemeenten by name (then the overdue
            // cases of each come from an index per governed phase).
            for governs in [&everywhere, &both_places] {
                for limit in [ave_store::COUNT_CAP, 0, n] {
                    let store = db.store.clone().with_list_start_limit(limit);
                    let f = CaseFilter {
                        attention: Some(kind.clone()),
                        visible: governs.clone(),
                        ..CaseFilter::default()
                    };
                    let page = store.list(&f, today, 0, 100).await.expect("attention");
                    assert_eq!(ids(&page), wanted, "{kind} at limit {limit}");
                    assert_eq!(page.total, n, "{kind} at limit {limit}");
                }
            }
        }
        assert!(
            started_there > 0,
            "some kind is had by a few cases: {kinds:?}"
        );
    })
    .await;
}
