//! Logging in with a local account: login name, password and a TOTP code — both factors,
//! always (BIO). The API (`POST /api/v1/sessies`, `DELETE /api/v1/sessies/huidig`) and the
//! web form ([`super::pages`]) share [`verify`], [`consume`] and [`finish`].
//!
//! Brute force is slowed, locked and logged:
//! - every attempt, good or bad, is one entry in the security audit log (`aanmelden`, with
//!   `ok`, `mislukt`, `geblokkeerd` or `tweede-factor-mislukt`; never the typed name or
//!   password);
//! - after [`LOCK_AFTER`] consecutive failures the account is locked for [`LOCK_FOR`], in the
//!   database, so every server honours it; while locked even the right password fails;
//! - each attempt is counted *before* it is checked (a success forgets it), for the account
//!   and for the address, so attempts sent all at once get no more tries than attempts
//!   sent one by one;
//! - at most [`HASHING_AT_ONCE`] passwords are checked at once per server (argon2 takes
//!   19 MiB each); a login that finds no place within [`HASHING_WAIT`] gets 503;
//! - every failed attempt is answered only after a delay that doubles with the failures from
//!   the same client address ([`failure_delay`]); the address's count, not the account's,
//!   so the delay does not tell whether a name exists. An address with [`ADDRESS_LIMIT`]
//!   failures within [`ADDRESS_WINDOW`] gets 429 until the window ends (in memory, per
//!   server).
//!
//! Whatever failed, the answer is the same: an unknown name, a wrong password, a wrong or
//! reused code and a locked account look alike to the client. An unknown name still costs
//! one password check ([`dummy_verify`]), so the timing does not tell either.

use std::fmt;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::time::Duration;

use ave_store::accounts::Account;
use ave_store::audit::AuditEntry;
use ave_store::identity::Person;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::credentials::{
    DELAY_UNIT, LOCK_AFTER, LOCK_FOR, dummy_verify, failure_delay, totp_matching_step,
    verify_password,
};
use super::{Actor, Started, Via, end_session, start_session};
use crate::AppState;
use crate::api::body::JsonBody;
use crate::problem::{InvalidParam, Problem, ProblemBody};

/// How a local login is recorded on the session.
pub const LOGIN_METHOD: &str = "wachtwoord+totp";
/// The window over which failures per client address are counted.
pub const ADDRESS_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures per client address within [`ADDRESS_WINDOW`] after which it gets 429.
pub const ADDRESS_LIMIT: u32 = 50;
/// Password checks at once, per server ([`Logins`]).
pub const HASHING_AT_ONCE: usize = 4;
/// How long a login waits for a place to check its password before it is answered 503.
pub const HASHING_WAIT: Duration = Duration::from_secs(5);
/// The audit action of a login attempt.
pub const AUDIT_ACTION: &str = "aanmelden";

/// What an attempt came to, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptResult {
    /// Logged in.
    Ok,
    /// Unknown name, wrong password or an inactive person.
    Failed,
    /// The account (or the client address) is locked.
    Blocked,
    /// The password was right, the code was wrong or used before.
    SecondFactorFailed,
    /// Both factors right; the person still has to choose an organisation.
    ChooseOrganisation,
}

impl AttemptResult {
    /// The stable code in the audit log.
    pub fn code(self) -> &'static str {
        match self {
            AttemptResult::Ok => "ok",
            AttemptResult::Failed => "mislukt",
            AttemptResult::Blocked => "geblokkeerd",
            AttemptResult::SecondFactorFailed => "tweede-factor-mislukt",
            AttemptResult::ChooseOrganisation => "organisatie-kiezen",
        }
    }
}

type AddressCounts = lru::LruCache<String, (u32, DateTime<Utc>)>;

/// This server's memory of failed logins per client address, and the delay unit.
#[derive(Debug)]
pub struct Logins {
    /// The delay after the first failure (doubling after each further one, see
    /// [`failure_delay`]); [`DELAY_UNIT`] unless a test wants it shorter.
    pub delay_unit: Duration,
    addresses: Mutex<AddressCounts>,
    /// Places for a password check at once: argon2 takes 19 MiB and tens of milliseconds
    /// each, so a flood of logins waits here instead of taking the server's memory.
    hashing: tokio::sync::Semaphore,
    /// How long a login waits for such a place ([`HASHING_WAIT`]).
    hashing_wait: Duration,
}

impl Default for Logins {
    fn default() -> Self {
        Logins::with_delay_unit(DELAY_UNIT)
    }
}

impl Logins {
    /// Login memory whose delays grow from `unit`.
    pub fn with_delay_unit(unit: Duration) -> Logins {
        Logins {
            delay_unit: unit,
            addresses: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(16_384).unwrap_or(NonZeroUsize::MIN),
            )),
            hashing: tokio::sync::Semaphore::new(HASHING_AT_ONCE),
            hashing_wait: HASHING_WAIT,
        }
    }

    /// The same, with `places` password checks at once and `wait` for one (tests).
    pub fn with_hashing(mut self, places: usize, wait: Duration) -> Logins {
        self.hashing = tokio::sync::Semaphore::new(places);
        self.hashing_wait = wait;
        self
    }

    fn window() -> chrono::Duration {
        chrono::Duration::from_std(ADDRESS_WINDOW).unwrap_or(chrono::Duration::minutes(15))
    }

    /// Reserves an attempt from `address` at `now` before anything is checked: counted as a
    /// failure at once, so that a burst of attempts at once cannot pass the limit between
    /// them. The count within the window (this attempt included), or `None` when the address
    /// is over [`ADDRESS_LIMIT`] (then nothing is counted). A success gives it back
    /// ([`Logins::release`]).
    pub fn reserve(&self, address: &str, now: DateTime<Utc>) -> Option<u32> {
        let Ok(mut counts) = self.addresses.lock() else {
            return None;
        };
        let entry = match counts.get(address) {
            Some((n, since)) if now - *since < Self::window() => (*n, *since),
            _ => (0, now),
        };
        if entry.0 >= ADDRESS_LIMIT {
            return None;
        }
        let entry = (entry.0 + 1, entry.1);
        counts.put(address.to_owned(), entry);
        Some(entry.0)
    }

    /// Gives back the attempt [`Logins::reserve`] counted, after it succeeded.
    pub fn release(&self, address: &str) {
        if let Ok(mut counts) = self.addresses.lock()
            && let Some(entry) = counts.get_mut(address)
        {
            entry.0 = entry.0.saturating_sub(1);
        }
    }

    /// Seconds until `address` may try again, once over [`ADDRESS_LIMIT`].
    fn retry_after(&self, address: &str, now: DateTime<Utc>) -> u32 {
        let since = self
            .addresses
            .lock()
            .ok()
            .and_then(|mut c| c.get(address).map(|e| e.1))
            .unwrap_or(now);
        let left = (since + Self::window() - now).num_seconds().max(1);
        u32::try_from(left).unwrap_or(u32::MAX)
    }
}

/// What a person types to log in. The password and code never appear in `Debug`.
#[derive(Clone, Default)]
pub struct Credentials {
    /// The login name as typed.
    pub login: String,
    /// The password.
    pub password: String,
    /// The code from the authenticator app.
    pub code: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials([verborgen])")
    }
}

/// Both factors checked: who it is and the TOTP step of their code (not yet used up).
#[derive(Debug, Clone)]
pub struct Verified {
    /// The person.
    pub person: Person,
    step: u64,
}

/// The outcome of [`verify`].
#[derive(Debug, Clone)]
pub enum Checked {
    /// Both factors are right.
    Verified(Box<Verified>),
    /// Something was wrong (which, the client is not told); the delay has been waited.
    Refused,
    /// The client address tried too often; try again after this many seconds.
    TooMany(u32),
    /// Too many logins at once on this server: nothing was checked or counted; try again
    /// in a few seconds.
    Busy,
}

/// The client's address: the connection's peer, as [`Actor::origin`] records it.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "onbekend".to_owned()),
        ))
    }
}

async fn audit(
    state: &AppState,
    now: DateTime<Utc>,
    actor: &str,
    origin: &str,
    account: Option<&str>,
    result: AttemptResult,
) -> Result<(), Problem> {
    state
        .store
        .audit_append(&[AuditEntry {
            at: now,
            actor: actor.to_owned(),
            origin: origin.to_owned(),
            action: AUDIT_ACTION.into(),
            object: format!("account/{}", account.unwrap_or("onbekend")),
            result: result.code().into(),
        }])
        .await?;
    Ok(())
}

/// Checks a password off the async threads (argon2 is slow on purpose), once a place is
/// free ([`HASHING_AT_ONCE`]). `None` when none came free in time ([`HASHING_WAIT`]).
async fn password_matches(
    state: &AppState,
    hash: Option<String>,
    password: &str,
) -> Result<Option<bool>, Problem> {
    let Ok(Ok(_place)) =
        tokio::time::timeout(state.logins.hashing_wait, state.logins.hashing.acquire()).await
    else {
        return Ok(None);
    };
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || match hash {
        Some(hash) => verify_password(&hash, &password),
        None => {
            dummy_verify(&password);
            false
        }
    })
    .await
    .map(Some)
    .map_err(|_| Problem::internal("het wachtwoord is niet te controleren"))
}

/// A failed attempt (already counted when it was reserved): logged, and answered after
/// the delay that the address's count (`failures`) calls for.
async fn refuse(
    state: &AppState,
    account: Option<&Account>,
    origin: &str,
    now: DateTime<Utc>,
    failures: u32,
    result: AttemptResult,
) -> Result<Checked, Problem> {
    audit(
        state,
        now,
        "anoniem",
        origin,
        account.map(|a| a.person.as_str()),
        result,
    )
    .await?;
    tokio::time::sleep(failure_delay(state.logins.delay_unit, failures)).await;
    Ok(Checked::Refused)
}

/// Checks both factors at `now` for a client at `origin`. The attempt is counted before
/// anything is checked — for the address and for the account, which is refused unchecked
/// while locked — so that attempts sent all at once get no more tries than attempts sent
/// one by one. A failure is logged and delayed here; a success changes nothing yet (see
/// [`consume`], which forgets the count).
pub async fn verify(
    state: &AppState,
    credentials: &Credentials,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<Checked, Problem> {
    let Some(failures) = state.logins.reserve(origin, now) else {
        audit(state, now, "anoniem", origin, None, AttemptResult::Blocked).await?;
        return Ok(Checked::TooMany(state.logins.retry_after(origin, now)));
    };
    let checked = check(state, credentials, origin, now, failures).await;
    if !matches!(checked, Ok(Checked::Refused)) {
        // A success, a busy server or an error is no failure of this address.
        state.logins.release(origin);
    }
    checked
}

/// [`verify`] once the address's attempt is counted (`failures`, this one included).
async fn check(
    state: &AppState,
    credentials: &Credentials,
    origin: &str,
    now: DateTime<Utc>,
    failures: u32,
) -> Result<Checked, Problem> {
    let account = state.store.account_by_login(&credentials.login).await?;
    // The account's attempt, reserved before its password is checked; `None` while locked.
    let reserved = match &account {
        Some(a) => {
            let lock_for =
                chrono::Duration::from_std(LOCK_FOR).unwrap_or(chrono::Duration::minutes(15));
            state
                .store
                .reserve_login_attempt(&a.person, now, LOCK_AFTER, lock_for)
                .await?
        }
        None => None,
    };
    // The password is checked also for an unknown or locked account, so that the time of
    // the answer tells neither.
    let Some(password_ok) = password_matches(
        state,
        account.as_ref().map(|a| a.password_hash.clone()),
        &credentials.password,
    )
    .await?
    else {
        return Ok(Checked::Busy);
    };
    let Some(account) = account else {
        return refuse(state, None, origin, now, failures, AttemptResult::Failed).await;
    };
    if reserved.is_none() {
        let blocked = AttemptResult::Blocked;
        return refuse(state, Some(&account), origin, now, failures, blocked).await;
    }
    let person = state
        .store
        .person(&account.person)
        .await?
        .filter(|p| p.active);
    let (true, Some(person)) = (password_ok, person) else {
        let failed = AttemptResult::Failed;
        return refuse(state, Some(&account), origin, now, failures, failed).await;
    };
    let step = totp_matching_step(&account.totp_secret, &credentials.code, now)
        .map_err(|e| Problem::internal(e.to_string()))?;
    match step {
        Some(step) if account.totp_last_step.is_none_or(|last| step > last) => {
            Ok(Checked::Verified(Box::new(Verified { person, step })))
        }
        _ => {
            let second = AttemptResult::SecondFactorFailed;
            refuse(state, Some(&account), origin, now, failures, second).await
        }
    }
}

/// Uses up the code's step and forgets the failures. `false` when another request used the
/// step first (a replayed code): then it counts as a failure like any other.
pub async fn consume(
    state: &AppState,
    verified: &Verified,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<bool, Problem> {
    if state
        .store
        .record_login_success(&verified.person.id, verified.step)
        .await?
    {
        return Ok(true);
    }
    // The attempt stays counted for the account (it was reserved, and not forgotten); the
    // address counts it again, as the failure it turned out to be.
    let account = state.store.account_of_person(&verified.person.id).await?;
    let failures = state.logins.reserve(origin, now).unwrap_or(ADDRESS_LIMIT);
    refuse(
        state,
        account.as_ref(),
        origin,
        now,
        failures,
        AttemptResult::SecondFactorFailed,
    )
    .await?;
    Ok(false)
}

/// The organisations a person works for, by id.
pub fn organisations_of(person: &Person) -> Vec<String> {
    let mut ids: Vec<String> = person
        .memberships
        .iter()
        .map(|m| m.organisation.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The organisation to act for: the one `given` (when it is one of theirs) or their only
/// one; else the choices.
pub fn choose(person: &Person, given: Option<&str>) -> Result<Option<String>, Vec<String>> {
    let mine = organisations_of(person);
    match given.map(str::trim).filter(|g| !g.is_empty()) {
        Some(g) if mine.iter().any(|m| m == g) => Ok(Some(g.to_owned())),
        Some(_) => Err(mine),
        None if mine.len() <= 1 => Ok(mine.into_iter().next()),
        None => Err(mine),
    }
}

/// Logs `person` in for `organisation`: a new session (a new id every login, so a session
/// id planted before cannot be used after), and an `ok` in the audit log.
pub async fn finish(
    state: &AppState,
    person: &Person,
    organisation: Option<&str>,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<(Actor, Started), Problem> {
    let actor = Actor::of(
        person,
        organisation,
        Via::Session {
            csrf: String::new(),
            key: String::new(),
        },
    );
    let started = start_session(state, &actor, LOGIN_METHOD).await?;
    audit(
        state,
        now,
        &person.id,
        origin,
        Some(&person.id),
        AttemptResult::Ok,
    )
    .await?;
    Ok((actor, started))
}

/// Records that a verified person must still choose an organisation.
pub async fn choice_pending(
    state: &AppState,
    person: &Person,
    origin: &str,
    now: DateTime<Utc>,
) -> Result<(), Problem> {
    audit(
        state,
        now,
        &person.id,
        origin,
        Some(&person.id),
        AttemptResult::ChooseOrganisation,
    )
    .await
}

/// The answer to every failed login: the same, whatever failed.
pub fn login_failed() -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "aanmelden-mislukt",
        "Aanmelden mislukt",
        "de gebruikersnaam, het wachtwoord of de code klopt niet, of het account is tijdelijk geblokkeerd",
    )
}

/// 429: this client address tried too often.
pub fn too_many(retry_after: u32) -> Problem {
    let mut p = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "te-veel-pogingen",
        "Te veel pogingen",
        "er is vanaf dit adres te vaak mislukt aangemeld; probeer het later opnieuw",
    );
    p.retry_after = Some(retry_after);
    p
}

/// 503: too many logins at once on this server; nothing was checked or counted.
pub fn busy() -> Problem {
    let mut p = Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "te-druk",
        "Even te druk",
        "er worden nu te veel aanmeldingen tegelijk gecontroleerd; probeer het over enkele seconden opnieuw",
    );
    p.retry_after = Some(2);
    p
}

/// 400: the person works for several organisations and must name one.
pub fn choose_organisation(choices: &[String]) -> Problem {
    Problem::invalid(vec![InvalidParam {
        name: "organisatie".to_owned(),
        code: "required".to_owned(),
        reason: format!(
            "kies de organisatie waarvoor u werkt: {}",
            choices.join(", ")
        ),
    }])
}

/// Een aanmelding met een lokaal account: beide factoren.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Aanmelding {
    /// De gebruikersnaam (hoofdletters maken niet uit).
    pub gebruikersnaam: String,
    /// Het wachtwoord.
    pub wachtwoord: String,
    /// De code van zes cijfers uit de authenticator-app.
    pub code: String,
    /// De organisatie waarvoor u werkt; nodig als u voor meer dan één organisatie werkt.
    #[serde(default)]
    pub organisatie: Option<String>,
}

impl fmt::Debug for Aanmelding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Aanmelding([verborgen])")
    }
}

/// Een sessie na aanmelden.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Sessie {
    /// Wie (pseudoniem).
    pub persoon: String,
    /// De werknaam.
    pub naam: String,
    /// De organisatie waarvoor u nu werkt.
    pub organisatie: Option<String>,
    /// Het CSRF-token van de sessie: stuur het mee als kop `X-CSRF-Token` bij elk verzoek
    /// dat iets wijzigt (ontbreekt bij een API-token).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// Aanmelden met gebruikersnaam, wachtwoord en de code uit de authenticator-app. Zet het
/// sessiecookie `__Host-ave-sessie`.
#[utoipa::path(
    post,
    path = "/sessies",
    tag = "sessies",
    operation_id = "sessieStarten",
    request_body = Aanmelding,
    responses(
        (status = 201, description = "Aangemeld; het sessiecookie is gezet", body = Sessie, headers(("Set-Cookie" = String, description = "Het sessiecookie (__Host-ave-sessie; Secure; HttpOnly; SameSite=Lax)"))),
        (status = 400, description = "Ongeldige invoer, of kies een organisatie (invalidParams noemt de keuzes)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Aanmelden mislukt (welke factor, wordt niet gezegd)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "Te veel mislukte pogingen vanaf dit adres", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(origin): ClientAddress,
    JsonBody(body): JsonBody<Aanmelding>,
) -> Result<Response, Problem> {
    let now = crate::now();
    let credentials = Credentials {
        login: body.gebruikersnaam,
        password: body.wachtwoord,
        code: body.code,
    };
    let verified = match verify(&state, &credentials, &origin, now).await? {
        Checked::Verified(v) => v,
        Checked::Refused => return Err(login_failed()),
        Checked::TooMany(after) => return Err(too_many(after)),
        Checked::Busy => return Err(busy()),
    };
    // The choice is asked before the code is used up, so the same code works once more.
    let organisation = match choose(&verified.person, body.organisatie.as_deref()) {
        Ok(o) => o,
        Err(choices) => {
            choice_pending(&state, &verified.person, &origin, now).await?;
            return Err(choose_organisation(&choices));
        }
    };
    if !consume(&state, &verified, &origin, now).await? {
        return Err(login_failed());
    }
    let (actor, started) = finish(
        &state,
        &verified.person,
        organisation.as_deref(),
        &origin,
        now,
    )
    .await?;
    let body = Sessie {
        csrf_token: Some(started.csrf),
        ..Sessie::of(actor)
    };
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, started.cookie);
    Ok(response)
}

impl Sessie {
    fn of(actor: Actor) -> Sessie {
        let csrf_token = match &actor.via {
            Via::Session { csrf, .. } => Some(csrf.clone()),
            _ => None,
        };
        Sessie {
            persoon: actor.person.clone(),
            naam: actor.name.clone(),
            organisatie: actor.organisation.clone(),
            csrf_token,
        }
    }
}

/// Wie er is aangemeld: de huidige sessie (of het token waarmee het verzoek komt).
#[utoipa::path(
    get,
    path = "/sessies/huidig",
    tag = "sessies",
    operation_id = "sessieHuidig",
    responses(
        (status = 200, description = "Wie er is aangemeld, en voor welke organisatie", body = Sessie),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn current(actor: Actor) -> axum::Json<Sessie> {
    axum::Json(Sessie::of(actor))
}

/// Afmelden: beëindigt de huidige sessie en wist het sessiecookie. Met een sessie moet de
/// kop `X-CSRF-Token` het CSRF-token van de sessie dragen.
#[utoipa::path(
    delete,
    path = "/sessies/huidig",
    tag = "sessies",
    operation_id = "sessieBeeindigen",
    responses(
        (status = 204, description = "Afgemeld; het sessiecookie is gewist", headers(("Set-Cookie" = String, description = "Wist het sessiecookie"))),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Het CSRF-token ontbreekt of klopt niet", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn logout(State(state): State<AppState>, actor: Actor) -> Result<Response, Problem> {
    let cookie: HeaderValue = end_session(&state, &actor).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}
