//! WAL checkpoints off the writer's path (SQLite).
//!
//! In WAL mode a commit appends the changed pages to the write-ahead log, and a checkpoint
//! copies them back into the database file. SQLite by default checkpoints in the connection
//! that commits, once the log holds 1,000 pages; under a stream of commands that was the
//! group-commit writer, every few batches, and every command waiting for that batch waited
//! for the checkpoint too (a benchmark of transitions: 13 % more commands per second
//! without it). So the writer leaves checkpoints to a thread of its own ([`Checkpointer`]),
//! which every [`EVERY`] copies what it can without waiting for anyone (`PASSIVE`) on a
//! connection of its own; the writer keeps a high limit of its own ([`WRITER_LIMIT`]) as a
//! safety net should this thread fall behind. A checkpoint changes nothing about
//! durability: a commit is on disk (in the log) when it returns.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

/// How often the thread checkpoints. Small and often: a checkpoint ends with a flush of the
/// database file, and the writer's next commit waits behind it on the same disk — every
/// 100 ms the commands' p99 was 45–56 ms on the benchmark machine, every 20 ms 26–37 ms (at
/// a few per cent fewer commands per second; every 10 ms no better).
const EVERY: Duration = Duration::from_millis(20);

/// SQLite's own log size (pages) for checkpointing in the committing connection: the
/// writer's when no checkpoint thread could be started.
pub(crate) const SQLITE_DEFAULT_LIMIT: u32 = 1000;

/// The log size (pages) at which the writer checkpoints itself.
pub(crate) const WRITER_LIMIT: u32 = 50_000;

/// The thread that checkpoints one database file; it stops when dropped.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    stop: Arc<(Mutex<bool>, Condvar)>,
}

impl Checkpointer {
    /// Starts checkpointing the SQLite file at `path`. `None` when no thread can be started
    /// (the writer then checkpoints itself, at [`WRITER_LIMIT`]).
    pub(crate) fn start(path: PathBuf) -> Option<Checkpointer> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let flag = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("ave-checkpoint".to_owned())
            .spawn(move || run(&path, &flag))
            .ok()?;
        Some(Checkpointer { stop })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
    }
}

fn run(path: &std::path::Path, stop: &(Mutex<bool>, Condvar)) {
    let (stopped, wake) = stop;
    let mut conn: Option<Connection> = None;
    loop {
        let guard = stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = wake
            .wait_timeout_while(guard, EVERY, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        if *guard {
            return;
        }
        drop(guard);
        if conn.is_none() {
            conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .ok();
        }
        if let Some(c) = &conn {
            // Busy (another checkpoint under way) or failed: the next round tries again,
            // and the writer's own limit stands behind it.
            let _ = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_writer_commits_reaches_the_database_file_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.sqlite");
        let writer = Connection::open(&path).expect("open");
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (b BLOB);",
            )
            .expect("schema");
        writer
            .execute("INSERT INTO t VALUES (zeroblob(2000000))", [])
            .expect("insert");
        let size = || std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        assert!(size() < 1_000_000, "still in the log: {}", size());
        let checkpointer = Checkpointer::start(path.clone()).expect("thread");
        let mut waited = Duration::ZERO;
        while size() < 2_000_000 && waited < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(20));
            waited += Duration::from_millis(20);
        }
        assert!(size() >= 2_000_000, "checkpointed: {}", size());
        drop(checkpointer);
    }
}
