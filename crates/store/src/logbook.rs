//! On SQLite the two logs — the security audit log ([`crate::audit`]) and the processing log
//! ([`crate::processing`]) — live in a file of their own next to the case store:
//! `ave.sqlite` keeps them in `ave.logboek.sqlite`.
//!
//! Why: every read of a case writes an audit entry and a processing record. In the case
//! store's own file each commit of those changed its write-ahead log, and SQLite makes every
//! other connection drop its whole page cache when that log changed — so reads paid for the
//! logs twice, once to write them and once to read their pages again. In a file of their own
//! the log's commits leave the readers' caches alone.
//!
//! How: every connection of the case store attaches the file as schema `logboek`, so the
//! statements name the tables without a schema and SQLite finds them there (queries that
//! join the logs with the directory keep working). The log writer has its own connection to
//! the file (`Db::open_logbook`). The file has its own migrations
//! (`migrations/sqlite-logboek`); a database that kept its logs in the main file has the rows
//! moved at start, positions and hashes unchanged (`migrate`).
//!
//! Both files carry the same random token (`logbook_link`): a store whose logbook is missing
//! or belongs to another database refuses to start, instead of beginning a new, empty audit
//! log. A backup copies both ([`crate::Store::backup`]).
//!
//! PostgreSQL keeps the logs in the same database: its readers share no such cache.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::{Result, StoreError};

/// The schema name under which the case store's connections see the logbook.
pub(crate) const SCHEMA: &str = "logboek";

/// The log tables, in the order their rows are moved.
const TABLES: [&str; 4] = [
    "audit_log",
    "audit_checkpoints",
    "processing_log",
    "audit_head",
];

/// The logbook file that belongs to the SQLite database file `db`: `ave.sqlite` →
/// `ave.logboek.sqlite`, `data/cases` → `data/cases.logboek.sqlite`.
pub fn path_beside(db: &Path) -> PathBuf {
    let stem = match db.extension() {
        Some(_) => db.file_stem(),
        None => db.file_name(),
    }
    .map(|s| s.to_string_lossy().into_owned())
    .unwrap_or_else(|| "ave".to_owned());
    db.with_file_name(format!("{stem}.{SCHEMA}.sqlite"))
}

/// Whether the part of a `sqlite://` URL after the scheme names a file (not a database in
/// memory): only a file has a logbook beside it.
pub(crate) fn is_file(url_path: &str) -> bool {
    !(url_path.is_empty() || url_path.starts_with(":memory:") || url_path.contains("mode=memory"))
}

/// The statements every connection of the case store runs first: attach the logbook and
/// give it the same durability as the case store.
pub(crate) fn attach_sql(logbook: &Path) -> String {
    let quoted = logbook.to_string_lossy().replace('\'', "''");
    format!(
        "ATTACH DATABASE '{quoted}' AS {SCHEMA}; \
         PRAGMA {SCHEMA}.journal_mode = WAL; \
         PRAGMA {SCHEMA}.synchronous = FULL;"
    )
}

/// The log writer's own connection to the logbook file (one: there is one writer).
pub(crate) async fn open_pool(logbook: &Path) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::from_str("sqlite://")?
        .filename(logbook)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10));
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?)
}

/// Brings the logbook's schema up to date, moves log rows the case store still holds into
/// it, and checks that the two files belong together. Runs after the case store's own
/// migrations (which give it `logbook_link`).
pub(crate) async fn migrate(main: &SqlitePool, logbook: &SqlitePool, path: &Path) -> Result<()> {
    sqlx::migrate!("./migrations/sqlite-logboek")
        .run(logbook)
        .await
        .map_err(|e| {
            StoreError::unavailable("het schema van het logboek is niet bij te werken", e)
        })?;
    move_rows(main).await?;
    link(main, path).await
}

/// Moves the log tables of a database from before the logbook file into it: first the rows
/// are copied (a transaction that writes only the logbook), then the old tables are dropped
/// (one that writes only the case store). A crash between the two leaves both copies, and
/// the next start copies again — nothing twice, nothing lost.
async fn move_rows(main: &SqlitePool) -> Result<()> {
    let names = TABLES.map(|t| format!("'{t}'")).join(", ");
    let old: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name IN ({names})"
    )))
    .fetch_all(main)
    .await?
    .iter()
    .map(|r| r.try_get::<String, _>("name"))
    .collect::<std::result::Result<_, _>>()?;
    if old.is_empty() {
        return Ok(());
    }
    let mut copy = main.begin().await?;
    let mut rows = 0;
    for table in TABLES.iter().filter(|t| old.iter().any(|o| o == *t)) {
        // Whether the statement moves entries or records (the head is one row, moved or not).
        let (sql, entries) = match *table {
            // The head moves only forward: a second copy never puts back an older one.
            "audit_head" => (
                format!(
                    "UPDATE {SCHEMA}.audit_head SET seq = m.seq, hash = m.hash \
                     FROM (SELECT seq, hash FROM main.audit_head WHERE id = 1) AS m \
                     WHERE {SCHEMA}.audit_head.id = 1 AND {SCHEMA}.audit_head.seq <= m.seq"
                ),
                false,
            ),
            _ => (
                format!("INSERT OR IGNORE INTO {SCHEMA}.{table} SELECT * FROM main.{table}"),
                true,
            ),
        };
        let done = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *copy)
            .await?;
        if entries {
            rows += done.rows_affected();
        }
    }
    copy.commit().await?;
    let mut drop = main.begin().await?;
    for table in &old {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP TABLE main.{table}")))
            .execute(&mut *drop)
            .await?;
    }
    drop.commit().await?;
    // A new database makes the old tables empty on its way through the migrations: only a
    // move of entries is news to an operator.
    if rows > 0 {
        tracing::info!(
            tabellen = old.len(),
            rijen = rows,
            "logboek: de logtabellen zijn naar het eigen logboekbestand verplaatst"
        );
    } else {
        tracing::debug!(
            tabellen = old.len(),
            "logboek: lege oude logtabellen opgeruimd"
        );
    }
    Ok(())
}

/// Ties the two files together with a random token, or checks that they are.
async fn link(main: &SqlitePool, path: &Path) -> Result<()> {
    let token_in = |schema: &'static str| async move {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT token FROM {schema}.logbook_link WHERE id = 1"
        )))
        .fetch_optional(main)
        .await?
        .map(|r| r.try_get::<String, _>("token"))
        .transpose()
        .map_err(StoreError::from)
    };
    let ours = token_in("main").await?;
    let theirs = token_in(SCHEMA).await?;
    let insert = |schema: &'static str, token: String| async move {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {schema}.logbook_link (id, token) VALUES (1, $1)"
        )))
        .bind(token)
        .execute(main)
        .await
        .map(|_| ())
        .map_err(StoreError::from)
    };
    match (ours, theirs) {
        (Some(a), Some(b)) if a == b => Ok(()),
        (Some(_), Some(_)) => Err(StoreError::Invalid(format!(
            "het logboek {} hoort bij een andere database: zet het logboek van deze database terug (een reservekopie bestaat uit beide bestanden)",
            path.display()
        ))),
        (Some(_), None) => Err(StoreError::Invalid(format!(
            "het logboek {} ontbreekt of is leeg, terwijl deze database er een had: zet het terug (een reservekopie bestaat uit beide bestanden); een nieuw, leeg auditlog wordt niet begonnen",
            path.display()
        ))),
        // A logbook first, then the store: a crash between the two is finished here.
        (None, Some(token)) => insert("main", token).await,
        (None, None) => {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes)
                .map_err(|e| StoreError::unavailable("geen toevalsbron beschikbaar", e))?;
            let token = hex::encode(bytes);
            insert(SCHEMA, token.clone()).await?;
            insert("main", token).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logbook_sits_beside_its_database() {
        assert_eq!(
            path_beside(Path::new("/data/ave.sqlite")),
            PathBuf::from("/data/ave.logboek.sqlite")
        );
        assert_eq!(
            path_beside(Path::new("cases")),
            PathBuf::from("cases.logboek.sqlite")
        );
        assert_eq!(
            path_beside(Path::new("a/b.c.db")),
            PathBuf::from("a/b.c.logboek.sqlite")
        );
    }

    #[test]
    fn only_a_file_has_a_logbook() {
        assert!(is_file("ave-data/ave.sqlite"));
        assert!(is_file("/data/ave.sqlite?mode=rwc"));
        assert!(!is_file(":memory:"));
        assert!(!is_file(""));
        assert!(!is_file("ave?mode=memory"));
    }

    #[test]
    fn a_quote_in_the_path_stays_inside_the_string() {
        assert!(
            attach_sql(Path::new("/tmp/o'neil.sqlite"))
                .starts_with("ATTACH DATABASE '/tmp/o''neil.sqlite' AS logboek;")
        );
    }
}
