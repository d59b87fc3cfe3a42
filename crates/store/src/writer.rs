//! Group commit: one writer takes the appends that arrive together and stores them in one
//! transaction, so many commands share one durable commit (one disk flush) instead of each
//! paying for its own. Each append still lands all or none, and a conflict on one case does
//! not hold up the others. A caller is answered only after the commit.

use tokio::sync::{mpsc, oneshot};

use crate::{Append, Appended, Result, Store, StoreError};

type Job = (Append, oneshot::Sender<Result<Appended>>);

/// The single writer of a store.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    tx: mpsc::Sender<Job>,
}

/// The most appends one transaction takes.
const MAX_BATCH: usize = 256;

impl GroupCommit {
    /// Starts the writer on the current Tokio runtime.
    pub fn start(store: Store) -> GroupCommit {
        let (tx, mut rx) = mpsc::channel::<Job>(4096);
        tokio::spawn(async move {
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
                let results = store.db.append_batch(batch).await;
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(result);
                }
            }
        });
        GroupCommit { tx }
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
