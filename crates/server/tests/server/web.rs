//! The web pages through the real router, on both backends: a page needs a session (never a
//! bearer token or the test header), shows a case exactly as the access policy allows — in
//! full, in summary, only one's own contributions, or not at all (404, logged) — and every
//! page carries the pages' security headers; the stylesheet, the language switch and the
//! gemeente themes.

use ave_server::access::{self, Access, Decision, Involvement, Operation, Standing};
use ave_server::auth::{Actor, Auth, Via, start_session};
use ave_server::web::theme::{Theme, Themes};
use ave_server::{AppState, router};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use tower::ServiceExt;

use crate::authz::{PEOPLE, case, directory};
use crate::commands::Db;

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) text: String,
}

pub(crate) async fn get(app: &Router, uri: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = Request::builder().method("GET").uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let response = app
        .clone()
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 4 << 20)
        .await
        .expect("body");
    Page {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The directory of the access tests in `db`, and the service with the pages over it.
async fn pages(db: &Db) -> (AppState, Router) {
    directory(db).await;
    let state = AppState::new(db.store.clone()).with_auth(Auth::trusting_header());
    let app = router(state.clone());
    (state, app)
}

/// A session cookie for directory person `id`.
pub(crate) async fn session(state: &AppState, id: &str) -> String {
    let person = state
        .store
        .person(id)
        .await
        .expect("store")
        .expect("person");
    let actor = Actor::of(&person, None, Via::Header);
    let started = start_session(state, &actor, "test").await.expect("session");
    let cookie = started.cookie.to_str().expect("ascii");
    cookie.split(';').next().expect("pair").to_owned()
}

fn assert_page_headers(p: &Page) {
    let csp = p.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("csp");
    assert!(
        csp.contains("default-src 'none'")
            && csp.contains("style-src 'self'")
            && csp.contains("frame-ancestors 'none'")
            && csp.contains("form-action 'self'"),
        "{csp}"
    );
    assert_eq!(p.headers[header::CACHE_CONTROL], "no-store");
    assert!(
        p.headers[header::CONTENT_TYPE]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    assert!(p.text.starts_with("<!DOCTYPE html>"));
    assert_eq!(p.text.matches("<h1").count(), 1, "one main heading");
}

#[tokio::test]
async fn a_page_without_a_session_sends_the_browser_to_the_login_form_and_back() {
    for db in Db::each().await {
        let state = AppState::new(db.store.clone()).with_auth(Auth::trusting_header());
        let app = router(state);
        // The test header that the API accepts in tests does not open a page.
        let p = get(&app, "/casussen?fase=2", &[("ave-persoon", "consulent-1")]).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        assert_eq!(
            p.headers[header::LOCATION],
            "/aanmelden?terug=%2Fcasussen%3Ffase%3D2"
        );
        let login = get(&app, "/aanmelden?terug=%2Fcasussen%3Ffase%3D2", &[]).await;
        assert_eq!(login.status, StatusCode::OK);
        assert!(
            login
                .text
                .contains("name=\"terug\" value=\"&#x2f;casussen?fase=2\"")
                || login
                    .text
                    .contains("name=\"terug\" value=\"/casussen?fase=2\""),
            "{}",
            login.text
        );
        // Somewhere else is never a way back.
        let login = get(&app, "/aanmelden?terug=%2F%2Fkwaad.example", &[]).await;
        assert!(login.text.contains("name=\"terug\" value=\"/\""));
        db.drop().await;
    }
}

#[tokio::test]
async fn the_case_page_shows_what_the_policy_allows_and_hides_the_rest() {
    for db in Db::each().await {
        let (state, app) = pages(&db).await;
        let path = case(&app).await;
        let id = path.rsplit('/').next().expect("id").to_owned();
        for who in &PEOPLE {
            let cookie = session(&state, who.id).await;
            let p = get(&app, &format!("/casussen/{id}"), &[("cookie", &cookie)]).await;
            let cell = format!(
                "{} ({:?}, {:?}): {}",
                who.id, who.standing, who.involvement, p.status
            );
            match access::decide(who.standing, who.involvement, Operation::ReadCase) {
                Decision::Allow(seen) => {
                    assert_eq!(p.status, StatusCode::OK, "{cell}");
                    assert_page_headers(&p);
                    assert!(p.text.contains("Regie"), "{cell}");
                    let details = p.text.contains("id=\"huishouden\"");
                    let timeline = p.text.contains("id=\"tijdlijn\"");
                    match seen {
                        Access::Full | Access::Emergency => {
                            assert!(details && timeline, "{cell}");
                            assert!(p.text.contains("verzuim"), "the signal: {cell}");
                        }
                        Access::Contributed => {
                            assert!(!details && timeline, "{cell}");
                            assert!(!p.text.contains("verzuim"), "{cell}");
                        }
                        Access::Summary => {
                            assert!(!details && !timeline, "{cell}");
                            assert!(!p.text.contains("verzuim"), "{cell}");
                        }
                        Access::Hidden => unreachable!("{cell}"),
                    }
                    if seen == Access::Emergency {
                        assert!(p.text.contains("noodtoegang"), "{cell}");
                    }
                }
                _ => {
                    assert!(
                        matches!(p.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                        "{cell}"
                    );
                    assert!(!p.text.contains("verzuim"), "{cell}");
                    assert!(
                        p.text.contains("<html lang=\"nl\">"),
                        "a Dutch page: {cell}"
                    );
                }
            }
            // Mijn casussen lists the case for the one who holds its casusregie only.
            let mine = get(&app, "/", &[("cookie", &cookie)]).await;
            assert_eq!(mine.status, StatusCode::OK, "{cell}");
            assert_page_headers(&mine);
            let listed = mine.text.contains(&format!("/casussen/{id}"))
                || mine.text.contains(&format!("&#x2f;casussen&#x2f;{id}"));
            assert_eq!(listed, who.involvement == Involvement::Role, "{cell}");
            // The list of every visible case: exactly when the case may be read.
            let all = get(&app, "/casussen?status=alle", &[("cookie", &cookie)]).await;
            assert_eq!(all.status, StatusCode::OK, "{cell}");
            let listed = all.text.contains(&format!("/casussen/{id}"))
                || all.text.contains(&format!("&#x2f;casussen&#x2f;{id}"));
            let sees = who.standing == Standing::Professional
                && matches!(
                    access::decide(who.standing, who.involvement, Operation::ReadCase),
                    Decision::Allow(_)
                );
            assert_eq!(listed, sees, "{cell}");
            // The table says which of how many rows it shows.
            if listed {
                assert!(all.text.contains("Casus 1 van 1</caption>"), "{cell}");
            }
        }
        // Every refused look at the case is in the audit log.
        state.logs.flush().await.expect("flush");
        let refused = db
            .store
            .audit_for_object(&format!("casus/{id}"), 10_000)
            .await
            .expect("audit")
            .into_iter()
            .filter(|(_, e)| e.action == "toegang-geweigerd")
            .count();
        assert!(refused >= 1, "refusals are logged");
        // A page's read of the case is in the processing log too, under "casus inzien",
        // named by the page's route, without the person.
        let records = db
            .store
            .processing_records(None, 0, 10_000)
            .await
            .expect("processing log");
        assert!(
            records
                .iter()
                .any(|(_, r)| r.activity_id == "casus-inzien" && r.name == "GET /casussen/{id}"),
            "{records:?}"
        );
        assert!(!format!("{records:?}").contains("consulent-1"));
        db.drop().await;
    }
}

#[tokio::test]
async fn an_unknown_case_is_a_dutch_404_page() {
    for db in Db::each().await {
        let (state, app) = pages(&db).await;
        let cookie = session(&state, "consulent-1").await;
        for path in ["/casussen/bestaat-niet", "/casussen/%3Cscript%3E"] {
            let p = get(&app, path, &[("cookie", &cookie)]).await;
            assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
            assert_page_headers(&p);
            assert!(p.text.contains("Niet gevonden"), "{}", p.text);
            assert!(!p.text.contains("<script>"));
        }
        db.drop().await;
    }
}

/// A mistyped address or a method an address does not answer is a Dutch HTML page with the
/// right status for a browser; the API's paths (and a client asking for JSON) keep
/// problem+json.
#[tokio::test]
async fn a_mistyped_address_is_a_dutch_page_and_the_api_keeps_problem_json() {
    let db = Db::sqlite().await;
    let (state, app) = pages(&db).await;
    let path = case(&app).await;
    let id = path.rsplit('/').next().expect("id").to_owned();
    let cookie = session(&state, "consulent-1").await;
    let html = "text/html,application/xhtml+xml,*/*;q=0.8";
    let slash = format!("/casussen/{id}/signaal/");
    for (uri, headers) in [
        ("/bestaat-niet", vec![]),
        ("/bestaat-niet", vec![("accept", html)]),
        (
            slash.as_str(),
            vec![("cookie", cookie.as_str()), ("accept", html)],
        ),
    ] {
        let p = get(&app, uri, &headers).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{uri}");
        assert_page_headers(&p);
        assert!(p.text.contains("<html lang=\"nl\">"), "{uri}: {}", p.text);
        assert!(p.text.contains("Niet gevonden"), "{uri}: {}", p.text);
    }
    // Only a form posts to /afmelden: asked for by a browser, a page that says so.
    let p = get(&app, "/afmelden", &[("cookie", &cookie), ("accept", html)]).await;
    assert_eq!(p.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_page_headers(&p);
    assert!(p.text.contains("Methode niet toegestaan"), "{}", p.text);
    assert!(
        p.headers[header::ALLOW]
            .to_str()
            .expect("ascii")
            .contains("POST")
    );
    // The API answers programs.
    for (uri, headers) in [
        ("/api/v1/bestaat-niet", vec![("accept", html)]),
        ("/bestaat-niet", vec![("accept", "application/json")]),
    ] {
        let p = get(&app, uri, &headers).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(
            p.headers[header::CONTENT_TYPE],
            "application/problem+json",
            "{uri}"
        );
    }
    let p = get(&app, "/api/v1/klantreizen", &[("accept", html)]).await;
    assert_eq!(p.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(p.headers[header::CONTENT_TYPE], "application/problem+json");
    db.drop().await;
}

#[tokio::test]
async fn the_stylesheet_is_served_from_the_binary_and_kept_by_browsers() {
    let db = Db::sqlite().await;
    let app = router(AppState::new(db.store.clone()));
    let login = get(&app, "/aanmelden", &[]).await;
    let href = login
        .text
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a stylesheet link")
        .replace("&#x2f;", "/");
    assert!(
        href.starts_with("/assets/ave-") && href.ends_with(".css"),
        "{href}"
    );
    let css = get(&app, &href, &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .expect("ascii")
            .contains("immutable")
    );
    assert!(css.text.contains(".utrecht-button") && css.text.contains(".ave-fase--oranje"));
    // Compressed when the browser asks.
    let gz = get(&app, &href, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.headers[header::CONTENT_ENCODING], "gzip");
    let missing = get(&app, "/assets/ave-000000000000.css", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    db.drop().await;
}

#[tokio::test]
async fn the_language_switch_remembers_english_and_goes_back_only_to_this_site() {
    let db = Db::sqlite().await;
    let app = router(AppState::new(db.store.clone()));
    let p = get(&app, "/taal/en?terug=%2Ftoegankelijkheid", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.headers[header::LOCATION], "/toegankelijkheid");
    let set = p.headers[header::SET_COOKIE].to_str().expect("ascii");
    assert!(set.starts_with("ave-taal=en;"), "{set}");
    let en = get(&app, "/toegankelijkheid", &[("cookie", "ave-taal=en")]).await;
    assert!(en.text.contains("<html lang=\"en\">") && en.text.contains("Accessibility statement"));
    let nl = get(&app, "/toegankelijkheid", &[("accept-language", "en-GB")]).await;
    assert!(
        nl.text.contains("<html lang=\"nl\">") && nl.text.contains("Toegankelijkheidsverklaring")
    );
    let away = get(&app, "/taal/nl?terug=https%3A%2F%2Fkwaad.example%2F", &[]).await;
    assert_eq!(away.headers[header::LOCATION], "/");
    db.drop().await;
}

#[tokio::test]
async fn a_person_sees_their_gemeentes_theme() {
    let db = Db::sqlite().await;
    directory(&db).await;
    let mut state = AppState::new(db.store.clone());
    state.themes = std::sync::Arc::new(
        Themes::new(vec![Theme {
            gemeente: Some("Voorbeeldstad".to_owned()),
            name: "Gemeente Voorbeeldstad".to_owned(),
            colour: "#0b5c36".to_owned(),
            colour_dark: "#073d24".to_owned(),
            logo: None,
        }])
        .expect("theme"),
    );
    let app = router(state.clone());
    let cookie = session(&state, "consulent-1").await;
    let p = get(&app, "/", &[("cookie", &cookie)]).await;
    assert!(p.text.contains("Gemeente Voorbeeldstad"), "{}", p.text);
    let href = p
        .text
        .split("href=\"")
        .map(|s| {
            s.split('"')
                .next()
                .unwrap_or_default()
                .replace("&#x2f;", "/")
        })
        .find(|h| h.starts_with("/assets/thema-"))
        .expect("the theme's stylesheet");
    let css = get(&app, &href, &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.text.contains("#0b5c36"));
    // The login page has no person yet: no gemeente theme (there is no default here).
    let login = get(&app, "/aanmelden", &[]).await;
    assert!(
        !login.text.contains("/assets/thema-") && !login.text.contains("&#x2f;assets&#x2f;thema-")
    );
    db.drop().await;
}

pub(crate) async fn post_form(
    app: &Router,
    uri: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> Page {
    let body = serde_urlencoded::to_string(form).expect("form");
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("cookie", cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let response = app.clone().oneshot(req).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 4 << 20)
        .await
        .expect("body");
    Page {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The text of the field error with id `id` on a page.
fn field_error(page: &str, id: &str) -> String {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}: {page}"));
    let rest = &page[at..];
    let start = rest.find('>').expect("tag") + 1;
    let end = rest.find("</").expect("end");
    rest[start..end].trim().to_owned()
}

/// The session's CSRF token, from the hidden field of the page's logout form.
pub(crate) fn csrf_of(p: &Page) -> String {
    p.text
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a csrf field")
        .to_owned()
}

#[tokio::test]
async fn break_glass_is_asked_and_reviewed_in_the_browser_and_bad_input_writes_nothing() {
    for db in Db::each().await {
        let (state, app) = pages(&db).await;
        let path = case(&app).await;
        let id = path.rsplit('/').next().expect("id").to_owned();
        let cookie = session(&state, "buiten-1").await;
        let form = get(&app, "/noodtoegang/aanvragen", &[("cookie", &cookie)]).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_page_headers(&form);
        let csrf = csrf_of(&form);
        let open_grants = || async {
            db.store
                .break_glass_grants(true)
                .await
                .expect("grants")
                .len()
        };
        let before = open_grants().await;
        // Without the form's token: refused, nothing granted.
        let r = post_form(
            &app,
            "/noodtoegang/aanvragen",
            &cookie,
            &[
                ("casus", &id),
                ("reden", "acute dreiging, regisseur onbereikbaar"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Too short a reason: the form again, the typed values kept, the error at the field.
        let r = post_form(
            &app,
            "/noodtoegang/aanvragen",
            &cookie,
            &[("csrf", &csrf), ("casus", &id), ("reden", "nodig <b>")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_page_headers(&r);
        assert!(
            r.text.contains("id=\"reden-fout\"") && r.text.contains("aria-invalid=\"true\""),
            "{}",
            r.text
        );
        assert!(
            r.text.contains("nodig &lt;b&gt;</textarea>"),
            "typed text kept, escaped"
        );
        assert!(r.text.contains(&format!("value=\"{id}\"")));
        assert!(r.text.contains("role=\"alert\""));
        // An unknown case: said at the case field.
        let r = post_form(
            &app,
            "/noodtoegang/aanvragen",
            &cookie,
            &[
                ("csrf", &csrf),
                ("casus", "bestaat-niet"),
                ("reden", "acute dreiging, regisseur onbereikbaar"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text.contains("id=\"casus-fout\""));
        let unknown = field_error(&r.text, "casus-fout");
        // An empty form: each field says what is missing, at the field.
        let r = post_form(
            &app,
            "/noodtoegang/aanvragen",
            &cookie,
            &[("csrf", &csrf), ("casus", ""), ("reden", "")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            field_error(&r.text, "reden-fout").contains("minstens 20 tekens"),
            "{}",
            r.text
        );
        assert!(field_error(&r.text, "casus-fout").contains("Vul de casus-id in"));
        assert!(!r.text.contains("bestaat niet"), "{}", r.text);
        // A case the person may not ask it for (here: already theirs) is answered as an
        // unknown one: the form does not tell which ids exist.
        let own = session(&state, "consulent-1").await;
        let own_form = get(&app, "/noodtoegang/aanvragen", &[("cookie", &own)]).await;
        let r = post_form(
            &app,
            "/noodtoegang/aanvragen",
            &own,
            &[
                ("csrf", &csrf_of(&own_form)),
                ("casus", &id),
                ("reden", "acute dreiging, regisseur onbereikbaar"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_error(&r.text, "casus-fout"), unknown);
        assert_eq!(open_grants().await, before, "bad input grants nothing");
        // Granted: to the case, read only, flagged.
        let r = post_form(
            &app,
            "/noodtoegang/aanvragen",
            &cookie,
            &[
                ("csrf", &csrf),
                ("casus", &id),
                ("reden", "acute dreiging, regisseur onbereikbaar"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert_eq!(
            r.headers[header::LOCATION],
            format!("/casussen/{id}").as_str()
        );
        let p = get(&app, &format!("/casussen/{id}"), &[("cookie", &cookie)]).await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(p.text.contains("noodtoegang"));
        assert_eq!(open_grants().await, before + 1);
        // Only the privacy officer reviews.
        let r = get(&app, "/noodtoegang", &[("cookie", &cookie)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let fg = session(&state, "fg-1").await;
        let list = get(&app, "/noodtoegang", &[("cookie", &fg)]).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert!(list.text.contains("acute dreiging, regisseur onbereikbaar"));
        let grant = db
            .store
            .break_glass_grants(true)
            .await
            .expect("grants")
            .into_iter()
            .find(|g| g.person == "buiten-1")
            .expect("the grant");
        let fg_csrf = csrf_of(&list);
        let r = post_form(
            &app,
            &format!("/noodtoegang/{}/beoordeling", grant.id),
            &fg,
            &[("csrf", &fg_csrf), ("notitie", "  ")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text
                .contains(&format!("id=\"notitie-{}-fout\"", grant.id))
        );
        assert_eq!(
            open_grants().await,
            before + 1,
            "an empty review records nothing"
        );
        let r = post_form(
            &app,
            &format!("/noodtoegang/{}/beoordeling", grant.id),
            &fg,
            &[("csrf", &fg_csrf), ("notitie", "terecht, besproken")],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(open_grants().await, before);
        db.drop().await;
    }
}

/// "Mijn casussen" counts all of one's cases but shows them fifty to a page, with links to
/// the next and previous page that keep the filter; a page beyond the last shows the first.
#[tokio::test]
async fn my_cases_come_in_pages_of_fifty_with_counts_over_all() {
    for db in Db::each().await {
        let (state, app) = pages(&db).await;
        for _ in 0..55 {
            let body = serde_json::json!({
                "model": "voorbeeld", "gemeente": "Voorbeeldstad", "fase": "2",
                "reden": "zorgen over het gezin",
                "huishouden": [{"lid": "lid-1", "rol": "ouder"}],
                "deelnemers": [
                    {"persoon": "consulent-1", "naam": "C", "functie": "consulent", "organisatie": "gemeente"},
                ],
            });
            let a =
                crate::commands::post(&app, "/api/v1/casussen", "consulent-1", body, None).await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
            let path = a.headers["location"].to_str().expect("ascii").to_owned();
            let role = serde_json::json!({"rol": "casusregie", "persoon": "consulent-1"});
            let a =
                crate::commands::post(&app, &format!("{path}/rollen"), "consulent-1", role, None)
                    .await;
            assert!(a.status.is_success(), "{}", a.body);
        }
        let cookie = session(&state, "consulent-1").await;
        let rows = |p: &Page| p.text.matches("scope=\"row\"").count();
        let first = get(&app, "/?fase=2", &[("cookie", &cookie)]).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(rows(&first), 50);
        assert!(
            first.text.contains("<strong>55</strong>"),
            "the count covers all"
        );
        assert!(first.text.contains("fase=2&amp;pagina=2"), "{}", first.text);
        assert!(!first.text.contains("rel=\"prev\""));
        let second = get(&app, "/?fase=2&pagina=2", &[("cookie", &cookie)]).await;
        assert_eq!(rows(&second), 5);
        assert!(second.text.contains("rel=\"prev\""));
        assert!(!second.text.contains("rel=\"next\""));
        let beyond = get(&app, "/?pagina=9", &[("cookie", &cookie)]).await;
        assert_eq!(beyond.status, StatusCode::OK);
        assert_eq!(rows(&beyond), 50);
        // On "Casussen" (25 to a page) a page past the end says so and links to the last
        // one, instead of saying the person holds no regie role anywhere.
        let beyond = get(&app, "/casussen?fase=2&pagina=999", &[("cookie", &cookie)]).await;
        assert_eq!(beyond.status, StatusCode::OK);
        assert_eq!(rows(&beyond), 0);
        assert!(
            beyond
                .text
                .contains("Deze pagina ligt voorbij het einde van de lijst."),
            "{}",
            beyond.text
        );
        assert!(
            !beyond.text.contains("geen enkele casus"),
            "{}",
            beyond.text
        );
        assert!(
            beyond
                .text
                .contains("?fase=2&amp;pagina=3\">Naar de laatste pagina (pagina 3)</a>"),
            "{}",
            beyond.text
        );
        assert!(!beyond.text.contains("rel=\"prev\""));
        db.drop().await;
    }
}
