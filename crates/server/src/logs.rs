//! One background writer for both logs: the security audit log ([`ave_store::audit`]) and the
//! processing log ([`ave_store::processing`]). A request hands its entries over without
//! waiting (a bounded queue); one task takes what arrives together — what came within
//! [`LINGER`] of the first, up to [`BATCH`] entries — and writes it in one transaction. So a busy
//! server pays one commit for many requests, and a request never waits for the disk.
//!
//! Fail closed: when the queue is full, [`Logs::audit`] and [`Logs::processing`] say so at
//! once and the request answers 503 — personal data that cannot be logged is not served.
//! A batch that cannot be committed is retried with backoff, never dropped, and meanwhile
//! [`Logs::healthy`] is false, so `/health/ready` answers 503 and a load balancer stops
//! sending requests. [`Logs::flush`] waits until everything enqueued so far is committed (for
//! tests and for a graceful shutdown).
//!
//! The audit entry of a change is not enqueued: it is committed with the change, in the case
//! store's outbox, and every transaction of this writer moves what the outbox holds into the
//! audit log ([`ave_store::Store::log_append`]). A change asks for that at once
//! ([`Logs::nudge`]); an idle writer looks every [`IDLE`] (so entries left by a server that
//! stopped are moved after the restart).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use ave_store::Store;
use ave_store::audit::AuditEntry;
use ave_store::log_write::LogBatch;
use ave_store::processing::{ProcessingRecord, SealedSubject, SubjectKey};
use axum::http::StatusCode;
use tokio::sync::{mpsc, oneshot};

use crate::problem::Problem;

/// How many entries may wait for the writer.
pub const CAPACITY: usize = 32768;
/// The most entries one transaction takes.
pub const BATCH: usize = 2048;
/// How long the writer waits, after the first entry, for more to join the batch.
pub const LINGER: Duration = Duration::from_millis(5);
/// How long an idle writer waits before it looks at the outbox of changes' audit entries.
pub const IDLE: Duration = Duration::from_secs(1);
/// The longest wait between two attempts at a failing batch.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

enum Job {
    Audit(AuditEntry),
    Processing(ProcessingRecord),
    /// Move the outbox of changes' audit entries (a change was committed).
    Drain,
    Flush(oneshot::Sender<()>),
}

/// Why an entry was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LogsError {
    /// The queue is full: the database cannot keep up (or is gone).
    #[error("het logboek kan het werk niet bijhouden")]
    Full,
    /// The writer has stopped.
    #[error("de logboekschrijver is gestopt")]
    Stopped,
    /// The data subject cannot be encrypted (no key or no source of randomness).
    #[error("de betrokkene is niet te versleutelen")]
    Seal,
}

impl From<LogsError> for Problem {
    fn from(_: LogsError) -> Problem {
        let mut p = Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "logboek-niet-beschikbaar",
            "Logboek tijdelijk niet beschikbaar",
            "het verzoek kan nu niet worden vastgelegd in het logboek en is daarom niet uitgevoerd of getoond; probeer het zo opnieuw",
        );
        p.retry_after = Some(2);
        p
    }
}

/// The handle to the log writer: cheap to clone, one writer behind all clones.
#[derive(Debug, Clone)]
pub struct Logs {
    tx: mpsc::Sender<Job>,
    healthy: Arc<AtomicBool>,
    batches: Arc<AtomicU64>,
    key: Option<Arc<SubjectKey>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Job::Audit(_) => "Audit",
            Job::Processing(_) => "Processing",
            Job::Drain => "Drain",
            Job::Flush(_) => "Flush",
        })
    }
}

impl Logs {
    /// Starts the writer on the current Tokio runtime, with a random key for data subject
    /// ids: fine for tests, but records it writes cannot be read after a restart — a server
    /// uses [`Logs::with_key`].
    pub fn start(store: Store) -> Logs {
        Logs::with_capacity(store, CAPACITY)
    }

    /// [`Logs::start`] with a queue of `capacity` entries.
    pub fn with_capacity(store: Store, capacity: usize) -> Logs {
        let (logs, rx) = Logs::channel(capacity);
        tokio::spawn(write(store, rx, logs.healthy.clone(), logs.batches.clone()));
        logs
    }

    /// This handle with `key` encrypting data subject ids.
    pub fn with_key(mut self, key: SubjectKey) -> Logs {
        self.key = Some(Arc::new(key));
        self
    }

    fn channel(capacity: usize) -> (Logs, mpsc::Receiver<Job>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let logs = Logs {
            tx,
            healthy: Arc::new(AtomicBool::new(true)),
            batches: Arc::default(),
            key: SubjectKey::generate().ok().map(Arc::new),
        };
        (logs, rx)
    }

    fn enqueue(&self, job: Job) -> Result<(), LogsError> {
        self.tx.try_send(job).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => {
                tracing::warn!("logboekwachtrij vol: verzoek geweigerd (503)");
                LogsError::Full
            }
            mpsc::error::TrySendError::Closed(_) => LogsError::Stopped,
        })
    }

    /// Enqueues one audit entry without waiting; an error when the queue is full.
    pub fn audit(&self, entry: AuditEntry) -> Result<(), LogsError> {
        self.enqueue(Job::Audit(entry))
    }

    /// Enqueues one processing record without waiting; an error when the queue is full.
    pub fn processing(&self, record: ProcessingRecord) -> Result<(), LogsError> {
        self.enqueue(Job::Processing(record))
    }

    /// Asks the writer to move the outbox of changes' audit entries soon (with the entries
    /// that arrive meanwhile). Never fails: with the queue full, the writer is busy and moves
    /// the outbox with its next batch anyway.
    pub fn nudge(&self) {
        let _ = self.tx.try_send(Job::Drain);
    }

    /// Encrypts a data subject id with this writer's key.
    pub fn seal(&self, subject: &str) -> Result<SealedSubject, LogsError> {
        self.key
            .as_ref()
            .and_then(|k| k.seal(subject).ok())
            .ok_or(LogsError::Seal)
    }

    /// Waits until everything enqueued before this call is committed. (While the database
    /// refuses, that is until it is back.)
    pub async fn flush(&self) -> Result<(), LogsError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Job::Flush(done))
            .await
            .map_err(|_| LogsError::Stopped)?;
        wait.await.map_err(|_| LogsError::Stopped)
    }

    /// How many batches were committed so far.
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }

    /// False while a batch cannot be committed.
    pub fn healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }
}

/// What the writer has taken for the next transaction.
#[derive(Default)]
struct Batch {
    logs: LogBatch,
    waiting: Vec<oneshot::Sender<()>>,
    /// A transaction is wanted even without entries: to move the outbox.
    drain: bool,
}

impl Batch {
    /// Takes a job; true when it asks to commit now (a flush).
    fn take(&mut self, job: Job) -> bool {
        match job {
            Job::Audit(e) => self.logs.audit.push(e),
            Job::Processing(r) => self.logs.processing.push(r),
            Job::Drain => self.drain = true,
            Job::Flush(done) => {
                self.waiting.push(done);
                self.drain = true;
                return true;
            }
        }
        false
    }

    fn full(&self) -> bool {
        self.logs.len() >= BATCH
    }
}

/// The writer: batches, commits, retries.
async fn write(
    store: Store,
    mut rx: mpsc::Receiver<Job>,
    healthy: Arc<AtomicBool>,
    batches: Arc<AtomicU64>,
) {
    let mut unindexed = 0u64;
    // The last batch was full: more is waiting, take it without lingering.
    let mut behind = false;
    loop {
        let first = match tokio::time::timeout(IDLE, rx.recv()).await {
            Ok(Some(job)) => job,
            Ok(None) => break,
            Err(_) => Job::Drain,
        };
        let mut batch = Batch::default();
        let mut now = batch.take(first);
        if !now && !behind {
            // Let the batch gather for LINGER without looking at the queue: entries enqueued
            // meanwhile wake nobody (a wake per entry cost every request a thread switch).
            tokio::time::sleep(LINGER).await;
        }
        // Then everything that is queued, up to a full batch or a flush.
        while !now && !batch.full() {
            match rx.try_recv() {
                Ok(job) => now = batch.take(job),
                Err(_) => break,
            }
        }
        behind = batch.full();
        if !batch.logs.is_empty() || batch.drain {
            let rows = batch.logs.len() as u64;
            commit(&store, Arc::new(std::mem::take(&mut batch.logs)), &healthy).await;
            if rows > 0 {
                batches.fetch_add(1, Ordering::Relaxed);
            }
            unindexed += rows;
            if unindexed >= ave_store::log_index::INDEX_EVERY {
                index(&store).await;
                unindexed = 0;
            }
        }
        for done in batch.waiting {
            let _ = done.send(());
        }
    }
}

/// Brings the logs' lookups up to date ([`ave_store::log_index`]). They hold derived data
/// and every lookup brings them up to date itself, so a failure here is only reported.
async fn index(store: &Store) {
    if let Err(e) = store.index_logs().await {
        tracing::warn!(
            error = %e,
            detail = e.detail().unwrap_or_default(),
            "logboek: zoektabellen niet bijgewerkt; volgende keer opnieuw"
        );
    }
}

/// Commits one batch, retrying with backoff until it is in: an entry is never dropped. (A
/// commit whose answer was lost may be retried and land twice: a log says too much rather
/// than too little.)
async fn commit(store: &Store, batch: Arc<LogBatch>, healthy: &AtomicBool) {
    let mut backoff = Duration::from_millis(50);
    loop {
        match store.log_append(Arc::clone(&batch)).await {
            Ok(_) => {
                if !healthy.swap(true, Ordering::Relaxed) {
                    tracing::info!("logboek weer bij: wachtende regels zijn weggeschreven");
                }
                return;
            }
            Err(e) => {
                if healthy.swap(false, Ordering::Relaxed) {
                    tracing::error!(
                        error = %e,
                        detail = e.detail().unwrap_or_default(),
                        regels = batch.len(),
                        "logboek niet weg te schrijven; opnieuw tot het lukt, intussen niet gereed"
                    );
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: usize) -> AuditEntry {
        AuditEntry {
            at: chrono::DateTime::UNIX_EPOCH,
            actor: "consulent-1".into(),
            origin: "127.0.0.1".into(),
            action: "lezen".into(),
            object: format!("casus/casus-{n}"),
            result: "ok".into(),
        }
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_the_refusal_is_a_503() {
        // No writer behind it: nothing drains, so the third entry finds the queue full.
        let (logs, _rx) = Logs::channel(2);
        logs.audit(entry(1)).unwrap();
        logs.audit(entry(2)).unwrap();
        assert_eq!(logs.audit(entry(3)), Err(LogsError::Full));
        let problem = Problem::from(LogsError::Full);
        assert_eq!(problem.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(problem.code, "logboek-niet-beschikbaar");
        assert_eq!(problem.retry_after, Some(2));
    }

    #[tokio::test]
    async fn a_stopped_writer_refuses_too() {
        let (logs, rx) = Logs::channel(2);
        drop(rx);
        assert_eq!(logs.audit(entry(1)), Err(LogsError::Stopped));
        assert_eq!(logs.flush().await, Err(LogsError::Stopped));
    }
}
