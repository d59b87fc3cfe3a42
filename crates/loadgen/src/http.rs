//! The HTTP client of the generator: hyper's pooled client over plain HTTP/1.1 with
//! keep-alive, one per target. A request's body is read to the end before its latency is
//! taken, so a latency covers the whole answer.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::LoadError;

/// A target service: its base URL and a pooled client.
#[derive(Debug, Clone)]
pub struct Target {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
    tokens: std::sync::Arc<crate::tokens::Tokens>,
    sessions: std::sync::Arc<crate::sessions::Sessions>,
}

/// An answer: status, headers of interest and body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status.
    pub status: StatusCode,
    /// The `ETag`, if any.
    pub etag: Option<String>,
    /// The `Location`, if any.
    pub location: Option<String>,
    /// The `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The `Content-Encoding`, if any (`gzip` when the body came compressed).
    pub content_encoding: Option<String>,
    /// The body.
    pub body: Bytes,
}

/// How a request is authenticated: a person's API token (the API), or their session cookie
/// (the pages); `Token(None)` sends neither.
#[derive(Debug, Clone, Copy)]
enum Credential<'a> {
    Token(Option<&'a str>),
    Session(&'a str),
}

/// Why a request got no answer (a transport failure; an answer with an error status is an
/// [`Answer`]).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

impl Target {
    /// A target at `base` (`http://127.0.0.1:8080`), keeping up to `connections` idle
    /// connections open.
    pub fn new(base: &str, connections: usize) -> Result<Target, LoadError> {
        let base = base.trim_end_matches('/').to_owned();
        let uri: Uri = base.parse().map_err(|_| LoadError::Target(base.clone()))?;
        if uri.scheme_str() != Some("http") || uri.host().is_none() {
            return Err(LoadError::Target(base));
        }
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(connections)
            .build(connector);
        Ok(Target {
            base,
            client,
            tokens: std::sync::Arc::default(),
            sessions: std::sync::Arc::default(),
        })
    }

    /// This target, authenticating each request as its person with these API tokens.
    pub fn with_tokens(mut self, tokens: std::sync::Arc<crate::tokens::Tokens>) -> Target {
        self.tokens = tokens;
        self
    }

    /// This target, sending each page request with its person's session cookie.
    pub fn with_sessions(mut self, sessions: std::sync::Arc<crate::sessions::Sessions>) -> Target {
        self.sessions = sessions;
        self
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET path`.
    pub async fn get(&self, path: &str, person: Option<&str>) -> Result<Answer, TransportError> {
        self.send(Method::GET, path, Credential::Token(person), &[], None)
            .await
    }

    /// `GET path` as a browser of `person` asks for a page: with their session cookie (no
    /// API token), `Accept: text/html`, and `Accept-Encoding: gzip` when `gzip`. The body
    /// is returned as it came (compressed when the server compressed it).
    pub async fn page(
        &self,
        path: &str,
        person: &str,
        gzip: bool,
    ) -> Result<Answer, TransportError> {
        let mut headers = vec![("accept", "text/html")];
        if gzip {
            headers.push(("accept-encoding", "gzip"));
        }
        self.send(
            Method::GET,
            path,
            Credential::Session(person),
            &headers,
            None,
        )
        .await
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(
        &self,
        path: &str,
        person: Option<&str>,
        if_match: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<Answer, TransportError> {
        let bytes = serde_json::to_vec(body).map_err(|e| TransportError(e.to_string()))?;
        let headers: Vec<(&str, &str)> = if_match.map(|v| ("if-match", v)).into_iter().collect();
        self.send(
            Method::POST,
            path,
            Credential::Token(person),
            &headers,
            Some(Bytes::from(bytes)),
        )
        .await
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        credential: Credential<'_>,
        headers: &[(&str, &str)],
        body: Option<Bytes>,
    ) -> Result<Answer, TransportError> {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path));
        match credential {
            Credential::Token(person) => {
                if let Some(token) = person.and_then(|p| self.tokens.get(p)) {
                    builder = builder.header("authorization", format!("Bearer {token}"));
                }
            }
            Credential::Session(person) => {
                if let Some(cookie) = self.sessions.get(person) {
                    builder = builder.header(
                        "cookie",
                        format!("{}={cookie}", crate::sessions::SESSION_COOKIE),
                    );
                }
            }
        }
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = match body {
            Some(b) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(Full::new(b)),
            None => builder.body(Full::new(Bytes::new())),
        }
        .map_err(|e| TransportError(e.to_string()))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| TransportError(e.to_string()))?;
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header("etag");
        let location = header("location");
        let content_type = header("content-type");
        let content_encoding = header("content-encoding");
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| TransportError(e.to_string()))?
            .to_bytes();
        Ok(Answer {
            status,
            etag,
            location,
            content_type,
            content_encoding,
            body,
        })
    }
}
