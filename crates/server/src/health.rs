//! `/health/live` (the process answers) and `/health/ready` (the database answers and the
//! logs are being written).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;
use crate::problem::Problem;

/// The process answers.
pub async fn live() -> Response {
    Json(json!({"status": "up"})).into_response()
}

/// The database answers and the logs keep up: 200, else 503 with `Retry-After`.
pub async fn ready(State(state): State<AppState>) -> Response {
    if !state.logs.healthy() {
        return Problem::unavailable().into_response();
    }
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "up"}))).into_response(),
        Err(_) => Problem::unavailable().into_response(),
    }
}
