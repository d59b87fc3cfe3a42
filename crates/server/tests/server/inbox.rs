//! Informing people (issue 12) through the real router, on SQLite and (when
//! `AVE_TEST_POSTGRES` names a server) PostgreSQL: a signal that fires a trigger gives the
//! people the model names a melding — by function only those of the case's gemeente or the
//! whole region, never the actor — in the same transaction as the events; the inbox lists,
//! counts and marks read, only one's own. The e-mail goes to a real SMTP server (aiosmtpd,
//! started by the test): only a link, no case id, no names; a server that is down means a
//! later attempt, not a lost e-mail. Without aiosmtpd these tests pass with a notice; with
//! `AVE_REQUIRE_SMTP=1` (as in `.ci/run`) they fail instead.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use ave_server::mail::{MailConfig, MailTls, Mailer};
use ave_server::{AppState, router};
use ave_store::identity::{Membership, Person, PersonWrite};
use ave_store::notifications::Email;
use ave_store::{ModelRecord, Store};
use axum::Router;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::commands::{Db, post, send};

/// The example model with a trigger for phase 2 that informs the operationally responsible
/// (nobody holds it: the model's teamleider) and the wethouder.
fn model_text() -> String {
    crate::model_text().replacen("version = \"2025.1\"", "version = \"meldingen\"", 1)
        + r#"
[[triggers]]
id = "incident"
phases = ["2"]
kind = "informeren"
text = "Er is een ernstig incident gemeld"
inform_roles = ["operationeel"]
inform = ["wethouder"]
"#
}

/// The model, and two wethouders: one of Voorbeeldstad (with an e-mail address), one of
/// Ander Dorp.
async fn prepare(store: &Store) {
    let text = model_text();
    let model = ave_model::check("voorbeeld.toml", text.as_bytes(), &ave_model::NoBases)
        .into_valid()
        .expect("valid");
    store
        .put_model(&ModelRecord {
            id: model.model().model.id.as_str().to_owned(),
            version: model.model().model.version.clone(),
            text,
            sha256: "1".repeat(64),
            stored_at: chrono::DateTime::UNIX_EPOCH,
        })
        .await
        .expect("model");
    wethouder(store, "wethouder-vb", "Voorbeeldstad").await;
    wethouder(store, "wethouder-ad", "Ander Dorp").await;
    let email = Email::parse("wethouder@voorbeeldstad.example").expect("address");
    let found = store
        .person("wethouder-vb")
        .await
        .expect("read")
        .expect("wethouder");
    store
        .put_person(
            &found,
            PersonWrite {
                email: Some(Some(&email)),
                audit: None,
            },
        )
        .await
        .expect("email");
}

/// Puts wethouder `id` of `gemeente` in the directory.
async fn wethouder(store: &Store, id: &str, gemeente: &str) {
    store
        .put_person(
            &Person {
                id: id.to_owned(),
                name: format!("Wethouder {gemeente}"),
                admin: false,
                privacy: false,
                active: true,
                memberships: vec![Membership {
                    organisation: "gemeente".to_owned(),
                    gemeente: Some(gemeente.to_owned()),
                    function: "wethouder".to_owned(),
                }],
            },
            Default::default(),
        )
        .await
        .expect("person");
}

/// Records a signal with the incident trigger in `case` as the consulent.
async fn report_incident(app: &Router, case: &str) {
    let a = post(
        app,
        &format!("{case}/signalen"),
        "consulent-1",
        incident(),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
}

fn app(store: &Store, mail: bool) -> Router {
    let mut state =
        AppState::new(store.clone()).with_auth(ave_server::auth::Auth::trusting_header());
    state.mail = mail;
    router(state)
}

/// Opens a case in Voorbeeldstad under the model with the trigger; its path.
async fn open(app: &Router) -> String {
    let a = post(
        app,
        "/api/v1/casussen",
        "consulent-1",
        json!({
            "model": "voorbeeld",
            "modelversie": "meldingen",
            "gemeente": "Voorbeeldstad",
            "fase": "2",
            "reden": "zorgen over het gezin",
            "huishouden": [{"lid": "lid-1", "rol": "ouder"}],
            "deelnemers": [
                {"persoon": "consulent-1", "naam": "C. Consulent", "functie": "consulent", "organisatie": "Gemeente"},
            ],
        }),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    format!("/api/v1/casussen/{}", a.body["id"].as_str().expect("id"))
}

fn incident() -> Value {
    json!({"bron": "wijkagent", "categorie": "veiligheid", "tekst": "Jan de Vries (8) is geslagen", "triggers": ["incident"]})
}

async fn inbox(app: &Router, person: &str) -> Value {
    let a = send(
        app,
        "GET",
        "/api/v1/meldingen",
        &[("ave-persoon", person)],
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body
}

#[tokio::test]
async fn a_fired_trigger_informs_the_named_functions_of_the_gemeente_and_not_the_actor() {
    for db in Db::each().await {
        prepare(&db.store).await;
        let app = app(&db.store, false);
        let case = open(&app).await;
        report_incident(&app, &case).await;
        let case_id = case.rsplit('/').next().expect("id").to_owned();

        let page = inbox(&app, "wethouder-vb").await;
        assert_eq!(page["totaal"], 1, "{page}");
        assert_eq!(page["ongelezen"], 1);
        let m = &page["meldingen"][0];
        assert_eq!(m["casus"], case_id.as_str());
        assert_eq!(m["soort"], "trigger");
        assert_eq!(m["gelezen"], false);
        let tekst = m["tekst"].as_str().expect("tekst");
        assert!(
            tekst.contains("Er is een ernstig incident gemeld"),
            "{tekst}"
        );
        assert!(!tekst.contains("Jan"), "no case content: {tekst}");
        assert_eq!(m["_links"]["casus"], case.as_str());
        // The teamleider stands in for the unfilled operational responsibility.
        assert_eq!(inbox(&app, "teamleider-1").await["totaal"], 1);
        // Not the wethouder of another gemeente, not the one who recorded the signal.
        assert_eq!(inbox(&app, "wethouder-ad").await["totaal"], 0);
        assert_eq!(inbox(&app, "consulent-1").await["totaal"], 0);

        // In English on request.
        let en = send(
            &app,
            "GET",
            "/api/v1/meldingen",
            &[
                ("ave-persoon", "wethouder-vb"),
                ("accept-language", "en-GB,nl;q=0.5"),
            ],
            None,
        )
        .await;
        assert!(
            en.body["meldingen"][0]["tekst"]
                .as_str()
                .expect("text")
                .starts_with("Trigger in AVE 2"),
            "{}",
            en.body
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn a_command_that_is_not_committed_leaves_no_melding() {
    for db in Db::each().await {
        prepare(&db.store).await;
        let app = app(&db.store, false);
        let case = open(&app).await;
        // Decided on an old version: 412, nothing written.
        let a = post(
            &app,
            &format!("{case}/signalen"),
            "consulent-1",
            incident(),
            Some("\"0\""),
        )
        .await;
        assert_eq!(a.status, StatusCode::PRECONDITION_FAILED, "{}", a.body);
        // Refused by the model: an unknown trigger.
        let mut unknown = incident();
        unknown["triggers"] = json!(["bestaat-niet"]);
        let a = post(
            &app,
            &format!("{case}/signalen"),
            "consulent-1",
            unknown,
            None,
        )
        .await;
        assert!(a.status.is_client_error(), "{}", a.body);
        assert_eq!(inbox(&app, "wethouder-vb").await["totaal"], 0);
        assert_eq!(db.store.unread_count("teamleider-1").await.expect("n"), 0);
        db.drop().await;
    }
}

#[tokio::test]
async fn the_inbox_pages_counts_and_marks_read_only_ones_own() {
    for db in Db::each().await {
        prepare(&db.store).await;
        let app = app(&db.store, false);
        let case = open(&app).await;
        for _ in 0..3 {
            let a = post(
                &app,
                &format!("{case}/signalen"),
                "consulent-1",
                incident(),
                None,
            )
            .await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        }
        let a = send(
            &app,
            "GET",
            "/api/v1/meldingen?paginaGrootte=2",
            &[("ave-persoon", "wethouder-vb")],
            None,
        )
        .await;
        assert_eq!(a.body["totaal"], 3);
        assert_eq!(a.body["meldingen"].as_array().expect("list").len(), 2);
        assert!(
            a.body["_links"]["next"]
                .as_str()
                .expect("next")
                .contains("pagina=2")
        );
        let first = a.body["meldingen"][0]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let second = a.body["meldingen"][1]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        assert_ne!(first, second);
        assert!(
            a.body["meldingen"][0]["aangemaaktOp"].as_str()
                >= a.body["meldingen"][1]["aangemaaktOp"].as_str(),
            "newest first"
        );

        // Someone else's melding does not exist for you.
        let other = send(
            &app,
            "POST",
            &format!("/api/v1/meldingen/{first}/gelezen"),
            &[("ave-persoon", "teamleider-1")],
            None,
        )
        .await;
        assert_eq!(other.status, StatusCode::NOT_FOUND, "{}", other.body);
        assert_eq!(other.body["code"], "niet-gevonden");

        let bad = send(
            &app,
            "POST",
            "/api/v1/meldingen/Geen%20Id/gelezen",
            &[("ave-persoon", "wethouder-vb")],
            None,
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);

        let mine = send(
            &app,
            "POST",
            &format!("/api/v1/meldingen/{first}/gelezen"),
            &[("ave-persoon", "wethouder-vb")],
            None,
        )
        .await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(mine.body["gelezen"], true);
        assert!(mine.body["gelezenOp"].is_string());
        assert_eq!(
            ave_server::inbox::unread_count(&AppState::new(db.store.clone()), "wethouder-vb")
                .await
                .expect("count"),
            2
        );
        let page = inbox(&app, "wethouder-vb").await;
        assert_eq!(page["ongelezen"], 2);
        assert_eq!(inbox(&app, "teamleider-1").await["ongelezen"], 3);

        let bad = send(
            &app,
            "GET",
            "/api/v1/meldingen?paginaGrootte=0&bsn=1",
            &[("ave-persoon", "wethouder-vb")],
            None,
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            bad.body["invalidParams"].as_array().expect("params").len(),
            2
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn a_person_gets_an_email_address_through_the_api_checked_first() {
    for db in Db::each().await {
        prepare(&db.store).await;
        let app = app(&db.store, false);
        let put = |email: &str| json!({"naam": "T. Leider", "functies": [{"organisatie": "gemeente", "functie": "teamleider"}], "email": email});
        db.store
            .put_person(
                &Person {
                    id: "beheerder-1".to_owned(),
                    name: "Beheerder".to_owned(),
                    admin: true,
                    privacy: false,
                    active: true,
                    memberships: Vec::new(),
                },
                Default::default(),
            )
            .await
            .expect("admin");
        let body = |v: Value| Some(serde_json::to_vec(&v).expect("json"));
        let bad = send(
            &app,
            "PUT",
            "/api/v1/personen/teamleider-1",
            &[("ave-persoon", "beheerder-1")],
            body(put("geen adres")),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        assert_eq!(bad.body["invalidParams"][0]["name"], "email");
        assert!(
            !db.store
                .person_emails()
                .await
                .expect("emails")
                .contains_key("teamleider-1")
        );
        let good = send(
            &app,
            "PUT",
            "/api/v1/personen/teamleider-1",
            &[("ave-persoon", "beheerder-1")],
            body(put("t.leider@gemeente.example")),
        )
        .await;
        assert_eq!(good.status, StatusCode::OK, "{}", good.body);
        assert_eq!(good.body["email"], "t.leider@gemeente.example");
        db.drop().await;
    }
}

// --- E-mail over a real SMTP server -------------------------------------------------------

/// The Python that has aiosmtpd: `AVE_SMTP_PYTHON`, else the system's, else `python3`.
fn smtp_python() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("AVE_SMTP_PYTHON") {
        Some(p) => vec![PathBuf::from(p)],
        None => vec![PathBuf::from("/usr/bin/python3"), PathBuf::from("python3")],
    };
    candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Whether the SMTP server can run here; if not, a skip (or, under `AVE_REQUIRE_SMTP=1`, a
/// failure).
fn smtp_available() -> Option<PathBuf> {
    let found = smtp_python();
    if found.is_none() {
        let reason = "aiosmtpd is niet gevonden (apt-get install python3-aiosmtpd)";
        if std::env::var("AVE_REQUIRE_SMTP").is_ok_and(|v| v == "1") {
            panic!("AVE_REQUIRE_SMTP=1, maar {reason}");
        }
        eprintln!("SMTP-test overgeslagen: {reason}");
    }
    found
}

/// A port nobody listens on (just now).
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// aiosmtpd on `port`, writing what it receives into a Maildir; stopped when dropped.
struct SmtpServer {
    child: Child,
    maildir: PathBuf,
}

impl SmtpServer {
    async fn start(python: &Path, port: u16, dir: &Path) -> SmtpServer {
        let maildir = dir.join("maildir");
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let server = SmtpServer { child, maildir };
        // Ready when it accepts a connection.
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd luistert niet op poort {port}");
    }

    /// Every message received, as text.
    fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn mailer(port: u16) -> Mailer {
    Mailer::new(&MailConfig {
        host: "127.0.0.1".to_owned(),
        port,
        from: "AVE-regie <noreply@ave.example>".to_owned(),
        tls: MailTls::None,
        username: None,
        password: None,
        base_url: "https://ave.example".to_owned(),
    })
    .expect("mailer")
}

#[allow(clippy::disallowed_methods)]
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[tokio::test]
async fn the_email_reaches_a_real_smtp_server_with_only_a_link() {
    let Some(python) = smtp_available() else {
        return;
    };
    for db in Db::each().await {
        prepare(&db.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let port = free_port();
        let smtp = SmtpServer::start(&python, port, dir.path()).await;
        let app = app(&db.store, true);
        let case = open(&app).await;
        report_incident(&app, &case).await;
        let case_id = case.rsplit('/').next().expect("id").to_owned();

        // Only the wethouder has an address: one e-mail.
        let round = mailer(port)
            .deliver_due(&db.store, now(), 10)
            .await
            .expect("round");
        assert_eq!((round.sent, round.failed), (1, 0));
        let messages = smtp.messages();
        assert_eq!(messages.len(), 1, "{messages:?}");
        let m = &messages[0];
        assert!(m.contains("wethouder@voorbeeldstad.example"), "{m}");
        assert!(m.contains("Subject: Nieuwe melding in AVE-regie"), "{m}");
        assert!(m.contains("https://ave.example/meldingen"), "{m}");
        assert!(
            m.contains("Er is een nieuwe melding voor u in AVE-regie"),
            "{m}"
        );
        for secret in [
            case_id.as_str(),
            "Wethouder Voorbeeldstad",
            "Jan",
            "incident",
            "consulent",
        ] {
            assert!(!m.contains(secret), "{secret:?} in the e-mail: {m}");
        }
        // Sent once: the next round finds nothing.
        let again = mailer(port)
            .deliver_due(&db.store, now(), 10)
            .await
            .expect("round");
        assert_eq!(again.sent, 0);
        assert_eq!(smtp.messages().len(), 1);
        drop(smtp);
        db.drop().await;
    }
}

#[tokio::test]
async fn a_smtp_server_that_is_down_means_a_later_attempt_not_a_lost_email() {
    let Some(python) = smtp_available() else {
        return;
    };
    for db in Db::each().await {
        prepare(&db.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let port = free_port();
        let app = app(&db.store, true);
        let case = open(&app).await;
        report_incident(&app, &case).await;
        let page = inbox(&app, "wethouder-vb").await;
        let id = page["meldingen"][0]["id"].as_str().expect("id").to_owned();

        // Nobody listens: the attempt fails and is recorded.
        let t0 = now();
        let round = mailer(port)
            .deliver_due(&db.store, t0, 10)
            .await
            .expect("round");
        assert_eq!((round.sent, round.failed), (0, 1));
        let (attempts, sent, error) = db
            .store
            .mail_state(&id)
            .await
            .expect("state")
            .expect("queued");
        assert_eq!((attempts, sent), (1, false));
        assert!(error.is_some());

        // The server comes up; too early nothing is tried, after the wait it is delivered
        // (also by a new mailer, as after a restart: the outbox is in the database).
        let smtp = SmtpServer::start(&python, port, dir.path()).await;
        let early = mailer(port)
            .deliver_due(&db.store, t0, 10)
            .await
            .expect("round");
        assert_eq!(early, Default::default());
        let later = t0 + ave_server::mail::backoff(0);
        let round = mailer(port)
            .deliver_due(&db.store, later, 10)
            .await
            .expect("round");
        assert_eq!((round.sent, round.failed), (1, 0));
        assert_eq!(smtp.messages().len(), 1);
        let (attempts, sent, error) = db
            .store
            .mail_state(&id)
            .await
            .expect("state")
            .expect("queued");
        assert_eq!((attempts, sent, error), (2, true, None));
        drop(smtp);
        db.drop().await;
    }
}

#[tokio::test]
async fn a_server_with_smtp_delivers_the_outbox_by_itself() {
    let Some(python) = smtp_available() else {
        return;
    };
    for db in Db::each().await {
        prepare(&db.store).await;
        let dir = tempfile::tempdir().expect("dir");
        let port = free_port();
        let smtp = SmtpServer::start(&python, port, dir.path()).await;
        // A command through a router that queues e-mail, as `ave serve` with [smtp] does.
        let app = app(&db.store, true);
        let case = open(&app).await;
        report_incident(&app, &case).await;

        let mut options = ave_server::ServeOptions::plain("127.0.0.1:0".parse().expect("addr"));
        options.mail = Some(MailConfig {
            host: "127.0.0.1".to_owned(),
            port,
            from: "AVE-regie <noreply@ave.example>".to_owned(),
            tls: MailTls::None,
            username: None,
            password: None,
            base_url: "https://ave.example".to_owned(),
        });
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let store = db.store.clone();
        let server = tokio::spawn(async move {
            ave_server::serve_with(
                store,
                options,
                async {
                    let _ = stop_rx.await;
                },
                |_| {},
            )
            .await
        });
        // The background task sends at once and then every few seconds.
        let mut received = Vec::new();
        for _ in 0..200 {
            received = smtp.messages();
            if !received.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(received.len(), 1, "the server sent nothing");
        assert!(received[0].contains("https://ave.example/meldingen"));
        let _ = stop_tx.send(());
        server.await.expect("task").expect("served and stopped");
        drop(smtp);
        db.drop().await;
    }
}

#[tokio::test]
async fn a_proposed_transition_informs_whoever_may_decide_it() {
    for db in Db::each().await {
        prepare(&db.store).await;
        let app = app(&db.store, false);
        let case = open(&app).await;
        let a = post(
            &app,
            &format!("{case}/verzoeken"),
            "consulent-1",
            json!({"overgang": "2-procesregie-erbij", "criteria": ["stagnatie"], "onderbouwing": "de hulp loopt vast"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        // The model's deciders: the teamleider.
        let page = inbox(&app, "teamleider-1").await;
        assert_eq!(page["totaal"], 1, "{page}");
        assert_eq!(page["meldingen"][0]["soort"], "overgang");
        let tekst = page["meldingen"][0]["tekst"].as_str().expect("tekst");
        assert!(tekst.starts_with("Verzoek om te opschalen"), "{tekst}");
        assert!(!tekst.contains("vast"), "no case content: {tekst}");
        assert_eq!(inbox(&app, "wethouder-vb").await["totaal"], 0);
        db.drop().await;
    }
}

#[tokio::test]
async fn the_inbox_page_counts_in_the_header_lists_and_marks_read() {
    use crate::web::{csrf_of, get, post_form, session};
    for db in Db::each().await {
        prepare(&db.store).await;
        let state =
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header());
        let app = router(state.clone());
        let case = open(&app).await;
        let a = post(
            &app,
            &format!("{case}/signalen"),
            "consulent-1",
            incident(),
            None,
        )
        .await;
        assert!(a.status.is_success(), "{}", a.body);
        let cookie = session(&state, "wethouder-vb").await;
        let home = get(&app, "/meldingen", &[("cookie", &cookie)]).await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.text);
        assert!(
            home.text.contains("<span class=\"ave-count\">1<"),
            "the header counts it"
        );
        assert!(
            home.text.contains("Er is een ernstig incident gemeld")
                || home.text.contains("incident"),
            "{}",
            home.text
        );
        assert!(
            !home.text.contains("Jan de Vries"),
            "no case content in the inbox"
        );
        let id = case.rsplit('/').next().expect("id");
        assert!(
            home.text.contains(&format!("/casussen/{id}"))
                || home.text.contains(&format!("&#x2f;casussen&#x2f;{id}"))
        );
        let melding = db
            .store
            .notifications("wethouder-vb", 0, 10)
            .await
            .expect("meldingen")
            .items
            .remove(0);
        let csrf = csrf_of(&home);
        // Someone else cannot mark it.
        let other = session(&state, "wethouder-ad").await;
        let other_page = get(&app, "/meldingen", &[("cookie", &other)]).await;
        let r = post_form(
            &app,
            &format!("/meldingen/{}/gelezen", melding.id),
            &other,
            &[("csrf", &csrf_of(&other_page))],
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = post_form(
            &app,
            &format!("/meldingen/{}/gelezen", melding.id),
            &cookie,
            &[("csrf", &csrf)],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let after = get(&app, "/meldingen", &[("cookie", &cookie)]).await;
        assert!(
            !after.text.contains("class=\"ave-count\""),
            "nothing unread"
        );
        assert_eq!(
            db.store.unread_count("wethouder-vb").await.expect("count"),
            0
        );
        // Marked on the page as through the API: in the audit log, committed with the change;
        // the refused attempt by someone else wrote nothing.
        state.logs.flush().await.expect("logs written");
        let logged = db
            .store
            .audit_for_object(&format!("melding/{}", melding.id), 10)
            .await
            .expect("audit");
        let by: Vec<_> = logged
            .iter()
            .map(|(_, e)| (e.action.as_ref(), e.actor.starts_with("wethouder-vb|")))
            .collect();
        assert_eq!(by, [("schrijven", true)]);
        db.drop().await;
    }
}

/// A function the model names reaches those who hold it in the case; only when nobody in the
/// case holds it does it reach everyone with it in the gemeente.
#[tokio::test]
async fn a_named_function_reaches_its_holders_in_the_case_first() {
    for db in Db::each().await {
        prepare(&db.store).await;
        wethouder(&db.store, "wethouder-vb-2", "Voorbeeldstad").await;
        let app = app(&db.store, false);
        // Nobody in the case is a wethouder: both wethouders of the gemeente are told.
        let case = open(&app).await;
        report_incident(&app, &case).await;
        assert_eq!(inbox(&app, "wethouder-vb").await["totaal"], 1);
        assert_eq!(inbox(&app, "wethouder-vb-2").await["totaal"], 1);
        // One of them takes part in a second case: only that one is told of it.
        let second = open(&app).await;
        let add = json!({"do": "add-participant", "person": "wethouder-vb", "name": "W", "function": "wethouder", "organisation": "Gemeente"});
        let a = post(
            &app,
            &format!("{second}/opdrachten"),
            "consulent-1",
            add,
            None,
        )
        .await;
        assert!(a.status.is_success(), "{}", a.body);
        report_incident(&app, &second).await;
        assert_eq!(inbox(&app, "wethouder-vb").await["totaal"], 2);
        assert_eq!(inbox(&app, "wethouder-vb-2").await["totaal"], 1);
        db.drop().await;
    }
}
