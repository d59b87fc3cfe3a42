//! Request bodies: JSON only, within the size limit, read whole before anything is decided;
//! every way a body can be wrong answers `application/problem+json` in Dutch, naming the
//! field, and changes nothing.

use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::BODY_LIMIT;
use crate::problem::Problem;

/// A JSON body of type `T`, parsed strictly (unknown fields are refused by the types).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json") || v.ends_with("+json")
            });
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "geen-json",
                "Alleen JSON",
                "stuur de gegevens als JSON, met Content-Type: application/json",
            ));
        }
        let bytes = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
            .await
            .map_err(|_| too_large())?;
        parse(&bytes).map(JsonBody)
    }
}

/// 413 for a body over the limit.
pub fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "te-groot",
        "Verzoek te groot",
        format!(
            "het verzoek is groter dan {} KiB; er is niets vastgelegd",
            BODY_LIMIT / 1024
        ),
    )
}

/// Parses JSON into `T`, or a 400 naming the field and what is wrong with it, in Dutch.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let name = if path == "." || path.is_empty() {
            "body".to_owned()
        } else {
            path
        };
        let (code, reason) = explain(&inner);
        if inner.is_syntax() || inner.is_eof() {
            return Problem::invalid_one("body", code, reason);
        }
        Problem::invalid_one(&name, code, reason)
    })
}

/// A Dutch reason for a serde_json error (whose own text is English).
pub(crate) fn explain(e: &serde_json::Error) -> (&'static str, String) {
    if e.is_syntax() || e.is_eof() {
        return (
            "invalid-json",
            format!(
                "geen geldige JSON (regel {}, kolom {})",
                e.line(),
                e.column()
            ),
        );
    }
    let text = e.to_string();
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_owned).unwrap_or_default();
    if text.starts_with("unknown field") {
        return (
            "unknown",
            format!(
                "onbekend veld `{}`: dit veld kent de API niet",
                quoted(&text)
            ),
        );
    }
    if text.starts_with("missing field") {
        return (
            "required",
            format!("verplicht veld `{}` ontbreekt", quoted(&text)),
        );
    }
    if text.starts_with("unknown variant") {
        return ("invalid", format!("onbekende waarde `{}`", quoted(&text)));
    }
    if text.starts_with("invalid type") {
        return ("invalid-type", "verkeerd type waarde".to_owned());
    }
    if text.starts_with("invalid length") || text.starts_with("invalid value") {
        return ("invalid", "ongeldige waarde".to_owned());
    }
    // Our own types (ids, dates) give Dutch messages; anything else is named without the
    // library's English text.
    let own = text.split(" at line ").next().unwrap_or_default();
    if !own.is_ascii() || own.contains(" niet ") || own.contains("ongeldig") {
        return ("invalid", own.to_owned());
    }
    ("invalid", "ongeldige waarde".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        naam: String,
        aantal: u32,
    }

    fn problem(json: &str) -> Problem {
        parse::<Sample>(json.as_bytes()).expect_err("refused")
    }

    #[test]
    fn each_kind_of_bad_body_names_the_field_in_dutch() {
        let p = problem(r#"{"naam": "a", "aantal": 1, "extra": true}"#);
        assert_eq!(p.invalid_params[0].code, "unknown");
        assert!(p.invalid_params[0].reason.contains("extra"));
        let p = problem(r#"{"naam": "a"}"#);
        assert_eq!(p.invalid_params[0].code, "required");
        assert!(p.invalid_params[0].reason.contains("aantal"));
        let p = problem(r#"{"naam": "a", "aantal": "veel"}"#);
        assert_eq!(p.invalid_params[0].name, "aantal");
        assert_eq!(p.invalid_params[0].code, "invalid-type");
        let p = problem(r#"{"naam": "a", "#);
        assert_eq!(p.invalid_params[0].name, "body");
        assert_eq!(p.invalid_params[0].code, "invalid-json");
        assert!(p.invalid_params[0].reason.starts_with("geen geldige JSON"));
    }
}
