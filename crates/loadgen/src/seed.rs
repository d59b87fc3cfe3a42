//! `ave-load seed`: a benchmark database made the way the demo region is made — every
//! history produced by the engine under one of three local models — only larger.

use std::time::Duration;

use ave_store::Store;
use serde::Serialize;

use crate::{LoadError, clock, wall_clock};

/// What a seed stored.
#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    /// Households asked for.
    pub households: usize,
    /// Extra ordinary commands per history.
    pub extra: u32,
    /// About how many households one professional works ([`ave_demo::build_staffed`]);
    /// `None`: one person per function, as in the demo.
    pub caseload: Option<usize>,
    /// Cases stored (a household the engine could not open is skipped).
    pub cases: usize,
    /// Events stored.
    pub events: usize,
    /// Events per case on average.
    pub events_per_case: f64,
    /// Commands the engine refused on the way (skipped).
    pub refused: usize,
    /// How long the seed took, in seconds.
    pub seconds: f64,
}

/// Migrates the database at `url` and builds `households` demo households into it, each
/// with `extra` more ordinary commands than the demo gives, worked by teams of people with
/// about `caseload` households each ([`ave_demo::build_staffed`]),
/// calling `progress(done, total)` as it goes. The store must be empty of demo cases (the ids would
/// collide): a database that already has cases is refused.
pub async fn seed(
    url: &str,
    households: usize,
    extra: u32,
    caseload: Option<usize>,
    progress: impl FnMut(usize, usize),
) -> Result<SeedReport, LoadError> {
    let store = Store::open(url).await?;
    store.migrate().await?;
    let today = wall_clock().format("%Y-%m-%d").to_string();
    let existing = store
        .list(&ave_store::CaseFilter::default(), &today, 0, 1)
        .await?;
    if existing.total > 0 {
        store.close().await;
        return Err(LoadError::Setup {
            scenario: "seed",
            reason: format!(
                "de database heeft al {} casussen; kies een nieuwe",
                existing.total
            ),
        });
    }
    let started = clock();
    let summary =
        ave_demo::build_staffed(&store, wall_clock(), households, extra, caseload, progress)
            .await?;
    let seconds = elapsed(started);
    store.close().await;
    Ok(SeedReport {
        households,
        extra,
        caseload,
        cases: summary.cases,
        events: summary.events,
        events_per_case: if summary.cases == 0 {
            0.0
        } else {
            summary.events as f64 / summary.cases as f64
        },
        refused: summary.refused,
        seconds: seconds.as_secs_f64(),
    })
}

fn elapsed(since: std::time::Instant) -> Duration {
    clock().saturating_duration_since(since)
}
