//! The crash test: `ave serve` is killed with SIGKILL in the middle of a stream of writes,
//! started again on the same database, and every write it acknowledged is there; the chains
//! verify.

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{ave, temp_dir};

/// Starts `ave serve` with `args` in `dir`; the child and the address it listens on.
fn start(dir: &std::path::Path, args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ave"))
        .arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("ave starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("a line before the address")
            .expect("utf-8");
        if let Some(rest) = line.split("luistert op http://").nth(1) {
            break rest.split('/').next().expect("address").to_owned();
        }
    };
    // Keep reading so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (child, addr)
}

/// One HTTP/1.1 request; the status and the JSON body (`None` when the connection failed).
fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&serde_json::Value>,
) -> Option<(u16, serde_json::Value)> {
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    stream.write_all(body.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.get(9..12)?.parse().ok()?;
    let json = response
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(serde_json::Value::Null);
    Some((status, json))
}

fn signals(addr: &str, token: &str, case: &str) -> usize {
    let (status, timeline) = request(
        addr,
        "GET",
        &format!("/api/v1/casussen/{case}/tijdlijn"),
        Some(token),
        None,
    )
    .expect("timeline");
    assert_eq!(status, 200);
    timeline
        .as_array()
        .expect("list")
        .iter()
        .filter(|e| e["soort"] == "signal_recorded")
        .count()
}

#[test]
fn every_acknowledged_write_survives_sigkill_and_the_chains_verify() {
    let dir = temp_dir("crash");
    let (mut server, addr) = start(&dir, &["--demo"]);
    let url = format!("sqlite://{}", dir.join("ave-data/demo.sqlite").display());

    // A professional of the first demo gemeente, who takes part in its cases, with an API
    // token made as an operator would.
    let region = ave_demo::region().expect("demo region");
    let gemeente = &region.gemeenten[0];
    let person = &gemeente.people[0].id;
    let o = ave(&["account", "token", "--persoon", person, "--database", &url]);
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
    let token = token.as_str();

    // Open cases of that gemeente.
    let (status, page) = request(
        &addr,
        "GET",
        &format!(
            "/api/v1/casussen?gesloten=false&paginaGrootte=100&gemeente={}",
            gemeente.name.replace(' ', "%20")
        ),
        Some(token),
        None,
    )
    .expect("list");
    assert_eq!(status, 200);
    let cases: Vec<String> = page["casussen"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| Some(c["id"].as_str()?.to_owned()))
        .take(24)
        .collect();
    assert!(cases.len() >= 8, "{page}");
    let before: HashMap<String, usize> = cases
        .iter()
        .map(|c| (c.clone(), signals(&addr, token, c)))
        .collect();

    // A stream of writes from eight clients; each acknowledged one is remembered.
    let acknowledged: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let (addr, cases, token) = (addr.clone(), cases.clone(), token.to_owned());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let case = &cases[(w + n * 8) % cases.len()];
                    n += 1;
                    let body = serde_json::json!({
                        "id": format!("crash-{w}-{n}"),
                        "bron": "school", "categorie": "zorg", "tekst": "melding",
                    });
                    match request(
                        &addr,
                        "POST",
                        &format!("/api/v1/casussen/{case}/signalen"),
                        Some(&token),
                        Some(&body),
                    ) {
                        Some((201, _)) => {
                            *acknowledged
                                .lock()
                                .expect("lock")
                                .entry(case.clone())
                                .or_default() += 1;
                        }
                        // Refused or conflicting writes are not acknowledged; a failed
                        // connection means the server is gone.
                        Some(_) => {}
                        None => break,
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let killed = Command::new("kill")
        .args(["-KILL", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let _ = server.wait();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    let total: usize = acknowledged.values().sum();
    assert!(total > 0, "some writes were acknowledged before the kill");

    // Started again on the same database: every acknowledged write is there.
    let (mut again, addr) = start(&dir, &["--database", &url]);
    for (case, n) in &acknowledged {
        let now = signals(&addr, token, case);
        assert!(
            now >= before[case] + n,
            "{case}: {} before, {n} acknowledged, {now} now",
            before[case]
        );
    }
    let _ = Command::new("kill")
        .args(["-TERM", &again.id().to_string()])
        .status();
    let _ = again.wait();
    // Where the server ran, as its operator would: the checkpoints' key is in its data
    // directory.
    let o = crate::ave_in(
        &dir,
        &["audit", "verify", "--database", &url],
        Duration::from_secs(20),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // And every acknowledged write has its entry in the security audit log: committed with
    // the write, moved into the log after the restart.
    crate::runtime().block_on(async {
        let store = ave_store::Store::open(&url).await.expect("open");
        for (case, n) in &acknowledged {
            let written = store
                .audit_for_object(&format!("casus/{case}"), 100_000)
                .await
                .expect("audit")
                .iter()
                .filter(|(_, e)| e.action == "schrijven")
                .count();
            assert!(
                written >= *n,
                "{case}: {n} acknowledged, {written} in the audit log"
            );
        }
        store.close().await;
    });
    eprintln!("{total} acknowledged writes survived SIGKILL, each with its audit entry");
}
