//! `ave-load hello`: the hello-world ceiling. A bare endpoint on the same HTTP stack as
//! `ave serve` (axum 0.8 with the same features, a multi-threaded Tokio runtime with one
//! worker per core), without the service's layers, store or JSON: whatever the case service
//! does per request costs something above this.

use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;

/// The router: `GET /` answers `hallo`.
pub fn router() -> Router {
    Router::new().route("/", get(|| async { "hallo" }))
}

/// Serves the hello-world endpoint on `addr` until `shutdown` resolves; calls `on_listening`
/// with the bound address (port 0 picks one).
pub async fn serve(
    addr: SocketAddr,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    on_listening: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_listening(listener.local_addr()?);
    axum::serve(listener, router())
        .with_graceful_shutdown(shutdown)
        .await
}
