//! Meldingen (issue 12): written with the command's events or not at all; listed newest
//! first per person with an unread count; marked read only by their owner; an e-mail in the
//! outbox only for a person with an address, retried until sent.

use ave_store::StoreError;
use ave_store::audit::AuditEntry;
use ave_store::identity::{Membership, Organisation, Person, PersonWrite};
use ave_store::notifications::{Email, NewNotification};

use crate::support::{Household, TestDb, at, on_every_backend};

async fn person(db: &TestDb, id: &str, gemeente: Option<&str>, function: &str) {
    db.store
        .put_organisation(
            &Organisation {
                id: "org".to_owned(),
                name: "Organisatie".to_owned(),
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
                    organisation: "org".to_owned(),
                    gemeente: gemeente.map(str::to_owned),
                    function: function.to_owned(),
                }],
            },
            Default::default(),
        )
        .await
        .expect("person");
}

fn melding(id: &str, person: &str, n: u32) -> NewNotification {
    NewNotification {
        id: id.to_owned(),
        person: person.to_owned(),
        kind: "trigger".to_owned(),
        data: r#"{"trigger":"t-1"}"#.to_owned(),
        created_at: at(n),
        mail: true,
    }
}

#[tokio::test]
async fn a_melding_is_written_with_the_events_and_not_without_them() {
    on_every_backend(|db| async move {
        person(&db, "p-1", Some("Voorbeeldstad"), "casusregisseur").await;
        let h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
        let v = h.case().seq();
        let mut good = h.next_signal_append(v);
        good.notify = vec![melding("m-1", "p-1", 10)];
        // The same command decided on an old version: a conflict, and no melding.
        let mut stale = h.next_signal_append(v - 1);
        stale.notify = vec![melding("m-2", "p-1", 11)];
        let results = db.store.append_batch(&[stale, good]).await;
        assert!(matches!(results[0], Err(StoreError::Conflict { .. })));
        assert!(results[1].is_ok());
        let page = db.store.notifications("p-1", 0, 10).await.expect("list");
        assert_eq!(page.total, 1);
        assert_eq!(page.items[0].id, "m-1");
        assert_eq!(page.items[0].case_id, "casus-1");
        assert!(
            db.store
                .notification("p-1", "m-2")
                .await
                .expect("one")
                .is_none()
        );
    })
    .await;
}

#[tokio::test]
async fn meldingen_list_newest_first_with_the_unread_count_and_only_the_owner_marks_read() {
    on_every_backend(|db| async move {
        person(&db, "p-1", None, "casusregisseur").await;
        let h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
        let mut a = h.next_signal_append(h.case().seq());
        a.notify = vec![
            melding("m-1", "p-1", 10),
            melding("m-2", "p-1", 12),
            melding("m-3", "p-2", 11),
        ];
        db.writer.append(a).await.expect("stored");
        let page = db.store.notifications("p-1", 0, 10).await.expect("list");
        let ids: Vec<&str> = page.items.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["m-2", "m-1"]);
        assert_eq!(db.store.unread_count("p-1").await.expect("n"), 2);
        assert!(
            !db.store
                .mark_read("p-2", "m-1", at(20), &marked("p-2", 20))
                .await
                .expect("other")
        );
        assert!(
            db.store
                .mark_read("p-1", "m-1", at(20), &marked("p-1", 20))
                .await
                .expect("mine")
        );
        assert!(
            db.store
                .mark_read("p-1", "m-1", at(30), &marked("p-1", 30))
                .await
                .expect("again")
        );
        assert_eq!(db.store.unread_count("p-1").await.expect("n"), 1);
        let read = db.store.notification("p-1", "m-1").await.expect("one");
        assert_eq!(read.and_then(|n| n.read_at), Some(at(20)));
        // Each marking's entry committed with it; the refused one (not p-2's) left none.
        db.store.audit_append(&[]).await.expect("moved");
        let logged = db
            .store
            .audit_for_object("melding/m-1", 10)
            .await
            .expect("log");
        let by: Vec<(&str, chrono::DateTime<chrono::Utc>)> = logged
            .iter()
            .map(|(_, e)| (e.actor.as_str(), e.at))
            .collect();
        assert_eq!(by, [("p-1", at(20)), ("p-1", at(30))]);
        let second = db.store.notifications("p-1", 1, 1).await.expect("page 2");
        assert_eq!(second.items.len(), 1);
        assert_eq!(second.total, 2);
    })
    .await;
}

#[tokio::test]
async fn an_email_is_queued_only_for_a_person_with_an_address_and_retried_until_sent() {
    on_every_backend(|db| async move {
        person(&db, "p-1", None, "casusregisseur").await;
        person(&db, "p-2", None, "casusregisseur").await;
        let email = Email::parse("p1@gemeente.example").expect("address");
        let p1 = db.store.person("p-1").await.expect("read").expect("p-1");
        let with = PersonWrite {
            email: Some(Some(&email)),
            audit: None,
        };
        db.store.put_person(&p1, with).await.expect("set");
        let h = Household::open(&db, "casus-1", "Voorbeeldstad").await;
        let mut a = h.next_signal_append(h.case().seq());
        a.notify = vec![melding("m-1", "p-1", 10), melding("m-2", "p-2", 10)];
        db.writer.append(a).await.expect("stored");
        let due = db.store.due_mail(at(11), 10).await.expect("due");
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].notification, "m-1");
        assert_eq!(due[0].email, "p1@gemeente.example");
        assert!(
            db.store
                .claim_mail("m-1", at(11), at(15))
                .await
                .expect("claim")
        );
        assert!(
            !db.store
                .claim_mail("m-1", at(11), at(15))
                .await
                .expect("twice")
        );
        db.store
            .mail_failed("m-1", "verbinding geweigerd", at(20))
            .await
            .expect("failed");
        assert!(
            db.store
                .due_mail(at(19), 10)
                .await
                .expect("later")
                .is_empty()
        );
        assert_eq!(db.store.due_mail(at(20), 10).await.expect("due").len(), 1);
        db.store.mail_sent("m-1", at(21)).await.expect("sent");
        assert!(
            db.store
                .due_mail(at(99), 10)
                .await
                .expect("none")
                .is_empty()
        );
        assert_eq!(
            db.store.mail_state("m-1").await.expect("state"),
            Some((2, true, None))
        );
        assert!(db.store.mail_state("m-2").await.expect("none").is_none());
        let emails = db.store.person_emails().await.expect("emails");
        assert_eq!(
            emails.get("p-1").map(String::as_str),
            Some("p1@gemeente.example")
        );
        // Putting the person again keeps the address.
        person(&db, "p-1", None, "casusregisseur").await;
        assert_eq!(db.store.person_emails().await.expect("emails").len(), 1);
    })
    .await;
}

#[tokio::test]
async fn function_holders_are_found_for_the_gemeente_and_region_wide() {
    on_every_backend(|db| async move {
        person(&db, "p-oss", Some("Oss"), "procesregisseur").await;
        person(&db, "p-uden", Some("Uden"), "procesregisseur").await;
        person(&db, "p-regio", None, "procesregisseur").await;
        person(&db, "p-ander", Some("Oss"), "casusregisseur").await;
        let f = vec!["procesregisseur".to_owned()];
        let oss = db
            .store
            .persons_with_functions(&f, Some("Oss"))
            .await
            .expect("oss");
        assert_eq!(oss, ["p-oss", "p-regio"]);
        let none = db
            .store
            .persons_with_functions(&f, None)
            .await
            .expect("none");
        assert_eq!(none, ["p-regio"]);
    })
    .await;
}

/// The audit entry of `person` marking m-1 read at `t`.
fn marked(person: &str, t: u32) -> AuditEntry {
    AuditEntry {
        at: at(t),
        actor: person.to_owned(),
        origin: "test".to_owned(),
        action: "schrijven".into(),
        object: "melding/m-1".to_owned(),
        result: "ok: gelezen".into(),
    }
}
