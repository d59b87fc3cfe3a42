//! Overviews without personal data: the gemeenten with their cases per phase, and the
//! attention list as counts per kind of attention (the cases themselves are in
//! `/casussen?aandacht=…`).

use std::collections::{BTreeMap, HashMap};

use ave_store::CaseFilter;
use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;
use utoipa::ToSchema;

use super::cases::ATTENTION_KINDS;
use crate::AppState;
use crate::auth::Actor;
use crate::problem::{Problem, ProblemBody};

/// Een gemeente met casussen. Elk aantal is afgerond op een vijftal (1 en 2 worden 0, 3 en 4
/// worden 5): een klein aantal zou naar een huishouden kunnen wijzen, en deze lijst ziet
/// iedereen die is aangemeld. Precieze aantallen staan op het beleidsdashboard, voor wie dat
/// mag zien.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gemeente {
    /// De naam.
    pub naam: String,
    /// Open casussen (afgerond op een vijftal).
    pub open_casussen: u64,
    /// Alle casussen, ook gesloten (afgerond op een vijftal).
    pub casussen: u64,
    /// Open casussen per fase (afgerond op een vijftal).
    pub per_fase: BTreeMap<String, u64>,
}

/// `n` rounded to the nearest multiple of five.
fn to_fives(n: u64) -> u64 {
    n.saturating_add(2) / 5 * 5
}

/// De gemeenten met casussen, met hun open casussen per fase (afgerond op vijftallen).
#[utoipa::path(
    get,
    path = "/gemeenten",
    tag = "overzichten",
    operation_id = "gemeentenLijst",
    responses(
        (status = 200, description = "De gemeenten", body = Vec<Gemeente>),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn gemeenten(
    State(state): State<AppState>,
    _actor: Actor,
) -> Result<Json<Vec<Gemeente>>, Problem> {
    let mut out = Vec::new();
    for (naam, open, all) in state.store.gemeenten().await? {
        let per_fase = state.store.phase_counts(Some(&naam)).await?;
        out.push(Gemeente {
            naam,
            open_casussen: to_fives(open),
            casussen: to_fives(all),
            per_fase: per_fase
                .into_iter()
                .map(|(phase, n)| (phase, to_fives(n)))
                .collect(),
        });
    }
    Ok(Json(out))
}

/// Hoeveel open casussen vandaag een soort aandacht vragen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Aandachtspunt {
    /// De soort aandacht, zoals in het filter `aandacht` van `/casussen`.
    pub soort: String,
    /// Het aantal open casussen.
    pub aantal: u64,
    /// De lijst van die casussen.
    pub casussen: String,
}

/// De aandachtslijst: per soort aandacht het aantal open casussen dat er vandaag om vraagt.
#[utoipa::path(
    get,
    path = "/aandacht",
    tag = "overzichten",
    operation_id = "aandachtLijst",
    params(("gemeente" = Option<String>, Query, description = "Alleen casussen van deze gemeente")),
    responses(
        (status = 200, description = "Per soort het aantal", body = Vec<Aandachtspunt>),
        (status = 400, description = "Ongeldige parameters", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn attention(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Vec<Aandachtspunt>>, Problem> {
    let visible = super::cases::visible_to(&state, &actor).await?;
    super::query::no_unknown(&q, &["gemeente"])?;
    let today = state.today();
    let mut out = Vec::new();
    for kind in ATTENTION_KINDS {
        let filter = CaseFilter {
            gemeente: q.get("gemeente").cloned(),
            attention: Some((*kind).to_owned()),
            closed: Some(false),
            visible: Some(visible.clone()),
            ..CaseFilter::default()
        };
        let page = state.store.list(&filter, &today, 0, 1).await?;
        let mut link = format!("/api/v1/casussen?aandacht={kind}&gesloten=false");
        if let Some(g) = q.get("gemeente") {
            link.push_str(&format!("&gemeente={}", super::cases::encode(g)));
        }
        out.push(Aandachtspunt {
            soort: (*kind).to_owned(),
            aantal: page.total,
            casussen: link,
        });
    }
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use super::to_fives;

    #[test]
    fn counts_are_rounded_to_fives_so_a_small_one_does_not_show() {
        let got: Vec<u64> = [0, 1, 2, 3, 4, 5, 7, 8, 12, 13, 100].map(to_fives).to_vec();
        assert_eq!(got, [0, 0, 0, 5, 5, 5, 5, 10, 10, 15, 100]);
        assert_eq!(to_fives(u64::MAX) % 5, 0);
    }
}
