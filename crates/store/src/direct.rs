//! Reads and the group-commit writer on SQLite without a hand-off between threads per statement.
//!
//! sqlx runs every SQLite connection on a worker thread of its own and passes each query
//! and each result row through a channel: on a busy server with two cores, waking those
//! threads cost more than the query itself (a profile of reading one case: about a third of
//! the server's time in `futex` waits and wake-ups behind that channel, SQLite itself a few
//! percent). The reads of the case lists and of one case row therefore go through
//! [`Direct`]: read-only connections of their own (rusqlite, on the same SQLite library as
//! sqlx), used by the thread that asks — a point lookup inline, a query that may visit many
//! rows on Tokio's blocking pool ([`Direct::blocking`]), so it never holds up the requests
//! waiting behind it on an async worker.
//!
//! The group-commit writer's batches come here too ([`Direct::write`]): a batch runs as one
//! call on the one writing connection, one hand-off for the batch instead of one for every
//! statement ([`crate::append`]). Other writes (accounts, models, erasure, …) stay with
//! sqlx. A read sees every committed write (a new read transaction per statement, WAL). The
//! connections are opened when first needed and kept (up to [`KEEP`] readers); each keeps
//! its prepared statements.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::cells::{Named, names};
use crate::checkpoint::{self, Checkpointer};
use crate::listing::Arg;
use crate::{Result, StoreError};

/// How many idle connections are kept at least (more on a machine with more cores: the
/// reads on the blocking pool and a few point lookups beside them).
const KEEP: usize = 6;
/// How many reads may run on the blocking pool at once: one more than the machine has cores
/// (at least three). A list holds its place across its two to six queries, and between two
/// of them its place waits for the hand-off back to Tokio and out again, so with exactly one
/// place per core a quarter of the machine stood idle under 32 clients listing; one place
/// more fills those gaps (A B on two cores: 3,470–3,530 lists per second with p99 13.0–13.3
/// ms against 3,000–3,050 with p99 14.6–15.0). Many more only share the cores — four lists
/// at once on two cores each took twice as long — and every place holds a connection, its
/// page cache and a thread. Since a list runs whole on one thread ([`Direct::on_one_thread`])
/// the place no longer waits between queries, but one place per core still gave fewer lists
/// (1,734–1,920 a second against 2,321–2,385 on the 100,000-case benchmark) and two more no
/// more (2,457–2,583 against 2,296–2,504).
fn at_once() -> usize {
    std::thread::available_parallelism()
        .map_or(3, |n| n.get() + 1)
        .max(3)
}
/// The page cache of each reading connection, in KiB. SQLite's default of 2 MB held too
/// little of a list's pages (the narrow index of the cases and their rows): each list read
/// most of them again from the kernel's cache (its copies and look-ups a tenth of the
/// server's time). With 8 MB, 14–32 % more lists a second and a p99 2–5 ms lower on the
/// 100,000-case benchmark, for 9–17 MB more memory under lists (BENCHMARKS.md).
const READER_CACHE_KIB: u32 = 8192;
/// How many prepared statements each connection keeps.
const STATEMENTS: usize = 64;
/// How many the writing connection keeps.
const WRITER_STATEMENTS: usize = 256;

tokio::task_local! {
    /// Set while a task holds its turn for a run of reads ([`Direct::in_one_turn`]).
    static TURN_HELD: ();
}

std::thread_local! {
    /// Set while a thread of the blocking pool runs a whole run of reads
    /// ([`Direct::on_one_thread`]): its queries then run where they are asked.
    static ON_READ_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this thread as running a run of reads until dropped (also when the run panics).
struct OnReadThread;

impl OnReadThread {
    fn mark() -> OnReadThread {
        ON_READ_THREAD.with(|on| on.set(true));
        OnReadThread
    }

    fn marked() -> bool {
        ON_READ_THREAD.with(std::cell::Cell::get)
    }
}

impl Drop for OnReadThread {
    fn drop(&mut self) {
        ON_READ_THREAD.with(|on| on.set(false));
    }
}

/// Read-only connections to one SQLite file, used on the caller's thread.
#[derive(Debug)]
pub(crate) struct Direct {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// How many idle connections are kept.
    keep: usize,
    at_once: tokio::sync::Semaphore,
    /// The one connection that writes ([`Direct::write`]), opened when first needed.
    writer: Mutex<Option<Connection>>,
    /// The thread that checkpoints the write-ahead log, started with the writer.
    checkpointer: Mutex<Option<Checkpointer>>,
    /// Set by [`Direct::close`]: no connection is opened after it.
    closed: std::sync::atomic::AtomicBool,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        let message = match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::DatabaseBusy
                    || f.code == rusqlite::ErrorCode::DatabaseLocked =>
            {
                "de database is bezet"
            }
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
                "verbinding of bestand niet te gebruiken"
            }
            _ => "de database gaf een onverwachte fout",
        };
        StoreError::unavailable(message, e)
    }
}

impl Direct {
    /// Connections to the SQLite file at `path` (none opened yet).
    pub(crate) fn new(path: &Path) -> Direct {
        let places = at_once();
        Direct {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            keep: KEEP.max(places + 2),
            at_once: tokio::sync::Semaphore::new(places),
            writer: Mutex::new(None),
            checkpointer: Mutex::new(None),
            closed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Closes every idle connection and the writing one, and opens none after this (a read
    /// or write under way finishes first, and its connection is closed then).
    ///
    /// Before the writing connection closes it copies the whole write-ahead log into the
    /// database file and empties the log (`wal_checkpoint(TRUNCATE)`): after a clean stop the
    /// file is whole on its own, and the next start has nothing to copy. SQLite does this
    /// itself only when the process's last connection closes, which the checkpoint thread or
    /// a read under way could still hold (a benchmark database was left with a log of 422 MB
    /// beside its 2.9 GB). When a reader holds the log past the writer's wait, the log stays
    /// as it is — nothing is lost, the next start goes on from it.
    pub(crate) fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        drop(
            self.checkpointer
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        drop(
            self.idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .split_off(0),
        );
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(Err(e)) =
            writer.map(|conn| conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())))
        {
            tracing::warn!(fout = %e, "WAL bij het sluiten niet in het databasebestand verwerkt");
        }
    }

    fn refuse_when_closed(&self) -> Result<()> {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StoreError::unavailable(
                "de verbindingen zijn gesloten",
                "direct connections closed",
            ));
        }
        Ok(())
    }

    /// A new connection to the file, unless the connections are closed.
    fn connect(&self) -> Result<Connection> {
        self.refuse_when_closed()?;
        Ok(Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?)
    }

    /// A reading connection: a statement that would write is refused by SQLite itself
    /// (`query_only`); a page cache of [`READER_CACHE_KIB`].
    fn open(&self) -> Result<Connection> {
        let conn = self.connect()?;
        conn.execute_batch(&format!(
            "PRAGMA query_only = 1; PRAGMA cache_size = -{READER_CACHE_KIB};"
        ))?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        Ok(conn)
    }

    fn take(&self) -> Result<Connection> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) if !self.closed.load(std::sync::atomic::Ordering::SeqCst) => Ok(conn),
            _ => self.open(),
        }
    }

    fn give(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.keep && !self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            idle.push(conn);
        }
    }

    /// Runs `f` with a connection, on this thread: for a lookup of a row by its key.
    pub(crate) fn run<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.take()?;
        let out = f(&conn);
        self.give(conn);
        out
    }

    /// Runs `f` with a connection on Tokio's blocking pool: for a query that may visit many
    /// rows. At most [`at_once`] at a time; the others wait their turn without a thread —
    /// unless the task holds a turn already ([`Direct::in_one_turn`]). On a thread that runs
    /// a whole run of reads ([`Direct::on_one_thread`]), `f` runs right there.
    pub(crate) async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        if OnReadThread::marked() {
            return self.run(f);
        }
        let me = Arc::clone(self);
        self.in_one_turn(async move {
            tokio::task::spawn_blocking(move || me.run(f))
                .await
                .map_err(|e| StoreError::unavailable("een leesopdracht is afgebroken", e))?
        })
        .await
    }

    /// Runs `reads` (several queries through [`Direct::blocking`], such as a list's counts
    /// and its page) in one turn: it waits once for a place among the [`at_once`], not once
    /// per query. Waiting per query put a list that asks four queries four times at the
    /// back of the queue and one that asks two only twice: under load a list's time grew
    /// with its number of queries times the queue, and the slowest lists with it. (Inside a
    /// run on one thread, [`Direct::on_one_thread`], the turn is that run's.)
    pub(crate) async fn in_one_turn<T>(
        self: &Arc<Self>,
        reads: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        if Direct::turn_held() {
            return reads.await;
        }
        let turn = self.place().await?;
        let out = TURN_HELD.scope((), reads).await;
        drop(turn);
        out
    }

    /// Runs `reads` (several queries through [`Direct::blocking`], such as a list's counts
    /// and its page) in one turn and whole on one thread of the blocking pool: its queries
    /// run one after the other on that thread, instead of each being handed to the pool and
    /// its answer back to Tokio (a list asks two to six). Used where the reads are all
    /// SQLite's, so `reads` never waits for anything but its queries.
    pub(crate) async fn on_one_thread<T: Send + 'static>(
        self: &Arc<Self>,
        reads: impl std::future::Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        if Direct::turn_held() {
            return reads.await;
        }
        let turn = self.place().await?;
        let runtime = tokio::runtime::Handle::current();
        let out = tokio::task::spawn_blocking(move || {
            let _on = OnReadThread::mark();
            runtime.block_on(reads)
        })
        .await
        .map_err(|e| StoreError::unavailable("een leesopdracht is afgebroken", e))?;
        drop(turn);
        out
    }

    /// Whether this task or thread holds a turn already: in a run of reads
    /// ([`Direct::in_one_turn`], [`Direct::on_one_thread`]).
    fn turn_held() -> bool {
        TURN_HELD.try_with(|_| ()).is_ok() || OnReadThread::marked()
    }

    /// Waits for a place among the [`at_once`] reads on the blocking pool.
    async fn place(&self) -> Result<tokio::sync::SemaphorePermit<'_>> {
        self.at_once
            .acquire()
            .await
            .map_err(|e| StoreError::unavailable("de leesverbindingen zijn gesloten", e))
    }
}

impl Direct {
    /// Runs `f` with this file's one writing connection on Tokio's blocking pool: one
    /// hand-off between threads for the whole of `f`, however many statements it runs (the
    /// group-commit writer's batches go this way). One `f` at a time.
    pub(crate) async fn write<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let me = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut slot = me.writer.lock().unwrap_or_else(PoisonError::into_inner);
            me.refuse_when_closed()?;
            let conn = match slot.as_mut() {
                Some(conn) => conn,
                None => slot.insert(me.open_writer()?),
            };
            f(conn)
        })
        .await
        .map_err(|e| StoreError::unavailable("een schrijfopdracht is afgebroken", e))?
    }

    /// The writing connection, as the store's other connections: WAL, `synchronous=FULL` (a
    /// commit is on disk when it returns: an acknowledged write survives a power cut),
    /// foreign keys checked, a wait of up to 10 s for another writer. Its own:
    /// - the savepoints' journals in memory (`temp_store`), not in a temporary file that is
    ///   created and deleted for every batch;
    /// - a page cache of 4 MB (a batch visits many pages of the cases' indexes; 16 MB gave
    ///   no more commands per second and 20 MB more server memory in a benchmark run);
    /// - the log file cut back to 256 MB when it starts over (`journal_size_limit`): above
    ///   what it reaches (the writer checkpoints at [`checkpoint::WRITER_LIMIT`] pages, some
    ///   200 MB), so the file is not cut and grown again each cycle — a flush of a growing
    ///   file also writes the file system's records (a command p99 6–10 ms lower with it);
    /// - checkpoints left to [`Checkpointer`].
    fn open_writer(&self) -> Result<Connection> {
        let conn = self.connect()?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -4096;
             PRAGMA journal_size_limit = 268435456;",
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // Its statements and the variants of the case row's update (one per set of
        // changed columns that occurs).
        conn.set_prepared_statement_cache_capacity(WRITER_STATEMENTS);
        // Checkpoints on a thread of their own, the writer's own limit as a safety net.
        let mut checkpointer = self
            .checkpointer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if checkpointer.is_none() {
            *checkpointer = Checkpointer::start(self.path.clone());
        }
        let limit = if checkpointer.is_some() {
            checkpoint::WRITER_LIMIT
        } else {
            checkpoint::SQLITE_DEFAULT_LIMIT
        };
        conn.pragma_update(None, "wal_autocheckpoint", limit)?;
        Ok(conn)
    }
}

/// Runs `sql` (prepared once per connection) with `args` bound to its `$n` parameters, and
/// maps each result row with `map`.
pub(crate) fn query<T>(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
    mut map: impl FnMut(&Named<'_, '_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let names = names(&stmt);
    for index in 1..=stmt.parameter_count() {
        let arg = numbered(&stmt, index, args, sql)?;
        match arg {
            Arg::Text(s) => stmt.raw_bind_parameter(index, s)?,
            Arg::Bool(b) => stmt.raw_bind_parameter(index, b)?,
        }
    }
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(&Named::new(row, &names))?);
    }
    Ok(out)
}

/// The value of parameter `index` of `stmt`, whose name is `$n`: the `n`th of `values`.
/// SQLite numbers named parameters in the order they first appear in the text, not by the
/// number in their name, so `… WHERE b = $2 AND a = $1` has `$2` as its first parameter.
pub(crate) fn numbered<'v, T>(
    stmt: &rusqlite::Statement<'_>,
    index: usize,
    values: &'v [T],
    sql: &str,
) -> Result<&'v T> {
    stmt.parameter_name(index)
        .and_then(|name| name.strip_prefix('$'))
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| n.checked_sub(1))
        .and_then(|n| values.get(n))
        .ok_or_else(|| {
            StoreError::unavailable(
                "een opdracht aan de database heeft een parameter zonder waarde",
                format!("parameter {index} of {sql}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.sqlite");
        let conn = Connection::open(&path).expect("open");
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (a TEXT, b INTEGER); INSERT INTO t VALUES ('x', 1), ('y', 0), ('z', 1);",
        )
        .expect("schema");
        (dir, path)
    }

    #[test]
    fn parameters_are_bound_by_their_number_wherever_they_stand() {
        let (_dir, path) = database();
        let direct = Direct::new(&path);
        let found = direct
            .run(|c| {
                query(
                    c,
                    "SELECT a FROM t WHERE b = $2 AND a <> $1 ORDER BY a",
                    &[Arg::Text("z".into()), Arg::Bool(true)],
                    |r| r.get::<String>("a"),
                )
            })
            .expect("query");
        assert_eq!(found, vec!["x".to_owned()]);
    }

    #[test]
    fn a_parameter_without_a_value_is_an_error_not_a_null() {
        let (_dir, path) = database();
        let direct = Direct::new(&path);
        let err = direct
            .run(|c| {
                query(
                    c,
                    "SELECT a FROM t WHERE a = $2",
                    &[Arg::Text("x".into())],
                    |_| Ok(()),
                )
            })
            .expect_err("no second argument");
        assert!(err.to_string().contains("parameter zonder waarde"), "{err}");
    }

    /// Takes every place among the reads but one (for as long as the permit is kept).
    async fn all_places_but_one(direct: &Direct) -> tokio::sync::SemaphorePermit<'_> {
        direct
            .at_once
            .acquire_many(u32::try_from(at_once() - 1).expect("few"))
            .await
            .expect("places")
    }

    /// A run of reads in one turn takes one place among the reads on the blocking pool,
    /// whatever its number of queries: with every other place taken, it still finishes (a
    /// query that waited for a place of its own would wait for its own turn to end).
    #[tokio::test]
    async fn a_run_of_reads_waits_for_one_place_not_one_per_query() {
        let (_dir, path) = database();
        let direct = Arc::new(Direct::new(&path));
        let others = all_places_but_one(&direct).await;
        let count = |d: &Arc<Direct>| {
            let d = Arc::clone(d);
            async move {
                d.blocking(|c| query(c, "SELECT COUNT(*) AS n FROM t", &[], |r| r.get::<i64>("n")))
                    .await
            }
        };
        let reads = async {
            let a = count(&direct).await?;
            let b = count(&direct).await?;
            Ok::<_, StoreError>((a, b))
        };
        let (a, b) = tokio::time::timeout(Duration::from_secs(10), direct.in_one_turn(reads))
            .await
            .expect("one place is enough for the whole run")
            .expect("reads");
        assert_eq!((a, b), (vec![3], vec![3]));
        assert_eq!(
            direct.at_once.available_permits(),
            1,
            "the turn is given back"
        );
        drop(others);
        assert_eq!(direct.at_once.available_permits(), at_once());
    }

    /// A run of reads on one thread asks all its queries on that one thread of the blocking
    /// pool (not the caller's, not one each), in one place, and gives the place back.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_run_of_reads_on_one_thread_asks_every_query_there() {
        let (_dir, path) = database();
        let direct = Arc::new(Direct::new(&path));
        let others = all_places_but_one(&direct).await;
        let caller = std::thread::current().id();
        let count = |d: Arc<Direct>| async move {
            d.blocking(|c| {
                let n = query(c, "SELECT COUNT(*) AS n FROM t", &[], |r| r.get::<i64>("n"))?;
                Ok((std::thread::current().id(), n))
            })
            .await
        };
        let d = Arc::clone(&direct);
        let reads = async move {
            let run = std::thread::current().id();
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(count(Arc::clone(&d)).await?);
            }
            Ok::<_, StoreError>((run, seen))
        };
        let (run, seen) =
            tokio::time::timeout(Duration::from_secs(10), direct.on_one_thread(reads))
                .await
                .expect("one place is enough for the whole run")
                .expect("reads");
        assert_eq!(seen.len(), 3);
        assert!(seen.iter().all(|(_, n)| *n == vec![3]), "{seen:?}");
        assert!(seen.iter().all(|(t, _)| *t == run), "{run:?} {seen:?}");
        assert_ne!(run, caller, "not on the caller's thread");
        assert_eq!(
            direct.at_once.available_permits(),
            1,
            "the turn is given back"
        );
        drop(others);
        assert_eq!(direct.at_once.available_permits(), at_once());
    }

    #[test]
    fn the_connections_refuse_to_write_have_their_page_cache_and_are_kept() {
        let (_dir, path) = database();
        let direct = Direct::new(&path);
        let err = direct
            .run(|c| query(c, "DELETE FROM t RETURNING a", &[], |_| Ok(())))
            .expect_err("read only");
        assert!(matches!(err, StoreError::Unavailable { .. }), "{err}");
        assert_eq!(direct.idle.lock().expect("lock").len(), 1);
        let n = direct
            .run(|c| query(c, "SELECT COUNT(*) AS n FROM t", &[], |r| r.get::<i64>("n")))
            .expect("count");
        assert_eq!(n, vec![3]);
        assert_eq!(direct.idle.lock().expect("lock").len(), 1);
        let cache = direct
            .run(|c| Ok(c.query_row("PRAGMA cache_size", [], |r| r.get::<_, i64>(0))?))
            .expect("cache size");
        assert_eq!(cache, -i64::from(READER_CACHE_KIB), "the page cache in KiB");
    }

    /// After a clean close the write-ahead log is empty, though another connection to the
    /// file (the store's other pool, say) is still open: what was written is in the
    /// database file itself.
    #[tokio::test]
    async fn closing_leaves_the_write_ahead_log_empty() {
        let (_dir, path) = database();
        let other = Connection::open(&path).expect("another connection");
        let count = |c: &Connection| -> i64 {
            c.query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
                .expect("count")
        };
        assert_eq!(count(&other), 3);
        let direct = Arc::new(Direct::new(&path));
        direct
            .write(|c| {
                c.execute("INSERT INTO t VALUES ('w', 2)", [])?;
                Ok(())
            })
            .await
            .expect("write");
        let wal = path.with_extension("sqlite-wal");
        let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert!(size() > 0, "the write is in the log");
        direct.close();
        assert_eq!(size(), 0, "the log emptied into the file");
        assert_eq!(count(&other), 4);
    }

    #[test]
    fn after_close_no_connection_is_kept_or_opened() {
        let (_dir, path) = database();
        let direct = Direct::new(&path);
        direct.run(|_| Ok(())).expect("read");
        assert_eq!(direct.idle.lock().expect("lock").len(), 1);
        direct.close();
        assert!(direct.idle.lock().expect("lock").is_empty());
        let err = direct.run(|_| Ok(())).expect_err("closed");
        assert!(err.to_string().contains("gesloten"), "{err}");
    }
}
