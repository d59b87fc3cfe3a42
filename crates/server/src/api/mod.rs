//! The REST API under `/api/v1`, following the NLGov API Design Rules: Dutch resource names,
//! kebab-case paths, lowerCamelCase properties and query keys, problem+json errors.

pub mod access;
pub mod body;
pub mod cases;
pub mod commands;
pub mod directory;
pub mod ik;
pub mod journeys;
pub mod logboek;
pub mod meldingen;
pub mod models;
pub mod overview;
pub mod path;
pub(crate) mod query;

use utoipa::OpenApi;

/// The API's version, sent as `API-Version` on every response.
pub const VERSION: &str = "1.0.0";

/// The OpenAPI 3.1 document, generated from the handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "AVE-regie",
        version = "1.0.0",
        description = "Casussen onder het lokale AVE-model: openen, signalen, rollen, op- en afschalen en elke andere opdracht van het model; lijsten, casussen en hun tijdlijn. Elke casus is alleen zichtbaar voor wie erbij betrokken is (need-to-know); een casus die u niet mag zien bestaat voor u niet (404). Elke lees- en schrijfactie op persoonsgegevens komt in het auditlog.",
        contact(name = "AVE-regie", url = "https://ave-regie.nl", email = "beheer@ave-regie.nl"),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1", description = "Deze server")),
    paths(
        cases::list,
        cases::get,
        cases::timeline,
        commands::open,
        commands::command,
        commands::signal,
        commands::role,
        commands::propose,
        commands::decide,
        commands::change_model,
        journeys::run,
        overview::gemeenten,
        overview::attention,
        models::list,
        access::request,
        access::grants,
        access::review,
        access::subject_access,
        logboek::checkpoints,
        directory::organisations,
        directory::put_organisation,
        directory::persons,
        directory::put_person,
        crate::auth::local::login,
        crate::auth::local::current,
        crate::auth::local::logout,
        ik::get,
        meldingen::list,
        meldingen::mark_read
    ),
    components(schemas(
        cases::Casus,
        cases::Rol,
        cases::CasussenPagina,
        cases::Links,
        cases::Gebeurtenis,
        commands::NieuweCasus,
        commands::Huishoudlid,
        commands::Deelnemer,
        commands::NieuwSignaal,
        commands::Roltoewijzing,
        commands::NieuwVerzoek,
        commands::Besluit,
        commands::Modelwissel,
        journeys::Klantreisrapport,
        overview::Gemeente,
        overview::Aandachtspunt,
        models::Model,
        access::Noodtoegangverzoek,
        access::Noodtoegang,
        access::Beoordeling,
        access::Inzage,
        logboek::Controlepunt,
        directory::Organisatie,
        directory::Lidmaatschap,
        directory::Persoon,
        crate::auth::local::Aanmelding,
        crate::auth::local::Sessie,
        ik::Ik,
        ik::Functie,
        meldingen::Melding,
        meldingen::MeldingLinks,
        meldingen::MeldingenPagina,
        crate::problem::ProblemBody,
        crate::problem::InvalidParam
    )),
    tags(
        (name = "casussen", description = "Casussen: één huishouden elk"),
        (name = "modellen", description = "Versies van lokale AVE-modellen"),
        (name = "overzichten", description = "Tellingen zonder persoonsgegevens: gemeenten en de aandachtslijst"),
        (name = "klantreizen", description = "Een fictieve casus door een model laten lopen en de hiaten zien"),
        (name = "personen", description = "Wie hier werkt: organisaties en personen met hun functies"),
        (name = "toegang", description = "Noodtoegang, de beoordeling daarvan, en inzageverzoeken van betrokkenen"),
        (name = "beveiligingslogboek", description = "De ondertekende controlepunten van het beveiligingslogboek, voor een getuige buiten dit systeem"),
        (name = "sessies", description = "Aanmelden met een lokaal account (wachtwoord en code uit de authenticator-app) en afmelden"),
        (name = "aanmelden", description = "Wie er is aangemeld"),
        (name = "meldingen", description = "Uw inbox: meldingen over triggers, overgangen en overdrachten in casussen")
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as served: the generated one, with the `API-Version` header that
/// every response carries (a layer adds it) declared on every response.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    // Every operation needs a logged-in person: a bearer token (a personal API token or a JWT
    // from the organisation's identity provider) or the session cookie of the web pages.
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "security".to_owned(),
            serde_json::json!([{"bearer": []}, {"sessie": []}]),
        );
        let components = obj
            .entry("components")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(c) = components.as_object_mut() {
            c.insert(
                "securitySchemes".to_owned(),
                serde_json::json!({
                    "bearer": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "Een persoonlijk API-token (avet_…, te maken met `ave account token`) of een JWT van de identiteitsprovider van uw organisatie"
                    },
                    "sessie": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": crate::auth::SESSION_COOKIE,
                        "description": "De sessie van de webpagina's na aanmelden; onveilige methoden vragen ook de kop X-CSRF-Token"
                    }
                }),
            );
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
            for op in item.values_mut().filter_map(|o| o.as_object_mut()) {
                let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut())
                else {
                    continue;
                };
                // Every operation answers 401 without a login (the document's `security`);
                // declared where the handler's own list does not already.
                responses.entry("401").or_insert_with(|| {
                    serde_json::json!({
                        "description": "Niet aangemeld, of het token is verlopen, vervalst of niet voor deze dienst",
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                    })
                });
                for response in responses.values_mut().filter_map(|r| r.as_object_mut()) {
                    let headers = response
                        .entry("headers")
                        .or_insert_with(|| serde_json::json!({}));
                    if let Some(h) = headers.as_object_mut() {
                        h.insert(
                            "API-Version".to_owned(),
                            serde_json::json!({
                                "description": "De volledige versie van de API",
                                "schema": {"type": "string", "example": VERSION}
                            }),
                        );
                    }
                }
            }
        }
    }
    doc
}
