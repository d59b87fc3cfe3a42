//! What a command needs in memory: the model versions cases run under, and a bounded cache of
//! live cases, so that commanding a case never replays its whole history.
//!
//! The cache is never trusted on its own: a case is taken from it with its row as the access
//! check has just read it from the store, and when the row's version is ahead of the cached
//! state the events stored after it are read and applied (usually the versions agree and
//! nothing more is read). So a second `ave serve` process writing the same database cannot
//! leave this one with a stale case, and a write that lands between the row's read and the
//! command's commit is still caught by the store's expected-version check.
//! A case is taken out of the cache while a command works on it and put back only after its
//! events are committed; a refused or conflicting command leaves nothing half-applied behind.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, RwLock};

use ave_engine::Case;
use ave_engine::ids::CaseId;
use ave_model::ValidModel;
use ave_store::{CaseRow, ModelRecord, Store};

use crate::problem::Problem;

/// How many cases the cache holds by default. A replayed case of an ordinary history takes a
/// few tens of kilobytes: at 2,048 the cache filled during the benchmark's command scenarios
/// took the server to 202 MB, over the 200 MB budget; at 1,024 it peaked at 177 MB (4
/// December, `BENCHMARKS.md`). The cases being worked on at one moment are far fewer.
pub const DEFAULT_CAPACITY: usize = 1024;

/// A case ready for a command: its state, its gemeente and the model it runs under.
#[derive(Debug, Clone)]
pub struct Live {
    /// The state after every stored event.
    pub case: Case,
    /// The gemeente (from the read model).
    pub gemeente: Option<String>,
    /// The model version the case runs under.
    pub model: Arc<ValidModel>,
}

/// Model versions, parsed once. A stored version never changes (the store refuses other
/// content under the same id and version), so caching them is safe across processes.
#[derive(Debug, Default)]
pub struct Models {
    parsed: RwLock<HashMap<(String, String), Arc<ValidModel>>>,
    /// The stored versions, as last listed, and when.
    listed: RwLock<Option<Listed>>,
}

/// The stored (id, version) pairs, and when they were listed.
type Listed = (std::time::Instant, Vec<(String, String)>);

/// How long the list of stored model versions is kept (a version published on another
/// server is seen within this time by lists; commands always ask the store).
pub const VERSIONS_TTL: std::time::Duration = std::time::Duration::from_secs(30);

impl Models {
    /// Every stored model version, parsed (the list of versions is kept for
    /// [`VERSIONS_TTL`]).
    #[allow(clippy::disallowed_methods)] // the edge: the cache's clock
    pub async fn all(&self, store: &Store) -> Result<Vec<Arc<ValidModel>>, Problem> {
        let cached = self.listed.read().ok().and_then(|l| {
            l.as_ref()
                .filter(|(at, _)| at.elapsed() < VERSIONS_TTL)
                .map(|(_, v)| v.clone())
        });
        let versions = match cached {
            Some(v) => v,
            None => {
                let v = store.model_versions().await?;
                if let Ok(mut l) = self.listed.write() {
                    *l = Some((std::time::Instant::now(), v.clone()));
                }
                v
            }
        };
        let mut out = Vec::with_capacity(versions.len());
        for (id, version) in versions {
            out.push(self.get(store, &id, &version).await?);
        }
        Ok(out)
    }

    /// The model `id` at `version`, parsed from the store on first use.
    pub async fn get(
        &self,
        store: &Store,
        id: &str,
        version: &str,
    ) -> Result<Arc<ValidModel>, Problem> {
        let key = (id.to_owned(), version.to_owned());
        if let Some(m) = self.parsed.read().ok().and_then(|p| p.get(&key).cloned()) {
            return Ok(m);
        }
        let record = store
            .models()
            .await?
            .into_iter()
            .find(|r| r.id == id && r.version == version)
            .ok_or_else(|| Problem::not_found(&format!("model {id} versie {version}")))?;
        self.parse(record)
    }

    /// The newest stored version of model `id` (the one new cases start under). One small
    /// query per call, so a version published meanwhile is seen; the text is read and parsed
    /// only the first time.
    pub async fn newest(&self, store: &Store, id: &str) -> Result<Arc<ValidModel>, Problem> {
        let version = store
            .newest_version(id)
            .await?
            .ok_or_else(|| Problem::not_found(&format!("model {id}")))?;
        self.get(store, id, &version).await
    }

    fn parse(&self, record: ModelRecord) -> Result<Arc<ValidModel>, Problem> {
        let file = format!("{}-{}.toml", record.id, record.version);
        let model = ave_model::check(
            &file,
            record.text.as_bytes(),
            &ave_model::presets::PresetLoader,
        )
        .into_valid()
        .map_err(|d| {
            tracing::error!(
                model = %record.id,
                version = %record.version,
                diagnostics = d.len(),
                "opgeslagen model is niet geldig"
            );
            Problem::internal("een opgeslagen model is niet (meer) geldig")
        })?;
        let model = Arc::new(model);
        if let Ok(mut p) = self.parsed.write() {
            p.insert((record.id, record.version), model.clone());
        }
        Ok(model)
    }
}

/// The bounded cache of live cases (least recently used goes first).
#[derive(Debug)]
pub struct LiveCases {
    cache: Mutex<lru::LruCache<CaseId, Live>>,
}

impl Default for LiveCases {
    fn default() -> Self {
        LiveCases::with_capacity(DEFAULT_CAPACITY)
    }
}

impl LiveCases {
    /// A cache holding at most `capacity` cases (at least one).
    pub fn with_capacity(capacity: usize) -> LiveCases {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        LiveCases {
            cache: Mutex::new(lru::LruCache::new(capacity)),
        }
    }

    /// How many cases are cached.
    pub fn len(&self) -> usize {
        self.cache.lock().map_or(0, |c| c.len())
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes the case of `row` (its row as just read from the store) out of the cache, or
    /// builds it from the store, brought up to date with every event up to the row's version.
    pub async fn take(
        &self,
        store: &Store,
        models: &Models,
        row: &CaseRow,
    ) -> Result<Live, Problem> {
        let id = &row.id;
        let cached = self.cache.lock().ok().and_then(|mut c| c.pop(id));
        let mut live = match cached {
            Some(live) => live,
            None => {
                let model = models.get(store, &row.model_id, &row.model_version).await?;
                let events = store.events(id, 0).await?;
                let case = Case::replay(&events).map_err(|e| replay_failed(id, &e))?;
                return Ok(Live {
                    case,
                    gemeente: row.gemeente.clone(),
                    model,
                });
            }
        };
        // Another server wrote the case since it was cached.
        if live.case.seq() < row.version {
            let newer = store.events(id, live.case.seq()).await?;
            for r in &newer {
                live.case.apply(r).map_err(|e| replay_failed(id, &e))?;
            }
        }
        // Another server may have moved the case to another model version.
        if live.case.model_version() != live.model.model().model.version {
            live.model = models
                .get(store, live.case.model().as_str(), live.case.model_version())
                .await?;
        }
        Ok(live)
    }

    /// A copy of the case of `row`, as [`LiveCases::take`] gives it, for reading (a page);
    /// the cache keeps it.
    pub async fn read(
        &self,
        store: &Store,
        models: &Models,
        row: &CaseRow,
    ) -> Result<Live, Problem> {
        let live = self.take(store, models, row).await?;
        self.put(live.clone());
        Ok(live)
    }

    /// Puts a case back after its events were committed (or after a refused command, which
    /// changed nothing).
    pub fn put(&self, live: Live) {
        if let Ok(mut c) = self.cache.lock() {
            c.put(live.case.id().clone(), live);
        }
    }
}

fn replay_failed(id: &CaseId, e: &ave_engine::ReplayError) -> Problem {
    tracing::error!(case = %id, error = %e, "opgeslagen geschiedenis niet toe te passen");
    Problem::internal("de opgeslagen geschiedenis van deze casus is niet toe te passen")
}
