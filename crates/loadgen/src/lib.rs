//! The load generator of AVE-regie. It answers one question: how fast is the case service on
//! this machine, compared with what this machine can do at all?
//!
//! So every figure is measured next to two ceilings, by the same generator in the same run:
//! a bare hello-world endpoint on the same HTTP stack ([`hello`]: axum on the same Tokio
//! runtime flavour as `ave serve`), and a bare durable one-row commit on the same database
//! with the store's settings ([`db::CommitCeiling`]). A figure is then reported as a ratio to
//! its ceiling ([`report`]), which says more than a number of requests per second on a
//! machine nobody else has.
//!
//! The clients are closed-loop ([`runner`]): each of them sends a request, waits for the
//! answer, and sends the next, so the load follows the service's speed and the latencies are
//! those a user would see. Scenarios ([`scenario`]) are the reads and writes other case
//! systems are measured on: read a case, list a filtered page, a durable command, and the
//! workflow create → signal → role → read → list. The web pages are scenarios too
//! ([`pages`]), one per page, asked for with a session cookie ([`sessions`]) as a browser
//! asks, with their body sizes and their weight.
#![forbid(unsafe_code)]

pub mod db;
pub mod hello;
pub mod http;
pub mod pages;
pub mod plan;
pub mod report;
pub mod rss;
pub mod runner;
pub mod scenario;
pub mod seed;
pub mod sessions;
pub mod teams;
pub mod tokens;

use std::time::Instant;

/// What went wrong in the load generator (not in a measured request: those are counted).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The database could not be opened or read.
    #[error("database: {0}")]
    Database(String),
    /// The store refused or failed.
    #[error("opslag: {0}")]
    Store(#[from] ave_store::StoreError),
    /// Building the demo region failed.
    #[error("demo: {0}")]
    Demo(#[from] ave_demo::DemoError),
    /// A target URL is not one the generator can use.
    #[error("ongeldig doel {0:?} (verwacht http://host:poort)")]
    Target(String),
    /// The benchmark database has nothing to measure on.
    #[error("de database bevat {0}")]
    Empty(&'static str),
    /// Setting up a scenario failed before the measurement began.
    #[error("voorbereiding van {scenario}: {reason}")]
    Setup {
        /// The scenario.
        scenario: &'static str,
        /// Why.
        reason: String,
    },
    /// Reading or writing a file or socket failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for LoadError {
    fn from(e: sqlx::Error) -> Self {
        LoadError::Database(e.to_string())
    }
}

/// The monotonic clock: the load generator is an edge, and this is where it reads the time.
#[allow(clippy::disallowed_methods)]
pub fn clock() -> Instant {
    Instant::now()
}

/// The wall clock (for the demo's "now" and the date in a report).
#[allow(clippy::disallowed_methods)]
pub fn wall_clock() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
