//! Sign-on against a real OpenID Connect provider: `tests/oidc-provider` (the npm package
//! `oidc-provider`, run with Node.js) on a random port, and our server on a real TCP port, so
//! that the provider's redirects reach our callback. The browser is an HTTP client that
//! follows every redirect by hand and fills in the provider's login and consent forms.
//!
//! Without Node.js (or without `npm ci` in `tests/oidc-provider`) these tests say so and
//! pass; with `AVE_REQUIRE_OIDC=1` (as in `.ci/run`) they fail instead.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use ave_server::auth::Auth;
use ave_server::auth::jwt::{ClaimNames, Provider, ProviderConfig};
use ave_server::{AppState, router};
use ave_store::Store;
use ave_store::identity::{Membership, Organisation, Person};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

const AUDIENCE: &str = "urn:ave:api";
const PERSON: &str = "consulent-7";
/// A person of an organisation the test provider does not vouch for.
const ELSEWHERE: &str = "beheerder-elders";

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc-provider")
}

/// Whether the provider can run here; if not, a skip (or, under `AVE_REQUIRE_OIDC=1`, a
/// failure) with the reason.
fn provider_available() -> bool {
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let installed = provider_dir().join("node_modules/oidc-provider").is_dir();
    let reason = match (node, installed) {
        (true, true) => return true,
        (false, _) => "node (Node.js) is niet gevonden",
        (true, false) => "tests/oidc-provider heeft geen node_modules: draai daar `npm ci`",
    };
    if std::env::var("AVE_REQUIRE_OIDC").is_ok_and(|v| v == "1") {
        panic!("AVE_REQUIRE_OIDC=1, maar {reason}");
    }
    eprintln!("OIDC-test overgeslagen: {reason}");
    false
}

/// The provider and our server, both running; both stop when this is dropped.
struct World {
    /// Our server, e.g. `http://127.0.0.1:1234`.
    base: String,
    issuer: String,
    store: Store,
    _idp: tokio::process::Child,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Drop for World {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl World {
    /// The provider started with our callback, our server with the provider configured, and
    /// [`PERSON`] in the directory as casusregisseur at gemeente-oss.
    async fn start() -> Option<World> {
        if !provider_available() {
            return None;
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let callback = format!("{base}/aanmelden/sso/test/terug");

        let mut idp = tokio::process::Command::new("node")
            .arg("provider.mjs")
            .arg(&callback)
            .arg(AUDIENCE)
            .current_dir(provider_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("node provider.mjs");
        let stdout = idp.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the provider starts within 30 s")
            .expect("read")
            .expect("a line");
        let issuer = first
            .strip_prefix("issuer ")
            .expect("`issuer URL`")
            .to_owned();
        let http = reqwest::Client::new();
        let discovery = format!("{issuer}/.well-known/openid-configuration");
        let mut ready = false;
        for _ in 0..100 {
            if http
                .get(&discovery)
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(ready, "the provider answers discovery");

        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("ave.sqlite").display());
        let store = Store::open(&url).await.expect("open");
        store.migrate().await.expect("migrate");
        for (id, name) in [
            ("gemeente-oss", "Gemeente Oss"),
            ("gemeente-elders", "Gemeente Elders"),
        ] {
            store
                .put_organisation(
                    &Organisation {
                        id: id.into(),
                        name: name.into(),
                    },
                    None,
                )
                .await
                .expect("organisation");
        }
        store
            .put_person(
                &Person {
                    id: PERSON.into(),
                    name: "Consulent Zeven".into(),
                    admin: false,
                    privacy: false,
                    active: true,
                    memberships: vec![Membership {
                        organisation: "gemeente-oss".into(),
                        gemeente: None,
                        function: "casusregisseur".into(),
                    }],
                },
                Default::default(),
            )
            .await
            .expect("person");

        // A person of another organisation, whom this provider does not vouch for: the
        // provider names them (its test accounts are whatever name is typed), and is refused.
        store
            .put_person(
                &Person {
                    id: ELSEWHERE.into(),
                    name: "Beheerder Elders".into(),
                    admin: true,
                    privacy: false,
                    active: true,
                    memberships: vec![Membership {
                        organisation: "gemeente-elders".into(),
                        gemeente: None,
                        function: "casusregisseur".into(),
                    }],
                },
                Default::default(),
            )
            .await
            .expect("person elsewhere");
        let provider = Provider::new(ProviderConfig {
            name: "test".into(),
            issuer: issuer.clone(),
            client_id: "ave-regie".into(),
            client_secret: "ave-regie-geheim".into(),
            redirect_url: Some(callback),
            audience: Some(AUDIENCE.into()),
            scope: "openid".into(),
            claims: ClaimNames::default(),
            organisations: vec!["gemeente-oss".into()],
            gemeente: None,
        })
        .expect("provider");
        let state =
            AppState::new(store.clone()).with_auth(Auth::with_providers(vec![Arc::new(provider)]));
        let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Some(World {
            base,
            issuer,
            store,
            _idp: idp,
            server,
            _dir: dir,
        })
    }

    /// Who the server says is logged in with these headers.
    async fn ik(&self, headers: &[(header::HeaderName, String)]) -> (StatusCode, HeaderMap, Value) {
        let mut request = client().get(format!("{}/api/v1/ik", self.base));
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let response = request.send().await.expect("ik");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, headers, body)
    }

    async fn with_bearer(&self, token: &str) -> (StatusCode, HeaderMap, Value) {
        self.ik(&[(header::AUTHORIZATION, format!("Bearer {token}"))])
            .await
    }

    /// A client_credentials access token from the provider for `resource`.
    async fn client_token(&self, resource: &str) -> String {
        let response = client()
            .post(format!("{}/token", self.issuer))
            .basic_auth("ave-koppeling", Some("ave-koppeling-geheim"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("scope", "api"),
                ("resource", resource),
            ])
            .send()
            .await
            .expect("token request");
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.expect("json");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    async fn audit(&self) -> Vec<ave_store::audit::AuditEntry> {
        self.store
            .audit_entries(0, 1000)
            .await
            .expect("audit")
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    }
}

/// An HTTP client that follows no redirects and keeps no cookies (the tests do both by
/// hand, to see every step).
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The `Set-Cookie` headers of a response.
fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .collect()
}

/// The value a response sets for cookie `name`, with the cookie's whole line.
fn cookie_set(headers: &HeaderMap, name: &str) -> Option<(String, String)> {
    set_cookies(headers).into_iter().find_map(|line| {
        let (pair, _) = line.split_once(';').unwrap_or((&line, ""));
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name && !v.is_empty()).then(|| (v.to_owned(), line.clone()))
    })
}

/// The provider's cookies, by name (paths are ignored: the names are distinct enough).
#[derive(Default)]
struct Jar(HashMap<String, String>);

impl Jar {
    fn take(&mut self, headers: &HeaderMap) {
        for line in set_cookies(headers) {
            let lower = line.to_ascii_lowercase();
            let (pair, _) = line.split_once(';').unwrap_or((&line, ""));
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            if v.is_empty() || lower.contains("expires=thu, 01 jan 1970") {
                self.0.remove(k.trim());
            } else {
                self.0.insert(k.trim().to_owned(), v.to_owned());
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The value of attribute `attr` of the first tag in `html` that has `marker` in it.
fn attribute(html: &str, marker: &str, attr: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let key = format!("{attr}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].replace("&amp;", "&"))
}

/// The browser at the provider: from the authorization URL through the login form (as
/// `login`) and the consent form, until the provider sends it to `callback`; that URL.
async fn through_the_provider(authorize: &str, callback: &str, login: &str) -> String {
    let http = client();
    let mut jar = Jar::default();
    let mut next: (String, Option<Vec<(&str, String)>>) = (authorize.to_owned(), None);
    for _ in 0..20 {
        let (url, form) = &next;
        let request = match form {
            None => http.get(url),
            Some(form) => http.post(url).form(form),
        };
        let response = request
            .header(header::COOKIE, jar.header())
            .send()
            .await
            .expect("provider");
        jar.take(response.headers());
        let here = response.url().clone();
        if response.status().is_redirection() {
            let location = response.headers()[header::LOCATION]
                .to_str()
                .expect("ascii");
            let target = here.join(location).expect("url").to_string();
            if target.starts_with(callback) {
                return target;
            }
            next = (target, None);
            continue;
        }
        let status = response.status();
        let html = response.text().await.expect("html");
        assert_eq!(status, StatusCode::OK, "{html}");
        let action = attribute(&html, "method=\"post\"", "action").expect("a form");
        let action = here.join(&action).expect("url").to_string();
        let prompt = attribute(&html, "name=\"prompt\"", "value").expect("prompt");
        let form = match prompt.as_str() {
            "login" => vec![
                ("prompt", "login".to_owned()),
                ("login", login.to_owned()),
                ("password", "wat-dan-ook".to_owned()),
            ],
            "consent" => vec![("prompt", "consent".to_owned())],
            other => panic!("unexpected prompt {other}"),
        };
        next = (action, Some(form));
    }
    panic!("the provider never sent the browser back");
}

/// Starts a login at our server: the provider's authorization URL and our binding cookie.
async fn begin(world: &World) -> (String, String) {
    let response = client()
        .get(format!("{}/aanmelden/sso/test", world.base))
        .send()
        .await
        .expect("start");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(location.starts_with(&world.issuer), "{location}");
    for needle in [
        "code_challenge_method=S256",
        "code_challenge=",
        "nonce=",
        "state=",
        "response_type=code",
    ] {
        assert!(location.contains(needle), "{needle} in {location}");
    }
    let (binding, line) = cookie_set(response.headers(), "__Host-ave-sso").expect("binding");
    assert!(
        line.contains("HttpOnly") && line.contains("Secure"),
        "{line}"
    );
    (location, binding)
}

fn assert_unauthenticated(status: StatusCode, headers: &HeaderMap, body: &Value, reason: &str) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_eq!(body["code"], "niet-aangemeld", "{body}");
    let detail = body["detail"].as_str().expect("detail");
    assert!(detail.contains(reason), "{detail:?} should say {reason:?}");
}

#[tokio::test]
async fn a_person_logs_in_at_the_provider_and_the_session_acts_as_them() {
    let Some(world) = World::start().await else {
        return;
    };
    let callback = format!("{}/aanmelden/sso/test/terug", world.base);
    let (authorize, binding) = begin(&world).await;
    let back = through_the_provider(&authorize, &callback, PERSON).await;
    assert!(back.contains("code=") && back.contains("state="), "{back}");

    let response = client()
        .get(&back)
        .header(header::COOKIE, format!("__Host-ave-sso={binding}"))
        .send()
        .await
        .expect("callback");
    let status = response.status();
    let headers = response.headers().clone();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        response.text().await.unwrap_or_default()
    );
    assert_eq!(headers[header::LOCATION], "/");
    let (session, line) = cookie_set(&headers, "__Host-ave-sessie").expect("a session cookie");
    for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(line.contains(attr), "{attr} in {line}");
    }
    assert!(
        !line.contains("Domain"),
        "a __Host- cookie has no Domain: {line}"
    );

    let (status, _, me) = world
        .ik(&[(header::COOKIE, format!("__Host-ave-sessie={session}"))])
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["persoon"], PERSON);
    assert_eq!(me["naam"], "Consulent Zeven", "the directory's name");
    assert_eq!(me["organisatie"], "gemeente-oss");
    assert_eq!(
        me["functies"],
        json!([{"organisatie": "gemeente-oss", "functie": "casusregisseur"}]),
        "the directory's functions, not the token's `consulent`"
    );
    assert_eq!(me["aanmelding"], "sessie");
    assert!(me["csrfToken"].is_string());

    // The provider's answer works once.
    let again = client()
        .get(&back)
        .header(header::COOKIE, format!("__Host-ave-sso={binding}"))
        .send()
        .await
        .expect("replay");
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(cookie_set(again.headers(), "__Host-ave-sessie").is_none());
    let body: Value = again.json().await.expect("problem");
    assert_eq!(body["code"], "aanmelden-mislukt");

    let audit = world.audit().await;
    assert!(
        audit.iter().any(|e| e.action == "aanmelden"
            && e.object == format!("account/{PERSON}")
            && e.result == "ok"
            && e.origin == "127.0.0.1"),
        "{audit:?}"
    );
    assert!(
        audit
            .iter()
            .any(|e| e.action == "aanmelden" && e.result == "mislukt"),
        "the replay is logged"
    );
    let code = back
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .expect("code");
    assert!(
        !format!("{audit:?}").contains(code),
        "the code is never logged"
    );
}

#[tokio::test]
async fn a_person_unknown_to_the_directory_gets_the_functions_the_provider_names() {
    let Some(world) = World::start().await else {
        return;
    };
    let callback = format!("{}/aanmelden/sso/test/terug", world.base);
    let (authorize, binding) = begin(&world).await;
    let back = through_the_provider(&authorize, &callback, "nieuw-1").await;
    let response = client()
        .get(&back)
        .header(header::COOKIE, format!("__Host-ave-sso={binding}"))
        .send()
        .await
        .expect("callback");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (session, _) =
        cookie_set(response.headers(), "__Host-ave-sessie").expect("a session cookie");
    let (status, _, me) = world
        .ik(&[(header::COOKIE, format!("__Host-ave-sessie={session}"))])
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["persoon"], "nieuw-1");
    assert_eq!(me["naam"], "Test nieuw-1");
    assert_eq!(
        me["functies"],
        json!([{"organisatie": "gemeente-oss", "functie": "consulent"}])
    );
}

/// A provider vouches only for its own organisations: a person whom the directory places in
/// another organisation (here an administrator elsewhere) gets no session through it, and
/// the refusal is logged with its reason.
#[tokio::test]
async fn the_provider_logs_in_no_one_of_an_organisation_it_does_not_vouch_for() {
    let Some(world) = World::start().await else {
        return;
    };
    let callback = format!("{}/aanmelden/sso/test/terug", world.base);
    let (authorize, binding) = begin(&world).await;
    let back = through_the_provider(&authorize, &callback, ELSEWHERE).await;
    let response = client()
        .get(&back)
        .header(header::COOKIE, format!("__Host-ave-sso={binding}"))
        .send()
        .await
        .expect("callback");
    assert!(
        cookie_set(response.headers(), "__Host-ave-sessie").is_none(),
        "no session"
    );
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("problem");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("niet aanmelden voor deze organisatie")),
        "{body}"
    );
    let audit = world.audit().await;
    assert!(
        audit.iter().any(|e| e.action == "aanmelden"
            && e.object == format!("account/{ELSEWHERE}")
            && e.result != "ok"),
        "{audit:?}"
    );
}

#[tokio::test]
async fn a_callback_with_a_bad_state_or_from_another_browser_starts_no_session() {
    let Some(world) = World::start().await else {
        return;
    };
    let callback = format!("{}/aanmelden/sso/test/terug", world.base);
    let (authorize, binding) = begin(&world).await;

    let wrong = client()
        .get(format!("{callback}?code=abc&state=verzonnen"))
        .header(header::COOKIE, format!("__Host-ave-sso={binding}"))
        .send()
        .await
        .expect("callback");
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        wrong.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert!(cookie_set(wrong.headers(), "__Host-ave-sessie").is_none());
    let body: Value = wrong.json().await.expect("problem");
    assert_eq!(body["code"], "aanmelden-mislukt");

    // The provider's real answer, opened in a browser without the binding cookie (login
    // CSRF): refused, and the state is spent.
    let back = through_the_provider(&authorize, &callback, PERSON).await;
    let elsewhere = client().get(&back).send().await.expect("callback");
    assert_eq!(elsewhere.status(), StatusCode::BAD_REQUEST);
    assert!(cookie_set(elsewhere.headers(), "__Host-ave-sessie").is_none());
    let body: Value = elsewhere.json().await.expect("problem");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("andere browser")),
        "{body}"
    );
    let late = client()
        .get(&back)
        .header(header::COOKIE, format!("__Host-ave-sso={binding}"))
        .send()
        .await
        .expect("callback");
    assert_eq!(late.status(), StatusCode::BAD_REQUEST, "the state is spent");

    let missing = client()
        .get(format!("{callback}?code=abc"))
        .send()
        .await
        .expect("callback");
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);

    let unknown = client()
        .get(format!("{}/aanmelden/sso/bestaat-niet", world.base))
        .send()
        .await
        .expect("unknown provider");
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

/// A token signed with `pem` (RS256, key id `kid`) carrying `claims`.
fn signed(pem: &str, kid: &str, claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(
        &std::fs::read(provider_dir().join("keys").join(pem)).expect("key file"),
    )
    .expect("rsa key");
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

fn claims(world: &World, exp_from_now: i64) -> Value {
    let now = jsonwebtoken::get_current_timestamp() as i64;
    json!({
        "iss": world.issuer,
        "aud": AUDIENCE,
        "sub": "koppeling-2",
        "ave_persoon": "koppeling-2",
        "organisatie": "gemeente-oss",
        "functies": ["consulent"],
        "iat": now,
        "exp": now + exp_from_now,
    })
}

#[tokio::test]
async fn bearer_tokens_are_accepted_only_when_the_provider_signed_them_for_us_and_they_are_current()
{
    let Some(world) = World::start().await else {
        return;
    };

    let token = world.client_token(AUDIENCE).await;
    let (status, _, me) = world.with_bearer(&token).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["persoon"], "koppeling-1");
    assert_eq!(me["aanmelding"], "bearer");
    // The scheme's name is case-insensitive.
    let (status, _, me) = world
        .ik(&[(header::AUTHORIZATION, format!("BEARER {token}"))])
        .await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        me["functies"],
        json!([{"organisatie": "gemeente-oss", "functie": "consulent"}])
    );

    // Signed by the provider's own key, as the provider would: accepted.
    let ours = signed("provider.pem", "ave-test-1", &claims(&world, 300));
    let (status, _, me) = world.with_bearer(&ours).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["persoon"], "koppeling-2");

    let other_audience = world.client_token("urn:ave:ander").await;
    let (s, h, b) = world.with_bearer(&other_audience).await;
    assert_unauthenticated(s, &h, &b, "niet voor deze dienst (audience)");

    let expired = signed("provider.pem", "ave-test-1", &claims(&world, -600));
    let (s, h, b) = world.with_bearer(&expired).await;
    assert_unauthenticated(s, &h, &b, "het token is verlopen");

    let forged = signed("forger.pem", "ave-test-1", &claims(&world, 300));
    let (s, h, b) = world.with_bearer(&forged).await;
    assert_unauthenticated(s, &h, &b, "de handtekening van het token klopt niet");

    let unknown_key = signed("forger.pem", "vervalst", &claims(&world, 300));
    let (s, h, b) = world.with_bearer(&unknown_key).await;
    assert_unauthenticated(s, &h, &b, "sleutel");

    let mut elsewhere = claims(&world, 300);
    elsewhere["iss"] = json!("http://127.0.0.1:1");
    let other_issuer = signed("provider.pem", "ave-test-1", &elsewhere);
    let (s, h, b) = world.with_bearer(&other_issuer).await;
    assert_unauthenticated(s, &h, &b, "(iss)");

    let segment = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let none = format!(
        "{}.{}.",
        segment(&json!({"alg": "none", "typ": "JWT"})),
        segment(&claims(&world, 300))
    );
    let (s, h, b) = world.with_bearer(&none).await;
    assert_unauthenticated(s, &h, &b, "none");

    // HS256 with the provider's public key as the shared secret (the classic confusion).
    let jwks: Value = serde_json::from_str(
        &std::fs::read_to_string(provider_dir().join("keys/provider.jwks.json")).expect("jwks"),
    )
    .expect("json");
    let public = jwks["keys"][0]["n"].as_str().expect("n");
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("ave-test-1".into());
    let confused = jsonwebtoken::encode(
        &header,
        &claims(&world, 300),
        &EncodingKey::from_secret(public.as_bytes()).expect("secret"),
    )
    .expect("sign");
    let (s, h, b) = world.with_bearer(&confused).await;
    assert_unauthenticated(s, &h, &b, "algoritme");

    let (s, h, b) = world.with_bearer("geen.jwt").await;
    assert_unauthenticated(s, &h, &b, "geen geldig JWT");

    let audit = world.audit().await;
    let refused: Vec<&str> = audit
        .iter()
        .filter(|e| e.action == "token-geweigerd")
        .map(|e| e.result.as_ref())
        .collect();
    for code in [
        "audience",
        "verlopen",
        "handtekening",
        "sleutel-onbekend",
        "uitgever",
        "vorm",
        "algoritme",
    ] {
        assert!(refused.contains(&code), "{code} in {refused:?}");
    }
    let logged = format!("{audit:?}");
    for secret in [&token, &forged, &expired] {
        let signature = secret.rsplit('.').next().expect("signature");
        assert!(!logged.contains(signature), "a token reached the audit log");
    }
}
