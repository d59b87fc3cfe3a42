//! The web pages of logging in and out: `GET /aanmelden` (a plain, accessible Dutch form),
//! `POST /aanmelden` (both factors; then, for someone who works for several organisations,
//! a second step to choose one), and `POST /afmelden`. They use the web application's page
//! shell ([`crate::web::render`]) and its CSP; single sign-on is offered as links to
//! `/aanmelden/sso/{provider}`; after logging in the browser goes back to `terug`.
//!
//! Login CSRF is met with a double-submit token: `GET /aanmelden` sets a random value in the
//! `__Host-ave-aanmelden` cookie and in a hidden field; a `POST` whose field does not match
//! its cookie is refused (403) before anything is checked or counted.

use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use super::local::{
    Checked, ClientAddress, Credentials, choice_pending, choose, consume, finish, verify,
};
use super::{Via, authenticate, cookie, end_session, random_secret};
use crate::AppState;
use crate::problem::Problem;
use ave_store::identity::token_hash;

/// The cookie of the login form's CSRF token (double submit).
pub const LOGIN_CSRF_COOKIE: &str = "__Host-ave-aanmelden";
/// The cookie of a pending organisation choice (the second step).
pub const CHOICE_COOKIE: &str = "__Host-ave-keuze";
/// How long the second step may wait.
pub const CHOICE_SECONDS: i64 = 300;
/// The pages' Content-Security-Policy (the same as every page's).
pub const PAGE_CSP: &str = crate::web::PAGE_CSP;

const FAILED: &str = "De gebruikersnaam, het wachtwoord of de code klopt niet, of het account is tijdelijk geblokkeerd. Probeer het opnieuw.";

/// Text made safe for HTML (content and attribute values).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML page with its status and the cookies to set.
struct Page {
    status: StatusCode,
    title: &'static str,
    body: String,
    cookies: Vec<HeaderValue>,
    theme: Option<crate::web::session::ThemeView>,
}

impl Page {
    fn new(status: StatusCode, title: &'static str, body: String) -> Page {
        Page {
            status,
            title,
            body,
            cookies: Vec::new(),
            theme: None,
        }
    }

    /// In the installation's default theme.
    fn themed(mut self, state: &AppState) -> Page {
        self.theme = crate::web::session::ThemeView::of(state, None);
        self
    }

    fn cookie(mut self, value: HeaderValue) -> Page {
        self.cookies.push(value);
        self
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let ctx = minijinja::context! { body => minijinja::Value::from_safe_string(self.body) };
        let mut response = match crate::web::render::public_page(
            ave_labels::Lang::Nl,
            self.theme.as_ref(),
            "formulier.html",
            self.title,
            ctx,
        ) {
            Ok(r) => r,
            Err(p) => return crate::web::render::problem_page(&p, ave_labels::Lang::Nl),
        };
        *response.status_mut() = self.status;
        for c in self.cookies {
            response.headers_mut().append(header::SET_COOKIE, c);
        }
        response
    }
}

fn see_other(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(to) {
        headers.insert(header::LOCATION, v);
    }
    for c in cookies {
        headers.append(header::SET_COOKIE, c);
    }
    response
}

fn set_cookie(name: &str, value: &str, max_age: i64) -> Result<HeaderValue, Problem> {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}"
    ))
    .map_err(|_| Problem::internal("het cookie is niet te zetten"))
}

fn clear_cookie(name: &'static str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn error_block(error: Option<&str>) -> String {
    error.map_or_else(String::new, |e| {
        format!(
            "<div class=\"utrecht-alert utrecht-alert--error\" id=\"fout\" role=\"alert\"><p class=\"utrecht-paragraph\"><strong>{}</strong></p></div>\n",
            escape(e)
        )
    })
}

/// The form of the first step; `name` is what was typed before (never the password);
/// `back` is where to go afterwards; `sso` the single sign-on choices (name, label).
fn login_form(
    csrf: &str,
    name: &str,
    error: Option<&str>,
    back: &str,
    sso: &[(String, String)],
) -> String {
    let described = if error.is_some() {
        " aria-describedby=\"fout\""
    } else {
        ""
    };
    let invalid = if error.is_some() {
        " aria-invalid=\"true\""
    } else {
        ""
    };
    let mut single = String::new();
    if !sso.is_empty() {
        single.push_str("<h2 class=\"utrecht-heading-2\">Met uw organisatie-account</h2>\n<ul class=\"utrecht-unordered-list\">\n");
        for (provider, label) in sso {
            let _ = writeln!(
                single,
                "<li class=\"utrecht-unordered-list__item\"><a class=\"utrecht-link\" href=\"/aanmelden/sso/{}\">Aanmelden via {}</a></li>",
                escape(&crate::api::cases::encode(provider)),
                escape(label)
            );
        }
        single.push_str(
            "</ul>\n<h2 class=\"utrecht-heading-2\">Met gebruikersnaam, wachtwoord en code</h2>\n",
        );
    }
    format!(
        "{}{single}<form method=\"post\" action=\"/aanmelden\">\n\
<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n\
<input type=\"hidden\" name=\"terug\" value=\"{}\">\n\
<div class=\"utrecht-form-field utrecht-form-field--text\"><p class=\"utrecht-form-field__label\"><label class=\"utrecht-form-label\" for=\"gebruikersnaam\">Gebruikersnaam</label></p>\n\
<p class=\"utrecht-form-field__input\"><input class=\"utrecht-textbox utrecht-textbox--html-input\" id=\"gebruikersnaam\" name=\"gebruikersnaam\" type=\"text\" autocomplete=\"username\" required value=\"{}\"{described}{invalid}></p></div>\n\
<div class=\"utrecht-form-field utrecht-form-field--text\"><p class=\"utrecht-form-field__label\"><label class=\"utrecht-form-label\" for=\"wachtwoord\">Wachtwoord</label></p>\n\
<p class=\"utrecht-form-field__input\"><input class=\"utrecht-textbox utrecht-textbox--html-input\" id=\"wachtwoord\" name=\"wachtwoord\" type=\"password\" autocomplete=\"current-password\" required></p></div>\n\
<div class=\"utrecht-form-field utrecht-form-field--text\"><p class=\"utrecht-form-field__label\"><label class=\"utrecht-form-label\" for=\"code\">Code uit de authenticator-app (6 cijfers)</label></p>\n\
<p class=\"utrecht-form-field__input\"><input class=\"utrecht-textbox utrecht-textbox--html-input\" id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" pattern=\"[0-9]{{6}}\" autocomplete=\"one-time-code\" required></p></div>\n\
<p><button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">Aanmelden</button></p>\n\
</form>\n",
        error_block(error),
        escape(csrf),
        escape(back),
        escape(name)
    )
}

/// Where to go after logging in: `terug` when it is a path on this site, else `/`.
fn back_to(fields: &Fields) -> String {
    field(fields, "terug")
        .filter(|p| crate::web::session::local_path(p) && !p.starts_with("/aanmelden"))
        .unwrap_or("/")
        .to_owned()
}

/// The single sign-on choices: providers with a browser login, by name.
fn sso_choices(state: &AppState) -> Vec<(String, String)> {
    state
        .auth
        .providers
        .iter()
        .filter(|p| p.config().redirect_url.is_some())
        .map(|p| (p.config().name.clone(), p.config().name.clone()))
        .collect()
}

/// The second step: which organisation to work for.
fn choice_form(csrf: &str, choices: &[(String, String)], back: &str) -> String {
    let mut options = String::new();
    for (i, (id, name)) in choices.iter().enumerate() {
        let _ = writeln!(
            options,
            "<p><input type=\"radio\" id=\"org-{i}\" name=\"organisatie\" value=\"{}\" required> <label for=\"org-{i}\">{}</label></p>",
            escape(id),
            escape(name)
        );
    }
    format!(
        "<form method=\"post\" action=\"/aanmelden\">\n\
<input type=\"hidden\" name=\"csrf\" value=\"{}\">\n\
<input type=\"hidden\" name=\"stap\" value=\"organisatie\">\n\
<input type=\"hidden\" name=\"terug\" value=\"{}\">\n\
<fieldset class=\"utrecht-form-fieldset\">\n<legend class=\"utrecht-form-fieldset__legend\">Voor welke organisatie werkt u nu?</legend>\n{options}</fieldset>\n\
<p><button class=\"utrecht-button utrecht-button--primary-action\" type=\"submit\">Verder</button></p>\n\
</form>\n",
        escape(csrf),
        escape(back)
    )
}

/// `GET /aanmelden`: the form, with a fresh login-CSRF token in a cookie and a hidden field.
pub async fn login_page(
    State(state): State<AppState>,
    axum::extract::Query(q): axum::extract::Query<Vec<(String, String)>>,
) -> Result<Response, Problem> {
    let token = random_secret()?;
    let back = back_to(&q);
    Ok(Page::new(
        StatusCode::OK,
        "Aanmelden",
        login_form(&token, "", None, &back, &sso_choices(&state)),
    )
    .cookie(set_cookie(LOGIN_CSRF_COOKIE, &token, 3600)?)
    .into_response())
}

type Fields = Vec<(String, String)>;

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn refused_csrf() -> Response {
    Page::new(
        StatusCode::FORBIDDEN,
        "Formulier verlopen",
        "<p>Dit formulier is verlopen of komt niet van deze site; er is niets gedaan.</p>\n<p><a href=\"/aanmelden\">Opnieuw aanmelden</a></p>\n".to_owned(),
    )
    .into_response()
}

/// The fields of an `application/x-www-form-urlencoded` body; `None` when it is not one.
fn parse_form(body: &Bytes) -> Option<Fields> {
    serde_urlencoded::from_bytes::<Fields>(body).ok()
}

fn same(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// `POST /aanmelden`: both factors (first step) or the organisation (second step).
pub async fn login_submit(
    State(state): State<AppState>,
    ClientAddress(origin): ClientAddress,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let Some(fields) = parse_form(&body) else {
        return Ok(refused_csrf());
    };
    let csrf = field(&fields, "csrf").unwrap_or_default().to_owned();
    if !same(
        cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default(),
        &csrf,
    ) {
        return Ok(refused_csrf());
    }
    let now = crate::now();
    if field(&fields, "stap") == Some("organisatie") {
        return second_step(&state, &headers, &fields, &csrf, &origin, now).await;
    }
    let credentials = Credentials {
        login: field(&fields, "gebruikersnaam")
            .unwrap_or_default()
            .to_owned(),
        password: field(&fields, "wachtwoord").unwrap_or_default().to_owned(),
        code: field(&fields, "code").unwrap_or_default().to_owned(),
    };
    let back = back_to(&fields);
    let sso = sso_choices(&state);
    let again = |status, error: &str| {
        Page::new(
            status,
            "Aanmelden",
            login_form(&csrf, &credentials.login, Some(error), &back, &sso),
        )
        .themed(&state)
        .into_response()
    };
    let verified = match verify(&state, &credentials, &origin, now).await? {
        Checked::Verified(v) => v,
        Checked::Refused => return Ok(again(StatusCode::UNAUTHORIZED, FAILED)),
        Checked::TooMany(_) => {
            return Ok(again(
                StatusCode::TOO_MANY_REQUESTS,
                "Er is vanaf dit adres te vaak mislukt aangemeld. Probeer het later opnieuw.",
            ));
        }
        Checked::Busy => {
            return Ok(again(
                StatusCode::SERVICE_UNAVAILABLE,
                "Er wordt nu te vaak tegelijk aangemeld. Probeer het over enkele seconden opnieuw.",
            ));
        }
    };
    if !consume(&state, &verified, &origin, now).await? {
        return Ok(again(StatusCode::UNAUTHORIZED, FAILED));
    }
    match choose(&verified.person, None) {
        Ok(organisation) => {
            let (_, started) = finish(
                &state,
                &verified.person,
                organisation.as_deref(),
                &origin,
                now,
            )
            .await?;
            Ok(see_other(
                &back,
                vec![started.cookie, clear_cookie(LOGIN_CSRF_COOKIE)],
            ))
        }
        Err(choices) => {
            let token = random_secret()?;
            state
                .store
                .create_login_choice(
                    &token_hash(&token),
                    &verified.person.id,
                    now + chrono::Duration::seconds(CHOICE_SECONDS),
                )
                .await?;
            choice_pending(&state, &verified.person, &origin, now).await?;
            let names = state.store.organisations().await?;
            let labelled: Vec<(String, String)> = choices
                .into_iter()
                .map(|id| {
                    let name = names
                        .iter()
                        .find(|o| o.id == id)
                        .map_or_else(|| id.clone(), |o| o.name.clone());
                    (id, name)
                })
                .collect();
            Ok(Page::new(
                StatusCode::OK,
                "Kies uw organisatie",
                choice_form(&csrf, &labelled, &back),
            )
            .cookie(set_cookie(CHOICE_COOKIE, &token, CHOICE_SECONDS)?)
            .into_response())
        }
    }
}

async fn second_step(
    state: &AppState,
    headers: &HeaderMap,
    fields: &Fields,
    csrf: &str,
    origin: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Response, Problem> {
    let back = back_to(fields);
    let sso = sso_choices(state);
    let start_again = |error: &str| {
        Page::new(
            StatusCode::UNAUTHORIZED,
            "Aanmelden",
            login_form(csrf, "", Some(error), &back, &sso),
        )
        .cookie(clear_cookie(CHOICE_COOKIE))
        .into_response()
    };
    let Some(token) = cookie(headers, CHOICE_COOKIE).filter(|t| !t.is_empty()) else {
        return Ok(start_again("Uw keuze is verlopen. Meld u opnieuw aan."));
    };
    let Some(person) = state
        .store
        .take_login_choice(&token_hash(token), now)
        .await?
    else {
        return Ok(start_again("Uw keuze is verlopen. Meld u opnieuw aan."));
    };
    let Some(person) = state.store.person(&person).await?.filter(|p| p.active) else {
        return Ok(start_again(FAILED));
    };
    let Ok(organisation) = choose(&person, field(fields, "organisatie")) else {
        return Ok(start_again(
            "Die organisatie hoort niet bij uw account. Meld u opnieuw aan.",
        ));
    };
    let (_, started) = finish(state, &person, organisation.as_deref(), origin, now).await?;
    Ok(see_other(
        &back,
        vec![
            started.cookie,
            clear_cookie(LOGIN_CSRF_COOKIE),
            clear_cookie(CHOICE_COOKIE),
        ],
    ))
}

/// `POST /afmelden`: ends the session (the form carries the session's CSRF token) and goes
/// back to the login form.
pub async fn logout_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let actor = match authenticate(&headers, &state).await {
        Ok(actor) => actor,
        Err(p) if p.status == StatusCode::UNAUTHORIZED => {
            return Ok(see_other("/aanmelden", Vec::new()));
        }
        Err(p) => return Err(p),
    };
    let csrf = parse_form(&body)
        .and_then(|f| field(&f, "csrf").map(str::to_owned))
        .unwrap_or_default();
    let Via::Session { csrf: expected, .. } = &actor.via else {
        return Ok(refused_csrf());
    };
    if !same(expected, &csrf) {
        return Ok(refused_csrf());
    }
    let cleared = end_session(&state, &actor).await?;
    Ok(see_other("/aanmelden", vec![cleared]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_in_content_and_attributes() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let form = login_form("t\"", "<b>", Some("fout & zo"), "/", &[]);
        assert!(form.contains("value=\"&lt;b&gt;\""));
        assert!(form.contains("value=\"t&quot;\""));
        assert!(form.contains("fout &amp; zo"));
        assert!(!form.contains("name=\"wachtwoord\" value"));
    }
}
