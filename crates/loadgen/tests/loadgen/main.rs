//! The load generator against a real service: a 50-household SQLite database, the case
//! service and the hello-world endpoint in this process on port 0, every scenario for one
//! second. Checks that requests succeed and that the report has its percentiles and ratios;
//! the web pages likewise, each as its own scenario with a session cookie: 200s, HTML, their
//! sizes and weights.

use std::net::SocketAddr;
use std::time::Duration;

use ave_loadgen::plan::{self, Options};
use ave_loadgen::report::Ceiling;
use ave_loadgen::runner::Load;
use tokio::sync::oneshot;

async fn listening<F>(start: impl FnOnce(oneshot::Sender<SocketAddr>) -> F) -> SocketAddr
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    tokio::spawn(start(tx));
    rx.await.expect("the server reports its address")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn measures_every_scenario_against_a_seeded_service() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("bench.sqlite").display());
    let seeded = ave_loadgen::seed::seed(&url, 50, 11, Some(10), |_, _| {})
        .await
        .expect("seed");
    assert!(seeded.cases >= 45, "{seeded:?}");
    assert!(seeded.events > seeded.cases, "{seeded:?}");

    let store = ave_store::Store::open(&url).await.expect("open");
    let service = listening(|tx| async move {
        ave_server::serve(
            store,
            "127.0.0.1:0".parse().expect("addr"),
            std::future::pending(),
            |a| {
                let _ = tx.send(a);
            },
        )
        .await
        .expect("serve");
    })
    .await;
    let hello = listening(|tx| async move {
        ave_loadgen::hello::serve(
            "127.0.0.1:0".parse().expect("addr"),
            std::future::pending(),
            |a| {
                let _ = tx.send(a);
            },
        )
        .await
        .expect("hello");
    })
    .await;

    let options = Options {
        targets: vec![format!("http://{service}")],
        hello: Some(format!("http://{hello}")),
        database: url.clone(),
        scenarios: [
            "hello",
            "commit",
            "read",
            "list",
            "transition",
            "workflow",
            "pages",
        ]
        .map(str::to_owned)
        .to_vec(),
        load: Load {
            clients: 4,
            warmup: Duration::from_millis(100),
            duration: Duration::from_secs(1),
        },
        commit_connections: None,
        server_pids: vec![std::process::id()],
        page_gzip: true,
        announce: |_| {},
    };
    let report = plan::run(&options).await.expect("the run");
    let table = report.table();
    eprintln!("{table}");

    for step in ["hello", "commit", "read", "list", "opdracht", "rol"] {
        let row = report
            .rows
            .iter()
            .find(|r| r.step == step)
            .unwrap_or_else(|| panic!("a row for {step}"));
        assert!(row.result.ok > 0, "{step}: {row:?}");
        assert_eq!(row.result.errors, 0, "{step}: {row:?}");
        assert!(row.result.p50_ms > 0.0, "{step}: {row:?}");
        assert!(row.result.p50_ms <= row.result.p99_ms, "{step}: {row:?}");
        assert!(row.result.p99_ms <= row.result.max_ms, "{step}: {row:?}");
        assert!(row.ratio.is_some_and(|r| r > 0.0), "{step}: {row:?}");
    }
    // Every request of the write scenarios was accepted: the scripts fit the service.
    for row in report.rows.iter().filter(|r| r.scenario != "hello") {
        assert_eq!(row.result.errors, 0, "{row:?}");
    }
    let workflow = report
        .rows
        .iter()
        .find(|r| r.step.starts_with("workflow"))
        .expect("a workflow row");
    assert!(
        workflow.result.ok > 0 && workflow.ratio.is_none(),
        "{workflow:?}"
    );
    let read = report.rows.iter().find(|r| r.step == "read").expect("read");
    assert_eq!(read.ceiling, Ceiling::Hello);
    assert_eq!(report.setting.cases, seeded.cases);
    assert_eq!(report.setting.events, seeded.events as u64);
    // The memory of the "server" (this process) was sampled.
    assert!(report.memory_end.values().all(|m| m.rss_kib > 0));
    assert!(table.contains("% van hello"));

    // Every default page: answered 200 with HTML by a session, with its sizes and weight.
    let pages = ave_loadgen::pages::chosen(&["pages".to_owned()]);
    assert!(!pages.is_empty());
    for page in &pages {
        let row = report
            .rows
            .iter()
            .find(|r| r.scenario == page.scenario)
            .unwrap_or_else(|| panic!("a row for {}", page.scenario));
        assert_eq!(row.step, page.step, "{row:?}");
        assert!(row.result.ok > 0, "{row:?}");
        assert_eq!(row.result.errors, 0, "{row:?}");
        assert!(row.result.p50_ms <= row.result.p99_ms, "{row:?}");
        assert_eq!(row.ceiling, Ceiling::Hello, "{row:?}");
        let body = row.result.body.unwrap_or_else(|| panic!("sizes: {row:?}"));
        assert!(body.answers > 0 && body.max_bytes > 0, "{row:?}");
        assert!(body.mean_bytes <= body.max_bytes as f64, "{row:?}");
        // Asked with gzip: the server compresses HTML.
        assert!(body.max_wire_bytes < body.max_bytes, "{row:?}");
        let summary = report
            .pages
            .iter()
            .find(|p| p.scenario == page.scenario)
            .unwrap_or_else(|| panic!("a page summary for {}", page.scenario));
        assert!(summary.weight_problem.is_none(), "{summary:?}");
        // The stylesheet is loaded and counted.
        assert!(summary.assets_bytes > 0, "{summary:?}");
        assert!(
            summary.weight_bytes >= summary.html_max_bytes + summary.assets_bytes,
            "{summary:?}"
        );
        assert!(
            summary.weight_wire_bytes < summary.weight_bytes,
            "{summary:?}"
        );
    }
    assert!(table.contains("alle pagina's"), "{table}");

    let json = serde_json::to_value(&report).expect("json");
    assert!(json["rows"][0]["p99_ms"].is_number(), "{json}");
    assert!(json["pages"][0]["weight_bytes"].is_number(), "{json}");

    // The sessions the run writes are read back by the server as its own actors.
    let sessions = ave_loadgen::sessions::issue(&url).await.expect("sessions");
    let store = ave_store::Store::open(&url).await.expect("open");
    let (person, cookie) = sessions.iter().next().expect("a session");
    let stored = store
        .session(
            &ave_store::identity::token_hash(cookie),
            ave_loadgen::wall_clock(),
        )
        .await
        .expect("read")
        .expect("the session is there");
    let actor: ave_server::auth::Identity =
        serde_json::from_str(&stored.actor).expect("an identity as the server reads it");
    assert_eq!(&actor.person, person);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_page_scenario_runs_on_its_own() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("bench.sqlite").display());
    ave_loadgen::seed::seed(&url, 5, 0, None, |_, _| {})
        .await
        .expect("seed");
    let store = ave_store::Store::open(&url).await.expect("open");
    let service = listening(|tx| async move {
        ave_server::serve(
            store,
            "127.0.0.1:0".parse().expect("addr"),
            std::future::pending(),
            |a| {
                let _ = tx.send(a);
            },
        )
        .await
        .expect("serve");
    })
    .await;
    let options = Options {
        targets: vec![format!("http://{service}")],
        hello: None,
        database: url,
        scenarios: vec!["page-journey".to_owned()],
        load: Load {
            clients: 1,
            warmup: Duration::ZERO,
            duration: Duration::from_millis(200),
        },
        commit_connections: None,
        server_pids: Vec::new(),
        page_gzip: true,
        announce: |_| {},
    };
    let report = plan::run(&options).await.expect("the run");
    let row = report
        .rows
        .iter()
        .find(|r| r.scenario == "page-journey")
        .expect("a row");
    // The klantreis form answers 200 with HTML for every request of the run.
    assert!(row.result.ok > 0, "{row:?}");
    assert_eq!(row.result.errors, 0, "{row:?}");
    assert!(report.pages[0].weight_met, "{:?}", report.pages[0]);
}

#[tokio::test]
async fn a_seed_refuses_a_database_that_has_cases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("bench.sqlite").display());
    ave_loadgen::seed::seed(&url, 3, 0, None, |_, _| {})
        .await
        .expect("seed");
    let again = ave_loadgen::seed::seed(&url, 3, 0, None, |_, _| {}).await;
    assert!(again.is_err());
}
