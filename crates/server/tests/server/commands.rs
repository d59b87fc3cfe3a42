//! Commands through the real router, on SQLite and (when `AVE_TEST_POSTGRES` names a server)
//! PostgreSQL: open a case, signal, role, propose and decide; stale `If-Match` → 412; racing
//! commands → exactly one wins; two servers on one database stay correct; bad input → a Dutch
//! problem and nothing written.

use std::sync::atomic::{AtomicU32, Ordering};

use ave_server::{AppState, router};
use ave_store::{ModelRecord, Store};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::model_text;

const REGISSEUR: &str = "consulent-1";

/// One fresh database of one backend.
pub(crate) struct Db {
    pub(crate) url: String,
    pub(crate) store: Store,
    _dir: tempfile::TempDir,
    admin: Option<(String, String)>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl Db {
    async fn ready(url: String, dir: tempfile::TempDir, admin: Option<(String, String)>) -> Db {
        let store = Store::open(&url).await.expect("open");
        store.migrate().await.expect("migrate");
        let model = ave_model::check(
            "voorbeeld.toml",
            model_text().as_bytes(),
            &ave_model::NoBases,
        )
        .into_valid()
        .expect("valid");
        store
            .put_model(&ModelRecord {
                id: model.model().model.id.as_str().to_owned(),
                version: model.model().model.version.clone(),
                text: model_text(),
                sha256: "0".repeat(64),
                stored_at: chrono::DateTime::UNIX_EPOCH,
            })
            .await
            .expect("model");
        crate::directory(&store).await;
        Db {
            url,
            store,
            _dir: dir,
            admin,
        }
    }

    /// A fresh SQLite database only: for a test whose subject does not depend on the
    /// backend (making a PostgreSQL one it does not use would leave it behind).
    pub(crate) async fn sqlite() -> Db {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("ave.sqlite").display());
        Db::ready(url, dir, None).await
    }

    /// A fresh database on each backend: SQLite, and PostgreSQL when `AVE_TEST_POSTGRES`
    /// names a server.
    pub(crate) async fn each() -> Vec<Db> {
        let mut dbs = vec![Db::sqlite().await];
        match std::env::var("AVE_TEST_POSTGRES") {
            Ok(admin) if !admin.is_empty() => {
                let name = format!(
                    "ave_server_{}_{}",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::Relaxed)
                );
                admin_exec(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
                admin_exec(&admin, &format!("CREATE DATABASE {name}")).await;
                let (server, _) = admin.rsplit_once('/').expect("a URL");
                let url = format!("{server}/{name}");
                let dir = tempfile::tempdir().expect("tempdir");
                dbs.push(Db::ready(url, dir, Some((admin.clone(), name))).await);
            }
            _ if std::env::var("AVE_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
                panic!("AVE_REQUIRE_POSTGRES=1 but AVE_TEST_POSTGRES names no server")
            }
            _ => {}
        }
        dbs
    }

    pub(crate) async fn drop(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.admin {
            admin_exec(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        }
    }
}

async fn admin_exec(admin: &str, sql: &str) {
    let store = Store::open(admin).await.expect("PostgreSQL answers");
    store.raw_exec(sql).await.expect("admin sql");
    store.close().await;
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

pub(crate) async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    // Reads are by the consulent of the test cases unless the test names someone.
    if method == "GET" && !headers.iter().any(|(k, _)| *k == "ave-persoon") {
        req = req.header("ave-persoon", REGISSEUR);
    }
    let body = match body {
        Some(bytes) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let response = app
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("json body")
    };
    Answer {
        status,
        headers,
        body,
    }
}

pub(crate) async fn post(
    app: &Router,
    uri: &str,
    by: &str,
    body: Value,
    if_match: Option<&str>,
) -> Answer {
    let mut headers = vec![("ave-persoon", by)];
    if let Some(v) = if_match {
        headers.push(("if-match", v));
    }
    send(
        app,
        "POST",
        uri,
        &headers,
        Some(serde_json::to_vec(&body).expect("json")),
    )
    .await
}

fn new_case() -> Value {
    json!({
        "model": "voorbeeld",
        "gemeente": "Voorbeeldstad",
        "fase": "2",
        "reden": "zorgen over het gezin",
        "huishouden": [{"lid": "lid-1", "rol": "ouder"}],
        "deelnemers": [
            {"persoon": REGISSEUR, "naam": "C. Consulent", "functie": "consulent", "organisatie": "Gemeente"},
            {"persoon": "teamleider-1", "naam": "T. Leider", "functie": "teamleider", "organisatie": "Gemeente"},
        ],
    })
}

/// Opens a case; its path and version.
async fn open(app: &Router) -> (String, u64) {
    let a = post(app, "/api/v1/casussen", REGISSEUR, new_case(), None).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let location = a.headers[header::LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(
        location,
        format!("/api/v1/casussen/{}", a.body["id"].as_str().expect("id"))
    );
    let version = a.body["versie"].as_u64().expect("versie");
    assert_eq!(a.headers[header::ETAG], format!("\"{version}\"").as_str());
    (location, version)
}

pub(crate) async fn version_in_store(store: &Store, path: &str) -> u64 {
    let id = ave_engine::ids::CaseId::parse(path.rsplit('/').next().expect("id")).expect("id");
    store.version(&id).await.expect("version").expect("exists")
}

#[tokio::test]
async fn a_case_is_opened_signalled_given_a_role_and_moved_through_a_transition() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let (case, v1) = open(&app).await;
        let got = send(&app, "GET", &case, &[], None).await;
        assert_eq!(got.body["fase"], "2");
        assert_eq!(got.body["gemeente"], "Voorbeeldstad");

        let a = post(
            &app,
            &format!("{case}/signalen"),
            REGISSEUR,
            json!({"bron": "school", "categorie": "zorg", "tekst": "kind vaak afwezig"}),
            Some(&format!("\"{v1}\"")),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let v2 = a.body["versie"].as_u64().expect("versie");
        assert!(v2 > v1);

        let a = post(
            &app,
            &format!("{case}/rollen"),
            REGISSEUR,
            json!({"rol": "casusregie", "persoon": REGISSEUR}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert!(
            a.body["rollen"]
                .as_array()
                .expect("rollen")
                .iter()
                .any(|r| r["rol"] == "casusregie" && r["persoon"] == REGISSEUR),
            "{}",
            a.body
        );

        // Afschalen 2 → 1: the criterion is assessed (any engine command goes through
        // `/opdrachten`), then a consulent proposes and decides.
        let a = post(
            &app,
            &format!("{case}/opdrachten"),
            REGISSEUR,
            json!({"do": "assess-criterion", "criterion": "stabiel", "holds": true, "evidence": "rustig"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let a = post(
            &app,
            &format!("{case}/verzoeken"),
            REGISSEUR,
            json!({"id": "verzoek-1", "overgang": "2-naar-1", "criteria": ["stabiel"], "onderbouwing": "het gaat goed"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let a = post(
            &app,
            &format!("{case}/verzoeken/verzoek-1/besluit"),
            REGISSEUR,
            json!({"goedkeuren": true, "reden": "stabiel sinds maanden"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.body["fase"], "1", "{}", a.body);

        // The read model and the timeline agree with what was answered.
        let got = send(&app, "GET", &case, &[], None).await;
        assert_eq!(got.body["fase"], "1");
        assert_eq!(got.body["versie"], a.body["versie"]);
        let timeline = send(&app, "GET", &format!("{case}/tijdlijn"), &[], None).await;
        let kinds: Vec<&str> = timeline
            .body
            .as_array()
            .expect("list")
            .iter()
            .map(|e| e["soort"].as_str().expect("soort"))
            .collect();
        assert!(kinds.contains(&"signal_recorded"), "{kinds:?}");
        assert!(
            db.store
                .verify()
                .await
                .expect("verify")
                .first_problem
                .is_none()
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn any_engine_command_runs_through_opdrachten_and_a_refusal_is_422_with_its_code() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let (case, v) = open(&app).await;
        let a = post(
            &app,
            &format!("{case}/opdrachten"),
            REGISSEUR,
            json!({"do": "record-fact", "fact": "media-aandacht", "holds": true, "evidence": "krantenbericht"}),
            Some(&format!("\"{v}\"")),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.body["versie"].as_u64(), Some(v + 1));
        // An engine command with a field it does not know is a 400 naming the field.
        let a = post(
            &app,
            &format!("{case}/opdrachten"),
            REGISSEUR,
            json!({"do": "record-fact", "fact": "media-aandacht", "holds": true, "evidence": "x", "naam": "Jan"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
        assert_eq!(a.body["invalidParams"][0]["code"], "unknown", "{}", a.body);
        assert!(
            a.body["invalidParams"][0]["reason"]
                .as_str()
                .expect("reason")
                .contains("naam")
        );
        let before = version_in_store(&db.store, &case).await;
        // Deciding a request that does not exist: the engine refuses it.
        let a = post(
            &app,
            &format!("{case}/opdrachten"),
            REGISSEUR,
            json!({"do": "decide", "request": "bestaat-niet", "approve": true, "reason": "x"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
        assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
        assert!(ave_engine::RejectionCode::parse(a.body["code"].as_str().expect("code")).is_some());
        // A person who is not involved does not see the case at all: 404, as if it did not
        // exist.
        let a = post(
            &app,
            &format!("{case}/signalen"),
            "buitenstaander",
            json!({"bron": "buren", "categorie": "overlast", "tekst": "geluid"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);
        assert_eq!(
            version_in_store(&db.store, &case).await,
            before,
            "nothing written"
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_writes_nothing() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let (case, v) = open(&app).await;
        let signal = json!({"bron": "school", "categorie": "zorg", "tekst": "afwezig"});
        let a = post(
            &app,
            &format!("{case}/signalen"),
            REGISSEUR,
            signal.clone(),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED);
        let now = version_in_store(&db.store, &case).await;
        let a = post(
            &app,
            &format!("{case}/signalen"),
            REGISSEUR,
            signal,
            Some(&format!("\"{v}\"")),
        )
        .await;
        assert_eq!(a.status, StatusCode::PRECONDITION_FAILED, "{}", a.body);
        assert_eq!(a.body["code"], "versie-verouderd");
        assert_eq!(version_in_store(&db.store, &case).await, now);
        db.drop().await;
    }
}

#[tokio::test]
async fn racing_commands_on_one_case_exactly_one_wins_the_others_get_409_or_412() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let (case, v) = open(&app).await;
        let etag = format!("\"{v}\"");
        let mut tasks = Vec::new();
        for i in 0..16 {
            let app = app.clone();
            let uri = format!("{case}/signalen");
            let etag = etag.clone();
            tasks.push(tokio::spawn(async move {
                post(
                    &app,
                    &uri,
                    REGISSEUR,
                    json!({"bron": "school", "categorie": "zorg", "tekst": format!("melding {i}")}),
                    Some(&etag),
                )
                .await
                .status
            }));
        }
        let mut won = 0;
        for t in tasks {
            match t.await.expect("task") {
                StatusCode::CREATED => won += 1,
                StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED => {}
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(won, 1, "exactly one command may win");
        assert_eq!(version_in_store(&db.store, &case).await, v + 1);
        assert!(
            db.store
                .verify()
                .await
                .expect("verify")
                .first_problem
                .is_none()
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn two_servers_on_one_database_never_act_on_a_stale_case() {
    for db in Db::each().await {
        // Two servers: each its own store connection, writer, live cache and kept rows
        // (on PostgreSQL, as `ave serve` keeps them).
        let mine = db.store.clone().keep_case_rows();
        let other = Store::open(&db.url)
            .await
            .expect("second connection")
            .keep_case_rows();
        for store in [&mine, &other] {
            until_listening(store).await;
        }
        let a = router(
            AppState::new(mine.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let b = router(
            AppState::new(other.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let (case, _) = open(&a).await;
        let read = |app: &Router| {
            let (app, case) = (app.clone(), case.clone());
            async move {
                let got = send(&app, "GET", &case, &[], None).await;
                assert_eq!(got.status, StatusCode::OK, "{}", got.body);
                got.body["versie"].as_u64().expect("versie")
            }
        };
        let signal = |t: &str| json!({"bron": "school", "categorie": "zorg", "tekst": t});
        // A caches the case; B changes it; A's next command builds on B's change.
        let first = post(
            &a,
            &format!("{case}/signalen"),
            REGISSEUR,
            signal("a"),
            None,
        )
        .await;
        assert_eq!(first.status, StatusCode::CREATED);
        let by_b = post(
            &b,
            &format!("{case}/signalen"),
            REGISSEUR,
            signal("b"),
            None,
        )
        .await;
        assert_eq!(by_b.status, StatusCode::CREATED, "{}", by_b.body);
        let b_version = by_b.body["versie"].as_u64().expect("versie");
        // B reads its own write at once; A, which kept the row from before, sees B's
        // change as soon as the announcement arrives.
        assert_eq!(read(&b).await, b_version);
        let mut seen = read(&a).await;
        for _ in 0..500 {
            if seen == b_version {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            seen = read(&a).await;
        }
        assert_eq!(
            seen, b_version,
            "A still reads the row from before B's change"
        );
        let again = post(
            &a,
            &format!("{case}/signalen"),
            REGISSEUR,
            signal("a2"),
            None,
        )
        .await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", again.body);
        assert_eq!(again.body["versie"].as_u64(), Some(b_version + 1));
        assert_eq!(read(&a).await, b_version + 1);
        // Racing across the two servers with the same If-Match: one wins.
        let etag = format!("\"{}\"", again.body["versie"]);
        let uri = format!("{case}/signalen");
        let (x, y) = tokio::join!(
            post(&a, &uri, REGISSEUR, signal("x"), Some(&etag)),
            post(&b, &uri, REGISSEUR, signal("y"), Some(&etag)),
        );
        let wins = [x.status, y.status]
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        assert_eq!(wins, 1, "{} {}", x.status, y.status);
        for s in [x.status, y.status] {
            assert!(
                [
                    StatusCode::CREATED,
                    StatusCode::CONFLICT,
                    StatusCode::PRECONDITION_FAILED
                ]
                .contains(&s)
            );
        }
        assert!(
            db.store
                .verify()
                .await
                .expect("verify")
                .first_problem
                .is_none()
        );
        other.close().await;
        mine.stop_keeping_rows().await;
        db.drop().await;
    }
}

/// A token revoked or a person changed by another process — a second `ave serve` on the
/// same PostgreSQL database, `ave` beside the server on SQLite — is refused by the server at
/// once (PostgreSQL announces it; on SQLite the server reads a counter of such changes every
/// half second), not only after its cache of sessions and tokens expires (`CACHE_TTL`, 30 s).
#[tokio::test]
async fn a_token_revoked_or_a_person_changed_elsewhere_is_refused_at_once() {
    for db in Db::each().await {
        let mut tokens = Vec::new();
        for person in [REGISSEUR, "teamleider-1"] {
            let token = ave_server::auth::new_api_token().expect("token");
            let stored = ave_store::identity::ApiToken {
                person: person.to_owned(),
                name: "koppeling".to_owned(),
                created_at: chrono::DateTime::UNIX_EPOCH,
                expires_at: None,
            };
            let hash = ave_store::identity::token_hash(&token);
            let made = db.store.create_api_token(&hash, &stored, None).await;
            made.expect("token stored");
            tokens.push(token);
        }
        // The server, as `ave serve` runs it; the test's own store is the other process.
        let other = Store::open(&db.url).await.expect("second connection");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
        let server = tokio::spawn(ave_server::serve(
            other,
            "127.0.0.1:0".parse().expect("addr"),
            async {
                let _ = stopped.await;
            },
            move |addr| {
                let _ = addr_tx.send(addr);
            },
        ));
        let addr = addr_rx.await.expect("listening");
        let http = reqwest::Client::new();
        let status = |token: String| {
            let http = http.clone();
            async move {
                let url = format!("http://{addr}/api/v1/casussen?paginaGrootte=1");
                let r = http.get(url).bearer_auth(token).send().await;
                r.expect("answered").status().as_u16()
            }
        };
        // Refused within 5 s, far less than the cache's 30.
        let refused_soon = |token: String| async move {
            for _ in 0..250 {
                if status(token.clone()).await == 401 {
                    return true;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            false
        };
        // Both tokens work, and the server now keeps who is behind them.
        for token in &tokens {
            assert_eq!(status(token.clone()).await, 200);
        }
        // On PostgreSQL the server listens before anything changes (so that its "listening
        // began, forget all" cannot be what refuses the tokens below).
        if db.store.backend() == ave_store::Backend::Postgres {
            let listening = "SELECT 1 FROM pg_stat_activity WHERE application_name = 'ave-casusrijen' \
                 AND datname = current_database() AND query ILIKE 'LISTEN%'";
            let mut heard = false;
            for _ in 0..250 {
                if db.store.raw_exec(listening).await.expect("activity") > 0 {
                    heard = true;
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            assert!(heard, "the server never listened");
            for token in &tokens {
                assert_eq!(status(token.clone()).await, 200);
            }
        }
        // Revoked elsewhere (as `ave account intrekken` does): refused by the server.
        let revoked = db
            .store
            .revoke_api_token(REGISSEUR, "koppeling", None)
            .await;
        assert_eq!(revoked.expect("revoked"), 1);
        assert!(
            refused_soon(tokens[0].clone()).await,
            "the revoked token still works on the server"
        );
        // The team leader made inactive elsewhere (as an administrator does through the other
        // server's API): their token is refused by this one.
        let mut leader = db
            .store
            .person("teamleider-1")
            .await
            .expect("read")
            .expect("person");
        leader.active = false;
        db.store
            .put_person(&leader, Default::default())
            .await
            .expect("changed");
        assert!(
            refused_soon(tokens[1].clone()).await,
            "an inactive person's token still works on the server"
        );
        let _ = stop.send(());
        server.await.expect("task").expect("served and stopped");
        db.drop().await;
    }
}

/// Waits until `store` serves kept rows (on PostgreSQL; at once on SQLite, which keeps none).
async fn until_listening(store: &Store) {
    for _ in 0..500 {
        if store
            .kept_rows_status()
            .is_none_or(|(on, _, warmed)| on && warmed >= 1)
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the kept rows never started listening");
}

#[tokio::test]
async fn bad_input_is_a_dutch_problem_naming_the_field_and_writes_nothing() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let (case, _) = open(&app).await;
        let before = version_in_store(&db.store, &case).await;
        let uri = format!("{case}/signalen");
        let by = [("ave-persoon", REGISSEUR)];
        let cases: Vec<(Vec<u8>, &str, &str)> = vec![
            (b"{\"bron\": ".to_vec(), "body", "invalid-json"),
            (
                br#"{"bron": 1, "categorie": "zorg", "tekst": "t"}"#.to_vec(),
                "bron",
                "invalid-type",
            ),
            (
                br#"{"bron": "s", "categorie": "zorg", "tekst": "t", "bsn": "123"}"#.to_vec(),
                "bsn",
                "unknown",
            ),
            (
                br#"{"bron": "s", "tekst": "t"}"#.to_vec(),
                "categorie",
                "required",
            ),
            (
                br#"{"bron": "s", "categorie": "zorg", "tekst": "t"} xyz"#.to_vec(),
                "body",
                "invalid-json",
            ),
            (
                br#"{"bron": "s", "bron": "t", "categorie": "zorg", "tekst": "t"}"#.to_vec(),
                "bron",
                "invalid",
            ),
            (br#"["s", "zorg", "t"]"#.to_vec(), "body", "invalid-type"),
            (
                br#"{"id": "geen spaties", "bron": "s", "categorie": "c", "tekst": "t"}"#.to_vec(),
                "id",
                "invalid",
            ),
        ];
        for (body, field, code) in cases {
            let a = send(&app, "POST", &uri, &by, Some(body)).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
            assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
            let p = &a.body["invalidParams"][0];
            assert_eq!(p["name"], field, "{}", a.body);
            assert_eq!(p["code"], code, "{}", a.body);
            assert!(
                !p["reason"].as_str().expect("reason").contains("expected"),
                "{}",
                a.body
            );
        }
        // Nobody logged in: 401 with a Bearer challenge.
        let a = send(
            &app,
            "POST",
            &uri,
            &[],
            Some(br#"{"bron":"s","categorie":"c","tekst":"t"}"#.to_vec()),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.body);
        assert_eq!(a.body["code"], "niet-aangemeld");
        assert!(a.headers.contains_key(header::WWW_AUTHENTICATE));
        // Not JSON.
        let a = send(&app, "POST", &uri, &by, None).await;
        assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", a.body);
        assert_eq!(a.body["code"], "geen-json");
        // Too large: announced, and streamed without a length.
        let big = vec![b' '; ave_server::BODY_LIMIT + 1];
        let a = send(&app, "POST", &uri, &by, Some(big)).await;
        assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
        assert_eq!(a.body["code"], "te-groot");
        assert_eq!(
            version_in_store(&db.store, &case).await,
            before,
            "nothing written"
        );
        db.drop().await;
    }
}

/// A household member or participant named by a BSN (nine digits that pass the elfproef) is
/// refused with a Dutch reason, and no case is opened: ids are pseudonyms, and an id ends up
/// in events, URLs and logs.
#[tokio::test]
async fn a_bsn_as_an_id_is_refused_and_opens_nothing() {
    let db = Db::sqlite().await;
    let app = router(
        AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
    );
    let mut body = new_case();
    body["huishouden"][0]["lid"] = json!("123456782");
    let a = post(&app, "/api/v1/casussen", REGISSEUR, body, None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let p = &a.body["invalidParams"][0];
    assert!(
        p["name"].as_str().expect("name").contains("lid"),
        "{}",
        a.body
    );
    assert!(
        p["reason"]
            .as_str()
            .expect("reason")
            .contains("burgerservicenummer"),
        "{}",
        a.body
    );
    let page = send(&app, "GET", "/api/v1/casussen", &[], None).await;
    assert_eq!(page.body["totaal"], 0, "nothing opened");
    db.drop().await;
}

#[tokio::test]
async fn a_command_when_the_database_is_gone_is_503_with_retry_after() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let (case, v) = open(&app).await;
        db.store.close().await;
        let a = post(
            &app,
            &format!("{case}/signalen"),
            REGISSEUR,
            json!({"bron": "school", "categorie": "zorg", "tekst": "t"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
        assert_eq!(a.headers[header::RETRY_AFTER], "5");
        let reopened = Store::open(&db.url).await.expect("reopen");
        assert_eq!(
            version_in_store(&reopened, &case).await,
            v,
            "only the opening"
        );
        reopened.close().await;
        db.drop().await;
    }
}

#[tokio::test]
async fn a_case_moves_to_a_new_model_version_and_every_server_follows() {
    for db in Db::each().await {
        let other = Store::open(&db.url).await.expect("second connection");
        let a = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let b = router(
            AppState::new(other.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let (case, _) = open(&a).await;
        let signal = json!({"bron": "school", "categorie": "zorg", "tekst": "t"});
        let first = post(
            &a,
            &format!("{case}/signalen"),
            REGISSEUR,
            signal.clone(),
            None,
        )
        .await;
        assert_eq!(first.body["modelversie"], "2025.1");
        // A version that is not stored: 404, nothing written.
        let move_to = |v: &str| json!({"versie": v, "reden": "nieuwe versie vastgesteld"});
        let a404 = post(
            &b,
            &format!("{case}/modelversie"),
            REGISSEUR,
            move_to("2026.1"),
            None,
        )
        .await;
        assert_eq!(a404.status, StatusCode::NOT_FOUND, "{}", a404.body);
        db.store
            .put_model(&ModelRecord::new(
                "voorbeeld",
                "2026.1",
                model_text().replacen("version = \"2025.1\"", "version = \"2026.1\"", 1),
                chrono::DateTime::UNIX_EPOCH + chrono::Days::new(1),
            ))
            .await
            .expect("stored");
        let moved = post(
            &b,
            &format!("{case}/modelversie"),
            REGISSEUR,
            move_to("2026.1"),
            None,
        )
        .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
        assert_eq!(moved.body["modelversie"], "2026.1");
        // Server A had the case under the old version; its next command follows the move.
        let after = post(&a, &format!("{case}/signalen"), REGISSEUR, signal, None).await;
        assert_eq!(after.status, StatusCode::CREATED, "{}", after.body);
        assert_eq!(after.body["modelversie"], "2026.1");
        // Moving again to the same version is refused by the engine.
        let again = post(
            &a,
            &format!("{case}/modelversie"),
            REGISSEUR,
            move_to("2026.1"),
            None,
        )
        .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(again.body["code"], "nothing-to-change");
        other.close().await;
        db.drop().await;
    }
}

#[tokio::test]
async fn a_klantreis_runs_under_a_stored_model_and_stores_nothing() {
    let db = Db::sqlite().await;
    let preset = ave_model::presets::preset("oss").expect("oss");
    let model = ave_model::presets::load("oss").expect("valid");
    db.store
        .put_model(&ModelRecord::new(
            model.model().model.id.as_str(),
            &model.model().model.version,
            preset.text.to_owned(),
            chrono::DateTime::UNIX_EPOCH,
        ))
        .await
        .expect("stored");
    let app = router(
        AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
    );
    let scenario = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/klantreis/oss/01-op-en-afschalen.toml"
    ))
    .expect("scenario");
    let toml = [
        ("content-type", "application/toml"),
        ("ave-persoon", REGISSEUR),
    ];
    let uri = format!("/api/v1/klantreizen?model={}", model.model().model.id);
    let a = send(&app, "POST", &uri, &toml, Some(scenario.clone())).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["geslaagd"], true, "{}", a.body["tekst"]);
    assert!(
        a.body["tekst"].as_str().expect("tekst").contains("Stappen"),
        "{}",
        a.body["tekst"]
    );
    assert!(
        a.body["rapport"]["steps"].is_array(),
        "{}",
        a.body["rapport"]
    );
    let page = send(&app, "GET", "/api/v1/casussen", &[], None).await;
    assert_eq!(page.body["totaal"], 0, "a klantreis stores no case");
    // A broken scenario names its line; JSON is refused; an unknown model is 404.
    let a = send(&app, "POST", &uri, &toml, Some(b"title = \n".to_vec())).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let a = send(
        &app,
        "POST",
        &uri,
        &[("ave-persoon", REGISSEUR)],
        Some(scenario.clone()),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", a.body);
    let a = send(
        &app,
        "POST",
        "/api/v1/klantreizen?model=onbekend",
        &toml,
        Some(scenario),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);
    // The TOML parser's English is put into Dutch; a body past the limit without a length
    // is refused as problem+json like any other; every unknown parameter is named, in order.
    let a = send(&app, "POST", &uri, &toml, Some(b"title = \n".to_vec())).await;
    let reason = a.body["invalidParams"][0]["reason"]
        .as_str()
        .expect("reason");
    assert!(reason.starts_with("scenario.toml:1: "), "{reason}");
    assert!(
        !reason.contains("expected") && !reason.contains("key with no value"),
        "{reason}"
    );
    let big = vec![b'#'; 3 << 20];
    let a = send(&app, "POST", &uri, &toml, Some(big)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert_eq!(a.body["code"], "te-groot");
    let a = send(
        &app,
        "POST",
        &format!("{uri}&b=1&a=2"),
        &toml,
        Some(b"x".to_vec()),
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    let named: Vec<&str> = a.body["invalidParams"]
        .as_array()
        .expect("params")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(named, ["a", "b"]);
    db.drop().await;
}

/// What the router itself answers is problem+json in Dutch too: a method a path does not
/// have is 405 with `Allow` (and `OPTIONS` 204 with it), a path that is no UTF-8 is 400
/// naming its parameter.
#[tokio::test]
async fn a_wrong_method_or_an_unreadable_path_is_a_dutch_problem() {
    let db = Db::sqlite().await;
    let app = router(
        AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
    );
    let by = [("ave-persoon", REGISSEUR)];
    let a = send(&app, "DELETE", "/api/v1/casussen", &by, None).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(a.body["code"], "methode-niet-toegestaan", "{}", a.body);
    let allow = a.headers[header::ALLOW].to_str().expect("allow");
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert!(a.headers.contains_key("api-version"));
    let a = send(&app, "OPTIONS", "/api/v1/casussen/gezin-1", &by, None).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    assert!(
        a.headers[header::ALLOW]
            .to_str()
            .expect("allow")
            .contains("GET")
    );
    for uri in ["/api/v1/casussen/%FF", "/api/v1/casussen/%FF/tijdlijn"] {
        let a = send(&app, "GET", uri, &by, None).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!(a.body["invalidParams"][0]["name"], "id", "{}", a.body);
    }
    db.drop().await;
}

#[tokio::test]
async fn metrics_say_whether_case_rows_come_from_memory() {
    for db in Db::each().await {
        let kept = db.store.clone().keep_case_rows();
        until_listening(&kept).await;
        let app = router(AppState::new(kept.clone()));
        let text = crate::metrics_text(&app).await;
        if kept.kept_rows_status().is_some() {
            assert!(text.contains("ave_casusrijen_luisteren 1"), "{text}");
            assert!(text.contains("ave_casusrijen_bewaard "), "{text}");
            kept.stop_keeping_rows().await;
            let text = crate::metrics_text(&app).await;
            assert!(text.contains("ave_casusrijen_luisteren 0"), "{text}");
        } else {
            // SQLite keeps no rows: nothing to say.
            assert!(!text.contains("casusrijen"), "{text}");
        }
        db.drop().await;
    }
}

#[tokio::test]
async fn the_metrics_show_each_transaction_of_the_writer() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header()),
        );
        let before = crate::metrics_text(&app).await;
        assert!(
            before.contains("ave_schrijver_transactie_seconds_count 0"),
            "{before}"
        );
        let (case, _) = open(&app).await;
        let a = post(
            &app,
            &format!("{case}/signalen"),
            REGISSEUR,
            json!({"bron": "school", "categorie": "zorg", "tekst": "kind vaak afwezig"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        // Two commands one after the other: two transactions of one command each.
        let text = crate::metrics_text(&app).await;
        for line in [
            "ave_schrijver_opdrachten_per_transactie_count 2",
            "ave_schrijver_opdrachten_per_transactie_sum 2.0",
            "ave_schrijver_opdrachten_per_transactie_bucket{le=\"1.0\"} 2",
            "ave_schrijver_transactie_seconds_count 2",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
        }
        db.drop().await;
    }
}
