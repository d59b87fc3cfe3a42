//! Commands over the API: open a case, record a signal, assign a role, propose an op- or
//! afschaling, decide it — and any other command of the engine through `/opdrachten`.
//!
//! Each command runs the same way: the case is taken up to date from the live cache, an
//! `If-Match` that names an older version answers 412, the engine decides (a refusal answers
//! 422 with the engine's stable code and the model's rule), and the events are committed by
//! the group-commit writer with the version the command was decided on — so when two
//! commands race, exactly one wins and the other answers 409, having written nothing.
//!
//! The acting person is the authenticated [`Actor`]; whether they may act on the case is
//! decided by [`crate::access`].

use super::path::PathParams;
use ave_engine::Case;
use ave_engine::command::{self as cmd, Command, Envelope};
use ave_engine::ids::{CaseId, PersonId};
use ave_model::ValidModel;
use ave_store::{Append, CaseRow, Provenance};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::body::{JsonBody, refused};
use super::cases::{Casus, case_id};
use crate::access::{self, Access, Operation};
use crate::auth::Actor;
use crate::live::Live;
use crate::problem::{Problem, ProblemBody};
use crate::{AppState, now};

/// The problems every command on a case can answer (declared once for the OpenAPI document).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum CommandProblems {
    /// Ongeldige invoer: elk fout veld genoemd.
    #[response(status = 400, content_type = "application/problem+json")]
    Invalid(ProblemBody),
    /// De casus (of het genoemde model) bestaat niet.
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(ProblemBody),
    /// Gelijktijdig gewijzigd; niets vastgelegd.
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(ProblemBody),
    /// If-Match is verouderd; niets vastgelegd.
    #[response(status = 412, content_type = "application/problem+json")]
    Stale(ProblemBody),
    /// Het verzoek is groter dan 64 KiB; niets vastgelegd.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(ProblemBody),
    /// Geen JSON; niets vastgelegd.
    #[response(status = 415, content_type = "application/problem+json")]
    NotJson(ProblemBody),
    /// Geweigerd door het model (met de code van de engine, de regel en de bron); niets vastgelegd.
    #[response(status = 422, content_type = "application/problem+json")]
    Refused(ProblemBody),
    /// Database niet beschikbaar; niets vastgelegd.
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(ProblemBody),
}

/// Een nieuwe casus.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NieuweCasus {
    /// Het model (id) waaronder de casus gaat lopen.
    pub model: String,
    /// De versie van het model; standaard de nieuwste opgeslagen versie.
    #[serde(default)]
    pub modelversie: Option<String>,
    /// De gemeente van het huishouden.
    #[serde(default)]
    pub gemeente: Option<String>,
    /// De instroomfase (een fase van het model).
    pub fase: String,
    /// Waarom de casus wordt geopend.
    pub reden: String,
    /// De leden van het huishouden (pseudoniemen, nooit een BSN of naam).
    #[serde(default)]
    pub huishouden: Vec<Huishoudlid>,
    /// De eerste deelnemers; wie opent hoort erbij.
    #[serde(default)]
    pub deelnemers: Vec<Deelnemer>,
}

/// Een lid van het huishouden.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Huishoudlid {
    /// Pseudoniem van het lid.
    pub lid: String,
    /// Rol in het huishouden: ouder, kind, partner, …
    pub rol: String,
    /// Of het lid minderjarig is.
    #[serde(default)]
    pub minderjarig: bool,
    /// Geboortedatum (JJJJ-MM-DD), als die bekend is.
    #[serde(default)]
    pub geboortedatum: Option<String>,
}

/// Een professional die deelneemt aan de casus.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deelnemer {
    /// Pseudoniem van de persoon.
    pub persoon: String,
    /// Werknaam van de professional.
    pub naam: String,
    /// Functie uit het model.
    pub functie: String,
    /// De organisatie.
    pub organisatie: String,
}

/// Een nieuw signaal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NieuwSignaal {
    /// Eigen id van het signaal; anders kiest de server er een. Een tweede signaal met hetzelfde
    /// id wordt geweigerd (422, code `duplicate-id`): wie na een time-out opnieuw stuurt, weet
    /// zo dat het eerste al vastligt, en het staat er nooit twee keer in.
    #[serde(default)]
    pub id: Option<String>,
    /// Wie het meldde (politie, school, buren, …).
    pub bron: String,
    /// Soort signaal.
    pub categorie: String,
    /// Wat er gemeld is.
    pub tekst: String,
    /// Triggers van het model waarop het signaal past.
    #[serde(default)]
    pub triggers: Vec<String>,
}

/// Een rol toewijzen.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Roltoewijzing {
    /// `casusregie`, `procesregie`, `behandelregie`, `operationeel` of `bestuurlijk`.
    pub rol: String,
    /// Pseudoniem van de deelnemer die de rol krijgt.
    pub persoon: String,
    /// Datum (JJJJ-MM-DD) waarop de rol wordt herzien (procesregie is tijdelijk).
    #[serde(default)]
    pub herzieningsdatum: Option<String>,
    /// Waarom (verplicht bij wisseling van casusregisseur onder de continuïteitsregel).
    #[serde(default)]
    pub reden: Option<String>,
    /// Motivering van een afwijking van een regel die 'bij voorkeur' geldt.
    #[serde(default)]
    pub motivering: Option<String>,
}

/// Een voorstel tot op- of afschalen.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NieuwVerzoek {
    /// Eigen id van het verzoek; anders kiest de server er een.
    #[serde(default)]
    pub id: Option<String>,
    /// De overgang van het model.
    pub overgang: String,
    /// De criteria waarop het voorstel rust.
    pub criteria: Vec<String>,
    /// De onderbouwing.
    pub onderbouwing: String,
}

/// Een besluit over een verzoek.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Besluit {
    /// Goedkeuren (true) of afwijzen (false).
    pub goedkeuren: bool,
    /// Waarom.
    pub reden: String,
    /// Op grond van welk mandaat of welke bepaling, naast de functie.
    #[serde(default)]
    pub bevoegdheid: Option<String>,
    /// Wie geraadpleegd is (pseudoniemen).
    #[serde(default)]
    pub geraadpleegd: Vec<String>,
    /// Motivering van een afwijking van een regel die 'bij voorkeur' geldt.
    #[serde(default)]
    pub motivering: Option<String>,
}

/// The engine's field names in its command form, with the Dutch names of this API, so a
/// refused field is named as the client wrote it.
const FIELDS: &[(&str, &str)] = &[
    ("case", "id"),
    ("phase", "fase"),
    ("reason", "reden"),
    ("household", "huishouden"),
    ("member", "lid"),
    ("role", "rol"),
    ("minor", "minderjarig"),
    ("born", "geboortedatum"),
    ("participants", "deelnemers"),
    ("person", "persoon"),
    ("name", "naam"),
    ("function", "functie"),
    ("organisation", "organisatie"),
    ("signal", "id"),
    ("source", "bron"),
    ("category", "categorie"),
    ("text", "tekst"),
    ("review", "herzieningsdatum"),
    ("motivation", "motivering"),
    ("request", "id"),
    ("transition", "overgang"),
    ("evidence", "onderbouwing"),
    ("approve", "goedkeuren"),
    ("authority", "bevoegdheid"),
    ("consulted", "geraadpleegd"),
];

/// A part of an engine command (`T`) from the JSON this API built out of its Dutch fields;
/// a refused field is named as the client wrote it.
fn dutch<T: DeserializeOwned>(value: Value) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(value)
        .map_err(|e| refused(&e.path().to_string(), e.inner(), &dutch_name))
}

/// An engine field's path (`household[0].born`) in this API's Dutch names.
fn dutch_name(path: &str) -> String {
    path.split('.')
        .map(|part| {
            let (key, index) = part.split_at(part.find('[').unwrap_or(part.len()));
            match FIELDS.iter().find(|(engine, _)| *engine == key) {
                Some((_, ours)) => format!("{ours}{index}"),
                None => part.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// An engine command in its own JSON form (`{"do": …}`), as `/opdrachten` takes it; a
/// refused field is named by its path in that form.
fn engine_command(value: Value) -> Result<Command, Problem> {
    serde_path_to_error::deserialize::<_, Command>(value)
        .map_err(|e| refused(&e.path().to_string(), e.inner(), &|name| name.to_owned()))
}

/// The acting person, as the engine names them.
fn acting(actor: &Actor) -> Result<PersonId, Problem> {
    PersonId::parse(&actor.person)
        .map_err(|_| Problem::forbidden("deze persoon kan in een casus niet handelen"))
}

/// The version `If-Match` requires, if it names one (`*` requires none). A list of ETags
/// (`"11", "12"`) is answered 400: a command rests on one version of the case.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, Problem> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let v = v.to_str().unwrap_or_default().trim();
    if v == "*" {
        return Ok(None);
    }
    let one = |reason: &str| Problem::invalid_one("If-Match", "invalid", reason);
    if v.contains(',') {
        return Err(one(
            "één ETag: de versie van de casus waarop de opdracht rust, bijvoorbeeld \"12\"",
        ));
    }
    v.trim_start_matches("W/")
        .trim_matches('"')
        .parse::<u64>()
        .map(Some)
        .map_err(|_| one("een ETag zoals de casus die gaf, bijvoorbeeld \"12\""))
}

/// A fresh id for something the server names (pseudonymous, random).
pub(crate) fn fresh_id(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// Runs `command` on case `id` and commits its events; the case as it is afterwards.
async fn run(
    state: &AppState,
    id: &CaseId,
    actor: &Actor,
    headers: &HeaderMap,
    command: Command,
) -> Result<CaseRow, Problem> {
    let expected = if_match(headers)?;
    run_under(state, id, actor, expected, vec![command], None).await
}

/// Runs `commands` on case `id`, in order and as one: each is decided on the case as the
/// ones before it left it, and their events are committed together — or, when one is
/// refused, none is. `expected` is the version the person acted on (a form's hidden field,
/// an API's `If-Match`): an older one answers 412 and writes nothing. The API's commands and
/// the pages' forms both come here.
pub(crate) async fn run_commands(
    state: &AppState,
    id: &CaseId,
    actor: &Actor,
    expected: Option<u64>,
    commands: Vec<Command>,
) -> Result<CaseRow, Problem> {
    run_under(state, id, actor, expected, commands, None).await
}

/// [`run_commands`], decided against `target` (a model version to move the case to) when
/// given.
async fn run_under(
    state: &AppState,
    id: &CaseId,
    actor: &Actor,
    expected: Option<u64>,
    commands: Vec<Command>,
    target: Option<&str>,
) -> Result<CaseRow, Problem> {
    let by = acting(actor)?;
    let (stored, _) = access::case_for(state, actor, id, Operation::Command).await?;
    let live = state
        .live
        .take(&state.store, &state.models, &stored)
        .await?;
    let version = live.case.seq();
    if expected.is_some_and(|e| e != version) {
        state.live.put(live);
        return Err(Problem::stale(version));
    }
    let at = now();
    let Live {
        case,
        gemeente,
        model,
    } = live;
    let model = match target {
        Some(version) => {
            let found = state
                .models
                .get(&state.store, case.model().as_str(), version)
                .await;
            match found {
                Ok(m) => m,
                Err(p) => {
                    state.live.put(Live {
                        case,
                        gemeente,
                        model,
                    });
                    return Err(p);
                }
            }
        }
        None => model,
    };
    // With more than one command a later refusal must leave the case as it was before the
    // first: keep that state aside.
    let before = (commands.len() > 1).then(|| case.clone());
    let mut slot = Some(case);
    let mut events = Vec::new();
    let mut refused = None;
    for command in commands {
        let env = Envelope {
            at,
            by: by.clone(),
            command,
        };
        match ave_engine::execute(&model, &mut slot, &env) {
            Ok(more) => events.extend(more),
            Err(rejection) => {
                refused = Some(rejection);
                break;
            }
        }
    }
    let Some(case) = slot else {
        return Err(Problem::internal("de casus ging verloren in de opdracht"));
    };
    if let Some(rejection) = refused {
        // A refused command changed nothing: the case goes back as it was.
        state.live.put(Live {
            case: before.unwrap_or(case),
            gemeente,
            model,
        });
        return Err(Problem::rejected(rejection));
    }
    let row = CaseRow::of(&model, &case, gemeente.as_deref());
    let provenance = provenance(actor, &model, &case, events.len());
    // Meldingen go with the events, in their transaction (the case is reloaded on failure).
    let notify = crate::inbox::for_command(
        state,
        &model,
        &case,
        gemeente.as_deref(),
        &events,
        &actor.person,
    )
    .await?;
    state
        .writer
        .append(Append {
            case: id.clone(),
            expected: version,
            events,
            row: row.clone(),
            provenance,
            notify,
            audit: Some(crate::audit::of_change(actor, id, false)),
        })
        .await?;
    crate::audit::wrote(state, actor, id);
    state.live.put(Live {
        case,
        gemeente,
        model,
    });
    Ok(row)
}

/// Who contributed a command's `n` events and under which legal basis: the actor's
/// organisation, and the basis the model gives for the phase the command left the case in.
fn provenance(actor: &Actor, model: &ValidModel, case: &Case, n: usize) -> Vec<Provenance> {
    let organisation = actor
        .organisation
        .clone()
        .or_else(|| actor.memberships.first().map(|m| m.organisation.clone()))
        .or_else(|| {
            PersonId::parse(&actor.person)
                .ok()
                .and_then(|p| case.participant(&p).map(|p| p.organisation.clone()))
        });
    let grondslag = model
        .phase(case.phase())
        .and_then(|p| p.grondslag.as_ref())
        .and_then(|g| g.basis.clone());
    vec![
        Provenance {
            organisation,
            grondslag,
        };
        n
    ]
}

/// The case as a response, with its version as `ETag` (and `Location` when created).
fn respond(state: &AppState, row: CaseRow, created: bool) -> Response {
    let etag = format!("\"{}\"", row.version);
    let location = format!("/api/v1/casussen/{}", row.id);
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = (status, Json(Casus::of(row, &state.today(), Access::Full))).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    if created && let Ok(v) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, v);
    }
    response
}

/// Opent een casus onder (de nieuwste versie van) een model.
#[utoipa::path(
    post,
    path = "/casussen",
    tag = "casussen",
    operation_id = "casusOpenen",
    request_body = NieuweCasus,
    responses(
        (status = 201, description = "De casus is geopend", body = Casus, headers(("ETag" = String, description = "De versie van de casus"), ("Location" = String, description = "Het adres van de casus"))),
        (status = 400, description = "Ongeldige invoer", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "Het model bestaat niet", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Een casus met deze id bestaat al", body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "Het verzoek is groter dan 64 KiB; niets vastgelegd", body = ProblemBody, content_type = "application/problem+json"),
        (status = 415, description = "Geen JSON; niets vastgelegd", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Geweigerd door het model", body = ProblemBody, content_type = "application/problem+json"),
        (status = 503, description = "Database niet beschikbaar", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn open(
    State(state): State<AppState>,
    actor: Actor,
    JsonBody(body): JsonBody<NieuweCasus>,
) -> Result<Response, Problem> {
    access::check(&state, &actor, Operation::OpenCase)?;
    let by = acting(&actor)?;
    let model = match &body.modelversie {
        Some(v) => state.models.get(&state.store, &body.model, v).await?,
        None => state.models.newest(&state.store, &body.model).await?,
    };
    let id = fresh_id("casus");
    let command = Command::Open(dutch::<cmd::Open>(json!({
        "case": id,
        "phase": body.fase,
        "reason": body.reden,
        "household": body.huishouden.iter().map(|m| json!({
            "member": m.lid, "role": m.rol, "minor": m.minderjarig, "born": m.geboortedatum,
        })).collect::<Vec<_>>(),
        "participants": body.deelnemers.iter().map(|p| json!({
            "person": p.persoon, "name": p.naam, "function": p.functie, "organisation": p.organisatie,
        })).collect::<Vec<_>>(),
    }))?);
    let env = Envelope {
        at: now(),
        by,
        command,
    };
    let mut slot = None;
    let events = ave_engine::execute(&model, &mut slot, &env).map_err(Problem::rejected)?;
    let Some(case) = slot else {
        return Err(Problem::internal("de nieuwe casus ontbreekt na openen"));
    };
    let row = CaseRow::of(&model, &case, body.gemeente.as_deref());
    let provenance = provenance(&actor, &model, &case, events.len());
    let notify = crate::inbox::for_command(
        &state,
        &model,
        &case,
        body.gemeente.as_deref(),
        &events,
        &actor.person,
    )
    .await?;
    state
        .writer
        .append(Append {
            case: case.id().clone(),
            expected: 0,
            events,
            row: row.clone(),
            provenance,
            notify,
            audit: Some(crate::audit::of_change(&actor, case.id(), true)),
        })
        .await?;
    crate::audit::opened(&state, &actor, case.id());
    state.live.put(Live {
        case,
        gemeente: body.gemeente,
        model,
    });
    Ok(respond(&state, row, true))
}

/// Voert een opdracht van de engine uit op een casus: elke opdracht die een klantreis kent
/// (`{"do": "evaluate", …}`), in dezelfde vorm.
#[utoipa::path(
    post,
    path = "/casussen/{id}/opdrachten",
    tag = "casussen",
    operation_id = "casusOpdracht",
    request_body(content = Object, description = "Een opdracht in de vorm van de klantreis: `do` met de velden van die opdracht (zie docs/klantreis.md)"),
    params(
        ("id" = String, Path, description = "De casus (pseudoniem)"),
        ("If-Match" = Option<String>, Header, description = "De ETag van de casus waarop de opdracht rust"),
    ),
    responses(
        (status = 200, description = "Uitgevoerd en vastgelegd", body = Casus, headers(("ETag" = String, description = "De nieuwe versie van de casus"))),
        CommandProblems,
    )
)]
pub async fn command(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Value>,
) -> Result<Response, Problem> {
    let id = case_id(&id)?;
    if body.get("do").and_then(Value::as_str) == Some("open") {
        return Err(Problem::invalid_one(
            "do",
            "invalid",
            "een casus openen gaat met POST /casussen",
        ));
    }
    let command = engine_command(body)?;
    let row = run(&state, &id, &actor, &headers, command).await?;
    Ok(respond(&state, row, false))
}

/// Legt een signaal vast.
#[utoipa::path(
    post,
    path = "/casussen/{id}/signalen",
    tag = "casussen",
    operation_id = "signaalVastleggen",
    request_body = NieuwSignaal,
    params(
        ("id" = String, Path, description = "De casus (pseudoniem)"),
        ("If-Match" = Option<String>, Header, description = "De ETag van de casus waarop de opdracht rust"),
    ),
    responses(
        (status = 201, description = "Vastgelegd", body = Casus, headers(("ETag" = String, description = "De nieuwe versie van de casus"), ("Location" = String, description = "Het adres van de casus"))),
        CommandProblems,
    )
)]
pub async fn signal(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NieuwSignaal>,
) -> Result<Response, Problem> {
    let id = case_id(&id)?;
    let command = Command::RecordSignal(dutch(json!({
        "signal": body.id.unwrap_or_else(|| fresh_id("signaal")),
        "source": body.bron, "category": body.categorie, "text": body.tekst,
        "triggers": body.triggers,
    }))?);
    let row = run(&state, &id, &actor, &headers, command).await?;
    Ok(respond(&state, row, true))
}

/// Wijst een rol toe aan een deelnemer.
#[utoipa::path(
    post,
    path = "/casussen/{id}/rollen",
    tag = "casussen",
    operation_id = "rolToewijzen",
    request_body = Roltoewijzing,
    params(
        ("id" = String, Path, description = "De casus (pseudoniem)"),
        ("If-Match" = Option<String>, Header, description = "De ETag van de casus waarop de opdracht rust"),
    ),
    responses(
        (status = 200, description = "Toegewezen", body = Casus, headers(("ETag" = String, description = "De nieuwe versie van de casus"))),
        CommandProblems,
    )
)]
pub async fn role(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Roltoewijzing>,
) -> Result<Response, Problem> {
    let id = case_id(&id)?;
    let command = Command::AssignRole(dutch(json!({
        "role": body.rol, "person": body.persoon, "review": body.herzieningsdatum,
        "reason": body.reden, "motivation": body.motivering,
    }))?);
    let row = run(&state, &id, &actor, &headers, command).await?;
    Ok(respond(&state, row, false))
}

/// Stelt op- of afschalen voor.
#[utoipa::path(
    post,
    path = "/casussen/{id}/verzoeken",
    tag = "casussen",
    operation_id = "verzoekIndienen",
    request_body = NieuwVerzoek,
    params(
        ("id" = String, Path, description = "De casus (pseudoniem)"),
        ("If-Match" = Option<String>, Header, description = "De ETag van de casus waarop de opdracht rust"),
    ),
    responses(
        (status = 201, description = "Ingediend", body = Casus, headers(("ETag" = String, description = "De nieuwe versie van de casus"), ("Location" = String, description = "Het adres van de casus"))),
        CommandProblems,
    )
)]
pub async fn propose(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NieuwVerzoek>,
) -> Result<Response, Problem> {
    let id = case_id(&id)?;
    let command = Command::Propose(dutch(json!({
        "request": body.id.unwrap_or_else(|| fresh_id("verzoek")),
        "transition": body.overgang, "criteria": body.criteria, "evidence": body.onderbouwing,
    }))?);
    let row = run(&state, &id, &actor, &headers, command).await?;
    Ok(respond(&state, row, true))
}

/// Besluit over een verzoek tot op- of afschalen.
#[utoipa::path(
    post,
    path = "/casussen/{id}/verzoeken/{verzoek}/besluit",
    tag = "casussen",
    operation_id = "verzoekBesluiten",
    request_body = Besluit,
    params(
        ("id" = String, Path, description = "De casus (pseudoniem)"),
        ("verzoek" = String, Path, description = "Het verzoek"),
        ("If-Match" = Option<String>, Header, description = "De ETag van de casus waarop de opdracht rust"),
    ),
    responses(
        (status = 200, description = "Besloten", body = Casus, headers(("ETag" = String, description = "De nieuwe versie van de casus"))),
        CommandProblems,
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    PathParams((id, verzoek)): PathParams<(String, String)>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Besluit>,
) -> Result<Response, Problem> {
    let id = case_id(&id)?;
    let command = Command::Decide(dutch(json!({
        "request": verzoek, "approve": body.goedkeuren, "reason": body.reden,
        "authority": body.bevoegdheid, "consulted": body.geraadpleegd,
        "motivation": body.motivering,
    }))?);
    let row = run(&state, &id, &actor, &headers, command).await?;
    Ok(respond(&state, row, false))
}

/// Een casus naar een andere versie van zijn model.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Modelwissel {
    /// De versie waarnaar de casus gaat (een opgeslagen versie van hetzelfde model).
    pub versie: String,
    /// Waarom.
    pub reden: String,
}

/// Zet een open casus over naar een andere versie van zijn model: een uitdrukkelijke,
/// vastgelegde handeling, getoetst aan de nieuwe versie.
#[utoipa::path(
    post,
    path = "/casussen/{id}/modelversie",
    tag = "casussen",
    operation_id = "modelversieWisselen",
    request_body = Modelwissel,
    params(
        ("id" = String, Path, description = "De casus (pseudoniem)"),
        ("If-Match" = Option<String>, Header, description = "De ETag van de casus waarop de opdracht rust"),
    ),
    responses(
        (status = 200, description = "Overgezet", body = Casus, headers(("ETag" = String, description = "De nieuwe versie van de casus"))),
        CommandProblems,
    )
)]
pub async fn change_model(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Modelwissel>,
) -> Result<Response, Problem> {
    let id = case_id(&id)?;
    let command = Command::ChangeModel(cmd::ChangeModel {
        version: body.versie.clone(),
        reason: body.reden,
    });
    let expected = if_match(&headers)?;
    let row = run_under(
        &state,
        &id,
        &actor,
        expected,
        vec![command],
        Some(&body.versie),
    )
    .await?;
    Ok(respond(&state, row, false))
}
