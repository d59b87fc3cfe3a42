//! `/api/v1/modellen`: the stored model versions (a case records the version it runs under).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Actor;
use crate::problem::{Problem, ProblemBody};

/// Een opgeslagen modelversie.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    /// De id van het model.
    pub id: String,
    /// De versie.
    pub versie: String,
    /// SHA-256 van de modeltekst (hex).
    pub sha256: String,
    /// Wanneer opgeslagen (RFC 3339).
    pub opgeslagen_op: String,
}

/// Alle opgeslagen modelversies.
#[utoipa::path(
    get,
    path = "/modellen",
    tag = "modellen",
    operation_id = "modellenLijst",
    responses(
        (status = 200, description = "De opgeslagen modelversies", body = Vec<Model>),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    _actor: Actor,
) -> Result<Json<Vec<Model>>, Problem> {
    let models = state.store.models().await?;
    Ok(Json(
        models
            .into_iter()
            .map(|m| Model {
                id: m.id,
                versie: m.version,
                sha256: m.sha256,
                opgeslagen_op: m
                    .stored_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            })
            .collect(),
    ))
}
