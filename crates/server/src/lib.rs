//! The case service: the REST API under `/api/v1` over the case store, with health checks and
//! the OpenAPI document. Lists, cases and timelines are read from the store's read models;
//! commands run on live cases ([`live`]) and are committed by one group-commit writer.
//! Every API request names a person ([`auth`]); what they may see and do is decided in one
//! place ([`access`]); every read and write of a case goes to the security audit log and the
//! processing log ([`logs`]). Beyond loopback the server speaks HTTPS or sits behind a
//! declared reverse proxy ([`transport`]).
//!
//! Every response carries `API-Version` and the security headers (`Cache-Control: no-store`,
//! a CSP with `frame-ancestors 'none'`, `X-Content-Type-Options: nosniff`,
//! `Referrer-Policy: no-referrer`); every error is `application/problem+json`.
#![forbid(unsafe_code)]

pub mod access;
pub mod api;
pub mod audit;
pub mod auth;
pub mod checkpoints;
mod health;
pub mod inbox;
pub mod live;
pub mod logs;
pub mod mail;
pub mod metrics;
pub mod migrate;
pub mod problem;
pub mod processing;
pub mod transport;
pub mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use ave_store::{GroupCommit, Store};
use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use metrics::Metrics;
use problem::Problem;
pub use transport::{ServeOptions, TlsFiles, Transport};

/// The largest request body accepted (bytes).
pub const BODY_LIMIT: usize = 64 * 1024;

/// How long one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// What the handlers share: one pointer to [`Shared`], so that the many clones a request
/// makes (extractors, layers) cost one reference count, not one per part. Read its parts
/// as fields (`state.store`); setting one (before serving) copies the parts when the state
/// is shared.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl std::ops::DerefMut for AppState {
    fn deref_mut(&mut self) -> &mut Shared {
        Arc::make_mut(&mut self.0)
    }
}

/// The parts of [`AppState`].
#[derive(Debug, Clone)]
pub struct Shared {
    /// The case store.
    pub store: Store,
    /// The one writer: commands arriving together share one durable commit.
    pub writer: GroupCommit,
    /// Model versions, parsed once.
    pub models: Arc<live::Models>,
    /// The bounded cache of live cases.
    pub live: Arc<live::LiveCases>,
    /// How requests are authenticated.
    pub auth: Arc<auth::Auth>,
    /// The one writer of the audit and processing logs.
    pub logs: logs::Logs,
    /// How requests reach the server (TLS, a reverse proxy).
    pub transport: Transport,
    /// This server's memory of failed local logins per client address.
    pub logins: Arc<auth::local::Logins>,
    /// The gemeenten's themes for the pages.
    pub themes: Arc<web::theme::Themes>,
    /// The dashboard's figures, kept a minute.
    pub dashboard: Arc<web::dashboard::FiguresCache>,
    /// Whether meldingen also go out as e-mail (SMTP is configured): then each one for a
    /// person with an address gets an entry in the outbox ([`mail`]).
    pub mail: bool,
    zone: chrono_tz::Tz,
}

impl AppState {
    /// State over a store, with its writer started on the current Tokio runtime; days are
    /// counted in Europe/Amsterdam.
    pub fn new(store: Store) -> AppState {
        AppState::with_cache(store, live::DEFAULT_CAPACITY)
    }

    /// [`AppState::new`] with a cache of at most `capacity` live cases.
    pub fn with_cache(store: Store, capacity: usize) -> AppState {
        AppState(Arc::new(Shared {
            writer: GroupCommit::start(store.clone()),
            logs: logs::Logs::start(store.clone()),
            store,
            models: Arc::default(),
            live: Arc::new(live::LiveCases::with_capacity(capacity)),
            auth: Arc::default(),
            transport: Transport::default(),
            logins: Arc::default(),
            themes: Arc::default(),
            dashboard: Arc::default(),
            mail: false,
            zone: chrono_tz::Europe::Amsterdam,
        }))
    }

    /// This state with `auth` as its authentication.
    pub fn with_auth(mut self, auth: auth::Auth) -> AppState {
        self.auth = Arc::new(auth);
        self
    }

    /// This state reached through `transport`.
    pub fn with_transport(mut self, transport: Transport) -> AppState {
        self.transport = transport;
        self
    }

    /// This state with `logins` for local logins (tests shorten the delay).
    pub fn with_logins(mut self, logins: auth::local::Logins) -> AppState {
        self.logins = Arc::new(logins);
        self
    }

    /// Today's local date (`YYYY-MM-DD`), for day-dependent attention.
    pub fn today(&self) -> String {
        ave_model::time::local_date(self.zone, now()).to_string()
    }
}

/// The system clock: the server is the edge where time enters (the core takes it as a
/// parameter).
#[allow(clippy::disallowed_methods)]
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Plain HTTP only on loopback: elsewhere TLS or a declared reverse proxy.
    #[error(
        "luisteren op {0} zonder TLS mag niet: onversleuteld HTTP kan alleen op loopback (127.0.0.1 of ::1). Geef een certificaat en sleutel (tls_cert en tls_key, of --tls-cert en --tls-key), of zet de server achter een reverse proxy met HTTPS (--achter-proxy ADRES)"
    )]
    NotLoopback(SocketAddr),
    /// The certificate or key cannot be used.
    #[error("TLS: {0}")]
    Tls(String),
    /// The address cannot be bound.
    #[error("kan niet luisteren op {addr}: {reason}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why, in Dutch: the common causes named with what to do.
        reason: String,
    },
    /// Serving stopped with an error.
    #[error("de server stopte onverwacht: {0}")]
    Serve(String),
    /// The SMTP settings cannot be used.
    #[error("{0}")]
    Mail(String),
}

/// Why an address cannot be bound, in Dutch: the common causes named with what to do, any
/// other with the operating system's error code (its own words are English).
fn bind_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        AddrInUse => "het adres is al in gebruik; draait er al een server op deze poort? Stop die, of kies een andere poort met --listen".to_owned(),
        PermissionDenied => "geen toestemming; een poort onder 1024 vraagt bijzondere rechten, kies een hogere poort".to_owned(),
        AddrNotAvailable => "dit adres hoort niet bij deze machine".to_owned(),
        _ => match e.raw_os_error() {
            Some(code) => format!("het besturingssysteem weigert het (foutcode {code})"),
            None => "het besturingssysteem weigert het".to_owned(),
        },
    }
}

/// The router with every route and layer.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(openapi))
        .route("/casussen", get(api::cases::list).post(api::commands::open))
        .route("/casussen/{id}", get(api::cases::get))
        .route("/casussen/{id}/tijdlijn", get(api::cases::timeline))
        .route("/casussen/{id}/opdrachten", post(api::commands::command))
        .route("/casussen/{id}/signalen", post(api::commands::signal))
        .route("/casussen/{id}/rollen", post(api::commands::role))
        .route(
            "/casussen/{id}/modelversie",
            post(api::commands::change_model),
        )
        .route("/casussen/{id}/verzoeken", post(api::commands::propose))
        .route(
            "/casussen/{id}/verzoeken/{verzoek}/besluit",
            post(api::commands::decide),
        )
        .route("/casussen/{id}/noodtoegang", post(api::access::request))
        .route("/casussen/{id}/inzage", get(api::access::subject_access))
        .route("/noodtoegang", get(api::access::grants))
        .route(
            "/beveiligingslogboek/controlepunten",
            get(api::logboek::checkpoints),
        )
        .route("/noodtoegang/{id}/beoordeling", post(api::access::review))
        .route("/organisaties", get(api::directory::organisations))
        .route(
            "/organisaties/{id}",
            axum::routing::put(api::directory::put_organisation),
        )
        .route("/personen", get(api::directory::persons))
        .route(
            "/personen/{id}",
            axum::routing::put(api::directory::put_person),
        )
        .route("/modellen", get(api::models::list))
        .route("/klantreizen", post(api::journeys::run))
        .route("/gemeenten", get(api::overview::gemeenten))
        .route("/aandacht", get(api::overview::attention))
        .route("/sessies", post(auth::local::login))
        .route(
            "/sessies/huidig",
            get(auth::local::current).delete(auth::local::logout),
        )
        .route("/ik", get(api::ik::get))
        .route("/meldingen", get(api::meldingen::list))
        .route("/meldingen/{id}/gelezen", post(api::meldingen::mark_read))
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            processing::track,
        ));
    let transport = state.transport;
    let metrics = Metrics::of(&state.store, state.writer.metrics());
    let app: Router = Router::new()
        .nest("/api/v1", api)
        .route("/aanmelden/sso/{provider}", get(auth::oidc::start))
        .route("/aanmelden/sso/{provider}/terug", get(auth::oidc::callback))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route(
            "/aanmelden",
            get(auth::pages::login_page).post(auth::pages::login_submit),
        )
        .route("/afmelden", post(auth::pages::logout_submit))
        // The pages read cases as the API does: into the processing log as well.
        .merge(
            web::routes().route_layer(axum::middleware::from_fn_with_state(
                state.clone(),
                processing::track,
            )),
        )
        .method_not_allowed_fallback(web::method_not_allowed)
        .with_state(state);
    let counted = app.route_layer(axum::middleware::from_fn_with_state(
        metrics.clone(),
        metrics::track,
    ));
    let inner = Router::new()
        .route("/metrics", get(metrics::endpoint).with_state(metrics))
        .merge(counted);
    // The layers every answer passes wrap the router once, as one service: applied with
    // `Router::layer` they would wrap every route apart, box in box, and each box clones
    // the ones inside it on every request (some sixty allocations per request).
    let layered = tower::ServiceBuilder::new()
        .layer(header_layer("referrer-policy", "no-referrer"))
        .layer(header_layer("x-content-type-options", "nosniff"))
        // HTML pages set their own (stricter than none: a form may post to this site).
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        // Assets under a content-hashed name say they may be kept; everything else no-store.
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("cache-control"),
            HeaderValue::from_static("no-store"),
        ))
        .layer(header_layer("api-version", api::VERSION))
        .layer(axum::middleware::from_fn_with_state(
            transport,
            transport::edge,
        ))
        .layer(axum::middleware::from_fn(guard))
        .service(inner);
    Router::new().fallback_service(layered)
}

/// An API path asked with a method it does not have: 405 problem+json (axum adds `Allow`
/// with the methods it has); `OPTIONS` is answered 204 with that `Allow`.
async fn method_not_allowed(method: axum::http::Method) -> axum::response::Response {
    if method == axum::http::Method::OPTIONS {
        return StatusCode::NO_CONTENT.into_response();
    }
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "methode-niet-toegestaan",
        "Methode niet toegestaan",
        format!("{method} kan op dit adres niet; de header Allow noemt wat wel kan"),
    )
    .into_response()
}

/// Refuses a body that announces more than [`BODY_LIMIT`] (a streamed one is cut off when
/// read) and ends a request that takes longer than [`REQUEST_TIMEOUT`] — both as
/// problem+json; a timed-out command either committed whole or not at all.
async fn guard(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|n| n > BODY_LIMIT) {
        return api::body::too_large().into_response();
    }
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let mut p = Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "te-traag",
                "Verzoek duurde te lang",
                "het verzoek duurde te lang en is afgebroken; probeer het zo opnieuw",
            );
            p.retry_after = Some(5);
            p.into_response()
        }
    }
}

fn header_layer(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

async fn openapi() -> impl IntoResponse {
    axum::Json(api::document())
}

/// Serves plain HTTP on `addr` (loopback only) until `shutdown` resolves, finishing
/// requests in flight; see [`serve_with`].
pub async fn serve(
    store: Store,
    addr: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    serve_with(store, ServeOptions::plain(addr), shutdown, on_listening).await
}

/// How long stopping waits for the logs to be written.
const FLUSH_WAIT: Duration = Duration::from_secs(10);

/// Serves as `options` say — HTTPS, or plain HTTP on loopback or behind a declared reverse
/// proxy — until `shutdown` resolves; then finishes requests in flight and writes the logs.
pub async fn serve_with(
    store: Store,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    on_listening: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    transport::check(&options)?;
    let tls = options.tls.as_ref().map(transport::acceptor).transpose()?;
    let addr = options.addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| ServeError::Bind {
            addr,
            reason: bind_reason(&e),
        })?;
    let bound = listener.local_addr().unwrap_or(addr);
    // A read of a case takes its row from memory where that saves a round trip (PostgreSQL).
    let store = store.keep_case_rows();
    let mut state = AppState::new(store.clone()).with_transport(options.transport());
    state.auth = options.auth.clone();
    state.themes = options.themes.clone();
    if let Some(key) = options.subject_key {
        state.logs = state.logs.clone().with_key(key);
    }
    let logs = state.logs.clone();
    // Meldingen by e-mail: the outbox is delivered in the background while serving.
    let mailer = match &options.mail {
        Some(config) => Some(mail::Mailer::new(config).map_err(ServeError::Mail)?),
        None => None,
    };
    state.mail = mailer.is_some();
    let delivery = mailer.map(|m| mail::start(state.store.clone(), m));
    let signing = options
        .checkpoints
        .clone()
        .map(|c| checkpoints::start(state.store.clone(), c));
    // Sessions, tokens and persons changed by another process are forgotten here at once.
    let persons = state.auth.clone().follow_person_changes(&state.store);
    on_listening(bound);
    let served = transport::run(listener, router(state), tls, shutdown).await;
    for task in [delivery, signing, persons].into_iter().flatten() {
        task.abort();
    }
    // Everything logged so far is committed before the process goes, and signed.
    match tokio::time::timeout(FLUSH_WAIT, logs.flush()).await {
        Ok(Ok(())) => {
            if let Some(c) = &options.checkpoints {
                checkpoints::sign(&store, &c.key).await;
            }
        }
        _ => tracing::error!("stoppen: niet alle logboekregels konden worden weggeschreven"),
    }
    // The connections closed in order: on SQLite the write-ahead logs of the database and
    // its logbook are emptied into their files, so each file is whole on its own.
    store.close().await;
    served
}
