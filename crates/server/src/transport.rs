//! How requests reach the server: plain HTTP on loopback, HTTPS (rustls, TLS 1.2 and 1.3, no
//! client certificates) anywhere, or plain HTTP behind a declared reverse proxy that speaks
//! HTTPS to the world. Plain HTTP on a public address is refused at start-up
//! ([`check`]): care and safety data never crosses a network unencrypted.
//!
//! Behind a proxy, `X-Forwarded-For` and `X-Forwarded-Proto` are believed only from the
//! proxy's own address; from anyone else they are removed, so no handler can be fooled
//! about who is calling. Every response over TLS or through the proxy carries
//! `Strict-Transport-Security`.
//!
//! Headers are bounded twice: hyper reads at most [`READ_BUFFER`] bytes of a request head
//! (so huge headers cannot exhaust memory), and [`edge`] answers a head over
//! [`MAX_HEADERS_TOTAL`] (or one header over [`MAX_HEADER`]) with a Dutch 431 problem.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tower::ServiceExt;

use crate::ServeError;
use crate::problem::Problem;

/// The most bytes all request headers together may take (names, values, separators).
pub const MAX_HEADERS_TOTAL: usize = 16 * 1024;
/// The most bytes one request header may take.
pub const MAX_HEADER: usize = 8 * 1024;
/// hyper's read buffer: a request head (request line and headers) larger than this is
/// refused by hyper itself (431 without a body) before it reaches the router.
pub const READ_BUFFER: usize = 64 * 1024;
/// The most headers one request may have.
const MAX_HEADER_COUNT: usize = 128;
/// How long a client may take to send its request head, or to finish the TLS handshake.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a graceful shutdown waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(20);

/// The value of `Strict-Transport-Security`: a year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// How the server is reached; decides HSTS and whose forwarding headers are believed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Transport {
    /// The server itself speaks TLS.
    pub tls: bool,
    /// The reverse proxy in front, by address: its `X-Forwarded-*` headers are believed.
    pub trusted_proxy: Option<IpAddr>,
}

/// The certificate chain and private key (PEM files) the server presents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, the server's own certificate first.
    pub cert: PathBuf,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The address to listen on.
    pub addr: SocketAddr,
    /// Serve HTTPS with these files.
    pub tls: Option<TlsFiles>,
    /// A reverse proxy at this address terminates TLS in front of the server.
    pub trusted_proxy: Option<IpAddr>,
    /// The key that encrypts data subject ids in the processing log; a random one (whose
    /// records cannot be read after a restart) when absent.
    pub subject_key: Option<ave_store::processing::SubjectKey>,
    /// How requests are authenticated (identity providers for sign-on and bearer tokens).
    pub auth: std::sync::Arc<crate::auth::Auth>,
    /// The gemeenten's themes for the pages.
    pub themes: std::sync::Arc<crate::web::theme::Themes>,
    /// Deliver meldingen by e-mail over this SMTP server too (`[smtp]`).
    pub mail: Option<crate::mail::MailConfig>,
    /// Sign the security audit log's head with this key at this interval, and when stopping.
    pub checkpoints: Option<crate::checkpoints::CheckpointSigning>,
}

impl ServeOptions {
    /// Plain HTTP on `addr` (which must then be loopback).
    pub fn plain(addr: SocketAddr) -> ServeOptions {
        ServeOptions {
            addr,
            tls: None,
            trusted_proxy: None,
            subject_key: None,
            auth: std::sync::Arc::default(),
            themes: std::sync::Arc::default(),
            mail: None,
            checkpoints: None,
        }
    }

    /// How requests will arrive.
    pub fn transport(&self) -> Transport {
        Transport {
            tls: self.tls.is_some(),
            trusted_proxy: self.trusted_proxy,
        }
    }
}

/// Refuses plain HTTP on an address other than loopback, unless a proxy is declared.
pub fn check(options: &ServeOptions) -> Result<(), ServeError> {
    if options.addr.ip().is_loopback() || options.tls.is_some() || options.trusted_proxy.is_some() {
        Ok(())
    } else {
        Err(ServeError::NotLoopback(options.addr))
    }
}

/// The TLS acceptor for the files: TLS 1.2 and 1.3 only, no client certificates, HTTP/1.1.
pub fn acceptor(files: &TlsFiles) -> Result<TlsAcceptor, ServeError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: String| ServeError::Tls(what);
    let cert_path = files.cert.display();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| bad(format!("het certificaat {cert_path} is niet te lezen: {e}")))?
        .collect::<Result<_, _>>()
        .map_err(|e| {
            bad(format!(
                "het certificaat {cert_path} is geen geldig PEM: {e}"
            ))
        })?;
    if certs.is_empty() {
        return Err(bad(format!(
            "in {cert_path} staat geen certificaat (verwacht: -----BEGIN CERTIFICATE-----)"
        )));
    }
    // The key's own text never reaches a message.
    let key = PrivateKeyDer::from_pem_file(&files.key).map_err(|_| {
        bad(format!(
            "de sleutel {} is niet te lezen of is geen PEM-privésleutel",
            files.key.display()
        ))
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| bad(format!("TLS is niet in te stellen: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            bad(format!(
                "certificaat en sleutel passen niet of zijn onbruikbaar: {e}"
            ))
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// The header limits as a Dutch 431 problem, or nothing.
fn oversized(headers: &HeaderMap) -> Option<Problem> {
    let mut total = 0usize;
    for (name, value) in headers {
        // `Name: value\r\n`
        let one = name.as_str().len() + value.len() + 4;
        if one > MAX_HEADER {
            return Some(too_large(format!(
                "de kopregel {name} is groter dan {} KiB",
                MAX_HEADER / 1024
            )));
        }
        total += one;
    }
    (total > MAX_HEADERS_TOTAL).then(|| {
        too_large(format!(
            "de kopregels samen zijn groter dan {} KiB",
            MAX_HEADERS_TOTAL / 1024
        ))
    })
}

fn too_large(detail: String) -> Problem {
    Problem::new(
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "kop-te-groot",
        "Kopregels te groot",
        detail,
    )
}

/// Whether the request is a health probe (allowed from anywhere, over any scheme: a load
/// balancer or orchestrator asks directly).
fn probe(request: &Request) -> bool {
    matches!(request.uri().path(), "/health/live" | "/health/ready")
}

/// The rightmost `X-Forwarded-For` address: the client as the proxy saw it (addresses to its
/// left were sent by the client and prove nothing).
fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?;
    let entry = last.to_str().ok()?.rsplit(',').next()?.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// The outer middleware: header limits, the proxy's forwarding headers, HSTS.
pub async fn edge(
    State(transport): State<Transport>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(problem) = oversized(request.headers()) {
        return problem.into_response();
    }
    if let Some(proxy) = transport.trusted_proxy {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let from_proxy = peer.is_some_and(|p| p.ip().to_canonical() == proxy.to_canonical());
        if from_proxy {
            let proto = request
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_ascii_lowercase());
            if proto.as_deref() != Some("https") && !probe(&request) {
                return Problem::new(
                    StatusCode::FORBIDDEN,
                    "https-vereist",
                    "Alleen via HTTPS",
                    "de proxy meldt geen HTTPS-verbinding (X-Forwarded-Proto: https ontbreekt); gebruik https://",
                )
                .into_response();
            }
            if let Some(client) = forwarded_for(request.headers()) {
                request
                    .extensions_mut()
                    .insert(ConnectInfo(SocketAddr::new(client, 0)));
            }
        } else {
            // Not from the proxy: its forwarding headers are not believed, and not passed on.
            let headers = request.headers_mut();
            headers.remove("x-forwarded-for");
            headers.remove("x-forwarded-proto");
            headers.remove("x-forwarded-host");
            headers.remove(header::FORWARDED);
            let local = peer.is_some_and(|p| p.ip().is_loopback());
            if !local && !probe(&request) {
                return Problem::new(
                    StatusCode::FORBIDDEN,
                    "alleen-via-proxy",
                    "Alleen via de proxy",
                    "deze server is alleen via de reverse proxy (HTTPS) te bereiken",
                )
                .into_response();
            }
        }
    }
    let mut response = next.run(request).await;
    if transport.tls || transport.trusted_proxy.is_some() {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

/// Serves `app` on `listener` — over TLS with `tls` — until `shutdown` resolves; then stops
/// accepting, lets requests in flight finish (at most [`DRAIN`]) and returns.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.max_buf_size(READ_BUFFER)
        .max_headers(MAX_HEADER_COUNT)
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, do not spin.
                    tracing::warn!(error = %e, "verbinding niet aan te nemen");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            app.clone().oneshot(request.map(axum::body::Body::new))
        });
        let http = http.clone();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let result = match tls {
                Some(acceptor) => {
                    let stream =
                        match tokio::time::timeout(HEAD_TIMEOUT, acceptor.accept(stream)).await {
                            Ok(Ok(stream)) => stream,
                            // A failed handshake is the client's affair (a scanner, an old
                            // client): a debug line, no more.
                            Ok(Err(e)) => {
                                tracing::debug!(error = %e, "TLS-handdruk mislukt");
                                return;
                            }
                            Err(_) => return,
                        };
                    watcher
                        .watch(http.serve_connection(TokioIo::new(stream), service))
                        .await
                }
                None => {
                    watcher
                        .watch(http.serve_connection(TokioIo::new(stream), service))
                        .await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "verbinding afgebroken");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("stoppen: niet alle verbindingen sloten op tijd");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_limits_count_each_header_and_the_whole() {
        let mut headers = HeaderMap::new();
        headers.insert("x-een", HeaderValue::from_static("kort"));
        assert!(oversized(&headers).is_none());
        let big = HeaderValue::from_str(&"a".repeat(MAX_HEADER)).unwrap();
        headers.insert("x-groot", big);
        let p = oversized(&headers).expect("one header too large");
        assert_eq!(p.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
        assert_eq!(p.code, "kop-te-groot");
        let mut headers = HeaderMap::new();
        for i in 0..5 {
            headers.insert(
                axum::http::HeaderName::from_bytes(format!("x-deel-{i}").as_bytes()).unwrap(),
                HeaderValue::from_str(&"b".repeat(4000)).unwrap(),
            );
        }
        assert!(oversized(&headers).is_some(), "20 000 bytes together");
    }

    #[test]
    fn only_the_rightmost_forwarded_address_counts() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7"),
        );
        assert_eq!(
            forwarded_for(&headers),
            Some("203.0.113.7".parse().unwrap())
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("onzin"));
        assert_eq!(forwarded_for(&headers), None);
    }

    #[test]
    fn plain_http_beyond_loopback_needs_tls_or_a_proxy() {
        let mut options = ServeOptions::plain("0.0.0.0:8443".parse().unwrap());
        assert!(check(&options).is_err());
        options.trusted_proxy = Some("10.0.0.5".parse().unwrap());
        assert!(check(&options).is_ok());
        assert!(check(&ServeOptions::plain("[::1]:8080".parse().unwrap())).is_ok());
    }
}
