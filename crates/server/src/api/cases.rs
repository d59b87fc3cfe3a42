//! `/api/v1/casussen`: the list with filters and pages, one case, its timeline in outline.
//! Read-only in this version; commands follow with sign-on (issue 11).

use std::collections::HashMap;

use ave_engine::ids::CaseId;
use ave_store::{CaseFilter, CaseRow};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::problem::{InvalidParam, Problem, ProblemBody};

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

/// A role held in a case.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rol {
    /// `casusregie`, `procesregie`, `behandelregie`, `operationeel`, `bestuurlijk`.
    pub rol: String,
    /// Pseudonymous id of the person.
    pub persoon: String,
}

/// A case as lists and the case page show it (no personal content).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Casus {
    /// The case's id (pseudonymous).
    pub id: String,
    /// The gemeente.
    pub gemeente: Option<String>,
    /// The model it runs under.
    pub model: String,
    /// The model's version.
    pub modelversie: String,
    /// The current phase.
    pub fase: String,
    /// The number of events: the version used for `ETag` and `If-Match`.
    pub versie: u64,
    /// When opened (RFC 3339).
    pub geopend_op: String,
    /// Time of the last event.
    pub laatste_activiteit: String,
    /// Closed.
    pub gesloten: bool,
    /// Attention today: kinds as in the filter `aandacht`.
    pub aandacht: Vec<String>,
    /// The day the evaluation is due.
    pub volgende_evaluatie: Option<String>,
    /// Who holds which role.
    pub rollen: Vec<Rol>,
    /// Whether the case's personal content was erased.
    pub gewist: bool,
}

impl Casus {
    fn of(row: CaseRow, today: &str) -> Casus {
        let mut aandacht = Vec::new();
        let overdue = |d: &Option<String>| !row.closed && d.as_deref().is_some_and(|d| d < today);
        for (kind, due) in [
            ("evaluation-overdue", &row.next_evaluation),
            ("stagnation", &row.stagnation_due),
            ("decision-pending", &row.decision_due),
            ("procesregie-review-overdue", &row.review_due),
        ] {
            if overdue(due) {
                aandacht.push(kind.to_owned());
            }
        }
        aandacht.extend(row.flags.iter().cloned());
        Casus {
            id: row.id.to_string(),
            gemeente: row.gemeente,
            model: row.model_id,
            modelversie: row.model_version,
            fase: row.phase,
            versie: row.version,
            geopend_op: row.opened_at.to_rfc3339(),
            laatste_activiteit: row.last_at.to_rfc3339(),
            gesloten: row.closed,
            aandacht,
            volgende_evaluatie: row.next_evaluation,
            rollen: row
                .roles
                .into_iter()
                .map(|(rol, persoon)| Rol { rol, persoon })
                .collect(),
            gewist: row.erased_at.is_some(),
        }
    }
}

/// Links of a page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Links {
    /// This page.
    #[serde(rename = "self")]
    pub this: String,
    /// The next page, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The previous page, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// A page of cases.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CasussenPagina {
    /// The cases on this page.
    pub casussen: Vec<Casus>,
    /// How many cases match in all.
    pub totaal: u64,
    /// This page (from 1).
    pub pagina: u64,
    /// Cases per page.
    pub pagina_grootte: u64,
    /// Links to this and the neighbouring pages.
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

fn invalid(name: &str, code: &str, reason: impl Into<String>) -> InvalidParam {
    InvalidParam {
        name: name.to_owned(),
        code: code.to_owned(),
        reason: reason.into(),
    }
}

fn number(
    q: &HashMap<String, String>,
    key: &str,
    default: u64,
    max: u64,
    bad: &mut Vec<InvalidParam>,
) -> u64 {
    match q.get(key) {
        None => default,
        Some(v) => match v.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                bad.push(invalid(
                    key,
                    "out-of-range",
                    format!("een geheel getal van 1 tot en met {max}"),
                ));
                default
            }
        },
    }
}

/// Lists cases, newest activity first.
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
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<CasussenPagina>, Problem> {
    let mut bad = Vec::new();
    for key in q.keys() {
        if !KEYS.contains(&key.as_str()) {
            bad.push(invalid(key, "unknown", "deze parameter kent de API niet"));
        }
    }
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
        closed: gesloten,
        within: None,
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
    let last = page.total.div_ceil(grootte).max(1);
    Ok(Json(CasussenPagina {
        totaal: page.total,
        pagina,
        pagina_grootte: grootte,
        links: Links {
            this: link(pagina),
            next: (pagina < last).then(|| link(pagina + 1)),
            prev: (pagina > 1).then(|| link(pagina - 1)),
        },
        casussen: page
            .items
            .into_iter()
            .map(|r| Casus::of(r, &today))
            .collect(),
    }))
}

/// Percent-encodes a query value.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn case_id(id: &str) -> Result<CaseId, Problem> {
    CaseId::parse(id)
        .map_err(|_| Problem::invalid(vec![invalid("id", "invalid", "geen geldige casus-id")]))
}

/// One case, with its version as `ETag`.
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
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let id = case_id(&id)?;
    let Some(row) = state.store.case_row(&id).await? else {
        return Err(Problem::not_found("deze casus"));
    };
    let etag = format!("\"{}\"", row.version);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
    {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let mut response = Json(Casus::of(row, &state.today())).into_response();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    Ok(response)
}

/// One entry of a timeline in outline.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Gebeurtenis {
    /// Position in the case.
    pub volgnummer: u64,
    /// The event type (`signal_recorded`, …).
    pub soort: String,
    /// When (RFC 3339).
    pub tijdstip: String,
    /// Who (pseudonymous).
    pub door: String,
    /// Whether the content is still there (not erased).
    pub inhoud_aanwezig: bool,
}

/// The timeline of a case in outline: what happened, when, by whom — also after erasure.
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
    Path(id): Path<String>,
) -> Result<Json<Vec<Gebeurtenis>>, Problem> {
    let id = case_id(&id)?;
    if state.store.version(&id).await?.is_none() {
        return Err(Problem::not_found("deze casus"));
    }
    let outline = state.store.outline(&id).await?;
    Ok(Json(
        outline
            .into_iter()
            .map(|o| Gebeurtenis {
                volgnummer: o.seq,
                soort: o.event_type,
                tijdstip: o.at.to_rfc3339(),
                door: o.by,
                inhoud_aanwezig: o.has_content,
            })
            .collect(),
    ))
}
