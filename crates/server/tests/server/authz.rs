//! The authorisation matrix: every endpoint × every kind of person × involved or not, on both
//! backends. The expected answer of each cell comes from the policy (`access::decide`), which
//! `docs/authorization.md` shows and its own unit tests pin down; this test checks that every
//! endpoint asks it, answers 404 as if the case did not exist, and logs each refusal.

use ave_server::access::{self, Decision, Involvement, Operation, Standing};
use ave_server::{AppState, router};
use ave_store::identity::{Membership, Organisation, Person};
use axum::Router;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::commands::{Db, post, send, version_in_store};

/// A person of the matrix: their id, what they are, and how they are involved in the case.
pub(crate) struct Who {
    pub(crate) id: &'static str,
    pub(crate) standing: Standing,
    pub(crate) involvement: Involvement,
}

pub(crate) const PEOPLE: [Who; 9] = [
    Who {
        id: "consulent-1",
        standing: Standing::Professional,
        involvement: Involvement::Role,
    },
    Who {
        id: "teamleider-1",
        standing: Standing::Professional,
        involvement: Involvement::Participant,
    },
    Who {
        id: "behandelaar-1",
        standing: Standing::Professional,
        involvement: Involvement::Contributor,
    },
    Who {
        id: "wethouder-1",
        standing: Standing::Professional,
        involvement: Involvement::Governs,
    },
    Who {
        id: "nood-1",
        standing: Standing::Professional,
        involvement: Involvement::BreakGlass,
    },
    Who {
        id: "buiten-1",
        standing: Standing::Professional,
        involvement: Involvement::None,
    },
    Who {
        id: "beheer-1",
        standing: Standing::Admin,
        involvement: Involvement::None,
    },
    Who {
        id: "fg-1",
        standing: Standing::Privacy,
        involvement: Involvement::None,
    },
    Who {
        id: "leeg-1",
        standing: Standing::NoFunction,
        involvement: Involvement::None,
    },
];

pub(crate) async fn directory(db: &Db) {
    let store = &db.store;
    for (id, name) in [("gemeente", "Gemeente"), ("ander", "Andere organisatie")] {
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
    let people = [
        ("consulent-1", "gemeente", Some("consulent"), false, false),
        ("teamleider-1", "gemeente", Some("teamleider"), false, false),
        ("behandelaar-1", "ander", Some("behandelaar"), false, false),
        ("wethouder-1", "gemeente", Some("wethouder"), false, false),
        ("nood-1", "ander", Some("behandelaar"), false, false),
        ("buiten-1", "ander", Some("behandelaar"), false, false),
        // An administrator who also holds a function still sees no case.
        ("beheer-1", "gemeente", Some("consulent"), true, false),
        ("fg-1", "gemeente", None, false, true),
        ("leeg-1", "gemeente", None, false, false),
    ];
    for (id, org, function, admin, privacy) in people {
        store
            .put_person(
                &Person {
                    id: id.to_owned(),
                    name: id.to_owned(),
                    admin,
                    privacy,
                    active: true,
                    memberships: function
                        .map(|f| Membership {
                            organisation: org.to_owned(),
                            gemeente: Some("Voorbeeldstad".to_owned()),
                            function: f.to_owned(),
                        })
                        .into_iter()
                        .collect(),
                },
                Default::default(),
            )
            .await
            .expect("person");
    }
}

/// A case in which each person of [`PEOPLE`] is involved as the matrix says; its path.
pub(crate) async fn case(app: &Router) -> String {
    let body = json!({
        "model": "voorbeeld", "gemeente": "Voorbeeldstad", "fase": "2",
        "reden": "zorgen over het gezin",
        "huishouden": [{"lid": "lid-1", "rol": "ouder"}],
        "deelnemers": [
            {"persoon": "consulent-1", "naam": "C", "functie": "consulent", "organisatie": "gemeente"},
            {"persoon": "teamleider-1", "naam": "T", "functie": "teamleider", "organisatie": "gemeente"},
            {"persoon": "behandelaar-1", "naam": "B", "functie": "behandelaar", "organisatie": "ander"},
        ],
    });
    let a = post(app, "/api/v1/casussen", "consulent-1", body, None).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let path = a.headers["location"].to_str().expect("ascii").to_owned();
    let steps = [
        (
            "rollen",
            json!({"rol": "casusregie", "persoon": "consulent-1"}),
        ),
        (
            "signalen",
            json!({"bron": "school", "categorie": "zorg", "tekst": "verzuim"}),
        ),
        (
            "opdrachten",
            json!({"do": "remove-participant", "person": "behandelaar-1", "reason": "klaar"}),
        ),
    ];
    for (what, body) in steps {
        let a = post(app, &format!("{path}/{what}"), "consulent-1", body, None).await;
        assert!(a.status.is_success(), "{what}: {}", a.body);
    }
    let a = post(
        app,
        &format!("{path}/noodtoegang"),
        "nood-1",
        json!({"reden": "acute dreiging gemeld door de politie, regisseur onbereikbaar"}),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    path
}

/// One endpoint of the matrix.
struct Endpoint {
    method: &'static str,
    path: &'static str,
    body: Option<Value>,
    op: Operation,
}

fn endpoints() -> Vec<Endpoint> {
    let e = |method, path, body, op| Endpoint {
        method,
        path,
        body,
        op,
    };
    vec![
        e("GET", "{case}", None, Operation::ReadCase),
        e("GET", "{case}/tijdlijn", None, Operation::ReadTimeline),
        e("GET", "{case}/inzage", None, Operation::SubjectAccess),
        e(
            "GET",
            "/api/v1/noodtoegang",
            None,
            Operation::ReviewBreakGlass,
        ),
        e(
            "GET",
            "/api/v1/beveiligingslogboek/controlepunten",
            None,
            Operation::ReadCheckpoints,
        ),
        e("GET", "/api/v1/modellen", None, Operation::ReadShared),
        e("GET", "/api/v1/gemeenten", None, Operation::ReadShared),
        e("GET", "/api/v1/organisaties", None, Operation::ReadShared),
        e("GET", "/api/v1/personen", None, Operation::ReadShared),
        e(
            "PUT",
            "/api/v1/organisaties/nieuw",
            Some(json!({"naam": "Nieuwe organisatie"})),
            Operation::Administer,
        ),
        e(
            "PUT",
            "/api/v1/personen/nieuw-1",
            Some(
                json!({"naam": "N", "functies": [{"organisatie": "gemeente", "functie": "consulent"}]}),
            ),
            Operation::Administer,
        ),
        e(
            "POST",
            "{case}/signalen",
            Some(json!({"bron": "buren", "categorie": "overlast", "tekst": "geluid"})),
            Operation::Command,
        ),
        e(
            "POST",
            "{case}/opdrachten",
            Some(
                json!({"do": "record-signal", "signal": "s-matrix", "source": "buren", "category": "overlast", "text": "x"}),
            ),
            Operation::Command,
        ),
        e(
            "POST",
            "{case}/rollen",
            Some(json!({"rol": "behandelregie", "persoon": "teamleider-1"})),
            Operation::Command,
        ),
        e(
            "POST",
            "{case}/verzoeken",
            Some(json!({"overgang": "bestaat-niet", "criteria": [], "onderbouwing": "x"})),
            Operation::Command,
        ),
        e(
            "POST",
            "{case}/verzoeken/verzoek-x/besluit",
            Some(json!({"goedkeuren": true, "reden": "x"})),
            Operation::Command,
        ),
        e(
            "POST",
            "{case}/modelversie",
            Some(json!({"versie": "2025.1", "reden": "x"})),
            Operation::Command,
        ),
        e(
            "POST",
            "/api/v1/casussen",
            Some(json!({
                "model": "voorbeeld", "gemeente": "Voorbeeldstad", "fase": "2", "reden": "zorgen",
                "huishouden": [{"lid": "lid-1", "rol": "ouder"}],
                "deelnemers": [{"persoon": "nobody-9", "naam": "N", "functie": "consulent", "organisatie": "gemeente"}],
            })),
            Operation::OpenCase,
        ),
        e(
            "POST",
            "{case}/noodtoegang",
            Some(json!({"reden": "acute dreiging gemeld, regisseur niet bereikbaar"})),
            Operation::BreakGlass,
        ),
    ]
}

/// Whether an answer is a refusal by the policy (and which).
fn refusal(status: StatusCode, body: &Value) -> Option<Decision> {
    match (status, body["code"].as_str()) {
        (StatusCode::NOT_FOUND, Some("niet-gevonden"))
            if body["detail"] == "deze casus bestaat niet" =>
        {
            Some(Decision::NotFound)
        }
        (StatusCode::FORBIDDEN, Some("geen-toegang")) => Some(Decision::Forbidden),
        _ => None,
    }
}

#[tokio::test]
async fn every_endpoint_for_every_kind_of_person_involved_or_not() {
    for db in Db::each().await {
        directory(&db).await;
        let state =
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header());
        let app = router(state);
        let mut cells = 0;
        for who in &PEOPLE {
            // A fresh case for each person, so that what one person may do (a grant, a role)
            // does not change another's involvement.
            let case = case(&app).await;
            // Lists show the case exactly when the person may read it.
            let list = send(
                &app,
                "GET",
                "/api/v1/casussen?paginaGrootte=100",
                &[("ave-persoon", who.id)],
                None,
            )
            .await;
            let sees = matches!(
                access::decide(who.standing, who.involvement, Operation::ReadCase),
                Decision::Allow(_)
            );
            if who.standing == Standing::Professional {
                assert_eq!(list.status, StatusCode::OK, "{}", list.body);
                let id = case.rsplit('/').next().expect("id");
                let listed = list.body["casussen"]
                    .as_array()
                    .expect("cases")
                    .iter()
                    .any(|c| c["id"] == id);
                assert_eq!(listed, sees, "{} in the list of {}", id, who.id);
            } else {
                assert_eq!(list.status, StatusCode::FORBIDDEN, "{}", list.body);
            }
            for ep in endpoints() {
                let path = ep.path.replace("{case}", &case);
                let expected = access::decide(who.standing, who.involvement, ep.op);
                let before = version_in_store(&db.store, &case).await;
                let headers = [("ave-persoon", who.id)];
                let a = send(
                    &app,
                    ep.method,
                    &path,
                    &headers,
                    ep.body
                        .as_ref()
                        .map(|b| serde_json::to_vec(b).expect("json")),
                )
                .await;
                let got = refusal(a.status, &a.body);
                let cell = format!(
                    "{} {} as {} ({:?}, {:?}): {} {}",
                    ep.method, ep.path, who.id, who.standing, who.involvement, a.status, a.body
                );
                match expected {
                    Decision::Allow(_) => assert_eq!(got, None, "allowed, but refused: {cell}"),
                    refused => {
                        assert_eq!(got, Some(refused), "{cell}");
                        assert_eq!(
                            version_in_store(&db.store, &case).await,
                            before,
                            "a refusal writes nothing: {cell}"
                        );
                    }
                }
                assert!(
                    a.status != StatusCode::UNAUTHORIZED && a.status.as_u16() < 500,
                    "{cell}"
                );
                cells += 1;
            }
        }
        assert_eq!(cells, PEOPLE.len() * endpoints().len());
        db.drop().await;
    }
}

#[tokio::test]
async fn what_each_kind_of_person_sees_of_a_case() {
    for db in Db::each().await {
        directory(&db).await;
        let state =
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header());
        let app = router(state.clone());
        let case = case(&app).await;
        let get = |who: &'static str, path: String| {
            let app = app.clone();
            async move { send(&app, "GET", &path, &[("ave-persoon", who)], None).await }
        };
        // The regisseur sees everything; the toegang says so.
        let a = get("consulent-1", case.clone()).await;
        assert_eq!(a.body["toegang"], "volledig", "{}", a.body);
        let all = get("consulent-1", format!("{case}/tijdlijn")).await;
        let all = all.body.as_array().expect("timeline").len();
        // Every event says who contributed it.
        let t = get("consulent-1", format!("{case}/tijdlijn")).await;
        assert!(
            t.body
                .as_array()
                .expect("timeline")
                .iter()
                .all(|e| e["organisatie"].is_string())
        );
        // The wethouder governs phase 2: a summary, no timeline.
        let a = get("wethouder-1", case.clone()).await;
        assert_eq!(a.body["toegang"], "samenvatting", "{}", a.body);
        let a = get("wethouder-1", format!("{case}/tijdlijn")).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
        // The behandelaar left: only what their organisation contributed (nothing: the
        // consulent of the gemeente wrote every event).
        let a = get("behandelaar-1", case.clone()).await;
        assert_eq!(a.body["toegang"], "eigen-bijdragen", "{}", a.body);
        let a = get("behandelaar-1", format!("{case}/tijdlijn")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let own = a.body.as_array().expect("timeline");
        assert!(own.len() < all, "{} of {all}", own.len());
        assert!(
            own.iter().all(|e| e["organisatie"] == "ander"),
            "{}",
            a.body
        );
        // Break-glass: read only.
        let a = get("nood-1", case.clone()).await;
        assert_eq!(a.body["toegang"], "noodtoegang", "{}", a.body);
        // The privacy officer sees who read the case, by organisation and function, not by
        // person.
        // (The audit log is written just after each answer: wait until it is.)
        state.logs.flush().await.expect("logs written");
        let a = get("fg-1", format!("{case}/inzage")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let seen = a.body.as_array().expect("entries");
        assert!(
            seen.iter().any(|e| e["handeling"] == "lezen"
                && e["organisatie"] == "gemeente"
                && e["functies"][0] == "consulent"),
            "{}",
            a.body
        );
        assert!(
            seen.iter().any(|e| e["handeling"] == "noodtoegang"),
            "{}",
            a.body
        );
        assert!(
            !a.body.to_string().contains("consulent-1"),
            "no person ids: {}",
            a.body
        );
        // The grant waits for review; the review closes it.
        let a = get("fg-1", "/api/v1/noodtoegang".to_owned()).await;
        let grants = a.body.as_array().expect("grants");
        assert_eq!(grants.len(), 1, "{}", a.body);
        let id = grants[0]["id"].as_str().expect("id").to_owned();
        let r = post(
            &app,
            &format!("/api/v1/noodtoegang/{id}/beoordeling"),
            "fg-1",
            json!({"notitie": "terecht: politie belde"}),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let a = get("fg-1", "/api/v1/noodtoegang".to_owned()).await;
        assert_eq!(a.body.as_array().expect("grants").len(), 0);
        // The review's entry was committed with it; a second review is refused and adds none.
        let r = post(
            &app,
            &format!("/api/v1/noodtoegang/{id}/beoordeling"),
            "fg-1",
            json!({"notitie": "nog eens"}),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        state.logs.flush().await.expect("logs written");
        let reviews = db
            .store
            .audit_for_object(&format!("noodtoegang/{id}"), 10)
            .await
            .expect("audit");
        let by: Vec<_> = reviews
            .iter()
            .map(|(_, e)| (e.action.as_ref(), e.actor.starts_with("fg-1|")))
            .collect();
        assert_eq!(by, [("noodtoegang-beoordeeld", true)]);
        // A refused attempt is in the audit log.
        let a = get("buiten-1", case.clone()).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
        let id = case.rsplit('/').next().expect("id");
        state.logs.flush().await.expect("logs written");
        let entries = db
            .store
            .audit_for_object(&format!("casus/{id}"), 1000)
            .await
            .expect("audit");
        let logged = entries
            .iter()
            .any(|(_, e)| e.action == "toegang-geweigerd" && e.actor.starts_with("buiten-1|"));
        assert!(logged, "the refused read is in the audit log");
        // The case's changes are in it too: each entry committed with its change, and moved
        // into the log by the writer.
        for action in ["openen", "schrijven"] {
            let logged = entries
                .iter()
                .any(|(_, e)| e.action == action && e.actor.starts_with("consulent-1|"));
            assert!(logged, "{action} is in the audit log");
        }
        // Reads and writes of the case are in the processing log too, under their activity,
        // with the data subject encrypted and no person in it.
        let records = db
            .store
            .processing_records(None, 0, 10_000)
            .await
            .expect("processing log");
        let activities: Vec<&str> = records
            .iter()
            .map(|(_, r)| r.activity_id.as_ref())
            .collect();
        for activity in ["casus-openen", "casus-wijzigen", "casus-inzien"] {
            assert!(activities.contains(&activity), "{activities:?}");
        }
        for (_, r) in &records {
            assert_eq!(r.data_subject_type, "casus");
            let raw = String::from_utf8_lossy(r.data_subject.as_bytes()).to_string();
            assert!(!raw.contains(id), "the subject id is encrypted");
            assert!(
                !format!("{r:?}").contains("consulent-1"),
                "no user identity: {r:?}"
            );
        }
        db.drop().await;
    }
}

/// An administrator gives themselves no rights: a change of their own administrator or
/// privacy flag, being active or functions is refused (403, logged, nothing written) — else
/// one could drop the flag, take a function and read cases; their own work name they may
/// change, and another person's rights too.
#[tokio::test]
async fn an_administrator_changes_no_rights_of_their_own() {
    for db in Db::each().await {
        directory(&db).await;
        let state =
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header());
        let app = router(state.clone());
        let put = |id: &'static str, body: Value| {
            let app = app.clone();
            async move {
                send(
                    &app,
                    "PUT",
                    &format!("/api/v1/personen/{id}"),
                    &[("ave-persoon", "beheer-1")],
                    Some(serde_json::to_vec(&body).expect("json")),
                )
                .await
            }
        };
        let function = json!([{"organisatie": "gemeente", "gemeente": "Voorbeeldstad", "functie": "consulent"}]);
        let before = db.store.person("beheer-1").await.expect("read");
        for body in [
            json!({"naam": "beheer-1", "beheerder": false, "functies": function}),
            json!({"naam": "beheer-1", "beheerder": true, "functies": [{"organisatie": "gemeente", "functie": "wethouder"}]}),
            json!({"naam": "beheer-1", "beheerder": true, "functionarisGegevensbescherming": true, "functies": function}),
        ] {
            let a = put("beheer-1", body).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
            assert!(
                a.body["detail"]
                    .as_str()
                    .expect("detail")
                    .contains("eigen rechten")
            );
        }
        assert_eq!(db.store.person("beheer-1").await.expect("read"), before);
        let a = put(
            "beheer-1",
            json!({"naam": "Beheer Een", "beheerder": true, "functies": function}),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "their own work name: {}", a.body);
        let a = put("leeg-1", json!({"naam": "leeg-1", "functies": function})).await;
        assert_eq!(a.status, StatusCode::OK, "another's rights: {}", a.body);
        state.logs.flush().await.expect("logs written");
        let entries = db
            .store
            .audit_for_object("persoon/beheer-1", 100)
            .await
            .expect("audit");
        let refused = entries
            .iter()
            .filter(|(_, e)| e.action == "toegang-geweigerd" && e.actor.starts_with("beheer-1|"))
            .count();
        assert_eq!(refused, 3, "each refusal is in the audit log");
        db.drop().await;
    }
}

/// A break-glass grant gives its holder the case's details also when they already saw part
/// of it — governing its phase (a summary) or having contributed (their own part): before, a
/// grant was given and logged to such a person but changed nothing.
#[tokio::test]
async fn a_grant_opens_the_details_to_one_who_saw_a_part() {
    for db in Db::each().await {
        directory(&db).await;
        let state =
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header());
        let app = router(state);
        let case = case(&app).await;
        for who in ["wethouder-1", "behandelaar-1"] {
            let timeline = format!("{case}/tijdlijn");
            let before = send(&app, "GET", &timeline, &[("ave-persoon", who)], None).await;
            // The phase's governor sees no timeline; the contributor only their own part.
            let seen = if who == "wethouder-1" {
                assert_eq!(
                    before.status,
                    StatusCode::FORBIDDEN,
                    "{who}: {}",
                    before.body
                );
                0
            } else {
                assert_eq!(before.status, StatusCode::OK, "{who}: {}", before.body);
                before.body.as_array().expect("timeline").len()
            };
            let a = post(
                &app,
                &format!("{case}/noodtoegang"),
                who,
                json!({"reden": "acute dreiging gemeld door de politie, regisseur onbereikbaar"}),
                None,
            )
            .await;
            assert_eq!(a.status, StatusCode::CREATED, "{who}: {}", a.body);
            let after = send(&app, "GET", &timeline, &[("ave-persoon", who)], None).await;
            assert_eq!(after.status, StatusCode::OK, "{who}: {}", after.body);
            let now = after.body.as_array().expect("timeline").len();
            assert!(
                now > seen,
                "{who}: the whole timeline now, {now} against {seen}"
            );
            let read = send(&app, "GET", &case, &[("ave-persoon", who)], None).await;
            assert_eq!(read.body["toegang"], "noodtoegang", "{who}: {}", read.body);
        }
        db.drop().await;
    }
}

/// The witness fetches the audit log's signed checkpoints through the API — the same
/// objects as `ave audit controlepunten` writes — only the new ones with `na`; a bad
/// parameter is a 400 that names it.
#[tokio::test]
async fn the_witness_fetches_the_signed_checkpoints() {
    for db in Db::each().await {
        directory(&db).await;
        let state =
            AppState::new(db.store.clone()).with_auth(ave_server::auth::Auth::trusting_header());
        let app = router(state.clone());
        // Reads and a refusal fill the log; each flush followed by a checkpoint.
        let path = case(&app).await;
        let key = ave_store::audit::SigningKey::from_bytes(&[9; 32]);
        let mut signed = Vec::new();
        for who in ["consulent-1", "buiten-1"] {
            send(&app, "GET", &path, &[("ave-persoon", who)], None).await;
            state.logs.flush().await.expect("flush");
            let c = db
                .store
                .audit_checkpoint(&key, chrono::DateTime::UNIX_EPOCH)
                .await
                .expect("sign")
                .expect("something new");
            signed.push(c);
        }
        let get = |uri: &'static str| {
            let app = app.clone();
            async move { send(&app, "GET", uri, &[("ave-persoon", "fg-1")], None).await }
        };
        let a = get("/api/v1/beveiligingslogboek/controlepunten").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let file: Vec<Value> = signed
            .iter()
            .map(|c| serde_json::to_value(c).expect("json"))
            .collect();
        assert_eq!(
            a.body,
            Value::Array(file.clone()),
            "the witness file's objects"
        );
        assert!(a.body[0]["sleutelId"].is_string() && a.body[0]["handtekening"].is_string());
        let after = format!(
            "/api/v1/beveiligingslogboek/controlepunten?na={}",
            signed[0].seq
        );
        let a = send(&app, "GET", &after, &[("ave-persoon", "beheer-1")], None).await;
        assert_eq!(a.body, Value::Array(file[1..].to_vec()), "{}", a.body);
        let a = get("/api/v1/beveiligingslogboek/controlepunten?na=x&paginaGrootte=0&van=1").await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
        let mut named: Vec<&str> = a.body["invalidParams"]
            .as_array()
            .expect("invalid params")
            .iter()
            .map(|p| p["name"].as_str().expect("name"))
            .collect();
        named.sort_unstable();
        assert_eq!(named, ["na", "paginaGrootte", "van"]);
        db.drop().await;
    }
}
