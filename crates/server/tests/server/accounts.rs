//! Local accounts through the real router, on SQLite and (when `AVE_TEST_POSTGRES` names a
//! server) PostgreSQL: a login with password and TOTP code sets a `__Host-` session cookie
//! whose CSRF token guards unsafe requests; every failure gets the same 401; five failures
//! lock the account, even for the right password, until the lock ends; every attempt is in
//! the audit log; a code works once; the web form refuses a post without its CSRF token.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ave_server::auth::credentials::{hash_password, totp_code, totp_step};
use ave_server::auth::local::{Checked, Credentials, Logins, verify};
use ave_server::{AppState, router};
use ave_store::accounts::Account;
use ave_store::audit::AuditEntry;
use ave_store::identity::{Membership, Organisation, Person};
use ave_store::{ModelRecord, Store};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::model_text;

const PASSWORD: &str = "correct-paard-batterij";
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// The clock, for the codes a person's app would show now.
#[allow(clippy::disallowed_methods)]
fn now() -> DateTime<Utc> {
    Utc::now()
}

fn code_at_step(step: u64) -> String {
    let at = DateTime::from_timestamp(i64::try_from(step * 30).expect("fits"), 0).expect("time");
    totp_code(SECRET, at).expect("code")
}

fn code() -> String {
    code_at_step(totp_step(now()))
}

struct Db {
    store: Store,
    _dir: tempfile::TempDir,
    admin: Option<(String, String)>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

async fn admin_exec(admin: &str, sql: &str) {
    let store = Store::open(admin).await.expect("PostgreSQL answers");
    store.raw_exec(sql).await.expect("admin sql");
    store.close().await;
}

impl Db {
    async fn ready(url: String, dir: tempfile::TempDir, admin: Option<(String, String)>) -> Db {
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
                stored_at: DateTime::UNIX_EPOCH,
            })
            .await
            .expect("model");
        for (id, name) in [
            ("gemeente-a", "Gemeente A"),
            ("zvh", "Zorg- en Veiligheidshuis"),
        ] {
            store
                .put_organisation(
                    &Organisation {
                        id: id.to_owned(),
                        name: name.to_owned(),
                    },
                    None,
                )
                .await
                .expect("organisation");
        }
        person(&store, "consulent-1", "a.jansen", &["gemeente-a"]).await;
        person(&store, "regisseur-2", "b.bakker", &["gemeente-a", "zvh"]).await;
        Db {
            store,
            _dir: dir,
            admin,
        }
    }

    async fn each() -> Vec<Db> {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("ave.sqlite").display());
        let mut dbs = vec![Db::ready(url, dir, None).await];
        match std::env::var("AVE_TEST_POSTGRES") {
            Ok(admin) if !admin.is_empty() => {
                let name = format!(
                    "ave_accounts_{}_{}",
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

    fn state(&self) -> AppState {
        AppState::new(self.store.clone())
            .with_logins(Logins::with_delay_unit(Duration::from_millis(1)))
    }

    fn app(&self) -> Router {
        router(self.state())
    }

    async fn audit(&self) -> Vec<AuditEntry> {
        self.store
            .audit_entries(0, 1000)
            .await
            .expect("audit")
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    }

    async fn drop(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.admin {
            admin_exec(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        }
    }
}

/// A person working for `organisations` as consulent, with an account named `login`.
async fn person(store: &Store, id: &str, login: &str, organisations: &[&str]) {
    store
        .put_person(
            &Person {
                id: id.to_owned(),
                name: format!("{login} (werknaam)"),
                admin: false,
                privacy: false,
                active: true,
                memberships: organisations
                    .iter()
                    .map(|o| Membership {
                        organisation: (*o).to_owned(),
                        gemeente: Some("Voorbeeldstad".to_owned()),
                        function: "consulent".to_owned(),
                    })
                    .collect(),
            },
            Default::default(),
        )
        .await
        .expect("person");
    store
        .create_account(
            &Account {
                person: id.to_owned(),
                login: login.to_owned(),
                password_hash: hash_password(PASSWORD).expect("hash"),
                totp_secret: SECRET.to_owned(),
                totp_last_step: None,
                failed_count: 0,
                locked_until: None,
                created_at: DateTime::UNIX_EPOCH,
            },
            None,
        )
        .await
        .expect("account");
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).expect("a JSON body")
    }

    /// The `Set-Cookie` header that sets `name`.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    /// `name=value` of the cookie set, for sending back.
    fn cookie(&self, name: &str) -> String {
        let set = self.set_cookie(name).expect("the cookie is set");
        set.split(';').next().expect("pair").to_owned()
    }
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, String)>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let body = match body {
        Some((kind, text)) => {
            req = req.header(header::CONTENT_TYPE, kind);
            Body::from(text)
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
    Answer {
        status,
        headers,
        text: String::from_utf8(bytes.to_vec()).expect("utf-8"),
    }
}

async fn login(app: &Router, body: Value) -> Answer {
    send(
        app,
        "POST",
        "/api/v1/sessies",
        &[],
        Some(("application/json", body.to_string())),
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
            {"persoon": "consulent-1", "naam": "C. Consulent", "functie": "consulent", "organisatie": "Gemeente"},
            {"persoon": "teamleider-1", "naam": "T. Leider", "functie": "teamleider", "organisatie": "Gemeente"},
        ],
    })
}

async fn cases(store: &Store) -> u64 {
    store
        .list(&ave_store::CaseFilter::default(), "2026-01-01", 0, 10)
        .await
        .expect("list")
        .total
}

fn results(audit: &[AuditEntry]) -> Vec<(&str, &str, &str)> {
    audit
        .iter()
        .filter(|e| e.action == "aanmelden")
        .map(|e| (e.actor.as_str(), e.object.as_str(), e.result.as_ref()))
        .collect()
}

#[tokio::test]
async fn a_login_sets_a_host_session_cookie_whose_csrf_token_guards_every_change() {
    for db in Db::each().await {
        let app = db.app();
        let a = login(
            &app,
            json!({"gebruikersnaam": "A.Jansen", "wachtwoord": PASSWORD, "code": code()}),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let body = a.json();
        assert_eq!(body["persoon"], "consulent-1");
        assert_eq!(body["naam"], "a.jansen (werknaam)");
        assert_eq!(body["organisatie"], "gemeente-a");
        let csrf = body["csrfToken"].as_str().expect("csrf").to_owned();
        assert_eq!(csrf.len(), 64);
        let set = a.set_cookie("__Host-ave-sessie").expect("session cookie");
        for attribute in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
            assert!(
                set.split("; ").any(|p| p == attribute),
                "{attribute} in {set}"
            );
        }
        assert!(!set.contains("Domain"), "a __Host- cookie names no domain");
        let cookie = a.cookie("__Host-ave-sessie");

        // The session works on a later request.
        let r = send(
            &app,
            "GET",
            "/api/v1/sessies/huidig",
            &[("cookie", &cookie)],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json()["persoon"], "consulent-1");
        assert_eq!(r.json()["csrfToken"], csrf.as_str());

        // An unsafe request with the session but without the CSRF header: 403, nothing written.
        let body = Some(("application/json", new_case().to_string()));
        let r = send(
            &app,
            "POST",
            "/api/v1/casussen",
            &[("cookie", &cookie)],
            body.clone(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        let r = send(
            &app,
            "POST",
            "/api/v1/casussen",
            &[("cookie", &cookie), ("x-csrf-token", "verkeerd")],
            body.clone(),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
        assert_eq!(cases(&db.store).await, 0);
        let r = send(
            &app,
            "POST",
            "/api/v1/casussen",
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            body,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(cases(&db.store).await, 1);

        assert_eq!(
            results(&db.audit().await),
            [("consulent-1", "account/consulent-1", "ok")]
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn logging_out_ends_the_session_and_a_later_login_gets_a_new_session_id() {
    for db in Db::each().await {
        let app = db.app();
        let step = totp_step(now());
        let a = login(
            &app,
            json!({"gebruikersnaam": "a.jansen", "wachtwoord": PASSWORD, "code": code_at_step(step)}),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        let cookie = a.cookie("__Host-ave-sessie");
        let csrf = a.json()["csrfToken"].as_str().expect("csrf").to_owned();

        let r = send(
            &app,
            "DELETE",
            "/api/v1/sessies/huidig",
            &[("cookie", &cookie)],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF header, no logout");
        let r = send(
            &app,
            "DELETE",
            "/api/v1/sessies/huidig",
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
        let cleared = r.set_cookie("__Host-ave-sessie").expect("cleared");
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        let r = send(
            &app,
            "GET",
            "/api/v1/sessies/huidig",
            &[("cookie", &cookie)],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the old cookie is dead");

        // The next step's code (the one used is spent) gives a new session id.
        let b = login(
            &app,
            json!({"gebruikersnaam": "a.jansen", "wachtwoord": PASSWORD, "code": code_at_step(step + 1)}),
        )
        .await;
        assert_eq!(b.status, StatusCode::CREATED, "{}", b.text);
        assert_ne!(b.cookie("__Host-ave-sessie"), cookie);
        db.drop().await;
    }
}

#[tokio::test]
async fn the_password_is_stored_as_an_argon2id_phc_string() {
    for db in Db::each().await {
        let account = db
            .store
            .account_by_login("a.jansen")
            .await
            .expect("read")
            .expect("account");
        assert!(
            account
                .password_hash
                .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            account.password_hash
        );
        assert!(!account.password_hash.contains(PASSWORD));
        db.drop().await;
    }
}

#[tokio::test]
async fn an_unknown_name_a_wrong_password_and_a_wrong_code_get_the_same_401() {
    for db in Db::each().await {
        let app = db.app();
        let wrong_code = if code() == "000000" {
            "111111"
        } else {
            "000000"
        };
        let answers = [
            login(&app, json!({"gebruikersnaam": "niemand", "wachtwoord": PASSWORD, "code": code()})).await,
            login(&app, json!({"gebruikersnaam": "a.jansen", "wachtwoord": "fout-fout-fout", "code": code()})).await,
            login(&app, json!({"gebruikersnaam": "a.jansen", "wachtwoord": PASSWORD, "code": wrong_code})).await,
        ];
        for a in &answers {
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.text);
            assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
            assert_eq!(a.json()["code"], "aanmelden-mislukt");
            assert_eq!(a.text, answers[0].text, "the same body, whatever failed");
            assert!(a.set_cookie("__Host-ave-sessie").is_none());
        }
        let audit = db.audit().await;
        assert_eq!(
            results(&audit),
            [
                ("anoniem", "account/onbekend", "mislukt"),
                ("anoniem", "account/consulent-1", "mislukt"),
                ("anoniem", "account/consulent-1", "tweede-factor-mislukt"),
            ]
        );
        for e in &audit {
            let all = format!("{e:?}");
            assert!(
                !all.contains("niemand") && !all.contains("fout-fout"),
                "{all}"
            );
        }
        db.drop().await;
    }
}

#[tokio::test]
async fn five_failures_lock_the_account_even_for_the_right_password_until_the_lock_ends() {
    for db in Db::each().await {
        let app = db.app();
        for _ in 0..5 {
            let a = login(
                &app,
                json!({"gebruikersnaam": "a.jansen", "wachtwoord": "fout-fout-fout", "code": code()}),
            )
            .await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        }
        let locked = login(
            &app,
            json!({"gebruikersnaam": "a.jansen", "wachtwoord": PASSWORD, "code": code()}),
        )
        .await;
        assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            locked.json()["code"],
            "aanmelden-mislukt",
            "the same answer"
        );
        let mut expected = vec![("anoniem", "account/consulent-1", "mislukt"); 5];
        expected.push(("anoniem", "account/consulent-1", "geblokkeerd"));
        assert_eq!(results(&db.audit().await), expected);
        let account = db
            .store
            .account_by_login("a.jansen")
            .await
            .expect("read")
            .expect("account");
        assert_eq!(
            account.failed_count, 5,
            "a blocked attempt is not counted again"
        );
        let until = account.locked_until.expect("locked");
        let minutes = (until - now()).num_minutes();
        assert!((14..=15).contains(&minutes), "{minutes}");

        // Once the lock has ended (the clock is a parameter), the right factors work again.
        let later = until + chrono::Duration::seconds(1);
        let credentials = Credentials {
            login: "a.jansen".to_owned(),
            password: PASSWORD.to_owned(),
            code: totp_code(SECRET, later).expect("code"),
        };
        let state = db.state();
        match verify(&state, &credentials, "127.0.0.1", later)
            .await
            .expect("checked")
        {
            Checked::Verified(v) => assert_eq!(v.person.id, "consulent-1"),
            other => panic!("expected the lock to have ended, got {other:?}"),
        }
        db.drop().await;
    }
}

/// Attempts sent all at once get no more tries than attempts sent one by one: each is
/// counted before its password is checked, so of a burst of 30 with the right password and
/// wrong codes — the right code among them, last — at most five are checked and the rest
/// are refused unchecked as locked. (Before, all 30 were checked against the state read
/// before any failure was counted, and the right code got in.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_attempts_at_once_gets_no_more_tries_than_attempts_one_by_one() {
    for db in Db::each().await {
        let app = db.app();
        let right = code();
        let wrong = if right == "000000" {
            "000001"
        } else {
            "000000"
        };
        let mut attempts = Vec::new();
        for i in 0..30 {
            let code = if i == 29 {
                right.clone()
            } else {
                wrong.to_owned()
            };
            let app = app.clone();
            attempts.push(tokio::spawn(async move {
                login(
                    &app,
                    json!({"gebruikersnaam": "a.jansen", "wachtwoord": PASSWORD, "code": code}),
                )
                .await
                .status
            }));
        }
        let mut statuses = Vec::new();
        for a in attempts {
            statuses.push(a.await.expect("attempt"));
        }
        let audit = db.audit().await;
        let outcomes = results(&audit);
        assert_eq!(outcomes.len(), 30, "every attempt is logged: {outcomes:?}");
        let checked = outcomes.iter().filter(|o| o.2 != "geblokkeerd").count();
        assert!(checked <= 5, "at most five checked: {outcomes:?}");
        let ok = statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count();
        let logged_ok = outcomes.iter().filter(|o| o.2 == "ok").count();
        assert_eq!(ok, logged_ok, "{statuses:?} {outcomes:?}");
        if ok == 0 {
            let account = db
                .store
                .account_by_login("a.jansen")
                .await
                .expect("read")
                .expect("account");
            assert!(account.locked_until.is_some(), "locked after the burst");
        }
        db.drop().await;
    }
}

/// A flood of logins waits for a few places to check a password (argon2 takes 19 MiB each),
/// so the server's memory stays bounded; one that waits too long is answered 503 with
/// `Retry-After`, in Dutch, and is not counted as a failure. Here one place and a wait of a
/// millisecond, so that the flood overflows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_logins_is_checked_a_few_at_a_time() {
    for db in Db::each().await {
        let logins = Logins::with_delay_unit(Duration::from_millis(1))
            .with_hashing(1, Duration::from_millis(1));
        let app = router(AppState::new(db.store.clone()).with_logins(logins));
        let mut attempts = Vec::new();
        for i in 0..24 {
            let app = app.clone();
            attempts.push(tokio::spawn(async move {
                login(
                    &app,
                    json!({"gebruikersnaam": format!("onbekend-{i}"), "wachtwoord": "x", "code": "123456"}),
                )
                .await
            }));
        }
        let mut busy = 0;
        for a in attempts {
            let a = a.await.expect("attempt");
            if a.status == StatusCode::SERVICE_UNAVAILABLE {
                busy += 1;
                assert_eq!(a.json()["code"], "te-druk", "{}", a.text);
                assert!(a.headers.contains_key(header::RETRY_AFTER));
            } else {
                assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{}", a.text);
            }
        }
        assert!(
            busy > 0,
            "one place cannot check 24 at once within a millisecond"
        );
        let failed = results(&db.audit().await).len();
        assert_eq!(failed, 24 - busy, "a login answered 503 was not checked");
        db.drop().await;
    }
}

#[tokio::test]
#[allow(clippy::disallowed_methods)] // measures the delay: the test is the edge
async fn failed_attempts_from_one_address_are_answered_ever_later() {
    for db in Db::each().await {
        let app = router(
            AppState::new(db.store.clone())
                .with_logins(Logins::with_delay_unit(Duration::from_millis(40))),
        );
        let mut took = Vec::new();
        for name in ["x.een", "x.twee", "x.drie"] {
            let started = std::time::Instant::now();
            let a = login(
                &app,
                json!({"gebruikersnaam": name, "wachtwoord": PASSWORD, "code": "123456"}),
            )
            .await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED);
            took.push(started.elapsed());
        }
        // Delays of 40, 80 and 160 ms: only a lower bound is asserted (no flaky timing).
        assert!(took[2] >= Duration::from_millis(160), "{took:?}");
        db.drop().await;
    }
}

#[tokio::test]
async fn a_code_is_accepted_once() {
    for db in Db::each().await {
        let app = db.app();
        let code = code();
        let body = json!({"gebruikersnaam": "a.jansen", "wachtwoord": PASSWORD, "code": code});
        assert_eq!(login(&app, body.clone()).await.status, StatusCode::CREATED);
        let again = login(&app, body).await;
        assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{}", again.text);
        assert_eq!(
            results(&db.audit().await),
            [
                ("consulent-1", "account/consulent-1", "ok"),
                ("anoniem", "account/consulent-1", "tweede-factor-mislukt"),
            ]
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn someone_working_for_two_organisations_names_one() {
    for db in Db::each().await {
        let app = db.app();
        let code = code();
        let a = login(
            &app,
            json!({"gebruikersnaam": "b.bakker", "wachtwoord": PASSWORD, "code": code}),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
        let param = &a.json()["invalidParams"][0];
        assert_eq!(param["name"], "organisatie");
        let reason = param["reason"].as_str().expect("reason");
        assert!(
            reason.contains("gemeente-a") && reason.contains("zvh"),
            "{reason}"
        );
        let wrong = login(
            &app,
            json!({"gebruikersnaam": "b.bakker", "wachtwoord": PASSWORD, "code": code, "organisatie": "politie"}),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.text);
        // The code was not used up by the question: it works with the choice.
        let b = login(
            &app,
            json!({"gebruikersnaam": "b.bakker", "wachtwoord": PASSWORD, "code": code, "organisatie": "zvh"}),
        )
        .await;
        assert_eq!(b.status, StatusCode::CREATED, "{}", b.text);
        assert_eq!(b.json()["organisatie"], "zvh");
        db.drop().await;
    }
}

/// The hidden CSRF field of a form page.
fn hidden_csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + 64].to_owned()
}

fn form(fields: &[(&str, &str)]) -> Option<(&'static str, String)> {
    Some((
        "application/x-www-form-urlencoded",
        serde_urlencoded::to_string(fields).expect("form"),
    ))
}

#[tokio::test]
async fn the_web_form_logs_in_and_out_and_refuses_a_post_without_its_csrf_token() {
    for db in Db::each().await {
        let app = db.app();
        let page = send(&app, "GET", "/aanmelden", &[], None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.headers[header::CONTENT_TYPE]
                .to_str()
                .expect("a")
                .starts_with("text/html")
        );
        let csp = page.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("a");
        assert!(
            csp.contains("form-action 'self'") && csp.contains("default-src 'none'"),
            "{csp}"
        );
        assert!(
            page.text.contains("<html lang=\"nl\">")
                && page
                    .text
                    .contains("<label class=\"utrecht-form-label\" for=\"wachtwoord\">")
        );
        let set = page
            .set_cookie("__Host-ave-aanmelden")
            .expect("login csrf cookie");
        assert!(set.contains("Secure") && set.contains("HttpOnly") && set.contains("Path=/"));
        let csrf_cookie = page.cookie("__Host-ave-aanmelden");
        let csrf = hidden_csrf(&page.text);
        assert_eq!(csrf_cookie, format!("__Host-ave-aanmelden={csrf}"));
        let code = code();

        // Without the token (or with another one): 403, and nothing is checked or counted.
        for (cookie, token) in [
            ("", csrf.as_str()),
            (csrf_cookie.as_str(), ""),
            (csrf_cookie.as_str(), "ander"),
        ] {
            let r = send(
                &app,
                "POST",
                "/aanmelden",
                &[("cookie", cookie)],
                form(&[
                    ("csrf", token),
                    ("gebruikersnaam", "a.jansen"),
                    ("wachtwoord", PASSWORD),
                    ("code", &code),
                ]),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
            assert!(r.set_cookie("__Host-ave-sessie").is_none());
        }
        assert!(results(&db.audit().await).is_empty());

        // A wrong password: the form again, with the name typed and never the password.
        let r = send(
            &app,
            "POST",
            "/aanmelden",
            &[("cookie", &csrf_cookie)],
            form(&[
                ("csrf", &csrf),
                ("gebruikersnaam", "a.jansen<"),
                ("wachtwoord", "geheim-fout-123"),
                ("code", &code),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.text.contains("value=\"a.jansen&lt;\""), "{}", r.text);
        assert!(!r.text.contains("geheim-fout-123"));
        assert!(r.text.contains("role=\"alert\""));

        let r = send(
            &app,
            "POST",
            "/aanmelden",
            &[("cookie", &csrf_cookie)],
            form(&[
                ("csrf", &csrf),
                ("gebruikersnaam", "a.jansen"),
                ("wachtwoord", PASSWORD),
                ("code", &code),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(r.headers[header::LOCATION], "/");
        let session = r.cookie("__Host-ave-sessie");
        let home = send(&app, "GET", "/", &[("cookie", &session)], None).await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.text.contains("a.jansen (werknaam)"), "{}", home.text);
        let session_csrf = hidden_csrf(&home.text);

        let r = send(
            &app,
            "POST",
            "/afmelden",
            &[("cookie", &session)],
            form(&[("csrf", "ander")]),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = send(
            &app,
            "POST",
            "/afmelden",
            &[("cookie", &session)],
            form(&[("csrf", &session_csrf)]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.headers[header::LOCATION], "/aanmelden");
        let r = send(
            &app,
            "GET",
            "/api/v1/sessies/huidig",
            &[("cookie", &session)],
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = send(&app, "GET", "/", &[("cookie", &session)], None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        db.drop().await;
    }
}

#[tokio::test]
async fn the_web_form_asks_for_the_organisation_as_a_second_step() {
    for db in Db::each().await {
        let app = db.app();
        let page = send(&app, "GET", "/aanmelden", &[], None).await;
        let csrf_cookie = page.cookie("__Host-ave-aanmelden");
        let csrf = hidden_csrf(&page.text);
        let r = send(
            &app,
            "POST",
            "/aanmelden",
            &[("cookie", &csrf_cookie)],
            form(&[
                ("csrf", &csrf),
                ("gebruikersnaam", "b.bakker"),
                ("wachtwoord", PASSWORD),
                ("code", &code()),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(r.text.contains("Zorg- en Veiligheidshuis") && r.text.contains("value=\"zvh\""));
        assert!(
            r.set_cookie("__Host-ave-sessie").is_none(),
            "no session before the choice"
        );
        let choice = r.cookie("__Host-ave-keuze");
        let cookies = format!("{csrf_cookie}; {choice}");
        let r = send(
            &app,
            "POST",
            "/aanmelden",
            &[("cookie", &cookies)],
            form(&[
                ("csrf", &csrf),
                ("stap", "organisatie"),
                ("organisatie", "zvh"),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        let session = r.cookie("__Host-ave-sessie");
        let home = send(&app, "GET", "/", &[("cookie", &session)], None).await;
        assert!(
            home.text.contains("voor Zorg- en Veiligheidshuis"),
            "{}",
            home.text
        );
        // The choice works once.
        let r = send(
            &app,
            "POST",
            "/aanmelden",
            &[("cookie", &cookies)],
            form(&[
                ("csrf", &csrf),
                ("stap", "organisatie"),
                ("organisatie", "zvh"),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        db.drop().await;
    }
}
