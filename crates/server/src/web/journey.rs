//! The klantreis runner (`/klantreis`): paste a scenario (TOML, as `ave klantreis` and the
//! API's `POST /api/v1/klantreizen` read it), choose a model, and read the report with its
//! gaps. Nothing is stored: a klantreis rehearses the model, it is not a case. A scenario
//! that does not parse comes back with the error next to the field and the text kept (422).

use ave_engine::klantreis::{self, Scenario};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Serialize;

use super::render::{ForPage, PageError, page, page_with_status};
use super::session::{Posted, Viewer};
use super::words::word;
use crate::AppState;

/// A model version to choose.
#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

async fn choices(state: &AppState) -> Result<Vec<Choice>, crate::problem::Problem> {
    let mut out: Vec<Choice> = state
        .models
        .all(&state.store)
        .await?
        .iter()
        .map(|m| {
            let md = &m.model().model;
            Choice {
                value: format!("{}@{}", md.id, md.version),
                label: format!("{} ({}, versie {})", md.name, md.id, md.version),
            }
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(out)
}

/// `GET /klantreis`: the form.
pub async fn form(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let lang = viewer.lang;
    page(
        &viewer,
        "klantreis.html",
        &word("klantreis", lang),
        context! {
            models => choices(&state).await.page(lang)?,
            model => "",
            scenario => "",
            errors => Value::from(()),
            report => Value::from(()),
        },
    )
    .page(lang)
}

/// `POST /klantreis`: run the scenario and show the report, or the form with its errors.
pub async fn run(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    let viewer = &posted.viewer;
    let lang = viewer.lang;
    let title = word("klantreis", lang);
    let text = posted.fields.get("scenario").cloned().unwrap_or_default();
    let chosen = posted.field("model").to_owned();
    let models = choices(&state).await.page(lang)?;
    let refuse = |field: &str, message: String| {
        // Both keys, always: the template asks for each.
        let (scenario, model) = if field == "scenario" {
            (message, String::new())
        } else {
            (String::new(), message)
        };
        let errors = context! { scenario => scenario, model => model };
        page_with_status(
            viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            "klantreis.html",
            &format!("{} – {title}", word("fout_in_formulier", lang)),
            context! {
                models => &models,
                model => &chosen,
                scenario => &text,
                errors => errors,
                report => Value::from(()),
            },
        )
        .page(lang)
    };
    if text.trim().is_empty() {
        return refuse("scenario", word("scenario_leeg", lang));
    }
    let scenario = match Scenario::parse("scenario.toml", text.as_bytes()) {
        Ok(s) => s,
        Err(e) => return refuse("scenario", e.in_dutch()),
    };
    // The chosen model (`id@version`), else the newest version of the one the scenario names.
    let found = match chosen.split_once('@') {
        Some((id, version)) => state.models.get(&state.store, id, version).await,
        None if !chosen.is_empty() => state.models.newest(&state.store, &chosen).await,
        None => match &scenario.model {
            Some(id) => state.models.newest(&state.store, id).await,
            None => return refuse("model", word("scenario_geen_model", lang)),
        },
    };
    let model = match found {
        Ok(m) => m,
        Err(p) if p.status == StatusCode::NOT_FOUND => {
            return refuse("model", word("model_onbekend", lang));
        }
        Err(p) => return Err(p).page(lang),
    };
    let report = klantreis::run(&model, &scenario);
    let md = &model.model().model;
    let name = |p: &ave_engine::ids::PersonId| {
        report
            .person(p)
            .map_or_else(|| p.to_string(), |p| p.name.clone())
    };
    let gaps: Vec<String> = report
        .gaps
        .iter()
        .map(|g| ave_labels::gap(&model, g, lang, &name))
        .collect();
    page(
        viewer,
        "klantreis.html",
        &title,
        context! {
            models => &models,
            model => &chosen,
            scenario => &text,
            errors => Value::from(()),
            report => context! {
                title => &scenario.title,
                passed => report.passed(),
                model => format!("{} ({}, {} {})", md.name, md.id, word("versie", lang), md.version),
                text => ave_labels::report_text(&model, &report, lang),
                gaps => gaps,
            },
        },
    )
    .page(lang)
}
