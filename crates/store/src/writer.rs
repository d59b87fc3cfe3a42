//! Group commit: one writer takes the appends that arrive together and stores them in one
//! transaction, so many commands share one durable commit (one disk flush) instead of each
//! paying for its own. Each append still lands all or none, and a conflict on one case does
//! not hold up the others. A caller is answered only after the commit.
//!
//! On PostgreSQL the writer runs on a thread of its own, with a runtime and connections of
//! its own: on the server's shared runtime each answer from the database waited for a worker
//! behind the requests queued there (a batch of 16 commands took 9 ms, of which the commit
//! 0.4 ms, with a third of the machine idle). Its batches go pipelined
//! ([`crate::pipeline`]), and the long way when a statement fails.

use std::sync::Arc;

use ave_engine::ids::CaseId;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use tokio::sync::{mpsc, oneshot};

use crate::db::Db;
use crate::pipeline::Pipeline;
use crate::row_cache::RowCache;
use crate::{Append, Appended, Backend, Result, Store, StoreError};

type Job = (Append, oneshot::Sender<Result<Appended>>);

/// The single writer of a store.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    tx: mpsc::Sender<Job>,
    metrics: WriterMetrics,
}

/// What the writer does, for the server's metrics: how many appends each of its
/// transactions takes and how long each takes, from its start to its durable commit. A
/// command waits for the transaction before its own and for its own, so a slow transaction
/// (a flush to disk held up by others) shows here before it shows in the commands' times.
#[derive(Debug, Clone)]
pub struct WriterMetrics {
    appends: Histogram,
    seconds: Histogram,
}

impl WriterMetrics {
    fn new() -> WriterMetrics {
        WriterMetrics {
            // 1, 2, 4, … 256 appends (the most one transaction takes, [`MAX_BATCH`]).
            appends: Histogram::new(exponential_buckets(1.0, 2.0, 9)),
            // 0.25 ms … about 4 s.
            seconds: Histogram::new(exponential_buckets(0.000_25, 2.0, 15)),
        }
    }

    /// How many appends each transaction took.
    pub fn appends(&self) -> &Histogram {
        &self.appends
    }

    /// How long each transaction took, in seconds, up to its durable commit.
    pub fn seconds(&self) -> &Histogram {
        &self.seconds
    }

    fn observe(&self, appends: usize, seconds: f64) {
        self.appends.observe(appends as f64);
        self.seconds.observe(seconds);
    }
}

/// The most appends one transaction takes.
const MAX_BATCH: usize = 256;

impl GroupCommit {
    /// Starts the writer: on SQLite a task on the current Tokio runtime (its batches run on
    /// the database's own writing thread, see `direct.rs`); on PostgreSQL a thread of its own
    /// with a connection of its own.
    pub fn start(store: Store) -> GroupCommit {
        let (tx, rx) = mpsc::channel::<Job>(4096);
        let metrics = WriterMetrics::new();
        let recorded = metrics.clone();
        let db = store.writer.clone();
        let rows = store.rows.as_ref().map(|(cache, _)| cache.clone());
        let pipeline = store
            .pipeline
            .as_ref()
            .map(|(config, closing)| Pipeline::new(config.clone(), closing.subscribe()));
        match db.backend() {
            Backend::Sqlite => {
                tokio::spawn(run(db, rx, rows, None, recorded));
            }
            Backend::Postgres => {
                let spawned = std::thread::Builder::new()
                    .name("ave-schrijver".to_owned())
                    .spawn(move || {
                        match tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                        {
                            Ok(rt) => rt.block_on(run(db, rx, rows, pipeline, recorded)),
                            // The receiver is dropped with it: every append is answered
                            // "unavailable", none is left unanswered.
                            Err(e) => tracing::error!(fout = %e, "schrijver niet gestart"),
                        }
                    });
                if let Err(e) = spawned {
                    tracing::error!(fout = %e, "schrijver niet gestart");
                }
            }
        }
        GroupCommit { tx, metrics }
    }

    /// What the writer does: its transactions' sizes and times.
    pub fn metrics(&self) -> &WriterMetrics {
        &self.metrics
    }

    /// Stores one command's events; returns when they are durably committed.
    pub async fn append(&self, append: Append) -> Result<Appended> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((append, reply))
            .await
            .map_err(|_| StoreError::unavailable("de schrijver is gestopt", ""))?;
        answer
            .await
            .map_err(|_| StoreError::unavailable("de schrijver is gestopt", ""))?
    }
}

/// The writer's loop: takes what is waiting, up to [`MAX_BATCH`], as one transaction; ends
/// when every sender is gone. The kept rows of the batch's cases, if rows are kept, are
/// forgotten before any of its commands is answered ([`append_batch`]). On PostgreSQL the
/// batches go through `pipeline` when there is one. Each batch's size and time go to
/// `metrics`.
// The edge of the store: the writer reads the monotonic clock to time its transactions.
#[allow(clippy::disallowed_methods)]
async fn run(
    db: Db,
    mut rx: mpsc::Receiver<Job>,
    rows: Option<Arc<RowCache>>,
    mut pipeline: Option<Pipeline>,
    metrics: WriterMetrics,
) {
    let mut jobs: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        jobs.push(first);
        // Everything that is already waiting joins this transaction.
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (batch, replies): (Vec<Append>, Vec<_>) = jobs.drain(..).unzip();
        let size = batch.len();
        let started = std::time::Instant::now();
        let results = match pipeline.as_mut() {
            Some(pipeline) => pipelined(&db, rows.as_deref(), pipeline, batch).await,
            None => append_batch(&db, rows.as_deref(), batch).await,
        };
        metrics.observe(size, started.elapsed().as_secs_f64());
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
    }
}

/// Stores `batch` through `pipeline` (PostgreSQL), or through `db` when the pipeline leaves
/// it to the long way; forgets the kept rows of its cases as [`append_batch`] does.
pub(crate) async fn pipelined(
    db: &Db,
    rows: Option<&RowCache>,
    pipeline: &mut Pipeline,
    batch: Vec<Append>,
) -> Vec<Result<Appended>> {
    let results = match pipeline.append(&batch).await {
        Ok(Some(results)) => results,
        Ok(None) => return append_batch(db, rows, batch).await,
        // The transaction failed (the database went away): as `Db::append_batch` answers.
        Err(e) => (0..batch.len())
            .map(|_| {
                Err(StoreError::unavailable(
                    "niets geschreven: de transactie is mislukt",
                    e.detail().unwrap_or_default(),
                ))
            })
            .collect(),
    };
    if let Some(rows) = rows {
        rows.forget(batch.iter().map(|a| a.case.as_str()));
    }
    results
}

/// Stores `batch` in one transaction through `db` and, when rows are kept, forgets the kept
/// rows of its cases before returning — also after a failure, since the commit may have
/// landed before its answer was lost. Every append of the store goes through here.
pub(crate) async fn append_batch(
    db: &Db,
    rows: Option<&RowCache>,
    batch: Vec<Append>,
) -> Vec<Result<Appended>> {
    let cases: Vec<CaseId> = match rows {
        Some(_) => batch.iter().map(|a| a.case.clone()).collect(),
        None => Vec::new(),
    };
    let results = db.append_batch(batch).await;
    if let Some(rows) = rows {
        rows.forget(cases.iter().map(CaseId::as_str));
    }
    results
}
