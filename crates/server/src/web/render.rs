//! The templates and the page shell. Templates live in `crates/server/templates/`, are
//! compiled into the binary and parsed once; HTML is escaped automatically. Every page
//! extends `layout.html` (header with the person, the menu and the notification count;
//! the footer with the accessibility statement and the language switch).

use std::sync::OnceLock;

use ave_labels::Lang;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::{Environment, Value, context};

use super::PAGE_CSP;
use super::session::{ThemeView, Viewer};
use super::words::Words;
use crate::problem::Problem;

/// The templates, compiled into the binary from `crates/server/templates/`.
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),*]
    };
}

/// Every template: (name, source). One line per template.
#[rustfmt::skip]
const TEMPLATES: &[(&str, &str)] = templates![
    "layout.html",
    "macros.html",
    "fout.html",
    "formulier.html",
    "mijn-casussen.html",
    "casussen.html",
    "case-table.html",
    "pager.html",
    "casus.html",
    "toegankelijkheid.html",
    "noodtoegang.html",
    "noodtoegang-aanvragen.html",
    "meldingen.html",
    "actie.html",
    "actie-paneel.html",
    "model-macros.html",
    "model-lijst.html",
    "model-poster.html",
    "model-vergelijk.html",
    "klantreis.html",
    "dashboard.html",
];

fn environment() -> &'static Result<Environment<'static>, String> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("{name}: {e}"))?;
        }
        Ok(env)
    })
}

/// Renders template `name` with `ctx` to HTML.
pub fn html(name: &str, ctx: Value) -> Result<String, Problem> {
    let env = environment().as_ref().map_err(|e| {
        tracing::error!(error = %e, "sjablonen niet te laden");
        Problem::internal("de pagina's zijn niet te laden")
    })?;
    env.get_template(name)
        .and_then(|t| t.render(ctx))
        .map_err(|e| {
            tracing::error!(template = name, error = %e, "pagina niet te maken");
            Problem::internal("de pagina is niet te maken")
        })
}

/// What every page's shell needs to know about the person looking.
fn shell(viewer: Option<&Viewer>, lang: Lang, title: &str, theme: Option<&ThemeView>) -> Value {
    let (name, organisation, csrf, path) = viewer.map_or((None, None, None, "/".to_owned()), |v| {
        (
            Some(v.actor.name.clone()),
            v.organisation_name.clone(),
            Some(v.csrf.clone()),
            v.path.clone(),
        )
    });
    let section = section_of(&path);
    let sees_cases = viewer.is_some_and(|v| crate::access::Standing::of(&v.actor).sees_cases());
    context! {
        w => Words::value(lang),
        lang => match lang { Lang::Nl => "nl", Lang::En => "en" },
        title => title,
        person => name,
        organisation => organisation,
        csrf => csrf,
        path => path,
        section => section,
        sees_cases => sees_cases,
        reviews_break_glass => viewer.is_some_and(|v| v.actor.privacy),
        sees_dashboard => viewer.is_some_and(|v| v.sees_dashboard),
        stylesheet => super::assets::stylesheet_path(),
        theme => theme,
        unread => viewer.map_or(0, |v| v.unread),
    }
}

/// Which menu item a path belongs to.
fn section_of(path: &str) -> &'static str {
    let path = path.split('?').next().unwrap_or("/");
    match path {
        "/" => "mijn",
        p if p.starts_with("/casussen") => "casussen",
        p if p.starts_with("/modellen") => "modellen",
        p if p.starts_with("/dashboard") => "dashboard",
        p if p.starts_with("/meldingen") => "meldingen",
        p if p.starts_with("/noodtoegang") => "noodtoegang",
        _ => "",
    }
}

/// A page for `viewer`: template `name` with `ctx` inside the shell, status 200.
pub fn page(viewer: &Viewer, name: &str, title: &str, ctx: Value) -> Result<Response, Problem> {
    let body = html(
        name,
        context! { ..ctx, ..shell(Some(viewer), viewer.lang, title, viewer.theme.as_ref()) },
    )?;
    Ok(respond(StatusCode::OK, body))
}

/// A page with status `status` (a form with errors answers 422 with the form again).
pub fn page_with_status(
    viewer: &Viewer,
    status: StatusCode,
    name: &str,
    title: &str,
    ctx: Value,
) -> Result<Response, Problem> {
    let body = html(
        name,
        context! { ..ctx, ..shell(Some(viewer), viewer.lang, title, viewer.theme.as_ref()) },
    )?;
    Ok(respond(status, body))
}

/// A page for anyone (no one logged in, or who it is does not matter), in `theme` (the
/// installation's default, see [`ThemeView::of`]).
pub fn public_page(
    lang: Lang,
    theme: Option<&ThemeView>,
    name: &str,
    title: &str,
    ctx: Value,
) -> Result<Response, Problem> {
    let body = html(name, context! { ..ctx, ..shell(None, lang, title, theme) })?;
    Ok(respond(StatusCode::OK, body))
}

/// An HTML response with the pages' security headers.
pub fn respond(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    response
}

/// A problem as an HTML page in `lang` (the API answers problem+json instead).
pub fn problem_page(p: &Problem, lang: Lang) -> Response {
    let title = match (p.status.as_u16(), lang) {
        (404, Lang::Nl) => "Niet gevonden",
        (404, Lang::En) => "Not found",
        (403, Lang::Nl) => "Geen toegang",
        (403, Lang::En) => "No access",
        (405, Lang::En) => "Method not allowed",
        (503, Lang::Nl) => "Tijdelijk niet beschikbaar",
        (503, Lang::En) => "Temporarily unavailable",
        (_, Lang::Nl) => p.title,
        (_, Lang::En) => "Something went wrong",
    };
    let ctx = context! { detail => &p.detail, status => p.status.as_u16() };
    match html(
        "fout.html",
        context! { ..ctx, ..shell(None, lang, title, None) },
    ) {
        Ok(body) => {
            let mut r = respond(p.status, body);
            if let Some(s) = p.retry_after
                && let Ok(v) = HeaderValue::from_str(&s.to_string())
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Err(_) => respond(
            p.status,
            format!(
                "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><main><h1>{title}</h1></main></body></html>"
            ),
        ),
    }
}

/// A page handler's error: a [`Problem`] shown as a page.
#[derive(Debug)]
pub struct PageError {
    /// What went wrong.
    pub problem: Problem,
    /// In which language to say it.
    pub lang: Lang,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        problem_page(&self.problem, self.lang)
    }
}

/// Turns a [`Problem`] into a [`PageError`] in the viewer's language.
pub trait ForPage<T> {
    /// The problem, to be shown as a page in `lang`.
    fn page(self, lang: Lang) -> Result<T, PageError>;
}

impl<T> ForPage<T> for Result<T, Problem> {
    fn page(self, lang: Lang) -> Result<T, PageError> {
        self.map_err(|problem| PageError { problem, lang })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        if let Err(e) = environment() {
            panic!("{e}");
        }
    }

    #[test]
    fn every_word_a_template_uses_exists() {
        for (name, source) in TEMPLATES {
            for (at, _) in source.match_indices("w.") {
                let before = source[..at].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    continue;
                }
                let key: String = source[at + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if key.is_empty() {
                    continue;
                }
                assert!(
                    super::super::words::WORDS.iter().any(|(k, _, _)| *k == key),
                    "{name} uses w.{key}, which words.rs does not define"
                );
            }
        }
    }

    /// A component class a template uses without its component in `web/build-css.mjs`'s
    /// COMPONENTS renders as the browser's default (the case page's action buttons were
    /// underlined links): every `utrecht-…` class of a template has a rule in the
    /// stylesheet, except these, which keep the browser's own look for now.
    #[test]
    fn every_component_class_a_template_uses_is_in_the_stylesheet() {
        const UNSTYLED: [&str; 3] = [
            "utrecht-heading-4",
            "utrecht-radio-button",
            "utrecht-radio-button--html-input",
        ];
        let css = super::super::assets::STYLESHEET;
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let has_rule = |class: &str| {
            css.match_indices(&format!(".{class}"))
                .any(|(at, m)| !css[at + m.len()..].starts_with(ident))
        };
        for (name, source) in TEMPLATES {
            for (at, _) in source.match_indices("utrecht-") {
                if source[..at].ends_with(|c: char| ident(c)) {
                    continue;
                }
                let class: String = source[at..].chars().take_while(|c| ident(*c)).collect();
                if class.ends_with('-') || UNSTYLED.contains(&class.as_str()) {
                    continue;
                }
                assert!(
                    has_rule(&class),
                    "{name} uses {class}, which the stylesheet has no rule for: add its component to COMPONENTS in web/build-css.mjs and run the build"
                );
            }
        }
    }

    /// A table that scrolls sideways on a narrow screen must be reachable by keyboard and
    /// named (WCAG 2.1.1; axe's scrollable-region-focusable): every wrapper is a named
    /// region in the tab order.
    #[test]
    fn every_scrolling_table_is_a_named_region_in_the_tab_order() {
        for (name, source) in TEMPLATES {
            for (at, _) in source.match_indices("class=\"ave-table-wrap\"") {
                let tag = &source[at..at + source[at..].find('>').expect("tag ends")];
                assert!(
                    tag.contains(" role=\"region\"")
                        && tag.contains(" tabindex=\"0\"")
                        && tag.contains(" aria-label=\"{{"),
                    "{name}: {tag}"
                );
            }
        }
    }

    #[test]
    fn an_error_page_is_dutch_html() {
        let r = problem_page(&Problem::not_found("deze casus"), Lang::Nl);
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(
            r.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
}
