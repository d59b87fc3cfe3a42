//! `ave model publish` and `ave model migrate`: a new model version in the store, and open
//! cases moved to it as an explicit action that each case records.

use crate::database::write_case;
use crate::{ave, stderr, stdout, temp_dir};

#[test]
fn a_published_version_takes_open_cases_only_when_migrated_and_each_move_is_recorded() {
    let dir = temp_dir("versions");
    let url = format!("sqlite://{}", dir.join("ave.sqlite").display());
    write_case(&url);
    let preset = ave_model::presets::preset("oss").expect("oss");
    let next = preset
        .text
        .replacen("version = \"1.0\"", "version = \"1.1\"", 1);
    assert_ne!(next, preset.text);
    let file = dir.join("oss-1.1.toml");
    std::fs::write(&file, &next).expect("write");
    let file = file.display().to_string();

    let o = ave(&["model", "publish", &file, "--database", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("versie 1.1 opgeslagen"),
        "{}",
        stdout(&o)
    );
    // Publishing the same text again is fine; other text under the same version is not.
    let o = ave(&["model", "publish", &file, "--database", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(
        &file,
        next.replacen("description", "# gewijzigd\ndescription", 1),
    )
    .expect("write");
    let o = ave(&["model", "publish", &file, "--database", &url]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("nieuw versienummer"), "{}", stderr(&o));

    let migrate = |extra: &[&str]| {
        let mut args = vec![
            "model",
            "migrate",
            "--model",
            "oss",
            "--naar",
            "1.1",
            "--reden",
            "Vastgesteld door het college",
            "--door",
            "beheerder-1",
            "--database",
            &url,
        ];
        args.extend_from_slice(extra);
        ave(&args)
    };
    let o = migrate(&["--proef"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("zou overzetten: 1 open"),
        "{}",
        stdout(&o)
    );
    let o = migrate(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("overgezet: 1 open"), "{}", stdout(&o));
    let o = migrate(&[]);
    assert!(
        stdout(&o)
            .contains("overgezet: 0 open casussen naar oss versie 1.1 (1 liepen er al onder)"),
        "{}",
        stdout(&o)
    );

    // The move is in the case's history, and every chain still verifies.
    let rt = crate::runtime();
    rt.block_on(async {
        let store = ave_store::Store::open(&url).await.expect("open");
        let id = ave_engine::ids::CaseId::parse("casus-1").expect("id");
        let events = store.events(&id, 0).await.expect("events");
        let last = events.last().expect("events");
        assert_eq!(last.event.name(), "model_changed");
        assert_eq!(last.by.as_str(), "beheerder-1");
        let row = store.case_row(&id).await.expect("row").expect("exists");
        assert_eq!(row.model_version, "1.1");
        // And in the security audit log: who moved it, from the command line.
        let logged = store
            .audit_for_object("casus/casus-1", 100)
            .await
            .expect("audit");
        let (_, e) = logged.last().expect("an entry");
        assert_eq!(
            (e.actor.as_str(), e.origin.as_str(), e.action.as_ref()),
            ("beheerder-1", "cli", "schrijven")
        );
        assert_eq!(e.result, "ok: naar modelversie 1.1");
        store.close().await;
    });
    let o = ave(&["audit", "verify", "--database", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));

    // A version that is not stored is a clear error.
    let o = ave(&[
        "model",
        "migrate",
        "--model",
        "oss",
        "--naar",
        "9.9",
        "--reden",
        "x",
        "--door",
        "beheerder-1",
        "--database",
        &url,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ave model publish"), "{}", stderr(&o));
}
