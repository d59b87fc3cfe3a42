//! The load generator against a real service: a 50-household SQLite database, the case
//! service and the hello-world endpoint in this process on port 0, every scenario for one
//! second. Checks that requests succeed and that the report has its percentiles and ratios.

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
    let seeded = ave_loadgen::seed::seed(&url, 50, 11, |_, _| {})
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
        scenarios: ["hello", "commit", "read", "list", "transition", "workflow"]
            .map(str::to_owned)
            .to_vec(),
        load: Load {
            clients: 4,
            warmup: Duration::from_millis(100),
            duration: Duration::from_secs(1),
        },
        commit_connections: None,
        server_pids: vec![std::process::id()],
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

    let json = serde_json::to_value(&report).expect("json");
    assert!(json["rows"][0]["p99_ms"].is_number(), "{json}");
}

#[tokio::test]
async fn a_seed_refuses_a_database_that_has_cases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("bench.sqlite").display());
    ave_loadgen::seed::seed(&url, 3, 0, |_, _| {})
        .await
        .expect("seed");
    let again = ave_loadgen::seed::seed(&url, 3, 0, |_, _| {}).await;
    assert!(again.is_err());
}
