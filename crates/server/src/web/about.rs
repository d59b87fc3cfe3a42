//! The accessibility statement (`/toegankelijkheid`) and the language switch
//! (`/taal/{code}`). Both are open to everyone, logged in or not.

use std::collections::HashMap;

use ave_labels::Lang;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use minijinja::context;

use super::render::{ForPage, PageError, public_page};
use super::session::{LANGUAGE_COOKIE, language, local_path, see_other};

/// `GET /toegankelijkheid`: what was tested and how, and what is known not to work yet.
pub async fn accessibility(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let lang = language(&headers);
    let title = match lang {
        Lang::Nl => "Toegankelijkheidsverklaring",
        Lang::En => "Accessibility statement",
    };
    let theme = super::session::ThemeView::of(&state, None);
    public_page(
        lang,
        theme.as_ref(),
        "toegankelijkheid.html",
        title,
        context! {},
    )
    .page(lang)
}

/// `GET /taal/{code}?terug=/pad`: remembers `nl` or `en` for a year and goes back.
pub async fn language_switch(
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let code = if code == "en" { "en" } else { "nl" };
    let back = q
        .get("terug")
        .filter(|p| local_path(p))
        .map_or("/", String::as_str);
    let mut response = see_other(back);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANGUAGE_COOKIE}={code}; Path=/; SameSite=Lax; Max-Age=31536000"
    )) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}
