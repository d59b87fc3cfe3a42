//! Aggregates for the policy dashboard: counted and grouped in SQL, never by loading cases, so
//! they stay cheap on a database of a hundred thousand cases. Nothing here names a case or a
//! person; suppressing small counts is the caller's duty (the page decides how).

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::db::{Db, time, to_u64};
use crate::{Result, Store};

/// Open cases that entered `phase` on one day (`YYYY-MM-DD`, UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseEntries {
    /// The phase.
    pub phase: String,
    /// The day the cases entered it.
    pub day: String,
    /// How many open cases.
    pub n: u64,
}

/// How many cases went from one phase to another in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// From this phase.
    pub from: String,
    /// To this phase.
    pub to: String,
    /// How many phase changes (an erased event's phases are unknown: empty).
    pub n: u64,
}

impl Store {
    /// Open cases per phase and per day they entered it (per gemeente if given): enough for
    /// the mean and median time in phase without a row per case.
    pub async fn phase_entries(&self, gemeente: Option<&str>) -> Result<Vec<PhaseEntries>> {
        self.db.phase_entries(gemeente).await
    }

    /// Phase changes since `since`, per (from, to) (per gemeente if given).
    pub async fn phase_flows(
        &self,
        gemeente: Option<&str>,
        since: &DateTime<Utc>,
    ) -> Result<Vec<Flow>> {
        self.db.phase_flows(gemeente, since).await
    }

    /// Open cases per attention kind on `today` (per gemeente if given), in one pass over the
    /// open cases; `kinds` are the kinds to count (`evaluation-overdue`, `role-unfilled`, …).
    pub async fn attention_counts(
        &self,
        gemeente: Option<&str>,
        today: &str,
        kinds: &[&str],
    ) -> Result<Vec<(String, u64)>> {
        self.db.attention_counts(gemeente, today, kinds).await
    }
}

impl Db {
    pub(crate) async fn phase_entries(&self, gemeente: Option<&str>) -> Result<Vec<PhaseEntries>> {
        let sql = format!(
            "SELECT phase, SUBSTR(COALESCE(phase_since, opened_at), 1, 10) AS day, COUNT(*) AS n FROM cases WHERE closed = $1{} GROUP BY phase, SUBSTR(COALESCE(phase_since, opened_at), 1, 10)",
            if gemeente.is_some() {
                " AND gemeente = $2"
            } else {
                ""
            }
        );
        let rows = on!(self, |p| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(false);
            if let Some(g) = gemeente {
                q = q.bind(g.to_owned());
            }
            q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<PhaseEntries> {
                    Ok(PhaseEntries {
                        phase: r.try_get("phase")?,
                        day: r.try_get("day")?,
                        n: to_u64(r.try_get::<i64, _>("n")?),
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        Ok(rows)
    }

    pub(crate) async fn phase_flows(
        &self,
        gemeente: Option<&str>,
        since: &DateTime<Utc>,
    ) -> Result<Vec<Flow>> {
        // The phases are in the event's content (JSON); the type and time are columns, and
        // an index on (type, at) finds the period's phase changes without a scan.
        let (from, to) = match self {
            Db::Sqlite(..) => (
                "json_extract(e.content, '$.event.from')",
                "json_extract(e.content, '$.event.to')",
            ),
            Db::Postgres(_) => (
                "(e.content::jsonb -> 'event' ->> 'from')",
                "(e.content::jsonb -> 'event' ->> 'to')",
            ),
        };
        let place = if gemeente.is_some() {
            " JOIN cases c ON c.id = e.case_id AND c.gemeente = $3"
        } else {
            ""
        };
        let sql = format!(
            "SELECT COALESCE({from}, '') AS from_phase, COALESCE({to}, '') AS to_phase, COUNT(*) AS n FROM events e{place} WHERE e.type = $1 AND e.at >= $2 GROUP BY 1, 2"
        );
        let rows = on!(self, |p| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind("phase_changed")
                .bind(time(since));
            if let Some(g) = gemeente {
                q = q.bind(g.to_owned());
            }
            q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<Flow> {
                    Ok(Flow {
                        from: r.try_get("from_phase")?,
                        to: r.try_get("to_phase")?,
                        n: to_u64(r.try_get::<i64, _>("n")?),
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        Ok(rows)
    }

    pub(crate) async fn attention_counts(
        &self,
        gemeente: Option<&str>,
        today: &str,
        kinds: &[&str],
    ) -> Result<Vec<(String, u64)>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        // $1 closed, $2 today, then one pattern per flag kind; the kinds are ours (a fixed
        // list), but they are bound all the same.
        let mut binds: Vec<String> = Vec::new();
        let mut sums = Vec::new();
        for (i, kind) in kinds.iter().enumerate() {
            let expr = match crate::row::due_column(kind) {
                Some(col) => format!("{} < $2", col.trim_start_matches("c.")),
                None => {
                    binds.push(format!("%,{kind},%"));
                    format!("flags LIKE ${}", binds.len() + 2)
                }
            };
            sums.push(format!(
                "CAST(COALESCE(SUM(CASE WHEN {expr} THEN 1 ELSE 0 END), 0) AS BIGINT) AS k{i}"
            ));
        }
        let place = if gemeente.is_some() {
            format!(" AND gemeente = ${}", binds.len() + 3)
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT {} FROM cases WHERE closed = $1{place}",
            sums.join(", ")
        );
        let counts: Vec<i64> = on!(self, |p| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(false)
                .bind(today.to_owned());
            for b in &binds {
                q = q.bind(b.clone());
            }
            if let Some(g) = gemeente {
                q = q.bind(g.to_owned());
            }
            let r = q.fetch_one(p).await?;
            (0..kinds.len())
                .map(|i| r.try_get::<i64, _>(format!("k{i}").as_str()))
                .collect::<std::result::Result<Vec<_>, _>>()?
        });
        Ok(kinds
            .iter()
            .zip(counts)
            .map(|(k, n)| ((*k).to_owned(), to_u64(n)))
            .collect())
    }
}
