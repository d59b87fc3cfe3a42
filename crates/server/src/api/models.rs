//! `/api/v1/modellen`: the stored model versions (a case records the version it runs under).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::problem::{Problem, ProblemBody};

/// A stored model version.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    /// The model's id.
    pub id: String,
    /// Its version.
    pub versie: String,
    /// SHA-256 of the model text (hex).
    pub sha256: String,
    /// When it was stored.
    pub opgeslagen_op: String,
}

/// Every stored model version.
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
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Model>>, Problem> {
    let models = state.store.models().await?;
    Ok(Json(
        models
            .into_iter()
            .map(|m| Model {
                id: m.id,
                versie: m.version,
                sha256: m.sha256,
                opgeslagen_op: m.stored_at.to_rfc3339(),
            })
            .collect(),
    ))
}
