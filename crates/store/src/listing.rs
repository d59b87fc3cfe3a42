//! Listing cases: the filters as SQL, and where the database starts.
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
//! - **the person's visible cases**, when they may see few enough (their involvement,
//!   break-glass grants, and the cases of the phases they govern, from the kept counts);
//! - **the cases with the attention kind** asked for, when few enough have it (the flag
//!   kinds from `case_flags`, the day-dependent kinds from the index on their due date);
//! - **the cases in list order**, with need-to-know checked per case, otherwise.
//!
//! The derived table is joined with `CROSS JOIN`, which SQLite takes as "start here" and
//! PostgreSQL plans as any join. All three forms mean the same (the tests run lists through
//! each); only the work differs. The total is exact when the list starts at the person's
//! cases; when it starts at the cases in list order, a need-to-know list counts at most
//! [`crate::COUNT_CAP`] and says there are more.

use ave_engine::ids::CaseId;
use sqlx::Row;

use crate::db::{Db, parse_time, to_u64};
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
    pub(crate) async fn list(
        &self,
        filter: &CaseFilter,
        today: &str,
        offset: u64,
        limit: u64,
        most: u64,
    ) -> Result<Page<CaseRow>> {
        let start = self.start(filter, today, most).await?;
        let mut args = Args::default();
        let mut clauses = Vec::new();
        let mut from = "cases c".to_owned();
        if let Some(g) = &filter.gemeente {
            clauses.push(format!("c.gemeente = {}", args.text(g.clone())));
        }
        if let Some(ph) = &filter.phase {
            clauses.push(format!("c.phase = {}", args.text(ph.clone())));
        }
        if let Some(closed) = filter.closed {
            clauses.push(format!("c.closed = {}", args.bool(closed)));
        }
        if let Some(person) = &filter.holder {
            let person = args.text(person.clone());
            let roles = match &filter.holder_roles {
                Some(roles) if !roles.is_empty() => {
                    let marks: Vec<String> = roles.iter().map(|r| args.text(r.clone())).collect();
                    format!(" AND r.role IN ({})", marks.join(", "))
                }
                Some(_) => " AND 1 = 0".to_owned(),
                None => String::new(),
            };
            if start == Start::Roles {
                from = format!(
                    "(SELECT DISTINCT r.case_id FROM case_roles r WHERE r.person = {person}{roles}) d CROSS JOIN cases c"
                );
                clauses.push("c.id = d.case_id".to_owned());
            } else {
                clauses.push(format!(
                    "EXISTS (SELECT 1 FROM case_roles r WHERE r.case_id = c.id AND r.person = {person}{roles})"
                ));
            }
        }
        if let Some(kind) = &filter.attention {
            if start == Start::Attention {
                let set = match crate::row::due_column(kind) {
                    Some(col) => format!(
                        "SELECT a.id AS case_id FROM cases a WHERE a.{} < {} AND a.closed = {}",
                        col.trim_start_matches("c."),
                        args.text(today),
                        args.bool(false)
                    ),
                    None => format!(
                        "SELECT f.case_id FROM case_flags f WHERE f.kind = {}",
                        args.text(kind.clone())
                    ),
                };
                from = format!("({set}) d CROSS JOIN cases c");
                clauses.push("c.id = d.case_id".to_owned());
            }
            match crate::row::due_column(kind) {
                Some(col) => clauses.push(format!(
                    "c.closed = {} AND {col} < {}",
                    args.bool(false),
                    args.text(today)
                )),
                None => clauses.push(format!("c.flags LIKE {}", args.text(format!("%,{kind},%")))),
            }
        }
        if let Some(ids) = &filter.within {
            if ids.is_empty() {
                clauses.push("1 = 0".to_owned());
            } else {
                let marks: Vec<String> = ids.iter().map(|id| args.text(id.clone())).collect();
                clauses.push(format!("c.id IN ({})", marks.join(", ")));
            }
        }
        if let Some(v) = &filter.visible {
            if start == Start::Visible {
                from = format!("({}) d CROSS JOIN cases c", visible_set(v, &mut args));
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
        // Filters on gemeente, phase and open/closed alone are answered from the kept counts;
        // a list that starts at one person's cases counts them all (at most COUNT_CAP); a
        // need-to-know list in list order counts up to COUNT_CAP; any other counts its rows.
        let kept = filter.holder.is_none()
            && filter.attention.is_none()
            && filter.within.is_none()
            && filter.visible.is_none();
        let bounded = start == Start::Scan && filter.visible.is_some();
        let count_sql = if kept {
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
        if start != Start::Scan {
            // One pass gives the page and the exact total.
            let (items, total) = self
                .select_rows(&source, &args.0, offset, limit, true)
                .await?;
            let total = match total {
                Some(n) => n,
                None => self.count(&count_sql, &args.0).await?,
            };
            return Ok(Page {
                items,
                total,
                capped: false,
            });
        }
        let total = self.count(&count_sql, &args.0).await?;
        let capped = bounded && total > crate::COUNT_CAP;
        let (items, _) = self
            .select_rows(&source, &args.0, offset, limit, false)
            .await?;
        Ok(Page {
            items,
            total: total.min(if capped { crate::COUNT_CAP } else { u64::MAX }),
            capped,
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
            let governed = if v.governs.is_empty() || involved > most {
                0
            } else {
                let mut args = Args::default();
                let any: Vec<String> = v
                    .governs
                    .iter()
                    .map(|(gemeente, _, phase)| {
                        let phase = format!("phase = {}", args.text(phase.clone()));
                        match gemeente {
                            Some(g) => format!("(gemeente = {} AND {phase})", args.text(g.clone())),
                            None => format!("({phase})"),
                        }
                    })
                    .collect();
                self.count(
                    &format!(
                        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM case_counts WHERE {}",
                        any.join(" OR ")
                    ),
                    &args.0,
                )
                .await?
            };
            if involved + governed <= most {
                return Ok(Start::Visible);
            }
        }
        if let Some(kind) = &filter.attention {
            let mut args = Args::default();
            let set = match crate::row::due_column(kind) {
                Some(col) => format!(
                    "SELECT 1 FROM cases c WHERE {col} < {} AND c.closed = {}",
                    args.text(today),
                    args.bool(false)
                ),
                None => format!(
                    "SELECT 1 FROM case_flags WHERE kind = {}",
                    args.text(kind.clone())
                ),
            };
            let with_kind = self
                .count(
                    &format!("SELECT COUNT(*) AS n FROM ({set} LIMIT {}) t", most + 1),
                    &args.0,
                )
                .await?;
            if with_kind <= most {
                return Ok(Start::Attention);
            }
        }
        Ok(Start::Scan)
    }

    /// The number a `SELECT … AS n` query gives.
    async fn count(&self, sql: &str, args: &[Arg]) -> Result<u64> {
        let n: i64 = crate::db::on!(self, |p| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
            for a in args {
                q = match a {
                    Arg::Text(s) => q.bind(s.clone()),
                    Arg::Bool(b) => q.bind(*b),
                };
            }
            q.fetch_one(p).await?.try_get::<i64, _>("n")?
        });
        Ok(to_u64(n))
    }

    pub(crate) async fn case_row(&self, case: &CaseId) -> Result<Option<CaseRow>> {
        let mut rows = self
            .select_rows(
                "FROM cases c WHERE c.id = $1",
                &[Arg::Text(case.to_string())],
                0,
                1,
                false,
            )
            .await?
            .0;
        Ok(rows.pop())
    }

    /// The rows `source` (`FROM … WHERE …` with table alias `c`) gives, newest activity
    /// first; with `total`, also how many rows `source` gives in all (when the page has any).
    async fn select_rows(
        &self,
        source: &str,
        args: &[Arg],
        offset: u64,
        limit: u64,
        total: bool,
    ) -> Result<(Vec<CaseRow>, Option<u64>)> {
        let total_column = if total {
            ", COUNT(*) OVER () AS total_rows"
        } else {
            ""
        };
        let sql = format!(
            "SELECT c.id, c.gemeente, c.model_id, c.model_version, c.phase, c.version, c.opened_at, c.last_at, COALESCE(c.phase_since, c.opened_at) AS phase_since, c.closed, c.next_evaluation, c.stagnation_due, c.decision_due, c.review_due, c.flags, c.roles, c.access, c.erased_at{total_column} {source} ORDER BY c.last_at DESC, c.id LIMIT {} OFFSET {}",
            limit.min(1000),
            offset
        );
        let mut all = None;
        let rows = crate::db::on!(self, |p| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for a in args {
                q = match a {
                    Arg::Text(s) => q.bind(s.clone()),
                    Arg::Bool(b) => q.bind(*b),
                };
            }
            q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| -> Result<CaseRow> {
                    let id: String = r.try_get("id")?;
                    let flags: String = r.try_get("flags")?;
                    let roles: String = r.try_get("roles")?;
                    let access: String = r.try_get("access")?;
                    if total {
                        all = Some(to_u64(r.try_get::<i64, _>("total_rows")?));
                    }
                    Ok(CaseRow {
                        id: CaseId::parse(&id).map_err(|e| StoreError::Corrupt {
                            case: id.clone(),
                            seq: 0,
                            reason: e.to_string(),
                        })?,
                        gemeente: r.try_get("gemeente")?,
                        model_id: r.try_get("model_id")?,
                        model_version: r.try_get("model_version")?,
                        phase: r.try_get("phase")?,
                        version: to_u64(r.try_get::<i64, _>("version")?),
                        opened_at: parse_time(&r.try_get::<String, _>("opened_at")?)?,
                        last_at: parse_time(&r.try_get::<String, _>("last_at")?)?,
                        phase_since: parse_time(&r.try_get::<String, _>("phase_since")?)?,
                        closed: r.try_get("closed")?,
                        next_evaluation: r.try_get("next_evaluation")?,
                        stagnation_due: r.try_get("stagnation_due")?,
                        decision_due: r.try_get("decision_due")?,
                        review_due: r.try_get("review_due")?,
                        flags: flags
                            .split(',')
                            .filter(|f| !f.is_empty())
                            .map(str::to_owned)
                            .collect(),
                        roles: roles
                            .split(',')
                            .filter_map(|p| p.split_once('='))
                            .map(|(r, p)| (r.to_owned(), p.to_owned()))
                            .collect(),
                        access: crate::access::parse_access(&access),
                        erased_at: r
                            .try_get::<Option<String>, _>("erased_at")?
                            .map(|s| parse_time(&s))
                            .transpose()?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        });
        Ok((rows, all))
    }
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

/// The ids of the cases `v` may see, as a query (each once).
fn visible_set(v: &Visible, args: &mut Args) -> String {
    let person = args.text(v.person.clone());
    let now = args.text(v.now.clone());
    let mut parts = vec![
        format!("SELECT a.case_id FROM case_access a WHERE a.person = {person}"),
        format!(
            "SELECT b.case_id FROM break_glass b WHERE b.person = {person} AND b.expires_at > {now}"
        ),
    ];
    for g in governed(v, args, "g") {
        parts.push(format!("SELECT g.id AS case_id FROM cases g WHERE {g}"));
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
    any.extend(governed(v, args, "c"));
    format!("({})", any.join(" OR "))
}

/// One condition per phase `v` governs, on the table called `alias`.
fn governed(v: &Visible, args: &mut Args, alias: &str) -> Vec<String> {
    v.governs
        .iter()
        .map(|(gemeente, model, phase)| {
            let place = match gemeente {
                Some(g) => format!("{alias}.gemeente = {} AND ", args.text(g.clone())),
                None => String::new(),
            };
            format!(
                "({place}{alias}.model_id = {} AND {alias}.phase = {})",
                args.text(model.clone()),
                args.text(phase.clone())
            )
        })
        .collect()
}
