//! Case rows kept in memory (`Store::keep_case_rows`): a read of a kept row is served from
//! memory on PostgreSQL, and forgotten when any process changes the row — this store's own
//! writer at once, anyone else through the announcement on `ave_casussen` — and when the
//! listening connection is lost. On SQLite every read goes to the database.

use std::time::Duration;

use ave_engine::ids::CaseId;
use ave_store::{CaseFilter, CaseRow, GroupCommit, Page, Store, Visible};

use crate::support::{CASUSREGISSEUR, Household, TestDb, on_every_backend};

/// Waits (up to 10 s) until `ok` holds of the store's kept-rows status (listening,
/// listening began, warm-ups ended).
async fn until(store: &Store, what: &str, ok: impl Fn((bool, u64, u64)) -> bool) {
    for _ in 0..500 {
        if store.kept_rows_status().is_some_and(&ok) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what}: te lang gewacht");
}

async fn set_announcing(db: &TestDb, on: bool) {
    let verb = if on { "ENABLE" } else { "DISABLE" };
    db.exec(&format!(
        "ALTER TABLE cases {verb} TRIGGER cases_updated_announce"
    ))
    .await;
    db.exec(&format!(
        "ALTER TABLE case_involvement {verb} TRIGGER case_involvement_updated_announce"
    ))
    .await;
}

/// Runs `sql` (a change of `cases` or `case_involvement`) with the announcing triggers off
/// on PostgreSQL, as an administrator could; SQLite has no trigger.
async fn unannounced(db: &TestDb, postgres: bool, sql: &str) {
    if postgres {
        set_announcing(db, false).await;
    }
    db.exec(sql).await;
    if postgres {
        set_announcing(db, true).await;
    }
}

/// `db`'s store keeping case rows, once it listens and its warm-up ended; whether it keeps
/// them (PostgreSQL) or not (SQLite).
pub(crate) async fn keeping(db: &TestDb) -> (Store, bool) {
    let kept = db.store.clone().keep_case_rows();
    let postgres = kept.kept_rows_status().is_some();
    if postgres {
        until(&kept, "luisteren", |(on, _, warmed)| on && warmed >= 1).await;
    }
    (kept, postgres)
}

/// `n` households `{prefix}-0` …: the first `in_first` in Voorbeeldstad, the others in Ander
/// Dorp; every `every`-th with casusregie assigned (to the casusregisseur).
async fn households(
    db: &TestDb,
    prefix: &str,
    (n, in_first): (usize, usize),
    every: usize,
) -> Vec<Household> {
    let mut all = Vec::new();
    for i in 0..n {
        let gemeente = if i < in_first {
            "Voorbeeldstad"
        } else {
            "Ander Dorp"
        };
        let mut h = Household::open(db, &format!("{prefix}-{i}"), gemeente).await;
        if i % every == 0 {
            h.assign_casusregie(db).await;
        }
        all.push(h);
    }
    all
}

/// A page of `filter`'s list (on 1 June 2026) from the store that keeps rows, and from the
/// test's own store (which keeps none: the query's list).
async fn both(
    kept: &Store,
    db: &TestDb,
    filter: &CaseFilter,
    (offset, limit): (u64, u64),
) -> (Page<CaseRow>, Page<CaseRow>) {
    let today = "2026-06-01";
    let from_memory = kept.list(filter, today, offset, limit).await.expect("kept");
    let stored = db
        .store
        .list(filter, today, offset, limit)
        .await
        .expect("db");
    (from_memory, stored)
}

/// The row of `id` as `store` gives it for reading.
async fn row_of(store: &Store, id: &CaseId) -> CaseRow {
    store.case_row_kept(id).await.expect("row").expect("exists")
}

/// The row of `id` as `store` gives it once it is as `ok` wants: a change made elsewhere
/// was announced and the kept row forgotten. Fails when that takes more than seconds.
async fn announced(store: &Store, id: &CaseId, ok: impl Fn(&CaseRow) -> bool) -> CaseRow {
    for _ in 0..1000 {
        let read = row_of(store, id).await;
        if ok(&read) {
            return read;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("de aankondiging bleef uit");
}

#[tokio::test]
async fn a_kept_row_is_served_from_memory_until_a_change_is_announced() {
    on_every_backend(|db| async move {
        let mut h = Household::open(&db, "bewaard-1", "Voorbeeldstad").await;
        let (kept, postgres) = keeping(&db).await;
        let stored = db
            .store
            .case_row(&h.id)
            .await
            .expect("row")
            .expect("exists");
        let read = row_of(&kept, &h.id).await;
        assert_eq!(read, stored);

        // A change nobody announces (the trigger off, as an administrator could): a kept
        // row does not see it — which shows it is served from memory; SQLite reads anew.
        unannounced(
            &db,
            postgres,
            "UPDATE cases SET review_due = '2099-01-01' WHERE id = 'bewaard-1'",
        )
        .await;
        let read = row_of(&kept, &h.id).await;
        let expected = if postgres { None } else { Some("2099-01-01") };
        assert_eq!(read.review_due.as_deref(), expected);

        // Another writer's change (not this store's writer) is announced and forgotten.
        h.signal(&db, 1).await;
        let read = announced(&kept, &h.id, |r| r.version == h.case().seq()).await;
        assert_eq!(read, db.store.case_row(&h.id).await.unwrap().unwrap());
        kept.stop_keeping_rows().await;
    })
    .await;
}

#[tokio::test]
async fn a_change_of_who_is_involved_is_announced_too() {
    on_every_backend(|db| async move {
        let h = Household::open(&db, "bewaard-6", "Voorbeeldstad").await;
        let (kept, postgres) = keeping(&db).await;
        if !postgres {
            return; // SQLite keeps the involvement on the row, and keeps no rows.
        }
        let before = row_of(&kept, &h.id).await;
        assert!(before.access.iter().count() > 0, "someone is involved");
        // Only the involvement, beside the row, changed by hand: the row is forgotten
        // all the same, and read anew with nobody involved.
        db.exec("UPDATE case_involvement SET access = '' WHERE id = 'bewaard-6'")
            .await;
        announced(&kept, &h.id, |r| r.access.iter().count() == 0).await;
        kept.stop_keeping_rows().await;
    })
    .await;
}

#[tokio::test]
async fn this_stores_own_writes_are_forgotten_before_they_are_answered() {
    on_every_backend(|db| async move {
        let h = Household::open(&db, "bewaard-2", "Voorbeeldstad").await;
        let (kept, postgres) = keeping(&db).await;
        if postgres {
            // No announcement can help: only the writer's own forgetting.
            set_announcing(&db, false).await;
        }
        let before = row_of(&kept, &h.id).await;
        let writer = GroupCommit::start(kept.clone());
        let append = h.next_signal_append(h.case().seq());
        let appended = writer.append(append).await.expect("stored");
        let after = row_of(&kept, &h.id).await;
        assert_eq!(after.version, appended.version);
        assert!(after.version > before.version);
        if postgres {
            set_announcing(&db, true).await;
        }
        kept.stop_keeping_rows().await;
    })
    .await;
}

#[tokio::test]
async fn after_a_lost_connection_nothing_kept_from_before_is_served() {
    on_every_backend(|db| async move {
        let h = Household::open(&db, "bewaard-3", "Voorbeeldstad").await;
        let (kept, postgres) = keeping(&db).await;
        if !postgres {
            return; // SQLite keeps nothing.
        }
        row_of(&kept, &h.id).await;
        // Changed unannounced, then the listening connection is cut: announcements may
        // have been lost, so what was kept must go.
        unannounced(
            &db,
            postgres,
            "UPDATE cases SET review_due = '2099-02-02' WHERE id = 'bewaard-3'",
        )
        .await;
        let stale = row_of(&kept, &h.id).await;
        assert_eq!(stale.review_due, None, "served from memory before the cut");
        db.exec(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = '{}' AND datname = current_database()",
            "ave-casusrijen"
        ))
        .await;
        until(&kept, "opnieuw luisteren", |(on, n, warmed)| {
            on && n >= 2 && warmed >= 2
        })
        .await;
        let read = row_of(&kept, &h.id).await;
        assert_eq!(read.review_due.as_deref(), Some("2099-02-02"));
        kept.stop_keeping_rows().await;
    })
    .await;
}

#[tokio::test]
async fn the_warm_up_keeps_rows_before_anyone_reads_them() {
    on_every_backend(|db| async move {
        let open = Household::open(&db, "bewaard-4", "Voorbeeldstad").await;
        let mut closed = Household::open(&db, "bewaard-5", "Voorbeeldstad").await;
        closed
            .run(
                &db,
                serde_json::json!({"do": "close", "reason": "verhuisd", "end_state": "verhuisd"}),
            )
            .await;
        let (kept, postgres) = keeping(&db).await;
        if !postgres {
            return; // SQLite keeps nothing.
        }
        // Changed unannounced after the warm-up: both rows come from memory, unchanged.
        unannounced(&db, postgres, "UPDATE cases SET review_due = '2099-03-03'").await;
        for h in [&open, &closed] {
            let read = row_of(&kept, &h.id).await;
            assert_eq!(read.review_due, None, "{} was not warmed", h.id);
        }
        kept.stop_keeping_rows().await;
    })
    .await;
}

#[tokio::test]
async fn a_list_from_kept_rows_is_the_list_from_the_database() {
    on_every_backend(|db| async move {
        let mut households = households(&db, "lijst", (8, 5), 3).await;
        let (kept, _) = keeping(&db).await;
        let today = "2026-06-01";
        let filters = [
            CaseFilter::default(),
            CaseFilter {
                gemeente: Some("Voorbeeldstad".to_owned()),
                closed: Some(false),
                ..CaseFilter::default()
            },
            CaseFilter {
                holder: Some(CASUSREGISSEUR.to_owned()),
                ..CaseFilter::default()
            },
            CaseFilter {
                visible: Some(Visible {
                    person: CASUSREGISSEUR.to_owned(),
                    now: "2026-06-01T00:00:00.000000Z".to_owned(),
                    governs: Vec::new(),
                }),
                ..CaseFilter::default()
            },
        ];
        let same = |a: &Page<CaseRow>, b: &Page<CaseRow>| {
            a.items == b.items && a.total == b.total && a.capped == b.capped
        };
        for filter in &filters {
            for (offset, limit) in [(0, 100), (2, 3)] {
                let (from_memory, stored) = both(&kept, &db, filter, (offset, limit)).await;
                assert!(!stored.items.is_empty());
                assert!(same(&from_memory, &stored), "{filter:?} {offset} {limit}");
            }
        }
        // Another writer's change: once announced, the kept list reads that row anew.
        households[0].signal(&db, 1).await;
        let stored = db.store.list(&filters[0], today, 0, 100).await.expect("db");
        let mut equal = false;
        for _ in 0..1000 {
            let from_memory = kept.list(&filters[0], today, 0, 100).await.expect("kept");
            if same(&from_memory, &stored) {
                equal = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(equal, "the kept list never showed the change");
        kept.stop_keeping_rows().await;
    })
    .await;
}

/// A need-to-know list of someone involved in few cases is answered from the kept rows on
/// PostgreSQL (only the ids of their cases come from the database): the same pages and
/// totals as the query gives, for every filter; an involvement that ends is out of the next
/// list at once; and a row's fields are those of the kept row (which shows where the list
/// came from).
#[tokio::test]
async fn a_need_to_know_list_from_kept_rows_is_the_query_s_list() {
    on_every_backend(|db| async move {
        households(&db, "nodig", (10, 6), 2).await;
        // Variety the filters can tell apart, written in the read model directly; a partner
        // contributed to some cases and has a break-glass grant for one (another expired).
        for sql in [
            "UPDATE cases SET phase = 'elders' WHERE id IN ('nodig-1', 'nodig-4', 'nodig-7')",
            "UPDATE cases SET closed = TRUE WHERE id IN ('nodig-2', 'nodig-7')",
            "UPDATE cases SET next_evaluation = '2026-05-01' WHERE id IN ('nodig-0', 'nodig-2', 'nodig-3', 'nodig-8')",
            "UPDATE cases SET next_evaluation = '2026-07-01' WHERE id IN ('nodig-4', 'nodig-5')",
            "UPDATE cases SET flags = '' WHERE id LIKE 'nodig-%'",
            "UPDATE cases SET flags = ',role-unfilled,handover-open,' WHERE id IN ('nodig-1', 'nodig-6')",
            "UPDATE cases SET flags = ',handover-open,' WHERE id = 'nodig-3'",
            // The flags as the index of cases per flag has them (the read model keeps both).
            "DELETE FROM case_flags WHERE case_id LIKE 'nodig-%'",
            "INSERT INTO case_flags (kind, case_id) VALUES ('role-unfilled', 'nodig-1'), ('handover-open', 'nodig-1'), ('role-unfilled', 'nodig-6'), ('handover-open', 'nodig-6'), ('handover-open', 'nodig-3')",
            "INSERT INTO case_access (case_id, person, kind) VALUES ('nodig-1', 'partner-1', 'bijdrager'), ('nodig-3', 'partner-1', 'bijdrager'), ('nodig-6', 'partner-1', 'deelnemer'), ('nodig-7', 'partner-1', 'bijdrager')",
            "INSERT INTO break_glass (id, case_id, person, reason, granted_at, expires_at) VALUES ('bg-1', 'nodig-8', 'partner-1', 'spoed', '2026-05-31T00:00:00.000000Z', '2026-06-02T00:00:00.000000Z'), ('bg-2', 'nodig-9', 'partner-1', 'spoed', '2026-05-01T00:00:00.000000Z', '2026-05-02T00:00:00.000000Z')",
        ] {
            db.exec(sql).await;
        }
        let (kept, postgres) = keeping(&db).await;
        let today = "2026-06-01";
        let some = |s: &str| Some(s.to_owned());
        // Someone who governs a phase sees its cases too: in one gemeente (its ids are read
        // with the involvement's), in two, or in every gemeente (then the query answers).
        let model = db.model.model().model.id.as_str().to_owned();
        let first = row_of(&kept, &CaseId::parse("nodig-0").expect("id")).await.phase;
        let phase_in = |g: Option<&str>, phase: &str| (g.map(str::to_owned), model.clone(), phase.to_owned());
        let governing = [
            ("bestuurder-1", vec![phase_in(some("Voorbeeldstad").as_deref(), &first)]),
            (
                "bestuurder-2",
                vec![
                    phase_in(Some("Ander Dorp"), "elders"),
                    phase_in(Some("Voorbeeldstad"), "elders"),
                ],
            ),
            (CASUSREGISSEUR, vec![phase_in(Some("Ander Dorp"), &first)]),
            ("bestuurder-3", vec![phase_in(None, "elders")]),
        ];
        let mut people: Vec<_> = [CASUSREGISSEUR, "partner-1", "niemand-1"]
            .map(|p| (p, Vec::new()))
            .to_vec();
        people.extend(governing.iter().cloned());
        let mut filters = Vec::new();
        for (person, governs) in &people {
            let visible = |_: &str| {
                Some(Visible {
                    person: (*person).to_owned(),
                    now: "2026-06-01T00:00:00.000000Z".to_owned(),
                    governs: governs.clone(),
                })
            };
            for gemeente in [None, some("Voorbeeldstad"), some("Ander Dorp")] {
                for phase in [None, some("elders")] {
                    for closed in [None, Some(false), Some(true)] {
                        filters.push(CaseFilter {
                            gemeente: gemeente.clone(),
                            phase: phase.clone(),
                            closed,
                            visible: visible(person),
                            ..CaseFilter::default()
                        });
                    }
                }
            }
            for attention in ["evaluation-overdue", "role-unfilled", "handover-open"] {
                filters.push(CaseFilter {
                    attention: some(attention),
                    visible: visible(person),
                    ..CaseFilter::default()
                });
            }
            for within in [vec![], vec!["nodig-1".to_owned(), "nodig-8".to_owned()]] {
                filters.push(CaseFilter {
                    within: Some(within),
                    visible: visible(person),
                    ..CaseFilter::default()
                });
            }
        }
        let mut shown = 0;
        for filter in &filters {
            for (offset, limit) in [(0, 100), (1, 2)] {
                let (from_memory, stored) = both(&kept, &db, filter, (offset, limit)).await;
                assert_eq!(from_memory, stored, "{filter:?} {offset} {limit}");
                shown += stored.items.len();
            }
        }
        assert!(shown > 50, "the filters show rows: {shown}");
        let partner = CaseFilter {
            visible: Some(Visible {
                person: "partner-1".to_owned(),
                now: "2026-06-01T00:00:00.000000Z".to_owned(),
                governs: Vec::new(),
            }),
            ..CaseFilter::default()
        };
        let listed = |p: &Page<CaseRow>| p.items.iter().map(|r| r.id.to_string()).collect::<Vec<_>>();
        let before = kept.list(&partner, today, 0, 100).await.expect("kept");
        assert_eq!(before.total, 5, "four involvements and one active grant");

        // An involvement that ends: out of the very next list.
        db.exec("DELETE FROM case_access WHERE person = 'partner-1' AND case_id = 'nodig-6'")
            .await;
        let after = kept.list(&partner, today, 0, 100).await.expect("kept");
        assert_eq!(after.total, 4);
        assert!(!listed(&after).contains(&"nodig-6".to_owned()));

        // A change nobody announces: the list filters the kept row (PostgreSQL), the database
        // its own (SQLite).
        unannounced(
            &db,
            postgres,
            "UPDATE cases SET phase = 'elders' WHERE id = 'nodig-3'",
        )
        .await;
        let elders = CaseFilter {
            phase: some("elders"),
            ..partner.clone()
        };
        let page = kept.list(&elders, today, 0, 100).await.expect("kept");
        assert_eq!(
            listed(&page).contains(&"nodig-3".to_owned()),
            !postgres,
            "{:?}",
            listed(&page)
        );
        kept.stop_keeping_rows().await;
    })
    .await;
}

/// The next announcement about persons (up to 10 s).
async fn next_change(
    changes: &mut tokio::sync::broadcast::Receiver<ave_store::PersonsChanged>,
) -> ave_store::PersonsChanged {
    tokio::time::timeout(Duration::from_secs(10), changes.recv())
        .await
        .expect("an announcement in time")
        .expect("received")
}

/// The next announcement about persons, and nothing more within 0.7 s (more than the
/// SQLite count's half-second reading; a second announcement on PostgreSQL arrives within
/// milliseconds).
async fn only_change(
    changes: &mut tokio::sync::broadcast::Receiver<ave_store::PersonsChanged>,
) -> ave_store::PersonsChanged {
    let change = next_change(changes).await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(changes.is_empty(), "announced more than once");
    change
}

/// Every change to who a person is or what they may use — their row, functions, sessions
/// and tokens — is announced with their id on PostgreSQL, whoever makes it, and a lost
/// listening connection tells receivers to forget everything; on SQLite a counter of such
/// changes tells them to forget everything.
#[tokio::test]
async fn changes_of_persons_sessions_and_tokens_are_announced() {
    use ave_store::PersonsChanged;
    use ave_store::identity::{ApiToken, Organisation, Person, Session};
    on_every_backend(|db| async move {
        let (kept, postgres) = keeping(&db).await;
        let mut changes = kept.person_changes().expect("changes are passed on");
        if !postgres {
            // The counter's first reading is where changes start to count.
            tokio::time::sleep(Duration::from_millis(700)).await;
        }
        let org = Organisation {
            id: "gemeente-a".to_owned(),
            name: "A".to_owned(),
        };
        db.store.put_organisation(&org, None).await.expect("org");
        let person = |active| Person {
            id: "p-1".to_owned(),
            name: "P".to_owned(),
            admin: false,
            privacy: false,
            active,
            memberships: Vec::new(),
        };
        // A new person without functions: nothing anyone can have kept.
        db.store
            .put_person(&person(true), Default::default())
            .await
            .expect("new");
        let token = ApiToken {
            person: "p-1".to_owned(),
            name: "t".to_owned(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            expires_at: None,
        };
        db.store
            .create_api_token("h", &token, None)
            .await
            .expect("token");
        let session = Session {
            person: "p-1".to_owned(),
            actor: "{}".to_owned(),
            method: "wachtwoord+totp".to_owned(),
            csrf: "c".to_owned(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            expires_at: chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(1),
        };
        db.store
            .create_session("s", &session)
            .await
            .expect("session");
        let p1 = || {
            if postgres {
                PersonsChanged::Persons(vec!["p-1".to_owned()])
            } else {
                PersonsChanged::All
            }
        };
        // Made inactive (the person's row), a logout, a revoked token: each announced.
        db.store
            .put_person(&person(false), Default::default())
            .await
            .expect("changed");
        assert_eq!(only_change(&mut changes).await, p1());
        db.store
            .create_session("s2", &session)
            .await
            .expect("session");
        assert!(db.store.end_session("s2").await.expect("logout"));
        assert_eq!(only_change(&mut changes).await, p1());
        let revoked = db.store.revoke_api_token("p-1", "t", None).await;
        assert_eq!(revoked.expect("revoked"), 1);
        assert_eq!(only_change(&mut changes).await, p1());
        // By hand, many at once: one announcement for up to 200 persons.
        db.exec("UPDATE persons SET name = 'Q'").await;
        assert_eq!(only_change(&mut changes).await, p1());
        if !postgres {
            return;
        }
        // The listening connection lost: forget everything.
        db.exec(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = '{}' AND datname = current_database()",
            "ave-casusrijen"
        ))
        .await;
        assert_eq!(next_change(&mut changes).await, PersonsChanged::All);
        kept.stop_keeping_rows().await;
    })
    .await;
}

/// A statement that changes many persons or cases with long ids is announced in as many
/// announcements as it takes, each under PostgreSQL's 8,000-byte payload — before, 200 ids
/// of up to 64 characters went into one and `pg_notify` failed the whole transaction.
#[tokio::test]
async fn many_long_ids_are_announced_in_parts_that_fit() {
    use ave_store::PersonsChanged;
    use ave_store::identity::Person;
    on_every_backend(|db| async move {
        let (kept, postgres) = keeping(&db).await;
        if !postgres {
            return; // SQLite announces no ids.
        }
        let long = |prefix: &str, i: usize| format!("{prefix}-{}-{i:04}", "x".repeat(50));
        let persons: Vec<String> = (0..300).map(|i| long("persoon", i)).collect();
        for id in &persons {
            let p = Person {
                id: id.clone(),
                name: "N".to_owned(),
                admin: false,
                privacy: false,
                active: true,
                memberships: Vec::new(),
            };
            db.store
                .put_person(&p, Default::default())
                .await
                .expect("person");
        }
        let mut changes = kept.person_changes().expect("announced");
        db.exec("UPDATE persons SET name = 'M'").await;
        let mut heard = Vec::new();
        while heard.len() < persons.len() {
            match next_change(&mut changes).await {
                PersonsChanged::Persons(ids) => {
                    assert!(ids.join(",").len() <= 7900, "{} bytes", ids.join(",").len());
                    heard.extend(ids);
                }
                PersonsChanged::All => panic!("the connection was not lost"),
            }
        }
        heard.sort();
        assert_eq!(heard, persons);
        // Cases: the statement (here by hand, as a large batch of the writer would) goes
        // through, and every kept row is forgotten.
        let mut ids = Vec::new();
        for i in 0..150 {
            let id = long("casus", i);
            Household::open(&db, &id, "Voorbeeldstad").await;
            ids.push(CaseId::parse(id).expect("id"));
        }
        for id in &ids {
            row_of(&kept, id).await;
        }
        db.exec("UPDATE cases SET review_due = '2099-03-03'").await;
        for id in &ids {
            let read = announced(&kept, id, |r| r.review_due.is_some()).await;
            assert_eq!(read.review_due.as_deref(), Some("2099-03-03"));
        }
        kept.stop_keeping_rows().await;
    })
    .await;
}
