//! `ave audit controlepunt|controlepunten|sleutel` and `ave audit verify --getuige`: the
//! audit log's signed checkpoints as an operator and an outside witness use them, on a real
//! SQLite database; a log cut short with its checkpoints deleted is found only against the
//! witness's copy.

use std::path::Path;
use std::time::Duration;

use ave_store::Store;
use ave_store::audit::AuditEntry;

use crate::{assert_dutch, ave_env, stderr, stdout, temp_dir};

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    ave_env(dir, args, env, Duration::from_secs(30))
}

/// Runs `sql`, or appends `n` entries to the audit log, on the database at `url`.
fn on_store(url: &str, sql: Option<&str>, n: u32) {
    let rt = crate::runtime();
    rt.block_on(async {
        let store = Store::open(url).await.expect("open");
        store.migrate().await.expect("migrate");
        if let Some(sql) = sql {
            store.raw_exec(sql).await.expect("sql");
        }
        let entries: Vec<AuditEntry> = (0..n)
            .map(|i| AuditEntry {
                at: chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(i.into()),
                actor: "st-1|Sociaal Team|medewerker-sociaal-team".to_owned(),
                origin: "127.0.0.1".to_owned(),
                action: "lezen".into(),
                object: format!("casus/casus-{i}"),
                result: "ok".into(),
            })
            .collect();
        if !entries.is_empty() {
            store.audit_append(&entries).await.expect("append");
        }
        store.close().await;
    });
}

#[test]
fn checkpoints_are_signed_handed_to_a_witness_and_held_against_the_log() {
    let dir = temp_dir("audit-witness");
    let url = format!("sqlite://{}", dir.join("ave.sqlite").display());
    let db = ["--database", url.as_str()];
    on_store(&url, None, 5);

    // Without a key nothing can be signed, and the message says where the key comes from.
    for args in [&["audit", "controlepunt"][..], &["audit", "sleutel"]] {
        let o = run(&dir, &[args, &db].concat(), &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("audit.key") && err.contains("AVE_AUDIT_KEY"),
            "{err}"
        );
        assert_dutch(&err);
    }

    let secret = "5a".repeat(32);
    let key = [("AVE_AUDIT_KEY", secret.as_str())];
    let o = run(&dir, &[&["audit", "sleutel"][..], &db].concat(), &key);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(!shown.contains(&secret), "never the secret: {shown}");
    let public = shown
        .lines()
        .find_map(|l| l.strip_prefix("publieke sleutel: "))
        .expect("the public key")
        .to_owned();
    assert_eq!(public.len(), 64);

    let o = run(&dir, &[&["audit", "controlepunt"][..], &db].concat(), &key);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("controlepunt gezet bij regel 5"),
        "{}",
        stdout(&o)
    );
    let o = run(&dir, &[&["audit", "controlepunt"][..], &db].concat(), &key);
    assert!(stdout(&o).contains("niets nieuws"), "{}", stdout(&o));
    on_store(&url, None, 3);
    let o = run(&dir, &[&["audit", "controlepunt"][..], &db].concat(), &key);
    assert!(stdout(&o).contains("bij regel 8"), "{}", stdout(&o));

    // The witness takes them all, then only the new ones.
    let o = run(&dir, &[&["audit", "controlepunten"][..], &db].concat(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let witness = stdout(&o);
    assert_eq!(witness.lines().count(), 2, "{witness}");
    let o = run(
        &dir,
        &[&["audit", "controlepunten", "--na", "5"][..], &db].concat(),
        &[],
    );
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stdout(&o));
    let file = dir.join("getuige.jsonl");
    std::fs::write(&file, &witness).expect("witness");
    let getuige = ["--getuige", file.to_str().expect("path")];

    // With the public key only (as at the witness's): intact, signatures checked.
    let verify = [&["audit", "verify"][..], &db, &getuige].concat();
    let o = run(&dir, &[&verify[..], &["--sleutel", &public]].concat(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("8 regels en 2 controlepunten"), "{out}");
    assert!(
        out.contains("handtekeningen gecontroleerd met sleutel"),
        "{out}"
    );
    assert!(
        out.contains("getuige: 2 controlepunten van 2 vergeleken"),
        "{out}"
    );

    // Cut short, the head moved back, the checkpoints deleted: fine alone, not so against
    // the witness.
    on_store(
        &url,
        Some(
            "DELETE FROM audit_log WHERE seq > 6; UPDATE audit_head SET seq = 6, hash = (SELECT hash FROM audit_log WHERE seq = 6) WHERE id = 1; DELETE FROM audit_checkpoints",
        ),
        0,
    );
    let o = run(&dir, &[&["audit", "verify"][..], &db].concat(), &key);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&dir, &verify, &key);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(
        out.contains("NIET IN ORDE in het beveiligingslogboek bij regel 8")
            && out.contains("eindigt bij regel 6"),
        "{out}"
    );

    // A witness's file that is not one, and a key that is not one: exit 2, in Dutch.
    std::fs::write(&file, "{\"seq\": 1}\n").expect("bad witness");
    let o = run(&dir, &verify, &key);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("regel 1: geen controlepunt"),
        "{}",
        stderr(&o)
    );
    assert_dutch(&stderr(&o));
    let o = run(
        &dir,
        &[&["audit", "verify"][..], &db, &["--sleutel", "abc"]].concat(),
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("geen publieke sleutel"),
        "{}",
        stderr(&o)
    );
    assert_dutch(&stderr(&o));
}
