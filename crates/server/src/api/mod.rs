//! The REST API under `/api/v1`, following the NLGov API Design Rules: Dutch resource names,
//! kebab-case paths, lowerCamelCase properties and query keys, problem+json errors.

pub mod cases;
pub mod models;

use utoipa::OpenApi;

/// The API's version, sent as `API-Version` on every response.
pub const VERSION: &str = "1.0.0";

/// The OpenAPI 3.1 document, generated from the handlers and types.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "AVE-regie",
        version = "1.0.0",
        description = "Casussen onder het lokale AVE-model: lijsten, casussen en hun tijdlijn. Opdrachten volgen met aanmelden (issue 11).",
        contact(name = "AVE-regie", url = "https://ave-regie.nl", email = "beheer@ave-regie.nl"),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1")),
    paths(cases::list, cases::get, cases::timeline, models::list),
    components(schemas(
        cases::Casus,
        cases::Rol,
        cases::CasussenPagina,
        cases::Links,
        cases::Gebeurtenis,
        models::Model,
        crate::problem::ProblemBody,
        crate::problem::InvalidParam
    )),
    tags(
        (name = "casussen", description = "Casussen: één huishouden elk"),
        (name = "modellen", description = "Versies van lokale AVE-modellen")
    )
)]
pub struct ApiDoc;
