//! `/api/v1/casussen`: the list with filters and pages, one case, its timeline in outline.
//! Commands are in [`super::commands`].

use super::path::PathParams;
use std::collections::HashMap;

use ave_engine::ids::CaseId;
use ave_store::{CaseFilter, CaseRow, Visible};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::access::{self, Access, Decision, Involvement, Operation, Standing};
use crate::api::query::{invalid, number, unknown};
use crate::auth::Actor;
use crate::problem::{Problem, ProblemBody};

/// The attention kinds a list can filter on.
pub const ATTENTION_KINDS: &[&str] = &[
    "evaluation-overdue",
    "stagnation",
    "procesregie-review-overdue",
    "decision-pending",
    "role-unfilled",
    "role-mismatch",
    "handover-open",
    "disagreement-open",
    "inform-required",
    "escalation-check",
    "rule-no-longer-met",
    "deviation-unseen",
    "open-in-model",
];

/// Een rol in een casus.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rol {
    /// `casusregie`, `procesregie`, `behandelregie`, `operationeel` of `bestuurlijk`.
    pub rol: String,
    /// Pseudoniem van de persoon die de rol heeft.
    pub persoon: String,
}

/// Een casus zoals lijsten en de casuspagina die tonen (zonder persoonlijke inhoud).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Casus {
    /// De id van de casus (pseudoniem).
    pub id: String,
    /// De gemeente.
    pub gemeente: Option<String>,
    /// Het model waaronder de casus loopt.
    pub model: String,
    /// De versie van dat model.
    pub modelversie: String,
    /// De huidige fase.
    pub fase: String,
    /// Het aantal gebeurtenissen: de versie voor `ETag` en `If-Match`.
    pub versie: u64,
    /// Wanneer geopend (RFC 3339).
    pub geopend_op: String,
    /// Tijdstip van de laatste gebeurtenis (RFC 3339).
    pub laatste_activiteit: String,
    /// Of de casus gesloten is.
    pub gesloten: bool,
    /// Aandacht vandaag: soorten zoals in het filter `aandacht`.
    pub aandacht: Vec<String>,
    /// De dag waarop de evaluatie uiterlijk moet plaatsvinden.
    pub volgende_evaluatie: Option<String>,
    /// Wie welke rol heeft.
    pub rollen: Vec<Rol>,
    /// Of de persoonlijke inhoud van de casus gewist is (bewaartermijn verstreken).
    pub gewist: bool,
    /// Wat u van deze casus ziet: `volledig`, `noodtoegang` (alleen inzien, tijdelijk),
    /// `eigen-bijdragen` (alleen wat uw organisatie inbracht) of `samenvatting`.
    pub toegang: String,
}

impl Casus {
    pub(crate) fn of(row: CaseRow, today: &str, access: Access) -> Casus {
        let aandacht = row.attention_on(today);
        Casus {
            id: row.id.to_string(),
            gemeente: row.gemeente,
            model: row.model_id,
            modelversie: row.model_version,
            fase: row.phase,
            versie: row.version,
            geopend_op: row
                .opened_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            laatste_activiteit: row
                .last_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            gesloten: row.closed,
            aandacht,
            volgende_evaluatie: row.next_evaluation,
            rollen: row
                .roles
                .into_iter()
                .map(|(rol, persoon)| Rol { rol, persoon })
                .collect(),
            gewist: row.erased_at.is_some(),
            toegang: access.key().to_owned(),
        }
    }
}

/// Links van een pagina.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Links {
    /// Deze pagina.
    #[serde(rename = "self")]
    pub this: String,
    /// De volgende pagina, als die er is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// De vorige pagina, als die er is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// Een pagina casussen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CasussenPagina {
    /// De casussen op deze pagina.
    pub casussen: Vec<Casus>,
    /// Hoeveel casussen er in totaal aan het filter voldoen (ten hoogste 1000 geteld; zie
    /// `totaalIsMinimum`).
    pub totaal: u64,
    /// Er zijn meer dan `totaal` casussen: verfijn het filter.
    pub totaal_is_minimum: bool,
    /// Deze pagina (vanaf 1).
    pub pagina: u64,
    /// Casussen per pagina.
    pub pagina_grootte: u64,
    /// Links naar deze en de aangrenzende pagina's.
    #[serde(rename = "_links")]
    pub links: Links,
}

const KEYS: &[&str] = &[
    "gemeente",
    "fase",
    "aandacht",
    "rolhouder",
    "gesloten",
    "pagina",
    "paginaGrootte",
];

/// Casussen, met de laatste activiteit eerst.
#[utoipa::path(
    get,
    path = "/casussen",
    tag = "casussen",
    operation_id = "casussenLijst",
    params(
        ("gemeente" = Option<String>, Query, description = "Alleen casussen van deze gemeente"),
        ("fase" = Option<String>, Query, description = "Alleen casussen in deze fase"),
        ("aandacht" = Option<String>, Query, description = "Alleen casussen met deze soort aandacht vandaag"),
        ("rolhouder" = Option<String>, Query, description = "Alleen casussen waarin deze persoon (pseudoniem) een rol heeft"),
        ("gesloten" = Option<bool>, Query, description = "Open (false) of gesloten (true) casussen"),
        ("pagina" = Option<u64>, Query, description = "De pagina, vanaf 1"),
        ("paginaGrootte" = Option<u64>, Query, description = "Casussen per pagina, 1 tot en met 100 (standaard 20)"),
    ),
    responses(
        (status = 200, description = "Een pagina casussen", body = CasussenPagina),
        (status = 400, description = "Ongeldige parameters", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Een account zonder functie, een beheerder of de functionaris gegevensbescherming ziet geen casussen", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<CasussenPagina>, Problem> {
    let visible = visible_to(&state, &actor).await?;
    let mut bad = Vec::new();
    unknown(&q, KEYS, &mut bad);
    let pagina = number(&q, "pagina", 1, 1_000_000, &mut bad);
    let grootte = number(&q, "paginaGrootte", 20, 100, &mut bad);
    let gesloten = match q.get("gesloten").map(String::as_str) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            bad.push(invalid("gesloten", "invalid", "true of false"));
            None
        }
    };
    if let Some(kind) = q.get("aandacht")
        && !ATTENTION_KINDS.contains(&kind.as_str())
    {
        bad.push(invalid(
            "aandacht",
            "invalid",
            format!("een van: {}", ATTENTION_KINDS.join(", ")),
        ));
    }
    if !bad.is_empty() {
        return Err(Problem::invalid(bad));
    }
    let filter = CaseFilter {
        gemeente: q.get("gemeente").cloned(),
        phase: q.get("fase").cloned(),
        attention: q.get("aandacht").cloned(),
        holder: q.get("rolhouder").cloned(),
        holder_roles: None,
        closed: gesloten,
        within: None,
        visible: Some(visible.clone()),
    };
    let today = state.today();
    let page = state
        .store
        .list(&filter, &today, (pagina - 1) * grootte, grootte)
        .await?;
    let link = |p: u64| {
        let mut parts: Vec<String> = q
            .iter()
            .filter(|(k, _)| k.as_str() != "pagina")
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        parts.sort();
        parts.push(format!("pagina={p}"));
        format!("/api/v1/casussen?{}", parts.join("&"))
    };
    // Beyond the counted total there is a next page while pages come back full.
    let has_next = if page.capped {
        page.items.len() as u64 == grootte
    } else {
        pagina < page.total.div_ceil(grootte).max(1)
    };
    crate::audit::record(
        &state,
        &actor,
        "lijst",
        "casussen".to_owned(),
        format!("ok: {}", page.items.len()),
    )?;
    Ok(Json(CasussenPagina {
        totaal: page.total,
        totaal_is_minimum: page.capped,
        pagina,
        pagina_grootte: grootte,
        links: Links {
            this: link(pagina),
            next: has_next.then(|| link(pagina + 1)),
            // Past the last page, "prev" is the last page that has cases.
            prev: (pagina > 1).then(|| {
                let last = page.total.div_ceil(grootte).max(1);
                link(if page.capped {
                    pagina - 1
                } else {
                    (pagina - 1).min(last)
                })
            }),
        },
        casussen: page
            .items
            .into_iter()
            .map(|r| {
                let access = listed_access(&actor, &visible, &r);
                Casus::of(r, &today, access)
            })
            .collect(),
    }))
}

/// The cases `actor` may find in a list (need-to-know); 403 for someone who may see no case
/// at all (an administrator, the privacy officer, a person without a function).
pub(crate) async fn visible_to(state: &AppState, actor: &Actor) -> Result<Visible, Problem> {
    let standing = Standing::of(actor);
    if !matches!(
        access::decide(standing, Involvement::Role, Operation::ReadCase),
        Decision::Allow(_)
    ) {
        crate::audit::refused_general(state, actor, Operation::ReadCase);
        return Err(Problem::forbidden(format!(
            "een {} ziet geen casussen",
            standing.name()
        )));
    }
    Ok(Visible {
        person: actor.person.clone(),
        now: crate::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        governs: access::governed(state, actor).await?,
    })
}

/// What `actor` sees of a case found in their list.
fn listed_access(actor: &Actor, visible: &Visible, row: &CaseRow) -> Access {
    let governs = || {
        visible.governs.iter().any(|(g, m, p)| {
            (g.is_none() || g.as_deref() == row.gemeente.as_deref())
                && *m == row.model_id
                && *p == row.phase
        })
    };
    // As `access::involvement` orders it; a listed case the row does not name and the person
    // does not govern is one they hold a break-glass grant on.
    let involvement = match access::on_row(actor, row) {
        Some(i @ (Involvement::Role | Involvement::Participant)) => i,
        _ if governs() => Involvement::Governs,
        Some(contributor) => contributor,
        None => Involvement::BreakGlass,
    };
    match access::decide(Standing::of(actor), involvement, Operation::ReadCase) {
        Decision::Allow(a) => a,
        _ => Access::Hidden,
    }
}

/// Percent-encodes a query value.
pub(crate) fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn case_id(id: &str) -> Result<CaseId, Problem> {
    CaseId::parse(id)
        .map_err(|_| Problem::invalid(vec![invalid("id", "invalid", "geen geldige casus-id")]))
}

/// Eén casus, met zijn versie als `ETag`.
#[utoipa::path(
    get,
    path = "/casussen/{id}",
    tag = "casussen",
    operation_id = "casusOpvragen",
    params(("id" = String, Path, description = "De casus (pseudoniem)")),
    responses(
        (status = 200, description = "De casus", body = Casus, headers(("ETag" = String, description = "De versie van de casus"))),
        (status = 304, description = "Niet gewijzigd sinds If-None-Match"),
        (status = 400, description = "Ongeldige casus-id", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Bestaat niet", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let id = case_id(&id)?;
    let (row, access) = access::case_for(&state, &actor, &id, Operation::ReadCase).await?;
    crate::audit::read(&state, &actor, &id)?;
    let etag = format!("\"{}\"", row.version);
    // If-None-Match compares weakly (RFC 9110 §13.1.2): `W/"12"` matches, and so does `*`.
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
        });
    let mut response = if unchanged {
        // A 304 carries the ETag it would have sent.
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Json(Casus::of(row, &state.today(), access)).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    Ok(response)
}

/// Eén gebeurtenis van de tijdlijn, in hoofdlijnen.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gebeurtenis {
    /// Volgnummer in de casus.
    pub volgnummer: u64,
    /// De soort gebeurtenis (`signal_recorded`, …).
    pub soort: String,
    /// Wanneer (RFC 3339).
    pub tijdstip: String,
    /// Door wie (pseudoniem).
    pub door: String,
    /// Of de inhoud er nog is (niet gewist).
    pub inhoud_aanwezig: bool,
    /// De organisatie die het inbracht, als dat is vastgelegd.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisatie: Option<String>,
    /// De grondslag waaronder het is vastgelegd, als die bekend is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grondslag: Option<String>,
}

/// De tijdlijn van een casus in hoofdlijnen: wat er gebeurde, wanneer en door wie — ook na wissen.
#[utoipa::path(
    get,
    path = "/casussen/{id}/tijdlijn",
    tag = "casussen",
    operation_id = "casusTijdlijn",
    params(("id" = String, Path, description = "De casus (pseudoniem)")),
    responses(
        (status = 200, description = "De tijdlijn", body = Vec<Gebeurtenis>),
        (status = 400, description = "Ongeldige casus-id", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Bestaat niet", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn timeline(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
) -> Result<Json<Vec<Gebeurtenis>>, Problem> {
    let id = case_id(&id)?;
    let (_, access) = access::case_for(&state, &actor, &id, Operation::ReadTimeline).await?;
    let outline = state.store.outline(&id).await?;
    crate::audit::read(&state, &actor, &id)?;
    let own: Vec<&str> = actor
        .memberships
        .iter()
        .map(|m| m.organisation.as_str())
        .collect();
    Ok(Json(
        outline
            .into_iter()
            .filter(|o| {
                access != Access::Contributed
                    || o.organisation
                        .as_deref()
                        .is_some_and(|org| own.contains(&org))
            })
            .map(|o| Gebeurtenis {
                volgnummer: o.seq,
                soort: o.event_type,
                tijdstip: o.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                door: o.by,
                inhoud_aanwezig: o.has_content,
                organisatie: o.organisation,
                grondslag: o.grondslag,
            })
            .collect(),
    ))
}
