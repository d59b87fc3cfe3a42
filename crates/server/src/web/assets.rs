//! The files a page loads, compiled into the binary: one stylesheet (the NL Design System
//! components built by `web/build-css.mjs` plus our own `ave.css`). It is served under a
//! name with its content hash, so browsers may keep it for a year and a new release is
//! fetched at once.

use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::AppState;

/// The stylesheet: NL Design System components and theme, then the product's own rules.
pub const STYLESHEET: &str = concat!(
    include_str!("../../assets/nlds.css"),
    "\n",
    include_str!("../../assets/ave.css")
);

/// The stylesheet's name: `ave-<first 12 hex digits of its SHA-256>.css`.
fn stylesheet_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let hash = hex::encode(Sha256::digest(STYLESHEET.as_bytes()));
        format!("ave-{}.css", &hash[..12])
    })
}

/// The path a page links the stylesheet with.
pub fn stylesheet_path() -> String {
    format!("/assets/{}", stylesheet_name())
}

/// `GET /assets/{name}`: the stylesheet, or a theme's stylesheet or logo.
pub async fn serve(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let (kind, mut response) = if name == stylesheet_name() {
        ("text/css; charset=utf-8", STYLESHEET.into_response())
    } else if let Some((kind, bytes)) = state.themes.asset(&name) {
        (kind, bytes.into_response())
    } else {
        return (StatusCode::NOT_FOUND, "niet gevonden").into_response();
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
