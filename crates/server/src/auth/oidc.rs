//! Logging in on the web through a gemeente's identity provider: OpenID Connect's
//! authorization code flow with PKCE (S256), `state` and `nonce`.
//!
//! `GET /aanmelden/sso/{provider}` sends the browser to the provider;
//! `GET /aanmelden/sso/{provider}/terug` is where the provider sends it back with a one-time
//! code. We exchange the code (with our client secret and the PKCE verifier) for an ID token,
//! check it like any token ([`super::jwt::Provider::validate`], with the client id as
//! audience and the login's nonce), map its claims to an [`Actor`](super::Actor) and start a session
//! (login method `oidc:<provider>`); the browser goes to `/` with the session cookie.
//!
//! **Where the login waits.** Between the two requests the server must remember the state,
//! nonce and PKCE verifier for up to ten minutes ([`LOGIN_TTL`]). They are kept in the
//! database (table `oidc_logins`), not in memory, so that a login started on one server can
//! finish on another behind the same load balancer; and not in an encrypted cookie, which
//! would need a key shared by all servers and could not be made single-use. The state is
//! stored only as a hash; the callback deletes the row as it reads it, so a state works
//! once. The login is also bound to the browser that started it: a random value in a
//! `__Host-ave-sso` cookie (HttpOnly, Secure, SameSite=Lax, so it comes along on the
//! provider's redirect back) whose hash is stored with the login. A callback link planted in
//! another browser (login CSRF) therefore fails.
//!
//! Every login, successful or not, is written to the security audit log (action
//! `aanmelden`); codes, tokens and names never reach a log line. Failures answer with a
//! Dutch problem+json (code `aanmelden-mislukt`, or `provider-onbereikbaar`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ave_store::identity::token_hash;
use ave_store::oidc::PendingLogin;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::jwt::{Provider, Refusal, actor_from_claims, audit_from};
use super::{Via, cookie, random_secret, start_session};
use crate::AppState;
use crate::problem::Problem;

/// The cookie that binds a login under way to the browser that started it.
pub const LOGIN_COOKIE: &str = "__Host-ave-sso";
/// How long a login at the provider may take.
pub const LOGIN_TTL: Duration = Duration::from_secs(10 * 60);

/// 400: the login cannot be finished; nothing was started.
fn failed(detail: impl Into<String>) -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "aanmelden-mislukt",
        "Aanmelden mislukt",
        detail,
    )
}

/// 502: the provider did not answer as it should.
fn unreachable() -> Problem {
    Problem::new(
        StatusCode::BAD_GATEWAY,
        "provider-onbereikbaar",
        "Identiteitsprovider onbereikbaar",
        Refusal::Unreachable.message(),
    )
}

fn provider<'a>(state: &'a AppState, name: &str) -> Result<&'a Arc<Provider>, Problem> {
    state
        .auth
        .providers
        .iter()
        .find(|p| p.config().name == name && p.config().redirect_url.is_some())
        .ok_or_else(|| Problem::not_found("deze identiteitsprovider"))
}

/// The PKCE challenge of a verifier: base64url(SHA-256(verifier)), RFC 7636.
fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// `GET /aanmelden/sso/{provider}`: remembers a new login and sends the browser to the
/// provider (303).
pub async fn start(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match begin(&state, &name).await {
        Ok(response) => response,
        Err(p) => p.into_response(),
    }
}

async fn begin(state: &AppState, name: &str) -> Result<Response, Problem> {
    let p = provider(state, name)?;
    let config = p.config();
    let redirect = config.redirect_url.as_deref().unwrap_or_default();
    let discovery = p.discovery().await.map_err(|_| unreachable())?;
    let login_state = random_secret()?;
    let nonce = random_secret()?;
    let verifier = random_secret()?;
    let browser = random_secret()?;
    let now = crate::now();
    let login = PendingLogin {
        provider: config.name.clone(),
        browser_hash: token_hash(&browser),
        nonce: nonce.clone(),
        pkce_verifier: verifier.clone(),
        expires_at: now + chrono::Duration::from_std(LOGIN_TTL).unwrap_or(chrono::Duration::MAX),
    };
    state
        .store
        .put_oidc_login(&token_hash(&login_state), &login, now)
        .await?;
    let scope = if config.scope.split_whitespace().any(|s| s == "openid") {
        config.scope.clone()
    } else {
        format!("openid {}", config.scope).trim().to_owned()
    };
    let location = reqwest::Url::parse_with_params(
        &discovery.authorization_endpoint,
        [
            ("response_type", "code"),
            ("client_id", config.client_id.as_str()),
            ("redirect_uri", redirect),
            ("scope", scope.as_str()),
            ("state", login_state.as_str()),
            ("nonce", nonce.as_str()),
            ("code_challenge", pkce_challenge(&verifier).as_str()),
            ("code_challenge_method", "S256"),
        ],
    )
    .map_err(|_| unreachable())?;
    let location = HeaderValue::from_str(location.as_str()).map_err(|_| unreachable())?;
    let binding = HeaderValue::from_str(&format!(
        "{LOGIN_COOKIE}={browser}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}",
        LOGIN_TTL.as_secs()
    ))
    .map_err(|_| Problem::internal("de aanmelding is niet te starten"))?;
    let mut response = StatusCode::SEE_OTHER.into_response();
    response.headers_mut().insert(header::LOCATION, location);
    response.headers_mut().append(header::SET_COOKIE, binding);
    Ok(response)
}

/// What the provider sends back (RFC 6749 §4.1.2, RFC 9207 for `iss`).
#[derive(Debug, Default, Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

/// The token endpoint's answer (the part we use).
#[derive(Deserialize)]
struct Tokens {
    id_token: Option<String>,
}

/// `GET /aanmelden/sso/{provider}/terug`: finishes the login and starts a session (303 to
/// `/`), or says in Dutch why not.
pub async fn callback(
    State(state): State<AppState>,
    Path(name): Path<String>,
    request: Request,
) -> Response {
    let origin = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "onbekend".to_owned(), |c| c.0.ip().to_string());
    let clear = HeaderValue::from_static(
        "__Host-ave-sso=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
    );
    let query = request.uri().query().unwrap_or_default().to_owned();
    let headers = request.headers().clone();
    drop(request);
    let (mut response, person, result) = match finish(&state, &name, &query, &headers).await {
        Ok((person, response)) => (response, Some(person), "ok"),
        Err((person, problem)) => (problem.into_response(), person, "mislukt"),
    };
    let account = person.as_deref().unwrap_or("onbekend");
    let object = format!("account/{account}");
    audit_from(&state, account, &origin, "aanmelden", &object, result).await;
    tracing::info!(
        provider = %name,
        resultaat = result,
        status = response.status().as_u16(),
        "aanmelden via identiteitsprovider"
    );
    response.headers_mut().append(header::SET_COOKIE, clear);
    response
}

/// The login's steps; on failure, the person if they were known by then.
async fn finish(
    state: &AppState,
    name: &str,
    query: &str,
    headers: &HeaderMap,
) -> Result<(String, Response), (Option<String>, Problem)> {
    let fail = |p: Problem| (None, p);
    let p = provider(state, name).map_err(fail)?;
    let config = p.config();
    let query: Callback = serde_urlencoded::from_str(query).map_err(|_| {
        fail(failed(
            "het antwoord van de identiteitsprovider is onleesbaar",
        ))
    })?;
    let Some(login_state) = query.state.as_deref().filter(|s| !s.is_empty()) else {
        return Err(fail(failed(
            "het antwoord van de identiteitsprovider mist de state; begin opnieuw met aanmelden",
        )));
    };
    // Taken first, whatever else is wrong: a state works once.
    let login = state
        .store
        .take_oidc_login(&token_hash(login_state), crate::now())
        .await
        .map_err(|e| fail(e.into()))?
        .filter(|l| l.provider == config.name)
        .ok_or_else(|| {
            fail(failed(
                "deze aanmelding is onbekend, verlopen of al gebruikt; begin opnieuw met aanmelden",
            ))
        })?;
    let browser = cookie(headers, LOGIN_COOKIE).unwrap_or_default();
    if !bool::from(
        token_hash(browser)
            .as_bytes()
            .ct_eq(login.browser_hash.as_bytes()),
    ) {
        return Err(fail(failed(
            "deze aanmelding is in een andere browser begonnen; begin opnieuw met aanmelden",
        )));
    }
    if let Some(error) = &query.error {
        // Only a plain error code is repeated; the provider's description is not shown.
        let code = if error.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            error.as_str()
        } else {
            "onbekend"
        };
        return Err(fail(failed(format!(
            "de identiteitsprovider meldde een fout ({code}); begin opnieuw met aanmelden"
        ))));
    }
    if query.iss.as_deref().is_some_and(|iss| iss != config.issuer) {
        return Err(fail(failed(
            "het antwoord komt van een andere identiteitsprovider dan verwacht (iss)",
        )));
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(fail(failed(
            "het antwoord van de identiteitsprovider mist de code",
        )));
    };
    let discovery = p.discovery().await.map_err(|_| fail(unreachable()))?;
    let redirect = config.redirect_url.as_deref().unwrap_or_default();
    let basic = STANDARD.encode(format!(
        "{}:{}",
        form_encode(&config.client_id),
        form_encode(&config.client_secret)
    ));
    let answer = p
        .http()
        .post(&discovery.token_endpoint)
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .header(header::ACCEPT, "application/json")
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", login.pkce_verifier.as_str()),
        ])
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(provider = %config.name, fout = %e.without_url(), "tokenverzoek mislukt");
            fail(unreachable())
        })?;
    if !answer.status().is_success() {
        tracing::warn!(provider = %config.name, status = %answer.status(), "de identiteitsprovider weigerde de code");
        return Err(fail(failed(
            "de identiteitsprovider weigerde de aanmelding af te ronden; begin opnieuw met aanmelden",
        )));
    }
    let tokens: Tokens = answer.json().await.map_err(|_| fail(unreachable()))?;
    let Some(id_token) = tokens.id_token else {
        return Err(fail(failed(
            "de identiteitsprovider gaf geen ID-token (is de scope openid gevraagd?)",
        )));
    };
    let refused = |r: Refusal| failed(format!("het ID-token is geweigerd: {}", r.message()));
    let claims = p
        .validate(&id_token, &config.client_id, Some(&login.nonce))
        .await
        .map_err(|r| fail(refused(r)))?;
    let actor = actor_from_claims(
        state,
        config,
        &claims,
        Via::Session {
            csrf: String::new(),
            key: String::new(),
        },
    )
    .await
    .map_err(|r| {
        let person = claims
            .get(&config.claims.person)
            .or_else(|| claims.get("sub"))
            .and_then(|v| v.as_str())
            .filter(|p| ave_engine::ids::PersonId::parse(*p).is_ok())
            .map(str::to_owned);
        (person, refused(r))
    })?;
    let started = start_session(state, &actor, &format!("oidc:{}", config.name))
        .await
        .map_err(|p| (Some(actor.person.clone()), p))?;
    let mut response = StatusCode::SEE_OTHER.into_response();
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static("/"));
    response
        .headers_mut()
        .append(header::SET_COOKIE, started.cookie);
    Ok((actor.person.clone(), response))
}

/// `application/x-www-form-urlencoded` of one value, as client_secret_basic wants it
/// (RFC 6749 §2.3.1).
fn form_encode(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_is_rfc_7636s_example() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn client_credentials_are_form_encoded_for_basic_authentication() {
        assert_eq!(form_encode("ave regie"), "ave+regie");
        assert_eq!(form_encode("a:b/c"), "a%3Ab%2Fc");
    }
}
