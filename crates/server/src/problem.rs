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
    /// De regel van het model die een opdracht weigerde (`rules.…`), bij 422.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regel: Option<String>,
    /// De bron van die regel in het model (een citaat of verwijzing), bij 422.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bron: Option<String>,
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
    /// The model rule that refused a command, and its source (boxed: rare, and it keeps
    /// every `Result<_, Problem>` small).
    pub cited: Option<Box<Cited>>,
}

/// The model rule behind a refusal, and where the model says it.
#[derive(Debug, Clone, Default)]
pub struct Cited {
    /// `rules.…`, if a rule refused.
    pub rule: Option<String>,
    /// The model's source for the rule or transition.
    pub source: Option<String>,
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
            cited: None,
        }
    }

    /// 400 for one invalid parameter.
    pub fn invalid_one(name: &str, code: &str, reason: impl Into<String>) -> Problem {
        Problem::invalid(vec![InvalidParam {
            name: name.to_owned(),
            code: code.to_owned(),
            reason: reason.into(),
        }])
    }

    /// 500: something that should not happen; the details go to the log only.
    pub fn internal(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "interne-fout",
            "Interne fout",
            detail,
        )
    }

    /// 422: the model refuses the command; nothing was written. The code is the engine's
    /// stable rejection code.
    pub fn rejected(r: ave_engine::Rejection) -> Problem {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            r.code.as_str(),
            "Geweigerd door het model",
            r.message,
        );
        p.cited = Some(Box::new(Cited {
            rule: r.rule.map(|n| n.to_string()),
            source: r.citation,
        }));
        p
    }

    /// 412: `If-Match` names a version that is no longer current.
    pub fn stale(current: u64) -> Problem {
        Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "versie-verouderd",
            "Versie verouderd",
            format!(
                "de casus is intussen gewijzigd (nu versie {current}); haal hem opnieuw op en probeer het dan opnieuw"
            ),
        )
    }

    /// 409: another command changed the case at the same moment; nothing was written.
    pub fn conflict() -> Problem {
        Problem::new(
            StatusCode::CONFLICT,
            "conflict",
            "Gelijktijdige wijziging",
            "een andere opdracht wijzigde de casus op hetzelfde moment; er is niets vastgelegd. Haal de casus opnieuw op en probeer het dan opnieuw.",
        )
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

    /// 401: nobody (valid) logged in. The response carries `WWW-Authenticate: Bearer`.
    pub fn unauthenticated(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "niet-aangemeld",
            "Niet aangemeld",
            detail,
        )
    }

    /// 403: logged in, but this action is not for this person (used only where the thing
    /// itself may be known to exist; a case one may not see answers 404).
    pub fn forbidden(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::FORBIDDEN,
            "geen-toegang",
            "Geen toegang",
            detail,
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
            ave_store::StoreError::Conflict { .. } => Problem::conflict(),
            ave_store::StoreError::Erased(_) => Problem::new(
                StatusCode::GONE,
                "gewist",
                "Inhoud gewist",
                "de inhoud van deze casus is gewist (bewaartermijn verstreken)",
            ),
            ave_store::StoreError::Invalid(reason) => Problem::new(
                StatusCode::BAD_REQUEST,
                "ongeldig",
                "Ongeldige invoer",
                reason,
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
        let cited = self.cited.map(|c| *c).unwrap_or_default();
        let body = ProblemBody {
            kind: format!("https://ave-regie.nl/problemen/{}", self.code),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
            invalid_params: self.invalid_params,
            regel: cited.rule,
            bron: cited.source,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (self.status, bytes).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ave-regie\""),
            );
        }
        if let Some(s) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        response
    }
}
