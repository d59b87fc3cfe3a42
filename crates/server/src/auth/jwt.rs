//! OAuth2 bearer tokens and ID tokens: JSON Web Tokens signed by a gemeente's identity
//! provider. A [`Provider`] is one configured OpenID Connect provider: it finds the
//! provider's endpoints and signing keys through discovery
//! (`{issuer}/.well-known/openid-configuration`, then `jwks_uri`), keeps them, and checks a
//! token against them ([`Provider::validate`]). [`JwtVerifier`] is the [`BearerVerifier`] that
//! API clients meet; the web login ([`super::oidc`]) checks its ID tokens the same way.
//!
//! What is checked, and why:
//! - the signature, with a key from the provider's JWKS, by an **asymmetric** algorithm the
//!   provider announces (`id_token_signing_alg_values_supported`). `none` and the HMAC
//!   algorithms are never accepted: with HS256 a public key would become a shared secret.
//!   The key's type and its own `alg` (when given) must fit the token's algorithm.
//! - `iss` (exactly the configured issuer), `aud` (the configured audience, or the client id
//!   for an ID token), `exp` and `nbf` with [`LEEWAY`] for clocks that differ a little.
//! - Keys are fetched once and kept; a token with an unknown `kid` makes us fetch them again
//!   (the provider rotated its keys), but at most once per [`REFRESH_INTERVAL`], so that
//!   forged `kid`s cannot make us hammer the provider.
//!
//! Claims become an [`Actor`] ([`actor_from_claims`]): the person from a configurable claim
//! (default `ave_persoon`, else `sub`), the organisation (`organisatie`) and functions
//! (`functies`). A provider vouches only for the organisations configured for it
//! ([`ProviderConfig::organisations`]): a person in the directory gets the directory's
//! functions for that organisation (the directory is the truth), within those; a person the
//! directory places in none of them is refused; a person not in it gets the token's.
//! Every refused bearer token is written to the security audit log with its reason code —
//! never the token.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ave_store::audit::AuditEntry;
use ave_store::identity::Membership;
use jsonwebtoken::jwk::{Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Actor, BearerVerifier, Via};
use crate::AppState;

/// How far `exp` and `nbf` may be off (seconds), for clocks that differ a little.
pub const LEEWAY: u64 = 60;
/// Keys are fetched again for an unknown `kid` at most this often.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(30);
/// How long a request to the provider may take.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// The person claim when none is configured.
pub const DEFAULT_PERSON_CLAIM: &str = "ave_persoon";
/// The organisation claim when none is configured.
pub const DEFAULT_ORGANISATION_CLAIM: &str = "organisatie";
/// The functions claim when none is configured.
pub const DEFAULT_FUNCTIONS_CLAIM: &str = "functies";

/// Which claims say who a token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    /// The person's pseudonymous id (when absent from a token: `sub`).
    pub person: String,
    /// The organisation the person acts for.
    pub organisation: String,
    /// The functions held (a list of strings).
    pub functions: String,
}

impl Default for ClaimNames {
    fn default() -> Self {
        ClaimNames {
            person: DEFAULT_PERSON_CLAIM.to_owned(),
            organisation: DEFAULT_ORGANISATION_CLAIM.to_owned(),
            functions: DEFAULT_FUNCTIONS_CLAIM.to_owned(),
        }
    }
}

/// One OpenID Connect provider as configured.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    /// Its name, in `/aanmelden/sso/{name}` and in the session's login method.
    pub name: String,
    /// The issuer, exactly as the provider writes it in `iss`.
    pub issuer: String,
    /// Our client id at the provider (the audience of its ID tokens).
    pub client_id: String,
    /// Our client secret (never shown: `Debug` hides it).
    pub client_secret: String,
    /// Where the provider sends the browser back: `https://…/aanmelden/sso/{name}/terug`.
    /// Without one the provider serves API tokens only.
    pub redirect_url: Option<String>,
    /// The audience API tokens must name; without one the provider's access tokens are not
    /// accepted.
    pub audience: Option<String>,
    /// The scopes asked for at login (space-separated; `openid` always).
    pub scope: String,
    /// Which claims say who the token is for.
    pub claims: ClaimNames,
    /// The organisations (ids in the directory) this provider vouches for: it logs in only
    /// people who work for one of them, with only the functions they hold there — so that
    /// one gemeente's provider cannot log anyone in as a person of another.
    pub organisations: Vec<String>,
    /// The gemeente for which a person not in the directory holds the token's functions;
    /// without one, region-wide (a regional provider, such as the Zorg- en Veiligheidshuis's).
    pub gemeente: Option<String>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("redirect_url", &self.redirect_url)
            .field("audience", &self.audience)
            .field("scope", &self.scope)
            .field("claims", &self.claims)
            .field("organisations", &self.organisations)
            .field("gemeente", &self.gemeente)
            .finish()
    }
}

impl ProviderConfig {
    /// Whether the configuration can work: a name of letters, digits, `-` and `_`; an
    /// issuer and redirect URL over HTTPS (HTTP only on loopback); a redirect URL that is
    /// this provider's callback (`…/aanmelden/sso/{name}/terug`) and comes with a client
    /// secret; and at least one of redirect URL (web login) and audience (API tokens).
    /// The reason in Dutch.
    pub fn check(&self) -> Result<(), String> {
        let name = &self.name;
        let name_ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            return Err(format!(
                "de naam {name:?} van een identiteitsprovider mag alleen letters, cijfers, - en _ bevatten"
            ));
        }
        if !secure_or_local(&self.issuer) {
            return Err(format!(
                "identiteitsprovider {name}: de issuer moet een https-adres zijn (http alleen op deze machine)"
            ));
        }
        if self.client_id.is_empty() {
            return Err(format!("identiteitsprovider {name}: client_id ontbreekt"));
        }
        if let Some(url) = &self.redirect_url {
            let path = format!("/aanmelden/sso/{name}/terug");
            let fits = reqwest::Url::parse(url).is_ok_and(|u| u.path() == path);
            if !secure_or_local(url) || !fits {
                return Err(format!(
                    "identiteitsprovider {name}: redirect_url moet een https-adres zijn dat eindigt op {path} (http alleen op deze machine)"
                ));
            }
            if self.client_secret.is_empty() {
                return Err(format!(
                    "identiteitsprovider {name}: aanmelden via het web (redirect_url) vraagt een client_secret"
                ));
            }
        }
        if self.organisations.iter().all(|o| o.trim().is_empty()) {
            return Err(format!(
                "identiteitsprovider {name}: noem in organisaties voor welke organisaties (ids uit de personenlijst) deze provider mag aanmelden"
            ));
        }
        if self.redirect_url.is_none() && self.audience.is_none() {
            return Err(format!(
                "identiteitsprovider {name}: geef redirect_url (aanmelden via het web), audience (API-tokens) of beide"
            ));
        }
        Ok(())
    }
}

/// Why a token is refused: a stable code (for the audit log) and a Dutch reason (for the 401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a JWT, or a header we do not accept (`alg: none`, an unknown algorithm).
    Malformed,
    /// An algorithm the provider does not announce, or a symmetric one.
    Algorithm,
    /// Signed with a key the provider does not publish.
    UnknownKey,
    /// The signature does not match.
    Signature,
    /// `exp` has passed.
    Expired,
    /// `nbf` is still to come.
    NotYetValid,
    /// `aud` is not us.
    Audience,
    /// `iss` is not a configured provider.
    Issuer,
    /// A required claim is missing or has the wrong form.
    Claim(String),
    /// The ID token belongs to another login (`nonce`).
    Nonce,
    /// No usable person id in the claims.
    NoPerson,
    /// The person may not log in (blocked in the directory).
    Inactive,
    /// The provider does not vouch for this organisation, or for this person (who works
    /// for none of its organisations).
    NotVouched,
    /// The provider (or the directory) cannot be reached now.
    Unreachable,
}

impl Refusal {
    /// A stable code, for the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Malformed => "vorm",
            Refusal::Algorithm => "algoritme",
            Refusal::UnknownKey => "sleutel-onbekend",
            Refusal::Signature => "handtekening",
            Refusal::Expired => "verlopen",
            Refusal::NotYetValid => "nog-niet-geldig",
            Refusal::Audience => "audience",
            Refusal::Issuer => "uitgever",
            Refusal::Claim(_) => "claim",
            Refusal::Nonce => "nonce",
            Refusal::NoPerson => "geen-persoon",
            Refusal::Inactive => "geblokkeerd",
            Refusal::NotVouched => "organisatie",
            Refusal::Unreachable => "provider-onbereikbaar",
        }
    }

    /// The reason in Dutch, for the person or program that sent the token.
    pub fn message(&self) -> String {
        match self {
            Refusal::Malformed => "het token is geen geldig JWT, of gebruikt een algoritme dat niet wordt aanvaard (zoals none)".to_owned(),
            Refusal::Algorithm => "het token is ondertekend met een algoritme dat niet wordt aanvaard".to_owned(),
            Refusal::UnknownKey => "het token is ondertekend met een sleutel die de identiteitsprovider niet publiceert".to_owned(),
            Refusal::Signature => "de handtekening van het token klopt niet".to_owned(),
            Refusal::Expired => "het token is verlopen".to_owned(),
            Refusal::NotYetValid => "het token is nog niet geldig (nbf)".to_owned(),
            Refusal::Audience => "het token is niet voor deze dienst (audience)".to_owned(),
            Refusal::Issuer => "het token komt niet van een ingestelde identiteitsprovider (iss)".to_owned(),
            Refusal::Claim(claim) => format!("de claim {claim} van het token ontbreekt of heeft een ongeldige vorm"),
            Refusal::Nonce => "het ID-token hoort niet bij deze aanmelding (nonce)".to_owned(),
            Refusal::NoPerson => "het token noemt geen geldige persoon (1–64 letters, cijfers, -, _ of .)".to_owned(),
            Refusal::Inactive => "dit account mag niet aanmelden".to_owned(),
            Refusal::NotVouched => "deze identiteitsprovider mag niet aanmelden voor deze organisatie of persoon (de persoon werkt volgens de personenlijst niet voor een van de organisaties van de provider)".to_owned(),
            Refusal::Unreachable => "de identiteitsprovider is nu niet bereikbaar; probeer het zo opnieuw".to_owned(),
        }
    }
}

impl From<jsonwebtoken::errors::Error> for Refusal {
    fn from(e: jsonwebtoken::errors::Error) -> Refusal {
        use jsonwebtoken::errors::ErrorKind as K;
        match e.into_kind() {
            K::InvalidSignature => Refusal::Signature,
            K::ExpiredSignature => Refusal::Expired,
            K::ImmatureSignature => Refusal::NotYetValid,
            K::InvalidAudience => Refusal::Audience,
            K::InvalidIssuer => Refusal::Issuer,
            K::InvalidAlgorithm | K::MissingAlgorithm | K::UnsupportedAlgorithm => {
                Refusal::Algorithm
            }
            K::MissingRequiredClaim(c) | K::InvalidClaimFormat(c) => Refusal::Claim(c),
            _ => Refusal::Malformed,
        }
    }
}

/// What discovery tells about a provider (the fields we use).
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    /// The issuer (must equal the configured one).
    pub issuer: String,
    /// Where the browser logs in.
    pub authorization_endpoint: String,
    /// Where a code becomes tokens.
    pub token_endpoint: String,
    /// The signing keys.
    pub jwks_uri: String,
    /// The algorithms the provider signs ID tokens with.
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
}

impl Discovery {
    /// The asymmetric algorithms the provider announces (RS256 when it announces none, the
    /// OpenID Connect default).
    fn algorithms(&self) -> Vec<Algorithm> {
        let announced: Vec<Algorithm> = self
            .id_token_signing_alg_values_supported
            .iter()
            .filter_map(|a| a.parse::<Algorithm>().ok())
            .filter(|a| a.family() != AlgorithmFamily::Hmac)
            .collect();
        if self.id_token_signing_alg_values_supported.is_empty() {
            vec![Algorithm::RS256]
        } else {
            announced
        }
    }
}

/// Discovery and keys as last fetched.
#[derive(Debug, Default)]
struct Cache {
    discovery: Option<Arc<Discovery>>,
    keys: Vec<Jwk>,
    /// When keys (or discovery) were last asked for, successful or not.
    last_fetch: Option<Instant>,
}

/// One OpenID Connect provider: its configuration, and its endpoints and keys once fetched.
#[derive(Debug)]
pub struct Provider {
    config: ProviderConfig,
    http: reqwest::Client,
    cache: tokio::sync::Mutex<Cache>,
}

/// Whether `url` is HTTPS, or HTTP on this machine (development and tests).
fn secure_or_local(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    match url.scheme() {
        "https" => true,
        "http" => matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")),
        _ => false,
    }
}

impl Provider {
    /// A provider from its configuration; nothing is fetched yet (that happens at the first
    /// login or token, so the server starts while the provider is down). Refused: an issuer
    /// or redirect URL that is not HTTPS (HTTP only on loopback), an empty name.
    pub fn new(config: ProviderConfig) -> Result<Provider, String> {
        config.check()?;
        let http = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| {
                "de HTTP-client voor de identiteitsprovider is niet te maken".to_owned()
            })?;
        Ok(Provider {
            config,
            http,
            cache: tokio::sync::Mutex::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// The HTTP client for this provider (timeouts set, no redirects followed).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The provider's discovery document, fetched once.
    pub async fn discovery(&self) -> Result<Arc<Discovery>, Refusal> {
        let mut cache = self.cache.lock().await;
        self.ensure_discovery(&mut cache).await
    }

    async fn ensure_discovery(&self, cache: &mut Cache) -> Result<Arc<Discovery>, Refusal> {
        if let Some(d) = &cache.discovery {
            return Ok(d.clone());
        }
        if !may_fetch(cache.last_fetch) {
            return Err(Refusal::Unreachable);
        }
        cache.last_fetch = Some(instant_now());
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.config.issuer.trim_end_matches('/')
        );
        let d: Discovery = self.get_json(&url).await?;
        if d.issuer != self.config.issuer {
            tracing::warn!(
                provider = %self.config.name,
                "de discovery van de identiteitsprovider noemt een andere issuer dan ingesteld"
            );
            return Err(Refusal::Unreachable);
        }
        cache.keys = self.fetch_keys(&d.jwks_uri).await?;
        let d = Arc::new(d);
        cache.discovery = Some(d.clone());
        Ok(d)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, Refusal> {
        let response = self.http.get(url).send().await.map_err(|e| {
            tracing::warn!(provider = %self.config.name, fout = %e.without_url(), "identiteitsprovider niet bereikbaar");
            Refusal::Unreachable
        })?;
        if !response.status().is_success() {
            tracing::warn!(provider = %self.config.name, status = %response.status(), "identiteitsprovider antwoordt met een fout");
            return Err(Refusal::Unreachable);
        }
        response.json().await.map_err(|_| {
            tracing::warn!(provider = %self.config.name, "identiteitsprovider antwoordt onleesbaar");
            Refusal::Unreachable
        })
    }

    /// The provider's signing keys; keys we cannot read (another type, an encryption key)
    /// are left out rather than failing the set.
    async fn fetch_keys(&self, jwks_uri: &str) -> Result<Vec<Jwk>, Refusal> {
        #[derive(Deserialize)]
        struct Set {
            keys: Vec<Value>,
        }
        let set: Set = self.get_json(jwks_uri).await?;
        Ok(set
            .keys
            .into_iter()
            .filter_map(|k| serde_json::from_value::<Jwk>(k).ok())
            .filter(|k| {
                k.common
                    .public_key_use
                    .as_ref()
                    .is_none_or(|u| *u == PublicKeyUse::Signature)
            })
            .collect())
    }

    /// The key for a token's `kid` and algorithm, fetching the keys again (at most once per
    /// [`REFRESH_INTERVAL`]) when the `kid` is unknown.
    async fn key(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, Refusal> {
        let mut cache = self.cache.lock().await;
        let discovery = self.ensure_discovery(&mut cache).await?;
        if let Some(key) = pick(&cache.keys, kid, alg) {
            return key;
        }
        if !may_fetch(cache.last_fetch) {
            return Err(Refusal::UnknownKey);
        }
        cache.last_fetch = Some(instant_now());
        cache.keys = self.fetch_keys(&discovery.jwks_uri).await?;
        pick(&cache.keys, kid, alg).unwrap_or(Err(Refusal::UnknownKey))
    }

    /// Checks a token from this provider: signature, algorithm, `iss`, `aud` = `audience`,
    /// `exp`, `nbf` and (for an ID token) the `nonce`. Its claims when it passes.
    pub async fn validate(
        &self,
        token: &str,
        audience: &str,
        nonce: Option<&str>,
    ) -> Result<Map<String, Value>, Refusal> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| Refusal::Malformed)?;
        let discovery = self.discovery().await?;
        if !discovery.algorithms().contains(&header.alg) {
            return Err(Refusal::Algorithm);
        }
        let key = self.key(header.kid.as_deref(), header.alg).await?;
        let mut validation = Validation::new(header.alg);
        validation.algorithms = vec![header.alg];
        validation.leeway = LEEWAY;
        validation.validate_nbf = true;
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[audience]);
        validation.required_spec_claims = ["exp", "iss", "aud"]
            .into_iter()
            .map(str::to_owned)
            .collect::<HashSet<_>>();
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)?;
        if let Some(nonce) = nonce {
            let given = data.claims.get("nonce").and_then(Value::as_str);
            let same = given.is_some_and(|g| {
                bool::from(subtle::ConstantTimeEq::ct_eq(
                    g.as_bytes(),
                    nonce.as_bytes(),
                ))
            });
            if !same {
                return Err(Refusal::Nonce);
            }
        }
        Ok(data.claims)
    }
}

/// The key among `keys` for `kid` (or the only fitting one when the token names none),
/// checked to fit `alg`. `None` when there is none.
fn pick(keys: &[Jwk], kid: Option<&str>, alg: Algorithm) -> Option<Result<DecodingKey, Refusal>> {
    let fits = |k: &&Jwk| match kid {
        Some(kid) => k.common.key_id.as_deref() == Some(kid),
        None => true,
    };
    let candidates: Vec<&Jwk> = keys.iter().filter(fits).collect();
    let jwk = match (kid, candidates.as_slice()) {
        (Some(_), [first, ..]) => *first,
        (None, [only]) => *only,
        _ => return None,
    };
    if let Some(own) = &jwk.common.key_algorithm
        && own.to_string() != format!("{alg:?}")
    {
        return Some(Err(Refusal::Algorithm));
    }
    Some(match DecodingKey::from_jwk(jwk) {
        Ok(key) if key.family() == alg.family() => Ok(key),
        Ok(_) => Err(Refusal::Algorithm),
        Err(_) => Err(Refusal::UnknownKey),
    })
}

/// Whether the provider may be asked again (not within [`REFRESH_INTERVAL`] of the last time).
fn may_fetch(last: Option<Instant>) -> bool {
    last.is_none_or(|at| instant_now().saturating_duration_since(at) >= REFRESH_INTERVAL)
}

/// (The edge: the key cache's clock.)
#[allow(clippy::disallowed_methods)]
fn instant_now() -> Instant {
    Instant::now()
}

/// The person id in `claims`: the configured claim, else `sub`.
fn person_of(claims: &Map<String, Value>, names: &ClaimNames) -> Option<String> {
    claims
        .get(&names.person)
        .or_else(|| claims.get("sub"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The actor the claims of a checked token of `provider` name (see the module doc), or why
/// not. The provider vouches only for its own organisations: a person in the directory gets
/// the functions they hold there (and is refused when they hold none there), a token naming
/// another organisation is refused, and a person not in the directory holds the token's
/// functions for the provider's gemeente (region-wide when it names none).
pub async fn actor_from_claims(
    state: &AppState,
    provider: &ProviderConfig,
    claims: &Map<String, Value>,
    via: Via,
) -> Result<Actor, Refusal> {
    let names = &provider.claims;
    let person = person_of(claims, names).ok_or(Refusal::NoPerson)?;
    let person = ave_engine::ids::PersonId::parse(person)
        .map_err(|_| Refusal::NoPerson)?
        .as_str()
        .to_owned();
    let organisation = match claims.get(&names.organisation) {
        None | Some(Value::Null) => None,
        Some(Value::String(o)) if !o.is_empty() => Some(o.clone()),
        Some(_) => return Err(Refusal::Claim(names.organisation.clone())),
    };
    if organisation
        .as_ref()
        .is_some_and(|o| !provider.organisations.contains(o))
    {
        return Err(Refusal::NotVouched);
    }
    let found = state.store.person(&person).await.map_err(|e| {
        tracing::warn!(error = %e, "de personenlijst is niet te lezen");
        Refusal::Unreachable
    })?;
    if let Some(mut found) = found {
        if !found.active {
            return Err(Refusal::Inactive);
        }
        found
            .memberships
            .retain(|m| provider.organisations.contains(&m.organisation));
        if found.memberships.is_empty() {
            return Err(Refusal::NotVouched);
        }
        return Ok(Actor::of(&found, organisation.as_deref(), via));
    }
    let functions: Vec<String> = match claims.get(&names.functions) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(f)) => vec![f.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Refusal::Claim(names.functions.clone()))?,
        Some(_) => return Err(Refusal::Claim(names.functions.clone())),
    };
    let mut actor = Actor::bare(&person, via);
    if let Some(name) = claims.get("name").and_then(Value::as_str) {
        actor.name = name.to_owned();
    }
    // Functions only count for an organisation: without one the token grants none.
    if let Some(o) = &organisation {
        actor.memberships = functions
            .into_iter()
            .filter(|f| !f.is_empty())
            .map(|function| Membership {
                organisation: o.clone(),
                gemeente: provider.gemeente.clone(),
                function,
            })
            .collect();
    }
    actor.organisation = organisation;
    Ok(actor)
}

/// Whether a token checked before has expired since (`exp` past, beyond [`LEEWAY`]), read
/// without checking the signature again — for a token found in the cache of checked tokens,
/// so that a cached one is not served past its `exp`. A token whose `exp` cannot be read
/// counts as expired (it is then checked whole again).
pub fn expired(token: &str) -> bool {
    #[derive(Deserialize)]
    struct Exp {
        exp: i64,
    }
    let Ok(claims) = jsonwebtoken::dangerous::insecure_decode_claims::<Exp>(token) else {
        return true;
    };
    let leeway = i64::try_from(LEEWAY).unwrap_or(60);
    crate::now().timestamp() > claims.exp.saturating_add(leeway)
}

/// The issuer a token claims, read without checking anything (only to choose the provider
/// whose keys then check it).
fn claimed_issuer(token: &str) -> Result<String, Refusal> {
    #[derive(Deserialize)]
    struct Iss {
        iss: String,
    }
    jsonwebtoken::dangerous::insecure_decode_claims::<Iss>(token)
        .map(|c| c.iss)
        .map_err(|_| Refusal::Malformed)
}

/// The [`BearerVerifier`] for JWT access tokens from the configured providers that name an
/// audience.
#[derive(Debug, Clone)]
pub struct JwtVerifier {
    providers: Vec<Arc<Provider>>,
}

impl JwtVerifier {
    /// A verifier over the providers that accept API tokens (those with an audience).
    pub fn new(providers: &[Arc<Provider>]) -> JwtVerifier {
        JwtVerifier {
            providers: providers
                .iter()
                .filter(|p| p.config.audience.is_some())
                .cloned()
                .collect(),
        }
    }

    /// Whether any provider accepts API tokens.
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    async fn check(&self, token: &str, state: &AppState) -> Result<Actor, Refusal> {
        let iss = claimed_issuer(token)?;
        let Some((provider, audience)) = self.providers.iter().find_map(|p| {
            let audience = p.config.audience.as_deref()?;
            (p.config.issuer == iss).then_some((p, audience))
        }) else {
            return Err(Refusal::Issuer);
        };
        let claims = provider.validate(token, audience, None).await?;
        actor_from_claims(state, &provider.config, &claims, Via::Bearer).await
    }
}

impl BearerVerifier for JwtVerifier {
    fn verify<'a>(
        &'a self,
        token: &'a str,
        state: &'a AppState,
    ) -> Pin<Box<dyn Future<Output = Result<Actor, String>> + Send + 'a>> {
        Box::pin(async move {
            match self.check(token, state).await {
                Ok(actor) => Ok(actor),
                Err(refusal) => {
                    audit(
                        state,
                        "onbekend",
                        "token-geweigerd",
                        "token",
                        refusal.code(),
                    )
                    .await;
                    Err(refusal.message())
                }
            }
        })
    }
}

/// Writes one entry to the security audit log; a failure to write is logged, not shown.
pub(crate) async fn audit(state: &AppState, actor: &str, action: &str, object: &str, result: &str) {
    audit_from(state, actor, "onbekend", action, object, result).await;
}

/// [`audit`] with the client's address.
pub(crate) async fn audit_from(
    state: &AppState,
    actor: &str,
    origin: &str,
    action: &str,
    object: &str,
    result: &str,
) {
    let entry = AuditEntry {
        at: crate::now(),
        actor: actor.to_owned(),
        origin: origin.to_owned(),
        action: action.to_owned().into(),
        object: object.to_owned(),
        result: result.to_owned().into(),
    };
    if let Err(e) = state.store.audit_append(&[entry]).await {
        tracing::warn!(error = %e, actie = action, "het auditlog is niet bij te werken");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_this_machine_is_accepted_as_a_provider_address() {
        for ok in [
            "https://login.gemeente.nl/realms/ave",
            "http://127.0.0.1:8443",
            "http://localhost:9000/x",
            "http://[::1]:80",
        ] {
            assert!(secure_or_local(ok), "{ok}");
        }
        for bad in [
            "http://login.gemeente.nl",
            "http://10.0.0.1",
            "ftp://localhost",
            "geen url",
        ] {
            assert!(!secure_or_local(bad), "{bad}");
        }
    }

    #[test]
    fn symmetric_algorithms_are_never_accepted_even_when_announced() {
        let d = Discovery {
            issuer: "https://idp".into(),
            authorization_endpoint: String::new(),
            token_endpoint: String::new(),
            jwks_uri: String::new(),
            id_token_signing_alg_values_supported: vec![
                "HS256".into(),
                "none".into(),
                "RS256".into(),
                "ES256".into(),
            ],
        };
        assert_eq!(d.algorithms(), vec![Algorithm::RS256, Algorithm::ES256]);
    }

    #[test]
    fn every_refusal_has_a_code_and_a_dutch_reason() {
        assert_eq!(Refusal::Expired.message(), "het token is verlopen");
        assert_eq!(
            Refusal::Audience.message(),
            "het token is niet voor deze dienst (audience)"
        );
        assert_eq!(
            Refusal::Signature.message(),
            "de handtekening van het token klopt niet"
        );
        assert_eq!(Refusal::Claim("exp".into()).code(), "claim");
    }

    #[test]
    fn a_cached_token_counts_as_expired_once_its_exp_is_past_the_leeway() {
        let token = |exp: i64| {
            jsonwebtoken::encode(
                &jsonwebtoken::Header::default(),
                &serde_json::json!({ "exp": exp }),
                &jsonwebtoken::EncodingKey::from_secret(b"alleen-voor-deze-test").expect("key"),
            )
            .expect("token")
        };
        let now = crate::now().timestamp();
        assert!(!expired(&token(now + 300)));
        assert!(!expired(&token(now - 30)), "within the leeway");
        assert!(expired(&token(now - 600)));
        assert!(expired("geen.jwt"), "unreadable counts as expired");
    }

    #[test]
    fn the_client_secret_is_not_in_debug_output() {
        let c = ProviderConfig {
            name: "test".into(),
            issuer: "https://idp".into(),
            client_id: "ave".into(),
            client_secret: "heel-geheim".into(),
            redirect_url: None,
            audience: None,
            scope: "openid".into(),
            claims: ClaimNames::default(),
            organisations: vec!["gemeente".into()],
            gemeente: None,
        };
        assert!(!format!("{c:?}").contains("heel-geheim"));
    }
}
