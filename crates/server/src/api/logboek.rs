//! The security audit log's signed checkpoints for an outside witness
//! (`GET /beveiligingslogboek/controlepunten`): position, hash, time, key id and signature of
//! each — no personal data. The witness fetches the new ones now and then with `na`, the last
//! position it has, keeps them, and holds the log against them (`ave audit verify
//! --getuige`). Each object is the same as a line of `ave audit controlepunten`, so the
//! answers can be appended to the witness's file as they are. The public key to check the
//! signatures is handed over apart (`ave audit sleutel`), never fetched from the server it
//! is to check.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::access::{self, Operation};
use crate::api::query::{invalid, number, unknown};
use crate::auth::Actor;
use crate::problem::{Problem, ProblemBody};

/// The most checkpoints one answer carries.
const MAX: u64 = 1000;

/// Een ondertekend controlepunt van het beveiligingslogboek.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Controlepunt {
    /// De laatste regel van het logboek die het dekt.
    pub regel: u64,
    /// De hash van de keten tot en met die regel (hexadecimaal).
    pub hash: String,
    /// Wanneer het getekend is.
    pub tijdstip: DateTime<Utc>,
    /// Welke sleutel tekende: de eerste 8 bytes van de SHA-256 van de publieke sleutel
    /// (hexadecimaal), zoals `ave audit sleutel` die toont.
    pub sleutel_id: String,
    /// De ed25519-handtekening (hexadecimaal).
    pub handtekening: String,
}

impl From<ave_store::audit::Checkpoint> for Controlepunt {
    fn from(c: ave_store::audit::Checkpoint) -> Controlepunt {
        Controlepunt {
            regel: c.seq,
            hash: c.hash,
            tijdstip: c.at,
            sleutel_id: c.key_id,
            handtekening: c.signature,
        }
    }
}

/// De ondertekende controlepunten van het beveiligingslogboek, oudste eerst: voor een getuige
/// buiten dit systeem (beheerder of functionaris gegevensbescherming). Geen persoonsgegevens.
#[utoipa::path(
    get,
    path = "/beveiligingslogboek/controlepunten",
    tag = "beveiligingslogboek",
    operation_id = "controlepuntenLijst",
    params(
        ("na" = Option<u64>, Query, description = "Alleen de controlepunten na deze regel van het logboek: de laatste die de getuige al heeft (standaard 0)"),
        ("paginaGrootte" = Option<u64>, Query, description = "Hoeveel controlepunten ten hoogste, 1 tot en met 1000 (standaard 1000)"),
    ),
    responses(
        (status = 200, description = "De controlepunten na de gegeven regel, oudste eerst", body = Vec<Controlepunt>),
        (status = 400, description = "Ongeldige parameters", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Alleen voor de beheerder en de functionaris gegevensbescherming", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn checkpoints(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Controlepunt>>, Problem> {
    access::check(&state, &actor, Operation::ReadCheckpoints)?;
    let mut bad = Vec::new();
    unknown(&q, &["na", "paginaGrootte"], &mut bad);
    let after = match q.get("na").map(|v| v.parse::<u64>()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            bad.push(invalid("na", "invalid", "een geheel getal van 0 of meer"));
            0
        }
    };
    let size = number(&q, "paginaGrootte", MAX, MAX, &mut bad);
    if !bad.is_empty() {
        return Err(Problem::invalid(bad));
    }
    let found = state.store.audit_checkpoints_after(after, size).await?;
    Ok(Json(found.into_iter().map(Controlepunt::from).collect()))
}
