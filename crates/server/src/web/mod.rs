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
//!   [`about`] (toegankelijkheidsverklaring, taal), [`model`] (modellen, poster, vergelijken),
//!   [`journey`] (klantreis), [`dashboard`] (tellingen voor beleid).

pub mod about;
pub mod assets;
pub mod case;
pub mod dashboard;
pub mod home;
pub mod journey;
pub mod model;
pub mod present;
pub mod render;
pub mod session;
pub mod words;

use axum::Router;
use axum::routing::get;
use tower_http::compression::CompressionLayer;

use crate::AppState;

/// The Content-Security-Policy of every page: styles, images and scripts only from this site,
/// forms post only here, never framed.
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The routes of the pages (the login form and SSO are in [`crate::auth`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::mine))
        .route("/casussen", get(home::all))
        .route("/casussen/{id}", get(case::show))
        // Models, klantreis and dashboard (issue 12 items 4 and 5).
        .route("/modellen", get(model::list))
        .route("/modellen/vergelijk", get(model::compare))
        .route("/modellen/{id}", get(model::show))
        .route("/klantreis", get(journey::form).post(journey::run))
        .route("/dashboard", get(dashboard::show))
        .route("/toegankelijkheid", get(about::accessibility))
        .route("/taal/{code}", get(about::language_switch))
        .route("/assets/{name}", get(assets::serve))
        .layer(CompressionLayer::new())
}
