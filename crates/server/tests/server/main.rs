//! The API through the real router in-process, and end to end on a random port, over a real
//! SQLite store holding cases the engine wrote.

mod accounts;
mod authz;
mod commands;
mod inbox;
mod logs;
mod oidc;
mod transport;
mod web;
mod web_actions;
mod web_model;

use std::net::SocketAddr;

use ave_engine::command::{Command, Envelope};
use ave_engine::ids::{CaseId, PersonId};
use ave_server::{AppState, router};
use ave_store::{Append, CaseRow, ModelRecord, Store};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

/// The complete annotated example from `docs/model-format.md`.
pub(crate) fn model_text() -> String {
    let doc = include_str!("../../../../docs/model-format.md");
    let section = doc
        .find("## A complete annotated example")
        .expect("the example section");
    let start = section + doc[section..].find("```toml\n").expect("toml block") + "```toml\n".len();
    let len = doc[start..].find("```").expect("block end");
    doc[start..start + len].to_owned()
}

/// The professionals of the test cases, in the directory: a consulent and a team leader of
/// the gemeente.
pub(crate) async fn directory(store: &Store) {
    use ave_store::identity::{Membership, Organisation, Person};
    store
        .put_organisation(
            &Organisation {
                id: "gemeente".to_owned(),
                name: "Gemeente".to_owned(),
            },
            None,
        )
        .await
        .expect("organisation");
    for (id, function) in [("consulent-1", "consulent"), ("teamleider-1", "teamleider")] {
        store
            .put_person(
                &Person {
                    id: id.to_owned(),
                    name: id.to_owned(),
                    admin: false,
                    privacy: false,
                    active: true,
                    memberships: vec![Membership {
                        organisation: "gemeente".to_owned(),
                        gemeente: None,
                        function: function.to_owned(),
                    }],
                },
                Default::default(),
            )
            .await
            .expect("person");
    }
}

struct Fixture {
    store: Store,
    _dir: tempfile::TempDir,
}

/// A store with three cases: two in Voorbeeldstad, one in Ander Dorp.
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("ave.sqlite").display());
    let store = Store::open(&url).await.expect("open");
    store.migrate().await.expect("migrate");
    let text = model_text();
    let model = ave_model::check("voorbeeld.toml", text.as_bytes(), &ave_model::NoBases)
        .into_valid()
        .expect("valid");
    store
        .put_model(&ModelRecord {
            id: model.model().model.id.as_str().to_owned(),
            version: model.model().model.version.clone(),
            text,
            sha256: "0".repeat(64),
            stored_at: chrono::DateTime::UNIX_EPOCH,
        })
        .await
        .expect("model");
    directory(&store).await;
    for (i, gemeente) in ["Voorbeeldstad", "Voorbeeldstad", "Ander Dorp"]
        .iter()
        .enumerate()
    {
        let id = format!("casus-{}", i + 1);
        let open: Command = serde_json::from_value(serde_json::json!({
            "do": "open", "case": id, "phase": "2", "reason": "zorgen",
            "household": [{"member": "lid-1", "role": "ouder"}],
            "participants": [{"person": "consulent-1", "name": "C", "function": "consulent", "organisation": "Gemeente"}],
        }))
        .expect("command");
        let mut case = None;
        let env = Envelope {
            at: chrono::DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
                .expect("t")
                .to_utc()
                + chrono::Days::new(i as u64),
            by: PersonId::parse("consulent-1").expect("id"),
            command: open,
        };
        let events = ave_engine::execute(&model, &mut case, &env).expect("opened");
        let case = case.expect("case");
        for r in store
            .append_batch(&[Append {
                case: CaseId::parse(&id).expect("id"),
                expected: 0,
                row: CaseRow::of(&model, &case, Some(gemeente)),
                provenance: Vec::new(),
                notify: Vec::new(),
                audit: None,
                events,
            }])
            .await
        {
            r.expect("stored");
        }
    }
    Fixture { store, _dir: dir }
}

async fn call(
    store: &Store,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let mut req = Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    // The consulent of the test cases asks, unless the test names someone.
    if !headers.iter().any(|(k, _)| {
        k.eq_ignore_ascii_case("ave-persoon") || k.eq_ignore_ascii_case("authorization")
    }) {
        req = req.header("ave-persoon", "consulent-1");
    }
    let response =
        router(AppState::new(store.clone()).with_auth(ave_server::auth::Auth::trusting_header()))
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("json body")
    };
    (status, headers, json)
}

fn assert_problem(
    status: StatusCode,
    headers: &axum::http::HeaderMap,
    body: &serde_json::Value,
    expected: StatusCode,
    code: &str,
) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(body["status"], expected.as_u16());
    assert_eq!(body["code"], code, "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string());
}

#[tokio::test]
async fn every_response_has_the_api_version_and_security_headers() {
    let f = fixture().await;
    for uri in ["/health/live", "/api/v1/casussen", "/api/v1/bestaat-niet"] {
        let (_, headers, _) = call(&f.store, uri, &[]).await;
        assert_eq!(headers["api-version"], "1.0.0", "{uri}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store", "{uri}");
        assert!(
            headers[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .expect("ascii")
                .contains("frame-ancestors 'none'"),
            "{uri}"
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
    let (status, headers, body) = call(&f.store, "/api/v1/bestaat-niet", &[]).await;
    assert_problem(
        status,
        &headers,
        &body,
        StatusCode::NOT_FOUND,
        "niet-gevonden",
    );
}

#[tokio::test]
async fn ready_says_503_with_retry_after_when_the_database_is_gone() {
    let f = fixture().await;
    let (status, _, _) = call(&f.store, "/health/ready", &[]).await;
    assert_eq!(status, StatusCode::OK);
    f.store.close().await;
    let (status, headers, body) = call(&f.store, "/health/ready", &[]).await;
    assert_problem(
        status,
        &headers,
        &body,
        StatusCode::SERVICE_UNAVAILABLE,
        "niet-beschikbaar",
    );
    assert_eq!(headers[header::RETRY_AFTER], "5");
    let (status, headers, body) = call(&f.store, "/api/v1/casussen", &[]).await;
    assert_problem(
        status,
        &headers,
        &body,
        StatusCode::SERVICE_UNAVAILABLE,
        "niet-beschikbaar",
    );
    let (status, _, _) = call(&f.store, "/health/live", &[]).await;
    assert_eq!(status, StatusCode::OK, "the process itself still lives");
}

#[tokio::test]
async fn the_openapi_document_is_served_without_sign_on() {
    let f = fixture().await;
    let (status, _, doc) = call(&f.store, "/api/v1/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        doc["openapi"].as_str().expect("version").starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    for path in [
        "/casussen",
        "/casussen/{id}",
        "/casussen/{id}/tijdlijn",
        "/modellen",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    // Every response declares the API-Version header the server sends.
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            for (status, response) in op["responses"].as_object().expect("responses") {
                assert!(
                    response["headers"]["API-Version"].is_object(),
                    "{status} lacks API-Version"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_list_filters_pages_and_links() {
    let f = fixture().await;
    let (status, _, page) = call(&f.store, "/api/v1/casussen", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["totaal"], 3);
    assert_eq!(page["casussen"].as_array().expect("list").len(), 3);
    let first = &page["casussen"][0];
    assert_eq!(first["id"], "casus-3", "newest activity first");
    assert!(first["geopendOp"].is_string() && first["laatsteActiviteit"].is_string());
    assert!(
        first["aandacht"]
            .as_array()
            .expect("kinds")
            .iter()
            .any(|k| k == "role-unfilled")
    );

    let (_, _, page) = call(
        &f.store,
        "/api/v1/casussen?gemeente=Voorbeeldstad&paginaGrootte=1&pagina=2",
        &[],
    )
    .await;
    assert_eq!(page["totaal"], 2);
    assert_eq!(page["casussen"].as_array().expect("list").len(), 1);
    assert_eq!(page["pagina"], 2);
    assert_eq!(page["paginaGrootte"], 1);
    assert!(
        page["_links"]["prev"]
            .as_str()
            .expect("prev")
            .contains("pagina=1")
    );
    assert!(page["_links"].get("next").is_none());
    // Past the end: an empty page whose "prev" is the last page with cases.
    let (_, _, page) = call(
        &f.store,
        "/api/v1/casussen?gemeente=Voorbeeldstad&paginaGrootte=1&pagina=999",
        &[],
    )
    .await;
    assert_eq!(page["casussen"].as_array().expect("list").len(), 0);
    let prev = page["_links"]["prev"].as_str().expect("prev");
    assert!(
        prev.contains("pagina=2&") || prev.ends_with("pagina=2"),
        "{prev}"
    );

    let (_, _, page) = call(
        &f.store,
        "/api/v1/casussen?aandacht=role-unfilled&gesloten=false",
        &[],
    )
    .await;
    assert_eq!(page["totaal"], 3);
    let (_, _, page) = call(&f.store, "/api/v1/casussen?rolhouder=niemand", &[]).await;
    assert_eq!(page["totaal"], 0);
}

#[tokio::test]
async fn invalid_query_parameters_are_400_with_each_listed() {
    let f = fixture().await;
    let (status, headers, body) = call(
        &f.store,
        "/api/v1/casussen?paginaGrootte=1000&gesloten=misschien&aandacht=zomaar&bsn=123",
        &[],
    )
    .await;
    assert_problem(
        status,
        &headers,
        &body,
        StatusCode::BAD_REQUEST,
        "ongeldige-invoer",
    );
    let mut names: Vec<&str> = body["invalidParams"]
        .as_array()
        .expect("params")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["aandacht", "bsn", "gesloten", "paginaGrootte"]);
}

#[tokio::test]
async fn a_case_has_an_etag_and_answers_if_none_match() {
    let f = fixture().await;
    let (status, headers, case) = call(&f.store, "/api/v1/casussen/casus-1", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(case["id"], "casus-1");
    assert_eq!(case["gemeente"], "Voorbeeldstad");
    let etag = headers[header::ETAG].to_str().expect("etag").to_owned();
    assert_eq!(etag, format!("\"{}\"", case["versie"]));
    // Compared weakly, `*` too, and in a list; a 304 carries the ETag.
    let weak = format!("W/{etag}");
    let list = format!("\"0\", {etag}");
    for given in [etag.as_str(), weak.as_str(), "*", list.as_str()] {
        let (status, headers, _) = call(
            &f.store,
            "/api/v1/casussen/casus-1",
            &[("if-none-match", given)],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{given}");
        assert_eq!(headers[header::ETAG], etag.as_str(), "{given}");
    }
    let (status, _, _) = call(
        &f.store,
        "/api/v1/casussen/casus-1",
        &[("if-none-match", "\"0\"")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "another version is sent whole");

    let (status, headers, body) = call(&f.store, "/api/v1/casussen/casus-99", &[]).await;
    assert_problem(
        status,
        &headers,
        &body,
        StatusCode::NOT_FOUND,
        "niet-gevonden",
    );
    let (status, headers, body) =
        call(&f.store, "/api/v1/casussen/Casus%20Met%20Spaties", &[]).await;
    assert_problem(
        status,
        &headers,
        &body,
        StatusCode::BAD_REQUEST,
        "ongeldige-invoer",
    );
}

#[tokio::test]
async fn the_timeline_stays_in_outline_after_erasure() {
    let f = fixture().await;
    let (status, _, before) = call(&f.store, "/api/v1/casussen/casus-2/tijdlijn", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let entries = before.as_array().expect("list");
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["inhoudAanwezig"] == true));
    f.store
        .erase(
            &CaseId::parse("casus-2").expect("id"),
            chrono::DateTime::UNIX_EPOCH,
        )
        .await
        .expect("erase");
    let (_, _, after) = call(&f.store, "/api/v1/casussen/casus-2/tijdlijn", &[]).await;
    let after = after.as_array().expect("list");
    assert_eq!(after.len(), entries.len());
    assert!(
        after
            .iter()
            .all(|e| e["inhoudAanwezig"] == false && e["soort"].is_string())
    );
    let (_, _, case) = call(&f.store, "/api/v1/casussen/casus-2", &[]).await;
    assert_eq!(case["gewist"], true);
}

#[tokio::test]
async fn models_are_listed_with_their_versions() {
    let f = fixture().await;
    let (status, _, models) = call(&f.store, "/api/v1/modellen", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(models.as_array().expect("list").len(), 1);
    assert!(models[0]["versie"].is_string() && models[0]["opgeslagenOp"].is_string());
}

#[tokio::test]
async fn end_to_end_on_a_random_loopback_port_with_graceful_shutdown() {
    let f = fixture().await;
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel::<SocketAddr>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let store = f.store.clone();
    let server = tokio::spawn(async move {
        ave_server::serve(
            store,
            "127.0.0.1:0".parse().expect("addr"),
            async {
                let _ = stop_rx.await;
            },
            move |addr| {
                let _ = addr_tx.send(addr);
            },
        )
        .await
    });
    let addr = addr_rx.await.expect("listening");
    // The consulent's personal API token, as `ave account token` makes one.
    let token = ave_server::auth::new_api_token().expect("token");
    f.store
        .create_api_token(
            &ave_store::identity::token_hash(&token),
            &ave_store::identity::ApiToken {
                person: "consulent-1".to_owned(),
                name: "test".to_owned(),
                created_at: chrono::DateTime::UNIX_EPOCH,
                expires_at: None,
            },
            None,
        )
        .await
        .expect("token stored");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(format!("GET /api/v1/casussen?paginaGrootte=2 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.to_ascii_lowercase().contains("api-version: 1.0.0"));
    assert!(response.contains("\"totaal\":3"), "{response}");
    stop_tx.send(()).expect("stop");
    server
        .await
        .expect("task")
        .expect("served and stopped cleanly");
}

#[tokio::test]
async fn the_server_refuses_plain_http_beyond_loopback() {
    let f = fixture().await;
    let e = ave_server::serve(
        f.store.clone(),
        "0.0.0.0:0".parse().expect("addr"),
        async {},
        |_| {},
    )
    .await
    .expect_err("refused");
    assert!(e.to_string().contains("alleen op loopback"), "{e}");
}

/// The text `GET /metrics` answers (asserting 200).
pub(crate) async fn metrics_text(app: &axum::Router) -> String {
    let response = app
        .clone()
        .oneshot(
            Request::builder()
                .uri("/metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

#[tokio::test]
async fn metrics_count_requests_per_route_pattern_never_per_case() {
    let f = fixture().await;
    let app =
        router(AppState::new(f.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()));
    for uri in [
        "/api/v1/casussen/casus-1",
        "/api/v1/casussen/casus-2",
        "/api/v1/casussen/casus-99",
        "/metrics",
    ] {
        let response = app
            .clone()
            .oneshot(
                Request::builder()
                    .uri(uri)
                    .header("ave-persoon", "consulent-1")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        let _ = axum::body::to_bytes(response.into_body(), 1 << 20).await;
    }
    let text = metrics_text(&app).await;
    assert!(
        text.contains(
            r#"ave_http_requests_total{route="/api/v1/casussen/{id}",method="GET",status="200"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"ave_http_requests_total{route="/api/v1/casussen/{id}",method="GET",status="404"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains("ave_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(!text.contains("casus-1"), "no case id in a metric");
}

#[tokio::test]
async fn gemeenten_and_the_attention_list_are_counts_without_personal_data() {
    let f = fixture().await;
    let (status, _, body) = call(&f.store, "/api/v1/gemeenten", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let list = body.as_array().expect("list");
    assert_eq!(list.len(), 2, "{body}");
    assert_eq!(list[0]["naam"], "Ander Dorp");
    assert_eq!(list[1]["naam"], "Voorbeeldstad");
    // Two open cases: rounded to fives, so a small number points to no household.
    assert_eq!(list[1]["openCasussen"], 0);
    assert_eq!(list[1]["perFase"]["2"], 0);

    let (status, _, body) = call(&f.store, "/api/v1/aandacht?gemeente=Voorbeeldstad", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let kinds = body.as_array().expect("list");
    assert_eq!(kinds.len(), ave_server::api::cases::ATTENTION_KINDS.len());
    // Phase 2 of the example needs a casusregisseur nobody holds yet: both cases.
    let unfilled = kinds
        .iter()
        .find(|k| k["soort"] == "role-unfilled")
        .expect("role-unfilled");
    assert_eq!(unfilled["aantal"], 2, "{body}");
    // The link lists exactly those cases.
    let link = unfilled["casussen"].as_str().expect("link");
    let (_, _, page) = call(&f.store, link, &[]).await;
    assert_eq!(page["totaal"], 2, "{page}");
    let (status, _, _) = call(&f.store, "/api/v1/aandacht?bsn=1", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
