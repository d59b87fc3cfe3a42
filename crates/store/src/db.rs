//! The two backends. The SQL is written once, with `$1`-style parameters that SQLite and
//! PostgreSQL both accept; where the dialects differ (locking the chain head, backup) the
//! backend picks. The `on!` macro runs the same code against either pool.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use ave_engine::Recorded;
use ave_engine::ids::CaseId;
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::chain::{self, Hash, ZERO};
use crate::direct::Direct;
use crate::{
    Append, Appended, ChainProblem, ModelRecord, Outline, PhaseCounts, Result, StoreError,
    VerifyReport,
};

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite: one file, one server.
    Sqlite,
    /// PostgreSQL: for production and for more than one server.
    Postgres,
}

/// A database: its pool (sqlx), and on SQLite also the connections for reads on the
/// caller's thread ([`crate::direct`]).
#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool, Arc<Direct>),
    Postgres(PgPool),
}

/// Runs the same code on either pool.
macro_rules! on {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            Db::Sqlite($p, _) => $body,
            Db::Postgres($p) => $body,
        }
    };
}

/// Puts an audit entry into the outbox of changes (`audit_outbox`) inside the change's own
/// transaction `tx` (either backend): it commits with the change or not at all, and the log
/// writer moves it into the audit log ([`crate::log_write`]).
pub(crate) const OUTBOX_INSERT: &str = "INSERT INTO audit_outbox (at, actor, origin, action, object, result) VALUES ($1, $2, $3, $4, $5, $6)";

/// [`OUTBOX_INSERT`] for entry `$entry` (an `&AuditEntry`, or an `Option` of one: none
/// writes nothing) on transaction `$tx`, as one statement of the change.
macro_rules! into_outbox {
    ($tx:expr, $entry:expr) => {{
        let entry: Option<&$crate::audit::AuditEntry> = ($entry).into();
        if let Some(e) = entry {
            sqlx::query($crate::db::OUTBOX_INSERT)
                .bind($crate::db::time(&e.at))
                .bind(&e.actor)
                .bind(&e.origin)
                .bind(e.action.as_ref())
                .bind(&e.object)
                .bind(e.result.as_ref())
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

pub(crate) fn time(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::unavailable(format!("ongeldige tijd {s:?} in de database"), e))
}

/// A PostgreSQL pool of at most `connections`, as every pool of the store has it: a request
/// waits 5 s for a connection before it is answered 503, and a connection is not tested with
/// a round trip before each use (one trip less per request; after PostgreSQL restarts, each
/// connection that was open fails one request and is then replaced).
pub(crate) fn pg_pool(connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(std::time::Duration::from_secs(5))
        .test_before_acquire(false)
}

pub(crate) fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Db {
    pub(crate) async fn open(url: &str) -> Result<Db> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // An acknowledged write survives a power cut, not only a crash.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(std::time::Duration::from_secs(10));
            if !crate::logbook::is_file(path) {
                // Each connection would see its own empty database, and the logs need a file.
                return Err(StoreError::Invalid(
                    "een SQLite-database in het geheugen kan niet: geef een bestand, bijvoorbeeld sqlite://ave-data/ave.sqlite".to_owned(),
                ));
            }
            let logbook = crate::logbook::path_beside(options.get_filename());
            let attach = crate::logbook::attach_sql(&logbook);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .after_connect(move |conn, _| {
                    let attach = attach.clone();
                    Box::pin(async move {
                        sqlx::raw_sql(sqlx::AssertSqlSafe(attach))
                            .execute(conn)
                            .await
                            .map(|_| ())
                    })
                });
            let direct = Arc::new(Direct::new(options.get_filename()));
            Ok(Db::Sqlite(pool.connect_with(options).await?, direct))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = pg_pool(16).connect(url).await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::BadUrl)
        }
    }

    /// The pool the group-commit writer writes through ([`crate::writer`]): on PostgreSQL a
    /// pool of its own of one connection with the same options, opened lazily — so on the
    /// writer's own thread, whose runtime then waits on it; on SQLite this database itself
    /// (its batches run on a writing thread of their own already).
    pub(crate) fn writer_pool(&self) -> Db {
        match self {
            Db::Sqlite(..) => self.clone(),
            Db::Postgres(p) => {
                Db::Postgres(pg_pool(1).connect_lazy_with((*p.connect_options()).clone()))
            }
        }
    }

    /// The pool the two logs are written through: on SQLite the log writer's own connection
    /// to the logbook file ([`crate::logbook`]), on PostgreSQL the same pool.
    pub(crate) async fn open_logbook(&self) -> Result<Db> {
        match self.logbook_path() {
            Some(path) => Ok(Db::Sqlite(
                crate::logbook::open_pool(&path).await?,
                Arc::new(Direct::new(&path)),
            )),
            None => Ok(self.clone()),
        }
    }

    /// Where a SQLite database keeps its logbook (beside its file); `None` on PostgreSQL.
    pub(crate) fn logbook_path(&self) -> Option<std::path::PathBuf> {
        match self {
            Db::Sqlite(p, _) => Some(crate::logbook::path_beside(
                p.connect_options().get_filename(),
            )),
            Db::Postgres(_) => None,
        }
    }

    pub(crate) fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub(crate) async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p, _) => sqlx::migrate!("./migrations/sqlite")
                .run(p)
                .await
                .map_err(|e| StoreError::unavailable("het schema is niet bij te werken", e)),
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres")
                .run(p)
                .await
                .map_err(|e| StoreError::unavailable("het schema is niet bij te werken", e)),
        }
    }

    pub(crate) async fn close(&self) {
        on!(self, |p| p.close().await);
        if let Db::Sqlite(_, direct) = self {
            direct.close();
        }
    }

    pub(crate) async fn raw_exec(&self, sql: &str) -> Result<u64> {
        Ok(on!(self, |p| {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(p)
                .await?
                .rows_affected()
        }))
    }

    pub(crate) async fn ping(&self) -> Result<()> {
        on!(self, |p| {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    pub(crate) async fn put_model(&self, m: &ModelRecord) -> Result<()> {
        let existing: Option<String> = on!(self, |p| {
            sqlx::query("SELECT sha256 FROM models WHERE id = $1 AND version = $2")
                .bind(&m.id)
                .bind(&m.version)
                .fetch_optional(p)
                .await?
                .map(|r| r.try_get::<String, _>("sha256"))
                .transpose()?
        });
        match existing {
            Some(sha) if sha == m.sha256 => Ok(()),
            Some(_) => Err(StoreError::ModelConflict {
                id: m.id.clone(),
                version: m.version.clone(),
            }),
            None => {
                on!(self, |p| {
                    sqlx::query(
                        "INSERT INTO models (id, version, text, sha256, stored_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&m.id)
                    .bind(&m.version)
                    .bind(&m.text)
                    .bind(&m.sha256)
                    .bind(time(&m.stored_at))
                    .execute(p)
                    .await?;
                });
                Ok(())
            }
        }
    }

    pub(crate) async fn newest_version(&self, id: &str) -> Result<Option<String>> {
        Ok(on!(self, |p| {
            sqlx::query(
                "SELECT version FROM models WHERE id = $1 ORDER BY stored_at DESC, version DESC LIMIT 1",
            )
            .bind(id.to_owned())
            .fetch_optional(p)
            .await?
            .map(|r| r.try_get::<String, _>("version"))
            .transpose()?
        }))
    }

    pub(crate) async fn model_versions(&self) -> Result<Vec<(String, String)>> {
        Ok(on!(self, |p| {
            sqlx::query_as("SELECT id, version FROM models ORDER BY id, version")
                .fetch_all(p)
                .await?
        }))
    }

    pub(crate) async fn models(&self) -> Result<Vec<ModelRecord>> {
        let rows = on!(self, |p| {
            sqlx::query(
                "SELECT id, version, text, sha256, stored_at FROM models ORDER BY id, version",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| -> Result<_> {
                Ok((
                    r.try_get::<String, _>("id")?,
                    r.try_get::<String, _>("version")?,
                    r.try_get::<String, _>("text")?,
                    r.try_get::<String, _>("sha256")?,
                    r.try_get::<String, _>("stored_at")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?
        });
        rows.into_iter()
            .map(|(id, version, text, sha256, at)| {
                Ok(ModelRecord {
                    id,
                    version,
                    text,
                    sha256,
                    stored_at: parse_time(&at)?,
                })
            })
            .collect()
    }

    pub(crate) async fn append_batch(&self, batch: Vec<Append>) -> Vec<Result<Appended>> {
        let n = batch.len();
        match self.try_append_batch(batch).await {
            Ok(results) => results,
            // The whole transaction failed (the database went away): nothing was written.
            Err(e) => (0..n)
                .map(|_| {
                    Err(StoreError::unavailable(
                        "niets geschreven: de transactie is mislukt",
                        e.detail().unwrap_or_default(),
                    ))
                })
                .collect(),
        }
    }

    async fn try_append_batch(&self, batch: Vec<Append>) -> Result<Vec<Result<Appended>>> {
        match self {
            Db::Sqlite(_, direct) => {
                direct
                    .write(move |conn| crate::append::sqlite::append_batch(conn, &batch))
                    .await
            }
            Db::Postgres(p) => crate::append::postgres::append_batch(p, &batch).await,
        }
    }

    pub(crate) async fn events(&self, case: &CaseId, after: u64) -> Result<Vec<Recorded>> {
        let rows: Vec<(i64, Option<String>)> = on!(self, |p| {
            sqlx::query(
                "SELECT seq, content FROM events WHERE case_id = $1 AND seq > $2 ORDER BY seq",
            )
            .bind(case.as_str())
            .bind(to_i64(after))
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| -> Result<_> {
                Ok((
                    r.try_get::<i64, _>("seq")?,
                    r.try_get::<Option<String>, _>("content")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?
        });
        rows.into_iter()
            .map(|(seq, content)| {
                let content = content.ok_or_else(|| StoreError::Erased(case.to_string()))?;
                ave_engine::event::read(&content).map_err(|e| StoreError::Corrupt {
                    case: case.to_string(),
                    seq: to_u64(seq),
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    pub(crate) async fn version(&self, case: &CaseId) -> Result<Option<u64>> {
        Ok(on!(self, |p| {
            sqlx::query("SELECT version FROM cases WHERE id = $1")
                .bind(case.as_str())
                .fetch_optional(p)
                .await?
                .map(|r| r.try_get::<i64, _>("version"))
                .transpose()?
                .map(to_u64)
        }))
    }

    pub(crate) async fn phase_counts(&self, gemeente: Option<&str>) -> Result<PhaseCounts> {
        let rows: Vec<(String, i64)> = on!(self, |p| {
            let q = match gemeente {
                Some(g) => sqlx::query(
                    "SELECT phase, CAST(SUM(n) AS BIGINT) AS n FROM case_counts WHERE closed = $1 AND gemeente = $2 GROUP BY phase HAVING SUM(n) > 0",
                )
                .bind(false)
                .bind(g.to_owned()),
                None => sqlx::query(
                    "SELECT phase, CAST(SUM(n) AS BIGINT) AS n FROM case_counts WHERE closed = $1 GROUP BY phase HAVING SUM(n) > 0",
                )
                .bind(false),
            };
            q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<_> { Ok((r.try_get("phase")?, r.try_get("n")?)) })
                .collect::<Result<Vec<_>>>()?
        });
        Ok(rows.into_iter().map(|(p, n)| (p, to_u64(n))).collect())
    }

    pub(crate) async fn gemeente_models(&self) -> Result<Vec<(String, String, String)>> {
        Ok(on!(self, |p| {
            sqlx::query(
                "SELECT DISTINCT gemeente, model_id, model_version FROM cases WHERE gemeente IS NOT NULL AND gemeente <> '' ORDER BY gemeente, model_id, model_version",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| -> Result<_> {
                Ok((
                    r.try_get("gemeente")?,
                    r.try_get("model_id")?,
                    r.try_get("model_version")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?
        }))
    }

    pub(crate) async fn gemeenten(&self) -> Result<Vec<(String, u64, u64)>> {
        let rows: Vec<(String, i64, i64)> = on!(self, |p| {
            sqlx::query(
                "SELECT gemeente, CAST(SUM(CASE WHEN closed THEN 0 ELSE n END) AS BIGINT) AS open, CAST(SUM(n) AS BIGINT) AS n FROM case_counts WHERE gemeente <> '' GROUP BY gemeente HAVING SUM(n) > 0 ORDER BY gemeente",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| -> Result<_> { Ok((r.try_get("gemeente")?, r.try_get("open")?, r.try_get("n")?)) })
            .collect::<Result<Vec<_>>>()?
        });
        Ok(rows
            .into_iter()
            .map(|(g, open, n)| (g, to_u64(open), to_u64(n)))
            .collect())
    }

    /// The outline of every event of `case`, with its content when `content` is asked for
    /// and still there (one read of the case's events).
    pub(crate) async fn outline(
        &self,
        case: &CaseId,
        content: bool,
    ) -> Result<Vec<(Outline, Option<Recorded>)>> {
        type OutlineRow = (
            i64,
            String,
            String,
            String,
            bool,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let sql = if content {
            "SELECT seq, type, at, by_person, content IS NOT NULL AS has, organisation, grondslag, content FROM events WHERE case_id = $1 ORDER BY seq"
        } else {
            "SELECT seq, type, at, by_person, content IS NOT NULL AS has, organisation, grondslag, NULL AS content FROM events WHERE case_id = $1 ORDER BY seq"
        };
        let rows: Vec<OutlineRow> = on!(self, |p| {
            sqlx::query(sql)
                .bind(case.as_str())
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<_> {
                    Ok((
                        r.try_get("seq")?,
                        r.try_get("type")?,
                        r.try_get("at")?,
                        r.try_get("by_person")?,
                        r.try_get("has")?,
                        r.try_get("organisation")?,
                        r.try_get("grondslag")?,
                        r.try_get("content")?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?
        });
        rows.into_iter()
            .map(
                |(seq, event_type, at, by, has_content, organisation, grondslag, content)| {
                    let recorded = content
                        .map(|c| {
                            ave_engine::event::read(&c).map_err(|e| StoreError::Corrupt {
                                case: case.to_string(),
                                seq: to_u64(seq),
                                reason: e.to_string(),
                            })
                        })
                        .transpose()?;
                    Ok((
                        Outline {
                            seq: to_u64(seq),
                            event_type,
                            at: parse_time(&at)?,
                            by,
                            has_content,
                            organisation,
                            grondslag,
                        },
                        recorded,
                    ))
                },
            )
            .collect()
    }

    pub(crate) async fn erase(&self, case: &CaseId, at: DateTime<Utc>) -> Result<u64> {
        on!(self, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query("UPDATE events SET content = NULL WHERE case_id = $1")
                .bind(case.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query("UPDATE cases SET erased_at = $1 WHERE id = $2")
                .bind(time(&at))
                .bind(case.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(n)
        })
    }

    pub(crate) async fn verify(&self) -> Result<VerifyReport> {
        let mut report = VerifyReport {
            events: 0,
            cases: 0,
            erased: 0,
            first_problem: None,
        };
        let mut cases: HashMap<String, (u64, Hash)> = HashMap::new();
        let mut global: Hash = ZERO;
        let mut expected_gseq: u64 = 1;
        let mut after: i64 = 0;
        loop {
            type Raw = (
                String,
                i64,
                i64,
                String,
                String,
                String,
                Option<String>,
                Vec<u8>,
                Vec<u8>,
                Vec<u8>,
                Vec<u8>,
                Vec<u8>,
            );
            let page: Vec<Raw> = on!(self, |p| {
                sqlx::query(
                    "SELECT case_id, seq, global_seq, type, at, by_person, content, content_hash, prev_hash, hash, global_prev, global_hash FROM events WHERE global_seq > $1 ORDER BY global_seq LIMIT 5000",
                )
                .bind(after)
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<Raw> {
                    Ok((
                        r.try_get("case_id")?,
                        r.try_get("seq")?,
                        r.try_get("global_seq")?,
                        r.try_get("type")?,
                        r.try_get("at")?,
                        r.try_get("by_person")?,
                        r.try_get("content")?,
                        r.try_get("content_hash")?,
                        r.try_get("prev_hash")?,
                        r.try_get("hash")?,
                        r.try_get("global_prev")?,
                        r.try_get("global_hash")?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?
            });
            if page.is_empty() {
                break;
            }
            for (
                case,
                seq,
                gseq,
                event_type,
                at,
                by,
                content,
                content_hash,
                prev_hash,
                hash,
                global_prev,
                g,
            ) in page
            {
                after = gseq;
                let (seq, gseq) = (to_u64(seq), to_u64(gseq));
                let problem = |reason: &str| ChainProblem {
                    global_seq: gseq,
                    case: case.clone(),
                    seq,
                    reason: reason.to_owned(),
                };
                report.events += 1;
                if gseq != expected_gseq {
                    report.first_problem = Some(problem(&format!(
                        "globale positie {gseq} waar {expected_gseq} verwacht werd: een gebeurtenis ontbreekt of is verplaatst"
                    )));
                    return Ok(report);
                }
                expected_gseq += 1;
                match &content {
                    Some(c)
                        if chain::sha256(c.as_bytes()).as_slice() != content_hash.as_slice() =>
                    {
                        report.first_problem =
                            Some(problem("de inhoud past niet bij haar hash: gewijzigd"));
                        return Ok(report);
                    }
                    Some(_) => {}
                    None => report.erased += 1,
                }
                let (last_seq, last_hash) = cases.get(&case).copied().unwrap_or((0, ZERO));
                if last_seq == 0 {
                    report.cases += 1;
                }
                if seq != last_seq + 1 {
                    report.first_problem = Some(problem(&format!(
                        "positie {seq} in de casus waar {} verwacht werd: een gebeurtenis ontbreekt of is verplaatst",
                        last_seq + 1
                    )));
                    return Ok(report);
                }
                if prev_hash.as_slice() != last_hash.as_slice() {
                    report.first_problem = Some(problem(
                        "de verwijzing naar de vorige gebeurtenis van de casus klopt niet",
                    ));
                    return Ok(report);
                }
                let computed = chain::event_hash(
                    &last_hash,
                    &chain::Outline {
                        case: &case,
                        seq,
                        event_type: &event_type,
                        at: &at,
                        by: &by,
                        content_hash: &content_hash,
                    },
                );
                if computed.as_slice() != hash.as_slice() {
                    report.first_problem =
                        Some(problem("de hash van de gebeurtenis klopt niet: gewijzigd"));
                    return Ok(report);
                }
                if global_prev.as_slice() != global.as_slice() {
                    report.first_problem =
                        Some(problem("de verwijzing in de globale keten klopt niet"));
                    return Ok(report);
                }
                let computed_g = chain::global_hash(&global, gseq, &computed);
                if computed_g.as_slice() != g.as_slice() {
                    report.first_problem = Some(problem(
                        "de globale hash klopt niet: gewijzigd of verplaatst",
                    ));
                    return Ok(report);
                }
                global = computed_g;
                cases.insert(case, (seq, computed));
            }
        }
        // The head must point at the last entry: a deleted last event shows here.
        let (head_seq, head_hash): (i64, Vec<u8>) = on!(self, |p| {
            let r = sqlx::query("SELECT global_seq, global_hash FROM chain_head WHERE id = 1")
                .fetch_one(p)
                .await?;
            (r.try_get("global_seq")?, r.try_get("global_hash")?)
        });
        if to_u64(head_seq) != expected_gseq - 1 || head_hash.as_slice() != global.as_slice() {
            report.first_problem = Some(ChainProblem {
                global_seq: to_u64(head_seq),
                case: String::new(),
                seq: 0,
                reason: format!(
                    "het einde van de keten staat op positie {head_seq}, de gebeurtenissen lopen tot {}: er is een gebeurtenis verwijderd of toegevoegd",
                    expected_gseq - 1
                ),
            });
        }
        Ok(report)
    }

    pub(crate) async fn backup(&self, path: &std::path::Path) -> Result<()> {
        match self {
            Db::Sqlite(p, _) => {
                let copies = [
                    ("main", path.to_path_buf()),
                    (crate::logbook::SCHEMA, crate::logbook::path_beside(path)),
                ];
                for (schema, target) in copies {
                    let target = target.to_str().ok_or(StoreError::Unsupported(
                        "het pad van de reservekopie is geen geldige tekst",
                    ))?;
                    sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM {schema} INTO $1")))
                        .bind(target.to_owned())
                        .execute(p)
                        .await?;
                }
                Ok(())
            }
            Db::Postgres(_) => Err(StoreError::Unsupported(
                "maak een reservekopie van PostgreSQL met pg_dump (zie docs/operations.md)",
            )),
        }
    }
}

/// The roles as the row keeps them (`role=person,…`): (role, person).
pub(crate) fn role_pairs(text: &str) -> Vec<(String, String)> {
    text.split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(r, p)| (r.to_owned(), p.to_owned()))
        .collect()
}

/// The attention kinds as the row keeps them (`,kind,kind,`).
pub(crate) fn flag_kinds(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_texts_read_back_as_written() {
        assert_eq!(
            role_pairs("casusregie=p1,procesregie=p2"),
            vec![
                ("casusregie".to_owned(), "p1".to_owned()),
                ("procesregie".to_owned(), "p2".to_owned())
            ]
        );
        assert!(role_pairs("").is_empty());
        assert_eq!(flag_kinds(",a,b,"), vec!["a".to_owned(), "b".to_owned()]);
        assert!(flag_kinds(",,").is_empty());
    }
}
