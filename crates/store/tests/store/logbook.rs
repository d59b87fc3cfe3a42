//! SQLite keeps the two logs in a file of their own beside the case store
//! (`ave.logboek.sqlite`): written there, moved there from a database that had them inside,
//! and never silently replaced by a new, empty log.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ave_store::audit::AuditEntry;
use ave_store::logbook::path_beside;
use ave_store::{Store, StoreError};
use ed25519_dalek::SigningKey;
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

use crate::support::{TestDb, at};

fn entry(n: u32) -> AuditEntry {
    AuditEntry {
        at: at(n),
        actor: format!("persoon-{n}"),
        origin: "127.0.0.1".to_owned(),
        action: "lezen".into(),
        object: format!("casus/casus-{n}"),
        result: "ok".into(),
    }
}

fn key() -> SigningKey {
    SigningKey::from_bytes(&[9; 32])
}

/// A plain connection to one SQLite file, without the store's attached logbook.
async fn plain(path: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::from_str("sqlite://")
        .expect("options")
        .filename(path);
    SqlitePool::connect_with(options).await.expect("open file")
}

async fn tables(pool: &SqlitePool) -> Vec<String> {
    sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .fetch_all(pool)
        .await
        .expect("tables")
        .iter()
        .map(|r| r.get::<String, _>("name"))
        .collect()
}

async fn count(pool: &SqlitePool, table: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) AS n FROM {table}"
    )))
    .fetch_one(pool)
    .await
    .expect("count")
    .get("n")
}

/// A store with eight audit entries (a checkpoint after five) and is closed again.
async fn logged(db: &TestDb) -> PathBuf {
    let first: Vec<_> = (1..=5).map(entry).collect();
    db.store.audit_append(&first).await.expect("append");
    db.store
        .audit_checkpoint(&key(), at(6))
        .await
        .expect("checkpoint")
        .expect("signed");
    let rest: Vec<_> = (6..=8).map(entry).collect();
    db.store.audit_append(&rest).await.expect("append");
    db.store.close().await;
    db.dir.path().join("ave.sqlite")
}

async fn reopen(path: &Path) -> Result<Store, StoreError> {
    let store = Store::open(&format!("sqlite://{}", path.display())).await?;
    match store.migrate().await {
        Ok(()) => Ok(store),
        Err(e) => {
            store.close().await;
            Err(e)
        }
    }
}

/// Replaces the logbook file (and forgets its write-ahead log).
fn put_logbook(path: &Path, bytes: &[u8]) {
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    std::fs::write(path, bytes).expect("logbook written");
}

async fn verified(store: &Store) -> u64 {
    let report = store
        .verify_audit(&[key().verifying_key()])
        .await
        .expect("verify");
    assert_eq!(report.first_problem, None);
    assert_eq!(report.checkpoints, 1);
    report.entries
}

#[tokio::test]
async fn the_logs_are_written_to_their_own_file_and_not_to_the_case_store() {
    let db = TestDb::sqlite().await;
    let main = logged(&db).await;
    let logbook = path_beside(&main);
    assert_eq!(logbook, db.dir.path().join("ave.logboek.sqlite"));
    let cases = plain(&main).await;
    let logs = plain(&logbook).await;
    let in_cases = tables(&cases).await;
    assert!(in_cases.contains(&"cases".to_owned()));
    assert!(
        !in_cases
            .iter()
            // The outbox of changes' audit entries belongs with the changes.
            .any(|t| (t.starts_with("audit") && t != "audit_outbox") || t == "processing_log")
    );
    assert_eq!(count(&logs, "audit_log").await, 8);
    assert_eq!(count(&logs, "audit_checkpoints").await, 1);
    let store = reopen(&main).await.expect("reopens");
    assert_eq!(store.logbook_path(), Some(logbook));
    assert_eq!(verified(&store).await, 8);
}

/// Puts the logbook's tables and rows back into the case store and removes the logbook, as
/// a database from before the logbook file (schema 0012) had them.
async fn as_before_the_logbook(main: &Path) {
    let logbook = path_beside(main);
    let pool = plain(main).await;
    let mut conn = pool.acquire().await.expect("connection");
    let attach = format!("ATTACH DATABASE '{}' AS lb", logbook.display());
    sqlx::raw_sql(sqlx::AssertSqlSafe(attach))
        .execute(&mut *conn)
        .await
        .expect("attach");
    let ddl: Vec<String> = sqlx::query(
        "SELECT sql FROM lb.sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ('audit_log', 'audit_head', 'audit_checkpoints', 'processing_log') ORDER BY type DESC",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("ddl")
    .iter()
    .map(|r| r.get("sql"))
    .collect();
    for sql in ddl {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
            .expect("create in main");
    }
    for table in [
        "audit_log",
        "audit_head",
        "audit_checkpoints",
        "processing_log",
    ] {
        let copy = format!("INSERT INTO main.{table} SELECT * FROM lb.{table}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(copy))
            .execute(&mut *conn)
            .await
            .expect("copy");
    }
    sqlx::raw_sql(
        "DROP TABLE main.logbook_link; DELETE FROM _sqlx_migrations WHERE version = 13; DETACH DATABASE lb",
    )
    .execute(&mut *conn)
    .await
    .expect("back to 0012");
    drop(conn);
    pool.close().await;
    std::fs::remove_file(&logbook).expect("logbook removed");
}

#[tokio::test]
async fn a_database_with_its_logs_inside_has_them_moved_with_every_hash_intact() {
    let db = TestDb::sqlite().await;
    let main = logged(&db).await;
    as_before_the_logbook(&main).await;
    assert!(
        tables(&plain(&main).await)
            .await
            .contains(&"audit_log".to_owned())
    );

    let store = reopen(&main).await.expect("migrates");
    assert_eq!(verified(&store).await, 8);
    // The chain goes on where it was.
    assert_eq!(store.audit_append(&[entry(9)]).await.expect("append"), 9);
    store.close().await;
    let in_cases = tables(&plain(&main).await).await;
    assert!(
        !in_cases
            .iter()
            // The outbox of changes' audit entries belongs with the changes.
            .any(|t| (t.starts_with("audit") && t != "audit_outbox") || t == "processing_log")
    );
    assert_eq!(
        count(&plain(&path_beside(&main)).await, "audit_log").await,
        9
    );
}

#[tokio::test]
async fn a_move_that_stopped_halfway_is_finished_without_a_row_twice() {
    let db = TestDb::sqlite().await;
    let main = logged(&db).await;
    let before = std::fs::read(path_beside(&main)).expect("logbook bytes");
    as_before_the_logbook(&main).await;
    // The copy had committed (the logbook has every row), the drop had not.
    put_logbook(&path_beside(&main), &before);
    let store = reopen(&main).await.expect("migrates");
    assert_eq!(verified(&store).await, 8);
}

#[tokio::test]
async fn a_missing_or_foreign_logbook_stops_the_store_instead_of_starting_an_empty_log() {
    let db = TestDb::sqlite().await;
    let main = logged(&db).await;
    let logbook = path_beside(&main);
    let kept = std::fs::read(&logbook).expect("logbook bytes");

    std::fs::remove_file(&logbook).expect("removed");
    let missing = refused(&main).await;
    assert!(missing.contains("ontbreekt"), "{missing}");
    assert!(missing.contains("ave.logboek.sqlite"), "{missing}");

    let other = TestDb::sqlite().await;
    let foreign = logged(&other).await;
    put_logbook(
        &logbook,
        &std::fs::read(path_beside(&foreign)).expect("foreign"),
    );
    let wrong = refused(&main).await;
    assert!(wrong.contains("andere database"), "{wrong}");

    put_logbook(&logbook, &kept);
    let store = reopen(&main).await.expect("its own logbook is accepted");
    assert_eq!(verified(&store).await, 8);
}

#[tokio::test]
async fn a_backup_copies_both_files_and_the_copy_verifies() {
    let db = TestDb::sqlite().await;
    let main = logged(&db).await;
    let store = reopen(&main).await.expect("reopens");
    let copy = db.dir.path().join("kopie.sqlite");
    store.backup(&copy).await.expect("backup");
    assert!(path_beside(&copy).exists());
    let restored = reopen(&copy).await.expect("the copy opens");
    assert_eq!(verified(&restored).await, 8);
}

/// The error with which reopening the store at `main` is refused.
async fn refused(main: &std::path::Path) -> String {
    match reopen(main).await {
        Ok(_) => panic!("the store opened although it should have been refused"),
        Err(e) => e.to_string(),
    }
}
