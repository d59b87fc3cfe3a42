//! The policy dashboard (`/dashboard`): aggregated counts only — the distribution of open
//! cases over the phases next to the model's norm (80-15-5-0.5), the flows between phases in
//! a period, the time open cases have been in their phase, and the attention points — per
//! gemeente or for all. Everything is counted and grouped in SQL ([`ave_store::dashboard`]);
//! no case is loaded.
//!
//! Small counts could point to a household, so a count under [`THRESHOLD`] shows as "< 5";
//! where a row with a total would hide exactly one count, the smallest other count is hidden
//! too and the total is rounded to tens, so a hidden number cannot be worked out from it. In
//! the view over all gemeenten every count is rounded to fives, so subtracting one
//! gemeente's counts from the whole does not reveal another's. Who may see the dashboard is
//! decided in [`crate::access::sees_dashboard`]; every view and every refusal is logged.

use std::collections::{BTreeMap, HashMap};

use ave_labels::Lang;
use ave_model::ValidModel;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Duration;
use minijinja::context;
use serde::Serialize;

use super::present::{self, PhaseBadge};
use super::render::{ForPage, PageError, page};
use super::session::Viewer;
use super::words::word;
use crate::AppState;
use crate::problem::Problem;

/// Counts under this are not shown.
pub const THRESHOLD: u64 = 5;

/// The periods the flows can be counted over, in days.
pub const PERIODS: [i64; 4] = [30, 90, 182, 365];

/// A count as shown: the number, or hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Shown as this number (possibly rounded).
    Count(u64),
    /// Under the threshold, or hidden so that another hidden count stays hidden.
    Hidden,
}

impl Shown {
    fn text(self) -> String {
        match self {
            Shown::Count(n) => n.to_string(),
            Shown::Hidden => format!("< {THRESHOLD}"),
        }
    }

    fn value(self) -> Option<u64> {
        match self {
            Shown::Count(n) => Some(n),
            Shown::Hidden => None,
        }
    }
}

/// Primary suppression: every count from 1 to [`THRESHOLD`] − 1 is hidden (0 is shown: it
/// points to no one).
pub fn primary(counts: &[u64]) -> Vec<Shown> {
    counts
        .iter()
        .map(|&n| {
            if n > 0 && n < THRESHOLD {
                Shown::Hidden
            } else {
                Shown::Count(n)
            }
        })
        .collect()
}

/// Suppression for a row that also shows its total: primary suppression, and when exactly
/// one count is hidden, the smallest other non-zero count as well (else total minus the rest
/// gives it away). Returns the cells and whether anything is hidden (then the total must be
/// rounded, see [`round_to`]).
pub fn with_total(counts: &[u64]) -> (Vec<Shown>, bool) {
    let mut cells = primary(counts);
    let hidden = cells.iter().filter(|c| **c == Shown::Hidden).count();
    if hidden == 1 {
        let smallest = counts
            .iter()
            .enumerate()
            .filter(|(i, n)| **n > 0 && cells[*i] != Shown::Hidden)
            .min_by_key(|(_, n)| **n)
            .map(|(i, _)| i);
        if let Some(i) = smallest {
            cells[i] = Shown::Hidden;
        }
    }
    let any = cells.contains(&Shown::Hidden);
    (cells, any)
}

/// `n` rounded to the nearest multiple of `step`.
pub fn round_to(n: u64, step: u64) -> u64 {
    if step <= 1 {
        return n;
    }
    (n + step / 2) / step * step
}

/// Rounds the shown counts to fives (the view over all gemeenten).
fn round_shown(cells: &mut [Shown]) {
    for c in cells {
        if let Shown::Count(n) = c {
            *c = Shown::Count(round_to(*n, 5));
        }
    }
}

/// The median and mean of a histogram of (days, how many).
pub fn median_mean(histogram: &[(i64, u64)]) -> Option<(f64, f64)> {
    let total: u64 = histogram.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let mut sorted = histogram.to_vec();
    sorted.sort_unstable();
    let sum: f64 = sorted.iter().map(|(d, n)| *d as f64 * *n as f64).sum();
    let at = |k: u64| {
        let mut seen = 0;
        for (d, n) in &sorted {
            seen += n;
            if seen > k {
                return *d as f64;
            }
        }
        sorted.last().map_or(0.0, |(d, _)| *d as f64)
    };
    let median = if total % 2 == 1 {
        at(total / 2)
    } else {
        (at(total / 2 - 1) + at(total / 2)) / 2.0
    };
    Some((median, sum / total as f64))
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Serialize)]
struct Bar {
    label: String,
    text: String,
    y: u32,
    width: f64,
    colour: String,
    norm: Option<f64>,
}

/// A horizontal bar chart, drawn on the server as SVG.
#[derive(Debug, Serialize)]
struct Chart {
    id: String,
    title: String,
    desc: String,
    height: u32,
    bars: Vec<Bar>,
}

/// One bar's data: label, value (none when hidden), the value as shown, colour, norm.
type BarData = (String, Option<f64>, String, String, Option<f64>);

/// Bars: 180 px for labels, 380 px for the bars, the rest for the values.
const LABEL_WIDTH: f64 = 180.0;
const BAR_WIDTH: f64 = 380.0;
const ROW: u32 = 28;

fn chart(id: &str, title: String, desc: String, rows: Vec<BarData>) -> Chart {
    let max = rows
        .iter()
        .flat_map(|(_, v, _, _, norm)| [*v, *norm])
        .flatten()
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let bars: Vec<Bar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value, text, colour, norm))| Bar {
            label,
            text,
            y: 8 + i as u32 * ROW,
            width: value.map_or(0.0, |v| (v / max * BAR_WIDTH).max(1.0)),
            colour: if colour.is_empty() {
                "geen".to_owned()
            } else {
                colour
            },
            norm: norm.map(|n| LABEL_WIDTH + n / max * BAR_WIDTH),
        })
        .collect();
    Chart {
        id: id.to_owned(),
        title,
        desc,
        height: 16 + bars.len() as u32 * ROW,
        bars,
    }
}

/// A row of the distribution.
#[derive(Debug, Serialize)]
struct PhaseRow {
    badge: PhaseBadge,
    count: String,
    share: String,
    norm: String,
    median: String,
    mean: String,
    in_phase: String,
}

#[derive(Debug, Serialize)]
struct FlowRow {
    from: PhaseBadge,
    to: PhaseBadge,
    direction: &'static str,
    count: String,
}

#[derive(Debug, Serialize)]
struct KindRow {
    label: String,
    count: String,
}

/// The phases to show, in order, with their norm share: those of the gemeente's models (or
/// of every model in use), the first model giving a share deciding it.
fn phases_of(models: &[&ValidModel]) -> Vec<(String, PhaseBadge, Option<f64>)> {
    let mut seen: BTreeMap<(u32, String), (PhaseBadge, Option<f64>)> = BTreeMap::new();
    for m in models {
        for p in m.phases_in_order() {
            let key = (p.order, p.id.as_str().to_owned());
            let entry = seen
                .entry(key)
                .or_insert_with(|| (present::phase(m, p.id.as_str()), None));
            if entry.1.is_none() {
                entry.1 = p.share_percent;
            }
        }
    }
    let mut out: Vec<(String, PhaseBadge, Option<f64>)> = Vec::new();
    for ((_, id), (badge, share)) in seen {
        if !out.iter().any(|(i, _, _)| *i == id) {
            out.push((id, badge, share));
        }
    }
    out
}

fn days_between(today: &str, day: &str) -> Option<i64> {
    let t = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").ok()?;
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    Some((t - d).num_days().max(0))
}

fn one_decimal(x: f64, lang: Lang) -> String {
    let s = format!("{x:.1}");
    match lang {
        Lang::Nl => s.replace('.', ","),
        Lang::En => s,
    }
}

/// How long the dashboard's expensive figures (time in phase, flows, attention) are kept: they
/// are aggregates for policy, so a minute old is fine, and a busy dashboard then costs the
/// database one set of grouped queries a minute per filter instead of one per view.
pub const CACHE_SECONDS: u64 = 60;

/// The kept figures: per (gemeente, period in days, day), when they were counted and what;
/// and which model versions each gemeente's cases run under (who may see which gemeente's
/// dashboard depends on it, and every page's menu asks).
#[derive(Debug, Default)]
pub struct FiguresCache {
    kept: std::sync::Mutex<HashMap<FiguresKey, (std::time::Instant, Figures)>>,
    places: std::sync::Mutex<Option<(std::time::Instant, Places)>>,
}

/// (gemeente, model id, model version) of the cases in the store.
type Places = Vec<(String, String, String)>;

type FiguresKey = (Option<String>, i64, String);

/// What the grouped queries answered.
#[derive(Debug, Clone)]
struct Figures {
    entries: Vec<ave_store::dashboard::PhaseEntries>,
    flows: Vec<ave_store::dashboard::Flow>,
    kinds: Vec<(String, u64)>,
}

impl FiguresCache {
    fn get(&self, key: &FiguresKey) -> Option<Figures> {
        #[allow(clippy::disallowed_methods)] // a cache's age, not a fact about a case
        let now = std::time::Instant::now();
        let kept = self.kept.lock().ok()?;
        kept.get(key)
            .filter(|(at, _)| now.duration_since(*at).as_secs() < CACHE_SECONDS)
            .map(|(_, f)| f.clone())
    }

    /// Which model versions each gemeente's cases run under, as counted at most
    /// [`CACHE_SECONDS`] ago (the query reads every case's row).
    pub async fn places(&self, store: &ave_store::Store) -> Result<Places, Problem> {
        #[allow(clippy::disallowed_methods)] // a cache's age, not a fact about a case
        let now = std::time::Instant::now();
        let kept = self.places.lock().ok().and_then(|p| {
            p.as_ref()
                .filter(|(at, _)| now.duration_since(*at).as_secs() < CACHE_SECONDS)
                .map(|(_, v)| v.clone())
        });
        if let Some(places) = kept {
            return Ok(places);
        }
        let places = store.gemeente_models().await?;
        if let Ok(mut p) = self.places.lock() {
            *p = Some((now, places.clone()));
        }
        Ok(places)
    }

    fn put(&self, key: FiguresKey, figures: Figures) {
        #[allow(clippy::disallowed_methods)] // a cache's age, not a fact about a case
        let now = std::time::Instant::now();
        if let Ok(mut kept) = self.kept.lock() {
            kept.retain(|_, (at, _)| now.duration_since(*at).as_secs() < CACHE_SECONDS);
            kept.insert(key, (now, figures));
        }
    }
}

async fn figures(
    state: &AppState,
    gemeente: Option<&str>,
    period: i64,
    today: &str,
) -> Result<Figures, Problem> {
    let key = (gemeente.map(str::to_owned), period, today.to_owned());
    if let Some(f) = state.dashboard.get(&key) {
        return Ok(f);
    }
    let since = crate::now() - Duration::days(period);
    let figures = Figures {
        entries: state.store.phase_entries(gemeente).await?,
        flows: state.store.phase_flows(gemeente, &since).await?,
        kinds: state
            .store
            .attention_counts(gemeente, today, crate::api::cases::ATTENTION_KINDS)
            .await?,
    };
    state.dashboard.put(key, figures.clone());
    Ok(figures)
}

/// `GET /dashboard?gemeente=…&periode=…`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let lang = viewer.lang;
    let actor = &viewer.actor;
    let scope = crate::access::dashboard_scope(&state, actor)
        .await
        .page(lang)?;
    let refuse = |detail: String| -> Result<Response, PageError> {
        crate::audit::record(
            &state,
            actor,
            "dashboard",
            "dashboard".to_owned(),
            "geweigerd",
        )
        .page(lang)?;
        Err(Problem::forbidden(detail)).page(lang)
    };
    if !scope.any() {
        return refuse(word("dashboard_geen_toegang", Lang::Nl));
    }
    // The gemeenten with cases that this person may look at.
    let gemeenten: Vec<String> = state
        .store
        .gemeenten()
        .await
        .map_err(Problem::from)
        .page(lang)?
        .into_iter()
        .map(|(g, _, _)| g)
        .filter(|g| scope.allows(g))
        .collect();
    let all_allowed = scope == crate::access::DashboardScope::All;
    let asked = q
        .get("gemeente")
        .map(|g| g.trim())
        .filter(|g| !g.is_empty());
    if let Some(g) = asked
        && !scope.allows(g)
    {
        return refuse(word("dashboard_andere_gemeente", Lang::Nl));
    }
    // Only a gemeente that has cases can be chosen; anything else is "all" for whoever may
    // see all, and their first gemeente for the others.
    let gemeente: Option<&str> = match asked.filter(|g| gemeenten.iter().any(|x| x == g)) {
        Some(g) => Some(g),
        None if all_allowed => None,
        None => match gemeenten.first() {
            Some(g) => Some(g.as_str()),
            None => return refuse(word("dashboard_geen_toegang", Lang::Nl)),
        },
    };
    let period = q
        .get("periode")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| PERIODS.contains(p))
        .unwrap_or(90);
    crate::audit::record(
        &state,
        actor,
        "dashboard",
        format!("dashboard/{}", gemeente.unwrap_or("alle")),
        "ok",
    )
    .page(lang)?;

    let all_models = state.models.all(&state.store).await.page(lang)?;
    let own: Vec<&ValidModel> = all_models
        .iter()
        .map(|m| m.as_ref())
        .filter(|m| gemeente.is_some() && m.model().model.gemeente.as_deref() == gemeente)
        .collect();
    let models: Vec<&ValidModel> = if own.is_empty() {
        all_models.iter().map(|m| m.as_ref()).collect()
    } else {
        own
    };
    let phases = phases_of(&models);
    let today = state.today();

    // Distribution, with the total.
    let counts = state
        .store
        .phase_counts(gemeente)
        .await
        .map_err(Problem::from)
        .page(lang)?;
    let mut ids: Vec<String> = phases.iter().map(|(id, _, _)| id.clone()).collect();
    for id in counts.keys() {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let raw: Vec<u64> = ids
        .iter()
        .map(|id| counts.get(id).copied().unwrap_or(0))
        .collect();
    let total: u64 = raw.iter().sum();
    let (mut cells, any_hidden) = with_total(&raw);
    let rounded_view = gemeente.is_none();
    if rounded_view {
        round_shown(&mut cells);
    }
    let total_shown = if total > 0 && total < THRESHOLD {
        Shown::Hidden
    } else if any_hidden {
        Shown::Count(round_to(total, 10))
    } else if rounded_view {
        Shown::Count(round_to(total, 5))
    } else {
        Shown::Count(total)
    };

    // Time in phase, from a histogram per phase (entry day → open cases).
    let Figures {
        entries,
        flows,
        kinds,
    } = figures(&state, gemeente, period, &today).await.page(lang)?;
    let mut histograms: HashMap<String, Vec<(i64, u64)>> = HashMap::new();
    for e in entries {
        if let Some(d) = days_between(&today, &e.day) {
            histograms.entry(e.phase).or_default().push((d, e.n));
        }
    }

    let badge_of = |id: &str| {
        phases
            .iter()
            .find(|(i, _, _)| i == id)
            .map_or_else(|| present::phase(models[0], id), |(_, b, _)| b.clone())
    };
    let mut rows = Vec::new();
    let mut dist_bars = Vec::new();
    let mut time_bars = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let badge = if models.is_empty() {
            PhaseBadge {
                id: id.clone(),
                label: ave_model::render::phase_label(id),
                title: String::new(),
                colour: String::new(),
            }
        } else {
            badge_of(id)
        };
        let norm = phases
            .iter()
            .find(|(p, _, _)| p == id)
            .and_then(|(_, _, s)| *s);
        let share = cells[i]
            .value()
            .filter(|_| total >= THRESHOLD)
            .map(|n| n as f64 * 100.0 / total as f64);
        let stats = (raw[i] >= THRESHOLD)
            .then(|| histograms.get(id).and_then(|h| median_mean(h)))
            .flatten();
        let in_phase = if raw[i] == 0 {
            "—".to_owned()
        } else {
            cells[i].text()
        };
        dist_bars.push((
            badge.label.clone(),
            share,
            share.map_or_else(|| cells[i].text(), |s| format!("{}%", one_decimal(s, lang))),
            badge.colour.clone(),
            norm,
        ));
        if raw[i] > 0 {
            time_bars.push((
                badge.label.clone(),
                stats.map(|(m, _)| m),
                stats.map_or_else(|| format!("< {THRESHOLD}"), |(m, _)| one_decimal(m, lang)),
                badge.colour.clone(),
                None,
            ));
        }
        rows.push(PhaseRow {
            count: cells[i].text(),
            share: share.map_or_else(|| "—".to_owned(), |s| format!("{}%", one_decimal(s, lang))),
            norm: norm.map_or_else(|| "—".to_owned(), |n| format!("{}%", one_decimal(n, lang))),
            median: stats.map_or_else(|| "—".to_owned(), |(m, _)| one_decimal(m, lang)),
            mean: stats.map_or_else(|| "—".to_owned(), |(_, m)| one_decimal(m, lang)),
            in_phase,
            badge,
        });
    }

    // Flows in the period (no totals shown, so primary suppression suffices).

    let order_of = |id: &str| phases.iter().position(|(p, _, _)| p == id);
    let mut flow_rows: Vec<FlowRow> = Vec::new();
    let mut flow_bars = Vec::new();
    let flow_counts: Vec<u64> = flows.iter().map(|f| f.n).collect();
    let mut flow_cells = primary(&flow_counts);
    if rounded_view {
        round_shown(&mut flow_cells);
    }
    let mut sorted: Vec<(usize, &ave_store::dashboard::Flow)> = flows.iter().enumerate().collect();
    sorted.sort_by_key(|(_, f)| (order_of(&f.from), order_of(&f.to)));
    for (i, f) in sorted {
        let direction = match (order_of(&f.from), order_of(&f.to)) {
            (Some(a), Some(b)) if b > a => "op",
            (Some(a), Some(b)) if b < a => "af",
            _ => "",
        };
        let from = badge_of(&f.from);
        let to = badge_of(&f.to);
        flow_bars.push((
            format!("{} → {}", from.label, to.label),
            flow_cells[i].value().map(|n| n as f64),
            flow_cells[i].text(),
            to.colour.clone(),
            None,
        ));
        flow_rows.push(FlowRow {
            from,
            to,
            direction,
            count: flow_cells[i].text(),
        });
    }

    // Attention (a case may need attention of several kinds: no total).

    let kind_counts: Vec<u64> = kinds.iter().map(|(_, n)| *n).collect();
    let mut kind_cells = primary(&kind_counts);
    if rounded_view {
        round_shown(&mut kind_cells);
    }
    let kind_rows: Vec<KindRow> = kinds
        .iter()
        .zip(&kind_cells)
        .map(|((k, _), c)| KindRow {
            label: present::attention_label(k, lang).to_owned(),
            count: c.text(),
        })
        .collect();
    let kind_bars = kinds
        .iter()
        .zip(&kind_cells)
        .filter(|((_, n), _)| *n > 0)
        .map(|((k, _), c)| {
            (
                present::attention_label(k, lang).to_owned(),
                c.value().map(|n| n as f64),
                c.text(),
                String::new(),
                None,
            )
        })
        .collect::<Vec<_>>();

    let place = gemeente.map_or_else(|| word("alle_gemeenten", lang), str::to_owned);
    let charts = context! {
        distribution => chart(
            "grafiek-verdeling",
            format!("{} – {place}", word("verdeling", lang)),
            word("grafiek_verdeling_uitleg", lang),
            dist_bars,
        ),
        time => chart(
            "grafiek-tijd",
            format!("{} – {place}", word("tijd_in_fase", lang)),
            word("grafiek_tijd_uitleg", lang),
            time_bars,
        ),
        flows => chart(
            "grafiek-stromen",
            format!("{} – {place}", word("stromen", lang)),
            word("grafiek_stromen_uitleg", lang),
            flow_bars,
        ),
        kinds => chart(
            "grafiek-aandacht",
            format!("{} – {place}", word("per_aandacht", lang)),
            word("grafiek_aandacht_uitleg", lang),
            kind_bars,
        ),
    };
    let periods: Vec<(i64, bool)> = PERIODS.iter().map(|p| (*p, *p == period)).collect();
    page(
        &viewer,
        "dashboard.html",
        &word("dashboard", lang),
        context! {
            gemeenten => gemeenten,
            all_allowed => all_allowed,
            gemeente => gemeente.unwrap_or(""),
            place => place,
            periods => periods,
            period => period,
            rows => rows,
            total => total_shown.text(),
            total_rounded => any_hidden || rounded_view,
            rounded_view => rounded_view,
            flows => flow_rows,
            kinds => kind_rows,
            charts => charts,
            label_width => LABEL_WIDTH,
        },
    )
    .page(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_small_count_takes_the_smallest_other_count_with_it() {
        let (cells, any) = with_total(&[120, 30, 3, 0]);
        assert!(any);
        assert_eq!(
            cells,
            vec![
                Shown::Count(120),
                Shown::Hidden,
                Shown::Hidden,
                Shown::Count(0)
            ]
        );
        let (cells, _) = with_total(&[120, 30, 3, 2]);
        assert_eq!(
            cells,
            vec![
                Shown::Count(120),
                Shown::Count(30),
                Shown::Hidden,
                Shown::Hidden
            ]
        );
        let (cells, any) = with_total(&[120, 30, 5]);
        assert!(!any);
        assert_eq!(cells[2], Shown::Count(5));
    }

    #[test]
    fn median_and_mean_come_from_the_histogram() {
        assert_eq!(
            median_mean(&[(1, 1), (3, 1), (10, 1)]),
            Some((3.0, 14.0 / 3.0))
        );
        assert_eq!(median_mean(&[(2, 2), (4, 2)]), Some((3.0, 3.0)));
        assert_eq!(median_mean(&[]), None);
        assert_eq!(round_to(1234, 10), 1230);
        assert_eq!(round_to(1236, 5), 1235);
    }
}
