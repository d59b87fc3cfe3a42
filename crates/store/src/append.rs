//! Appending a batch of commands' events: what each append writes is decided once
//! ([`plan`]: the version check, the hash chains, the read model, the kept counts, the role,
//! attention and involvement indexes, the meldingen), as a list of statements with their
//! values; each database runs that list its own way.
//!
//! - **SQLite** ([`sqlite`]): the whole batch runs as one call on the store's one writing
//!   connection (rusqlite, [`crate::direct::Direct::write`]), one hand-off between threads
//!   for the batch instead of one for every statement of every append.
//! - **PostgreSQL**: the group-commit writer's batches pipelined ([`crate::pipeline`]: the
//!   statements grouped by kind where the cases differ, [`crate::bulk`], and sent without
//!   waiting for each answer); the long way, and every append not made by the writer,
//!   through sqlx ([`postgres`]), statement after statement.
//!
//! Either way the batch is one transaction with one durable commit (group commit), and an
//! append lands whole or not at all: a conflict on one case does not hold up the others in
//! the batch (on SQLite, and on PostgreSQL when a statement fails, each append runs in a
//! savepoint of its own).

use std::borrow::Cow;

use crate::cells::Cells;
use crate::chain::{self, Hash, ZERO};
use crate::db::{time, to_i64, to_u64};
use crate::{Append, Appended, CaseRow, Result, StoreError};

/// A value bound to a statement's parameter.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Text(String),
    MaybeText(Option<String>),
    Int(i64),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// One statement to run: SQL with parameters `$1`, `$2`, … and their values in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    pub sql: Cow<'static, str>,
    pub values: Vec<Value>,
}

/// Where the global chain stands: the position and hash of its last event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Head {
    pub seq: u64,
    pub hash: Hash,
}

/// Reads the global chain's head.
pub(crate) const HEAD_SQL: &str = "SELECT global_seq, global_hash FROM chain_head WHERE id = 1";

/// Reads the global chain's head and locks it until the transaction ends (PostgreSQL: the
/// writers of several servers take turns on it).
pub(crate) const HEAD_FOR_UPDATE_SQL: &str =
    "SELECT global_seq, global_hash FROM chain_head WHERE id = 1 FOR UPDATE";

/// The statement that moves the global chain's head to `head`.
pub(crate) fn set_head(head: Head) -> Statement {
    Statement {
        sql: Cow::Borrowed("UPDATE chain_head SET global_seq = $1, global_hash = $2 WHERE id = 1"),
        values: vec![
            Value::Int(to_i64(head.seq)),
            Value::Bytes(head.hash.to_vec()),
        ],
    }
}

/// The global chain's head from a row of [`HEAD_SQL`].
pub(crate) fn head_of(r: &impl Cells) -> Result<Head> {
    Ok(Head {
        seq: to_u64(r.int("global_seq")?),
        hash: r
            .maybe_bytes("global_hash")?
            .and_then(|h| h.try_into().ok())
            .unwrap_or(ZERO),
    })
}

/// What the store holds of a case before an append, read in the append's transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Before {
    row: CaseRow,
    last_hash: Option<Vec<u8>>,
}

impl Before {
    /// The case's id.
    pub(crate) fn id(&self) -> &str {
        self.row.id.as_str()
    }
}

/// Reads [`Before`] for the case `$1`: its read model and the hash of its last event, in
/// one statement.
/// On SQLite, where the row holds the roles and involvement ([`Layout::OnTheRow`]).
pub(crate) const BEFORE_SQL: &str = "SELECT c.*, e.hash FROM cases c LEFT JOIN events e ON e.case_id = c.id AND e.seq = c.version WHERE c.id = $1";

/// [`BEFORE_SQL`] on PostgreSQL, where the roles and involvement are kept apart
/// ([`Layout::Apart`]).
pub(crate) const BEFORE_APART_SQL: &str = "SELECT c.*, i.roles, i.access, e.hash FROM cases c JOIN case_involvement i ON i.id = c.id LEFT JOIN events e ON e.case_id = c.id AND e.seq = c.version WHERE c.id = $1";

/// [`BEFORE_APART_SQL`] for the cases of a whole batch at once (PostgreSQL: `$1` is an
/// array).
pub(crate) const BEFORES_SQL: &str = "SELECT c.*, i.roles, i.access, e.hash FROM cases c JOIN case_involvement i ON i.id = c.id LEFT JOIN events e ON e.case_id = c.id AND e.seq = c.version WHERE c.id = ANY($1)";

/// [`Before`] from a row of [`BEFORE_SQL`].
pub(crate) fn before_of(r: &impl Cells) -> Result<Before> {
    Ok(Before {
        row: crate::listing::case_row_of(r)?,
        last_hash: r.maybe_bytes("hash")?,
    })
}

/// What one append writes, given what the store held of its case (`None`: a new case) and
/// where the global chain stands; with what to answer and where the chain stands after it.
/// A stale expected version is a [`StoreError::Conflict`], and nothing is to be written.
pub(crate) fn plan(
    a: &Append,
    before: Option<Before>,
    head: Head,
    layout: Layout,
) -> Result<(Vec<Statement>, Appended, Head)> {
    let current = before.as_ref().map_or(0, |b| b.row.version);
    if current != a.expected {
        return Err(StoreError::Conflict {
            case: a.case.clone(),
            expected: a.expected,
            current,
        });
    }
    let mut prev: Hash = match &before {
        None => ZERO,
        Some(b) => b
            .last_hash
            .clone()
            .and_then(|h| h.try_into().ok())
            .ok_or_else(|| StoreError::Corrupt {
                case: a.case.to_string(),
                seq: a.expected,
                reason: "de laatste gebeurtenis ontbreekt".to_owned(),
            })?,
    };
    let case = a.case.as_str();
    let mut out = Vec::new();
    // Whoever was involved and no longer is stays a contributor.
    let kept = before
        .as_ref()
        .and_then(|b| crate::access::keep_contributors(&b.row.access, &a.row.access))
        .map(|access| CaseRow {
            access,
            ..a.row.clone()
        });
    let row = kept.as_ref().unwrap_or(&a.row);
    // The read model first: events refer to their case.
    out.extend(write_row(before.as_ref().map(|b| &b.row), row, layout));
    if layout == Layout::Apart {
        out.extend(write_involvement(before.as_ref().map(|b| &b.row), row));
    }
    let new_key = CountKey::of(&a.row);
    let old_key = before.as_ref().map(|b| CountKey::of(&b.row));
    if old_key.as_ref() != Some(&new_key) {
        if let Some(old) = &old_key {
            out.push(bump_count(old, -1));
        }
        out.push(bump_count(&new_key, 1));
    }
    let mut head = head;
    for (i, r) in a.events.iter().enumerate() {
        let provenance = a.provenance.get(i);
        let content = serde_json::to_string(r)
            .map_err(|e| StoreError::unavailable("gebeurtenis niet te schrijven", e))?;
        let content_hash = chain::sha256(content.as_bytes());
        let at = time(&r.at);
        let outline = chain::Outline {
            case,
            seq: r.seq,
            event_type: r.event.name(),
            at: &at,
            by: r.by.as_str(),
            content_hash: &content_hash,
        };
        let hash = chain::event_hash(&prev, &outline);
        let seq = head.seq + 1;
        let global = chain::global_hash(&head.hash, seq, &hash);
        out.push(Statement {
            sql: Cow::Borrowed("INSERT INTO events (case_id, seq, global_seq, schema, type, at, by_person, content, content_hash, prev_hash, hash, global_prev, global_hash, organisation, grondslag) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"),
            values: vec![
                Value::Text(case.to_owned()),
                Value::Int(to_i64(r.seq)),
                Value::Int(to_i64(seq)),
                Value::Int(i64::from(ave_engine::event::SCHEMA_VERSION)),
                Value::Text(r.event.name().to_owned()),
                Value::Text(at),
                Value::Text(r.by.as_str().to_owned()),
                Value::Text(content),
                Value::Bytes(content_hash.to_vec()),
                Value::Bytes(prev.to_vec()),
                Value::Bytes(hash.to_vec()),
                Value::Bytes(head.hash.to_vec()),
                Value::Bytes(global.to_vec()),
                Value::MaybeText(provenance.and_then(|p| p.organisation.clone())),
                Value::MaybeText(provenance.and_then(|p| p.grondslag.clone())),
            ],
        });
        prev = hash;
        head = Head { seq, hash: global };
    }
    // The role, attention and involvement indexes change only where the roles, flags and
    // involvement do: the entries gone are deleted, the new ones inserted (most commands
    // change none of them).
    let (gone, new) = changes(
        before.iter().flat_map(|b| b.row.roles.iter().cloned()),
        a.row.roles.iter().cloned(),
    );
    for (role, person) in gone {
        out.push(Statement {
            sql: Cow::Borrowed(
                "DELETE FROM case_roles WHERE case_id = $1 AND role = $2 AND person = $3",
            ),
            values: vec![
                Value::Text(case.to_owned()),
                Value::Text(role),
                Value::Text(person),
            ],
        });
    }
    for (role, person) in new {
        out.push(Statement {
            sql: Cow::Borrowed(
                "INSERT INTO case_roles (case_id, role, person) VALUES ($1, $2, $3)",
            ),
            values: vec![
                Value::Text(case.to_owned()),
                Value::Text(role),
                Value::Text(person),
            ],
        });
    }
    let (gone, new) = changes(
        before.iter().flat_map(|b| b.row.flags.iter().cloned()),
        a.row.flags.iter().cloned(),
    );
    for kind in gone {
        out.push(Statement {
            sql: Cow::Borrowed("DELETE FROM case_flags WHERE kind = $1 AND case_id = $2"),
            values: vec![Value::Text(kind), Value::Text(case.to_owned())],
        });
    }
    for kind in new {
        out.push(Statement {
            sql: Cow::Borrowed("INSERT INTO case_flags (kind, case_id) VALUES ($1, $2)"),
            values: vec![Value::Text(kind), Value::Text(case.to_owned())],
        });
    }
    out.extend(crate::notifications::inserts(case, &a.notify));
    if let Some(e) = &a.audit {
        out.push(Statement {
            sql: Cow::Borrowed(crate::db::OUTBOX_INSERT),
            values: vec![
                Value::Text(time(&e.at)),
                Value::Text(e.actor.clone()),
                Value::Text(e.origin.clone()),
                Value::Text(e.action.to_string()),
                Value::Text(e.object.clone()),
                Value::Text(e.result.to_string()),
            ],
        });
    }
    // One involvement row per person: a person whose kind of involvement changed is
    // deleted and inserted anew.
    let (gone, new) = changes(
        before.iter().flat_map(|b| b.row.access.iter()),
        row.access.iter(),
    );
    for (person, _) in gone {
        out.push(Statement {
            sql: Cow::Borrowed("DELETE FROM case_access WHERE case_id = $1 AND person = $2"),
            values: vec![Value::Text(case.to_owned()), Value::Text(person.to_owned())],
        });
    }
    for (person, kind) in new {
        out.push(Statement {
            sql: Cow::Borrowed(
                "INSERT INTO case_access (case_id, person, kind) VALUES ($1, $2, $3)",
            ),
            values: vec![
                Value::Text(case.to_owned()),
                Value::Text(person.to_owned()),
                Value::Text(kind.to_owned()),
            ],
        });
    }
    let appended = Appended {
        version: a.row.version,
        global_seq: head.seq,
    };
    Ok((out, appended, head))
}

/// Plans every append of `batch` in turn ([`plan`]), each from what the store held of its
/// case (`befores`, by id; taken out as used) and where the chain stands after the appends
/// before it: one answer per append, the statements of those that are to be written (in
/// their order), and where the chain stands after them all.
pub(crate) fn plan_all(
    batch: &[Append],
    befores: &mut std::collections::HashMap<String, Before>,
    head: Head,
    layout: Layout,
) -> (Vec<Result<Appended>>, Vec<Vec<Statement>>, Head) {
    let mut head = head;
    let mut results = Vec::with_capacity(batch.len());
    let mut plans = Vec::with_capacity(batch.len());
    for a in batch {
        match plan(a, befores.remove(a.case.as_str()), head, layout) {
            Ok((statements, appended, next)) => {
                head = next;
                plans.push(statements);
                results.push(Ok(appended));
            }
            Err(e) => results.push(Err(e)),
        }
    }
    (results, plans, head)
}

/// Where a case's roles and involvement are kept: the text of who holds which role and who
/// is involved (some thirty people, about 1.2 KB — most of a case's row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// On the case's row (SQLite): a read of a case is one lookup. Kept apart there, a read
    /// cost a second lookup and 20 % of the reads per second (5 December), and the commands
    /// gained nothing measurable.
    OnTheRow,
    /// In `case_involvement`, 1:1 beside the case's row, written only when it changes
    /// (PostgreSQL): every command rewrites the case's row, and PostgreSQL writes a new copy
    /// of the whole row and an entry in each of its indexes (5 December: ~120 µs a row with
    /// them in it, a row of 1.46 KB instead of ~200 bytes).
    Apart,
}

/// The columns of a case's row that a command may change, with their values as stored
/// (`id` and `opened_at` are written once, `erased_at` only by erasure); with the roles and
/// involvement when the row holds them.
fn columns(row: &CaseRow, layout: Layout) -> Vec<(&'static str, Value)> {
    let mut columns = vec![
        ("gemeente", Value::MaybeText(row.gemeente.clone())),
        ("model_id", Value::Text(row.model_id.clone())),
        ("model_version", Value::Text(row.model_version.clone())),
        ("phase", Value::Text(row.phase.clone())),
        ("version", Value::Int(to_i64(row.version))),
        ("last_at", Value::Text(time(&row.last_at))),
        ("closed", Value::Bool(row.closed)),
        (
            "next_evaluation",
            Value::MaybeText(row.next_evaluation.clone()),
        ),
        (
            "stagnation_due",
            Value::MaybeText(row.stagnation_due.clone()),
        ),
        ("decision_due", Value::MaybeText(row.decision_due.clone())),
        ("review_due", Value::MaybeText(row.review_due.clone())),
        ("flags", Value::Text(flags_text(row))),
        ("phase_since", Value::Text(time(&row.phase_since))),
    ];
    if layout == Layout::OnTheRow {
        columns.extend(involvement_columns(row));
    }
    columns
}

/// The roles and involvement of a case as stored: its `case_involvement` row, or the
/// row's own columns ([`Layout`]).
fn involvement_columns(row: &CaseRow) -> Vec<(&'static str, Value)> {
    vec![
        ("roles", Value::Text(roles_text(row))),
        ("access", Value::Text(row.access.as_text().to_owned())),
    ]
}

/// Writes a case's read model: a new case whole; a known one only in the columns that
/// changed. Every index over a column that is written is rewritten, whether its value
/// changed or not: the cases table has many indexes for the lists, and most commands change
/// only a few columns (the version, the last activity, a due day), so this writes far fewer
/// pages than setting every column.
fn write_row(old: Option<&CaseRow>, row: &CaseRow, layout: Layout) -> Option<Statement> {
    let first = [
        ("id", Value::Text(row.id.to_string())),
        ("opened_at", Value::Text(time(&row.opened_at))),
    ];
    let old = old.map(|old| columns(old, layout));
    written("cases", &first, columns(row, layout), old)
}

/// Writes a case's `case_involvement` row ([`Layout::Apart`]) as [`write_row`] does its
/// row: whole for a new case, else only what changed — nothing, on most commands.
fn write_involvement(old: Option<&CaseRow>, row: &CaseRow) -> Option<Statement> {
    let first = [("id", Value::Text(row.id.to_string()))];
    written(
        "case_involvement",
        &first,
        involvement_columns(row),
        old.map(involvement_columns),
    )
}

/// The statement that writes `new` to the row of `table` whose key is the first of
/// `first`: an insert of `first` and `new` when there is no `old`, else an update of the
/// columns whose value differs from `old` (none when nothing does).
fn written(
    table: &str,
    first: &[(&'static str, Value)],
    new: Vec<(&'static str, Value)>,
    old: Option<Vec<(&'static str, Value)>>,
) -> Option<Statement> {
    let Some(old) = old else {
        let (mut names, mut values): (Vec<&str>, Vec<Value>) = first.iter().cloned().unzip();
        for (name, value) in new {
            names.push(name);
            values.push(value);
        }
        let params: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
        return Some(Statement {
            sql: Cow::Owned(format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                params.join(", ")
            )),
            values,
        });
    };
    let mut set = Vec::new();
    let mut values = vec![first.first()?.1.clone()];
    for ((name, value), (_, before)) in new.into_iter().zip(old) {
        if value != before {
            values.push(value);
            set.push(format!("{name} = ${}", values.len()));
        }
    }
    if set.is_empty() {
        return None;
    }
    Some(Statement {
        sql: Cow::Owned(format!(
            "UPDATE {table} SET {} WHERE id = $1",
            set.join(", ")
        )),
        values,
    })
}

/// The attention flags as the row stores them: `,kind,kind,` (so a filter is one `LIKE`).
fn flags_text(row: &CaseRow) -> String {
    format!(",{},", row.flags.join(","))
}

/// The roles of a case as its row keeps them: `role=person`, sorted, comma-separated.
fn roles_text(row: &CaseRow) -> String {
    let mut roles: Vec<String> = row.roles.iter().map(|(r, p)| format!("{r}={p}")).collect();
    roles.sort();
    roles.join(",")
}

/// What an index kept beside the row must lose and gain to go from `old` to `new`: the
/// items only in `old`, then the items only in `new` (each once, in order).
fn changes<T: Ord + Clone>(
    old: impl IntoIterator<Item = T>,
    new: impl IntoIterator<Item = T>,
) -> (Vec<T>, Vec<T>) {
    let old: std::collections::BTreeSet<T> = old.into_iter().collect();
    let new: std::collections::BTreeSet<T> = new.into_iter().collect();
    (
        old.difference(&new).cloned().collect(),
        new.difference(&old).cloned().collect(),
    )
}

/// What the kept counts are counted by.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CountKey {
    gemeente: String,
    phase: String,
    closed: bool,
}

impl CountKey {
    fn of(row: &CaseRow) -> CountKey {
        CountKey {
            gemeente: row.gemeente.clone().unwrap_or_default(),
            phase: row.phase.clone(),
            closed: row.closed,
        }
    }
}

/// The insert part of a bump of a kept count, before its values.
pub(crate) const COUNT_HEAD: &str = "INSERT INTO case_counts (gemeente, phase, closed, n)";
/// What follows a bump's values: a count that exists is added to.
pub(crate) const COUNT_TAIL: &str =
    " ON CONFLICT (gemeente, phase, closed) DO UPDATE SET n = case_counts.n + excluded.n";
/// One bump of a kept count: `$1` to `$3` its key, `$4` what is added.
pub(crate) const COUNT_SQL: &str = "INSERT INTO case_counts (gemeente, phase, closed, n) VALUES ($1, $2, $3, $4) ON CONFLICT (gemeente, phase, closed) DO UPDATE SET n = case_counts.n + excluded.n";

/// Adds `delta` to the kept count of `key`.
fn bump_count(key: &CountKey, delta: i64) -> Statement {
    Statement {
        sql: Cow::Borrowed(COUNT_SQL),
        values: vec![
            Value::Text(key.gemeente.clone()),
            Value::Text(key.phase.clone()),
            Value::Bool(key.closed),
            Value::Int(delta),
        ],
    }
}

/// The batch on SQLite, on one rusqlite connection: `BEGIN IMMEDIATE` (the write lock at
/// once, so two writers never deadlock upgrading a read lock), one commit.
///
/// The short way first ([`sqlite::at_once`]): every append read, planned and written in
/// turn, with no savepoint around each. A plan that refuses (a stale version) writes
/// nothing, so it costs only its own append; a statement that fails after others of its
/// append ran (it should not: the plan checked the version under the write lock) rolls the
/// whole transaction back, and the batch runs again the long way ([`sqlite::one_by_one`]):
/// each append in a savepoint of its own, so one append's failure does not hold up the
/// others. A savepoint per append cost the writer two statements parsed anew and a copy of
/// every page the append touched (5 December). An error outside an append (the database
/// went away) fails the whole batch, and nothing is written.
pub(crate) mod sqlite {
    use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

    use super::{
        BEFORE_SQL, Before, HEAD_SQL, Layout, Statement, Value, before_of, head_of, plan, set_head,
    };
    use crate::cells::named;
    use crate::{Append, Appended, Result};

    /// Runs `batch`; one answer per append, in order.
    pub(crate) fn append_batch(
        conn: &mut Connection,
        batch: &[Append],
    ) -> Result<Vec<Result<Appended>>> {
        match at_once(conn, batch)? {
            Some(results) => Ok(results),
            None => one_by_one(conn, batch),
        }
    }

    /// The short way: the batch without a savepoint per append. `None` when a statement
    /// failed: the transaction is rolled back and nothing is written.
    fn at_once(conn: &mut Connection, batch: &[Append]) -> Result<Option<Vec<Result<Appended>>>> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut head = read_head(&tx)?;
        let mut results = Vec::with_capacity(batch.len());
        for a in batch {
            let Ok(before) = read_before(&tx, a) else {
                return Ok(None);
            };
            match plan(a, before, head, Layout::OnTheRow) {
                Ok((statements, appended, next)) => {
                    if statements.iter().any(|s| run(&tx, s).is_err()) {
                        // Dropped: rolled back.
                        return Ok(None);
                    }
                    head = next;
                    results.push(Ok(appended));
                }
                // Refused before anything of it was written.
                Err(e) => results.push(Err(e)),
            }
        }
        run(&tx, &set_head(head))?;
        tx.commit()?;
        Ok(Some(results))
    }

    /// The long way: each append in a savepoint of its own.
    fn one_by_one(conn: &mut Connection, batch: &[Append]) -> Result<Vec<Result<Appended>>> {
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut head = read_head(&tx)?;
        let mut results = Vec::with_capacity(batch.len());
        for a in batch {
            let mut sp = tx.savepoint()?;
            let outcome = (|| {
                let (statements, appended, next) =
                    plan(a, read_before(&sp, a)?, head, Layout::OnTheRow)?;
                for s in &statements {
                    run(&sp, s)?;
                }
                Ok((appended, next))
            })();
            match outcome {
                Ok((appended, next)) => {
                    sp.commit()?;
                    head = next;
                    results.push(Ok(appended));
                }
                Err(e) => {
                    // Back to before this append, and the savepoint released.
                    sp.rollback()?;
                    sp.commit()?;
                    results.push(Err(e));
                }
            }
        }
        run(&tx, &set_head(head))?;
        tx.commit()?;
        Ok(results)
    }

    /// The global chain's head.
    fn read_head(conn: &Connection) -> Result<super::Head> {
        conn.prepare_cached(HEAD_SQL)?
            .query_row([], |r| Ok(named(r, |n| head_of(n))))?
    }

    /// What the store holds of `a`'s case (`None`: a new case).
    fn read_before(conn: &Connection, a: &Append) -> Result<Option<Before>> {
        conn.prepare_cached(BEFORE_SQL)?
            .query_row([a.case.as_str()], |r| Ok(named(r, |n| before_of(n))))
            .optional()?
            .transpose()
    }

    /// Runs one statement (prepared once per connection) with its values.
    fn run(conn: &Connection, s: &Statement) -> Result<()> {
        let mut stmt = conn.prepare_cached(&s.sql)?;
        // SQLite numbers `$n` parameters in the order they first appear, so each is bound
        // by its name.
        for index in 1..=stmt.parameter_count() {
            let value = crate::direct::numbered(&stmt, index, &s.values, &s.sql)?;
            match value {
                Value::Text(t) => stmt.raw_bind_parameter(index, t)?,
                Value::MaybeText(t) => stmt.raw_bind_parameter(index, t)?,
                Value::Int(n) => stmt.raw_bind_parameter(index, n)?,
                Value::Bool(b) => stmt.raw_bind_parameter(index, b)?,
                Value::Bytes(b) => stmt.raw_bind_parameter(index, b)?,
            }
        }
        stmt.raw_execute()?;
        Ok(())
    }
}

/// The batch on PostgreSQL, through sqlx: the global chain's head locked first
/// (`FOR UPDATE`, so writers of several servers take turns), one commit.
///
/// Every statement is a round trip to the server, so a batch whose appends are each on a
/// case of its own goes the short way: the cases read in one query, every append planned,
/// and the statements sent grouped by kind ([`crate::bulk`]) — a batch of 32 commands in
/// some 40 round trips instead of some 200. When a statement fails there (it should not:
/// the plan checked the versions under the head's lock) the batch is rolled back and run
/// the long way: each append read and written in a savepoint of its own, so one append's
/// failure does not hold up the others. A batch with two appends on one case goes the long
/// way at once.
pub(crate) mod postgres {
    use std::collections::{HashMap, HashSet};

    use sqlx::postgres::PgPool;
    use sqlx::{Acquire, PgConnection};

    use super::{
        BEFORE_APART_SQL, BEFORES_SQL, HEAD_FOR_UPDATE_SQL, Layout, Statement, Value, before_of,
        head_of, plan, plan_all, set_head,
    };
    use crate::{Append, Appended, Result};

    /// Runs `batch`; one answer per append, in order.
    pub(crate) async fn append_batch(
        pool: &PgPool,
        batch: &[Append],
    ) -> Result<Vec<Result<Appended>>> {
        let mut cases = HashSet::new();
        if batch.iter().all(|a| cases.insert(a.case.as_str()))
            && let Some(results) = grouped(pool, batch).await?
        {
            return Ok(results);
        }
        one_by_one(pool, batch).await
    }

    /// The short way; `None` when the batch is to go the long way (nothing written).
    async fn grouped(pool: &PgPool, batch: &[Append]) -> Result<Option<Vec<Result<Appended>>>> {
        let mut tx = pool.begin().await?;
        let head = head_of(&sqlx::query(HEAD_FOR_UPDATE_SQL).fetch_one(&mut *tx).await?)?;
        let ids: Vec<&str> = batch.iter().map(|a| a.case.as_str()).collect();
        let mut befores = HashMap::new();
        for r in sqlx::query(BEFORES_SQL)
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await?
        {
            let before = before_of(&r)?;
            befores.insert(before.row.id.to_string(), before);
        }
        let (results, plans, head) = plan_all(batch, &mut befores, head, Layout::Apart);
        let Some(groups) = crate::bulk::schedule(&plans) else {
            tx.rollback().await?;
            return Ok(None);
        };
        for group in &groups {
            for s in crate::bulk::merged(group) {
                if let Err(e) = run(&mut tx, &s).await {
                    tracing::warn!(fout = %e, "batch in één keer mislukt; per opdracht opnieuw");
                    tx.rollback().await?;
                    return Ok(None);
                }
            }
        }
        run(&mut tx, &set_head(head)).await?;
        tx.commit().await?;
        Ok(Some(results))
    }

    /// The long way: each append in a savepoint of its own.
    async fn one_by_one(pool: &PgPool, batch: &[Append]) -> Result<Vec<Result<Appended>>> {
        let mut tx = pool.begin().await?;
        // The head read and locked in one statement.
        let mut head = head_of(&sqlx::query(HEAD_FOR_UPDATE_SQL).fetch_one(&mut *tx).await?)?;
        let mut results = Vec::with_capacity(batch.len());
        for a in batch {
            let mut sp = (&mut *tx).begin().await?;
            let outcome = async {
                let before = sqlx::query(BEFORE_APART_SQL)
                    .bind(a.case.as_str())
                    .fetch_optional(&mut *sp)
                    .await?
                    .map(|r| before_of(&r))
                    .transpose()?;
                let (statements, appended, next) = plan(a, before, head, Layout::Apart)?;
                for s in &statements {
                    run(&mut sp, s).await?;
                }
                Ok((appended, next))
            }
            .await;
            match outcome {
                Ok((appended, next)) => {
                    sp.commit().await?;
                    head = next;
                    results.push(Ok(appended));
                }
                Err(e) => {
                    sp.rollback().await?;
                    results.push(Err(e));
                }
            }
        }
        run(&mut tx, &set_head(head)).await?;
        tx.commit().await?;
        Ok(results)
    }

    /// Runs one statement with its values.
    async fn run(conn: &mut PgConnection, s: &Statement) -> Result<()> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(s.sql.as_ref()));
        for v in &s.values {
            q = match v {
                Value::Text(t) => q.bind(t.as_str()),
                Value::MaybeText(t) => q.bind(t.as_deref()),
                Value::Int(n) => q.bind(*n),
                Value::Bool(b) => q.bind(*b),
                Value::Bytes(b) => q.bind(b.as_slice()),
            };
        }
        q.execute(conn).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> CaseRow {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc);
        CaseRow {
            id: ave_engine::ids::CaseId::parse("casus-1").expect("id"),
            gemeente: Some("gemeente-a".to_owned()),
            model_id: "model".to_owned(),
            model_version: "1".to_owned(),
            phase: "ave-1".to_owned(),
            version: 3,
            opened_at: at,
            last_at: at,
            phase_since: at,
            closed: false,
            next_evaluation: Some("2026-12-15".to_owned()),
            stagnation_due: None,
            decision_due: None,
            review_due: None,
            flags: vec!["role-unfilled".to_owned()],
            roles: vec![("casusregie".to_owned(), "p1".to_owned())],
            access: crate::access::Involved::from_pairs([("p1", "rol")]),
            erased_at: None,
        }
    }

    #[test]
    fn a_known_case_is_updated_in_the_columns_that_changed_and_no_others() {
        let old = row();
        let mut new = old.clone();
        new.version = 4;
        new.last_at += chrono::Duration::minutes(5);
        new.flags.clear();
        let s = write_row(Some(&old), &new, Layout::OnTheRow).expect("a change");
        assert_eq!(
            s.sql,
            "UPDATE cases SET version = $2, last_at = $3, flags = $4 WHERE id = $1"
        );
        assert_eq!(
            write_row(Some(&old), &new, Layout::Apart),
            Some(s.clone()),
            "the same where the roles and involvement are apart"
        );
        assert_eq!(
            s.values,
            vec![
                Value::Text("casus-1".to_owned()),
                Value::Int(4),
                Value::Text("2026-12-01T10:05:00.000000Z".to_owned()),
                Value::Text(",,".to_owned()),
            ]
        );
        assert_eq!(
            write_row(Some(&old), &old, Layout::OnTheRow),
            None,
            "nothing changed"
        );
    }

    #[test]
    fn a_bump_is_its_head_one_row_of_values_and_its_tail() {
        assert_eq!(
            COUNT_SQL,
            format!("{COUNT_HEAD} VALUES ($1, $2, $3, $4){COUNT_TAIL}")
        );
    }

    #[test]
    fn a_new_case_is_inserted_whole() {
        let s = write_row(None, &row(), Layout::OnTheRow).expect("insert");
        assert!(
            s.sql
                .starts_with("INSERT INTO cases (id, opened_at, gemeente,"),
            "{}",
            s.sql
        );
        assert!(s.sql.contains(", roles, access) VALUES"), "{}", s.sql);
        assert_eq!(s.values.len(), 17);
        assert!(s.sql.ends_with("$17)"), "{}", s.sql);
        let s = write_row(None, &row(), Layout::Apart).expect("insert");
        assert!(!s.sql.contains("roles") && !s.sql.contains("access"));
        assert_eq!(s.values.len(), 15);
        assert!(s.sql.ends_with("$15)"), "{}", s.sql);
        let i = write_involvement(None, &row()).expect("insert");
        assert_eq!(
            i.sql,
            "INSERT INTO case_involvement (id, roles, access) VALUES ($1, $2, $3)"
        );
        assert_eq!(
            i.values,
            vec![
                Value::Text("casus-1".to_owned()),
                Value::Text("casusregie=p1".to_owned()),
                Value::Text("p1=rol".to_owned()),
            ]
        );
    }

    #[test]
    fn involvement_is_written_only_when_it_changes() {
        let old = row();
        let mut new = old.clone();
        new.version = 4;
        new.last_at += chrono::Duration::minutes(5);
        assert_eq!(
            write_involvement(Some(&old), &new),
            None,
            "a command that changes no role and nobody's involvement leaves it be"
        );
        new.access = crate::access::Involved::from_pairs([("p1", "rol"), ("p2", "deelnemer")]);
        let s = write_involvement(Some(&old), &new).expect("a change");
        assert_eq!(
            s.sql,
            "UPDATE case_involvement SET access = $2 WHERE id = $1"
        );
        assert_eq!(
            s.values,
            vec![
                Value::Text("casus-1".to_owned()),
                Value::Text("p1=rol,p2=deelnemer".to_owned()),
            ]
        );
        let s = write_row(Some(&old), &new, Layout::Apart).expect("the row changes");
        assert!(!s.sql.contains("access"), "{}", s.sql);
        let s = write_row(Some(&old), &new, Layout::OnTheRow).expect("the row changes");
        assert_eq!(
            s.sql,
            "UPDATE cases SET version = $2, last_at = $3, access = $4 WHERE id = $1"
        );
    }

    #[test]
    fn an_index_loses_what_is_gone_and_gains_what_is_new_and_nothing_else() {
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        let old = vec![
            pair("p1", "rol"),
            pair("p2", "deelnemer"),
            pair("p3", "rol"),
        ];
        let new = vec![
            pair("p3", "rol"),
            pair("p1", "rol"),
            pair("p2", "bijdrager"),
            pair("p4", "rol"),
        ];
        let (gone, added) = changes(old, new.clone());
        assert_eq!(gone, vec![pair("p2", "deelnemer")]);
        assert_eq!(added, vec![pair("p2", "bijdrager"), pair("p4", "rol")]);
        let (gone, added) = changes(new.clone(), new);
        assert!(gone.is_empty() && added.is_empty());
        let (gone, added) = changes(Vec::new(), vec!["a".to_owned(), "a".to_owned()]);
        assert_eq!((gone, added), (vec![], vec!["a".to_owned()]));
    }
}
