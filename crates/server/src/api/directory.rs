//! `/organisaties` and `/personen`: the directory of who works here. Every logged-in person
//! may read it (professionals need to know whom they work with); only administrators change
//! it. People are named by their work name and pseudonymous id; no resident is in it.

use super::path::PathParams;
use ave_store::identity::{Membership, Organisation, Person, PersonWrite};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::body::JsonBody;
use crate::access::{self, Operation};
use crate::auth::Actor;
use crate::problem::{Problem, ProblemBody};
use crate::{AppState, audit};

/// Een organisatie.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organisatie {
    /// De id (kleine letters, cijfers en streepjes), bijvoorbeeld `gemeente-oss`.
    #[serde(default)]
    pub id: String,
    /// De naam.
    pub naam: String,
}

/// Een functie die iemand voor een organisatie vervult.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Lidmaatschap {
    /// De organisatie (id).
    pub organisatie: String,
    /// De gemeente waarvoor; leeg voor de hele regio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gemeente: Option<String>,
    /// De functie, zoals de modellen die noemen.
    pub functie: String,
}

/// Een persoon in de personenlijst.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Persoon {
    /// De id (pseudoniem).
    #[serde(default)]
    pub id: String,
    /// De werknaam.
    pub naam: String,
    /// Beheerder: beheert modellen, organisaties en accounts en ziet geen casussen.
    #[serde(default)]
    pub beheerder: bool,
    /// Functionaris gegevensbescherming: beantwoordt inzageverzoeken en beoordeelt noodtoegang.
    #[serde(default)]
    pub functionaris_gegevensbescherming: bool,
    /// Of de persoon kan aanmelden.
    #[serde(default = "yes")]
    pub actief: bool,
    /// De functies.
    #[serde(default)]
    pub functies: Vec<Lidmaatschap>,
    /// Het e-mailadres voor berichten over nieuwe meldingen (alleen een link, geen inhoud).
    /// Weggelaten: blijft zoals het was; een lege tekst haalt het weg.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

fn yes() -> bool {
    true
}

impl Persoon {
    fn of(p: Person) -> Persoon {
        Persoon {
            email: None,
            id: p.id,
            naam: p.name,
            beheerder: p.admin,
            functionaris_gegevensbescherming: p.privacy,
            actief: p.active,
            functies: p
                .memberships
                .into_iter()
                .map(|m| Lidmaatschap {
                    organisatie: m.organisation,
                    gemeente: m.gemeente,
                    functie: m.function,
                })
                .collect(),
        }
    }
}

/// Whether `id` is a usable id: lowercase letters, digits and dashes, 1–64 long.
fn valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Checks what every `PUT` of the directory needs: a usable id in the address, the same (or
/// none) in the body, and a name.
fn check_put(id: &str, body_id: &str, name: &str) -> Result<(), Problem> {
    if !valid_id(id) {
        return Err(Problem::invalid_one(
            "id",
            "invalid",
            "kleine letters, cijfers en streepjes, 1 tot 64 tekens",
        ));
    }
    if !body_id.is_empty() && body_id != id {
        return Err(Problem::invalid_one(
            "id",
            "mismatch",
            "de id in het bericht verschilt van die in het adres",
        ));
    }
    if name.trim().is_empty() {
        return Err(Problem::invalid_one("naam", "required", "geef de naam"));
    }
    Ok(())
}

/// De organisaties.
#[utoipa::path(
    get,
    path = "/organisaties",
    tag = "personen",
    operation_id = "organisatiesLijst",
    responses(
        (status = 200, description = "De organisaties", body = Vec<Organisatie>),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn organisations(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<Organisatie>>, Problem> {
    access::check(&state, &actor, Operation::ReadShared)?;
    Ok(Json(
        state
            .store
            .organisations()
            .await?
            .into_iter()
            .map(|o| Organisatie {
                id: o.id,
                naam: o.name,
            })
            .collect(),
    ))
}

/// Legt een organisatie vast of wijzigt haar naam (beheerder).
#[utoipa::path(
    put,
    path = "/organisaties/{id}",
    tag = "personen",
    operation_id = "organisatieVastleggen",
    params(("id" = String, Path, description = "De organisatie")),
    request_body = Organisatie,
    responses(
        (status = 200, description = "Vastgelegd", body = Organisatie),
        (status = 400, description = "Ongeldige invoer", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Alleen voor beheerders", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn put_organisation(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Organisatie>,
) -> Result<Json<Organisatie>, Problem> {
    access::check(&state, &actor, Operation::Administer)?;
    check_put(&id, &body.id, &body.naam)?;
    let entry = audit::entry(&actor, "beheer", format!("organisatie/{id}"), "ok");
    state
        .store
        .put_organisation(
            &Organisation {
                id: id.clone(),
                name: body.naam.trim().to_owned(),
            },
            Some(&entry),
        )
        .await?;
    state.logs.nudge();
    Ok(Json(Organisatie {
        id,
        naam: body.naam.trim().to_owned(),
    }))
}

/// De personen.
#[utoipa::path(
    get,
    path = "/personen",
    tag = "personen",
    operation_id = "personenLijst",
    responses(
        (status = 200, description = "De personen met hun functies", body = Vec<Persoon>),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn persons(
    State(state): State<AppState>,
    actor: Actor,
) -> Result<Json<Vec<Persoon>>, Problem> {
    access::check(&state, &actor, Operation::ReadShared)?;
    let emails = state.store.person_emails().await?;
    Ok(Json(
        state
            .store
            .persons()
            .await?
            .into_iter()
            .map(|p| {
                let email = emails.get(&p.id).cloned();
                Persoon {
                    email,
                    ..Persoon::of(p)
                }
            })
            .collect(),
    ))
}

/// An administrator changes no rights of their own — being an administrator or the privacy
/// officer, being active, the functions held — so that no one gives themselves access to
/// cases: another administrator does it, or the operator with `ave persoon maak`. Their own
/// work name and e-mail address they may change. The attempt is refused with 403 and logged.
async fn refuse_own_rights(
    state: &AppState,
    actor: &Actor,
    person: &Person,
) -> Result<(), Problem> {
    if person.id != actor.person {
        return Ok(());
    }
    let now = state.store.person(&person.id).await?;
    let same = now.as_ref().is_some_and(|now| {
        now.admin == person.admin
            && now.privacy == person.privacy
            && now.active == person.active
            && sorted(&now.memberships) == sorted(&person.memberships)
    });
    if same {
        return Ok(());
    }
    let logged = audit::record(
        state,
        actor,
        "toegang-geweigerd",
        format!("persoon/{}", person.id),
        "geweigerd: eigen rechten wijzigen",
    );
    if logged.is_err() {
        tracing::error!("auditlog: een geweigerde wijziging is niet vastgelegd");
    }
    Err(Problem::forbidden(
        "uw eigen rechten (beheerder, functionaris gegevensbescherming, actief, functies) \
         wijzigt een andere beheerder, of de operator met `ave persoon maak`",
    ))
}

fn sorted(memberships: &[Membership]) -> Vec<&Membership> {
    let mut all: Vec<&Membership> = memberships.iter().collect();
    all.sort();
    all.dedup();
    all
}

/// Legt een persoon vast met zijn functies, of wijzigt hem (beheerder). Zijn sessies eindigen:
/// wat hij mag is veranderd, dus meldt hij opnieuw aan.
#[utoipa::path(
    put,
    path = "/personen/{id}",
    tag = "personen",
    operation_id = "persoonVastleggen",
    params(("id" = String, Path, description = "De persoon (pseudoniem)")),
    request_body = Persoon,
    responses(
        (status = 200, description = "Vastgelegd", body = Persoon),
        (status = 400, description = "Ongeldige invoer (bijvoorbeeld een onbekende organisatie)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "Niet aangemeld", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Alleen voor beheerders", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn put_person(
    State(state): State<AppState>,
    actor: Actor,
    PathParams(id): PathParams<String>,
    JsonBody(body): JsonBody<Persoon>,
) -> Result<Json<Persoon>, Problem> {
    access::check(&state, &actor, Operation::Administer)?;
    check_put(&id, &body.id, &body.naam)?;
    // Checked before anything is written: `Some(None)` removes the address.
    let email = match body.email.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(text) => Some(Some(
            ave_store::notifications::Email::parse(text)
                .map_err(|reason| Problem::invalid_one("email", "invalid", reason))?,
        )),
    };
    let person = Person {
        id: id.clone(),
        name: body.naam.trim().to_owned(),
        admin: body.beheerder,
        privacy: body.functionaris_gegevensbescherming,
        active: body.actief,
        memberships: body
            .functies
            .into_iter()
            .map(|m| Membership {
                organisation: m.organisatie,
                gemeente: m.gemeente.filter(|g| !g.is_empty()),
                function: m.functie,
            })
            .collect(),
    };
    refuse_own_rights(&state, &actor, &person).await?;
    // The person, their address and the audit entry in one transaction; what the person
    // may do changed, so their sessions end with it (they log in again).
    let entry = audit::entry(&actor, "beheer", format!("persoon/{id}"), "ok");
    state
        .store
        .put_person(
            &person,
            PersonWrite {
                email: email.as_ref().map(Option::as_ref),
                audit: Some(&entry),
            },
        )
        .await?;
    state.auth.forget_person(&id);
    state.logs.nudge();
    let email = state.store.person_emails().await?.remove(&id);
    Ok(Json(Persoon {
        email,
        ..Persoon::of(person)
    }))
}
