//! Access outside ordinary involvement, and proof of access: break-glass
//! (`/casussen/{id}/noodtoegang`), its review by the privacy officer (`/noodtoegang`), and a
//! data subject's access request (`/casussen/{id}/inzage`: which organisation, in which
//! function, read or changed the case's data, and when).

use super::path::PathParams;
use ave_store::access::BreakGlass;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::body::JsonBody;
use super::cases::case_id;
use crate::access::{self, Operation};
use crate::auth::Actor;
use crate::problem::{Problem, ProblemBody};
use crate::{AppState, audit, now};

/// How long a break-glass grant lasts.
pub const BREAK_GLASS_MINUTES: i64 = 60;

/// The shortest reason accepted for break-glass.
const MIN_REASON: usize = 20;

/// Een verzoek om noodtoegang.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Noodtoegangverzoek {
    /// Waarom toegang nu nodig is, zonder betrokken te zijn (minstens 20 tekens; komt in het
    /// auditlog en wordt beoordeeld).
    pub reden: String,
}

/// Een verleende noodtoegang.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Noodtoegang {
    /// De id van de toegang.
    pub id: String,
    /// De casus.
    pub casus: String,
    /// Wie (pseudoniem).
    pub persoon: String,
    /// Voor welke organisatie.
    pub organisatie: Option<String>,
    /// De opgegeven reden.
    pub reden: String,
    /// Verleend op (RFC 3339).
    pub verleend_op: String,
    /// Geldig tot (RFC 3339).
    pub geldig_tot: String,
    /// Beoordeeld op (RFC 3339), als dat gebeurd is.
    pub beoordeeld_op: Option<String>,
    /// Door wie beoordeeld.
    pub beoordeeld_door: Option<String>,
    /// De notitie bij de beoordeling.
    pub beoordeling: Option<String>,
}

fn rfc3339(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Noodtoegang {
    fn of(g: BreakGlass) -> Noodtoegang {
        Noodtoegang {
            verleend_op: rfc3339(&g.granted_at),
            geldig_tot: rfc3339(&g.expires_at),
            beoordeeld_op: g.reviewed_at.as_ref().map(rfc3339),
            id: g.id,
            casus: g.case,
            persoon: g.person,
            organisatie: g.organisation,
            reden: g.reason,
            beoordeeld_door: g.reviewed_by,
            beoordeling: g.review_note,
        }
    }
}

/// Vraagt noodtoegang tot een casus waarbij u niet betrokken bent: alleen inzien, 60 minuten,
/// met een reden, in het auditlog gemarkeerd en achteraf beoordeeld door de functionaris
/// gegevensbescherming.
#[utoipa::path(
    post,
    path = "/casussen/{id}/noodtoegang",
    tag = "toegang",
    operation_id = "noodtoegangVragen",
    params(("id" = String, Path, description = "De casus (pseudoniem)")),
    request_body = Noodtoegangverzoek,
    responses(
        (status = 201, description = "Noodtoegang verleend", body = Noodtoegang),
        (status = 400, description = "Ongeldige invoer", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "U bent al betrokken, of uw account mag dit niet", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Bestaat niet", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn request(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Noodtoegangverzoek>,
) -> Result<(StatusCode, Json<Noodtoegang>), Problem> {
    let id = case_id(&id)?;
    let grant = grant(&state, &actor, &id, &body.reden).await?;
    Ok((StatusCode::CREATED, Json(Noodtoegang::of(grant))))
}

/// The reason for a break-glass request, trimmed, or 400 at `reden` when it is shorter than
/// [`MIN_REASON`] characters (the form checks it before it looks up the case).
pub(crate) fn checked_reason(reason: &str) -> Result<&str, Problem> {
    let reason = reason.trim();
    if reason.chars().count() < MIN_REASON {
        return Err(Problem::invalid_one(
            "reden",
            "too-short",
            format!("geef een reden van minstens {MIN_REASON} tekens: waarom is toegang nu nodig?"),
        ));
    }
    Ok(reason)
}

/// Grants `actor` break-glass access to case `id` for `reason` (checked: long enough, the
/// person may ask it for this case), logged for review; the API and the pages both call it.
pub(crate) async fn grant(
    state: &AppState,
    actor: &Actor,
    id: &ave_engine::ids::CaseId,
    reason: &str,
) -> Result<BreakGlass, Problem> {
    let reason = checked_reason(reason)?;
    access::case_for(state, actor, id, Operation::BreakGlass).await?;
    let at = now();
    let grant = BreakGlass {
        id: format!("nood-{}", uuid::Uuid::new_v4().simple()),
        case: id.to_string(),
        person: actor.person.clone(),
        organisation: actor
            .organisation
            .clone()
            .or_else(|| actor.memberships.first().map(|m| m.organisation.clone())),
        reason: reason.to_owned(),
        granted_at: at,
        expires_at: at + chrono::Duration::minutes(BREAK_GLASS_MINUTES),
        reviewed_at: None,
        reviewed_by: None,
        review_note: None,
    };
    let entry = audit::entry(
        actor,
        "noodtoegang",
        audit::case_object(id),
        "verleend: te beoordelen",
    );
    state.store.grant_break_glass(&grant, &entry).await?;
    state.logs.nudge();
    Ok(grant)
}

/// Records the privacy officer's review of grant `id`; the API and the pages both call it.
pub(crate) async fn review_grant(
    state: &AppState,
    actor: &Actor,
    id: &str,
    note: &str,
) -> Result<(), Problem> {
    access::check(state, actor, Operation::ReviewBreakGlass)?;
    let note = note.trim();
    if note.is_empty() {
        return Err(Problem::invalid_one(
            "notitie",
            "required",
            "schrijf op wat de beoordeling uitwees",
        ));
    }
    let entry = audit::entry(
        actor,
        "noodtoegang-beoordeeld",
        format!("noodtoegang/{id}"),
        "ok",
    );
    if !state
        .store
        .review_break_glass(id, &actor.person, note, now(), &entry)
        .await?
    {
        return Err(Problem::not_found(
            "deze noodtoegang (of hij is al beoordeeld)",
        ));
    }
    state.logs.nudge();
    Ok(())
}

/// Filter voor noodtoegang.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoodtoegangFilter {
    /// Alleen wat nog niet beoordeeld is (standaard true).
    pub open: Option<bool>,
}

/// Noodtoegang om te beoordelen (functionaris gegevensbescherming).
#[utoipa::path(
    get,
    path = "/noodtoegang",
    tag = "toegang",
    operation_id = "noodtoegangLijst",
    params(NoodtoegangFilter),
    responses(
        (status = 200, description = "De verleende noodtoegang, nieuwste eerst", body = Vec<Noodtoegang>),
        (status = 400, description = "Ongeldige parameters", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Alleen voor de functionaris gegevensbescherming", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn grants(
    State(state): State<AppState>,
    actor: Actor,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Json<Vec<Noodtoegang>>, Problem> {
    access::check(&state, &actor, Operation::ReviewBreakGlass)?;
    super::query::no_unknown(&q, &["open"])?;
    let open = match q.get("open").map(String::as_str) {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => return Err(Problem::invalid_one("open", "invalid", "true of false")),
    };
    let grants = state.store.break_glass_grants(open).await?;
    Ok(Json(grants.into_iter().map(Noodtoegang::of).collect()))
}

/// Een beoordeling van noodtoegang.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Beoordeling {
    /// De bevinding (bijvoorbeeld: terecht, of: besproken met de leidinggevende).
    pub notitie: String,
}

/// Legt de beoordeling van een noodtoegang vast (functionaris gegevensbescherming).
#[utoipa::path(
    post,
    path = "/noodtoegang/{id}/beoordeling",
    tag = "toegang",
    operation_id = "noodtoegangBeoordelen",
    params(("id" = String, Path, description = "De noodtoegang")),
    request_body = Beoordeling,
    responses(
        (status = 204, description = "Beoordeeld"),
        (status = 400, description = "Ongeldige invoer", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Alleen voor de functionaris gegevensbescherming", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Bestaat niet of is al beoordeeld", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn review(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Beoordeling>,
) -> Result<StatusCode, Problem> {
    review_grant(&state, &actor, &id, &body.notitie).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Eén keer dat gegevens van een casus werden ingezien of gewijzigd.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inzage {
    /// Wanneer (RFC 3339).
    pub tijdstip: String,
    /// Welke organisatie.
    pub organisatie: String,
    /// In welke functie(s).
    pub functies: Vec<String>,
    /// Wat: `lezen`, `schrijven`, `noodtoegang`, `toegang-geweigerd`.
    pub handeling: String,
    /// Met welk resultaat.
    pub resultaat: String,
}

/// Voor een inzageverzoek van een betrokkene: welke organisatie, in welke functie, de
/// gegevens van deze casus las of wijzigde, en wanneer (functionaris gegevensbescherming).
#[utoipa::path(
    get,
    path = "/casussen/{id}/inzage",
    tag = "toegang",
    operation_id = "casusInzage",
    params(("id" = String, Path, description = "De casus (pseudoniem)")),
    responses(
        (status = 200, description = "Wie de gegevens inzag of wijzigde", body = Vec<Inzage>),
        (status = 400, description = "Ongeldige casus-id", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Alleen voor de functionaris gegevensbescherming", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Bestaat niet", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn subject_access(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
) -> Result<Json<Vec<Inzage>>, Problem> {
    let id = case_id(&id)?;
    access::case_for(&state, &actor, &id, Operation::SubjectAccess).await?;
    let entries = state
        .store
        .audit_for_object(&audit::case_object(&id), 10_000)
        .await?;
    audit::record(
        &state,
        &actor,
        "inzageverzoek",
        audit::case_object(&id),
        "ok",
    )?;
    Ok(Json(
        entries
            .into_iter()
            .map(|(_, e)| {
                let (_, organisatie, functies) = audit::parse_actor(&e.actor);
                Inzage {
                    tijdstip: rfc3339(&e.at),
                    organisatie,
                    functies,
                    handeling: e.action.into_owned(),
                    resultaat: e.result.into_owned(),
                }
            })
            .collect(),
    ))
}
