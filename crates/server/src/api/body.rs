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
/// A body is one JSON object: anything after it but white space is refused, and so is a
/// list or a bare value (serde would take a list for an object's fields in order).
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        return Err(Problem::invalid_one(
            "body",
            "invalid-type",
            "verkeerd type waarde: verwacht een object { … }",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de)
        .map_err(|e| refused(&e.path().to_string(), e.inner(), &|name| name.to_owned()))?;
    de.end()
        .map_err(|e| refused(".", &e, &|name| name.to_owned()))?;
    Ok(value)
}

/// The 400 for `error` at `path` (serde_path_to_error's form: `.` for the whole body,
/// `a.b[2].c` inside it): the field is named as the client wrote it, and a missing or
/// doubled field by its own name rather than by the object around it. `rename` turns the
/// name the types use into the one the client wrote, where they differ.
pub(crate) fn refused(
    path: &str,
    error: &serde_json::Error,
    rename: &dyn Fn(&str) -> String,
) -> Problem {
    let (code, reason) = explain(error);
    if error.is_syntax() || error.is_eof() {
        return Problem::invalid_one("body", code, reason);
    }
    let inside = if path == "." || path.is_empty() {
        None
    } else {
        Some(path)
    };
    let text = error.to_string();
    let own = ["missing field ", "duplicate field "]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .and_then(|rest| rest.split('`').nth(1));
    let name = match (inside, own) {
        (Some(path), Some(field)) => format!("{path}.{field}"),
        (None, Some(field)) => field.to_owned(),
        (Some(path), None) => path.to_owned(),
        (None, None) => return Problem::invalid_one("body", code, reason),
    };
    Problem::invalid_one(&rename(&name), code, reason)
}

/// A Dutch reason for a serde_json error (whose own text is English), with its stable code.
pub(crate) fn explain(e: &serde_json::Error) -> (&'static str, String) {
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or_default();
    if e.is_syntax() || e.is_eof() {
        let what = if text.starts_with("trailing") {
            "na de JSON staat nog meer"
        } else {
            "geen geldige JSON"
        };
        return (
            "invalid-json",
            format!("{what} (regel {}, kolom {})", e.line(), e.column()),
        );
    }
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_owned).unwrap_or_default();
    let allowed = |s: &str| {
        s.split_once("expected ")
            .map(|(_, list)| {
                let names: Vec<&str> = list
                    .trim_start_matches("one of ")
                    .split(['`', ',', ' '])
                    .filter(|n| !n.is_empty() && *n != "or")
                    .collect();
                format!("; toegestaan: {}", names.join(", "))
            })
            .unwrap_or_default()
    };
    if text.starts_with("unknown field") {
        return (
            "unknown",
            format!(
                "onbekend veld `{}`: dit veld kent de API hier niet{}",
                quoted(text),
                allowed(text)
            ),
        );
    }
    if text.starts_with("missing field") {
        return (
            "required",
            format!("verplicht veld `{}` ontbreekt", quoted(text)),
        );
    }
    if text.starts_with("duplicate field") {
        return (
            "invalid",
            format!("veld `{}` staat er meer dan eens in", quoted(text)),
        );
    }
    if text.starts_with("unknown variant") {
        return (
            "invalid",
            format!("onbekende waarde `{}`{}", quoted(text), allowed(text)),
        );
    }
    for (prefix, code, lead) in [
        ("invalid type: ", "invalid-type", "verkeerd type waarde"),
        ("invalid value: ", "invalid", "ongeldige waarde"),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let expected = rest
                .rsplit_once(", expected ")
                .map(|(_, x)| expected_json(x))
                .unwrap_or("een andere soort waarde");
            return (code, format!("{lead}: verwacht {expected}"));
        }
    }
    if text.starts_with("invalid length") {
        return ("invalid", "ongeldige waarde".to_owned());
    }
    if text.contains("out of range") || text.contains("overflow") {
        return ("out-of-range", "het getal is te groot".to_owned());
    }
    // Our own types (ids, dates) give Dutch messages; anything else is named without the
    // library's English text.
    let dutch = ["geen geldige", "een id ", "alleen een datum", "verwacht "]
        .iter()
        .any(|p| text.starts_with(p));
    if dutch || !text.is_ascii() || text.contains(" niet ") || text.contains("ongeldig") {
        return ("invalid", text.to_owned());
    }
    ("invalid", "ongeldige waarde".to_owned())
}

/// What serde expected, in the words of JSON, in Dutch.
fn expected_json(expected: &str) -> &'static str {
    match expected.trim() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "een geheel getal (0 of meer)",
        "i8" | "i16" | "i32" | "i64" | "isize" => "een geheel getal",
        "f32" | "f64" => "een getal",
        "a boolean" => "true of false",
        "a string" | "a borrowed string" | "a character" => "een tekst tussen aanhalingstekens",
        "a sequence" => "een lijst [ … ]",
        "a date such as 2025-01-01" => "een datum (JJJJ-MM-DD)",
        e if e.starts_with("struct ") || e == "a map" => "een object { … }",
        e if e.starts_with("enum ") || e.starts_with("internally tagged") => {
            "een van de toegestane waarden"
        }
        _ => "een andere soort waarde",
    }
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

    #[test]
    fn anything_after_the_json_is_refused() {
        let p = problem(r#"{"naam": "a", "aantal": 1} xyz"#);
        assert_eq!(p.invalid_params[0].name, "body");
        assert_eq!(p.invalid_params[0].code, "invalid-json");
        assert!(
            p.invalid_params[0]
                .reason
                .starts_with("na de JSON staat nog meer")
        );
        let p = problem(r#"{"naam": "a", "aantal": 1}{"naam": "b", "aantal": 2}"#);
        assert_eq!(p.invalid_params[0].code, "invalid-json");
        parse::<Sample>(b"  {\"naam\": \"a\", \"aantal\": 1}\n\t ").expect("white space is fine");
    }

    #[test]
    fn a_missing_or_doubled_field_is_named_by_itself_and_a_wrong_type_says_what_was_expected() {
        let p = problem(r#"{"naam": "a"}"#);
        assert_eq!(p.invalid_params[0].name, "aantal");
        let p = problem(r#"{"naam": "a", "naam": "b", "aantal": 1}"#);
        assert_eq!(p.invalid_params[0].name, "naam");
        assert!(p.invalid_params[0].reason.contains("meer dan eens"));
        let p = problem(r#"{"naam": 1, "aantal": 1}"#);
        assert_eq!(p.invalid_params[0].name, "naam");
        assert!(
            p.invalid_params[0]
                .reason
                .ends_with("verwacht een tekst tussen aanhalingstekens")
        );
        let p = problem(r#"{"naam": "a", "aantal": -1}"#);
        assert!(
            p.invalid_params[0]
                .reason
                .contains("geheel getal (0 of meer)"),
            "{p:?}"
        );
        let p = problem(r#"{"naam": "a", "aantal": 1, "extra": true}"#);
        assert!(
            p.invalid_params[0]
                .reason
                .contains("toegestaan: naam, aantal"),
            "{p:?}"
        );
        for p in [problem(r#"["a", 1]"#), problem("null"), problem("\"x\"")] {
            assert_eq!(p.invalid_params[0].name, "body");
            assert!(p.invalid_params[0].reason.contains("een object"), "{p:?}");
        }
    }
}
