//! `/api/v1/klantreizen`: run a scenario (klantreis, TOML as `ave klantreis` reads it) under a
//! stored model and get the report with its gaps. Nothing is stored: a klantreis is a
//! rehearsal of the model, not a case.

use std::collections::HashMap;

use ave_engine::klantreis::{self, Scenario};
use axum::Json;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::Serialize;

use crate::auth::Actor;
use utoipa::ToSchema;

use super::body::too_large;
use crate::problem::{Problem, ProblemBody};
use crate::{AppState, BODY_LIMIT};

/// Het rapport van een klantreis.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Klantreisrapport {
    /// Of de reis slaagde: elke stap liep zoals het scenario verwachtte en elk verwacht hiaat werd gevonden.
    pub geslaagd: bool,
    /// Het model en de versie waaronder de reis liep.
    pub model: String,
    /// De versie van dat model.
    pub modelversie: String,
    /// Het rapport in woorden (Nederlands), zoals `ave klantreis` het toont.
    pub tekst: String,
    /// Het rapport als gegevens: stappen, uitkomsten, hiaten en de eindstand.
    #[schema(value_type = Object)]
    pub rapport: serde_json::Value,
}

/// Laat een klantreis (scenario in TOML) lopen onder een opgeslagen model en geeft het rapport.
#[utoipa::path(
    post,
    path = "/klantreizen",
    tag = "klantreizen",
    operation_id = "klantreisUitvoeren",
    request_body(content = String, content_type = "application/toml", description = "Een scenario zoals `ave klantreis` het leest (docs/klantreis.md)"),
    params(
        ("model" = Option<String>, Query, description = "Het model (id) waaronder de reis loopt; standaard het model dat het scenario noemt"),
        ("modelversie" = Option<String>, Query, description = "De versie; standaard de nieuwste opgeslagen versie"),
    ),
    responses(
        (status = 200, description = "Het rapport", body = Klantreisrapport),
        (status = 400, description = "Ongeldig scenario", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Het model bestaat niet", body = ProblemBody, content_type = "application/problem+json"),
        (status = 415, description = "Geen TOML", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn run(
    State(state): State<AppState>,
    _actor: Actor,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Klantreisrapport>, Problem> {
    super::query::no_unknown(&q, &["model", "modelversie"])?;
    let toml = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/toml") || v.starts_with("text/plain"));
    if !toml {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "geen-toml",
            "Alleen TOML",
            "stuur het scenario als TOML, met Content-Type: application/toml",
        ));
    }
    // Read up to the limit, also when the body comes in parts without a length.
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| too_large())?;
    let scenario = Scenario::parse("scenario.toml", &body)
        .map_err(|e| Problem::invalid_one("body", "invalid", e.in_dutch()))?;
    let Some(id) = q.get("model").cloned().or_else(|| scenario.model.clone()) else {
        return Err(Problem::invalid_one(
            "model",
            "required",
            "het scenario noemt geen model: geef ?model=<id>",
        ));
    };
    let model = match q.get("modelversie") {
        Some(v) => state.models.get(&state.store, &id, v).await?,
        None => state.models.newest(&state.store, &id).await?,
    };
    let report = klantreis::run(&model, &scenario);
    let md = &model.model().model;
    Ok(Json(Klantreisrapport {
        geslaagd: report.passed(),
        model: md.id.to_string(),
        modelversie: md.version.clone(),
        tekst: ave_labels::report_text(&model, &report, ave_labels::Lang::Nl),
        rapport: serde_json::to_value(&report).unwrap_or_default(),
    }))
}
