//! `/api/v1/ik`: who is logged in — for the web pages (whose name to show, which functions)
//! and for an API client checking its token.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Actor, Via};
use crate::problem::ProblemBody;

/// Een functie die de aangemelde persoon vervult.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Functie {
    /// De organisatie.
    pub organisatie: String,
    /// De gemeente waarvoor; leeg voor de hele regio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gemeente: Option<String>,
    /// De functie zoals de modellen die noemen.
    pub functie: String,
}

/// Wie er is aangemeld.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ik {
    /// De pseudonieme id van de persoon.
    pub persoon: String,
    /// De werknaam.
    pub naam: String,
    /// De organisatie waarvoor de persoon nu handelt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisatie: Option<String>,
    /// De functies (voor die organisatie).
    pub functies: Vec<Functie>,
    /// Beheerder (modellen, organisaties, accounts; geen casusinhoud).
    pub beheerder: bool,
    /// Functionaris gegevensbescherming.
    pub privacy: bool,
    /// Hoe dit verzoek is aangemeld: `sessie`, `api-token`, `bearer` of `kop`.
    pub aanmelding: String,
    /// Het CSRF-token van de sessie, voor de kop `X-CSRF-Token` bij wijzigende verzoeken;
    /// alleen bij een sessie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// Wie er is aangemeld.
#[utoipa::path(
    get,
    path = "/ik",
    tag = "aanmelden",
    operation_id = "ikOphalen",
    responses(
        (status = 200, description = "De aangemelde persoon", body = Ik),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn get(actor: Actor) -> Json<Ik> {
    let (aanmelding, csrf_token) = match &actor.via {
        Via::Session { csrf, .. } => ("sessie", Some(csrf.clone())),
        Via::ApiToken => ("api-token", None),
        Via::Bearer => ("bearer", None),
        Via::Header => ("kop", None),
    };
    Json(Ik {
        functies: actor
            .memberships
            .iter()
            .map(|m| Functie {
                organisatie: m.organisation.clone(),
                gemeente: m.gemeente.clone(),
                functie: m.function.clone(),
            })
            .collect(),
        persoon: actor.person.clone(),
        naam: actor.name.clone(),
        organisatie: actor.organisation.clone(),
        beheerder: actor.admin,
        privacy: actor.privacy,
        aanmelding: aanmelding.to_owned(),
        csrf_token,
    })
}
