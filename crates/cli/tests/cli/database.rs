//! `ave db migrate|backup` and `ave audit verify` on a real SQLite database with a case the
//! engine wrote: a backup of a live store verifies, an edit is found, mistakes are Dutch.

use ave_engine::command::{Command, Envelope};
use ave_engine::ids::{CaseId, PersonId};
use ave_store::{Append, CaseRow, ModelRecord, Store};

use crate::{assert_dutch, ave, stderr, stdout, temp_dir};

/// Writes one case of a few events (under the Oss preset) into the database at `url`.
pub(crate) fn write_case(url: &str) {
    let rt = crate::runtime();
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
                provenance: Vec::new(),
                notify: Vec::new(),
                audit: None,
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
    assert!(
        stdout(&o).contains("met het logboek in") && stdout(&o).contains("kopie.logboek.sqlite"),
        "the user learns that the copy is two files: {}",
        stdout(&o)
    );
    assert!(dir.join("kopie.logboek.sqlite").exists());
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
    // Nor an existing logbook beside the new name.
    let other = dir.join("andere.sqlite");
    std::fs::write(dir.join("andere.logboek.sqlite"), b"").expect("a file in the way");
    let o = ave(&[
        "db",
        "backup",
        other.to_str().expect("path"),
        "--database",
        &url,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("andere.logboek.sqlite bestaat al"),
        "{}",
        stderr(&o)
    );
    assert!(!other.exists(), "nothing was written");

    // Someone edits the copy: verify names the entry and exits 1.
    let rt = crate::runtime();
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

/// Sends one GET over plain HTTP/1.1 and returns the whole response.
pub fn get(addr: &str, path: &str) -> String {
    get_as(addr, path, None)
}

/// [`get`] with a bearer token.
pub fn get_as(addr: &str, path: &str, token: Option<&str>) -> String {
    use std::io::{Read, Write};
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[test]
fn serve_demo_builds_a_region_prints_its_address_and_stops_on_sigterm() {
    use std::io::BufRead;
    let dir = temp_dir("serve-demo");
    let mut child = crate::ave_command(&dir, &["serve", "--demo", "--listen", "127.0.0.1:0"], &[])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("ave starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines
            .next()
            .expect("a line before the address")
            .expect("utf-8");
        printed.push(line.clone());
        if let Some(rest) = line.split("luistert op http://").nth(1) {
            break rest.split('/').next().expect("address").to_owned();
        }
    };
    let all = printed.join("\n");
    assert!(all.contains("demo: 300 casussen"), "{all}");
    assert!(all.contains("demo.sqlite"), "{all}");

    // Nobody sees a case without logging in.
    let page = get(&addr, "/api/v1/casussen?paginaGrootte=5");
    assert!(page.starts_with("HTTP/1.1 401"), "{page}");
    // A professional of the first gemeente, with a token made as an operator would, sees the
    // cases of their own team only: a quarter of the gemeente's 100 (need-to-know; each
    // household is worked by one of four teams).
    let region = ave_demo::region().expect("region");
    let url = format!("sqlite://{}", dir.join("ave-data/demo.sqlite").display());
    let o = crate::ave(&[
        "account",
        "token",
        "--persoon",
        &region.gemeenten[0].people[0].id,
        "--database",
        &url,
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let token = String::from_utf8(o.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    let page = get_as(&addr, "/api/v1/casussen?paginaGrootte=5", Some(&token));
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let body = page.split("\r\n\r\n").nth(1).expect("body");
    let json: serde_json::Value = serde_json::from_str(body).expect("json");
    let seen = json["totaal"].as_u64().expect("totaal");
    assert!((15..=40).contains(&seen), "{json}");
    let cases = json["casussen"].as_array().expect("cases");
    assert_eq!(cases.len(), 5);
    assert!(
        cases
            .iter()
            .all(|c| c["gemeente"] == region.gemeenten[0].name.as_str())
    );
    let models = get_as(&addr, "/api/v1/modellen", Some(&token));
    assert_eq!(models.matches("\"id\"").count(), 3, "{models}");

    // SIGTERM: the server finishes and exits 0.
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = child.wait().expect("exits");
    assert_eq!(exit.code(), Some(0));
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l == "gestopt"), "{rest:?}");

    // The demo store verifies — run where the server ran, as its operator would, so that the
    // checkpoints' key in its data directory is the one checked against.
    let url = format!("sqlite://{}", dir.join("ave-data/demo.sqlite").display());
    let o = crate::ave_in(
        &dir,
        &["audit", "verify", "--database", &url],
        std::time::Duration::from_secs(20),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout_of(&o));
}

fn stdout_of(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn audit_verify_checks_the_security_log_and_names_an_edited_entry() {
    let dir = temp_dir("audit-log");
    let url = format!("sqlite://{}", dir.join("ave.sqlite").display());
    write_case(&url);
    let rt = crate::runtime();
    let store = rt.block_on(async {
        let store = Store::open(&url).await.expect("open");
        let entries: Vec<_> = (1..=3)
            .map(|n| ave_store::audit::AuditEntry {
                at: chrono::DateTime::UNIX_EPOCH + chrono::Days::new(n),
                actor: "account-1".into(),
                origin: "127.0.0.1".into(),
                action: "lezen".into(),
                object: format!("casus/casus-{n}"),
                result: "ok".into(),
            })
            .collect();
        store.audit_append(&entries).await.expect("append");
        store
    });
    let o = ave(&["audit", "verify", "--database", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("beveiligingslogboek: 3 regels"),
        "{}",
        stdout(&o)
    );
    rt.block_on(async {
        store
            .raw_exec("UPDATE audit_log SET result = 'geweigerd' WHERE seq = 2")
            .await
            .expect("edit");
        store.close().await;
    });
    let o = ave(&["audit", "verify", "--database", &url]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("NIET IN ORDE in het beveiligingslogboek bij regel 2"),
        "{}",
        stdout(&o)
    );
}
