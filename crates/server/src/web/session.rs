//! Who is looking at a page. Pages accept only the session cookie (never a bearer token: a
//! browser sends no such header); without a valid session the browser is sent to the login
//! form, and back here afterwards. A form's `POST` carries the session's CSRF token in the
//! hidden field `csrf`; [`Posted`] refuses it otherwise before the handler runs.

use std::collections::HashMap;

use ave_labels::Lang;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::{Actor, SESSION_COOKIE, Via, authenticate, cookie};

/// The cookie that keeps the chosen language (`nl` or `en`).
pub const LANGUAGE_COOKIE: &str = "ave-taal";

/// A logged-in person looking at a page.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Who, with their functions (as the API's [`Actor`]).
    pub actor: Actor,
    /// The session's CSRF token, for the forms on the page.
    pub csrf: String,
    /// The language of the page.
    pub lang: Lang,
    /// The path asked for (for the language switch and the way back after logging in).
    pub path: String,
    /// The look of the person's gemeente, if one is configured.
    pub theme: Option<ThemeView>,
    /// The name of the organisation the person acts for now, if they chose one.
    pub organisation_name: Option<String>,
    /// How many of their meldingen are unread (for the header).
    pub unread: u64,
    /// Whether the dashboard is theirs to see (for the menu).
    pub sees_dashboard: bool,
}

/// What a page needs of a theme.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ThemeView {
    /// The theme's stylesheet.
    pub css: String,
    /// The logo's path.
    pub logo: Option<String>,
    /// The name in the header.
    pub name: String,
}

impl ThemeView {
    /// The view of the theme for `actor` (or the default theme for no one).
    pub fn of(state: &AppState, actor: Option<&Actor>) -> Option<ThemeView> {
        state.themes.for_actor(actor).map(|b| ThemeView {
            css: b.css_path.clone(),
            logo: b.logo_path.clone(),
            name: b.theme.name.clone(),
        })
    }
}

/// The language of the pages: the one chosen with the switch in the footer (a cookie),
/// otherwise Dutch — whatever language the browser prefers.
pub fn language(headers: &HeaderMap) -> Lang {
    cookie(headers, LANGUAGE_COOKIE).map_or(Lang::Nl, Lang::from_tag)
}

/// A redirect (303) to `to`.
pub fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// Whether `path` is a path on this site (so a `terug` value cannot send anyone elsewhere).
pub fn local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control())
}

fn to_login(path: &str) -> Response {
    see_other(&format!(
        "/aanmelden?terug={}",
        crate::api::cases::encode(path)
    ))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
        let path = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        if cookie(&parts.headers, SESSION_COOKIE).is_none() {
            return Err(to_login(&path));
        }
        // The session cookie alone: a page never acts on a bearer token or test header.
        let mut headers = HeaderMap::new();
        for v in parts.headers.get_all(header::COOKIE) {
            headers.append(header::COOKIE, v.clone());
        }
        let mut actor = match authenticate(&headers, state).await {
            Ok(actor) => actor,
            Err(p) if p.status == StatusCode::UNAUTHORIZED => return Err(to_login(&path)),
            Err(p) => return Err(super::render::problem_page(&p, language(&parts.headers))),
        };
        let Via::Session { csrf, .. } = &actor.via else {
            return Err(to_login(&path));
        };
        let csrf = csrf.clone();
        actor.origin = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "onbekend".to_owned());
        actor.processing = parts
            .extensions
            .get::<crate::processing::Processing>()
            .cloned();
        let theme = ThemeView::of(state, Some(&actor));
        let sees_dashboard = crate::access::sees_dashboard(state, &actor)
            .await
            .unwrap_or(false);
        let unread = crate::inbox::unread_count(state, &actor.person)
            .await
            .unwrap_or(0);
        let organisation_name = match &actor.organisation {
            None => None,
            Some(id) => Some(
                state
                    .store
                    .organisation_name(id)
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| id.clone()),
            ),
        };
        Ok(Viewer {
            actor,
            csrf,
            lang: language(&parts.headers),
            path,
            theme,
            organisation_name,
            unread,
            sees_dashboard,
        })
    }
}

/// A form posted by a logged-in person, its CSRF token checked.
#[derive(Debug)]
pub struct Posted {
    /// Who posted it.
    pub viewer: Viewer,
    /// The form's fields (the last value of a repeated name wins; see [`Posted::all`]).
    pub fields: HashMap<String, String>,
    /// Every field in order, for repeated names (checkboxes).
    pub pairs: Vec<(String, String)>,
}

impl Posted {
    /// The trimmed value of field `name` (empty when absent).
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", |v| v.trim())
    }

    /// Every value of a repeated field `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Posted, Response> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let lang = viewer.lang;
        let bytes = axum::body::to_bytes(body, crate::BODY_LIMIT)
            .await
            .map_err(|_| super::render::problem_page(&crate::api::body::too_large(), lang))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
            super::render::problem_page(
                &crate::problem::Problem::new(
                    StatusCode::BAD_REQUEST,
                    "formulier-onleesbaar",
                    "Formulier niet te lezen",
                    "het formulier kwam niet goed aan; laad de pagina opnieuw en probeer het nog eens",
                ),
                lang,
            )
        })?;
        let fields: HashMap<String, String> = pairs.iter().cloned().collect();
        let given = fields.get("csrf").map_or("", String::as_str);
        if !viewer.actor.csrf_ok(given) || given.is_empty() {
            return Err(super::render::problem_page(
                &crate::problem::Problem::forbidden(
                    "het formulier is verlopen of niet van deze site; laad de pagina opnieuw",
                ),
                lang,
            ));
        }
        Ok(Posted {
            viewer,
            fields,
            pairs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_local() {
        assert!(local_path("/casussen/abc?x=1"));
        assert!(!local_path("//evil.example/"));
        assert!(!local_path("/\\evil.example"));
        assert!(!local_path("https://evil.example/"));
        assert!(!local_path("/a\nb"));
    }

    #[test]
    fn dutch_unless_english_was_chosen() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-GB,en"),
        );
        assert_eq!(language(&h), Lang::Nl);
        h.insert(header::COOKIE, HeaderValue::from_static("ave-taal=en"));
        assert_eq!(language(&h), Lang::En);
        h.insert(header::COOKIE, HeaderValue::from_static("ave-taal=nl"));
        assert_eq!(language(&h), Lang::Nl);
    }
}
