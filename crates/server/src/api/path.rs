//! The parameters in a request's path (`/casussen/{id}`), read as axum's `Path` reads them —
//! but a path that cannot be read (an escape that is no UTF-8, such as `%FF`) answers a Dutch
//! `application/problem+json` 400 that names the parameter, not axum's English plain text.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// The path's parameters, as `T` (a `String`, or a tuple of them).
#[derive(Debug)]
pub struct PathParams<T>(pub T);

impl<T, S> FromRequestParts<S> for PathParams<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(PathParams(value)),
            Err(rejection) => Err(refused(&rejection)),
        }
    }
}

/// The 400 for a path that cannot be read.
fn refused(rejection: &PathRejection) -> Problem {
    use axum::extract::path::ErrorKind;
    if let PathRejection::FailedToDeserializePathParams(e) = rejection
        && let ErrorKind::InvalidUtf8InPathParam { key } = e.kind()
    {
        return Problem::invalid_one(
            key,
            "invalid",
            "dit deel van het adres is geen geldige tekst (geen UTF-8)",
        );
    }
    Problem::invalid_one("pad", "invalid", "het adres is niet te lezen")
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_path_that_is_no_utf8_is_a_dutch_problem_naming_its_parameter() {
        async fn handler(PathParams(id): PathParams<String>) -> String {
            id
        }
        let app = Router::new().route("/casussen/{id}", get(handler));
        let answer = |uri: &'static str| {
            let app = app.clone();
            async move {
                let r = app
                    .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
                    .await
                    .expect("response");
                let status = r.status();
                let bytes = axum::body::to_bytes(r.into_body(), 1 << 16)
                    .await
                    .expect("body");
                (status, String::from_utf8_lossy(&bytes).to_string())
            }
        };
        let (status, body) = answer("/casussen/%FF").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let body: serde_json::Value = serde_json::from_str(&body).expect("problem+json");
        assert_eq!(body["invalidParams"][0]["name"], "id");
        assert!(
            body["invalidParams"][0]["reason"]
                .as_str()
                .expect("reason")
                .contains("UTF-8")
        );
        let (status, body) = answer("/casussen/gezin-1").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "gezin-1"));
    }
}
