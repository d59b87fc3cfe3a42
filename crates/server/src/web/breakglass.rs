//! Break-glass in the browser: a professional asks emergency access to a case they are not
//! involved in (`/noodtoegang/aanvragen`: the case and a reason; read only, 60 minutes,
//! flagged), and the privacy officer reviews every grant (`/noodtoegang`). Both go through the
//! same functions as the API (`api::access::grant`, `review_grant`), so the checks
//! and the audit entries are the same.

use std::collections::HashMap;

use ave_labels::Lang;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde::Serialize;

use super::present;
use super::render::{ForPage, PageError, page_with_status};
use super::session::{Posted, Viewer, see_other};
use super::words::word;
use crate::AppState;
use crate::access::{self, Operation};
use crate::problem::Problem;

#[derive(Debug, Serialize)]
struct Grant {
    id: String,
    case: String,
    person: String,
    organisation: String,
    reason: String,
    granted: String,
    until: String,
    reviewed: String,
    note: String,
}

/// A form's error: which field, what is wrong.
#[derive(Debug, Serialize)]
pub struct FieldError {
    /// The field's id.
    pub field: String,
    /// The message, Dutch or English.
    pub message: String,
}

/// The field errors of a 400 problem, or the problem's detail on `fallback`.
pub fn field_errors(p: &Problem, fallback: &str) -> Vec<FieldError> {
    if p.invalid_params.is_empty() {
        return vec![FieldError {
            field: fallback.to_owned(),
            message: p.detail.clone(),
        }];
    }
    p.invalid_params
        .iter()
        .map(|i| FieldError {
            field: i.name.clone(),
            message: i.reason.clone(),
        })
        .collect()
}

/// `GET /noodtoegang`: the grants to review (privacy officer only).
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    review_page(
        &state,
        &viewer,
        q.contains_key("alle"),
        Vec::new(),
        StatusCode::OK,
        q.contains_key("beoordeeld"),
    )
    .await
    .page(viewer.lang)
}

async fn review_page(
    state: &AppState,
    viewer: &Viewer,
    all: bool,
    errors: Vec<FieldError>,
    status: StatusCode,
    done: bool,
) -> Result<Response, Problem> {
    access::check(state, &viewer.actor, Operation::ReviewBreakGlass)?;
    let found = state.store.break_glass_grants(!all).await?;
    let people: Vec<String> = found.iter().map(|g| g.person.clone()).collect();
    let names = present::names(state, people).await?;
    let organisations = present::organisation_names(state).await?;
    let grants: Vec<Grant> = found
        .into_iter()
        .map(|g| Grant {
            person: names.get(&g.person).cloned().unwrap_or(g.person),
            organisation: g
                .organisation
                .map(|o| organisations.get(&o).cloned().unwrap_or(o))
                .unwrap_or_default(),
            granted: present::moment(&g.granted_at),
            until: present::moment(&g.expires_at),
            reviewed: g
                .reviewed_at
                .as_ref()
                .map(present::moment)
                .unwrap_or_default(),
            note: g.review_note.unwrap_or_default(),
            id: g.id,
            case: g.case,
            reason: g.reason,
        })
        .collect();
    crate::audit::record(
        state,
        &viewer.actor,
        "lijst",
        "noodtoegang".to_owned(),
        format!("ok: {}", grants.len()),
    )?;
    page_with_status(
        viewer,
        status,
        "noodtoegang.html",
        &word("noodtoegang_beoordelen", viewer.lang),
        context! { grants => grants, all => all, errors => errors, done => done },
    )
}

/// `POST /noodtoegang/{id}/beoordeling`: the privacy officer's finding.
pub async fn review(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, PageError> {
    let lang = posted.viewer.lang;
    match crate::api::access::review_grant(
        &state,
        &posted.viewer.actor,
        &id,
        posted.field("notitie"),
    )
    .await
    {
        Ok(()) => Ok(see_other("/noodtoegang?beoordeeld=1")),
        Err(p) if p.status == StatusCode::BAD_REQUEST => {
            let errors = vec![FieldError {
                field: format!("notitie-{id}"),
                message: field_errors(&p, "notitie").remove(0).message,
            }];
            review_page(
                &state,
                &posted.viewer,
                false,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
            )
            .await
            .page(lang)
        }
        Err(p) => Err(p).page(lang),
    }
}

/// `GET /noodtoegang/aanvragen`: the form to ask emergency access.
pub async fn request_form(
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let case = q.get("casus").cloned().unwrap_or_default();
    request_page(&viewer, &case, "", Vec::new(), StatusCode::OK).page(viewer.lang)
}

fn request_page(
    viewer: &Viewer,
    case: &str,
    reason: &str,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<Response, Problem> {
    page_with_status(
        viewer,
        status,
        "noodtoegang-aanvragen.html",
        &word("noodtoegang_aanvragen", viewer.lang),
        context! {
            casus => case,
            reden => reason,
            errors => errors,
            minutes => crate::api::access::BREAK_GLASS_MINUTES,
        },
    )
}

/// `POST /noodtoegang/aanvragen`: grants it (or shows why not, keeping what was typed) and
/// opens the case.
pub async fn request(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    let viewer = &posted.viewer;
    let lang = viewer.lang;
    let case = posted.field("casus").to_owned();
    let reason = posted.fields.get("reden").cloned().unwrap_or_default();
    let again = |errors: Vec<FieldError>| {
        request_page(
            viewer,
            &case,
            &reason,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .page(lang)
    };
    // Both fields first, each error at its field: an empty form names both.
    let mut errors = Vec::new();
    if case.trim().is_empty() {
        errors.push(FieldError {
            field: "casus".to_owned(),
            message: word("noodtoegang_casus_leeg", lang),
        });
    }
    if let Err(p) = crate::api::access::checked_reason(&reason) {
        errors.extend(field_errors(&p, "reden"));
    }
    if !errors.is_empty() {
        return again(errors);
    }
    // A case that does not exist, one this person may not ask it for and one they are
    // already involved in get the same answer, as the case pages answer 404 for a case one
    // may not see: the form does not tell which ids exist.
    let refused = || {
        again(vec![FieldError {
            field: "casus".to_owned(),
            message: not_found_words(lang),
        }])
    };
    let Ok(id) = crate::api::cases::case_id(case.trim()) else {
        return refused();
    };
    match crate::api::access::grant(&state, &viewer.actor, &id, &reason).await {
        Ok(_) => Ok(see_other(&format!("/casussen/{id}"))),
        Err(p) if p.status == StatusCode::BAD_REQUEST => again(field_errors(&p, "reden")),
        Err(p) if matches!(p.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN) => refused(),
        Err(p) => Err(p).page(lang),
    }
}

fn not_found_words(lang: Lang) -> String {
    word("noodtoegang_onbekend", lang)
}
