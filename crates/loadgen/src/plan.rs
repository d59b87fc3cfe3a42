//! A whole run: the ceilings first, then the service's scenarios, then the web pages (one
//! scenario per page, [`crate::pages`]), each with the same number of clients for the same
//! time, with the server's memory sampled throughout.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::db::{CommitCeiling, Fixture, Pool};
use crate::http::Target;
use crate::report::{self, Report, ScenarioRun, Setting};
use crate::rss::{self, Sampler};
use crate::runner::{self, Load};
use crate::scenario::{PAGE, Scenario};
use crate::teams::Teams;
use crate::{LoadError, wall_clock};

/// Every scenario of the API and the ceilings, in the order a run takes them; the page
/// scenarios ([`crate::pages::PAGES`], or all default ones as `pages`) come after them.
pub const SCENARIOS: [&str; 6] = ["hello", "commit", "read", "list", "transition", "workflow"];

/// Whether `name` is a scenario a run knows (an API one, a page, or `pages`).
pub fn known(name: &str) -> bool {
    SCENARIOS.contains(&name) || crate::pages::is_page(name)
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The services (`http://127.0.0.1:8080`), clients spread over them round-robin.
    pub targets: Vec<String>,
    /// The hello-world endpoint, for the `hello` ceiling.
    pub hello: Option<String>,
    /// The benchmark database (`sqlite://…` or `postgres://…`).
    pub database: String,
    /// The scenarios, by name ([`SCENARIOS`]).
    pub scenarios: Vec<String>,
    /// Clients, warm-up and duration of each scenario.
    pub load: Load,
    /// Connections of the durable-commit ceiling (default: what the store uses).
    pub commit_connections: Option<u32>,
    /// Server processes whose memory is sampled.
    pub server_pids: Vec<u32>,
    /// Ask for pages with `Accept-Encoding: gzip`, as a browser does.
    pub page_gzip: bool,
    /// Called before each scenario with its name.
    pub announce: fn(&str),
}

/// The scripts of the write scenarios: one per gemeente of the demo region, naming its team 1
/// ([`Teams`] makes one for every team the database has).
fn scripts() -> Result<Vec<ave_demo::Script>, LoadError> {
    let now = wall_clock();
    let mut out = Vec::new();
    for g in 0..ave_demo::region()?.gemeenten.len() {
        if let Some(s) = ave_demo::script(g, 2, now)? {
            out.push(s);
        }
    }
    if out.is_empty() {
        return Err(LoadError::Setup {
            scenario: "transition",
            reason: "de demo gaf geen geschikte casus".to_owned(),
        });
    }
    Ok(out)
}

/// The write scenarios' scripts for every team ([`Teams`]): made the first time a scenario
/// asks, then shared by the next (a copy shares the scripts).
fn once(teams: &mut Option<Teams>, tokens: &crate::tokens::Tokens) -> Result<Teams, LoadError> {
    if let Some(made) = teams {
        return Ok(made.clone());
    }
    let made = Teams::new(scripts()?, tokens)?;
    *teams = Some(made.clone());
    Ok(made)
}

/// Runs the scenarios of `options` and reports them.
pub async fn run(options: &Options) -> Result<Report, LoadError> {
    let load_before = report::load_average();
    let began = wall_clock();
    let pool = Pool::open(&options.database, 2).await?;
    let backend = pool.backend().to_owned();
    let fixture = Arc::new(Fixture::load(&pool, PAGE).await?);
    pool.close().await;
    let connections = options.load.clients.max(1);
    let tokens = Arc::new(crate::tokens::issue(&options.database).await?);
    let pages = crate::pages::chosen(&options.scenarios);
    let sessions = if pages.is_empty() {
        Arc::default()
    } else {
        Arc::new(crate::sessions::issue(&options.database).await?)
    };
    let targets = options
        .targets
        .iter()
        .map(|t| {
            Target::new(t, connections).map(|t| {
                t.with_tokens(tokens.clone())
                    .with_sessions(sessions.clone())
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let commit_connections = options
        .commit_connections
        .unwrap_or_else(|| Pool::store_connections(&options.database));
    let cases = Arc::new(fixture.cases.clone());
    let (sampler, sampling) =
        Sampler::start(options.server_pids.clone(), Duration::from_millis(100));
    let mut teams = None;
    let mut runs = Vec::new();
    for name in SCENARIOS {
        if !options.scenarios.iter().any(|s| s == name) {
            continue;
        }
        let needs_targets = !matches!(name, "hello" | "commit");
        if needs_targets && targets.is_empty() {
            return Err(LoadError::Setup {
                scenario: "run",
                reason: format!("{name} heeft --target nodig"),
            });
        }
        let mut ceiling = None;
        let scenario = match name {
            "hello" => {
                let Some(url) = &options.hello else {
                    return Err(LoadError::Setup {
                        scenario: "hello",
                        reason: "--hello ontbreekt (het adres van ave-load hello)".to_owned(),
                    });
                };
                Scenario::Hello {
                    target: Target::new(url, connections)?,
                }
            }
            "commit" => {
                let c = CommitCeiling::open(&options.database, commit_connections).await?;
                ceiling = Some(c.clone());
                Scenario::Commit { ceiling: c }
            }
            "read" => Scenario::Read {
                targets: targets.clone(),
                cases: cases.clone(),
            },
            "list" => Scenario::List {
                targets: targets.clone(),
                filters: fixture.filters.clone(),
            },
            "transition" => Scenario::Transition {
                targets: targets.clone(),
                teams: once(&mut teams, &tokens)?,
            },
            _ => Scenario::Workflow {
                targets: targets.clone(),
                teams: once(&mut teams, &tokens)?,
            },
        };
        (options.announce)(name);
        sampler.reset();
        let measured = runner::run(Arc::new(scenario), options.load).await;
        if let Some(c) = ceiling {
            c.finish().await?;
        }
        runs.push(ScenarioRun {
            scenario: name.to_owned(),
            measured,
            memory: sampler.peak(),
            weight: None,
        });
    }
    for page in pages {
        let Some(first) = targets.first() else {
            return Err(LoadError::Setup {
                scenario: page.scenario,
                reason: format!("{} heeft --target nodig", page.scenario),
            });
        };
        (options.announce)(page.scenario);
        sampler.reset();
        let scenario = Scenario::Page {
            targets: targets.clone(),
            page,
            fixture: fixture.clone(),
            gzip: options.page_gzip,
        };
        let measured = runner::run(Arc::new(scenario), options.load).await;
        let memory = sampler.peak();
        let weight = crate::pages::weigh(first, page, &fixture).await;
        runs.push(ScenarioRun {
            scenario: page.scenario.to_owned(),
            measured,
            memory,
            weight: Some(weight),
        });
    }
    sampling.abort();
    let memory_end: BTreeMap<u32, rss::Memory> = options
        .server_pids
        .iter()
        .filter_map(|pid| rss::read(*pid).map(|m| (*pid, m)))
        .collect();
    let setting = Setting {
        date: began.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        cpu: report::cpu_name(),
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        load_before,
        targets: options.targets.clone(),
        hello: options.hello.clone(),
        backend,
        cases: fixture.cases.len(),
        events: fixture.events,
        commit_connections,
    };
    Ok(Report::new(setting, runs, memory_end))
}
