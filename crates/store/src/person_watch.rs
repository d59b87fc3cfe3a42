//! On SQLite: changes of persons, their sessions and tokens noticed by a counter
//! (migration `0016_person_changes.sql`: triggers count every such change, whoever makes
//! it — the server or the `ave` command beside it). A task reads the counter every
//! [`POLL`] and says [`PersonsChanged::All`] when it moved; the server then forgets the
//! actors it kept. (PostgreSQL names the persons themselves: `row_cache.rs`.)

use std::time::Duration;

use sqlx::SqlitePool;
use tokio::sync::broadcast;

use crate::PersonsChanged;

/// How often the counter is read.
pub const POLL: Duration = Duration::from_millis(500);

/// Starts reading `pool`'s counter; what it notices goes to the receiver returned. The task
/// ends when the pool is closed or nobody receives any more.
pub(crate) fn watch(pool: SqlitePool) -> broadcast::Receiver<PersonsChanged> {
    let (tx, rx) = broadcast::channel(16);
    tokio::spawn(async move {
        // The last count read; a count only grows, so a change made while it could not be
        // read shows when it can again.
        let mut last: Option<i64> = None;
        let mut tick = tokio::time::interval(POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !pool.is_closed() && tx.receiver_count() > 0 {
            tick.tick().await;
            let read = sqlx::query_scalar::<_, i64>("SELECT seq FROM person_changes WHERE id = 1")
                .fetch_one(&pool)
                .await;
            match read {
                Ok(now) => {
                    if last.is_some_and(|l| l != now) {
                        let _ = tx.send(PersonsChanged::All);
                    }
                    last = Some(now);
                }
                // Not readable now (a change may go unseen for a while): forget anyway.
                Err(_) => {
                    let _ = tx.send(PersonsChanged::All);
                }
            }
        }
    });
    rx
}
