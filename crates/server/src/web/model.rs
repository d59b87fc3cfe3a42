//! The model pages: `/modellen` (the model versions in use, per gemeente), `/modellen/{id}`
//! (the phase poster as in Bijlage 1 of the Noord-Limburg guide and Bijlage 3 of the Oss
//! handbook: per phase the situation, the regie table, the criteria up and down and who
//! decides) and `/modellen/vergelijk` (two models side by side, per phase and role).
//!
//! Models are policy, not personal data: every logged-in person sees them, and nothing here
//! reads a case. The poster shows what the model marks: a reading of the source (lezing), a
//! choice the product made where the source is silent (productkeuze), a local choice, and an
//! open point — each with its source one click away (`<details>`, no JavaScript).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use ave_model::ValidModel;
use ave_model::render;
use ave_model::types::{Direction, Reading, RoleKind, RoleSpec, Strength, Transition};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use minijinja::context;
use serde::Serialize;

use super::present::{self, PhaseBadge};
use super::render::{ForPage, PageError, page};
use super::session::Viewer;
use super::words::word;
use crate::AppState;
use crate::problem::Problem;

/// A mark on an item: a reading, a product choice, a local choice or an open point.
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    /// `lezing`, `productkeuze`, `lokaal` or `open`.
    pub kind: &'static str,
    /// What the mark says (why the source is read so; the choice; what is open).
    pub text: String,
    /// The source's words a reading rests on.
    pub quote: Option<String>,
}

/// The marks of an item from its `lezing`, `productkeuze` and `lokaal` fields.
pub fn marks(
    lezing: Option<&Reading>,
    productkeuze: Option<&str>,
    lokaal: Option<&str>,
) -> Vec<Mark> {
    let mut out = Vec::new();
    if let Some(r) = lezing {
        out.push(Mark {
            kind: "lezing",
            text: r.why.clone(),
            quote: Some(r.quote.clone()),
        });
    }
    if let Some(p) = productkeuze {
        out.push(Mark {
            kind: "productkeuze",
            text: p.to_owned(),
            quote: None,
        });
    }
    if let Some(l) = lokaal {
        out.push(Mark {
            kind: "lokaal",
            text: l.to_owned(),
            quote: None,
        });
    }
    out
}

fn open_mark(reason: &str) -> Mark {
    Mark {
        kind: "open",
        text: reason.to_owned(),
        quote: None,
    }
}

/// One row of a phase's regie table.
#[derive(Debug, Serialize)]
struct RoleRow {
    role: String,
    who: String,
    note: String,
    marks: Vec<Mark>,
    source: Option<String>,
}

/// One op- or afschaling on the poster.
#[derive(Debug, Serialize)]
struct TransitionView {
    heading: String,
    to: Option<PhaseBadge>,
    criteria: Vec<(usize, String)>,
    proposers: String,
    deciders: String,
    decided_in: String,
    consult: Vec<String>,
    preconditions: Vec<String>,
    handover: Vec<String>,
    marks: Vec<Mark>,
    source: Option<String>,
    note: String,
}

#[derive(Debug, Serialize)]
struct TransitionGroup {
    heading: String,
    items: Vec<TransitionView>,
}

#[derive(Debug, Serialize)]
struct Item {
    text: String,
    note: String,
    marks: Vec<Mark>,
}

/// One phase of the poster.
#[derive(Debug, Serialize)]
struct PhaseView {
    badge: PhaseBadge,
    anchor: String,
    domain: String,
    share: String,
    entry: bool,
    summary: String,
    situation: String,
    note: String,
    roles: Vec<RoleRow>,
    in_overleg_met: String,
    groups: Vec<TransitionGroup>,
    actions: Vec<String>,
    werkafspraken: Vec<Item>,
    organisations: Vec<(String, String)>,
    grondslag: Option<Item>,
    norms: String,
    marks: Vec<Mark>,
    source: Option<String>,
}

fn role_row(model: &ValidModel, kind: RoleKind, spec: Option<&RoleSpec>) -> RoleRow {
    let mut m = spec.map_or_else(Vec::new, |s| {
        marks(
            s.lezing.as_ref(),
            s.productkeuze.as_deref(),
            s.lokaal.as_deref(),
        )
    });
    if let Some(reason) = spec.and_then(|s| s.open.as_deref()) {
        m.push(open_mark(reason));
    }
    RoleRow {
        role: kind.label().to_owned(),
        who: render::role_line(model, spec),
        note: spec.and_then(|s| s.note.clone()).unwrap_or_default(),
        marks: m,
        source: None,
    }
}

fn strength_suffix(s: Strength) -> &'static str {
    match s {
        Strength::Moet => "",
        Strength::BijVoorkeur => " (bij voorkeur)",
        Strength::Kan => " (kan)",
    }
}

fn transition_view(model: &ValidModel, t: &Transition) -> TransitionView {
    let to = (t.effect.is_none()).then(|| present::phase(model, t.to.as_str()));
    let heading = match (&t.title, t.effect) {
        (Some(title), _) => title.clone(),
        (None, Some(effect)) => format!(
            "binnen {}: {}",
            render::phase_label(t.from.as_str()),
            effect.label()
        ),
        (None, None) => format!(
            "{} → {}",
            render::phase_label(t.from.as_str()),
            render::phase_label(t.to.as_str())
        ),
    };
    let mut m = marks(
        t.lezing.as_ref(),
        t.productkeuze.as_deref(),
        t.lokaal.as_deref(),
    );
    if let Some(reason) = &t.deciders_open {
        m.push(open_mark(&format!("wie besluit: {reason}")));
    }
    if let Some(reason) = &t.proposers_open {
        m.push(open_mark(&format!("wie voorstelt: {reason}")));
    }
    // The criteria's own readings and choices, named by their text.
    for id in &t.criteria {
        if let Some(c) = model.criterion(id) {
            for mut mark in marks(
                c.lezing.as_ref(),
                c.productkeuze.as_deref(),
                c.lokaal.as_deref(),
            ) {
                mark.text = format!("{} — {}", c.text, mark.text);
                m.push(mark);
            }
        }
    }
    let decided_in = t.decided_in.as_ref().map_or_else(String::new, |r| {
        let name = model
            .meeting_kind(&r.meeting)
            .map_or(r.meeting.as_str(), |k| k.name.as_str());
        if let Some(reading) = &r.lezing {
            m.extend(marks(Some(reading), None, None));
        }
        format!("{name}{}", strength_suffix(r.strength))
    });
    let deciders = match &t.deciders_open {
        Some(_) => "open".to_owned(),
        None => render::actors(model, &t.deciders),
    };
    let proposers = match &t.proposers_open {
        Some(_) => "open".to_owned(),
        None if t.proposers.is_empty() => String::new(),
        None => render::actors(model, &t.proposers),
    };
    let handover = t
        .handover
        .iter()
        .map(|h| {
            let mut line = format!("{}: {}", h.role.label(), h.text);
            if !h.to.is_empty() {
                line.push_str(&format!(
                    " → {}",
                    render::names(model, h.to.iter().map(|f| f.as_str()))
                ));
            }
            line
        })
        .collect();
    TransitionView {
        heading,
        to,
        criteria: render::condition_lines(model, t),
        proposers,
        deciders,
        decided_in,
        consult: t
            .consult
            .iter()
            .map(|c| render::consult_line(model, c))
            .collect(),
        preconditions: t
            .preconditions
            .iter()
            .map(|p| render::precondition_text(model, p))
            .collect(),
        handover,
        marks: m,
        source: t.source.clone(),
        note: t.note.clone().unwrap_or_default(),
    }
}

fn phase_view(model: &ValidModel, phase: &ave_model::types::Phase) -> PhaseView {
    let roles = RoleKind::ALL
        .into_iter()
        .filter(|k| *k != RoleKind::Behandelregie || phase.regie.role(*k).is_some())
        .map(|k| role_row(model, k, phase.regie.role(k)))
        .collect();
    let mut groups = Vec::new();
    for (heading, dir, within) in [
        ("Opschalen", Direction::Op, false),
        ("Opschalen binnen de fase", Direction::Op, true),
        ("Afschalen binnen de fase", Direction::Af, true),
        ("Afschalen", Direction::Af, false),
    ] {
        let items: Vec<TransitionView> = model
            .transitions_from(&phase.id)
            .filter(|t| t.direction == dir && (t.from == t.to) == within)
            .map(|t| transition_view(model, t))
            .collect();
        if !items.is_empty() {
            groups.push(TransitionGroup {
                heading: heading.to_owned(),
                items,
            });
        }
    }
    let grondslag = phase.grondslag.as_ref().map(|g| {
        let mut m = marks(
            g.lezing.as_ref(),
            g.productkeuze.as_deref(),
            g.lokaal.as_deref(),
        );
        let text = match &g.open {
            Some(reason) => {
                m.push(open_mark(reason));
                "open".to_owned()
            }
            None => format!(
                "{} · verwerkingsverantwoordelijke: {}",
                g.basis.as_deref().unwrap_or("—"),
                g.verwerkingsverantwoordelijke.as_deref().unwrap_or("—")
            ),
        };
        Item {
            text,
            note: g.note.clone().unwrap_or_default(),
            marks: m,
        }
    });
    let norms = phase.norms.as_ref().map_or_else(String::new, |n| {
        let (basis, parts) = ave_model::render::norm_terms(n);
        format!("{} ({basis})", parts.join(", "))
    });
    PhaseView {
        badge: present::phase(model, phase.id.as_str()),
        anchor: format!("fase-{}", phase.id.as_str()),
        domain: phase
            .domain
            .map(|d| d.label().to_owned())
            .unwrap_or_default(),
        share: phase
            .share_percent
            .map(|p| format!("{p}%"))
            .unwrap_or_default(),
        entry: phase.entry,
        summary: phase.summary.clone().unwrap_or_default(),
        situation: phase.situation.clone().unwrap_or_default(),
        note: phase.note.clone().unwrap_or_default(),
        roles,
        in_overleg_met: if phase.regie.in_overleg_met.is_empty() {
            String::new()
        } else {
            render::names(model, phase.regie.in_overleg_met.iter().map(|f| f.as_str()))
        },
        groups,
        actions: phase.actions.clone(),
        werkafspraken: phase
            .werkafspraken
            .iter()
            .map(|a| Item {
                text: a.title.clone(),
                note: a.note.clone().unwrap_or_default(),
                marks: marks(
                    a.lezing.as_ref(),
                    a.productkeuze.as_deref(),
                    a.lokaal.as_deref(),
                ),
            })
            .collect(),
        organisations: phase
            .organisations
            .iter()
            .map(|g| (g.group.clone(), g.members.join(", ")))
            .collect(),
        grondslag,
        norms,
        marks: marks(
            phase.lezing.as_ref(),
            phase.productkeuze.as_deref(),
            phase.lokaal.as_deref(),
        ),
        source: phase.source.clone(),
    }
}

/// A model version in the list.
#[derive(Debug, Serialize)]
struct Listed {
    id: String,
    name: String,
    version: String,
    valid_from: String,
    href: String,
    newest: bool,
}

/// `GET /modellen`: the model versions in use, per gemeente (or regio).
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let lang = viewer.lang;
    let models = state.models.all(&state.store).await.page(lang)?;
    let mut newest: HashMap<String, String> = HashMap::new();
    for m in &models {
        let md = &m.model().model;
        newest
            .entry(md.id.to_string())
            .and_modify(|v| {
                if md.valid_from.to_string() > *v {
                    *v = md.valid_from.to_string();
                }
            })
            .or_insert_with(|| md.valid_from.to_string());
    }
    let mut per_place: BTreeMap<String, Vec<Listed>> = BTreeMap::new();
    let mut choices: BTreeMap<String, String> = BTreeMap::new();
    for m in &models {
        let md = &m.model().model;
        let place = match (&md.gemeente, &md.regio) {
            (Some(g), _) => g.clone(),
            (None, Some(r)) => format!("regio {r}"),
            (None, None) => "—".to_owned(),
        };
        let id = md.id.to_string();
        choices.insert(id.clone(), format!("{} ({place})", md.name));
        per_place.entry(place).or_default().push(Listed {
            href: format!(
                "/modellen/{}?versie={}",
                crate::api::cases::encode(&id),
                crate::api::cases::encode(&md.version)
            ),
            newest: newest
                .get(&id)
                .is_some_and(|v| *v == md.valid_from.to_string()),
            id,
            name: md.name.clone(),
            version: md.version.clone(),
            valid_from: present::day(&md.valid_from.to_string()),
        });
    }
    let places: Vec<(String, Vec<Listed>)> = per_place.into_iter().collect();
    let choices: Vec<(String, String)> = choices.into_iter().collect();
    page(
        &viewer,
        "model-lijst.html",
        &word("modellen", lang),
        context! { places => places, choices => choices },
    )
    .page(lang)
}

async fn find(
    state: &AppState,
    id: &str,
    version: Option<&str>,
) -> Result<Arc<ValidModel>, Problem> {
    match version.filter(|v| !v.is_empty()) {
        Some(v) => state.models.get(&state.store, id, v).await,
        None => state.models.newest(&state.store, id).await,
    }
}

/// `GET /modellen/{id}?versie=`: the phase poster of a model (its newest version by default).
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let lang = viewer.lang;
    let model = find(&state, &id, q.get("versie").map(String::as_str))
        .await
        .page(lang)?;
    let m = model.model();
    let md = &m.model;
    let phases: Vec<PhaseView> = model
        .phases_in_order()
        .into_iter()
        .map(|p| phase_view(&model, p))
        .collect();
    let principles: Vec<Item> = m
        .principles
        .iter()
        .map(|p| Item {
            text: p.text.clone(),
            note: p.source.clone().unwrap_or_default(),
            marks: marks(
                p.lezing.as_ref(),
                p.productkeuze.as_deref(),
                p.lokaal.as_deref(),
            ),
        })
        .collect();
    // Each rule in words, with its key in small print for policy staff.
    let rules: Vec<(String, String, &'static str, String, String)> =
        ave_model::types::RuleName::ALL
            .iter()
            .map(|&name| {
                let state = match m.rules.presence(name) {
                    Some(true) => "aan",
                    Some(false) => "uit",
                    None => "niet ingesteld",
                };
                (
                    ave_labels::rule(name, lang).to_owned(),
                    name.key().to_owned(),
                    state,
                    m.rules.source_of(name).unwrap_or("").to_owned(),
                    m.rules.note_of(name).unwrap_or("").to_owned(),
                )
            })
            .collect();
    let place = match (&md.gemeente, &md.regio) {
        (Some(g), Some(r)) => format!("gemeente {g} (regio {r})"),
        (Some(g), None) => format!("gemeente {g}"),
        (None, Some(r)) => format!("regio {r}"),
        (None, None) => String::new(),
    };
    page(
        &viewer,
        "model-poster.html",
        &md.name,
        context! {
            model_id => md.id.to_string(),
            name => &md.name,
            place => place,
            version => &md.version,
            valid_from => present::day(&md.valid_from.to_string()),
            source => &md.source,
            description => &md.description,
            model_marks => marks(md.lezing.as_ref(), md.productkeuze.as_deref(), md.lokaal.as_deref()),
            principles => principles,
            phases => phases,
            rules => rules,
        },
    )
    .page(lang)
}

/// One row of the side-by-side comparison.
#[derive(Debug, Serialize)]
struct Side {
    item: String,
    /// The model's own key for the item (a rule's), shown in small print.
    key: String,
    a: String,
    b: String,
    same: bool,
}

#[derive(Debug, Serialize)]
struct ComparedPhase {
    phase: String,
    a_title: String,
    b_title: String,
    rows: Vec<Side>,
}

fn sides(v: &[ave_model::diff::ValueDiff]) -> Vec<Side> {
    v.iter()
        .map(|d| Side {
            item: d.item.clone(),
            key: String::new(),
            a: d.a.clone().unwrap_or_else(|| "—".to_owned()),
            b: d.b.clone().unwrap_or_else(|| "—".to_owned()),
            same: d.same,
        })
        .collect()
}

/// The rules compared: each in words, its key in small print.
fn rule_sides(v: &[ave_model::diff::ValueDiff], lang: ave_labels::Lang) -> Vec<Side> {
    let mut out = sides(v);
    for side in &mut out {
        if let Some(name) = ave_model::types::RuleName::parse(&side.item) {
            side.key = std::mem::replace(&mut side.item, ave_labels::rule(name, lang).to_owned());
        }
    }
    out
}

/// `GET /modellen/vergelijk?links=…&rechts=…`: two models side by side (newest versions, or
/// `links_versie` / `rechts_versie`).
pub async fn compare(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let lang = viewer.lang;
    let get = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let models = state.models.all(&state.store).await.page(lang)?;
    let mut choices: BTreeMap<String, String> = BTreeMap::new();
    for m in &models {
        let md = &m.model().model;
        let place = md
            .gemeente
            .clone()
            .or_else(|| md.regio.clone())
            .unwrap_or_default();
        choices.insert(md.id.to_string(), format!("{} ({place})", md.name));
    }
    let choices: Vec<(String, String)> = choices.into_iter().collect();
    let title = word("vergelijk_modellen", lang);
    let (Some(links), Some(rechts)) = (get("links"), get("rechts")) else {
        return page(
            &viewer,
            "model-vergelijk.html",
            &title,
            context! { choices => choices, links => get("links").unwrap_or(""), rechts => get("rechts").unwrap_or(""), compared => false },
        )
        .page(lang);
    };
    let a = find(&state, links, get("links_versie")).await.page(lang)?;
    let b = find(&state, rechts, get("rechts_versie"))
        .await
        .page(lang)?;
    let d = ave_model::diff::diff(a.model(), b.model());
    let phases: Vec<ComparedPhase> = d
        .phases
        .iter()
        .map(|p| {
            let mut rows = sides(&p.roles);
            rows.extend(sides(std::slice::from_ref(&p.triggers)));
            ComparedPhase {
                phase: render::phase_label(&p.phase),
                a_title: p.a_title.clone().unwrap_or_else(|| "—".to_owned()),
                b_title: p.b_title.clone().unwrap_or_else(|| "—".to_owned()),
                rows,
            }
        })
        .collect();
    let transitions: Vec<(String, Vec<Side>)> = d
        .transitions
        .iter()
        .map(|t| (t.transition.clone(), sides(&t.fields)))
        .collect();
    let label = |m: &ValidModel| {
        let md = &m.model().model;
        format!("{} {} {}", md.name, word("versie", lang), md.version)
    };
    page(
        &viewer,
        "model-vergelijk.html",
        &title,
        context! {
            choices => choices,
            links => links,
            rechts => rechts,
            compared => true,
            a_name => label(&a),
            b_name => label(&b),
            differences => d.differences(),
            phases => phases,
            transitions => transitions,
            rules => rule_sides(&d.rules, lang),
        },
    )
    .page(lang)
}
