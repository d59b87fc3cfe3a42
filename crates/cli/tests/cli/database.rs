//! `ave db migrate|backup` and `ave audit verify` on a real SQLite database with a case the
//! engine wrote: a backup of a live store verifies, an edit is found, mistakes are Dutch.

use ave_engine::command::{Command, Envelope};
use ave_engine::ids::{CaseId, PersonId};
use ave_store::{Append, CaseRow, ModelRecord, Store};

use crate::{assert_dutch, ave, stderr, stdout, temp_dir};

/// Writes one case of a few events (under the Oss preset) into the database at `url`.
fn write_case(url: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = Store::open(url).await.expect("open");
        store.migrate().await.expect("migrate");
        let model = ave_model::presets::load("oss").expect("oss");
        let m = &model.model().model;
        store
            .put_model(&ModelRecord {
                id: m.id.as_str().to_owned(),
                version: m.version.clone(),
                text: "preset oss".into(),
                sha256: "test".into(),
                stored_at: chrono::DateTime::UNIX_EPOCH,
            })
            .await
            .expect("model");
        let open: Command = serde_json::from_value(serde_json::json!({
            "do": "open",
            "case": "casus-1",
            "phase": "1",
            "reason": "zorgen",
            "household": [{"member": "lid-1", "role": "ouder"}],
            "participants": [{"person": "st-1", "name": "Sanne", "function": "medewerker-sociaal-team", "organisation": "Sociaal Team"}],
        }))
        .expect("command");
        let mut case = None;
        let env = Envelope {
            at: chrono::DateTime::parse_from_rfc3339("2026-02-02T09:00:00Z")
                .expect("time")
                .to_utc(),
            by: PersonId::parse("st-1").expect("id"),
            command: open,
        };
        let events = ave_engine::execute(&model, &mut case, &env).expect("opened");
        let case = case.expect("case");
        store
            .append_batch(&[Append {
                case: CaseId::parse("casus-1").expect("id"),
                expected: 0,
                row: CaseRow::of(&model, &case, Some("Oss")),
                events,
            }])
            .await
            .into_iter()
            .for_each(|r| {
                r.expect("stored");
            });
        store.close().await;
    });
}

#[test]
fn a_backup_of_a_live_store_verifies_and_an_edit_is_found() {
    let dir = temp_dir("database");
    let db = dir.join("ave.sqlite");
    let url = format!("sqlite://{}", db.display());
    let o = ave(&["db", "migrate", "--database", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("schema van"), "{}", stdout(&o));
    write_case(&url);

    let o = ave(&["audit", "verify", "--database", &url]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("elke keten klopt"), "{}", stdout(&o));

    let copy = dir.join("kopie.sqlite");
    let copy_path = copy.to_str().expect("path");
    let o = ave(&["db", "backup", copy_path, "--database", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let copy_url = format!("sqlite://{copy_path}");
    let o = ave(&["audit", "verify", "--database", &copy_url]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("in 1 casus gecontroleerd"),
        "{}",
        stdout(&o)
    );

    // A backup never overwrites.
    let o = ave(&["db", "backup", copy_path, "--database", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bestaat al"), "{}", stderr(&o));
    assert_dutch(&stderr(&o));

    // Someone edits the copy: verify names the entry and exits 1.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = Store::open(&copy_url).await.expect("open");
        store
            .raw_exec(
                "UPDATE events SET content = REPLACE(content, 'zorgen', 'anders') WHERE seq = 1",
            )
            .await
            .expect("edit");
        store.close().await;
    });
    let o = ave(&["audit", "verify", "--database", &copy_url]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("NIET IN ORDE bij globale positie 1, casus casus-1, gebeurtenis 1"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_wrong_database_is_a_dutch_error_without_the_password() {
    let o = ave(&[
        "audit",
        "verify",
        "--database",
        "mysql://ave:geheim@localhost/ave",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("onbekende database-URL"), "{err}");
    assert!(!err.contains("geheim"), "{err}");
    assert_dutch(&err);

    let dir = temp_dir("database-missing");
    let url = format!("sqlite://{}/geen-map/ave.sqlite", dir.display());
    let o = ave(&["audit", "verify", "--database", &url]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("niet te openen"), "{}", stderr(&o));
    assert_dutch(&stderr(&o));
}

#[test]
fn serve_refuses_anything_but_loopback_in_dutch() {
    let dir = temp_dir("serve-loopback");
    let url = format!("sqlite://{}", dir.join("ave.sqlite").display());
    let o = ave(&["serve", "--database", &url, "--listen", "0.0.0.0:0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("alleen op loopback"), "{err}");
    assert_dutch(&err);
    let o = ave(&["serve", "--listen", "geen-adres"]);
    assert_eq!(o.status.code(), Some(2));
    assert_dutch(&stderr(&o));
}
