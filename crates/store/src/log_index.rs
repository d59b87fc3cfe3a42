//! Finding log rows by case (the audit log's object) or by trace (the processing log) goes
//! through two lookup tables — `audit_log_objects (run, object, seq)` and
//! `processing_log_traces (run, trace_id, seq)` — that are filled in bulk behind the logs, not
//! row by row.
//!
//! Why: every read of a case writes an audit entry and a processing record. An ordinary
//! index on a random key (a case id, a trace id) puts each new row on a different page, so
//! nearly every row wrote a whole page to the write-ahead log; on the benchmark machine that
//! cost a quarter of the reads per second. Filled in bulk, in key order, a page takes many
//! rows at once.
//!
//! Why the run first: keyed by case or trace alone, the rows of one bulk run still fell on
//! nearly every page of a large table, so every run wrote the whole table again — a cost
//! that grew with the log. Each run's rows carry a run number of their own (the position the
//! run starts after) as the first column of the key, so they go to the end of the table as
//! one sorted stretch, whatever its size; `log_index_runs` lists the runs, and a lookup looks
//! in each (one probe of the index per run: a log of 100 million rows has 2,000 runs).
//!
//! How: [`Store::index_logs`] adds the rows written since its last run (`log_index_marks`
//! says up to which position) in one transaction. The log writer runs it every
//! [`INDEX_EVERY`] rows (and the store at start); a lookup reads the runs and, in the same
//! statement, the rows after the last run in log order (a range of positions, at most some
//! [`INDEX_EVERY`]), so it sees every committed row without making a run of its own — runs
//! made by lookups would be small and many. The tables hold derived data only: the logs themselves, and their
//! chain, are what `ave audit verify` checks.

use crate::db::{Db, to_u64};
use crate::{Result, Store};

/// After how many newly written log rows the writer brings the lookups up to date.
pub const INDEX_EVERY: u64 = 50_000;

/// One lookup: the log it indexes, the column, the table that holds it.
struct Lookup {
    log: &'static str,
    key: &'static str,
    table: &'static str,
}

const LOOKUPS: [Lookup; 2] = [
    Lookup {
        log: "audit_log",
        key: "object",
        table: "audit_log_objects",
    },
    Lookup {
        log: "processing_log",
        key: "trace_id",
        table: "processing_log_traces",
    },
];

impl Store {
    /// Brings both lookup tables up to the last committed row of their log; how many rows it
    /// added. Safe to run from several places (and servers) at once: each run holds its
    /// lookup's mark until it commits.
    pub async fn index_logs(&self) -> Result<u64> {
        let mut added = 0;
        for lookup in &LOOKUPS {
            added += index(&self.logs, lookup).await?;
        }
        Ok(added)
    }
}

async fn index(db: &Db, l: &Lookup) -> Result<u64> {
    let lock = match db {
        Db::Sqlite(..) => "UPDATE log_index_marks SET upto = upto WHERE name = $1",
        Db::Postgres(_) => "SELECT upto FROM log_index_marks WHERE name = $1 FOR UPDATE",
    };
    let mark = "SELECT upto FROM log_index_marks WHERE name = $1";
    let top = format!("SELECT COALESCE(MAX(seq), 0) FROM {}", l.log);
    // The run is numbered by the position it starts after: unique, and rising with the log.
    let fill = format!(
        "INSERT INTO {table} (run, {key}, seq) SELECT CAST($1 AS BIGINT), {key}, seq FROM {log} WHERE seq > $2 AND seq <= $3 ORDER BY {key}, seq",
        table = l.table,
        key = l.key,
        log = l.log
    );
    let run = "INSERT INTO log_index_runs (name, run) VALUES ($1, $2)";
    let set = "UPDATE log_index_marks SET upto = $1 WHERE name = $2";
    on!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query(lock).bind(l.log).execute(&mut *tx).await?;
        let from: i64 = sqlx::query_scalar(mark)
            .bind(l.log)
            .fetch_one(&mut *tx)
            .await?;
        let to: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(top))
            .fetch_one(&mut *tx)
            .await?;
        if to <= from {
            tx.rollback().await?;
            return Ok(0);
        }
        sqlx::query(sqlx::AssertSqlSafe(fill))
            .bind(from)
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?;
        sqlx::query(run)
            .bind(l.log)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        sqlx::query(set)
            .bind(to)
            .bind(l.log)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(to_u64(to) - to_u64(from))
    })
}
