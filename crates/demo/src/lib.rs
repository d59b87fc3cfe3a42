//! A fictitious demo region for `ave serve --demo`: three gemeenten, each on a different
//! local example model (`examples/modellen/*-voorbeeld`), with a person for every function
//! of its model and a few hundred households whose histories the engine produces.
//!
//! Nothing here is real: the gemeenten, the people (pseudonymous ids, fictitious work names)
//! and the households (members `lid-1`, `lid-2`, … with a role and whether they are minor;
//! never a name or a BSN). Every history is a sequence of commands given to
//! [`ave_engine::execute`] — open, assign roles, record signals, assess criteria, propose and
//! decide transitions, evaluate, close — so every stored history obeys its model. A command
//! the engine refuses is skipped and counted ([`Summary::refused`]).
//!
//! The build is deterministic: a fixed seed and the `now` passed in decide everything, so
//! building twice gives the same events.
//!
//! ```no_run
//! # async fn demo(
//! #     store: &ave_store::Store,
//! #     now: chrono::DateTime<chrono::Utc>,
//! # ) -> Result<(), ave_demo::DemoError> {
//! let summary = ave_demo::build(store, now, 300, |done, total| eprintln!("{done}/{total}")).await?;
//! eprintln!("{} casussen, {} geweigerde opdrachten", summary.cases, summary.refused);
//! # Ok(()) }
//! ```

mod rng;
mod sim;

use std::collections::BTreeMap;

use ave_engine::command::{Command, Open, Participant};
use ave_engine::ids::{CaseId, PersonId};
use ave_model::{FunctionId, OrganisationKind, ValidModel};
use ave_store::identity::{Membership, Organisation, Person as DirectoryPerson};
use ave_store::{Append, CaseRow, ModelRecord, Provenance, Store, StoreError};
use chrono::{DateTime, Utc};
use sha2::Digest;

use crate::rng::Rng;

/// The seed of the demo: the same region every time.
const SEED: u64 = 0x0A5E_2026_DE30;

/// How many cases are written per transaction.
const BATCH: usize = 50;

/// What went wrong while building the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A built-in example model does not load (a fault in the product, not the user's).
    #[error("voorbeeldmodel {model} is ongeldig: {message}")]
    Model {
        /// The example model.
        model: String,
        /// The first error found.
        message: String,
    },
    /// An id the demo makes is not a valid id (a fault in the demo).
    #[error("ongeldige id {0:?} in de demo")]
    Id(String),
    /// The store refused or failed.
    #[error("de demo kon niet worden opgeslagen: {0}")]
    Store(#[from] StoreError),
}

/// One example model as embedded in the binary.
struct Example {
    /// Fictitious gemeente name.
    gemeente: &'static str,
    /// Prefix of person and case ids.
    prefix: &'static str,
    /// File name for diagnostics.
    file: &'static str,
    /// The local model text.
    text: &'static str,
}

const EXAMPLES: [Example; 3] = [
    Example {
        gemeente: "Heidestad",
        prefix: "oss",
        file: "examples/modellen/oss-voorbeeld/model.toml",
        text: include_str!("../../../examples/modellen/oss-voorbeeld/model.toml"),
    },
    Example {
        gemeente: "Maasdal",
        prefix: "noord-limburg",
        file: "examples/modellen/noord-limburg-voorbeeld/model.toml",
        text: include_str!("../../../examples/modellen/noord-limburg-voorbeeld/model.toml"),
    },
    Example {
        gemeente: "Wolderland",
        prefix: "westerkwartier",
        file: "examples/modellen/westerkwartier-voorbeeld/model.toml",
        text: include_str!("../../../examples/modellen/westerkwartier-voorbeeld/model.toml"),
    },
];

/// Fictitious first names for the professionals' work names.
const NAMES: [&str; 24] = [
    "Anouk", "Bram", "Carmen", "Daan", "Esra", "Floor", "Gijs", "Hanna", "Imre", "Joost", "Kim",
    "Lotte", "Mehmet", "Noor", "Olaf", "Priya", "Quinten", "Roos", "Sven", "Tess", "Umut", "Vera",
    "Wout", "Yara",
];

/// The demo region: its gemeenten and who works in each.
#[derive(Debug, Clone)]
pub struct Region {
    /// The gemeenten, each on its own local model.
    pub gemeenten: Vec<Gemeente>,
}

/// A fictitious gemeente of the demo region.
#[derive(Debug, Clone)]
pub struct Gemeente {
    /// Its (fictitious) name; also the `gemeente` of its cases in the store.
    pub name: String,
    /// Prefix of its person and case ids (`oss-…`).
    pub prefix: String,
    /// The id of the local model it runs under.
    pub model_id: String,
    /// That model's version.
    pub model_version: String,
    /// One person for every function of the model (residents excepted); in a staffed build
    /// ([`build_staffed`]), a team of them for every function.
    pub people: Vec<Person>,
}

/// A professional or administrator of the demo (pseudonymous, with a fictitious work name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Pseudonymous id, e.g. `oss-medewerker-sociaal-team-1`.
    pub id: String,
    /// Fictitious work name, e.g. `Anouk (Medewerker Sociaal Team)`.
    pub name: String,
    /// The function the person holds in the gemeente's model.
    pub function: String,
    /// The organisation the person works for.
    pub organisation: String,
}

/// A gemeente's model, loaded and validated.
#[derive(Debug, Clone)]
pub struct DemoModel {
    /// The gemeente's name.
    pub gemeente: String,
    /// The local model text as embedded (it `extends` a preset).
    pub text: &'static str,
    /// The model with its base merged and validated.
    pub model: ValidModel,
}

/// What a build stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Cases stored.
    pub cases: usize,
    /// Events stored.
    pub events: usize,
    /// Closed cases.
    pub closed: usize,
    /// Cases per gemeente.
    pub per_gemeente: BTreeMap<String, usize>,
    /// Cases per gemeente and phase id.
    pub per_phase: BTreeMap<String, BTreeMap<String, usize>>,
    /// Cases per AVE level 1–4 (phases mapped to the level their id starts with: `2A` and
    /// `2B` are level 2, Westerkwartier's `0` counts as level 1).
    pub per_level: BTreeMap<u32, usize>,
    /// Commands the engine refused (each skipped; the history goes on without it).
    pub refused: usize,
    /// Refused commands per rejection code.
    pub refused_by_code: BTreeMap<String, usize>,
}

/// Loads the three example models (embedded; no files are read).
pub fn models() -> Result<Vec<DemoModel>, DemoError> {
    EXAMPLES
        .iter()
        .map(|e| {
            let model =
                ave_model::check(e.file, e.text.as_bytes(), &ave_model::presets::PresetLoader)
                    .into_valid()
                    .map_err(|d| DemoError::Model {
                        model: e.file.to_owned(),
                        message: d
                            .first()
                            .map_or_else(|| "onbekende fout".to_owned(), |d| d.message.clone()),
                    })?;
            Ok(DemoModel {
                gemeente: e.gemeente.to_owned(),
                text: e.text,
                model,
            })
        })
        .collect()
}

fn people_of(prefix: &str, gemeente: &str, model: &ValidModel) -> Vec<Person> {
    model
        .model()
        .functions
        .iter()
        .filter(|f| {
            !matches!(
                f.kind,
                OrganisationKind::Inwoner | OrganisationKind::Netwerk
            )
        })
        .enumerate()
        .map(|(i, f)| Person {
            id: format!("{prefix}-{}-1", f.id),
            name: format!("{} ({})", NAMES[i % NAMES.len()], f.name),
            function: f.id.as_str().to_owned(),
            organisation: f
                .organisation
                .clone()
                .unwrap_or_else(|| format!("Gemeente {gemeente}")),
        })
        .collect()
}

/// `team` people for every function: team after team, each in the order of `people`
/// (`…-1` is `people` itself).
fn staff(people: &[Person], team: usize) -> Vec<Person> {
    (1..=team)
        .flat_map(|n| {
            people.iter().map(move |p| {
                if n == 1 {
                    return p.clone();
                }
                let base = p.id.strip_suffix("-1").unwrap_or(&p.id);
                let (first, rest) = p.name.split_once(' ').unwrap_or((p.name.as_str(), ""));
                Person {
                    id: format!("{base}-{n}"),
                    name: format!("{first} {n} {rest}"),
                    ..p.clone()
                }
            })
        })
        .collect()
}

fn gemeente_of(e: &Example, model: &ValidModel) -> Gemeente {
    Gemeente {
        name: e.gemeente.to_owned(),
        prefix: e.prefix.to_owned(),
        model_id: model.model().model.id.as_str().to_owned(),
        model_version: model.model().model.version.clone(),
        people: people_of(e.prefix, e.gemeente, model),
    }
}

/// The demo region: the gemeenten with their models and people (for showing who's who).
pub fn region() -> Result<Region, DemoError> {
    let models = models()?;
    Ok(Region {
        gemeenten: EXAMPLES
            .iter()
            .zip(&models)
            .map(|(e, m)| gemeente_of(e, &m.model))
            .collect(),
    })
}

fn participants(people: &[Person]) -> Result<Vec<Participant>, DemoError> {
    people
        .iter()
        .map(|p| {
            Ok(Participant {
                person: PersonId::parse(p.id.as_str()).map_err(|_| DemoError::Id(p.id.clone()))?,
                name: p.name.clone(),
                function: FunctionId::parse(p.function.as_str())
                    .map_err(|_| DemoError::Id(p.function.clone()))?,
                organisation: p.organisation.clone(),
            })
        })
        .collect()
}

/// The AVE level (1–4) of a phase: the digit its id starts with (`0` counts as 1); else its
/// rank in the model's order.
pub fn level(model: &ValidModel, phase: &str) -> u32 {
    match phase.chars().next().and_then(|c| c.to_digit(10)) {
        Some(d) => d.clamp(1, 4),
        None => {
            let rank = model
                .phases_in_order()
                .iter()
                .position(|p| p.id.as_str() == phase)
                .unwrap_or(0);
            u32::try_from(rank + 1).unwrap_or(4).min(4)
        }
    }
}

/// The levels of `n` households, 80-15-5-0.5 percent by largest remainder, shuffled.
fn levels(n: usize, rng: &mut Rng) -> Vec<u32> {
    const SHARES: [(u32, f64); 4] = [(1, 79.5), (2, 15.0), (3, 5.0), (4, 0.5)];
    let exact: Vec<f64> = SHARES.iter().map(|(_, s)| s / 100.0 * n as f64).collect();
    let mut counts: Vec<usize> = exact.iter().map(|x| x.floor() as usize).collect();
    let mut left = n.saturating_sub(counts.iter().sum());
    let mut order: Vec<usize> = (0..SHARES.len()).collect();
    order.sort_by(|a, b| {
        let (ra, rb) = (exact[*a] - exact[*a].floor(), exact[*b] - exact[*b].floor());
        rb.total_cmp(&ra).then(a.cmp(b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    let mut out = Vec::with_capacity(n);
    for ((level, _), count) in SHARES.iter().zip(counts) {
        out.extend(std::iter::repeat_n(*level, count));
    }
    rng.shuffle(&mut out);
    out
}

/// Builds the demo region into `store` (which must be migrated): stores the three models
/// and `households` cases spread over the gemeenten, with histories over the 18 months
/// before `now`. Calls `progress(done, total)` after each batch of cases. The same `now`
/// and `households` give the same events every time.
pub async fn build(
    store: &Store,
    now: DateTime<Utc>,
    households: usize,
    progress: impl FnMut(usize, usize),
) -> Result<Summary, DemoError> {
    build_with(store, now, households, 0, progress).await
}

/// [`build`] with `extra` more ordinary commands in every history (signals, and an
/// evaluation after every third), for a benchmark database whose case files are longer than
/// the demo's (the demo makes about 9 events per case; each extra command adds one). The
/// same arguments give the same events every time.
pub async fn build_with(
    store: &Store,
    now: DateTime<Utc>,
    households: usize,
    extra: u32,
    progress: impl FnMut(usize, usize),
) -> Result<Summary, DemoError> {
    build_staffed(store, now, households, extra, None, progress).await
}

/// [`build_with`] with the people a region of that size has: with a `caseload`, every
/// function of a gemeente is held by as many people as its households need at about
/// `caseload` households each (`…-1`, `…-2`, …), and each household is worked by one team
/// of them, so that a professional is involved in about `caseload` cases — as in practice,
/// and unlike the demo, where one person of each function works every household of the
/// gemeente. Every team member is put in the directory. Without a caseload it is
/// [`build_with`]. The same arguments give the same events every time.
pub async fn build_staffed(
    store: &Store,
    now: DateTime<Utc>,
    households: usize,
    extra: u32,
    caseload: Option<usize>,
    mut progress: impl FnMut(usize, usize),
) -> Result<Summary, DemoError> {
    let models = models()?;
    let mut rng = Rng::new(SEED);
    let mut summary = Summary::default();
    let mut gemeenten = Vec::new();
    for (e, m) in EXAMPLES.iter().zip(&models) {
        let info = m.model.model();
        store
            .put_model(&ModelRecord {
                id: info.model.id.as_str().to_owned(),
                version: info.model.version.clone(),
                text: e.text.to_owned(),
                sha256: hex::encode(sha2::Sha256::digest(e.text.as_bytes())),
                stored_at: now - chrono::Duration::days(sim::HISTORY_DAYS + 30),
            })
            .await?;
        let mut g = gemeente_of(e, &m.model);
        let team = caseload.map_or(1, |c| {
            households
                .div_ceil(EXAMPLES.len())
                .div_ceil(c.max(1))
                .max(1)
        });
        g.people = staff(&g.people, team);
        let functions = g.people.len() / team;
        let teams = g
            .people
            .chunks(functions.max(1))
            .map(participants)
            .collect::<Result<Vec<_>, _>>()?;
        gemeenten.push((g, teams));
    }
    let region = Region {
        gemeenten: gemeenten.iter().map(|(g, _)| g.clone()).collect(),
    };
    directory(store, &region).await?;

    let levels = levels(households, &mut rng);
    let mut numbers = vec![0usize; gemeenten.len()];
    let mut batch = Vec::with_capacity(BATCH);
    for (i, target) in levels.into_iter().enumerate() {
        let k = i % gemeenten.len();
        let (g, teams) = &gemeenten[k];
        let people = if teams.len() > 1 {
            &teams[rng.index(teams.len())]
        } else {
            &teams[0]
        };
        let model = &models[k].model;
        numbers[k] += 1;
        let raw = format!("{}-gezin-{:04}", g.prefix, numbers[k]);
        let id = CaseId::parse(raw.as_str()).map_err(|_| DemoError::Id(raw.clone()))?;
        let out = sim::household(model, people, &id, target, extra, now, &mut rng);
        summary.refused += out.refused.len();
        for code in out.refused {
            *summary.refused_by_code.entry(code).or_default() += 1;
        }
        let Some(case) = out.case else { continue };
        let phase = case.phase().as_str().to_owned();
        summary.cases += 1;
        summary.events += out.events.len();
        summary.closed += usize::from(case.closed().is_some());
        *summary.per_gemeente.entry(g.name.clone()).or_default() += 1;
        *summary
            .per_phase
            .entry(g.name.clone())
            .or_default()
            .entry(phase.clone())
            .or_default() += 1;
        *summary.per_level.entry(level(model, &phase)).or_default() += 1;
        let provenance = out
            .events
            .iter()
            .map(|e| Provenance {
                organisation: case
                    .participant(&e.by)
                    .map(|p| organisation_id(&p.organisation)),
                grondslag: None,
            })
            .collect();
        batch.push(Append {
            case: id,
            expected: 0,
            provenance,
            notify: Vec::new(),
            audit: None,
            events: out.events,
            row: CaseRow::of(model, &case, Some(&g.name)),
        });
        if batch.len() == BATCH {
            write(store, &mut batch).await?;
            progress(i + 1, households);
        }
    }
    write(store, &mut batch).await?;
    progress(households, households);
    Ok(summary)
}

/// The id of an organisation of the demo: its name in lowercase, words joined by `-`.
pub fn organisation_id(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// The demo region's administrator and privacy officer (functionaris gegevensbescherming):
/// id, work name, whether administrator (else privacy officer).
pub const DEMO_STAFF: &[(&str, &str, bool)] = &[
    ("regio-beheerder-1", "Bram (beheerder)", true),
    (
        "regio-fg-1",
        "Fatima (functionaris gegevensbescherming)",
        false,
    ),
];

/// Puts the region's organisations and people into the store's directory: each person with
/// their function for their organisation in their gemeente (again is fine).
pub async fn directory(store: &Store, region: &Region) -> Result<(), DemoError> {
    let mut organisations = BTreeMap::new();
    for p in region.gemeenten.iter().flat_map(|g| &g.people) {
        organisations.insert(organisation_id(&p.organisation), p.organisation.clone());
    }
    for (id, name) in organisations {
        store
            .put_organisation(&Organisation { id, name }, None)
            .await?;
    }
    // The region's administrator and privacy officer: no function, no case in sight.
    for (id, name, admin) in DEMO_STAFF {
        store
            .put_person(
                &DirectoryPerson {
                    id: (*id).to_owned(),
                    name: (*name).to_owned(),
                    admin: *admin,
                    privacy: !*admin,
                    active: true,
                    memberships: Vec::new(),
                },
                Default::default(),
            )
            .await?;
    }
    for g in &region.gemeenten {
        for p in &g.people {
            store
                .put_person(
                    &DirectoryPerson {
                        id: p.id.clone(),
                        name: p.name.clone(),
                        admin: false,
                        privacy: false,
                        active: true,
                        memberships: vec![Membership {
                            organisation: organisation_id(&p.organisation),
                            gemeente: Some(g.name.clone()),
                            function: p.function.clone(),
                        }],
                    },
                    Default::default(),
                )
                .await?;
        }
    }
    Ok(())
}

/// A fictitious case as the commands that make it: who opens it and how, then every later
/// command with who gives it — each accepted by the engine in this order, so a client can
/// give them to the service (the load generator does) and expect them to be accepted.
#[derive(Debug, Clone)]
pub struct Script {
    /// The gemeente.
    pub gemeente: String,
    /// The model the case runs under.
    pub model_id: String,
    /// Who opens the case.
    pub opener: PersonId,
    /// The opening (its case id is the demo's; a service gives its own).
    pub open: Open,
    /// Every later command, with who gives it.
    pub steps: Vec<(PersonId, Command)>,
}

/// The script of a household of gemeente `gemeente` (index into [`region`]) that reaches AVE
/// level `target` through at least one decided transition, opened without facts (so the
/// opening needs only what a form gives: phase, reason, household, participants). Built by
/// the engine at `now`; deterministic. `None` when no household of the first hundred tries
/// fits.
pub fn script(
    gemeente: usize,
    target: u32,
    now: DateTime<Utc>,
) -> Result<Option<Script>, DemoError> {
    let models = models()?;
    let (Some(e), Some(m)) = (EXAMPLES.get(gemeente), models.get(gemeente)) else {
        return Ok(None);
    };
    let g = gemeente_of(e, &m.model);
    let people = participants(&g.people)?;
    let raw = format!("{}-script", g.prefix);
    let id = CaseId::parse(raw.as_str()).map_err(|_| DemoError::Id(raw.clone()))?;
    let mut rng = Rng::new(SEED ^ 0x5C_21_97);
    for _ in 0..100 {
        let out = sim::household(&m.model, &people, &id, target, 0, now, &mut rng);
        let Some(case) = &out.case else { continue };
        let decided = out
            .commands
            .iter()
            .any(|(_, c)| matches!(c, Command::Decide(d) if d.approve));
        if level(&m.model, case.phase().as_str()) != target || !decided {
            continue;
        }
        let mut commands = out.commands.into_iter();
        let Some((opener, Command::Open(open))) = commands.next() else {
            continue;
        };
        if !open.facts.is_empty() {
            continue;
        }
        return Ok(Some(Script {
            gemeente: g.name.clone(),
            model_id: g.model_id.clone(),
            opener,
            open,
            steps: commands.collect(),
        }));
    }
    Ok(None)
}

async fn write(store: &Store, batch: &mut Vec<Append>) -> Result<(), DemoError> {
    if batch.is_empty() {
        return Ok(());
    }
    for r in store.append_batch(batch).await {
        r?;
    }
    batch.clear();
    Ok(())
}
