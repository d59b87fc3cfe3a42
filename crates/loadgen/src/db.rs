//! The database side of a run: what the scenarios need to know about the benchmark database
//! ([`Fixture`]: which cases exist, which filters give full pages), and the durable-commit
//! ceiling ([`CommitCeiling`]): one row inserted and committed, on the same database, with
//! the settings the store uses (SQLite: WAL, `synchronous=FULL`, the same busy timeout;
//! PostgreSQL: its defaults, so `synchronous_commit=on`).

use std::str::FromStr;
use std::time::Duration;

use sqlx::Row;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::LoadError;

/// A pool on either backend.
#[derive(Debug, Clone)]
pub enum Pool {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Runs the same code on either pool.
macro_rules! on {
    ($db:expr, |$p:ident| $body:expr) => {
        match $db {
            Pool::Sqlite($p) => $body,
            Pool::Postgres($p) => $body,
        }
    };
}

impl Pool {
    /// Opens `url` (`sqlite://path` or `postgres://…`) with at most `connections`
    /// connections. SQLite is opened as `ave-store` opens it: WAL, `synchronous=FULL`
    /// (an acknowledged commit survives a power cut), foreign keys, a 10 s busy timeout.
    pub async fn open(url: &str, connections: u32) -> Result<Pool, LoadError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))?
                .create_if_missing(false)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(connections)
                .connect_with(options)
                .await?;
            Ok(Pool::Sqlite(pool))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect(url)
                .await?;
            Ok(Pool::Postgres(pool))
        } else {
            Err(LoadError::Database(
                "onbekende database-URL (verwacht sqlite://… of postgres://…)".to_owned(),
            ))
        }
    }

    /// The backend's name.
    pub fn backend(&self) -> &'static str {
        match self {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// The pool size the store uses on this backend (`ave-store`'s `db.rs`).
    pub fn store_connections(url: &str) -> u32 {
        if url.starts_with("sqlite://") { 8 } else { 16 }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        on!(self, |p| p.close().await);
    }
}

/// A filter that gives a page: a gemeente and a phase, with how many cases match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    /// The gemeente.
    pub gemeente: String,
    /// Who lists (a person involved in cases of the gemeente).
    pub reader: String,
    /// The phase.
    pub phase: String,
    /// Cases matching.
    pub cases: u64,
}

/// What the scenarios need to know about the database.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Every case id with a person who may read it (involved in it).
    pub cases: Vec<(String, String)>,
    /// The filters on gemeente and phase whose first page is full (at least `page` cases);
    /// if none is, the largest one.
    pub filters: Vec<ListFilter>,
    /// Events in the database.
    pub events: u64,
    /// The ids of the models the cases follow.
    pub models: Vec<String>,
    /// Every person who holds a role in an open case, with how many such cases (those
    /// whose "Mijn casussen" has rows).
    pub holders: Vec<(String, u64)>,
    /// People of the demo region who govern a phase of their gemeente — its operational or
    /// administrative responsibility, as the model says — and so may see a summary of every
    /// case in it: the widest view need-to-know gives (those in the database's directory).
    pub governors: Vec<String>,
}

/// The people of the demo region whose function holds the operational or administrative
/// responsibility of some phase of their gemeente's model, and who are in `directory`.
fn governors(directory: &[String]) -> Result<Vec<String>, LoadError> {
    let models = ave_demo::models()?;
    let region = ave_demo::region()?;
    let mut out = Vec::new();
    for (g, m) in region.gemeenten.iter().zip(&models) {
        let model = m.model.model();
        for p in &g.people {
            let governs = model.phases.iter().any(|phase| {
                [
                    ave_model::types::RoleKind::Operationeel,
                    ave_model::types::RoleKind::Bestuurlijk,
                ]
                .into_iter()
                .filter_map(|k| phase.regie.role(k))
                .any(|spec| spec.holders.iter().any(|f| f.as_str() == p.function))
            });
            if governs && directory.contains(&p.id) {
                out.push(p.id.clone());
            }
        }
    }
    Ok(out)
}

impl Fixture {
    /// Reads the case ids and the filters from the database.
    pub async fn load(pool: &Pool, page: u64) -> Result<Fixture, LoadError> {
        let cases: Vec<(String, String)> = on!(pool, |p| {
            sqlx::query(
                "SELECT c.id, (SELECT a.person FROM case_access a WHERE a.case_id = c.id AND a.kind IN ('rol', 'deelnemer') ORDER BY a.person LIMIT 1) AS reader FROM cases c ORDER BY c.id",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .filter_map(|r| {
                let id = r.try_get::<String, _>("id").ok()?;
                let reader = r.try_get::<Option<String>, _>("reader").ok()??;
                Some((id, reader))
            })
            .collect()
        });
        if cases.is_empty() {
            return Err(LoadError::Empty("geen casussen (eerst ave-load seed)"));
        }
        let mut all: Vec<ListFilter> = on!(pool, |p| {
            sqlx::query(
                "SELECT c.gemeente, c.phase, COUNT(*) AS n, MIN((SELECT MIN(a.person) FROM case_access a WHERE a.case_id = c.id AND a.kind IN ('rol', 'deelnemer'))) AS reader FROM cases c WHERE c.gemeente IS NOT NULL GROUP BY c.gemeente, c.phase ORDER BY c.gemeente, c.phase",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| -> Result<ListFilter, sqlx::Error> {
                Ok(ListFilter {
                    gemeente: r.try_get("gemeente")?,
                    reader: r
                        .try_get::<Option<String>, _>("reader")?
                        .unwrap_or_default(),
                    phase: r.try_get("phase")?,
                    cases: u64::try_from(r.try_get::<i64, _>("n")?).unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>, _>>()?
        });
        let events: i64 = on!(pool, |p| {
            sqlx::query("SELECT COUNT(*) AS n FROM events")
                .fetch_one(p)
                .await?
                .try_get("n")?
        });
        let models: Vec<String> = on!(pool, |p| {
            sqlx::query("SELECT DISTINCT model_id FROM cases ORDER BY model_id")
                .fetch_all(p)
                .await?
                .into_iter()
                .filter_map(|r| r.try_get::<String, _>("model_id").ok())
                .collect()
        });
        let holders: Vec<(String, u64)> = on!(pool, |p| {
            sqlx::query(
                "SELECT r.person, COUNT(DISTINCT r.case_id) AS n FROM case_roles r JOIN cases c ON c.id = r.case_id WHERE c.closed = FALSE GROUP BY r.person ORDER BY r.person",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .filter_map(|r| {
                let person = r.try_get::<String, _>("person").ok()?;
                let n = u64::try_from(r.try_get::<i64, _>("n").ok()?).ok()?;
                Some((person, n))
            })
            .collect()
        });
        let full: Vec<ListFilter> = all.iter().filter(|f| f.cases >= page).cloned().collect();
        let filters = if full.is_empty() {
            all.sort_by_key(|f| std::cmp::Reverse(f.cases));
            all.into_iter().take(1).collect()
        } else {
            full
        };
        if filters.is_empty() {
            return Err(LoadError::Empty("geen casussen met een gemeente"));
        }
        let directory: Vec<String> = on!(pool, |p| {
            sqlx::query("SELECT id FROM persons ORDER BY id")
                .fetch_all(p)
                .await?
                .into_iter()
                .filter_map(|r| r.try_get::<String, _>("id").ok())
                .collect()
        });
        let governors = governors(&directory)?;
        Ok(Fixture {
            cases,
            filters,
            events: u64::try_from(events).unwrap_or(0),
            models,
            holders,
            governors,
        })
    }
}

/// The scratch table of the durable-commit ceiling; created before and dropped after.
pub const SCRATCH_TABLE: &str = "ave_load_commit";

/// The bare durable one-row commit: `BEGIN; INSERT one row; COMMIT` on a scratch table of
/// the benchmark database.
#[derive(Debug, Clone)]
pub struct CommitCeiling {
    pool: Pool,
}

impl CommitCeiling {
    /// Opens the database with `connections` connections and creates the scratch table.
    pub async fn open(url: &str, connections: u32) -> Result<CommitCeiling, LoadError> {
        let pool = Pool::open(url, connections).await?;
        let create = match pool {
            Pool::Sqlite(_) => format!(
                "CREATE TABLE IF NOT EXISTS {SCRATCH_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, client INTEGER NOT NULL, n INTEGER NOT NULL, note TEXT NOT NULL)"
            ),
            Pool::Postgres(_) => format!(
                "CREATE TABLE IF NOT EXISTS {SCRATCH_TABLE} (id BIGSERIAL PRIMARY KEY, client BIGINT NOT NULL, n BIGINT NOT NULL, note TEXT NOT NULL)"
            ),
        };
        on!(&pool, |p| {
            sqlx::raw_sql(sqlx::AssertSqlSafe(create))
                .execute(p)
                .await?;
        });
        Ok(CommitCeiling { pool })
    }

    /// One durable commit of one row.
    pub async fn commit_one(&self, client: usize, n: u64) -> Result<(), sqlx::Error> {
        let sql = format!("INSERT INTO {SCRATCH_TABLE} (client, n, note) VALUES ($1, $2, $3)");
        let client = i64::try_from(client).unwrap_or(i64::MAX);
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        on!(&self.pool, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(client)
                .bind(n)
                .bind("ave-load: één rij, duurzaam vastgelegd")
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Drops the scratch table and closes the pool.
    pub async fn finish(self) -> Result<(), LoadError> {
        let drop = format!("DROP TABLE IF EXISTS {SCRATCH_TABLE}");
        on!(&self.pool, |p| {
            sqlx::raw_sql(sqlx::AssertSqlSafe(drop)).execute(p).await?;
        });
        self.pool.close().await;
        Ok(())
    }
}
