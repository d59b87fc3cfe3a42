//! `/api/v1/meldingen`: the inbox of the person asking — their meldingen, newest first, with
//! the unread count, and marking one read. Someone else's melding does not exist for you
//! (404). See [`crate::inbox`].

use super::path::PathParams;
use std::collections::HashMap;

use ave_labels::Lang;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use serde::Serialize;
use utoipa::ToSchema;

use super::cases::Links;
use crate::AppState;
use crate::auth::Actor;
use crate::inbox::{self, Shown};
use crate::problem::{InvalidParam, Problem, ProblemBody};

/// Een melding in uw inbox: waarover, en een link naar de casus. Bevat geen inhoud van de
/// casus en geen gegevens van het huishouden.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Melding {
    /// De id van de melding.
    pub id: String,
    /// De casus waarover het gaat (pseudoniem).
    pub casus: String,
    /// `trigger`, `overgang` of `overdracht`.
    pub soort: String,
    /// Wat de melding zegt (Nederlands; Engels met `Accept-Language: en`).
    pub tekst: String,
    /// Wanneer (RFC 3339).
    pub aangemaakt_op: String,
    /// Wanneer u haar als gelezen markeerde (RFC 3339), anders leeg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gelezen_op: Option<String>,
    /// Of u haar gelezen hebt.
    pub gelezen: bool,
    /// Links: de melding en de casus.
    #[serde(rename = "_links")]
    pub links: MeldingLinks,
}

/// Links van een melding.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeldingLinks {
    /// De casus in de API.
    pub casus: String,
    /// Als gelezen markeren (POST).
    pub gelezen: String,
}

/// Een pagina meldingen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MeldingenPagina {
    /// De meldingen op deze pagina, nieuwste eerst.
    pub meldingen: Vec<Melding>,
    /// Hoeveel meldingen u in totaal hebt.
    pub totaal: u64,
    /// Hoeveel daarvan ongelezen zijn.
    pub ongelezen: u64,
    /// Deze pagina (vanaf 1).
    pub pagina: u64,
    /// Meldingen per pagina.
    pub pagina_grootte: u64,
    /// Links naar deze en de aangrenzende pagina's.
    #[serde(rename = "_links")]
    pub links: Links,
}

const KEYS: &[&str] = &["pagina", "paginaGrootte"];

fn time(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The language the request asks for (`Accept-Language`, first tag); Dutch by default.
pub(crate) fn language(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split([',', ';']).next())
        .map_or(Lang::Nl, Lang::from_tag)
}

impl Melding {
    fn of(s: Shown) -> Melding {
        let n = s.melding;
        Melding {
            links: MeldingLinks {
                casus: format!("/api/v1/casussen/{}", n.case_id),
                gelezen: format!("/api/v1/meldingen/{}/gelezen", n.id),
            },
            gelezen: n.read_at.is_some(),
            gelezen_op: n.read_at.as_ref().map(time),
            aangemaakt_op: time(&n.created_at),
            tekst: s.text,
            soort: n.kind,
            casus: n.case_id,
            id: n.id,
        }
    }
}

/// Uw meldingen, nieuwste eerst, met het aantal ongelezen.
#[utoipa::path(
    get,
    path = "/meldingen",
    tag = "meldingen",
    operation_id = "meldingenLijst",
    params(
        ("pagina" = Option<u64>, Query, description = "De pagina, vanaf 1"),
        ("paginaGrootte" = Option<u64>, Query, description = "Meldingen per pagina, 1 tot en met 100 (standaard 20)"),
        ("Accept-Language" = Option<String>, Header, description = "`nl` (standaard) of `en`: de taal van `tekst`"),
    ),
    responses(
        (status = 200, description = "Een pagina meldingen", body = MeldingenPagina),
        (status = 400, description = "Ongeldige parameters", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<MeldingenPagina>, Problem> {
    let mut bad: Vec<InvalidParam> = Vec::new();
    super::query::unknown(&q, KEYS, &mut bad);
    let pagina = super::query::number(&q, "pagina", 1, 1_000_000, &mut bad);
    let grootte = super::query::number(&q, "paginaGrootte", 20, 100, &mut bad);
    if !bad.is_empty() {
        return Err(Problem::invalid(bad));
    }
    let page = inbox::list(
        &state,
        &actor.person,
        language(&headers),
        (pagina - 1) * grootte,
        grootte,
    )
    .await?;
    let ongelezen = inbox::unread_count(&state, &actor.person).await?;
    crate::audit::record(
        &state,
        &actor,
        "lijst",
        "meldingen".to_owned(),
        format!("ok: {}", page.items.len()),
    )?;
    let link = |p: u64| format!("/api/v1/meldingen?pagina={p}&paginaGrootte={grootte}");
    let has_next = pagina < page.total.div_ceil(grootte).max(1);
    Ok(Json(MeldingenPagina {
        totaal: page.total,
        ongelezen,
        pagina,
        pagina_grootte: grootte,
        links: Links {
            this: link(pagina),
            next: has_next.then(|| link(pagina + 1)),
            // Past the last page, "prev" is the last page that has meldingen.
            prev: (pagina > 1).then(|| link((pagina - 1).min(page.total.div_ceil(grootte).max(1)))),
        },
        meldingen: page.items.into_iter().map(Melding::of).collect(),
    }))
}

/// Markeert een melding als gelezen (een tweede keer verandert niets).
#[utoipa::path(
    post,
    path = "/meldingen/{id}/gelezen",
    tag = "meldingen",
    operation_id = "meldingGelezen",
    params(
        ("id" = String, Path, description = "De melding"),
        ("Accept-Language" = Option<String>, Header, description = "`nl` (standaard) of `en`: de taal van `tekst`"),
    ),
    responses(
        (status = 200, description = "Gelezen", body = Melding),
        (status = 400, description = "Geen geldige id van een melding", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "U hebt geen melding met deze id", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn mark_read(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    PathParams(id): PathParams<String>,
) -> Result<Json<Melding>, Problem> {
    let valid = (1..=80).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(Problem::invalid_one(
            "id",
            "invalid",
            "de id van een melding: kleine letters, cijfers en streepjes",
        ));
    }
    if !inbox::mark_read(&state, &actor, &id).await? {
        return Err(Problem::not_found("deze melding"));
    }
    let Some(shown) = inbox::one(&state, &actor.person, &id, language(&headers)).await? else {
        return Err(Problem::not_found("deze melding"));
    };
    Ok(Json(Melding::of(shown)))
}
