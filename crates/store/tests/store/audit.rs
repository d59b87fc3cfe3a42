//! The security audit log: appended in order, hash-chained, signed at checkpoints; an entry
//! edited, deleted or reordered directly in the database, or a chain rewritten after a
//! checkpoint, is found and named.

use ave_store::Backend;
use std::sync::Arc;

use ave_store::audit::{AuditEntry, key_id};
use ave_store::log_write::LogBatch;
use ave_store::processing::ProcessingRecord;
use ed25519_dalek::SigningKey;

use crate::support::{TestDb, at, on_every_backend};

fn entry(n: u32, action: &str) -> AuditEntry {
    AuditEntry {
        at: at(n),
        actor: format!("account-{}", n % 3),
        origin: "127.0.0.1".to_owned(),
        action: action.to_owned().into(),
        object: format!("casus/casus-{n}"),
        result: "ok".into(),
    }
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// Ten entries in two appends and a checkpoint after the first six.
async fn filled(db: &TestDb) {
    let first: Vec<_> = (1..=6).map(|n| entry(n, "lezen")).collect();
    assert_eq!(db.store.audit_append(&first).await.expect("append"), 6);
    let c = db
        .store
        .audit_checkpoint(&key(7), at(7))
        .await
        .expect("checkpoint")
        .expect("a new head");
    assert_eq!(c.seq, 6);
    assert_eq!(c.key_id, key_id(&key(7).verifying_key()));
    let rest: Vec<_> = (7..=10).map(|n| entry(n, "schrijven")).collect();
    assert_eq!(db.store.audit_append(&rest).await.expect("append"), 10);
}

async fn first_problem(db: &TestDb) -> Option<(u64, String)> {
    let report = db
        .store
        .verify_audit(&[key(7).verifying_key()])
        .await
        .expect("verify");
    report.first_problem.map(|p| (p.seq, p.reason))
}

#[tokio::test]
async fn an_intact_log_verifies_with_its_signed_checkpoints() {
    on_every_backend(|db| async move {
        filled(&db).await;
        let report = db
            .store
            .verify_audit(&[key(7).verifying_key()])
            .await
            .expect("verify");
        assert_eq!(report.entries, 10);
        assert_eq!(report.checkpoints, 1);
        assert_eq!(report.first_problem, None);
        // Signing the same head twice adds nothing; the entries read back as written.
        assert!(
            db.store
                .audit_checkpoint(&key(7), at(11))
                .await
                .expect("ok")
                .is_some()
        );
        assert!(
            db.store
                .audit_checkpoint(&key(7), at(12))
                .await
                .expect("ok")
                .is_none()
        );
        let entries = db.store.audit_entries(0, 100).await.expect("entries");
        assert_eq!(entries.len(), 10);
        assert_eq!(entries[2], (3, entry(3, "lezen")));
    })
    .await;
}

#[tokio::test]
async fn an_edited_entry_is_named() {
    on_every_backend(|db| async move {
        filled(&db).await;
        db.exec("UPDATE audit_log SET action = 'niets' WHERE seq = 4")
            .await;
        let (seq, reason) = first_problem(&db).await.expect("found");
        assert_eq!(seq, 4);
        assert!(reason.contains("gewijzigd"), "{reason}");
    })
    .await;
}

#[tokio::test]
async fn a_deleted_entry_is_named() {
    on_every_backend(|db| async move {
        filled(&db).await;
        db.exec("DELETE FROM audit_log WHERE seq = 8").await;
        let (seq, reason) = first_problem(&db).await.expect("found");
        assert_eq!(seq, 8);
        assert!(reason.contains("ontbreekt"), "{reason}");
    })
    .await;
}

#[tokio::test]
async fn reordered_entries_are_named() {
    on_every_backend(|db| async move {
        filled(&db).await;
        // Swap what entries 2 and 3 say, keeping their positions and hashes.
        db.exec(
            "UPDATE audit_log SET object = CASE seq WHEN 2 THEN 'casus/casus-3' ELSE 'casus/casus-2' END, actor = CASE seq WHEN 2 THEN 'account-0' ELSE 'account-2' END WHERE seq IN (2, 3)",
        )
        .await;
        let (seq, _) = first_problem(&db).await.expect("found");
        assert_eq!(seq, 2);
    })
    .await;
}

#[tokio::test]
async fn entries_removed_from_the_end_are_found() {
    on_every_backend(|db| async move {
        filled(&db).await;
        db.exec("DELETE FROM audit_log WHERE seq > 8").await;
        let (seq, reason) = first_problem(&db).await.expect("found");
        assert_eq!(seq, 9);
        assert!(reason.contains("eind"), "{reason}");
    })
    .await;
}

#[tokio::test]
async fn a_chain_rewritten_under_a_checkpoint_or_a_forged_checkpoint_is_found() {
    on_every_backend(|db| async move {
        filled(&db).await;
        // Someone rewrote entries 1–6 and every hash: the witness's checkpoint no longer
        // matches the chain (shown here by changing the checkpoint's record of the head).
        let zero_hash = match db.store.backend() {
            Backend::Sqlite => {
                "X'00000000000000000000000000000000000000000000000000000000000000ff'"
            }
            Backend::Postgres => {
                "decode('00000000000000000000000000000000000000000000000000000000000000ff', 'hex')"
            }
        };
        db.exec(&format!(
            "UPDATE audit_checkpoints SET hash = {zero_hash} WHERE seq = 6"
        ))
        .await;
        let (seq, reason) = first_problem(&db).await.expect("found");
        assert_eq!(seq, 6);
        assert!(reason.contains("herschreven"), "{reason}");
    })
    .await;
    on_every_backend(|db| async move {
        filled(&db).await;
        db.exec("UPDATE audit_checkpoints SET at = '2030-01-01T00:00:00.000000Z' WHERE seq = 6")
            .await;
        let (_, reason) = first_problem(&db).await.expect("found");
        assert!(reason.contains("handtekening"), "{reason}");
        // Signed by a key the verifier does not know.
        let report = db
            .store
            .verify_audit(&[key(8).verifying_key()])
            .await
            .expect("verify");
        let reason = report.first_problem.expect("found").reason;
        assert!(reason.contains("onbekende sleutel"), "{reason}");
    })
    .await;
}

fn record(trace: &str, n: u32) -> ProcessingRecord {
    use ave_store::processing::{ProcessingStatus, SealedSubject};
    ProcessingRecord {
        trace_id: trace.to_owned(),
        span_id: format!("{n:016x}"),
        parent_span_id: None,
        name: "GET /api/v1/casussen/{id}".to_owned(),
        start: at(n),
        end: at(n),
        status: ProcessingStatus::Ok,
        resource_name: "ave-regie".into(),
        resource_version: "test".into(),
        activity_id: "casus-inzien".into(),
        data_subject: SealedSubject::from_bytes(vec![n as u8; 8]),
        data_subject_type: "casus".into(),
    }
}

fn batch(audit: Vec<AuditEntry>, processing: Vec<ProcessingRecord>) -> Arc<LogBatch> {
    Arc::new(LogBatch { audit, processing })
}

/// The lookups by case and by trace are filled in bulk behind the logs; a lookup must still
/// see every row, also those written after the last bulk run, in the order they were written.
#[tokio::test]
async fn lookups_by_case_and_trace_see_rows_written_after_the_last_bulk_run() {
    on_every_backend(|db| async move {
        let trace_a = "a".repeat(32);
        let trace_b = "b".repeat(32);
        let mut one = entry(1, "lezen");
        one.object = "casus/vast".to_owned();
        db.store
            .log_append(batch(
                vec![one.clone(), entry(2, "lezen")],
                vec![record(&trace_a, 1)],
            ))
            .await
            .expect("append");
        assert_eq!(db.store.index_logs().await.expect("index"), 3);
        assert_eq!(db.store.index_logs().await.expect("nothing new"), 0);

        let mut three = entry(3, "schrijven");
        three.object = "casus/vast".to_owned();
        db.store
            .log_append(batch(
                vec![three, entry(4, "lezen")],
                vec![record(&trace_b, 2), record(&trace_a, 3)],
            ))
            .await
            .expect("append after the bulk run");

        let found = db
            .store
            .audit_for_object("casus/vast", 10)
            .await
            .expect("by case");
        let actions: Vec<_> = found.iter().map(|(_, e)| e.action.as_ref()).collect();
        assert_eq!(actions, ["lezen", "schrijven"]);
        assert!(found[0].0 < found[1].0, "in the order written");

        let spans: Vec<_> = db
            .store
            .processing_records(Some(&trace_a), 0, 10)
            .await
            .expect("by trace")
            .into_iter()
            .map(|(_, r)| r.span_id)
            .collect();
        assert_eq!(spans, [format!("{:016x}", 1), format!("{:016x}", 3)]);
        let all = db.store.processing_records(None, 0, 10).await.expect("all");
        assert_eq!(all.len(), 3);
        // After a trace's first record, only what follows it; with a limit, the first ones.
        let after = db
            .store
            .processing_records(Some(&trace_a), all[0].0, 10)
            .await
            .expect("after");
        assert_eq!(after.len(), 1);
        let first = db
            .store
            .audit_for_object("casus/vast", 1)
            .await
            .expect("limit");
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].1.action, "lezen");

        // The lookups made no run of their own: the rows after the first run are still
        // there to be indexed, and are found the same way once they are.
        assert_eq!(db.store.index_logs().await.expect("second run"), 4);
        let again = db
            .store
            .audit_for_object("casus/vast", 10)
            .await
            .expect("by case after the second run");
        assert_eq!(again, found);
    })
    .await;
}

/// The witness's copy of the checkpoints, as `ave audit controlepunten` writes it and
/// `ave audit verify --getuige` reads it back: one JSON object per line.
async fn witness_copy(db: &TestDb) -> Vec<ave_store::audit::Checkpoint> {
    let text: String = db
        .store
        .audit_checkpoints()
        .await
        .expect("checkpoints")
        .iter()
        .map(|c| serde_json::to_string(c).expect("json") + "\n")
        .collect();
    assert!(text.contains("\"sleutelId\""), "{text}");
    text.lines()
        .map(|line| serde_json::from_str(line).expect("read back"))
        .collect()
}

/// [`filled`], signed again at its head (entry 10), and the witness's copy of both
/// checkpoints.
async fn witnessed(db: &TestDb) -> Vec<ave_store::audit::Checkpoint> {
    filled(db).await;
    db.store
        .audit_checkpoint(&key(7), at(11))
        .await
        .expect("checkpoint")
        .expect("a new head");
    let witness = witness_copy(db).await;
    assert_eq!(witness.iter().map(|c| c.seq).collect::<Vec<_>>(), [6, 10]);
    witness
}

/// What someone who can write the database does: the entries after `n` cut off, the head
/// moved back to `n`, every checkpoint deleted.
async fn cut_to(db: &TestDb, n: u32) {
    db.exec(&format!("DELETE FROM audit_log WHERE seq > {n}"))
        .await;
    db.exec(&format!(
        "UPDATE audit_head SET seq = {n}, hash = (SELECT hash FROM audit_log WHERE seq = {n}) WHERE id = 1"
    ))
    .await;
    db.exec("DELETE FROM audit_checkpoints").await;
}

/// The first problem against the witness's copy (signatures by key 7).
async fn witness_problem(
    db: &TestDb,
    witness: &[ave_store::audit::Checkpoint],
) -> Option<(u64, String)> {
    let report = db
        .store
        .verify_audit_witnessed(&[key(7).verifying_key()], witness)
        .await
        .expect("verify");
    report.first_problem.map(|p| (p.seq, p.reason))
}

/// Someone who can write the database cuts the last entries off, moves the head back and
/// deletes the checkpoints: the log checks out on its own, but not against its witness.
#[tokio::test]
async fn a_log_cut_short_with_its_checkpoints_is_found_by_the_witness() {
    on_every_backend(|db| async move {
        let witness = witnessed(&db).await;
        assert_eq!(witness_problem(&db, &witness).await, None);
        cut_to(&db, 8).await;
        assert_eq!(first_problem(&db).await, None, "alone it checks out");
        let (seq, reason) = witness_problem(&db, &witness).await.expect("found");
        assert_eq!(seq, 10);
        assert!(reason.contains("eindigt bij regel 8"), "{reason}");
    })
    .await;
}

/// Entries after a checkpoint replaced through the log's own writer (so every hash is
/// right) and the checkpoints deleted: the witness's checkpoint names the rewrite; one
/// deleted checkpoint alone is named too.
#[tokio::test]
async fn a_log_rewritten_with_fresh_hashes_is_found_by_the_witness() {
    on_every_backend(|db| async move {
        let witness = witnessed(&db).await;
        db.exec("DELETE FROM audit_checkpoints WHERE seq = 6").await;
        let (seq, reason) = witness_problem(&db, &witness).await.expect("found");
        assert_eq!(seq, 6);
        assert!(reason.contains("ontbreekt in de database"), "{reason}");

        cut_to(&db, 6).await;
        let other: Vec<_> = (7..=10).map(|n| entry(n, "lezen")).collect();
        assert_eq!(db.store.audit_append(&other).await.expect("append"), 10);
        assert_eq!(first_problem(&db).await, None, "alone it checks out");
        let (seq, reason) = witness_problem(&db, &witness).await.expect("found");
        assert_eq!(seq, 10);
        assert!(reason.contains("herschreven"), "{reason}");
    })
    .await;
}

/// A row put after the head, outside the log writer, is named; a witness's checkpoint
/// signed by another key is refused.
#[tokio::test]
async fn a_row_past_the_head_and_a_forged_witness_are_named() {
    on_every_backend(|db| async move {
        filled(&db).await;
        let mut witness = witness_copy(&db).await;
        witness[0].key_id = key_id(&key(8).verifying_key());
        let report = db
            .store
            .verify_audit_witnessed(&[key(7).verifying_key()], &witness)
            .await
            .expect("verify");
        let reason = report.first_problem.expect("found").reason;
        assert!(reason.contains("onbekende sleutel") && reason.contains("getuige"), "{reason}");

        db.exec("INSERT INTO audit_log (seq, at, actor, origin, action, object, result, prev_hash, hash) SELECT 11, at, actor, origin, action, object, result, hash, hash FROM audit_log WHERE seq = 10")
            .await;
        let (seq, reason) = first_problem(&db).await.expect("found");
        assert_eq!(seq, 11);
        assert!(reason.contains("na het hoofd"), "{reason}");
    })
    .await;
}

/// A change is committed with its audit entry (in the case store's outbox, in the change's
/// own transaction); the next log batch moves it into the audit log, exactly once, after
/// the log's own entries of before. A refused change leaves no entry.
#[tokio::test]
async fn a_change_is_committed_with_its_audit_entry_and_moved_once() {
    use crate::support::Household;
    on_every_backend(|db| async move {
        assert_eq!(
            db.store
                .audit_append(&[entry(1, "lezen")])
                .await
                .expect("append"),
            1
        );
        let (h, mut opening) = Household::planned(&db, "casus-uit", "Oss");
        opening.audit = Some(entry(2, "openen"));
        db.writer.append(opening).await.expect("opened");
        let mut stale = h.next_signal_append(0);
        stale.audit = Some(entry(3, "schrijven"));
        assert!(db.writer.append(stale).await.is_err(), "a stale version");

        let empty = || Arc::new(LogBatch::default());
        assert_eq!(db.store.log_append(empty()).await.expect("moved"), 2);
        assert_eq!(db.store.log_append(empty()).await.expect("nothing"), 0);
        let entries = db.store.audit_entries(0, 10).await.expect("entries");
        let actions: Vec<_> = entries.iter().map(|(_, e)| e.action.as_ref()).collect();
        assert_eq!(actions, ["lezen", "openen"]);
        assert_eq!(entries[1].1, entry(2, "openen"));
        assert_eq!(first_problem(&db).await, None);
    })
    .await;
}

/// Many entries left in the outbox (a server that stopped before moving them) are moved in
/// order, a batch at a time, and the outbox is emptied behind them.
#[tokio::test]
async fn a_full_outbox_is_moved_in_order_and_emptied() {
    const N: u32 = 17_000;
    on_every_backend(|db| async move {
        let series = match db.store.backend() {
            Backend::Sqlite => format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {N}) SELECT i FROM n"
            ),
            Backend::Postgres => format!("SELECT generate_series(1, {N}) AS i"),
        };
        db.exec(&format!(
            "INSERT INTO audit_outbox (at, actor, origin, action, object, result) SELECT '2026-01-01T00:00:00.000000Z', 'a', 'cli', 'schrijven', 'casus/c-' || i, 'ok' FROM ({series}) s ORDER BY i"
        ))
        .await;
        let mut last = 0;
        for _ in 0..20 {
            match db.store.log_append(Arc::new(LogBatch::default())).await {
                Ok(0) => break,
                Ok(seq) => last = seq,
                Err(e) => panic!("moved: {e}"),
            }
        }
        assert_eq!(last, u64::from(N));
        let entries = db.store.audit_entries(0, u64::from(N) + 10).await.expect("entries");
        assert_eq!(entries.len(), N as usize);
        assert_eq!(entries[0].1.object, "casus/c-1");
        assert_eq!(entries[N as usize - 1].1.object, format!("casus/c-{N}"));
        assert_eq!(first_problem(&db).await, None);
        // PostgreSQL deletes what it moves; SQLite the moved rows before the last multiple
        // of 16,384 the mark passed (the rest at the next one).
        let left = db.store.raw_exec("DELETE FROM audit_outbox").await;
        let expected = match db.store.backend() {
            Backend::Sqlite => u64::from(N - 16_383),
            Backend::Postgres => 0,
        };
        assert_eq!(left.expect("delete"), expected, "the outbox was emptied");
    })
    .await;
}

/// An entry of an administrator's or operator's change on day `n`.
fn change(n: u32, action: &str, object: &str) -> AuditEntry {
    AuditEntry {
        at: at(n),
        actor: "cli".to_owned(),
        origin: "cli".to_owned(),
        action: action.to_owned().into(),
        object: object.to_owned(),
        result: "ok".into(),
    }
}

/// The changes that are not case events — the directory, accounts and tokens, break-glass
/// grants and their review — commit their audit entry in their own transaction too: all of
/// it, or (refused) none of it.
#[tokio::test]
async fn directory_account_and_break_glass_changes_commit_with_their_entries() {
    use ave_store::access::BreakGlass;
    use ave_store::accounts::Account;
    use ave_store::identity::{ApiToken, Membership, Organisation, Person, PersonWrite, Session};
    use ave_store::notifications::Email;

    use crate::support::Household;
    on_every_backend(|db| async move {
        let s = &db.store;
        let org = Organisation {
            id: "gemeente-a".to_owned(),
            name: "Gemeente A".to_owned(),
        };
        let e = change(1, "beheer", "organisatie/gemeente-a");
        s.put_organisation(&org, Some(&e)).await.expect("org");
        let mut person = Person {
            id: "p-1".to_owned(),
            name: "P. Eén".to_owned(),
            admin: false,
            privacy: false,
            active: true,
            memberships: vec![Membership {
                organisation: "gemeente-b".to_owned(),
                gemeente: None,
                function: "casusregisseur".to_owned(),
            }],
        };
        // An unknown organisation: refused, nothing written, no entry.
        let refused = PersonWrite {
            email: None,
            audit: Some(&change(2, "beheer", "persoon/p-1")),
        };
        assert!(s.put_person(&person, refused).await.is_err());
        assert!(s.person("p-1").await.expect("read").is_none());
        person.memberships[0].organisation = "gemeente-a".to_owned();
        s.put_person(&person, PersonWrite::default())
            .await
            .expect("seeded");
        let session = Session {
            person: "p-1".to_owned(),
            actor: "{}".to_owned(),
            method: "wachtwoord+totp".to_owned(),
            csrf: "c".to_owned(),
            created_at: at(2),
            expires_at: at(10_000),
        };
        s.create_session("sessie-1", &session)
            .await
            .expect("session");
        // The address, the end of the session and the entry with the person.
        let email = Email::parse("p1@gemeente-a.example").expect("address");
        let with = PersonWrite {
            email: Some(Some(&email)),
            audit: Some(&change(3, "beheer", "persoon/p-1")),
        };
        assert_eq!(s.put_person(&person, with).await.expect("person"), 1);
        assert!(s.session("sessie-1", at(4)).await.expect("read").is_none());
        assert_eq!(
            s.person_emails()
                .await
                .expect("emails")
                .get("p-1")
                .map(String::as_str),
            Some("p1@gemeente-a.example")
        );

        let account = Account {
            person: "p-1".to_owned(),
            login: "p.een".to_owned(),
            password_hash: "$argon2id$x".to_owned(),
            totp_secret: "GEHEIM".to_owned(),
            totp_last_step: None,
            failed_count: 0,
            locked_until: None,
            created_at: at(4),
        };
        let made = change(4, "account-maken", "account/p-1");
        s.create_account(&account, Some(&made))
            .await
            .expect("account");
        let again = change(5, "account-maken", "account/p-1");
        assert!(s.create_account(&account, Some(&again)).await.is_err());
        let nobody = change(6, "account-ontgrendelen", "account/niemand");
        assert!(!s.unlock_account("niemand", Some(&nobody)).await.expect("r"));
        let unlocked = change(7, "account-ontgrendelen", "account/p-1");
        assert!(s.unlock_account("p.een", Some(&unlocked)).await.expect("r"));
        s.create_session("sessie-2", &session)
            .await
            .expect("session");
        let password = change(8, "wachtwoord-wijzigen", "account/p-1");
        let ended = s.set_password_hash("p.een", "$argon2id$y", Some(&password));
        assert_eq!(ended.await.expect("set"), Some(1));
        assert!(s.session("sessie-2", at(9)).await.expect("read").is_none());
        let token = ApiToken {
            person: "p-1".to_owned(),
            name: "koppeling".to_owned(),
            created_at: at(9),
            expires_at: None,
        };
        let made = change(9, "token-maken", "account/p-1");
        s.create_api_token("hash-1", &token, Some(&made))
            .await
            .expect("token");

        let h = Household::open(&db, "casus-1", "Oss").await;
        let grant = BreakGlass {
            id: "nood-1".to_owned(),
            case: h.case().id().to_string(),
            person: "p-1".to_owned(),
            organisation: Some("gemeente-a".to_owned()),
            reason: "acuut gevaar, regisseur onbereikbaar".to_owned(),
            granted_at: at(10),
            expires_at: at(70),
            reviewed_at: None,
            reviewed_by: None,
            review_note: None,
        };
        let e = change(10, "noodtoegang", "casus/casus-1");
        s.grant_break_glass(&grant, &e).await.expect("grant");
        let reviewed = change(11, "noodtoegang-beoordeeld", "noodtoegang/nood-1");
        let review = s.review_break_glass("nood-1", "fg", "terecht", at(11), &reviewed);
        assert!(review.await.expect("review"));
        let twice = change(12, "noodtoegang-beoordeeld", "noodtoegang/nood-1");
        let review = s.review_break_glass("nood-1", "fg", "nog eens", at(12), &twice);
        assert!(!review.await.expect("review"), "reviewed once");

        s.audit_append(&[]).await.expect("moved");
        let entries = s.audit_entries(0, 100).await.expect("entries");
        let logged: Vec<(u32, &str)> = entries
            .iter()
            .filter(|(_, e)| e.actor == "cli")
            .map(|(_, e)| {
                let n = u32::try_from((e.at - at(0)).num_days()).expect("days");
                (n, e.action.as_ref())
            })
            .collect();
        assert_eq!(
            logged,
            [
                (1, "beheer"),
                (3, "beheer"),
                (4, "account-maken"),
                (7, "account-ontgrendelen"),
                (8, "wachtwoord-wijzigen"),
                (9, "token-maken"),
                (10, "noodtoegang"),
                (11, "noodtoegang-beoordeeld"),
            ]
        );
        assert_eq!(first_problem(&db).await, None);
    })
    .await;
}
