//! The report of a run: one row per step of each scenario with its throughput, latencies,
//! errors and its ratio to the ceiling it is compared with — reads with the hello-world
//! ceiling, durable writes with the durable-commit ceiling — as a table for people and as
//! JSON for scripts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::pages::{P95_LIMIT_MS, WEIGHT_LIMIT, Weight};
use crate::rss::Memory;
use crate::runner::{Measured, StepResult};

/// Which ceiling a step is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ceiling {
    /// The step is a ceiling itself.
    Itself,
    /// A read: compared with the hello-world endpoint.
    Hello,
    /// A durable write: compared with the bare durable one-row commit.
    Commit,
    /// Not compared (a whole workflow of several requests).
    None,
}

impl Ceiling {
    /// The ceiling of step `step` of scenario `scenario`.
    pub fn of(scenario: &str, step: &str) -> Ceiling {
        match (scenario, step) {
            ("hello", _) | ("commit", _) => Ceiling::Itself,
            ("read", _) | ("list", _) => Ceiling::Hello,
            (page, _) if page.starts_with("page-") => Ceiling::Hello,
            ("workflow", "lezen" | "lijst") => Ceiling::Hello,
            ("workflow", "aanmaken" | "signaal" | "rol") => Ceiling::Commit,
            ("workflow", _) => Ceiling::None,
            ("transition", _) => Ceiling::Commit,
            _ => Ceiling::None,
        }
    }
}

/// One row of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The scenario.
    pub scenario: String,
    /// The step (the kind of request).
    pub step: String,
    /// The figures.
    #[serde(flatten)]
    pub result: StepResult,
    /// What it is compared with.
    pub ceiling: Ceiling,
    /// Its throughput divided by the ceiling's, if both were measured.
    pub ratio: Option<f64>,
}

/// One scenario as run.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioRun {
    /// The scenario.
    pub scenario: String,
    /// What was measured.
    pub measured: Measured,
    /// The largest resident memory seen per server process during the scenario.
    pub memory: BTreeMap<u32, Memory>,
    /// For a page: one sample with the files it loads ([`crate::pages::weigh`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<Weight>,
}

/// Where and how the run was made.
#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    /// When the run began (UTC, RFC 3339).
    pub date: String,
    /// The processor as `/proc/cpuinfo` names it.
    pub cpu: String,
    /// Logical processors.
    pub cores: usize,
    /// Load average (1 minute) when the run began, from `/proc/loadavg`.
    pub load_before: Option<f64>,
    /// The services measured.
    pub targets: Vec<String>,
    /// The hello-world endpoint.
    pub hello: Option<String>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Cases in the database.
    pub cases: usize,
    /// Events in the database.
    pub events: u64,
    /// Connections of the durable-commit ceiling.
    pub commit_connections: u32,
}

/// A page against its targets: server time p95 under [`P95_LIMIT_MS`], weight without
/// images under [`WEIGHT_LIMIT`] bytes.
#[derive(Debug, Clone, Serialize)]
pub struct PageSummary {
    /// The page's scenario.
    pub scenario: String,
    /// Its route.
    pub step: String,
    /// Answers as expected (200, HTML).
    pub ok: u64,
    /// Other answers (404, 303 to the login, …) and failures.
    pub errors: u64,
    /// Answers per second.
    pub per_second: f64,
    /// p95 of the answers as expected, milliseconds.
    pub p95_ms: f64,
    /// Whether p95 is under the target (and there were answers and no errors).
    pub p95_met: bool,
    /// Mean HTML size, uncompressed, bytes.
    pub html_mean_bytes: f64,
    /// Largest HTML, uncompressed, bytes.
    pub html_max_bytes: u64,
    /// Mean HTML size over the wire, bytes.
    pub html_mean_wire_bytes: f64,
    /// Largest HTML over the wire, bytes.
    pub html_max_wire_bytes: u64,
    /// What the page loads from `/assets/` (images left out), uncompressed, bytes.
    pub assets_bytes: u64,
    /// The same over the wire, bytes.
    pub assets_wire_bytes: u64,
    /// The page's weight: the largest HTML plus its assets, uncompressed, bytes.
    pub weight_bytes: u64,
    /// The same over the wire (gzip when asked), bytes.
    pub weight_wire_bytes: u64,
    /// Whether the weight, uncompressed, is under the target.
    pub weight_met: bool,
    /// Whether the weight over the wire is under the target.
    pub weight_wire_met: bool,
    /// What went wrong while weighing the sample, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_problem: Option<String>,
}

impl PageSummary {
    fn of(run: &ScenarioRun, weight: &Weight) -> PageSummary {
        let mut ok = 0;
        let mut errors = 0;
        let mut step = String::new();
        let mut found: Option<&StepResult> = None;
        for (name, r) in &run.measured.steps {
            ok += r.ok;
            errors += r.errors;
            if found.is_none() {
                step.clone_from(name);
                found = Some(r);
            }
        }
        let body = found.and_then(|r| r.body);
        let html_max = body.map_or(weight.html_bytes, |b| b.max_bytes.max(weight.html_bytes));
        let html_max_wire = body.map_or(weight.html_wire_bytes, |b| {
            b.max_wire_bytes.max(weight.html_wire_bytes)
        });
        let weight_bytes = html_max + weight.assets_bytes();
        let weight_wire_bytes = html_max_wire + weight.assets_wire_bytes();
        let p95_ms = found.map_or(0.0, |r| r.p95_ms);
        let sound = ok > 0 && errors == 0;
        PageSummary {
            scenario: run.scenario.clone(),
            step,
            ok,
            errors,
            per_second: found.map_or(0.0, |r| r.per_second),
            p95_ms,
            p95_met: sound && p95_ms < P95_LIMIT_MS,
            html_mean_bytes: body.map_or(0.0, |b| b.mean_bytes),
            html_max_bytes: html_max,
            html_mean_wire_bytes: body.map_or(0.0, |b| b.mean_wire_bytes),
            html_max_wire_bytes: html_max_wire,
            assets_bytes: weight.assets_bytes(),
            assets_wire_bytes: weight.assets_wire_bytes(),
            weight_bytes,
            weight_wire_bytes,
            weight_met: sound && weight.problem.is_none() && weight_bytes < WEIGHT_LIMIT,
            weight_wire_met: sound && weight.problem.is_none() && weight_wire_bytes < WEIGHT_LIMIT,
            weight_problem: weight.problem.clone(),
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where and how.
    pub setting: Setting,
    /// Each scenario.
    pub runs: Vec<ScenarioRun>,
    /// Every step with its ratio.
    pub rows: Vec<Row>,
    /// Every page measured, against the page targets.
    pub pages: Vec<PageSummary>,
    /// The server processes' memory at the end (`VmHWM` is the peak over their life).
    pub memory_end: BTreeMap<u32, Memory>,
}

impl Report {
    /// Builds the rows from the runs: finds the ceilings and divides.
    pub fn new(
        setting: Setting,
        runs: Vec<ScenarioRun>,
        memory_end: BTreeMap<u32, Memory>,
    ) -> Report {
        let ceiling = |name: &str| {
            runs.iter()
                .find(|r| r.scenario == name)
                .and_then(|r| r.measured.steps.get(name))
                .map(|s| s.per_second)
                .filter(|x| *x > 0.0)
        };
        let (hello, commit) = (ceiling("hello"), ceiling("commit"));
        let mut rows = Vec::new();
        for run in &runs {
            for (step, result) in &run.measured.steps {
                let kind = Ceiling::of(&run.scenario, step);
                let base = match kind {
                    Ceiling::Itself => Some(result.per_second),
                    Ceiling::Hello => hello,
                    Ceiling::Commit => commit,
                    Ceiling::None => None,
                };
                rows.push(Row {
                    scenario: run.scenario.clone(),
                    step: step.clone(),
                    result: result.clone(),
                    ceiling: kind,
                    ratio: base.filter(|b| *b > 0.0).map(|b| result.per_second / b),
                });
            }
        }
        let pages = runs
            .iter()
            .filter_map(|r| r.weight.as_ref().map(|w| PageSummary::of(r, w)))
            .collect();
        Report {
            setting,
            runs,
            rows,
            pages,
            memory_end,
        }
    }

    /// The report as a table (Dutch headings; figures as measured).
    pub fn table(&self) -> String {
        let s = &self.setting;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} · {} × {} · belasting vooraf {} · {} ({} casussen, {} gebeurtenissen) · doelen {}",
            s.date,
            s.cores,
            s.cpu,
            s.load_before
                .map_or_else(|| "?".to_owned(), |l| format!("{l:.2}")),
            s.backend,
            s.cases,
            s.events,
            s.targets.join(", "),
        );
        let _ = writeln!(
            out,
            "{:<20} {:<30} {:>9} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}  t.o.v. plafond",
            "scenario", "stap", "ok", "fouten", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms",
        );
        for r in &self.rows {
            let x = &r.result;
            let ratio = match (r.ceiling, r.ratio) {
                (Ceiling::Itself, _) => "plafond".to_owned(),
                (Ceiling::Hello, Some(q)) => format!("{:.1} % van hello", q * 100.0),
                (Ceiling::Commit, Some(q)) => format!("{:.1} % van commit", q * 100.0),
                _ => "—".to_owned(),
            };
            let _ = writeln!(
                out,
                "{:<20} {:<30} {:>9} {:>7} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>8.1}  {}",
                r.scenario,
                r.step,
                x.ok,
                x.errors,
                x.per_second,
                x.p50_ms,
                x.p95_ms,
                x.p99_ms,
                x.max_ms,
                ratio
            );
            if !x.errors_by_kind.is_empty() {
                let kinds: Vec<String> = x
                    .errors_by_kind
                    .iter()
                    .map(|(k, n)| format!("{k}: {n}"))
                    .collect();
                let _ = writeln!(out, "{:<20} {:<30} fouten: {}", "", "", kinds.join(", "));
            }
        }
        if !self.pages.is_empty() {
            out.push_str(&self.pages_table());
        }
        for run in &self.runs {
            for (pid, m) in &run.memory {
                let _ = writeln!(
                    out,
                    "geheugen server {pid} tijdens {}: hoogste RSS {:.1} MB",
                    run.scenario,
                    m.rss_kib as f64 / 1024.0
                );
            }
        }
        for (pid, m) in &self.memory_end {
            let _ = writeln!(
                out,
                "geheugen server {pid} aan het eind: RSS {:.1} MB, piek (VmHWM) {:.1} MB",
                m.rss_kib as f64 / 1024.0,
                m.hwm_kib as f64 / 1024.0
            );
        }
        out
    }
}

impl Report {
    /// The pages against their targets: p95 and weight (HTML plus assets, images left out),
    /// uncompressed and over the wire.
    pub fn pages_table(&self) -> String {
        let kb = |b: f64| b / 1000.0;
        let yes = |b: bool| if b { "ja" } else { "NEE" };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\npagina's — doelen: p95 < {P95_LIMIT_MS} ms; gewicht zonder afbeeldingen < {} KB (HTML grootst + assets; KB = 1000 bytes)",
            WEIGHT_LIMIT / 1000
        );
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>5} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6}",
            "pagina",
            "p95 ms",
            "<50",
            "HTML gem",
            "HTML max",
            "gzip gem",
            "gzip max",
            "gewicht",
            "gw gzip",
            "<200",
            "gzip"
        );
        for p in &self.pages {
            let _ = writeln!(
                out,
                "{:<20} {:>8.2} {:>5} {:>8.1}K {:>8.1}K {:>8.1}K {:>8.1}K {:>8.1}K {:>8.1}K {:>6} {:>6}",
                p.scenario,
                p.p95_ms,
                yes(p.p95_met),
                kb(p.html_mean_bytes),
                kb(p.html_max_bytes as f64),
                kb(p.html_mean_wire_bytes),
                kb(p.html_max_wire_bytes as f64),
                kb(p.weight_bytes as f64),
                kb(p.weight_wire_bytes as f64),
                yes(p.weight_met),
                yes(p.weight_wire_met),
            );
            if let Some(problem) = &p.weight_problem {
                let _ = writeln!(out, "{:<20} wegen: {problem}", "");
            }
        }
        let all = |f: fn(&PageSummary) -> bool| yes(self.pages.iter().all(f));
        let _ = writeln!(
            out,
            "alle pagina's: p95 < {P95_LIMIT_MS} ms {}; < {} KB ongecomprimeerd {}, met gzip {}",
            all(|p| p.p95_met),
            WEIGHT_LIMIT / 1000,
            all(|p| p.weight_met),
            all(|p| p.weight_wire_met),
        );
        out
    }
}

/// The processor's model name from `/proc/cpuinfo`, if there is one.
pub fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|r| r.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        })
        .unwrap_or_else(|| "onbekend".to_owned())
}

/// The 1-minute load average from `/proc/loadavg`.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
