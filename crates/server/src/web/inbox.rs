//! Meldingen (`/meldingen`): what the model says a person must be told — a trigger that
//! fired, a transition waiting for their decision, a handover — newest first, with a link
//! to the case and a button to mark each read. The header counts the unread ones on every
//! page. The words come from [`crate::inbox`], which the API uses too.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use minijinja::context;
use serde::Serialize;

use super::present;
use super::render::{ForPage, PageError, page};
use super::session::{Posted, Viewer, see_other};
use super::words::word;
use crate::AppState;
use crate::problem::Problem;

/// Meldingen per page.
pub const PAGE_SIZE: u64 = 25;

#[derive(Debug, Serialize)]
struct Item {
    id: String,
    text: String,
    at: String,
    iso: String,
    case: String,
    read: bool,
}

/// `GET /meldingen`.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let lang = viewer.lang;
    let pagina = q
        .get("pagina")
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let found = crate::inbox::list(
        &state,
        &viewer.actor.person,
        lang,
        (pagina - 1) * PAGE_SIZE,
        PAGE_SIZE,
    )
    .await
    .page(lang)?;
    crate::audit::record(
        &state,
        &viewer.actor,
        "lijst",
        "meldingen".to_owned(),
        format!("ok: {}", found.items.len()),
    )
    .page(lang)?;
    let items: Vec<Item> = found
        .items
        .into_iter()
        .map(|s| Item {
            at: present::moment(&s.melding.created_at),
            iso: s
                .melding
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            read: s.melding.read_at.is_some(),
            case: s.melding.case_id,
            id: s.melding.id,
            text: s.text,
        })
        .collect();
    let pages = found.total.div_ceil(PAGE_SIZE).max(1);
    page(
        &viewer,
        "meldingen.html",
        &word("meldingen", lang),
        context! {
            items => items,
            total => found.total,
            pagina => pagina,
            prev => (pagina > 1).then(|| format!("/meldingen?pagina={}", pagina - 1)),
            next => (pagina < pages).then(|| format!("/meldingen?pagina={}", pagina + 1)),
            done => q.contains_key("gelezen"),
        },
    )
    .page(lang)
}

/// `POST /meldingen/{id}/gelezen`: marks one of my meldingen read (someone else's: 404).
pub async fn mark_read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, PageError> {
    let lang = posted.viewer.lang;
    let marked = crate::inbox::mark_read(&state, &posted.viewer.actor, &id)
        .await
        .map_err(Problem::from)
        .page(lang)?;
    if !marked {
        return Err(Problem::not_found("deze melding")).page(lang);
    }
    Ok(see_other("/meldingen?gelezen=1"))
}
