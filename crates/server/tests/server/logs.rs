//! The one log writer and the processing log, on SQLite and (when `AVE_TEST_POSTGRES` names a
//! server) PostgreSQL: batches and `flush`, retry without loss while the database refuses
//! (and readiness says 503 meanwhile), fail closed when the queue is full, and the record a
//! request leaves — in the caller's trace, with the subject encrypted.

use ave_server::logs::Logs;
use ave_server::processing::{Activity, Processing, SubjectType, TRACEPARENT, parse_traceparent};
use ave_server::{AppState, router};
use ave_store::audit::AuditEntry;
use ave_store::processing::{ProcessingStatus, SubjectKey};
use axum::Router;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tower::ServiceExt;

use crate::commands::Db;

fn entry(n: usize) -> AuditEntry {
    AuditEntry {
        at: chrono::DateTime::UNIX_EPOCH,
        actor: "consulent-1".into(),
        origin: "127.0.0.1".into(),
        action: "lezen".into(),
        object: format!("casus/casus-{n}"),
        result: "ok".into(),
    }
}

/// A small app whose handler says it processes the case in its path (as the case handlers
/// do), behind the real processing middleware.
fn app(state: AppState) -> Router {
    async fn show(processing: Processing, Path(id): Path<String>) -> StatusCode {
        processing.record(Activity::CasusInzien, SubjectType::Casus, &id);
        if id == "casus-weg" {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        }
    }
    async fn nothing() -> StatusCode {
        StatusCode::OK
    }
    Router::new()
        .route("/casussen/{id}", get(show))
        .route("/niets", get(nothing))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ave_server::processing::track,
        ))
        .with_state(state)
}

async fn get_with(app: &Router, uri: &str, headers: &[(&str, &str)]) -> axum::response::Response {
    let mut req = Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.clone()
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("response")
}

#[tokio::test]
async fn the_writer_batches_what_arrives_together_and_flush_waits_for_all_of_it() {
    for db in Db::each().await {
        let logs = Logs::start(db.store.clone());
        // Nothing runs the writer until this task yields: all wait together.
        let n = 2 * ave_server::logs::BATCH + ave_server::logs::BATCH / 2;
        for i in 0..n {
            logs.audit(entry(i)).expect("queued");
        }
        logs.flush().await.expect("flushed");
        let entries = db.store.audit_entries(0, 100_000).await.expect("entries");
        assert_eq!(entries.len(), n, "{}", db.url);
        assert_eq!(
            entries[n - 1].1.object,
            format!("casus/casus-{}", n - 1),
            "in order"
        );
        let batches = logs.batches();
        assert!(
            (3..=4).contains(&batches),
            "{n} entries in {batches} batches"
        );
        let report = db.store.verify_audit(&[]).await.expect("verify");
        assert_eq!(report.first_problem, None);
        db.drop().await;
    }
}

#[tokio::test]
async fn a_batch_the_database_refuses_is_retried_until_it_lands_and_ready_says_503_meanwhile() {
    for db in Db::each().await {
        let state = AppState::new(db.store.clone());
        let logs = state.logs.clone();
        let full = router(state.clone());
        db.store
            .raw_exec("ALTER TABLE audit_log RENAME TO audit_log_weg")
            .await
            .expect("rename");
        logs.audit(entry(1)).expect("queued");
        let mut waited = 0;
        while logs.healthy() {
            assert!(waited < 500, "the writer never noticed");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            waited += 1;
        }
        let ready = get_with(&full, "/health/ready", &[]).await;
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        db.store
            .raw_exec("ALTER TABLE audit_log_weg RENAME TO audit_log")
            .await
            .expect("rename back");
        logs.flush()
            .await
            .expect("flushed once the database takes it");
        assert!(logs.healthy());
        let entries = db.store.audit_entries(0, 10).await.expect("entries");
        assert_eq!(entries.len(), 1, "nothing dropped, nothing doubled");
        let ready = get_with(&full, "/health/ready", &[]).await;
        assert_eq!(ready.status(), StatusCode::OK);
        db.drop().await;
    }
}

#[tokio::test]
async fn a_request_that_cannot_be_logged_is_not_served_but_answered_503() {
    for db in Db::each().await {
        let mut state = AppState::new(db.store.clone());
        state.logs = Logs::with_capacity(db.store.clone(), 2);
        db.store
            .raw_exec("ALTER TABLE audit_log RENAME TO audit_log_weg")
            .await
            .expect("rename");
        // The writer holds a batch it cannot commit; the queue fills behind it.
        let mut refused = false;
        for n in 0..2000 {
            if state.logs.audit(entry(n)).is_err() {
                refused = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        assert!(refused, "a queue of 2 must fill");
        let app = app(state.clone());
        let response = get_with(&app, "/casussen/casus-1", &[]).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body["code"], "logboek-niet-beschikbaar");
        // A request that processes nobody's data is not held up.
        let response = get_with(&app, "/niets", &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        db.store
            .raw_exec("ALTER TABLE audit_log_weg RENAME TO audit_log")
            .await
            .expect("rename back");
        db.drop().await;
    }
}

#[tokio::test]
async fn a_processing_record_joins_the_callers_trace_and_hides_the_subject() {
    for db in Db::each().await {
        let key = SubjectKey::generate().expect("key");
        let mut state = AppState::new(db.store.clone());
        state.logs = state.logs.clone().with_key(key.clone());
        let app = app(state.clone());
        let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let response = get_with(&app, "/casussen/casus-geheim-7", &[(TRACEPARENT, caller)]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let ours = response.headers()[TRACEPARENT]
            .to_str()
            .expect("ascii")
            .to_owned();
        let (trace, span, _) = parse_traceparent(&ours).expect("a valid traceparent back");
        assert_eq!(
            hex(&trace),
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "the caller's trace"
        );
        assert_ne!(hex(&span), "00f067aa0ba902b7", "our own span");
        // A failed request leaves a record with ERROR; one without personal data none.
        let response = get_with(&app, "/casussen/casus-weg", &[(TRACEPARENT, "00-zomaar")]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let other = response.headers()[TRACEPARENT]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(
            !other.contains("4bf92f3577b34da6a3ce929d0e0e4736"),
            "a new trace"
        );
        let response = get_with(&app, "/niets", &[]).await;
        assert!(response.headers().contains_key(TRACEPARENT));
        state.logs.flush().await.expect("flushed");

        let records = db
            .store
            .processing_records(None, 0, 10)
            .await
            .expect("records");
        assert_eq!(records.len(), 2, "{records:?}");
        let (_, r) = &records[0];
        assert_eq!(r.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(r.span_id, hex(&span));
        assert_eq!(r.parent_span_id.as_deref(), Some("00f067aa0ba902b7"));
        assert_eq!(r.name, "GET /casussen/{id}");
        assert_eq!(r.status, ProcessingStatus::Ok);
        assert_eq!(r.activity_id, "casus-inzien");
        assert_eq!(r.data_subject_type, "casus");
        assert_eq!(r.resource_name, "ave-regie");
        assert!(r.start <= r.end);
        let bytes = r.data_subject.as_bytes();
        assert!(
            !bytes
                .windows(b"casus-geheim-7".len())
                .any(|w| w == b"casus-geheim-7"),
            "the stored bytes do not hold the id"
        );
        assert_eq!(
            key.open(&r.data_subject).expect("the key opens it"),
            "casus-geheim-7"
        );
        let wrong = SubjectKey::generate().expect("key");
        assert!(wrong.open(&r.data_subject).is_err(), "another key does not");
        let (_, failed) = &records[1];
        assert_eq!(failed.status, ProcessingStatus::Error);
        assert_eq!(failed.parent_span_id, None);
        let only = db
            .store
            .processing_records(Some("4bf92f3577b34da6a3ce929d0e0e4736"), 0, 10)
            .await
            .expect("by trace");
        assert_eq!(only.len(), 1);
        // No user identity and no client address in the processing log.
        let text = format!("{records:?}");
        assert!(
            !text.contains("consulent") && !text.contains("127.0.0.1"),
            "{text}"
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn every_api_response_carries_a_traceparent() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let response = get_with(&app, "/api/v1/modellen", &[("ave-persoon", "consulent-1")]).await;
        let value = response.headers()[TRACEPARENT]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(parse_traceparent(&value).is_some(), "{value}");
        db.drop().await;
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Serves `store` as `ave serve` does with checkpoints signed by `key` every `every`, until
/// the sender is used.
fn serve_signing(
    store: ave_store::Store,
    key: &ave_store::audit::SigningKey,
    every: std::time::Duration,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), ave_server::ServeError>>,
) {
    let mut options = ave_server::ServeOptions::plain("127.0.0.1:0".parse().expect("addr"));
    options.checkpoints = Some(ave_server::checkpoints::CheckpointSigning {
        key: key.clone(),
        every,
    });
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ave_server::serve_with(
        store,
        options,
        async {
            let _ = stopped.await;
        },
        |_| {},
    ));
    (stop, server)
}

/// The server signs the audit log's head every interval while it serves — only when there
/// is something new — and once more when it stops, after the last entries are written; the
/// checkpoints verify with the installation's public key.
#[tokio::test]
async fn the_server_signs_the_audit_log_while_it_serves_and_when_it_stops() {
    use std::time::Duration;
    for db in Db::each().await {
        let key = ave_store::audit::SigningKey::from_bytes(&[5; 32]);
        let (stop, server) = serve_signing(db.store.clone(), &key, Duration::from_millis(100));
        db.store
            .audit_append(&[entry(1), entry(2)])
            .await
            .expect("append");
        let mut signed = Vec::new();
        for _ in 0..200 {
            signed = db.store.audit_checkpoints().await.expect("checkpoints");
            if !signed.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert_eq!(signed.iter().map(|c| c.seq).collect::<Vec<_>>(), [2]);
        // Five more intervals with nothing new: no second checkpoint of the same head.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(db.store.audit_checkpoints().await.expect("again").len(), 1);
        let _ = stop.send(());
        server.await.expect("task").expect("served");

        // Once an hour, so the only checkpoint of entry 3 is the one made when stopping.
        let store = ave_store::Store::open(&db.url).await.expect("reopen");
        let (stop, server) = serve_signing(store.clone(), &key, Duration::from_secs(3600));
        store.audit_append(&[entry(3)]).await.expect("append");
        let _ = stop.send(());
        server.await.expect("task").expect("served");

        let store = ave_store::Store::open(&db.url).await.expect("reopen");
        let signed = store.audit_checkpoints().await.expect("checkpoints");
        assert_eq!(signed.iter().map(|c| c.seq).collect::<Vec<_>>(), [2, 3]);
        let report = store
            .verify_audit(&[key.verifying_key()])
            .await
            .expect("verify");
        assert_eq!((report.checkpoints, report.first_problem), (2, None));
        let other = ave_store::audit::SigningKey::from_bytes(&[6; 32]);
        let report = store
            .verify_audit(&[other.verifying_key()])
            .await
            .expect("verify");
        assert!(report.first_problem.is_some(), "another key's checkpoints");
        store.close().await;
        db.drop().await;
    }
}

/// Audit entries of changes left in the outbox — by a server that stopped before its log
/// writer moved them — are moved by the next server's writer on its own, without a request.
#[tokio::test]
async fn entries_left_in_the_outbox_are_moved_by_an_idle_writer() {
    for db in Db::each().await {
        db.store
            .raw_exec("INSERT INTO audit_outbox (at, actor, origin, action, object, result) VALUES ('2026-01-01T00:00:00.000000Z', 'consulent-1', '127.0.0.1', 'schrijven', 'casus/casus-1', 'ok')")
            .await
            .expect("left behind");
        let _logs = Logs::start(db.store.clone());
        let mut entries = Vec::new();
        for _ in 0..100 {
            entries = db.store.audit_entries(0, 10).await.expect("entries");
            if !entries.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(entries.len(), 1, "moved within a few seconds");
        assert_eq!(entries[0].1.action, "schrijven");
        assert_eq!(entries[0].1.object, "casus/casus-1");
        db.drop().await;
    }
}
