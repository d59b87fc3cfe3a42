//! The web application for professionals: server-rendered Dutch (or English) pages over the
//! same store, access policy and logs as the API. Every page works without JavaScript; the
//! stylesheet (NL Design System components with our own theme) and everything else a page
//! loads is served by the binary itself (`/assets/…`), so no page reaches out to a CDN.
//!
//! - [`session`]: who is looking ([`session::Viewer`]) — a session cookie, or a redirect to
//!   the login form; forms post with the session's CSRF token ([`session::Posted`]).
//! - [`render`]: the templates (minijinja, embedded) and the page shell.
//! - [`words`]: the interface's words in Dutch and English.
//! - [`assets`]: the stylesheet and small files, under content-hashed names.
//! - one module per page: [`home`] (Mijn casussen, Alle casussen), [`case`] (de casuspagina),
//!   [`about`] (toegankelijkheidsverklaring, taal), [`actions`] (the case page's forms),
//!   [`model`] (modellen, poster, vergelijken),
//!   [`journey`] (klantreis), [`dashboard`] (tellingen voor beleid).

pub mod about;
pub mod actions;
pub mod assets;
pub mod breakglass;
pub mod case;
pub mod dashboard;
pub mod home;
pub mod inbox;
pub mod journey;
pub mod model;
pub mod present;
pub mod render;
pub mod session;
pub mod theme;
pub mod words;

use axum::Router;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;

use crate::AppState;
use crate::problem::Problem;

/// The Content-Security-Policy of every page: styles, images and scripts only from this site,
/// forms post only here, never framed.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The routes of the pages (the login form and SSO are in [`crate::auth`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::mine))
        .route("/casussen", get(home::all))
        .route("/casussen/{id}", get(case::show))
        .route("/noodtoegang", get(breakglass::list))
        .route(
            "/noodtoegang/aanvragen",
            get(breakglass::request_form).post(breakglass::request),
        )
        .route(
            "/noodtoegang/{id}/beoordeling",
            axum::routing::post(breakglass::review),
        )
        // The case page's actions (issue 12): each a page with one form.
        .route(
            "/casussen/{id}/signaal",
            get(actions::form::<actions::signal::Signal>)
                .post(actions::post::<actions::signal::Signal>),
        )
        .route(
            "/casussen/{id}/rol",
            get(actions::form::<actions::role::Role>).post(actions::post::<actions::role::Role>),
        )
        .route(
            "/casussen/{id}/verzoek",
            get(actions::transition::propose_form).post(actions::transition::propose_post),
        )
        .route(
            "/casussen/{id}/verzoeken/{verzoek}/besluit",
            get(actions::transition::decide_form).post(actions::transition::decide_post),
        )
        .route(
            "/casussen/{id}/overleg",
            get(actions::form::<actions::meeting::Meeting>)
                .post(actions::post::<actions::meeting::Meeting>),
        )
        .route(
            "/casussen/{id}/sluiten",
            get(actions::form::<actions::close::Close>)
                .post(actions::post::<actions::close::Close>),
        )
        .route("/meldingen", get(inbox::list))
        .route(
            "/meldingen/{id}/gelezen",
            axum::routing::post(inbox::mark_read),
        )
        // Models, klantreis and dashboard (issue 12 items 4 and 5).
        .route("/modellen", get(model::list))
        .route("/modellen/vergelijk", get(model::compare))
        .route("/modellen/{id}", get(model::show))
        .route("/klantreis", get(journey::form).post(journey::run))
        .route("/dashboard", get(dashboard::show))
        .route("/toegankelijkheid", get(about::accessibility))
        .route("/taal/{code}", get(about::language_switch))
        .route("/assets/{name}", get(assets::serve))
        // An address nothing answers: a Dutch page for a browser, problem+json for the API.
        // (The whole site's, as the one fallback of the merged router; a method an address
        // does not answer is `method_not_allowed`, set in `crate::router` for every route.)
        .fallback(not_found)
        // The fastest gzip level: on a 2-core machine level 6 took more time than building
        // the page (2.7 ms of a model poster's 4.3 ms); level 1 saves most of the bytes.
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
}

/// Whether an answer to this request is for a program: a path of the API, or a client that
/// asks for JSON and not for HTML. Everything else is a person with a browser.
fn for_a_program(uri: &Uri, headers: &HeaderMap) -> bool {
    if uri.path() == "/api" || uri.path().starts_with("/api/") {
        return true;
    }
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    !accept.contains("text/html") && accept.contains("json")
}

/// `problem` as problem+json for a program, or as the Dutch (or English) error page.
fn answer(problem: Problem, uri: &Uri, headers: &HeaderMap) -> Response {
    if for_a_program(uri, headers) {
        problem.into_response()
    } else {
        render::problem_page(&problem, session::language(headers))
    }
}

/// An address nothing answers (404): a mistyped address or one with a slash too many.
pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    answer(Problem::not_found("dit adres"), &uri, &headers)
}

/// An address that exists, asked with a method it does not answer (405, e.g. `GET
/// /afmelden`, which only a form's POST does).
pub async fn method_not_allowed(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let problem = Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "methode-niet-toegestaan",
        "Methode niet toegestaan",
        format!(
            "dit adres kan niet met {} worden opgevraagd; gebruik de knoppen en links op de pagina's",
            method.as_str()
        ),
    );
    answer(problem, &uri, &headers)
}
