//! The case page's actions through the real router with a real session, on SQLite and (when
//! `AVE_TEST_POSTGRES` names a server) PostgreSQL: each action page renders for a
//! participant and is 404 for someone not involved; a valid form is written and sends the
//! browser back to the case page; bad input, a wrong CSRF token, a stale form and an engine
//! refusal show the form again and write nothing; op- and afschalen through the forms moves
//! the phase; a rule held `bij voorkeur` asks for a motivation and records the deviation.

use ave_server::auth::{Actor, Via, start_session};
use ave_server::{AppState, router};
use ave_store::{ModelRecord, Store};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use tower::ServiceExt;

use crate::commands::{Db, post as api_post};
use crate::model_text;

const REGISSEUR: &str = "consulent-1";
const TEAMLEIDER: &str = "teamleider-1";
const BUITENSTAANDER: &str = "buiten-1";
/// A version of the example model where 2-naar-1 is decided in an MDO only *bij voorkeur*.
const VOORKEUR: &str = "2025.1-voorkeur";

struct Page {
    status: StatusCode,
    location: String,
    body: String,
}

/// A logged-in person: the session cookie and the CSRF token of their forms.
struct Session {
    cookie: String,
    csrf: String,
}

async fn session(state: &AppState, person: &str) -> Session {
    let p = state
        .store
        .person(person)
        .await
        .expect("directory")
        .expect("person");
    let started = start_session(state, &Actor::of(&p, None, Via::Header), "test")
        .await
        .expect("session");
    let cookie = started
        .cookie
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("cookie")
        .to_owned();
    Session {
        cookie,
        csrf: started.csrf,
    }
}

async fn page(app: &Router, s: &Session, method: &str, uri: &str, form: &[(&str, &str)]) -> Page {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, &s.cookie);
    let body = if method == "POST" {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        Body::from(serde_urlencoded::to_string(form).expect("form"))
    } else {
        Body::empty()
    };
    let response = app
        .clone()
        .oneshot(req.body(body).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().expect("ascii").to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .expect("body");
    Page {
        status,
        location,
        body: String::from_utf8(bytes.to_vec()).expect("utf-8"),
    }
}

/// The version a form shows in its hidden field.
fn version_in(html: &str) -> String {
    let at = html
        .find("name=\"versie\" value=\"")
        .expect("version field")
        + 21;
    html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

async fn version(store: &Store, case: &str) -> u64 {
    let id = ave_engine::ids::CaseId::parse(case).expect("id");
    store.version(&id).await.expect("version").expect("exists")
}

async fn event_types(store: &Store, case: &str) -> Vec<String> {
    let id = ave_engine::ids::CaseId::parse(case).expect("id");
    store
        .events(&id, 0)
        .await
        .expect("events")
        .iter()
        .map(|r| {
            serde_json::to_value(&r.event).expect("json")["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

/// The app, a case in phase 2 with the consulent and the team leader, and someone in the
/// directory who is not involved.
async fn setup(db: &Db, model_version: Option<&str>) -> (AppState, Router, String) {
    use ave_store::identity::{Membership, Person};
    let state =
        AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header());
    let app = router(state.clone());
    db.store
        .put_person(
            &Person {
                id: BUITENSTAANDER.to_owned(),
                name: BUITENSTAANDER.to_owned(),
                admin: false,
                privacy: false,
                active: true,
                memberships: vec![Membership {
                    organisation: "gemeente".to_owned(),
                    gemeente: None,
                    function: "consulent".to_owned(),
                }],
            },
            Default::default(),
        )
        .await
        .expect("person");
    let mut body = json!({
        "model": "voorbeeld",
        "gemeente": "Voorbeeldstad",
        "fase": "2",
        "reden": "zorgen over het gezin",
        "huishouden": [{"lid": "lid-1", "rol": "ouder"}],
        "deelnemers": [
            {"persoon": REGISSEUR, "naam": "C. Consulent", "functie": "consulent", "organisatie": "Gemeente"},
            {"persoon": TEAMLEIDER, "naam": "T. Leider", "functie": "teamleider", "organisatie": "Gemeente"},
        ],
    });
    if let Some(v) = model_version {
        body["modelversie"] = json!(v);
    }
    let a = api_post(&app, "/api/v1/casussen", REGISSEUR, body, None).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let id = a.body["id"].as_str().expect("id").to_owned();
    (state, app, id)
}

#[tokio::test]
async fn the_action_pages_render_for_a_participant_and_are_404_for_someone_not_involved() {
    for db in Db::each().await {
        let (state, app, case) = setup(&db, None).await;
        let me = session(&state, REGISSEUR).await;
        let outsider = session(&state, BUITENSTAANDER).await;
        let home = page(&app, &me, "GET", &format!("/casussen/{case}"), &[]).await;
        assert_eq!(home.status, StatusCode::OK);
        assert!(home.body.contains("id=\"acties\""), "{}", home.body);
        for action in ["signaal", "rol", "verzoek", "overleg", "sluiten"] {
            let uri = format!("/casussen/{case}/{action}");
            assert!(home.body.contains(&format!("href=\"{uri}\"")), "{action}");
            let p = page(&app, &me, "GET", &uri, &[]).await;
            assert_eq!(p.status, StatusCode::OK, "{action}");
            assert!(
                p.body.contains(&me.csrf),
                "{action}: the form carries the csrf token"
            );
            let p = page(&app, &outsider, "GET", &uri, &[]).await;
            assert_eq!(p.status, StatusCode::NOT_FOUND, "{action}");
            let p = page(
                &app,
                &outsider,
                "POST",
                &uri,
                &[("csrf", &outsider.csrf), ("versie", "1")],
            )
            .await;
            assert_eq!(p.status, StatusCode::NOT_FOUND, "{action}");
        }
        // The transition form: the model's criteria as a checklist, who decides.
        let p = page(
            &app,
            &me,
            "GET",
            &format!("/casussen/{case}/verzoek?overgang=2-naar-1"),
            &[],
        )
        .await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.body.contains("De situatie is stabiel"), "{}", p.body);
        assert!(p.body.contains("type=\"checkbox\""));
        assert!(p.body.contains("Wie besluit"));
        db.drop().await;
    }
}

#[tokio::test]
async fn a_valid_signal_is_recorded_and_the_browser_goes_back_to_the_case() {
    for db in Db::each().await {
        let (state, app, case) = setup(&db, None).await;
        let me = session(&state, REGISSEUR).await;
        let form = page(&app, &me, "GET", &format!("/casussen/{case}/signaal"), &[]).await;
        let v = version_in(&form.body);
        let before = version(&db.store, &case).await;
        let p = page(
            &app,
            &me,
            "POST",
            &format!("/casussen/{case}/signaal"),
            &[
                ("csrf", &me.csrf),
                ("versie", &v),
                ("bron", "school"),
                ("categorie", "school"),
                ("tekst", "kind vaak afwezig"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        assert_eq!(
            p.location,
            format!("/casussen/{case}?gedaan=signaal#gedaan")
        );
        assert!(version(&db.store, &case).await > before);
        assert!(
            event_types(&db.store, &case)
                .await
                .contains(&"signal_recorded".to_owned())
        );
        let home = page(
            &app,
            &me,
            "GET",
            &format!("/casussen/{case}?gedaan=signaal"),
            &[],
        )
        .await;
        assert!(home.body.contains("utrecht-alert--ok"));
        assert!(home.body.contains("Het signaal is vastgelegd."));
        // The way back lands on the confirmation, which takes the focus and is a status
        // message; the page's title starts with it.
        assert!(
            home.body
                .contains("id=\"gedaan\" role=\"status\" tabindex=\"-1\""),
            "{}",
            home.body
        );
        assert!(
            home.body
                .contains("<title>Het signaal is vastgelegd. – Casus")
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn bad_input_shows_the_form_again_with_each_error_next_to_its_field_and_writes_nothing() {
    for db in Db::each().await {
        let (state, app, case) = setup(&db, None).await;
        let me = session(&state, REGISSEUR).await;
        let before = version(&db.store, &case).await;
        let long = "x".repeat(300);
        let p = page(
            &app,
            &me,
            "POST",
            &format!("/casussen/{case}/signaal"),
            &[
                ("csrf", &me.csrf),
                ("versie", &before.to_string()),
                ("bron", &long),
                ("categorie", "bestaat-niet"),
                ("tekst", "   "),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        // The summary at the top, linking to the fields.
        assert!(p.body.contains("role=\"alert\""));
        for field in ["bron", "categorie", "tekst"] {
            assert!(
                p.body.contains(&format!("href=\"#veld-{field}\"")),
                "{field}"
            );
            assert!(p.body.contains(&format!("id=\"fout-{field}\"")), "{field}");
        }
        assert!(p.body.contains("aria-invalid=\"true\""));
        assert!(p.body.contains("utrecht-form-field--invalid"));
        assert!(p.body.contains("Vul dit veld in."));
        assert!(!p.body.contains("?: "), "no colon after a question");
        assert!(p.body.contains("Deze tekst is te lang"));
        assert!(p.body.contains("Deze keuze bestaat niet"));
        // What was typed is kept.
        assert!(p.body.contains(&format!("value=\"{long}\"")));
        assert_eq!(version(&db.store, &case).await, before, "nothing written");
        db.drop().await;
    }
}

#[tokio::test]
async fn a_wrong_or_missing_csrf_token_is_403_and_writes_nothing() {
    for db in Db::each().await {
        let (state, app, case) = setup(&db, None).await;
        let me = session(&state, REGISSEUR).await;
        let before = version(&db.store, &case).await;
        let v = before.to_string();
        let fields = [
            ("versie", v.as_str()),
            ("bron", "school"),
            ("categorie", "school"),
            ("tekst", "kind vaak afwezig"),
        ];
        let mut wrong = fields.to_vec();
        wrong.push(("csrf", "niet-het-token"));
        for form in [fields.to_vec(), wrong] {
            let p = page(
                &app,
                &me,
                "POST",
                &format!("/casussen/{case}/signaal"),
                &form,
            )
            .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN);
        }
        assert_eq!(version(&db.store, &case).await, before, "nothing written");
        db.drop().await;
    }
}

#[tokio::test]
async fn a_stale_form_says_the_case_changed_keeps_what_was_typed_and_writes_nothing() {
    for db in Db::each().await {
        let (state, app, case) = setup(&db, None).await;
        let me = session(&state, REGISSEUR).await;
        let old = version(&db.store, &case).await;
        // Someone else changes the case meanwhile.
        let a = api_post(
            &app,
            &format!("/api/v1/casussen/{case}/signalen"),
            REGISSEUR,
            json!({"bron": "buren", "categorie": "zorg", "tekst": "geluidsoverlast"}),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let now = version(&db.store, &case).await;
        let p = page(
            &app,
            &me,
            "POST",
            &format!("/casussen/{case}/signaal"),
            &[
                ("csrf", &me.csrf),
                ("versie", &old.to_string()),
                ("bron", "school"),
                ("categorie", "school"),
                ("tekst", "kind vaak afwezig"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.body);
        assert!(p.body.contains("De casus is intussen gewijzigd."));
        assert!(p.body.contains("kind vaak afwezig"), "typed text kept");
        assert_eq!(
            version_in(&p.body),
            now.to_string(),
            "the form is on the case as it is now"
        );
        assert_eq!(version(&db.store, &case).await, now, "nothing written");
        db.drop().await;
    }
}

#[tokio::test]
async fn propose_and_decide_through_the_forms_moves_the_phase_and_only_a_decider_sees_the_decision_form()
 {
    for db in Db::each().await {
        let (state, app, case) = setup(&db, None).await;
        let me = session(&state, REGISSEUR).await;
        let leader = session(&state, TEAMLEIDER).await;
        // Casusregie first, through the role form.
        let v = version(&db.store, &case).await.to_string();
        let p = page(
            &app,
            &me,
            "POST",
            &format!("/casussen/{case}/rol"),
            &[
                ("csrf", &me.csrf),
                ("versie", &v),
                ("handeling", "toewijzen"),
                ("rol", "casusregie"),
                ("persoon", REGISSEUR),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

        // An engine refusal is shown in words and writes nothing: a second casusregisseur.
        let v = version(&db.store, &case).await;
        let p = page(
            &app,
            &me,
            "POST",
            &format!("/casussen/{case}/rol"),
            &[
                ("csrf", &me.csrf),
                ("versie", &v.to_string()),
                ("handeling", "toewijzen"),
                ("rol", "casusregie"),
                ("persoon", REGISSEUR),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert_eq!(version(&db.store, &case).await, v, "nothing written");
        // The refusal names the person by name, not by id.
        assert!(
            p.body.contains("C. Consulent heeft al casusregie"),
            "{}",
            p.body
        );
        assert!(
            !p.body.contains(&format!("{REGISSEUR} "))
                && !p.body.contains(&format!("{REGISSEUR}:")),
            "{}",
            p.body
        );

        // Propose afschalen 2 → 1 with the criterion ticked.
        let v = version(&db.store, &case).await.to_string();
        let p = page(
            &app,
            &me,
            "POST",
            &format!("/casussen/{case}/verzoek"),
            &[
                ("csrf", &me.csrf),
                ("versie", &v),
                ("overgang", "2-naar-1"),
                ("criteria", "stabiel"),
                ("onderbouwing", "het gaat al maanden goed"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let home = page(&app, &me, "GET", &format!("/casussen/{case}"), &[]).await;
        let at = home.body.find("/verzoeken/").expect("a link to decide");
        let rest = &home.body[at..];
        let decide = format!(
            "/casussen/{case}{}",
            &rest[..rest.find('"').expect("end of link")]
        );
        assert!(decide.ends_with("/besluit"), "{decide}");

        // The team leader is involved but the model does not let them decide 2 → 1.
        let p = page(&app, &leader, "GET", &decide, &[]).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let v = version(&db.store, &case).await.to_string();
        let p = page(
            &app,
            &leader,
            "POST",
            &decide,
            &[
                ("csrf", &leader.csrf),
                ("versie", &v),
                ("besluit", "goedkeuren"),
                ("reden", "prima"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        let home = page(&app, &leader, "GET", &format!("/casussen/{case}"), &[]).await;
        assert!(
            !home.body.contains("/besluit\""),
            "no decision link for the leader"
        );

        // The consulent decides.
        let p = page(&app, &me, "GET", &decide, &[]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.body.contains("het gaat al maanden goed"));
        let p = page(
            &app,
            &me,
            "POST",
            &decide,
            &[
                ("csrf", &me.csrf),
                ("versie", &version_in(&p.body)),
                ("besluit", "goedkeuren"),
                ("reden", "stabiel sinds maanden"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let row = db
            .store
            .case_row(&ave_engine::ids::CaseId::parse(&case).expect("id"))
            .await
            .expect("row")
            .expect("exists");
        assert_eq!(row.phase, "1");
        let types = event_types(&db.store, &case).await;
        for t in [
            "criterion_assessed",
            "transition_proposed",
            "transition_decided",
            "phase_changed",
        ] {
            assert!(types.contains(&t.to_owned()), "{t}: {types:?}");
        }
        // The timeline says what was asked and why it was decided so, without the ids the
        // service made up or the model's transition id.
        let home = page(&app, &me, "GET", &format!("/casussen/{case}"), &[]).await;
        assert!(
            home.body.contains("verzoek: van fase 2 naar 1")
                && !home.body.contains("verzoek: van fase 2 naar 1 ("),
            "{}",
            home.body
        );
        assert!(
            home.body
                .contains("verzoek goedgekeurd door Consulent sociaal team: stabiel sinds maanden"),
            "{}",
            home.body
        );
        assert!(!home.body.contains("verzoek-"), "{}", home.body);
        assert!(!home.body.contains("(2-naar-1)"), "{}", home.body);
        db.drop().await;
    }
}

#[tokio::test]
async fn a_bij_voorkeur_rule_asks_for_a_motivation_and_the_deviation_is_recorded_and_shown() {
    for db in Db::each().await {
        // The example model, with 2 → 1 decided in an MDO only bij voorkeur.
        let text = model_text()
            .replacen("version = \"2025.1\"", &format!("version = \"{VOORKEUR}\""), 1)
            .replacen(
                "proposers = [\"sociaal-domein\"]\ndeciders = [\"consulent\"]\n",
                "proposers = [\"sociaal-domein\"]\ndeciders = [\"consulent\"]\ndecided_in = { meeting = \"mdo\", strength = \"bij-voorkeur\" }\n",
                1,
            );
        assert!(text.contains("strength = \"bij-voorkeur\" }"));
        db.store
            .put_model(&ModelRecord {
                id: "voorbeeld".to_owned(),
                version: VOORKEUR.to_owned(),
                text,
                sha256: "1".repeat(64),
                stored_at: chrono::DateTime::UNIX_EPOCH,
            })
            .await
            .expect("model");
        let (state, app, case) = setup(&db, Some(VOORKEUR)).await;
        let me = session(&state, REGISSEUR).await;
        let v = version(&db.store, &case).await.to_string();
        let p = page(
            &app,
            &me,
            "POST",
            &format!("/casussen/{case}/verzoek"),
            &[
                ("csrf", &me.csrf),
                ("versie", &v),
                ("overgang", "2-naar-1"),
                ("criteria", "stabiel"),
                ("onderbouwing", "het gaat goed"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let home = page(&app, &me, "GET", &format!("/casussen/{case}"), &[]).await;
        let at = home.body.find("/verzoeken/").expect("a link to decide");
        let rest = &home.body[at..];
        let decide = format!("/casussen/{case}{}", &rest[..rest.find('"').expect("end")]);

        // The form explains the rule before anything is sent.
        let form = page(&app, &me, "GET", &decide, &[]).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        assert!(form.body.contains("bij voorkeur"), "{}", form.body);
        assert!(form.body.contains("Multidisciplinair overleg (MDO)"));

        // Approving without a motivation: refused next to the motivation field.
        let before = version(&db.store, &case).await;
        let p = page(
            &app,
            &me,
            "POST",
            &decide,
            &[
                ("csrf", &me.csrf),
                ("versie", &before.to_string()),
                ("besluit", "goedkeuren"),
                ("reden", "stabiel"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.body.contains("id=\"fout-motivering\""), "{}", p.body);
        assert!(p.body.contains("href=\"#veld-motivering\""));
        assert_eq!(version(&db.store, &case).await, before, "nothing written");

        // With a motivation: decided, and the deviation recorded and shown on the case.
        let p = page(
            &app,
            &me,
            "POST",
            &decide,
            &[
                ("csrf", &me.csrf),
                ("versie", &before.to_string()),
                ("besluit", "goedkeuren"),
                ("reden", "stabiel"),
                ("motivering", "geen MDO nodig: alle partijen eens per mail"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        let types = event_types(&db.store, &case).await;
        assert!(
            types.contains(&"deviation_recorded".to_owned()),
            "{types:?}"
        );
        let home = page(&app, &me, "GET", &format!("/casussen/{case}"), &[]).await;
        assert!(home.body.contains("id=\"afwijkingen\""));
        assert!(
            home.body
                .contains("geen MDO nodig: alle partijen eens per mail")
        );
        db.drop().await;
    }
}
