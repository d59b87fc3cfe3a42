//! Writing the two logs: a batch of audit entries ([`crate::audit`]) and processing records
//! ([`crate::processing`]) in one transaction — both are written, or neither.
//!
//! Every batch takes the audit chain's head, also a batch of processing records alone, so
//! that rows commit in the order of their positions (also with several servers on one
//! PostgreSQL): the lookups ([`crate::log_index`]) rely on it.
//!
//! On SQLite the batch runs on the logbook's one writing connection (rusqlite, the same
//! arrangement as the case store's writer in `direct.rs`): one hand-off between threads
//! for the whole batch, each row through a prepared statement with its texts bound in place.
//! On PostgreSQL through sqlx, a few multi-row statements per batch (one round trip each).
//!
//! Every batch first moves the audit entries of changes out of the case store's
//! `audit_outbox`, where each change's transaction put its entry ([`crate::Append::audit`]),
//! so that no committed change lacks one — also when the server stopped before its log
//! writer got to it. On PostgreSQL they are deleted from the outbox in the batch's own
//! transaction. On SQLite the outbox is in the case store's file and the log in the
//! logbook's: the batch records how far it moved (`audit_outbox_mark`, in the logbook, in
//! the same transaction), so an entry is moved exactly once, and the rows before the mark
//! are deleted from the outbox now and then (every `CLEAN_EVERY` entries).

use std::borrow::Cow;
use std::sync::Arc;

use rusqlite::{Connection, TransactionBehavior, params};
use sqlx::Row;

use crate::audit::{AuditEntry, entry_hash, hash_of};
use crate::chain::Hash;
use crate::db::{Db, time, to_i64, to_u64};
use crate::processing::{INSERT_HEAD, ProcessingRecord};
use crate::{Result, Store};

/// What one transaction of the log writer writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogBatch {
    /// Audit entries, in the order they get their positions.
    pub audit: Vec<AuditEntry>,
    /// Processing records.
    pub processing: Vec<ProcessingRecord>,
}

impl LogBatch {
    /// No entries and no records.
    pub fn is_empty(&self) -> bool {
        self.audit.is_empty() && self.processing.is_empty()
    }

    /// Entries and records together.
    pub fn len(&self) -> usize {
        self.audit.len() + self.processing.len()
    }
}

/// How many rows one multi-row `INSERT` of a log batch carries on PostgreSQL (12 parameters a
/// row stays far below its parameter limit).
const ROWS_PER_INSERT: usize = 200;

/// The most outbox entries one batch moves.
const OUTBOX_BATCH: i64 = 2048;

/// On SQLite the moved outbox rows are deleted each time the mark passes a multiple of this:
/// a delete takes the case store's write lock from its writer, so not too often (under the
/// benchmark's 2,700 commands a second, every 6 s; the rows left meanwhile are ~100 bytes
/// each).
const CLEAN_EVERY: i64 = 16_384;

/// An outbox row: its id and the entry.
type OutboxRow = (i64, String, String, String, String, String, String);

/// The entry of an outbox row.
fn outbox_entry((_, at, actor, origin, action, object, result): OutboxRow) -> Result<AuditEntry> {
    AuditEntry::stored(&at, actor, origin, action, object, result)
}

/// The outbox's entries first, then the batch's own.
fn with_moved(moved: Vec<AuditEntry>, own: &[AuditEntry]) -> Cow<'_, [AuditEntry]> {
    if moved.is_empty() {
        Cow::Borrowed(own)
    } else {
        let mut all = moved;
        all.extend_from_slice(own);
        Cow::Owned(all)
    }
}

const AUDIT_INSERT: &str =
    "INSERT INTO audit_log (seq, at, actor, origin, action, object, result, prev_hash, hash) ";

/// One audit entry with its position and hashes.
struct Chained<'a> {
    seq: i64,
    at: String,
    entry: &'a AuditEntry,
    prev: Hash,
    hash: Hash,
}

/// Chains `entries` after the head (`seq`, `prev`); the rows and the new head.
fn chain(entries: &[AuditEntry], mut seq: u64, mut prev: Hash) -> (Vec<Chained<'_>>, u64, Hash) {
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        seq += 1;
        let at = time(&e.at);
        let hash = entry_hash(
            &prev,
            seq,
            [&at, &e.actor, &e.origin, &e.action, &e.object, &e.result],
        );
        rows.push(Chained {
            seq: to_i64(seq),
            at,
            entry: e,
            prev,
            hash,
        });
        prev = hash;
    }
    (rows, seq, prev)
}

impl Store {
    /// Appends a batch to the two logs in one transaction, after the audit entries waiting
    /// in the outbox of changes; the audit log's last position (0 when nothing was written
    /// to it — an empty batch with an empty outbox writes nothing at all). Shared (`Arc`) so
    /// that the log writer can retry a failed batch without copying it.
    pub async fn log_append(&self, batch: Arc<LogBatch>) -> Result<u64> {
        match (&self.db, &self.logs) {
            (Db::Sqlite(main, _), Db::Sqlite(_, direct)) => {
                sqlite_with_outbox(main, direct, batch).await
            }
            (_, Db::Postgres(pool)) => postgres(pool, &batch).await,
            (Db::Postgres(_), Db::Sqlite(..)) => Err(crate::StoreError::Unsupported(
                "een logboek in SQLite bij een PostgreSQL-database",
            )),
        }
    }
}

/// On SQLite: the outbox past the mark read on the case store's side (whose connections see
/// the logbook's mark), the batch written on the logbook's connection (which checks the mark
/// again), and the moved rows deleted from the outbox when the mark passed a multiple of
/// [`CLEAN_EVERY`].
async fn sqlite_with_outbox(
    main: &sqlx::SqlitePool,
    direct: &Arc<crate::direct::Direct>,
    batch: Arc<LogBatch>,
) -> Result<u64> {
    let pending: Vec<OutboxRow> = sqlx::query_as(
        "SELECT id, at, actor, origin, action, object, result FROM audit_outbox WHERE id > (SELECT upto FROM audit_outbox_mark WHERE id = 1) ORDER BY id LIMIT $1",
    )
    .bind(OUTBOX_BATCH)
    .fetch_all(main)
    .await?;
    if pending.is_empty() && batch.is_empty() {
        return Ok(0);
    }
    let first = pending.first().map_or(0, |r| r.0);
    let upto = pending.last().map(|r| r.0);
    let moved = pending
        .into_iter()
        .map(|row| Ok((row.0, outbox_entry(row)?)))
        .collect::<Result<Vec<_>>>()?;
    let last = direct
        .write(move |conn| sqlite(conn, &batch, moved, upto))
        .await?;
    if let Some(upto) = upto
        && (first - 1) / CLEAN_EVERY != upto / CLEAN_EVERY
    {
        // Moved and marked: only the outbox's copy goes — but never the newest row, whose id
        // + 1 is the next id (see the migration). Should this fail (the case store busy), the
        // next pass over a multiple deletes these too.
        let cleaned = sqlx::query("DELETE FROM audit_outbox WHERE id < $1")
            .bind(upto)
            .execute(main)
            .await;
        if let Err(e) = cleaned {
            tracing::debug!(
                "auditlog: verplaatste regels niet uit de wachtrij verwijderd, volgende keer opnieuw: {e}"
            );
        }
    }
    Ok(last)
}

/// The outbox entries among `read` (id, entry) that are not yet moved: those past `mark`.
/// Another process (a server and `ave` on one database) may have moved some or all of them
/// between reading the outbox and taking the logbook's write lock.
fn not_yet_moved(read: Vec<(i64, AuditEntry)>, mark: i64) -> Vec<AuditEntry> {
    read.into_iter()
        .filter(|(id, _)| *id > mark)
        .map(|(_, e)| e)
        .collect()
}

/// The batch on the logbook's writing connection, after the outbox's entries `read` (id,
/// entry; up to id `upto`).
fn sqlite(
    conn: &mut Connection,
    batch: &LogBatch,
    read: Vec<(i64, AuditEntry)>,
    upto: Option<i64>,
) -> Result<u64> {
    // IMMEDIATE: the write lock (and so the chain's head and the mark) from the start.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut last = 0;
    let mut moved = Vec::new();
    if let Some(upto) = upto {
        let mark: i64 =
            tx.query_row("SELECT upto FROM audit_outbox_mark WHERE id = 1", [], |r| {
                r.get(0)
            })?;
        if mark < upto {
            moved = not_yet_moved(read, mark);
            tx.prepare_cached("UPDATE audit_outbox_mark SET upto = ?1 WHERE id = 1")?
                .execute(params![upto])?;
        }
    }
    let audit = with_moved(moved, &batch.audit);
    if !audit.is_empty() {
        let (seq, prev): (i64, Vec<u8>) =
            tx.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let (rows, seq, head) = chain(&audit, to_u64(seq), hash_of(prev));
        let mut insert = tx.prepare_cached(&format!(
            "{AUDIT_INSERT}VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
        ))?;
        for r in &rows {
            let e = r.entry;
            insert.execute(params![
                r.seq,
                r.at,
                e.actor,
                e.origin,
                e.action,
                e.object,
                e.result,
                &r.prev[..],
                &r.hash[..]
            ])?;
        }
        drop(insert);
        tx.prepare_cached("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1")?
            .execute(params![to_i64(seq), &head[..]])?;
        last = seq;
    }
    if !batch.processing.is_empty() {
        let mut insert = tx.prepare_cached(&format!(
            "{INSERT_HEAD}VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ))?;
        for r in &batch.processing {
            insert.execute(params![
                r.trace_id,
                r.span_id,
                r.parent_span_id,
                r.name,
                time(&r.start),
                time(&r.end),
                r.status.as_str(),
                r.resource_name,
                r.resource_version,
                r.activity_id,
                r.data_subject.as_bytes(),
                r.data_subject_type
            ])?;
        }
    }
    tx.commit()?;
    Ok(last)
}

/// The batch through sqlx on PostgreSQL: the head locked, a few multi-row statements.
async fn postgres(pool: &sqlx::PgPool, batch: &LogBatch) -> Result<u64> {
    let mut tx = pool.begin().await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
        .fetch_one(&mut *tx)
        .await?;
    // The outbox's entries, taken out in this transaction: moved exactly when it commits.
    let mut pending: Vec<OutboxRow> = sqlx::query_as(
        "DELETE FROM audit_outbox WHERE id IN (SELECT id FROM audit_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING id, at, actor, origin, action, object, result",
    )
    .bind(OUTBOX_BATCH)
    .fetch_all(&mut *tx)
    .await?;
    if pending.is_empty() && batch.is_empty() {
        return Ok(0);
    }
    pending.sort_unstable_by_key(|r| r.0);
    let moved = pending
        .into_iter()
        .map(outbox_entry)
        .collect::<Result<Vec<_>>>()?;
    let audit = with_moved(moved, &batch.audit);
    let mut last = 0;
    if !audit.is_empty() {
        let seq = to_u64(head.try_get::<i64, _>("seq")?);
        let prev = hash_of(head.try_get::<Vec<u8>, _>("hash")?);
        let (rows, seq, head) = chain(&audit, seq, prev);
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let mut q = sqlx::QueryBuilder::new(AUDIT_INSERT);
            q.push_values(chunk, |mut b, r| {
                let e = r.entry;
                b.push_bind(r.seq)
                    .push_bind(r.at.clone())
                    .push_bind(e.actor.clone())
                    .push_bind(e.origin.clone())
                    .push_bind(e.action.clone())
                    .push_bind(e.object.clone())
                    .push_bind(e.result.clone())
                    .push_bind(r.prev.to_vec())
                    .push_bind(r.hash.to_vec());
            });
            q.build().execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(to_i64(seq))
            .bind(head.to_vec())
            .execute(&mut *tx)
            .await?;
        last = seq;
    }
    for chunk in batch.processing.chunks(ROWS_PER_INSERT) {
        let mut q = sqlx::QueryBuilder::new(INSERT_HEAD);
        q.push_values(chunk, |mut b, r| {
            b.push_bind(r.trace_id.clone())
                .push_bind(r.span_id.clone())
                .push_bind(r.parent_span_id.clone())
                .push_bind(r.name.clone())
                .push_bind(time(&r.start))
                .push_bind(time(&r.end))
                .push_bind(r.status.as_str())
                .push_bind(r.resource_name.clone())
                .push_bind(r.resource_version.clone())
                .push_bind(r.activity_id.clone())
                .push_bind(r.data_subject.as_bytes().to_vec())
                .push_bind(r.data_subject_type.clone());
        });
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: i64) -> AuditEntry {
        AuditEntry {
            at: chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(n),
            actor: "cli".to_owned(),
            origin: "cli".to_owned(),
            action: "beheer".into(),
            object: format!("persoon/p-{n}"),
            result: "ok".into(),
        }
    }

    /// Two processes read the outbox at different moments; the one that takes the
    /// logbook's lock second moves only what the first did not (before, it moved all it
    /// had read whenever the mark was below its last id: the first's rows twice).
    #[test]
    fn only_the_rows_past_the_mark_are_moved() {
        let read: Vec<_> = (5..=10).map(|n| (n, entry(n))).collect();
        let moved = not_yet_moved(read.clone(), 8);
        assert_eq!(moved, [entry(9), entry(10)]);
        assert_eq!(not_yet_moved(read.clone(), 4).len(), 6);
        assert!(not_yet_moved(read, 10).is_empty());
    }
}
