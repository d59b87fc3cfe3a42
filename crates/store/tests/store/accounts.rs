//! Local accounts: stored once per person under a unique lowercased login name; failures are
//! counted and lock the account in one statement; a TOTP step is accepted once; a pending
//! organisation choice is taken once and expires.

use ave_store::StoreError;
use ave_store::accounts::Account;
use ave_store::identity::{Membership, Organisation, Person};

use crate::support::{TestDb, at, on_every_backend};

async fn person(db: &TestDb, id: &str) {
    db.store
        .put_organisation(
            &Organisation {
                id: "gemeente-a".to_owned(),
                name: "Gemeente A".to_owned(),
            },
            None,
        )
        .await
        .expect("organisation");
    db.store
        .put_person(
            &Person {
                id: id.to_owned(),
                name: format!("{id} (werknaam)"),
                admin: false,
                privacy: false,
                active: true,
                memberships: vec![Membership {
                    organisation: "gemeente-a".to_owned(),
                    gemeente: None,
                    function: "casusregisseur".to_owned(),
                }],
            },
            Default::default(),
        )
        .await
        .expect("person");
}

fn account(person: &str, login: &str) -> Account {
    Account {
        person: person.to_owned(),
        login: login.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        totp_secret: "JBSWY3DPEHPK3PXP".to_owned(),
        totp_last_step: None,
        failed_count: 0,
        locked_until: None,
        created_at: at(1),
    }
}

/// Work names for a page come in one query: the known ones by id, the unknown ones left out;
/// an organisation's name by its id.
#[tokio::test]
async fn work_names_are_found_for_the_known_ids_only() {
    on_every_backend(|db| async move {
        person(&db, "p-1").await;
        person(&db, "p-2").await;
        let ids = ["p-2", "onbekend-1", "p-1"].map(str::to_owned);
        let names = db.store.work_names(&ids).await.expect("names");
        assert_eq!(names.len(), 2);
        assert_eq!(names["p-1"], "p-1 (werknaam)");
        assert_eq!(names["p-2"], "p-2 (werknaam)");
        let many: Vec<String> = (0..1200).map(|i| format!("x-{i}")).chain(ids).collect();
        assert_eq!(db.store.work_names(&many).await.expect("many").len(), 2);
        assert!(db.store.work_names(&[]).await.expect("none").is_empty());
        // An organisation's name, for the page header.
        let name = db
            .store
            .organisation_name("gemeente-a")
            .await
            .expect("name");
        assert_eq!(name.as_deref(), Some("Gemeente A"));
        assert_eq!(
            db.store.organisation_name("onbekend").await.expect("none"),
            None
        );
    })
    .await;
}

#[tokio::test]
async fn an_account_is_found_by_its_login_name_in_any_case_and_by_its_person() {
    on_every_backend(|db| async move {
        person(&db, "p-1").await;
        db.store
            .create_account(&account("p-1", "A.Jansen"), None)
            .await
            .expect("created");
        let found = db
            .store
            .account_by_login("  a.JANSEN ")
            .await
            .expect("read")
            .expect("found");
        assert_eq!(found.login, "a.jansen");
        assert_eq!(found.person, "p-1");
        assert_eq!(found.created_at, at(1));
        assert_eq!(
            db.store.account_of_person("p-1").await.expect("read"),
            Some(found.clone())
        );
        assert!(
            !format!("{found:?}").contains("argon2id"),
            "no secrets in Debug"
        );
        assert!(
            db.store
                .account_by_login("b.jansen")
                .await
                .expect("read")
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn a_taken_login_name_an_unknown_person_or_a_second_account_is_refused() {
    on_every_backend(|db| async move {
        person(&db, "p-1").await;
        person(&db, "p-2").await;
        db.store
            .create_account(&account("p-1", "a.jansen"), None)
            .await
            .expect("created");
        for (a, why) in [
            (account("p-2", "A.Jansen"), "al in gebruik"),
            (account("p-9", "x.onbekend"), "personenlijst"),
            (account("p-1", "tweede"), "al een account"),
        ] {
            match db.store.create_account(&a, None).await {
                Err(StoreError::Invalid(reason)) => assert!(reason.contains(why), "{reason}"),
                other => panic!("expected a refusal, got {other:?}"),
            }
        }
        assert!(
            db.store
                .account_of_person("p-2")
                .await
                .expect("r")
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn failures_are_counted_and_the_fifth_locks_until_a_success_or_an_unlock() {
    on_every_backend(|db| async move {
        person(&db, "p-1").await;
        db.store
            .create_account(&account("p-1", "a.jansen"), None)
            .await
            .expect("created");
        let lock = chrono::Duration::minutes(15);
        for n in 1..=4 {
            let f = db
                .store
                .record_login_failure("p-1", at(2), 5, lock)
                .await
                .expect("counted")
                .expect("account");
            assert_eq!((f.count, f.locked_until), (n, None));
        }
        let f = db
            .store
            .record_login_failure("p-1", at(2), 5, lock)
            .await
            .expect("counted")
            .expect("account");
        assert_eq!((f.count, f.locked_until), (5, Some(at(2) + lock)));
        let a = db
            .store
            .account_by_login("a.jansen")
            .await
            .expect("r")
            .expect("a");
        assert!(a.locked_at(at(2) + chrono::Duration::minutes(14)));
        assert!(!a.locked_at(at(2) + lock), "the lock ends after 15 minutes");
        assert!(
            db.store
                .unlock_account("A.Jansen", None)
                .await
                .expect("unlock")
        );
        let a = db
            .store
            .account_by_login("a.jansen")
            .await
            .expect("r")
            .expect("a");
        assert_eq!((a.failed_count, a.locked_until), (0, None));
        assert!(
            db.store
                .record_login_failure("nobody", at(2), 5, lock)
                .await
                .expect("r")
                .is_none()
        );
        assert!(!db.store.unlock_account("nobody", None).await.expect("r"));
    })
    .await;
}

#[tokio::test]
async fn a_totp_step_is_accepted_once_and_a_success_resets_the_failures() {
    on_every_backend(|db| async move {
        person(&db, "p-1").await;
        db.store
            .create_account(&account("p-1", "a.jansen"), None)
            .await
            .expect("created");
        let lock = chrono::Duration::minutes(15);
        db.store
            .record_login_failure("p-1", at(2), 5, lock)
            .await
            .expect("counted");
        assert!(
            db.store
                .record_login_success("p-1", 1000)
                .await
                .expect("ok")
        );
        assert!(
            !db.store.record_login_success("p-1", 1000).await.expect("r"),
            "replay"
        );
        assert!(
            !db.store.record_login_success("p-1", 999).await.expect("r"),
            "older step"
        );
        let a = db
            .store
            .account_of_person("p-1")
            .await
            .expect("r")
            .expect("a");
        assert_eq!((a.failed_count, a.totp_last_step), (0, Some(1000)));
        assert!(
            db.store
                .record_login_success("p-1", 1001)
                .await
                .expect("ok")
        );
    })
    .await;
}

#[tokio::test]
async fn a_new_password_hash_replaces_the_old_one() {
    on_every_backend(|db| async move {
        person(&db, "p-1").await;
        db.store
            .create_account(&account("p-1", "a.jansen"), None)
            .await
            .expect("created");
        assert!(
            db.store
                .set_password_hash("a.jansen", "$argon2id$nieuw", None)
                .await
                .expect("set")
                .is_some()
        );
        assert!(
            db.store
                .set_password_hash("niemand", "$argon2id$x", None)
                .await
                .expect("r")
                .is_none()
        );
        let a = db
            .store
            .account_of_person("p-1")
            .await
            .expect("r")
            .expect("a");
        assert_eq!(a.password_hash, "$argon2id$nieuw");
    })
    .await;
}

#[tokio::test]
async fn a_pending_organisation_choice_is_taken_once_and_expires() {
    on_every_backend(|db| async move {
        person(&db, "p-1").await;
        db.store
            .create_login_choice("h1", "p-1", at(3))
            .await
            .expect("stored");
        assert_eq!(
            db.store.take_login_choice("h1", at(2)).await.expect("r"),
            Some("p-1".to_owned())
        );
        assert_eq!(
            db.store.take_login_choice("h1", at(2)).await.expect("r"),
            None
        );
        db.store
            .create_login_choice("h2", "p-1", at(3))
            .await
            .expect("stored");
        assert_eq!(
            db.store.take_login_choice("h2", at(4)).await.expect("r"),
            None
        );
    })
    .await;
}
