//! Listing cases: the filters as SQL, and where the database starts.
//!
//! (On PostgreSQL with kept rows, `Store::list` answers a need-to-know list of someone who
//! may see few enough cases in memory first: [`crate::kept_list`]. What follows is every
//! other list, and every list on SQLite.)
//!
//! A list restricted to one person (their roles, or what they may see under need-to-know)
//! can start from two ends: from that person's own cases (few for most people: a
//! casusregisseur holds tens) or from the cases in the order of the list (best when the
//! person may see a large share of them, as a manager of a phase does: the first page is
//! full after a few rows). Which end is cheaper is not something the database's planner can
//! know — it sees one person's index entries as it sees another's — so the list measures it
//! first: it counts the person's entries in the index up to [`SET_LIMIT`] by default (a bounded walk of
//! an index, a millisecond or two) and then writes the query so that it starts at the cheaper end:
//!
//! - **the person's roles**, when a role holder is asked for and holds few enough;
//! - **the person's visible cases**, when they are involved in few enough (their
//!   involvement and break-glass grants), with each phase they govern as a **stream**: the
//!   first cases of that phase in list order that pass the filters, no more than the page
//!   needs, from the index of governed phases (or, for an attention kind that falls due on
//!   a day, from that phase's overdue cases: an index per kind) — however large the phase;
//! - **the cases with the attention kind** asked for, when few enough have it (the flag
//!   kinds from `case_flags`, the day-dependent kinds from the index on their due date), and
//!   for someone who governs phases when a flag is rare next to the phases' size;
//! - **the cases in list order**, with need-to-know checked per case, otherwise.
//!
//! The derived table is joined with `CROSS JOIN`, which SQLite takes as "start here" and
//! PostgreSQL plans as any join. All these forms mean the same (the tests run lists through
//! each); only the work differs.
//!
//! A page is found in two steps: first its ids, on the narrow columns that the filters and
//! the order read (the indexes of migration 0014 hold them all, so this reads no row of
//! the table), then the page's rows whole. SQLite is told which index to take where its
//! planner would otherwise pick a worse one (`INDEXED BY`; PostgreSQL plans on statistics).
//!
//! The total is exact when the list starts at the person's cases without governed phases,
//! at their roles or at an attention kind. With governed phases each phase is counted up to
//! [`crate::COUNT_CAP`]; in list order a need-to-know list counts at most that many; both
//! then say there are more.

use std::borrow::Cow;

use ave_engine::ids::CaseId;
use sqlx::Row;

use crate::cells::Cells;
use crate::db::{Db, flag_kinds, parse_time, role_pairs, to_u64};
use crate::direct::query;
use crate::row_cache::RowCache;
use crate::{CaseFilter, CaseRow, Page, Result, StoreError, Visible};

/// A query parameter.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Bool(bool),
}

/// The parameters of a query, numbered as they are added.
#[derive(Debug, Default)]
struct Args(Vec<Arg>);

impl Args {
    fn text(&mut self, s: impl Into<String>) -> String {
        self.0.push(Arg::Text(s.into()));
        format!("${}", self.0.len())
    }

    fn bool(&mut self, b: bool) -> String {
        self.0.push(Arg::Bool(b));
        format!("${}", self.0.len())
    }
}

/// Where a list starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// From the role holder's cases.
    Roles,
    /// From the cases the person may see.
    Visible,
    /// From the cases with the attention kind asked for.
    Attention,
    /// From all cases, in the order of the list.
    Scan,
}

impl Db {
    /// The cases table, to be joined by id: on SQLite through the narrow index, named,
    /// because its planner otherwise may take an index on a condition of the list (an
    /// overdue day, say) and read that whole range for every id (PostgreSQL plans the join
    /// on its statistics).
    fn by_id(&self, alias: &str) -> String {
        match self {
            Db::Sqlite(..) => format!("cases {alias} INDEXED BY cases_narrow"),
            Db::Postgres(_) => format!("cases {alias}"),
        }
    }

    /// The column a page's rows are found by in their second step: on SQLite the row's
    /// `rowid` (the ids' index holds it, so the whole row is one search of the table instead
    /// of a search of the id's index and then of the table); on PostgreSQL the id.
    fn row_key(&self) -> &'static str {
        match self {
            Db::Sqlite(..) => "rowid",
            Db::Postgres(_) => "id",
        }
    }

    /// The columns of a case's read model and the tables they come from (alias `c` for the
    /// case's row), as this backend keeps them (`append::Layout`).
    fn case_source(&self) -> (&'static str, &'static str) {
        match self {
            Db::Sqlite(..) => (ROW_CASE_COLUMNS, ROW_CASE_TABLES),
            Db::Postgres(_) => (CASE_COLUMNS, CASE_TABLES),
        }
    }

    /// Whether a planner hint (`INDEXED BY`, SQLite only) can be given.
    fn hints(&self) -> bool {
        matches!(self, Db::Sqlite(..))
    }

    /// A page of the cases `filter` gives, newest activity first, with their total
    /// (see the module's documentation for where it starts and how it counts).
    pub(crate) async fn list(
        &self,
        filter: &CaseFilter,
        today: &str,
        offset: u64,
        limit: u64,
        most: u64,
        rows: Option<&RowCache>,
    ) -> Result<Page<CaseRow>> {
        let start = self.start(filter, today, most).await?;
        let limit = limit.min(1000);
        let mut args = Args::default();
        let mut clauses = filters(filter, today, "c", start != Start::Roles, &mut args);
        let mut from = "cases c".to_owned();
        if start == Start::Roles {
            let (person, roles) = holder_parts(filter, "r", &mut args);
            from = format!(
                "(SELECT DISTINCT r.case_id FROM case_roles r WHERE r.person = {person}{roles}) d CROSS JOIN {}",
                self.by_id("c")
            );
            clauses.push("c.id = d.case_id".to_owned());
        }
        if start == Start::Attention
            && let Some(kind) = &filter.attention
        {
            let set = match crate::row::due_column(kind) {
                Some(col) => format!(
                    "SELECT a.id AS case_id FROM cases a WHERE a.closed = {} AND a.{} < {}",
                    args.bool(false),
                    col.trim_start_matches("c."),
                    args.text(today)
                ),
                None => format!(
                    "SELECT f.case_id FROM case_flags f WHERE f.kind = {}",
                    args.text(kind.clone())
                ),
            };
            from = format!("({set}) d CROSS JOIN {}", self.by_id("c"));
            clauses.push("c.id = d.case_id".to_owned());
        }
        // The governed phases a list starting at the person's cases takes as streams, each
        // newest first and no longer than the page needs (see `visible_set`).
        let mut streams = Vec::new();
        if let Some(v) = &filter.visible {
            if start == Start::Visible {
                streams = relevant(v, filter);
                let set = visible_set(
                    v,
                    &streams,
                    filter,
                    today,
                    (offset + limit, self.hints()),
                    &mut args,
                );
                from = format!("({set}) d CROSS JOIN {}", self.by_id("c"));
                clauses.push("c.id = d.case_id".to_owned());
            } else {
                clauses.push(visible_per_case(v, &mut args));
            }
        }
        let source = if clauses.is_empty() {
            format!("FROM {from}")
        } else {
            format!("FROM {from} WHERE {}", clauses.join(" AND "))
        };
        let args = args.0;
        if start == Start::Visible && !streams.is_empty() {
            // The streams hold only the first rows of each phase: the total is counted apart.
            let (items, _) = self
                .page(&source, &args, offset, limit, false, rows)
                .await?;
            let (total, capped) = self.count_governed(filter, today, &streams).await?;
            return Ok(Page {
                items,
                total,
                capped,
            });
        }
        if start != Start::Scan {
            // One pass gives the page and the exact total.
            let (items, total) = self.page(&source, &args, offset, limit, true, rows).await?;
            let total = match total {
                Some(n) => n,
                None => {
                    self.count(&format!("SELECT COUNT(*) AS n {source}"), &args)
                        .await?
                }
            };
            return Ok(Page {
                items,
                total,
                capped: false,
            });
        }
        // Filters on gemeente, phase and open/closed alone are answered from the kept counts;
        // a need-to-know list in list order counts up to COUNT_CAP; any other counts its rows.
        let counted = filter.holder.is_none()
            && filter.attention.is_none()
            && filter.within.is_none()
            && filter.visible.is_none();
        let bounded = filter.visible.is_some();
        let count_sql = if counted {
            let where_part = source.strip_prefix("FROM cases c").unwrap_or_default();
            format!(
                "SELECT CAST(COALESCE(SUM(c.n), 0) AS BIGINT) AS n FROM case_counts c{where_part}"
            )
        } else if bounded {
            format!(
                "SELECT COUNT(*) AS n FROM (SELECT 1 {source} LIMIT {}) t",
                crate::COUNT_CAP + 1
            )
        } else {
            format!("SELECT COUNT(*) AS n {source}")
        };
        let total = self.count(&count_sql, &args).await?;
        let capped = bounded && total > crate::COUNT_CAP;
        let (items, _) = self
            .page(&source, &args, offset, limit, false, rows)
            .await?;
        Ok(Page {
            items,
            total: total.min(if capped { crate::COUNT_CAP } else { u64::MAX }),
            capped,
        })
    }

    /// How many cases a need-to-know list that starts at the person's cases holds when the
    /// person governs phases: per governed phase (each counted up to [`crate::COUNT_CAP`]),
    /// plus the cases they are involved in outside those phases. Capped at
    /// [`crate::COUNT_CAP`] (then the second value is true), as a list in list order is.
    async fn count_governed(
        &self,
        filter: &CaseFilter,
        today: &str,
        streams: &[&Governed],
    ) -> Result<(u64, bool)> {
        let Some(v) = &filter.visible else {
            return Ok((0, false));
        };
        let cap = crate::COUNT_CAP;
        let mut total = 0;
        for g in streams {
            let mut args = Args::default();
            let mut clauses = vec![governed_one(g, "g", &mut args)];
            clauses.extend(filters(filter, today, "g", true, &mut args));
            total += self
                .count(
                    &format!(
                        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) t",
                        governed_table(g, self.hints(), filter.attention.as_deref()),
                        clauses.join(" AND "),
                        cap + 1
                    ),
                    &args.0,
                )
                .await?;
            if total > cap {
                return Ok((cap, true));
            }
        }
        let mut args = Args::default();
        let person = args.text(v.person.clone());
        let now = args.text(v.now.clone());
        let mut clauses = filters(filter, today, "c", true, &mut args);
        clauses.push("c.id = d.case_id".to_owned());
        // Outside every governed phase (a case without a gemeente is outside a phase of one).
        let any: Vec<String> = streams
            .iter()
            .map(|g| governed_one(g, "c", &mut args))
            .collect();
        clauses.push(format!(
            "(CASE WHEN {} THEN 1 ELSE 0 END) = 0",
            any.join(" OR ")
        ));
        total += self
            .count(
                &format!(
                    "SELECT COUNT(*) AS n FROM ({}) d CROSS JOIN {} WHERE {}",
                    involved_set(&person, &now),
                    self.by_id("c"),
                    clauses.join(" AND ")
                ),
                &args.0,
            )
            .await?;
        Ok(if total > cap {
            (cap, true)
        } else {
            (total, false)
        })
    }

    /// Where a list for `filter` starts (see the module's documentation).
    async fn start(&self, filter: &CaseFilter, today: &str, most: u64) -> Result<Start> {
        if filter.holder.is_none() && filter.visible.is_none() && filter.attention.is_none() {
            return Ok(Start::Scan);
        }
        if let Some(person) = &filter.holder {
            let mut args = Args::default();
            let p = args.text(person.clone());
            let roles = match &filter.holder_roles {
                Some(roles) if !roles.is_empty() => {
                    let marks: Vec<String> = roles.iter().map(|r| args.text(r.clone())).collect();
                    format!(" AND role IN ({})", marks.join(", "))
                }
                Some(_) => return Ok(Start::Roles),
                None => String::new(),
            };
            let held = self
                .count(
                    &format!(
                        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM case_roles WHERE person = {p}{roles} LIMIT {}) t",
                        most + 1
                    ),
                    &args.0,
                )
                .await?;
            if held <= most {
                return Ok(Start::Roles);
            }
        }
        if let Some(v) = &filter.visible {
            let mut args = Args::default();
            let p = args.text(v.person.clone());
            let now = args.text(v.now.clone());
            let involved = self
                .count(
                    &format!(
                        "SELECT COUNT(*) AS n FROM (SELECT 1 FROM case_access WHERE person = {p} UNION ALL SELECT 1 FROM break_glass WHERE person = {p} AND expires_at > {now} LIMIT {}) t",
                        most + 1
                    ),
                    &args.0,
                )
                .await?;
            // The governed phases come as streams of a page's length, whatever their size.
            // An attention kind that falls due on a day has an index per governed phase (its
            // overdue cases are one range); a stream with a flag few of its cases have reads
            // far to fill a page: then the few cases with the flag are the cheaper start.
            if involved <= most {
                let streams = relevant(v, filter);
                let flag = filter
                    .attention
                    .as_ref()
                    .filter(|k| crate::row::due_column(k).is_none());
                if let (Some(kind), false) = (flag, streams.is_empty()) {
                    let with_kind = self.with_kind(kind, today, most).await?;
                    if with_kind <= most
                        && with_kind * STREAM_COST <= self.governed_size(&streams).await?
                    {
                        return Ok(Start::Attention);
                    }
                }
                return Ok(Start::Visible);
            }
        }
        if let Some(kind) = &filter.attention
            && self.with_kind(kind, today, most).await? <= most
        {
            return Ok(Start::Attention);
        }
        Ok(Start::Scan)
    }

    /// How many cases have the attention kind `kind` on `today`, counted up to `most + 1`.
    async fn with_kind(&self, kind: &str, today: &str, most: u64) -> Result<u64> {
        let mut args = Args::default();
        let set = match crate::row::due_column(kind) {
            Some(col) => format!(
                "SELECT 1 FROM cases c WHERE c.closed = {} AND {col} < {}",
                args.bool(false),
                args.text(today)
            ),
            None => format!(
                "SELECT 1 FROM case_flags WHERE kind = {}",
                args.text(kind.to_owned())
            ),
        };
        self.count(
            &format!("SELECT COUNT(*) AS n FROM ({set} LIMIT {}) t", most + 1),
            &args.0,
        )
        .await
    }

    /// How many cases (open and closed) the governed phases hold, from the kept counts (per
    /// gemeente and phase, whatever the model).
    async fn governed_size(&self, streams: &[&Governed]) -> Result<u64> {
        let mut args = Args::default();
        let sql = format!("SELECT {} AS n", governed_size_sql(streams, &mut args));
        self.count(&sql, &args.0).await
    }

    /// The number a `SELECT … AS n` query gives.
    async fn count(&self, sql: &str, args: &[Arg]) -> Result<u64> {
        let n: i64 = match self {
            Db::Sqlite(_, direct) => {
                let (sql, args) = (sql.to_owned(), args.to_vec());
                direct
                    .blocking(move |c| query(c, &sql, &args, |r| r.get::<i64>("n")))
                    .await?
                    .first()
                    .copied()
                    .ok_or_else(|| {
                        StoreError::unavailable("een telling gaf geen antwoord", "no row")
                    })?
            }
            Db::Postgres(p) => bind(sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())), args)
                .fetch_one(p)
                .await?
                .try_get::<i64, _>("n")?,
        };
        Ok(to_u64(n))
    }

    /// One case's read model, by its id. On SQLite as a page of one (its `rowid` from the
    /// ids' index, then the row: 5 % more reads per second than `WHERE c.id = ?`, A B); on
    /// PostgreSQL with the simplest plan, one search of the table (6 % more than as a page
    /// of one) — this is every read of a case.
    pub(crate) async fn case_row(&self, case: &CaseId) -> Result<Option<CaseRow>> {
        let args = [Arg::Text(case.to_string())];
        let rows = match self {
            Db::Sqlite(..) => {
                self.fetch_rows(ROW_BY_ID.as_str().into(), &args, false, Reach::One)
                    .await?
            }
            Db::Postgres(_) => {
                self.fetch_rows(CASE_BY_ID.into(), &args, false, Reach::One)
                    .await?
            }
        };
        Ok(rows.0.into_iter().next())
    }

    /// Up to `limit` case rows that are `closed` (or open), most recently active first,
    /// after `after` (the stored `last_at` text and id of the last row of the chunk before;
    /// `None` to begin), each with its `last_at` as stored — to warm the kept rows
    /// ([`crate::row_cache`]). PostgreSQL only (found on `cases_by_closed_last`); an empty
    /// list on SQLite, which keeps no rows.
    pub(crate) async fn rows_by_recency(
        &self,
        closed: bool,
        after: Option<&(String, String)>,
        limit: u32,
    ) -> Result<Vec<(CaseRow, String)>> {
        let Db::Postgres(p) = self else {
            return Ok(Vec::new());
        };
        let rest = match after {
            Some(_) => "AND (c.last_at, c.id) < ($2, $3)",
            None => "",
        };
        let sql = format!(
            "SELECT {CASE_COLUMNS}, c.last_at AS last_at_text FROM {CASE_TABLES} WHERE c.closed = $1 {rest} ORDER BY c.last_at DESC, c.id DESC LIMIT {limit}"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(closed);
        if let Some((last_at, id)) = after {
            q = q.bind(last_at.clone()).bind(id.clone());
        }
        q.fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok((case_row_of(r)?, r.try_get::<String, _>("last_at_text")?)))
            .collect()
    }

    /// The page of rows `source` (`FROM … WHERE …` with table alias `c`) gives, newest
    /// activity first; with `total`, also how many rows `source` gives in all (when the page
    /// has any). The order and the page are found on the narrow columns (an index holds
    /// them all: `cases_narrow`); only the page's rows are read whole.
    ///
    /// With `kept` rows (PostgreSQL), only the page's ids are read with the page; the rows
    /// come from memory, and those not kept in one read more ([`kept_page`]).
    async fn page(
        &self,
        source: &str,
        args: &[Arg],
        offset: u64,
        limit: u64,
        total: bool,
        kept: Option<&RowCache>,
    ) -> Result<(Vec<CaseRow>, Option<u64>)> {
        let total_column = if total {
            ", COUNT(*) OVER () AS total_rows"
        } else {
            ""
        };
        let ids = format!(
            "SELECT c.{} AS page_key{total_column} {source} ORDER BY c.last_at DESC, c.id LIMIT {} OFFSET {}",
            self.row_key(),
            limit.min(1000),
            offset
        );
        if let (Db::Postgres(p), Some(cache)) = (self, kept) {
            return kept_page(p, cache, ids, args, total).await;
        }
        self.rows(&ids, args, total, Reach::Many).await
    }

    /// The whole rows of the cases `ids` names (a query whose first column, `page_key`, is
    /// a case's [`Db::row_key`], with `total_rows` when `total`), newest activity first.
    async fn rows(
        &self,
        ids: &str,
        args: &[Arg],
        total: bool,
        reach: Reach,
    ) -> Result<(Vec<CaseRow>, Option<u64>)> {
        let (columns, tables) = self.case_source();
        let sql = rows_sql(columns, tables, self.row_key(), ids, total);
        self.fetch_rows(sql.into(), args, total, reach).await
    }

    /// The case rows `sql` gives (its columns [`CASE_COLUMNS`], with `total_rows` when
    /// `total`), and that total.
    async fn fetch_rows(
        &self,
        sql: Cow<'static, str>,
        args: &[Arg],
        total: bool,
        reach: Reach,
    ) -> Result<(Vec<CaseRow>, Option<u64>)> {
        let rows = match self {
            Db::Sqlite(_, direct) => {
                let args = args.to_vec();
                let read = move |c: &rusqlite::Connection| {
                    query(c, &sql, &args, |r| {
                        let all = match total {
                            true => Some(r.get::<i64>("total_rows")?),
                            false => None,
                        };
                        Ok((case_row_of(r)?, all))
                    })
                };
                match reach {
                    Reach::One => direct.run(read)?,
                    Reach::Many => direct.blocking(read).await?,
                }
            }
            Db::Postgres(p) => bind(sqlx::query(sqlx::AssertSqlSafe(sql)), args)
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| {
                    let all = match total {
                        true => Some(r.try_get::<i64, _>("total_rows")?),
                        false => None,
                    };
                    Ok((case_row_of(r)?, all))
                })
                .collect::<Result<Vec<_>>>()?,
        };
        let all = rows.last().and_then(|(_, n)| *n).map(to_u64);
        Ok((rows.into_iter().map(|(row, _)| row).collect(), all))
    }
}

/// The columns of a case's read model as [`case_row_of`] reads them: from the case's row
/// `c`, the roles and involvement from the table `$t`.
macro_rules! case_columns {
    ($t:literal) => {
        concat!(
            "c.id, c.gemeente, c.model_id, c.model_version, c.phase, c.version, c.opened_at, c.last_at, COALESCE(c.phase_since, c.opened_at) AS phase_since, c.closed, c.next_evaluation, c.stagnation_due, c.decision_due, c.review_due, c.flags, ",
            $t,
            ".roles, ",
            $t,
            ".access, c.erased_at"
        )
    };
}

/// The columns of a case's read model on PostgreSQL, from [`CASE_TABLES`].
const CASE_COLUMNS: &str = case_columns!("i");

/// The tables [`CASE_COLUMNS`] come from: the case's row (`c`) and, beside it, its roles
/// and involvement (`i`; `append::Layout::Apart`).
macro_rules! case_tables {
    () => {
        "cases c JOIN case_involvement i ON i.id = c.id"
    };
}

/// [`case_tables!`], for queries put together at run time.
const CASE_TABLES: &str = case_tables!();

/// One case's row on PostgreSQL, by its id (written out once, not on every read).
const CASE_BY_ID: &str = concat!(
    "SELECT ",
    case_columns!("i"),
    " FROM ",
    case_tables!(),
    " WHERE c.id = $1"
);

/// The rows of the cases with the ids `$1` on PostgreSQL.
const CASES_BY_IDS: &str = concat!(
    "SELECT ",
    case_columns!("i"),
    " FROM ",
    case_tables!(),
    " WHERE c.id = ANY($1)"
);

/// The columns of a case's read model on SQLite, all from its row (`append::Layout::OnTheRow`).
const ROW_CASE_COLUMNS: &str = case_columns!("c");

/// The table [`ROW_CASE_COLUMNS`] come from.
const ROW_CASE_TABLES: &str = "cases c";

/// One case's row on SQLite, by its id: the page of one that [`Db::case_row`] describes, put
/// together by [`rows_sql`] once instead of on every read.
static ROW_BY_ID: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    rows_sql(
        ROW_CASE_COLUMNS,
        ROW_CASE_TABLES,
        "rowid",
        "SELECT c.rowid AS page_key FROM cases c WHERE c.id = $1",
        false,
    )
});

/// The query of the whole rows (`columns` from `tables`) of the cases that the query `ids`
/// names by their `key` (as `page_key`, with `total_rows` when `total`), newest first.
fn rows_sql(columns: &str, tables: &str, key: &str, ids: &str, total: bool) -> String {
    let total_column = if total { ", p.total_rows" } else { "" };
    format!(
        "SELECT {columns}{total_column} FROM ({ids}) p CROSS JOIN {tables} WHERE c.{key} = p.page_key ORDER BY c.last_at DESC, c.id"
    )
}

/// How far a read on SQLite may reach, and so where it runs ([`crate::direct`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// One row by its key: on the asking thread.
    One,
    /// Possibly many rows: on the blocking pool.
    Many,
}

/// The page `ids` (a query of `page_key`s, PostgreSQL's case ids, in list order, with
/// `total_rows` when `total`) names: each row from `cache` when kept there, the others read
/// in one query by their ids (and kept); a row gone meanwhile is left out.
async fn kept_page(
    pool: &sqlx::PgPool,
    cache: &RowCache,
    ids: String,
    args: &[Arg],
    total: bool,
) -> Result<(Vec<CaseRow>, Option<u64>)> {
    let ticket = cache.ticket();
    let keys = bind(sqlx::query(sqlx::AssertSqlSafe(ids)), args)
        .fetch_all(pool)
        .await?;
    let mut all = None;
    let mut found: Vec<(String, Option<CaseRow>)> = Vec::with_capacity(keys.len());
    for key in &keys {
        let id: String = key.try_get("page_key")?;
        if total {
            all = Some(to_u64(key.try_get::<i64, _>("total_rows")?));
        }
        let row = cache.get(&id);
        found.push((id, row));
    }
    let missing: Vec<&str> = found
        .iter()
        .filter(|(_, row)| row.is_none())
        .map(|(id, _)| id.as_str())
        .collect();
    if !missing.is_empty() {
        let mut by_id: std::collections::HashMap<String, CaseRow> = rows_by_ids(pool, &missing)
            .await?
            .into_iter()
            .map(|row| (row.id.as_str().to_owned(), row))
            .collect();
        for (id, slot) in &mut found {
            if slot.is_none() {
                *slot = by_id.remove(id.as_str());
                if let (Some(ticket), Some(row)) = (ticket, slot.as_ref()) {
                    cache.put(ticket, row);
                }
            }
        }
    }
    Ok((found.into_iter().filter_map(|(_, row)| row).collect(), all))
}

/// The rows of the cases `ids` that exist (in no particular order).
pub(crate) async fn rows_by_ids(pool: &sqlx::PgPool, ids: &[&str]) -> Result<Vec<CaseRow>> {
    sqlx::query(CASES_BY_IDS)
        .bind(ids)
        .fetch_all(pool)
        .await?
        .iter()
        .map(case_row_of)
        .collect()
}

/// How many cases (open and closed) the governed phases hold, from the kept counts (per
/// gemeente and phase, whatever the model), as an SQL expression.
fn governed_size_sql(streams: &[&Governed], args: &mut Args) -> String {
    let any: Vec<String> = streams
        .iter()
        .map(|(gemeente, _, phase)| {
            let phase = format!("phase = {}", args.text(phase.clone()));
            match gemeente {
                Some(g) => format!("(gemeente = {} AND {phase})", args.text(g.clone())),
                None => format!("({phase})"),
            }
        })
        .collect();
    format!(
        "(SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM case_counts WHERE {})",
        any.join(" OR ")
    )
}

/// The ids of the cases `v` may see, in one query: those they are involved in or hold an
/// active break-glass grant for, and those of the governed phases `streams` — each list at
/// most `limit` long, as one text separated by commas (one row to receive instead of one
/// per case; a case id holds no comma). `None` when the governed phases hold more than
/// `limit` cases by the kept counts: then no id is read at all (the list is the query's).
pub(crate) async fn visible_ids(
    pool: &sqlx::PgPool,
    v: &Visible,
    streams: &[&Governed],
    limit: u64,
) -> Result<Option<(String, String)>> {
    let mut args = Args::default();
    let person = args.text(v.person.clone());
    let now = args.text(v.now.clone());
    let involved = format!(
        "COALESCE((SELECT string_agg(d.case_id, ',') FROM ({} LIMIT {limit}) d), '')",
        involved_set(&person, &now)
    );
    let (too_many, governed) = if streams.is_empty() {
        ("FALSE".to_owned(), "''".to_owned())
    } else {
        let size = governed_size_sql(streams, &mut args);
        let any: Vec<String> = streams
            .iter()
            .map(|g| governed_one(g, "g", &mut args))
            .collect();
        (
            format!("{size} > {limit}"),
            format!(
                "COALESCE((SELECT string_agg(d.id, ',') FROM (SELECT g.id FROM cases g WHERE {} LIMIT {limit}) d), '')",
                any.join(" OR ")
            ),
        )
    };
    // The size is looked at first; the id lists (subqueries run when first needed) only
    // when it allows.
    let sql = format!(
        "WITH t AS (SELECT {too_many} AS too_many) SELECT CASE WHEN t.too_many THEN NULL ELSE {involved} END AS involved, CASE WHEN t.too_many THEN NULL ELSE {governed} END AS governed FROM t"
    );
    let row = bind(sqlx::query(sqlx::AssertSqlSafe(sql)), &args.0)
        .fetch_one(pool)
        .await?;
    let involved: Option<String> = row.try_get(0)?;
    let governed: Option<String> = row.try_get(1)?;
    Ok(involved.zip(governed))
}

/// Binds `args` to a PostgreSQL query, in order.
fn bind<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    args: &[Arg],
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    for a in args {
        q = match a {
            Arg::Text(s) => q.bind(s.clone()),
            Arg::Bool(b) => q.bind(*b),
        };
    }
    q
}

/// A case's read model from a row of [`Db::rows`]' query.
pub(crate) fn case_row_of(r: &impl Cells) -> Result<CaseRow> {
    let id = r.text("id")?;
    Ok(CaseRow {
        id: CaseId::parse(&id).map_err(|e| StoreError::Corrupt {
            case: id.clone(),
            seq: 0,
            reason: e.to_string(),
        })?,
        gemeente: r.maybe("gemeente")?,
        model_id: r.text("model_id")?,
        model_version: r.text("model_version")?,
        phase: r.text("phase")?,
        version: to_u64(r.int("version")?),
        opened_at: parse_time(&r.text("opened_at")?)?,
        last_at: parse_time(&r.text("last_at")?)?,
        phase_since: parse_time(&r.text("phase_since")?)?,
        closed: r.flag("closed")?,
        next_evaluation: r.maybe("next_evaluation")?,
        stagnation_due: r.maybe("stagnation_due")?,
        decision_due: r.maybe("decision_due")?,
        review_due: r.maybe("review_due")?,
        flags: flag_kinds(&r.text("flags")?),
        roles: role_pairs(&r.text("roles")?),
        access: crate::access::Involved::from_text(r.text("access")?),
        erased_at: r.maybe("erased_at")?.map(|s| parse_time(&s)).transpose()?,
    })
}

/// Up to how many of a person's cases a list starts from them. Starting there costs one
/// visit per case (the page and its total come from one pass: `COUNT(*) OVER ()`), whatever
/// the page; starting from the cases in list order costs a visit for every case passed over
/// until the count cap and the page are reached — little when the person may see a large
/// share of the cases, the whole table when their cases are few or lie far back. Measured on
/// the 100,000-household benchmark database (SQLite, 2 cores): one pass over a person's
/// 8,500 cases takes about 25 ms; walking the table for someone who may see 1,350 of its
/// 133,000 cases about 70 ms, for someone who may see 45,000 about 1 ms.
pub(crate) const SET_LIMIT: u64 = 10 * crate::COUNT_CAP;

/// How many cases of a governed phase a stream walks in the time one case with a flag is
/// checked for need-to-know, about, counting that a list walks its streams twice (the page
/// and the count). A walk reads the index of governed phases in order; a check reads a case
/// by id and the person's involvement in it, at random places in large indexes. Measured on
/// the 100,000-household benchmark database (SQLite, 2 cores): some 0.15 µs per case walked,
/// 8 µs per case checked. A governed list with a flag starts at the cases with the flag when
/// they are fewer than the governed cases divided by this.
const STREAM_COST: u64 = 25;

/// A phase someone governs: (gemeente — `None` for any —, model id, phase).
pub(crate) type Governed = (Option<String>, String, String);

/// The conditions of `filter` on the table called `alias`: gemeente, phase, open or
/// closed, the role holder (with `holder`; a list that starts at the holder's roles has
/// it already), the attention kind on `today` and the ids it is limited to. Need-to-know is
/// added apart, where the list starts.
fn filters(
    filter: &CaseFilter,
    today: &str,
    alias: &str,
    holder: bool,
    args: &mut Args,
) -> Vec<String> {
    let mut clauses = Vec::new();
    if let Some(g) = &filter.gemeente {
        clauses.push(format!("{alias}.gemeente = {}", args.text(g.clone())));
    }
    if let Some(ph) = &filter.phase {
        clauses.push(format!("{alias}.phase = {}", args.text(ph.clone())));
    }
    if let Some(closed) = filter.closed {
        clauses.push(format!("{alias}.closed = {}", args.bool(closed)));
    }
    if holder && filter.holder.is_some() {
        let (person, roles) = holder_parts(filter, "r", args);
        clauses.push(format!(
            "EXISTS (SELECT 1 FROM case_roles r WHERE r.case_id = {alias}.id AND r.person = {person}{roles})"
        ));
    }
    if let Some(kind) = &filter.attention {
        match crate::row::due_column(kind) {
            Some(col) => clauses.push(format!(
                "{alias}.closed = {} AND {alias}.{} < {}",
                args.bool(false),
                col.trim_start_matches("c."),
                args.text(today)
            )),
            None => clauses.push(format!(
                "{alias}.flags LIKE {}",
                args.text(format!("%,{kind},%"))
            )),
        }
    }
    if let Some(ids) = &filter.within {
        if ids.is_empty() {
            clauses.push("1 = 0".to_owned());
        } else {
            let marks: Vec<String> = ids.iter().map(|id| args.text(id.clone())).collect();
            clauses.push(format!("{alias}.id IN ({})", marks.join(", ")));
        }
    }
    clauses
}

/// The role holder of `filter` as a parameter, and the condition on the roles asked for
/// (on the `case_roles` table called `alias`; nothing when any role will do).
fn holder_parts(filter: &CaseFilter, alias: &str, args: &mut Args) -> (String, String) {
    let person = args.text(filter.holder.clone().unwrap_or_default());
    let roles = match &filter.holder_roles {
        Some(roles) if !roles.is_empty() => {
            let marks: Vec<String> = roles.iter().map(|r| args.text(r.clone())).collect();
            format!(" AND {alias}.role IN ({})", marks.join(", "))
        }
        Some(_) => " AND 1 = 0".to_owned(),
        None => String::new(),
    };
    (person, roles)
}

/// The phases `v` governs that a list with `filter` can hold cases of (a filter on another
/// gemeente or phase rules a governed phase out).
pub(crate) fn relevant<'a>(v: &'a Visible, filter: &CaseFilter) -> Vec<&'a Governed> {
    v.governs
        .iter()
        .filter(|(gemeente, _, phase)| {
            let place = match (&filter.gemeente, gemeente) {
                (Some(asked), Some(governed)) => asked == governed,
                _ => true,
            };
            place && filter.phase.as_ref().is_none_or(|asked| asked == phase)
        })
        .collect()
}

/// The cases `person` is involved in or holds an active break-glass grant for (at `now`).
fn involved_set(person: &str, now: &str) -> String {
    format!(
        "SELECT a.case_id FROM case_access a WHERE a.person = {person} UNION SELECT b.case_id FROM break_glass b WHERE b.person = {person} AND b.expires_at > {now}"
    )
}

/// The cases table as `g`, to walk the governed phase `g` in list order (or, for an
/// attention kind that falls due on a day, its overdue cases): on SQLite through the index
/// for it, named (`hint`), because its planner otherwise may take an index on an overdue day
/// and read every overdue case of every phase. A phase governed in any gemeente has no such
/// index.
fn governed_table(g: &Governed, hint: bool, attention: Option<&str>) -> String {
    if !hint || g.0.is_none() {
        return "cases g".to_owned();
    }
    match attention.and_then(crate::row::due_column) {
        Some(col) => format!(
            "cases g INDEXED BY cases_governed_{}",
            col.trim_start_matches("c.")
        ),
        None => "cases g INDEXED BY cases_by_governed_phase".to_owned(),
    }
}

/// The ids of the cases `v` may see that a page of `first` rows can need, as a query (each
/// once): every case they are involved in, and of each governed phase in `streams` the
/// first `first` cases in list order that pass `filter` — a page never needs more of a
/// phase, however large the phase is, and the index on gemeente, phase and model gives
/// them in that order.
fn visible_set(
    v: &Visible,
    streams: &[&Governed],
    filter: &CaseFilter,
    today: &str,
    (first, hint): (u64, bool),
    args: &mut Args,
) -> String {
    let person = args.text(v.person.clone());
    let now = args.text(v.now.clone());
    let mut parts = vec![involved_set(&person, &now)];
    for (i, g) in streams.iter().enumerate() {
        let mut clauses = vec![governed_one(g, "g", args)];
        clauses.extend(filters(filter, today, "g", true, args));
        parts.push(format!(
            "SELECT s{i}.case_id FROM (SELECT g.id AS case_id FROM {} WHERE {} ORDER BY g.last_at DESC, g.id LIMIT {first}) s{i}",
            governed_table(g, hint, filter.attention.as_deref()),
            clauses.join(" AND ")
        ));
    }
    parts.join(" UNION ")
}

/// Whether the case `c` may be seen by `v`, checked per case.
fn visible_per_case(v: &Visible, args: &mut Args) -> String {
    let person = args.text(v.person.clone());
    let now = args.text(v.now.clone());
    let mut any = vec![
        format!(
            "EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = c.id AND a.person = {person})"
        ),
        format!(
            "EXISTS (SELECT 1 FROM break_glass b WHERE b.case_id = c.id AND b.person = {person} AND b.expires_at > {now})"
        ),
    ];
    any.extend(v.governs.iter().map(|g| governed_one(g, "c", args)));
    format!("({})", any.join(" OR "))
}

/// The condition that a case (the table called `alias`) is in the governed phase `g`.
fn governed_one(g: &Governed, alias: &str, args: &mut Args) -> String {
    let (gemeente, model, phase) = g;
    let place = match gemeente {
        Some(g) => format!("{alias}.gemeente = {} AND ", args.text(g.clone())),
        None => String::new(),
    };
    format!(
        "({place}{alias}.model_id = {} AND {alias}.phase = {})",
        args.text(model.clone()),
        args.text(phase.clone())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The case's row on SQLite is read with the very query a page of one would be: the
    /// literal and the query put together at run time must not drift apart.
    #[test]
    fn a_case_by_its_id_is_the_page_of_one_as_written_out() {
        let ids = "SELECT c.rowid AS page_key FROM cases c WHERE c.id = $1";
        assert_eq!(
            rows_sql(ROW_CASE_COLUMNS, "cases c", "rowid", ids, false),
            *ROW_BY_ID
        );
        assert!(CASE_BY_ID.starts_with(concat!("SELECT ", case_columns!("i"))));
        assert!(CASE_BY_ID.contains(CASE_TABLES) && CASES_BY_IDS.contains(CASE_TABLES));
    }
}
