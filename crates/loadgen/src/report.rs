//! The report of a run: one row per step of each scenario with its throughput, latencies,
//! errors and its ratio to the ceiling it is compared with — reads with the hello-world
//! ceiling, durable writes with the durable-commit ceiling — as a table for people and as
//! JSON for scripts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

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

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Where and how.
    pub setting: Setting,
    /// Each scenario.
    pub runs: Vec<ScenarioRun>,
    /// Every step with its ratio.
    pub rows: Vec<Row>,
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
        Report {
            setting,
            runs,
            rows,
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
            "{:<11} {:<26} {:>9} {:>7} {:>9} {:>8} {:>8} {:>8} {:>8}  t.o.v. plafond",
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
                "{:<11} {:<26} {:>9} {:>7} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>8.1}  {}",
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
                let _ = writeln!(out, "{:<11} {:<26} fouten: {}", "", "", kinds.join(", "));
            }
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
