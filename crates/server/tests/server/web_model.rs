//! The model pages, the klantreis runner and the dashboard through the real router, with a
//! session cookie, on SQLite and (when `AVE_TEST_POSTGRES` names a server) PostgreSQL.

use std::sync::atomic::{AtomicU32, Ordering};

use ave_server::auth::{Actor, Via, start_session};
use ave_server::{AppState, router};
use ave_store::identity::{Membership, Organisation, Person};
use ave_store::{ModelRecord, Store};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::DateTime;
use tower::ServiceExt;

static NEXT: AtomicU32 = AtomicU32::new(0);

struct Db {
    store: Store,
    _dir: tempfile::TempDir,
    admin: Option<(String, String)>,
}

async fn admin_exec(admin: &str, sql: &str) {
    let store = Store::open(admin).await.expect("PostgreSQL answers");
    store.raw_exec(sql).await.expect("admin sql");
    store.close().await;
}

impl Db {
    async fn ready(url: String, dir: tempfile::TempDir, admin: Option<(String, String)>) -> Db {
        let store = Store::open(&url).await.expect("open");
        store.migrate().await.expect("migrate");
        for name in ["noord-limburg", "oss", "westerkwartier"] {
            let preset = ave_model::presets::preset(name).expect("preset");
            let model = ave_model::presets::load(name).expect("valid preset");
            store
                .put_model(&ModelRecord {
                    id: model.model().model.id.as_str().to_owned(),
                    version: model.model().model.version.clone(),
                    text: preset.text.to_owned(),
                    sha256: "0".repeat(64),
                    stored_at: DateTime::UNIX_EPOCH,
                })
                .await
                .expect("model");
        }
        store
            .put_organisation(
                &Organisation {
                    id: "gemeente-venlo".to_owned(),
                    name: "Gemeente Venlo".to_owned(),
                },
                None,
            )
            .await
            .expect("organisation");
        for (id, function, gemeente, admin) in [
            ("wethouder-1", "wethouder", "Venlo", false),
            ("wijkteam-1", "wijkteamprofessional", "Venlo", false),
            ("beheer-1", "", "Venlo", true),
            // Oss runs on the oss model, which has no "diverse organisaties" (operationally
            // responsible in AVE 1 of Noord-Limburg's model).
            ("diverse-1", "diverse-organisaties", "Oss", false),
            // The OOV adviser and the strategic adviser of Oss: policy, not case work.
            ("adviseur-oov-1", "adviseur-oov", "Oss", false),
            ("strategisch-1", "strategisch-adviseur", "Oss", false),
            // Leads households' help in AVE 4 (casusregie): case work.
            ("medewerker-gemeente-1", "medewerker-gemeente", "Oss", false),
        ] {
            store
                .put_person(
                    &Person {
                        id: id.to_owned(),
                        name: id.to_owned(),
                        admin,
                        privacy: false,
                        active: true,
                        memberships: if function.is_empty() {
                            Vec::new()
                        } else {
                            vec![Membership {
                                organisation: "gemeente-venlo".to_owned(),
                                gemeente: Some(gemeente.to_owned()),
                                function: function.to_owned(),
                            }]
                        },
                    },
                    Default::default(),
                )
                .await
                .expect("person");
        }
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
                    "ave_web_model_{}_{}",
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

    async fn drop(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.admin {
            admin_exec(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        }
    }

    /// `n` open cases of Venlo (on the Noord-Limburg model) in `phase`, entered `days` ago.
    async fn cases(&self, phase: &str, n: usize, days: i64) {
        self.cases_in(("Venlo", "noord-limburg", "2021"), phase, n, days)
            .await;
    }

    /// `n` open cases of `gemeente` on `model` in `phase` (read-model rows and the kept
    /// counts, as the store writes them), entered `days` ago.
    #[allow(clippy::disallowed_methods)] // a test's clock: the entry time relative to today
    async fn cases_in(
        &self,
        (gemeente, model, version): (&str, &str, &str),
        phase: &str,
        n: usize,
        days: i64,
    ) {
        let since = (chrono::Utc::now() - chrono::Duration::days(days))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        for i in 0..n {
            let id = format!(
                "{:08x}-0000-4000-8000-{:012x}",
                NEXT.fetch_add(1, Ordering::Relaxed),
                i
            );
            // On PostgreSQL the roles and involvement are kept beside the row.
            let (columns, values) = match self.admin {
                Some(_) => ("", ""),
                None => (", roles, access", ", '', ''"),
            };
            self.store
                .raw_exec(&format!(
                    "INSERT INTO cases (id, gemeente, model_id, model_version, phase, version, opened_at, last_at, closed, flags, phase_since{columns}) VALUES ('{id}', '{gemeente}', '{model}', '{version}', '{phase}', 1, '{since}', '{since}', false, ',role-unfilled,', '{since}'{values})"
                ))
                .await
                .expect("case row");
            if self.admin.is_some() {
                self.store
                    .raw_exec(&format!(
                        "INSERT INTO case_involvement (id, roles, access) VALUES ('{id}', '', '')"
                    ))
                    .await
                    .expect("involvement row");
            }
        }
        self.store
            .raw_exec(&format!(
                "INSERT INTO case_counts (gemeente, phase, closed, n) VALUES ('{gemeente}', '{phase}', false, {n}) ON CONFLICT (gemeente, phase, closed) DO UPDATE SET n = case_counts.n + excluded.n"
            ))
            .await
            .expect("count");
    }
}

/// A session cookie (`name=value`) and CSRF token for person `id`.
async fn session(state: &AppState, store: &Store, id: &str) -> (String, String) {
    let person = store.person(id).await.expect("read").expect("person");
    let actor = Actor::of(&person, None, Via::ApiToken);
    let started = start_session(state, &actor, "test").await.expect("session");
    let cookie = started
        .cookie
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    (cookie, started.csrf)
}

async fn get(app: &Router, uri: &str, cookie: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .uri(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    answer(app, req).await
}

async fn post(
    app: &Router,
    uri: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let body = serde_urlencoded::to_string(form).expect("form");
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    answer(app, req).await
}

async fn answer(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let response = app.clone().oneshot(req).await.expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .expect("body");
    (status, String::from_utf8(bytes.to_vec()).expect("utf-8"))
}

/// What minijinja's escaping makes of a text.
fn escaped(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

#[tokio::test]
async fn the_poster_shows_every_phase_with_its_marks_and_sources() {
    for db in Db::each().await {
        let state = AppState::new(db.store.clone());
        let app = router(state.clone());
        let (cookie, _) = session(&state, &db.store, "wijkteam-1").await;

        let (status, list) = get(&app, "/modellen", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert!(
            list.contains(&escaped("/modellen/noord-limburg?versie=2021")),
            "{list}"
        );
        assert!(list.contains(&escaped("/modellen/oss?")), "{list}");

        let (status, page) = get(&app, "/modellen/oss", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let model = ave_model::presets::load("oss").expect("oss");
        for p in model.phases_in_order() {
            assert!(
                page.contains(&format!("id=\"fase-{}\"", p.id.as_str())),
                "phase {}",
                p.id.as_str()
            );
            assert!(
                page.contains(&escaped(&p.title)),
                "title of {}",
                p.id.as_str()
            );
        }
        for kind in ["lezing", "productkeuze", "open"] {
            assert!(
                page.contains(&format!("ave-mark--{kind}\"><span")),
                "a {kind} is marked"
            );
        }
        // A reading's source quote is one click away.
        let quote = model
            .model()
            .transitions
            .iter()
            .find_map(|t| t.lezing.as_ref())
            .expect("a transition with a reading")
            .quote
            .clone();
        assert!(page.contains("<details class=\"ave-bron\"><summary>Bron</summary><blockquote>"));
        assert!(page.contains(&escaped(&quote)), "the quote is on the page");
        // Who decides, per transition.
        assert!(page.contains("Besluit door"));
        // Each rule in words, its key in small print.
        assert!(
            page.contains(
                "Met minderjarigen in het huishouden heeft de casusregisseur een van de genoemde functies.<br><code class=\"ave-meta\">minors_casusregisseur</code>"
            ),
            "{page}"
        );
        assert!(
            !page.contains("scope=\"row\"><code>"),
            "no rule by its key alone"
        );
        db.drop().await;
    }
}

#[tokio::test]
async fn two_models_are_compared_side_by_side_with_differences_marked() {
    for db in Db::each().await {
        let state = AppState::new(db.store.clone());
        let app = router(state.clone());
        let (cookie, _) = session(&state, &db.store, "wijkteam-1").await;
        let (status, page) = get(
            &app,
            "/modellen/vergelijk?links=noord-limburg&rechts=oss",
            &cookie,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("AVE 3") && page.contains("AVE 4"));
        assert!(page.contains("Casusregie"));
        assert!(
            page.contains("ave-verschil__label"),
            "differences are marked"
        );
        // Rules in words, their keys in small print.
        assert!(
            page.contains(
                "Deze criteria alleen zijn nooit genoeg om naar de genoemde fasen op te schalen.<br><code class=\"ave-meta\">insufficient_alone</code>"
            ),
            "{page}"
        );
        // A group of functions by the name the model gives it.
        let (status, page) = get(
            &app,
            "/modellen/vergelijk?links=oss&rechts=westerkwartier",
            &cookie,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(!page.contains("ketenpartners-2b"), "{page}");
        assert!(
            page.contains(&escaped("Ketenpartners OGGZ / OOV / P-wet / Jeugd")),
            "{page}"
        );
        let (status, _) = get(
            &app,
            "/modellen/vergelijk?links=noord-limburg&rechts=bestaat-niet",
            &cookie,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        db.drop().await;
    }
}

#[tokio::test]
async fn the_klantreis_runner_reports_and_keeps_a_broken_scenario_next_to_its_error() {
    for db in Db::each().await {
        let state = AppState::new(db.store.clone());
        let app = router(state.clone());
        let (cookie, csrf) = session(&state, &db.store, "wijkteam-1").await;
        let (status, form) = get(&app, "/klantreis", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{form}");
        assert!(form.contains("name=\"scenario\""));

        let good = include_str!("../../../../examples/klantreis/oss/01-op-en-afschalen.toml");
        let (status, page) = post(
            &app,
            "/klantreis",
            &cookie,
            &[("csrf", &csrf), ("model", ""), ("scenario", good)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("id=\"rapport\""), "the report is shown");
        assert!(page.contains("Hiaten"));

        let broken = "title = \"Kapot\"\nmodel = \"oss\"\n[[steps]\n";
        let (status, page) = post(
            &app,
            "/klantreis",
            &cookie,
            &[("csrf", &csrf), ("model", ""), ("scenario", broken)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(
            page.contains("id=\"scenario-fout\""),
            "the error is next to the field"
        );
        assert!(page.contains("aria-invalid=\"true\""));
        assert!(page.contains(&escaped(broken)), "the typed text is kept");

        // Without the CSRF token nothing runs.
        let (status, _) = post(
            &app,
            "/klantreis",
            &cookie,
            &[("model", ""), ("scenario", good)],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        db.drop().await;
    }
}

#[tokio::test]
async fn the_dashboard_shows_the_distribution_and_hides_counts_under_five() {
    for db in Db::each().await {
        db.cases("1", 40, 10).await;
        db.cases("2", 12, 30).await;
        db.cases("3", 3, 5).await;
        let state = AppState::new(db.store.clone());
        let app = router(state.clone());
        let (cookie, _) = session(&state, &db.store, "wethouder-1").await;
        let (status, page) = get(&app, "/dashboard?gemeente=Venlo", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let table = &page[page.find("id=\"tabel-verdeling\"").expect("the table")..];
        let table = &table[..table.find("</table>").expect("end")];
        assert!(
            table.contains("<td class=\"utrecht-table__cell\">40</td>"),
            "{table}"
        );
        // AVE 3 has 3 cases: hidden, and AVE 2 (the smallest other count) with it, so the
        // total cannot give it away; the total is rounded.
        assert!(
            !table.contains(">3</td>") && !table.contains(">12</td>"),
            "{table}"
        );
        assert_eq!(table.matches("&lt; 5").count(), 2, "{table}");
        assert!(
            table.contains(">60 <span"),
            "total 55 rounded to tens: {table}"
        );
        assert!(!table.contains(">55"), "{table}");
        // The norm next to it (80-15-5-0.5 in Noord-Limburg).
        assert!(table.contains("80,0%"), "{table}");
        // Charts are accessible SVG.
        assert!(page.contains("<svg class=\"ave-chart\" role=\"img\" aria-labelledby="));
        assert!(page.contains("<title id=\"grafiek-verdeling-titel\">"));
        // Attention per kind, 55 open cases with an unfilled role.
        assert!(page.contains("Rol niet belegd"));

        // Viewing is logged.
        state.logs.flush().await.expect("flush");
        let logged = db.store.audit_entries(0, 1000).await.expect("audit");
        assert!(
            logged.iter().any(|(_, e)| e.action == "dashboard"
                && e.object == "dashboard/Venlo"
                && e.result == "ok"),
            "the view is in the audit log"
        );

        // A wijkteam professional (casusregisseur, no governing function) may not.
        let (cookie, _) = session(&state, &db.store, "wijkteam-1").await;
        let (status, _) = get(&app, "/dashboard", &cookie).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // An administrator may: counts, no case contents.
        let (cookie, _) = session(&state, &db.store, "beheer-1").await;
        let (status, page) = get(&app, "/dashboard", &cookie).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        db.drop().await;
    }
}

/// The dashboard belongs to the gemeenten whose own model gives a person's function a
/// governance or policy role, and only to those: a function that governs in another
/// gemeente's model opens nothing, the OOV and strategic advisers of a gemeente see its
/// dashboard, and no one but an administrator sees another gemeente's or all together.
#[tokio::test]
async fn the_dashboard_is_for_the_gemeenten_whose_model_gives_the_person_a_policy_role() {
    for db in Db::each().await {
        db.cases("2", 12, 30).await;
        db.cases_in(("Oss", "oss", "1.0"), "2", 8, 20).await;
        let state = AppState::new(db.store.clone());
        let app = router(state.clone());
        let menu = "href=\"/dashboard\"";
        for who in ["adviseur-oov-1", "strategisch-1"] {
            let (cookie, _) = session(&state, &db.store, who).await;
            let (status, page) = get(&app, "/dashboard", &cookie).await;
            assert_eq!(status, StatusCode::OK, "{who}: {page}");
            assert!(page.contains("Dashboard: Oss</h1>"), "{who}: {page}");
            assert!(page.contains(menu), "{who}: the menu shows it");
            // Only Oss to choose, and not all gemeenten together.
            assert!(page.contains("<option value=\"Oss\""), "{who}");
            assert!(!page.contains("<option value=\"Venlo\""), "{who}");
            assert!(!page.contains("Alle gemeenten</option>"), "{who}");
            let (status, _) = get(&app, "/dashboard?gemeente=Venlo", &cookie).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}: not another gemeente");
        }
        // Operationally responsible in Noord-Limburg's model, but Oss runs on another.
        for who in ["diverse-1", "medewerker-gemeente-1"] {
            let (cookie, _) = session(&state, &db.store, who).await;
            let (status, page) = get(&app, "/dashboard?gemeente=Venlo", &cookie).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}: {page}");
            let (status, _) = get(&app, "/dashboard", &cookie).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
            let (_, home) = get(&app, "/modellen", &cookie).await;
            assert!(!home.contains(menu), "{who}: no menu item");
        }
        // Venlo's wethouder sees Venlo, not Oss.
        let (cookie, _) = session(&state, &db.store, "wethouder-1").await;
        let (status, page) = get(&app, "/dashboard", &cookie).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Dashboard: Venlo</h1>"), "{page}");
        let (status, _) = get(&app, "/dashboard?gemeente=Oss", &cookie).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // The administrator chooses any gemeente, or all together.
        let (cookie, _) = session(&state, &db.store, "beheer-1").await;
        let (status, page) = get(&app, "/dashboard?gemeente=Oss", &cookie).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Alle gemeenten</option>") && page.contains("Venlo"));
        db.drop().await;
    }
}
