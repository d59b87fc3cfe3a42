//! "Mijn casussen" (`/`): the cases where I hold a regie role, with what needs attention
//! today, counts per phase and per kind of attention, and filters; and "Casussen"
//! (`/casussen`): every case I may see (need-to-know), filtered and in pages.

use std::collections::{BTreeMap, HashMap};

use ave_labels::Lang;
use ave_store::{CaseFilter, CaseRow};
use axum::extract::{Query, State};
use axum::response::Response;
use minijinja::context;
use serde::Serialize;

use super::present::{self, Flag, PhaseBadge};
use super::render::{ForPage, PageError, page};
use super::session::Viewer;
use super::words::word;
use crate::AppState;
use crate::access::Standing;

/// At most this many of my own cases are shown and counted on "Mijn casussen" (a
/// casusregisseur holds tens; more says to use the filters of "Casussen").
pub const MINE_LIMIT: u64 = 200;
/// Rows per page of the table on "Mijn casussen" (the counts cover all of them).
pub const MINE_PAGE: u64 = 50;
/// The roles that make a case one of "Mijn casussen": those who do the regie. Operational
/// and administrative responsibility find their cases under "Casussen".
pub const REGIE_ROLES: [&str; 3] = ["casusregie", "procesregie", "behandelregie"];
/// Cases per page on "Casussen".
pub const PAGE_SIZE: u64 = 25;

/// A case as a row of a list.
#[derive(Debug, Serialize)]
struct Row {
    href: String,
    id: String,
    short: String,
    gemeente: String,
    phase: PhaseBadge,
    flags: Vec<Flag>,
    my_roles: String,
    next_evaluation: String,
    last_at: String,
    closed: bool,
}

/// A choice in a filter.
#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
}

/// A count with its filter link.
#[derive(Debug, Serialize)]
struct Count {
    label: String,
    count: usize,
    href: String,
}

async fn row(
    state: &AppState,
    r: CaseRow,
    today: &str,
    me: &str,
    lang: Lang,
) -> Result<Row, crate::problem::Problem> {
    let model = state
        .models
        .get(&state.store, &r.model_id, &r.model_version)
        .await?;
    let kinds = r.attention_on(today);
    let my_roles: Vec<String> = r
        .roles
        .iter()
        .filter(|(_, p)| p == me)
        .map(|(role, _)| role_words(role, lang))
        .collect();
    let id = r.id.to_string();
    Ok(Row {
        href: format!("/casussen/{id}"),
        short: short_id(&id),
        id,
        gemeente: r.gemeente.clone().unwrap_or_default(),
        phase: present::phase(&model, &r.phase),
        flags: present::flags(&kinds, lang),
        my_roles: my_roles.join(", "),
        next_evaluation: r
            .next_evaluation
            .as_deref()
            .map(present::day)
            .unwrap_or_default(),
        last_at: present::moment(&r.last_at),
        closed: r.closed,
    })
}

/// The case id as people read it (a pseudonym, never a name or BSN).
pub fn short_id(id: &str) -> String {
    id.to_owned()
}

/// The words of a role key as rows store it (`casusregie`, …).
pub fn role_words(role: &str, lang: Lang) -> String {
    ave_model::types::RoleKind::ALL
        .into_iter()
        .find(|k| k.key() == role)
        .map_or_else(|| role.to_owned(), |k| ave_labels::role(k, lang).to_owned())
}

/// Phase choices from every model version in use, in poster order.
async fn phase_choices(state: &AppState) -> Result<Vec<Choice>, crate::problem::Problem> {
    let mut seen: BTreeMap<(u32, String), String> = BTreeMap::new();
    for model in state.models.all(&state.store).await? {
        for p in model.phases_in_order() {
            seen.entry((p.order, p.id.as_str().to_owned()))
                .or_insert_with(|| {
                    format!(
                        "{} – {}",
                        ave_model::render::phase_label(p.id.as_str()),
                        p.title
                    )
                });
        }
    }
    let mut out: Vec<Choice> = Vec::new();
    for ((_, id), label) in seen {
        if !out.iter().any(|c| c.value == id) {
            out.push(Choice { value: id, label });
        }
    }
    Ok(out)
}

async fn gemeente_choices(state: &AppState) -> Result<Vec<Choice>, crate::problem::Problem> {
    Ok(state
        .store
        .gemeenten()
        .await?
        .into_iter()
        .map(|(name, _, _)| Choice {
            value: name.clone(),
            label: name,
        })
        .collect())
}

fn attention_choices(lang: Lang) -> Vec<Choice> {
    crate::api::cases::ATTENTION_KINDS
        .iter()
        .map(|k| Choice {
            value: (*k).to_owned(),
            label: present::attention_label(k, lang).to_owned(),
        })
        .collect()
}

/// The query string of a list page, with one key changed (`None` drops it).
fn query_with(q: &HashMap<String, String>, key: &str, value: Option<&str>) -> String {
    let mut parts: Vec<(String, String)> = q
        .iter()
        .filter(|(k, v)| k.as_str() != key && k.as_str() != "pagina" && !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(v) = value {
        parts.push((key.to_owned(), v.to_owned()));
    }
    parts.sort();
    if parts.is_empty() {
        return String::new();
    }
    let joined: Vec<String> = parts
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::api::cases::encode(v)))
        .collect();
    format!("?{}", joined.join("&"))
}

fn chosen<'a>(q: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    q.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The cases `viewer` may see, or — for someone who may see none (an administrator, the
/// privacy officer, a person without a function) — page `template` saying so.
async fn visible_or_page(
    state: &AppState,
    viewer: &Viewer,
    template: &str,
    title: &str,
) -> Result<Result<ave_store::Visible, Response>, PageError> {
    let lang = viewer.lang;
    if !Standing::of(&viewer.actor).sees_cases() {
        let explained = page(
            viewer,
            template,
            title,
            context! { no_cases => true, rows => Vec::<Row>::new() },
        )
        .page(lang)?;
        return Ok(Err(explained));
    }
    let visible = crate::api::cases::visible_to(state, &viewer.actor)
        .await
        .page(lang)?;
    Ok(Ok(visible))
}

/// `GET /`: Mijn casussen.
pub async fn mine(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let lang = viewer.lang;
    let title = word("mijn_casussen", lang);
    let visible = match visible_or_page(&state, &viewer, "mijn-casussen.html", &title).await? {
        Ok(v) => v,
        Err(page) => return Ok(page),
    };
    let filter = CaseFilter {
        holder: Some(viewer.actor.person.clone()),
        holder_roles: Some(REGIE_ROLES.iter().map(|r| (*r).to_owned()).collect()),
        closed: Some(false),
        visible: Some(visible),
        ..CaseFilter::default()
    };
    let today = state.today();
    let found = state
        .store
        .list(&filter, &today, 0, MINE_LIMIT)
        .await
        .map_err(crate::problem::Problem::from)
        .page(lang)?;
    crate::audit::record(
        &state,
        &viewer.actor,
        "lijst",
        "casussen (mijn casussen)".to_owned(),
        format!("ok: {}", found.items.len()),
    )
    .page(lang)?;
    let more = found.total > found.items.len() as u64;
    // Counts over all my cases (up to MINE_LIMIT); the filter narrows the table only, and
    // only the rows of the page shown are made into table rows.
    let fase = chosen(&q, "fase");
    let gemeente = chosen(&q, "gemeente");
    let aandacht = chosen(&q, "aandacht");
    let mut per_phase: BTreeMap<(String, String), (PhaseBadge, usize)> = BTreeMap::new();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut shown = Vec::new();
    for r in found.items {
        let model = state
            .models
            .get(&state.store, &r.model_id, &r.model_version)
            .await
            .page(lang)?;
        let badge = present::phase(&model, &r.phase);
        let kinds = r.attention_on(&today);
        for k in &kinds {
            *per_kind.entry(k.clone()).or_default() += 1;
        }
        let wanted = fase.is_none_or(|f| badge.id == f)
            && gemeente.is_none_or(|g| r.gemeente.as_deref() == Some(g))
            && aandacht.is_none_or(|a| kinds.iter().any(|k| k == a));
        per_phase
            .entry((badge.label.clone(), badge.id.clone()))
            .or_insert_with(|| (badge.clone(), 0))
            .1 += 1;
        if wanted {
            shown.push(r);
        }
    }
    let total: usize = per_phase.values().map(|(_, n)| n).sum();
    let matching = shown.len() as u64;
    let pages = matching.div_ceil(MINE_PAGE).max(1);
    let pagina = chosen(&q, "pagina")
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| (1..=pages).contains(p))
        .unwrap_or(1);
    let mut rows = Vec::new();
    for r in shown
        .into_iter()
        .skip(usize::try_from((pagina - 1) * MINE_PAGE).unwrap_or(usize::MAX))
        .take(usize::try_from(MINE_PAGE).unwrap_or(usize::MAX))
    {
        rows.push(
            row(&state, r, &today, &viewer.actor.person, lang)
                .await
                .page(lang)?,
        );
    }
    let phase_counts: Vec<Count> = per_phase
        .into_values()
        .map(|(b, n)| Count {
            href: format!("/{}", query_with(&q, "fase", Some(&b.id))),
            label: b.label,
            count: n,
        })
        .collect();
    let kind_counts: Vec<Count> = per_kind
        .into_iter()
        .map(|(kind, n)| Count {
            href: format!("/{}", query_with(&q, "aandacht", Some(&kind))),
            label: present::attention_label(&kind, lang).to_owned(),
            count: n,
        })
        .collect();
    let base = query_with(&q, "pagina", None);
    let sep = if base.is_empty() { "?" } else { "&" };
    page(
        &viewer,
        "mijn-casussen.html",
        &title,
        context! {
            no_cases => false,
            rows => rows,
            first => (pagina - 1) * MINE_PAGE + 1,
            total => total,
            more => more,
            pagina => pagina,
            next => (pagina < pages).then(|| format!("/{base}{sep}pagina={}", pagina + 1)),
            prev => (pagina > 1).then(|| format!("/{base}{sep}pagina={}", pagina - 1)),
            phase_counts => phase_counts,
            kind_counts => kind_counts,
            phases => phase_choices(&state).await.page(lang)?,
            gemeenten => gemeente_choices(&state).await.page(lang)?,
            kinds => attention_choices(lang),
            fase => fase.unwrap_or(""),
            gemeente => gemeente.unwrap_or(""),
            aandacht => aandacht.unwrap_or(""),
            filtered => fase.is_some() || gemeente.is_some() || aandacht.is_some(),
        },
    )
    .page(lang)
}

/// `GET /casussen`: every case I may see, filtered, in pages.
pub async fn all(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let lang = viewer.lang;
    let title = word("alle_casussen", lang);
    let visible = match visible_or_page(&state, &viewer, "casussen.html", &title).await? {
        Ok(v) => v,
        Err(page) => return Ok(page),
    };
    let fase = chosen(&q, "fase");
    let gemeente = chosen(&q, "gemeente");
    let aandacht =
        chosen(&q, "aandacht").filter(|a| crate::api::cases::ATTENTION_KINDS.contains(a));
    let closed = match chosen(&q, "status") {
        Some("gesloten") => Some(true),
        Some("alle") => None,
        _ => Some(false),
    };
    let pagina = chosen(&q, "pagina")
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| (1..=10_000).contains(p))
        .unwrap_or(1);
    let filter = CaseFilter {
        gemeente: gemeente.map(str::to_owned),
        phase: fase.map(str::to_owned),
        attention: aandacht.map(str::to_owned),
        closed,
        visible: Some(visible),
        ..CaseFilter::default()
    };
    let today = state.today();
    let found = state
        .store
        .list(&filter, &today, (pagina - 1) * PAGE_SIZE, PAGE_SIZE)
        .await
        .map_err(crate::problem::Problem::from)
        .page(lang)?;
    crate::audit::record(
        &state,
        &viewer.actor,
        "lijst",
        "casussen".to_owned(),
        format!("ok: {}", found.items.len()),
    )
    .page(lang)?;
    let has_next = if found.capped {
        found.items.len() as u64 == PAGE_SIZE
    } else {
        pagina < found.total.div_ceil(PAGE_SIZE).max(1)
    };
    let mut rows = Vec::with_capacity(found.items.len());
    for r in found.items {
        rows.push(
            row(&state, r, &today, &viewer.actor.person, lang)
                .await
                .page(lang)?,
        );
    }
    let base = query_with(&q, "pagina", None);
    let sep = if base.is_empty() { "?" } else { "&" };
    // A page past the end of a list that has cases: say so, and link to its last page (the
    // first when the count stopped at its cap and the last is not known).
    let beyond = rows.is_empty() && pagina > 1 && found.total > 0;
    let last_page = (!found.capped).then(|| found.total.div_ceil(PAGE_SIZE).max(1));
    let beyond_href = beyond.then(|| match last_page {
        Some(n) if n > 1 => format!("/casussen{base}{sep}pagina={n}"),
        _ => format!("/casussen{base}"),
    });
    page(
        &viewer,
        "casussen.html",
        &title,
        context! {
            no_cases => false,
            rows => rows,
            first => (pagina - 1) * PAGE_SIZE + 1,
            table_total => found.total,
            total => found.total,
            capped => found.capped,
            pagina => pagina,
            next => has_next.then(|| format!("/casussen{base}{sep}pagina={}", pagina + 1)),
            prev => (pagina > 1 && !beyond).then(|| format!("/casussen{base}{sep}pagina={}", pagina - 1)),
            beyond => beyond_href,
            last_page => last_page.filter(|_| beyond),
            phases => phase_choices(&state).await.page(lang)?,
            gemeenten => gemeente_choices(&state).await.page(lang)?,
            kinds => attention_choices(lang),
            fase => fase.unwrap_or(""),
            gemeente => gemeente.unwrap_or(""),
            aandacht => aandacht.unwrap_or(""),
            status => chosen(&q, "status").unwrap_or("open"),
            filtered => fase.is_some() || gemeente.is_some() || aandacht.is_some(),
        },
    )
    .page(lang)
}
