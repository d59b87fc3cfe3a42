//! Who is asking. Every request to the API names an [`Actor`]: from a session cookie (after a
//! login on the web pages), a personal API token or an OAuth2 bearer token (a JWT checked
//! by a [`BearerVerifier`]). Without one the answer is 401. What the actor may do is decided
//! elsewhere ([`crate::access`]).
//!
//! Sessions and tokens are stored only as hashes; a found actor is kept in a small cache for
//! [`CACHE_TTL`], so checking a request usually costs no database round trip. Ending a session,
//! revoking a token or changing a person takes effect at once on this server, and when made
//! by another process (a server on the same PostgreSQL database, the `ave` command) as soon
//! as the database says so ([`Auth::follow_person_changes`]; within [`CACHE_TTL`] while it
//! cannot).

pub mod jwt;
pub mod oidc;

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use ave_store::identity::{Membership, Person, Session, token_hash};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::problem::Problem;

pub mod credentials;
pub mod local;
pub mod pages;

/// The session cookie: `__Host-` (only over HTTPS or on localhost, only for this host).
pub const SESSION_COOKIE: &str = "__Host-ave-sessie";
/// The header that carries the session's CSRF token on unsafe API requests.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The header naming the acting person in development and tests only (see
/// [`Auth::trust_person_header`]); never accepted by `ave serve`.
pub const PERSON_HEADER: &str = "ave-persoon";
/// How long a session lasts.
pub const SESSION_LENGTH: Duration = Duration::from_secs(8 * 3600);
/// How long a found actor is kept without asking the database again.
pub const CACHE_TTL: Duration = Duration::from_secs(30);
/// Prefix of personal API tokens (so they are never mistaken for a JWT).
pub const API_TOKEN_PREFIX: &str = "avet_";

/// Who is asking, as far as authorisation needs to know: who they are ([`Identity`], read
/// through this actor as if its own fields) and where this request came from.
///
/// The identity is shared: the cache of found actors and every request of the same session
/// or token hold one copy, so taking an actor from the cache costs no copying of names and
/// functions. Changing a field of it (`actor.name = …`) gives this actor a copy of its own.
#[derive(Debug, Clone)]
pub struct Actor {
    identity: Arc<Identity>,
    /// Where the request came from (the client's address); set per request.
    pub origin: String,
    /// The request's processing-log handle (set per request; `None` outside a request).
    pub processing: Option<crate::processing::Processing>,
}

/// Who a person is to this server, as a login or token found them (a session keeps this as
/// its snapshot).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identity {
    /// The person's pseudonymous id.
    pub person: String,
    /// Work name.
    pub name: String,
    /// The organisation the person acts for now (chosen at login when there are several).
    pub organisation: Option<String>,
    /// The functions held for that organisation (all when none was chosen).
    pub memberships: Vec<Membership>,
    /// Manages models, organisations and accounts; reads no case contents.
    pub admin: bool,
    /// Privacy officer: answers a data subject's access request.
    pub privacy: bool,
    /// How the request was authenticated.
    pub via: Via,
    /// The security audit log's actor field, made once ([`Identity::audit_field`]).
    #[serde(skip)]
    audit_field: OnceLock<String>,
}

impl Identity {
    /// The security audit log's actor field: `person|organisation|function,function` (the
    /// organisation acted for, else that of the first function).
    pub fn audit_field(&self) -> &str {
        self.audit_field.get_or_init(|| {
            let functions: Vec<&str> = self
                .memberships
                .iter()
                .map(|m| m.function.as_str())
                .collect();
            let organisation = self
                .organisation
                .as_deref()
                .or_else(|| self.memberships.first().map(|m| m.organisation.as_str()))
                .unwrap_or_default();
            format!("{}|{organisation}|{}", self.person, functions.join(","))
        })
    }
}

impl std::ops::Deref for Actor {
    type Target = Identity;

    fn deref(&self) -> &Identity {
        &self.identity
    }
}

impl std::ops::DerefMut for Actor {
    /// The identity to change: this actor's own copy, its audit field to be made anew.
    fn deref_mut(&mut self) -> &mut Identity {
        let identity = Arc::make_mut(&mut self.identity);
        identity.audit_field = OnceLock::new();
        identity
    }
}

impl From<Identity> for Actor {
    fn from(identity: Identity) -> Actor {
        Actor {
            identity: Arc::new(identity),
            origin: String::new(),
            processing: None,
        }
    }
}

/// How a request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Via {
    /// A session cookie; unsafe methods need its CSRF token.
    Session {
        /// The session's CSRF token.
        csrf: String,
        /// The hash the session is stored under.
        key: String,
    },
    /// A personal API token.
    ApiToken,
    /// An OAuth2 bearer token (JWT) from an identity provider.
    Bearer,
    /// The development header (tests only).
    Header,
}

impl Actor {
    /// The actor a directory entry makes, acting for `organisation` (or for all of theirs).
    pub fn of(person: &Person, organisation: Option<&str>, via: Via) -> Actor {
        Actor::from(Identity {
            person: person.id.clone(),
            name: person.name.clone(),
            organisation: organisation.map(str::to_owned),
            memberships: person
                .memberships
                .iter()
                .filter(|m| organisation.is_none_or(|o| m.organisation == o))
                .cloned()
                .collect(),
            admin: person.admin,
            privacy: person.privacy,
            via,
            audit_field: OnceLock::new(),
        })
    }

    /// A person known only by id (tests, or a person not in the directory): no functions.
    pub fn bare(person: &str, via: Via) -> Actor {
        Actor::from(Identity {
            person: person.to_owned(),
            name: person.to_owned(),
            organisation: None,
            memberships: Vec::new(),
            admin: false,
            privacy: false,
            via,
            audit_field: OnceLock::new(),
        })
    }

    /// The identity, to keep (a session's snapshot).
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Whether `given` is this session's CSRF token (constant time). Requests not made
    /// with a session cookie need none.
    pub fn csrf_ok(&self, given: &str) -> bool {
        match &self.via {
            Via::Session { csrf, .. } => bool::from(csrf.as_bytes().ct_eq(given.as_bytes())),
            _ => true,
        }
    }

    /// The functions held (ids only).
    pub fn functions(&self) -> impl Iterator<Item = &str> {
        self.memberships.iter().map(|m| m.function.as_str())
    }
}

/// Checks an OAuth2 bearer token (a JWT) and says whom it names.
pub trait BearerVerifier: Send + Sync + fmt::Debug {
    /// The actor the token names, or why it is refused (Dutch, for the 401).
    fn verify<'a>(
        &'a self,
        token: &'a str,
        state: &'a AppState,
    ) -> Pin<Box<dyn Future<Output = Result<Actor, String>> + Send + 'a>>;
}

/// How this server authenticates requests.
#[derive(Debug)]
pub struct Auth {
    /// Checks JWT bearer tokens, when an identity provider is configured.
    pub bearer: Option<Arc<dyn BearerVerifier>>,
    /// Accept the `Ave-Persoon` header as the acting person. Tests and benchmarks of the
    /// engine only; `ave serve` never sets it.
    pub trust_person_header: bool,
    /// The OpenID Connect providers for the web login (`/aanmelden/sso/{naam}`).
    pub providers: Vec<Arc<jwt::Provider>>,
    cache: Mutex<lru::LruCache<String, (Actor, Instant)>>,
    /// Moved (under the cache's lock) by every forgetting, so that a lookup that read the
    /// database before a change does not put its actor back after the change was forgotten
    /// ([`Auth::ticket`]).
    epoch: AtomicU64,
}

impl Default for Auth {
    fn default() -> Self {
        Auth {
            bearer: None,
            trust_person_header: false,
            providers: Vec::new(),
            cache: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(4096).unwrap_or(NonZeroUsize::MIN),
            )),
            epoch: AtomicU64::new(0),
        }
    }
}

impl Auth {
    /// Authentication that also trusts the `Ave-Persoon` header (tests only).
    pub fn trusting_header() -> Auth {
        Auth {
            trust_person_header: true,
            ..Auth::default()
        }
    }

    /// Authentication with these OpenID Connect providers: their web logins, and their JWT
    /// access tokens for API clients (from those that name an audience).
    pub fn with_providers(providers: Vec<Arc<jwt::Provider>>) -> Auth {
        let verifier = jwt::JwtVerifier::new(&providers);
        Auth {
            bearer: (!verifier.is_empty()).then(|| Arc::new(verifier) as Arc<dyn BearerVerifier>),
            providers,
            ..Auth::default()
        }
    }

    fn cached(&self, key: &str) -> Option<Actor> {
        let mut cache = self.cache.lock().ok()?;
        match cache.get(key) {
            Some((actor, at)) if at.elapsed() < CACHE_TTL => Some(actor.clone()),
            Some(_) => {
                cache.pop(key);
                None
            }
            None => None,
        }
    }

    /// Take before reading the database for an actor, give to [`Auth::remember`].
    fn ticket(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Keeps `actor` under `key` — unless something was forgotten since `ticket` was taken
    /// (the actor may have been read before that change).
    /// (The edge: the cache's clock.)
    #[allow(clippy::disallowed_methods)]
    fn remember(&self, key: String, actor: &Actor, ticket: u64) {
        if let Ok(mut cache) = self.cache.lock()
            && self.epoch.load(Ordering::Acquire) == ticket
        {
            cache.put(key, (actor.clone(), Instant::now()));
        }
    }

    /// Forgets every cached session and token of `person` (their functions changed).
    pub fn forget_person(&self, person: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            let keys: Vec<String> = cache
                .iter()
                .filter(|(_, (a, _))| a.person == person)
                .map(|(k, _)| k.clone())
                .collect();
            for k in keys {
                cache.pop(&k);
            }
        }
    }

    /// Forgets every cached session and token.
    pub fn forget_all(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            cache.clear();
        }
    }

    /// Keeps the cache in step with what the database says of changed persons (their
    /// functions, sessions or tokens — from this server, another one on the same
    /// PostgreSQL database, or the `ave` command beside it): on PostgreSQL the persons
    /// announced are forgotten at once, everything when listening was interrupted; on
    /// SQLite everything within half a second of a change
    /// ([`ave_store::Store::person_changes`]). The task ends when the store closes.
    pub fn follow_person_changes(
        self: Arc<Self>,
        store: &ave_store::Store,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let mut changes = store.person_changes()?;
        Some(tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match changes.recv().await {
                    Ok(ave_store::PersonsChanged::Persons(persons)) => {
                        for person in &persons {
                            self.forget_person(person);
                        }
                    }
                    Ok(ave_store::PersonsChanged::All) | Err(RecvError::Lagged(_)) => {
                        self.forget_all();
                    }
                    Err(RecvError::Closed) => break,
                }
            }
        }))
    }

    /// Forgets a session or token (logout, revocation) on this server at once.
    pub fn forget(&self, key: &str) {
        if let Ok(mut cache) = self.cache.lock() {
            self.epoch.fetch_add(1, Ordering::AcqRel);
            cache.pop(key);
        }
    }
}

/// A fresh random secret: 32 bytes from the operating system, hex.
pub fn random_secret() -> Result<String, Problem> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| Problem::internal("geen toevalsbron beschikbaar"))?;
    Ok(hex::encode(bytes))
}

/// A started session: the cookie to set and the CSRF token for forms.
#[derive(Debug, Clone)]
pub struct Started {
    /// The `Set-Cookie` value.
    pub cookie: HeaderValue,
    /// The session's CSRF token.
    pub csrf: String,
}

/// Starts a session for `actor` (after a successful login by `method`) and stores it.
pub async fn start_session(
    state: &AppState,
    actor: &Actor,
    method: &str,
) -> Result<Started, Problem> {
    let token = random_secret()?;
    let csrf = random_secret()?;
    let now = crate::now();
    let snapshot = serde_json::to_string(actor.identity())
        .map_err(|_| Problem::internal("de sessie is niet vast te leggen"))?;
    let session = Session {
        person: actor.person.clone(),
        actor: snapshot,
        method: method.to_owned(),
        csrf: csrf.clone(),
        created_at: now,
        expires_at: now
            + chrono::Duration::from_std(SESSION_LENGTH).unwrap_or(chrono::Duration::hours(8)),
    };
    state
        .store
        .create_session(&token_hash(&token), &session)
        .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}",
        SESSION_LENGTH.as_secs()
    );
    let cookie = HeaderValue::from_str(&cookie)
        .map_err(|_| Problem::internal("de sessie is niet vast te leggen"))?;
    Ok(Started { cookie, csrf })
}

/// Ends the session of `actor`, if it came with one; the cookie that clears it.
pub async fn end_session(state: &AppState, actor: &Actor) -> Result<HeaderValue, Problem> {
    if let Via::Session { key, .. } = &actor.via {
        state.store.end_session(key).await?;
        state.auth.forget(key);
    }
    Ok(HeaderValue::from_static(
        "__Host-ave-sessie=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0",
    ))
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The client's address: the connection's peer (a reverse proxy's `X-Forwarded-For` is
/// used only when the proxy is trusted, see `docs/operations.md`).
fn origin(parts: &Parts) -> String {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "onbekend".to_owned())
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Actor, Problem> {
        let mut actor = authenticate(&parts.headers, state).await?;
        actor.origin = origin(parts);
        actor.processing = parts
            .extensions
            .get::<crate::processing::Processing>()
            .cloned();
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if unsafe_method && matches!(actor.via, Via::Session { .. }) {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !actor.csrf_ok(given) {
                return Err(Problem::forbidden(
                    "het CSRF-token ontbreekt of klopt niet; laad de pagina opnieuw",
                ));
            }
        }
        Ok(actor)
    }
}

/// The actor a request's credentials name: a bearer token, a session cookie or (tests) the
/// person header — or 401.
pub async fn authenticate(headers: &HeaderMap, state: &AppState) -> Result<Actor, Problem> {
    let auth = &state.auth;
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or_default();
        // The scheme's name is case-insensitive (RFC 9110 §11.1).
        let Some(token) = value
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim_start())
        else {
            return Err(Problem::unauthenticated(
                "alleen Authorization: Bearer <token> wordt aanvaard",
            ));
        };
        let token = token.trim();
        if token.starts_with(API_TOKEN_PREFIX) {
            return api_token(state, token).await;
        }
        let Some(verifier) = &auth.bearer else {
            return Err(Problem::unauthenticated(
                "dit token is onbekend (er is geen identiteitsprovider ingesteld)",
            ));
        };
        let key = format!("jwt:{}", token_hash(token));
        // A cached token is served only until its `exp`; then it is checked (and refused) anew.
        if let Some(actor) = auth.cached(&key)
            && !jwt::expired(token)
        {
            return Ok(actor);
        }
        let ticket = auth.ticket();
        let actor = verifier
            .verify(token, state)
            .await
            .map_err(Problem::unauthenticated)?;
        auth.remember(key, &actor, ticket);
        return Ok(actor);
    }
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        return session(state, token).await;
    }
    if auth.trust_person_header
        && let Some(person) = headers.get(PERSON_HEADER).and_then(|v| v.to_str().ok())
        && !person.is_empty()
    {
        let key = format!("hdr:{person}");
        if let Some(actor) = auth.cached(&key) {
            return Ok(actor);
        }
        let ticket = auth.ticket();
        let actor = match state.store.person(person).await? {
            Some(p) => Actor::of(&p, None, Via::Header),
            None => Actor::bare(person, Via::Header),
        };
        auth.remember(key, &actor, ticket);
        return Ok(actor);
    }
    Err(Problem::unauthenticated(
        "meld u aan (sessie) of stuur Authorization: Bearer <token>",
    ))
}

async fn api_token(state: &AppState, token: &str) -> Result<Actor, Problem> {
    let key = token_hash(token);
    if let Some(actor) = state.auth.cached(&key) {
        return Ok(actor);
    }
    let ticket = state.auth.ticket();
    let now = crate::now();
    let refused = || Problem::unauthenticated("dit API-token is onbekend, verlopen of ingetrokken");
    let Some(found) = state.store.api_token(&key, now).await? else {
        return Err(refused());
    };
    let Some(person) = state.store.person(&found.person).await? else {
        return Err(refused());
    };
    if !person.active {
        return Err(refused());
    }
    let actor = Actor::of(&person, None, Via::ApiToken);
    state.auth.remember(key, &actor, ticket);
    Ok(actor)
}

async fn session(state: &AppState, token: &str) -> Result<Actor, Problem> {
    let key = token_hash(token);
    if let Some(actor) = state.auth.cached(&key) {
        return Ok(actor);
    }
    let ticket = state.auth.ticket();
    let refused =
        || Problem::unauthenticated("uw sessie is verlopen of beëindigd; meld u opnieuw aan");
    let Some(found) = state.store.session(&key, crate::now()).await? else {
        return Err(refused());
    };
    // The session keeps the identity chosen at login; a person the directory has since
    // made inactive (also by hand, past the API that ends their sessions) is refused. (A
    // person known only from their identity provider's claims is not in the directory.)
    if let Some(person) = state.store.person(&found.person).await?
        && !person.active
    {
        return Err(refused());
    }
    let identity: Identity = serde_json::from_str(&found.actor).map_err(|_| refused())?;
    let mut actor = Actor::from(identity);
    actor.via = Via::Session {
        csrf: found.csrf,
        key: key.clone(),
    };
    state.auth.remember(key, &actor, ticket);
    Ok(actor)
}

/// A fresh personal API token (`avet_…`); store only its [`token_hash`].
pub fn new_api_token() -> Result<String, Problem> {
    Ok(format!("{API_TOKEN_PREFIX}{}", random_secret()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lookup that read the database before a change was forgotten does not put its
    /// (possibly old) actor back; one that began after does.
    #[test]
    fn an_actor_read_before_a_forgetting_is_not_kept() {
        let auth = Auth::default();
        let actor = Actor::bare("p-1", Via::Header);
        let before = auth.ticket();
        auth.forget_person("p-1");
        auth.remember("k".to_owned(), &actor, before);
        assert!(auth.cached("k").is_none(), "kept from before the change");
        let after = auth.ticket();
        auth.remember("k".to_owned(), &actor, after);
        assert!(auth.cached("k").is_some());
        for forget in [
            |a: &Auth| a.forget_all(),
            |a: &Auth| a.forget("other"),
            |a: &Auth| a.forget_person("p-2"),
        ] {
            let t = auth.ticket();
            forget(&auth);
            auth.remember("j".to_owned(), &actor, t);
            assert!(auth.cached("j").is_none());
        }
    }
}
