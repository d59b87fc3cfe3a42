//! Leaving loopback: HTTPS end to end with a certificate made in the test, plain HTTP beyond
//! loopback refused in Dutch, forwarding headers believed from the declared proxy only,
//! HSTS, and oversized headers answered 431.

use std::net::SocketAddr;
use std::sync::Arc;

use ave_server::transport::{HSTS, edge};
use ave_server::{AppState, ServeOptions, TlsFiles, Transport, router};
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;
use tower::ServiceExt;

use crate::fixture;

/// A self-signed certificate for localhost and 127.0.0.1, written as PEM files.
struct Cert {
    der: rustls::pki_types::CertificateDer<'static>,
    files: TlsFiles,
    _dir: tempfile::TempDir,
}

fn cert() -> Cert {
    let dir = tempfile::tempdir().expect("tempdir");
    let made = rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
        .expect("certificate");
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, made.cert.pem()).expect("write cert");
    std::fs::write(&key, made.signing_key.serialize_pem()).expect("write key");
    Cert {
        der: made.cert.der().clone(),
        files: TlsFiles { cert, key },
        _dir: dir,
    }
}

/// Starts `serve_with` on a random loopback port; its address, a stop switch and the task.
async fn start(
    store: ave_store::Store,
    options: ServeOptions,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<Result<(), ave_server::ServeError>>,
) {
    let (addr_tx, addr_rx) = tokio::sync::oneshot::channel::<SocketAddr>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        ave_server::serve_with(
            store,
            options,
            async {
                let _ = stop_rx.await;
            },
            move |addr| {
                let _ = addr_tx.send(addr);
            },
        )
        .await
    });
    let addr = addr_rx.await.expect("listening");
    (addr, stop_tx, server)
}

async fn exchange(
    stream: &mut (impl AsyncReadExt + AsyncWriteExt + Unpin),
    request: &[u8],
) -> String {
    stream.write_all(request).await.expect("write");
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test]
async fn https_end_to_end_with_a_test_ca_and_hsts_then_a_graceful_stop() {
    let f = fixture().await;
    let c = cert();
    let mut options = ServeOptions::plain("127.0.0.1:0".parse().expect("addr"));
    options.tls = Some(c.files.clone());
    let (addr, stop, server) = start(f.store.clone(), options).await;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(c.der.clone()).expect("test CA");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let mut tls = connector.connect(name, tcp).await.expect("TLS handshake");
    let response = exchange(
        &mut tls,
        b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.to_ascii_lowercase().contains(&format!(
            "strict-transport-security: {}",
            HSTS.to_ascii_lowercase()
        )),
        "{response}"
    );

    // Plain HTTP to the TLS port gets no HTTP answer.
    let mut plain = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let response = exchange(
        &mut plain,
        b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(!response.contains("200"), "{response}");

    stop.send(()).expect("stop");
    server
        .await
        .expect("task")
        .expect("served and stopped cleanly");
}

#[tokio::test]
async fn plain_http_beyond_loopback_is_refused_in_dutch_and_bad_tls_files_too() {
    let f = fixture().await;
    for addr in ["0.0.0.0:0", "192.0.2.10:8443", "[::]:0"] {
        let e = ave_server::serve_with(
            f.store.clone(),
            ServeOptions::plain(addr.parse().expect("addr")),
            async {},
            |_| {},
        )
        .await
        .expect_err("refused");
        let text = e.to_string();
        assert!(text.contains("zonder TLS mag niet"), "{text}");
        assert!(text.contains("--achter-proxy"), "{text}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = ServeOptions::plain("127.0.0.1:0".parse().expect("addr"));
    options.tls = Some(TlsFiles {
        cert: dir.path().join("bestaat-niet.pem"),
        key: dir.path().join("ook-niet.pem"),
    });
    let e = ave_server::serve_with(f.store.clone(), options, async {}, |_| {})
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("niet te lezen"), "{e}");
}

#[tokio::test]
async fn a_port_in_use_is_refused_in_dutch_with_what_to_do() {
    let f = fixture().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let e = ave_server::serve_with(f.store.clone(), ServeOptions::plain(addr), async {}, |_| {})
        .await
        .expect_err("refused");
    let text = e.to_string();
    assert!(
        text.contains(&format!("kan niet luisteren op {addr}")),
        "{text}"
    );
    assert!(text.contains("al in gebruik"), "{text}");
    assert!(text.contains("--listen"), "{text}");
    assert!(!text.contains("Address already in use"), "{text}");
}

/// An app that answers with the client address its handler sees, behind the real edge.
fn who(transport: Transport) -> Router {
    Router::new()
        .route(
            "/wie",
            get(|ConnectInfo(addr): ConnectInfo<SocketAddr>| async move { addr.ip().to_string() }),
        )
        .layer(axum::middleware::from_fn_with_state(transport, edge))
}

async fn from(
    app: &Router,
    peer: &str,
    headers: &[(&str, &str)],
    uri: &str,
) -> (StatusCode, String, bool) {
    let mut req = Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::empty()).expect("request");
    let peer: SocketAddr = peer.parse().expect("peer");
    req.extensions_mut().insert(ConnectInfo(peer));
    let response = app.clone().oneshot(req).await.expect("response");
    let status = response.status();
    let hsts = response
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_some_and(|v| v == HSTS);
    let body = axum::body::to_bytes(response.into_body(), 1 << 16)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&body).into_owned(), hsts)
}

#[tokio::test]
async fn behind_the_proxy_forwarded_for_counts_only_when_the_proxy_sends_it() {
    let proxy = Transport {
        tls: false,
        trusted_proxy: Some("10.0.0.5".parse().expect("ip")),
    };
    let app = who(proxy);
    let forwarded = [
        ("x-forwarded-for", "6.6.6.6, 203.0.113.7"),
        ("x-forwarded-proto", "https"),
    ];
    // From the proxy: the client it saw (the rightmost address), with HSTS.
    let (status, body, hsts) = from(&app, "10.0.0.5:40000", &forwarded, "/wie").await;
    assert_eq!(
        (status, body.as_str(), hsts),
        (StatusCode::OK, "203.0.113.7", true)
    );
    // From the proxy without HTTPS: refused.
    let (status, body, _) = from(
        &app,
        "10.0.0.5:40000",
        &[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-proto", "http"),
        ],
        "/wie",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("https-vereist"), "{body}");
    // From loopback, not the proxy: the headers are not believed.
    let (status, body, _) = from(&app, "127.0.0.1:5000", &forwarded, "/wie").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "127.0.0.1"));
    // From anyone else: only through the proxy.
    let (status, body, _) = from(&app, "198.51.100.9:5000", &forwarded, "/wie").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("alleen-via-proxy"), "{body}");

    // Without a declared proxy nobody's forwarding headers count, and no HSTS on plain HTTP.
    let app = who(Transport::default());
    let (status, body, hsts) = from(&app, "127.0.0.1:5000", &forwarded, "/wie").await;
    assert_eq!(
        (status, body.as_str(), hsts),
        (StatusCode::OK, "127.0.0.1", false)
    );
}

#[tokio::test]
async fn behind_a_proxy_on_loopback_end_to_end_health_answers_and_the_api_wants_https() {
    let f = fixture().await;
    let mut options = ServeOptions::plain("127.0.0.1:0".parse().expect("addr"));
    options.trusted_proxy = Some("127.0.0.1".parse().expect("ip"));
    let (addr, stop, server) = start(f.store.clone(), options).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let response = exchange(
        &mut stream,
        b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("strict-transport-security"),
        "{response}"
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let response = exchange(
        &mut stream,
        b"GET /api/v1/modellen HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 403"), "{response}");
    assert!(response.contains("https-vereist"), "{response}");
    stop.send(()).expect("stop");
    server.await.expect("task").expect("stopped cleanly");
}

#[tokio::test]
async fn oversized_headers_are_431_in_dutch_and_huge_ones_never_reach_the_router() {
    let f = fixture().await;
    let app = router(AppState::new(f.store.clone()));
    for headers in [
        vec![("x-groot".to_owned(), "a".repeat(9 * 1024))],
        (0..5)
            .map(|i| (format!("x-deel-{i}"), "b".repeat(4000)))
            .collect::<Vec<_>>(),
    ] {
        let mut req = Request::builder().uri("/health/live");
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let response = app
            .clone()
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert_eq!(
            response.status(),
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
        );
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body["code"], "kop-te-groot");
        assert_eq!(body["status"], 431);
    }

    // On a real port: over the limit → the Dutch problem; far over hyper's buffer → hyper's
    // own 431, and the connection is closed.
    let (addr, stop, server) = start(
        f.store.clone(),
        ServeOptions::plain("127.0.0.1:0".parse().expect("addr")),
    )
    .await;
    let big = format!(
        "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Groot: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(20 * 1024)
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let response = exchange(&mut stream, big.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 431"), "{response}");
    assert!(response.contains("kop-te-groot"), "{response}");
    let huge = format!(
        "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Enorm: {}\r\n\r\n",
        "a".repeat(ave_server::transport::READ_BUFFER + 1024)
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    // The server may close before it has read everything: then the write or the read fails
    // (a reset may even swallow the 431). Either way the request never reached the router.
    let _ = stream.write_all(huge.as_bytes()).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    assert!(
        response.is_empty() || response.starts_with("HTTP/1.1 431"),
        "{response}"
    );
    // And the server still answers.
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let response = exchange(
        &mut stream,
        b"GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    stop.send(()).expect("stop");
    server.await.expect("task").expect("stopped cleanly");
}
