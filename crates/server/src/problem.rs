//! Errors as `application/problem+json` (RFC 9457), each with a stable `code` and a Dutch
//! `title` and `detail`; invalid input lists the invalid parameters.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Een ongeldige parameter van een verzoek.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvalidParam {
    /// De naam van de parameter zoals de client die stuurde.
    pub name: String,
    /// Een vaste code (`unknown`, `invalid`, `out-of-range`).
    pub code: String,
    /// Waarom.
    pub reason: String,
}

/// Een probleemmelding (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = Problem)]
pub struct ProblemBody {
    /// Een URI die de soort probleem noemt.
    #[serde(rename = "type")]
    pub kind: String,
    /// Korte titel.
    pub title: String,
    /// De HTTP-status.
    pub status: u16,
    /// Wat er gebeurde.
    pub detail: String,
    /// Een vaste code voor programma's.
    pub code: String,
    /// De ongeldige parameters, bij 400.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
}

/// A problem, as handlers return it.
#[derive(Debug, Clone)]
pub struct Problem {
    /// A stable code for programs.
    pub code: &'static str,
    /// Short, Dutch.
    pub title: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// What happened, Dutch.
    pub detail: String,
    /// The invalid parameters, for 400.
    pub invalid_params: Vec<InvalidParam>,
    /// Seconds to wait before trying again (503).
    pub retry_after: Option<u32>,
}

impl Problem {
    /// A problem with a status, a stable code and Dutch texts.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Problem {
        Problem {
            title,
            status,
            detail: detail.into(),
            code,
            invalid_params: Vec::new(),
            retry_after: None,
        }
    }

    /// 400 with the invalid parameters.
    pub fn invalid(params: Vec<InvalidParam>) -> Problem {
        let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
        let mut p = Problem::new(
            StatusCode::BAD_REQUEST,
            "ongeldige-invoer",
            "Ongeldige invoer",
            format!("deze parameters kloppen niet: {}", names.join(", ")),
        );
        p.invalid_params = params;
        p
    }

    /// 404 for a resource that does not exist.
    pub fn not_found(what: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "niet-gevonden",
            "Niet gevonden",
            format!("{what} bestaat niet"),
        )
    }

    /// 503: the database does not answer; nothing was written.
    pub fn unavailable() -> Problem {
        let mut p = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "niet-beschikbaar",
            "Tijdelijk niet beschikbaar",
            "de database antwoordt niet; er is niets gewijzigd. Probeer het zo opnieuw.",
        );
        p.retry_after = Some(5);
        p
    }
}

impl From<ave_store::StoreError> for Problem {
    fn from(e: ave_store::StoreError) -> Problem {
        match e {
            ave_store::StoreError::Erased(_) => Problem::new(
                StatusCode::GONE,
                "gewist",
                "Inhoud gewist",
                "de inhoud van deze casus is gewist (bewaartermijn verstreken)",
            ),
            other => {
                tracing::warn!(error = %other, detail = other.detail().unwrap_or_default(), "opslag");
                Problem::unavailable()
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = ProblemBody {
            kind: format!("https://ave-regie.nl/problemen/{}", self.code),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
            invalid_params: self.invalid_params,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (self.status, bytes).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}
