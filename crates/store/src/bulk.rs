//! A batch's statements in fewer round trips (PostgreSQL, where every statement is one trip
//! to the server and back): the statements that the appends of a batch — each on a case of
//! its own — write are grouped by their SQL and run group by group, in an order that keeps
//! every append's own order ([`schedule`]); a group of plain inserts goes as multi-row
//! `INSERT`s, a group of updates of rows by id (every command updates its case's row) as
//! `UPDATE … FROM (VALUES …)`s, a group of deletes of rows named by their columns as
//! `DELETE … USING (VALUES …)`s, and the bumps of the kept counts summed per count as
//! multi-row upserts ([`merged`]).
//!
//! Why this is sound: appends on different cases write different rows, except the kept
//! counts (`case_counts`), whose updates add and so give the same sum in any order, and the
//! global chain's positions, each used once. So statements of different appends may run in
//! any order, and only each append's own order must hold (its case row before its events,
//! an index entry deleted before it is inserted anew).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use crate::append::{COUNT_HEAD, COUNT_SQL, COUNT_TAIL, Statement, Value};

/// The most rows one merged `INSERT` carries. Merged inserts go in chunks of a power of two
/// rows up to this, so a connection prepares a few shapes per kind of insert, not one per
/// batch size.
const MOST_ROWS: usize = 32;

/// The statements of one SQL text, in the order of their appends.
#[derive(Debug)]
pub(crate) struct Group<'a> {
    /// The SQL they share.
    pub sql: &'a str,
    /// The statements, in the order of their appends.
    pub members: Vec<&'a Statement>,
}

/// The groups of statements of `appends` (each append's statements in its order) in an
/// order that runs, for every append, its statements in their order; `None` when there is
/// none (an append that runs one SQL text, then another, then the first again).
pub(crate) fn schedule(appends: &[Vec<Statement>]) -> Option<Vec<Group<'_>>> {
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new();
    for statements in appends {
        let mut previous: Option<usize> = None;
        for s in statements {
            let g = *index.entry(s.sql.as_ref()).or_insert_with(|| {
                groups.push(Group {
                    sql: s.sql.as_ref(),
                    members: Vec::new(),
                });
                groups.len() - 1
            });
            groups[g].members.push(s);
            if let Some(p) = previous.filter(|p| *p != g) {
                edges.insert((p, g));
            }
            previous = Some(g);
        }
    }
    // Kahn's order, the earliest-made group first among those that may go.
    let mut waiting = vec![0usize; groups.len()];
    for (_, to) in &edges {
        waiting[*to] += 1;
    }
    let mut ready: BTreeSet<usize> = (0..groups.len()).filter(|g| waiting[*g] == 0).collect();
    let mut order = Vec::with_capacity(groups.len());
    while let Some(g) = ready.pop_first() {
        order.push(g);
        for (_, to) in edges.range((g, 0)..=(g, usize::MAX)) {
            waiting[*to] -= 1;
            if waiting[*to] == 0 {
                ready.insert(*to);
            }
        }
    }
    if order.len() < groups.len() {
        return None;
    }
    let mut slots: Vec<Option<Group<'_>>> = groups.into_iter().map(Some).collect();
    Some(order.into_iter().filter_map(|g| slots[g].take()).collect())
}

/// What to send for `group`: the kept counts' bumps summed per count as multi-row upserts, a
/// group of plain inserts (`INSERT INTO t (…) VALUES ($1, …, $n)` with `n` values) as
/// multi-row inserts, a group of updates by id (`UPDATE t SET a = $2, b = $3 WHERE id = $1`,
/// each on a row of its own) as updates from a list of values, a group of deletes (`DELETE
/// FROM t WHERE a = $1 AND b = $2`) as deletes using a list of values, every other group
/// statement by statement.
pub(crate) fn merged<'a>(group: &Group<'a>) -> Vec<Cow<'a, Statement>> {
    if group.sql == COUNT_SQL && group.members.len() > 1 {
        return summed_counts(group);
    }
    if let Some(head) = insert_head(group) {
        return in_chunks(group, |rows| multi_row(head, rows, ""));
    }
    if let Some((table, columns)) = update_parts(group) {
        return in_chunks(group, |rows| multi_update(table, &columns, rows));
    }
    if let Some((table, columns)) = delete_parts(group) {
        return in_chunks(group, |rows| multi_delete(table, &columns, rows));
    }
    group.members.iter().map(|s| Cow::Borrowed(*s)).collect()
}

/// The bumps of the kept counts in `group`, one per count with the sum of what its bumps
/// add (they add, so the sum is the same in any order; one upsert may not touch a row
/// twice), as multi-row upserts.
fn summed_counts<'a>(group: &Group<'a>) -> Vec<Cow<'a, Statement>> {
    let mut sums: Vec<Statement> = Vec::new();
    for s in &group.members {
        let (key, delta) = match s.values.as_slice() {
            [key @ .., Value::Int(delta)] if key.len() == 3 => (key, *delta),
            // Not a bump as `COUNT_SQL` has it: sent as it is.
            _ => return group.members.iter().map(|s| Cow::Borrowed(*s)).collect(),
        };
        match sums.iter_mut().find(|sum| &sum.values[..3] == key) {
            Some(sum) => {
                if let Value::Int(n) = &mut sum.values[3] {
                    *n += delta;
                }
            }
            None => sums.push((*s).clone()),
        }
    }
    let summed = Group {
        sql: group.sql,
        members: sums.iter().collect(),
    };
    in_chunks(&summed, |rows| multi_row(COUNT_HEAD, rows, COUNT_TAIL))
        .into_iter()
        .map(|s| Cow::Owned(s.into_owned()))
        .collect()
}

/// The members of `group` in chunks of [`chunk`] rows, each chunk of more than one row
/// made one statement by `merge`.
fn in_chunks<'a>(
    group: &Group<'a>,
    merge: impl Fn(&[&Statement]) -> Statement,
) -> Vec<Cow<'a, Statement>> {
    let mut out = Vec::new();
    let mut rest: &[&Statement] = &group.members;
    while !rest.is_empty() {
        let rows = chunk(rest.len());
        let (now, later) = rest.split_at(rows);
        if rows == 1 {
            out.push(Cow::Borrowed(now[0]));
        } else {
            out.push(Cow::Owned(merge(now)));
        }
        rest = later;
    }
    out
}

/// The part before `VALUES` when every member of `group` is a plain single-row insert whose
/// parameters are `$1` to `$n` in order, `n` its number of values; otherwise `None`.
fn insert_head<'a>(group: &Group<'a>) -> Option<&'a str> {
    let first = group.members.first()?;
    if group.members.len() < 2 || !group.sql.starts_with("INSERT INTO ") {
        return None;
    }
    let tail = format!(" VALUES {}", placeholders(1, first.values.len()));
    let head = group.sql.strip_suffix(tail.as_str())?;
    let same_shape = group
        .members
        .iter()
        .all(|s| s.values.len() == first.values.len());
    (same_shape && !head.contains(" SELECT ") && !head.contains('$')).then_some(head)
}

/// The table and the columns set when every member of `group` is an update of one row by
/// its id, `UPDATE t SET a = $2, b = $3 WHERE id = $1` exactly (the columns plain names, the
/// values `$1` to `$n` as written, `n` its number of values), and the ids all differ;
/// otherwise `None`.
fn update_parts<'a>(group: &Group<'a>) -> Option<(&'a str, Vec<&'a str>)> {
    if group.members.len() < 2 {
        return None;
    }
    let rest = group.sql.strip_prefix("UPDATE ")?;
    let (table, rest) = rest.split_once(" SET ")?;
    let columns = numbered(rest.strip_suffix(" WHERE id = $1")?, ", ", 2)?;
    let ids: BTreeSet<String> = group
        .members
        .iter()
        .filter_map(|s| s.values.first().map(|id| format!("{id:?}")))
        .collect();
    let sound = plain(table)
        && columns.iter().all(|c| *c != "id")
        && group
            .members
            .iter()
            .all(|s| s.values.len() == columns.len() + 1)
        && ids.len() == group.members.len();
    sound.then_some((table, columns))
}

/// The table and the columns named when every member of `group` is a delete of the rows
/// whose columns equal its values, `DELETE FROM t WHERE a = $1 AND b = $2` exactly (the
/// columns plain names, the values `$1` to `$n` in order, `n` its number of values);
/// otherwise `None`. Deletes of different appends may go in any order: each deletes rows
/// of its own case, and a row deleted twice is deleted once.
fn delete_parts<'a>(group: &Group<'a>) -> Option<(&'a str, Vec<&'a str>)> {
    if group.members.len() < 2 {
        return None;
    }
    let rest = group.sql.strip_prefix("DELETE FROM ")?;
    let (table, conditions) = rest.split_once(" WHERE ")?;
    let columns = numbered(conditions, " AND ", 1)?;
    let sound = plain(table)
        && group
            .members
            .iter()
            .all(|s| s.values.len() == columns.len());
    sound.then_some((table, columns))
}

/// One delete of all `rows` (each a delete from `table` of the rows whose `columns` equal
/// its values): `DELETE FROM t AS d USING (VALUES ($1, $2), …) AS v (a, b) WHERE d.a = v.a
/// AND d.b = v.b`.
fn multi_delete(table: &str, columns: &[&str], rows: &[&Statement]) -> Statement {
    let (tuples, values) = value_lists(rows);
    let matches: Vec<String> = columns.iter().map(|c| format!("d.{c} = v.{c}")).collect();
    Statement {
        sql: Cow::Owned(format!(
            "DELETE FROM {table} AS d USING (VALUES {tuples}) AS v ({}) WHERE {}",
            columns.join(", "),
            matches.join(" AND ")
        )),
        values,
    }
}

/// The value lists of `rows` (each with as many values as the first) one after the other,
/// `($1, $2), ($3, $4), …`, and their values in that order.
fn value_lists(rows: &[&Statement]) -> (String, Vec<Value>) {
    let width = rows.first().map_or(0, |r| r.values.len());
    let tuples: Vec<String> = (0..rows.len())
        .map(|r| placeholders(r * width + 1, width))
        .collect();
    let values = rows.iter().flat_map(|s| s.values.iter().cloned()).collect();
    (tuples.join(", "), values)
}

/// The columns of `list`, `a = $n, b = $(n + 1), …` joined by `separator` with `n` =
/// `first`, when it is exactly that with plain column names; otherwise `None`.
fn numbered<'a>(list: &'a str, separator: &str, first: usize) -> Option<Vec<&'a str>> {
    let columns: Vec<&str> = list
        .split(separator)
        .map(|a| a.split_once(" = ").map(|(column, _)| column))
        .collect::<Option<_>>()?;
    let expected: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + first))
        .collect();
    (columns.iter().all(|c| plain(c)) && expected.join(separator) == list).then_some(columns)
}

/// A plain SQL name: lower-case letters and underscores.
fn plain(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// One update of all `rows` (each an update by id of `columns` of `table`): `UPDATE t AS
/// u SET a = v.a, … FROM (VALUES ($1, $2, …), …) AS v (id, a, …) WHERE u.id = v.id`. The
/// values keep the types they are bound with, as in the single updates.
fn multi_update(table: &str, columns: &[&str], rows: &[&Statement]) -> Statement {
    let (tuples, values) = value_lists(rows);
    let set: Vec<String> = columns.iter().map(|c| format!("{c} = v.{c}")).collect();
    Statement {
        sql: Cow::Owned(format!(
            "UPDATE {table} AS u SET {} FROM (VALUES {tuples}) AS v (id, {}) WHERE u.id = v.id",
            set.join(", "),
            columns.join(", ")
        )),
        values,
    }
}

/// How many rows the next merged insert carries when `left` are left: the largest power of
/// two not over `left` nor [`MOST_ROWS`].
fn chunk(left: usize) -> usize {
    let most = left.min(MOST_ROWS);
    1 << (usize::BITS - 1 - most.leading_zeros())
}

/// `($from, …, $(from + n - 1))`.
fn placeholders(from: usize, n: usize) -> String {
    let list: Vec<String> = (from..from + n).map(|i| format!("${i}")).collect();
    format!("({})", list.join(", "))
}

/// One insert of all `rows` (each a single-row insert after `head`, followed by `tail`).
fn multi_row(head: &str, rows: &[&Statement], tail: &str) -> Statement {
    let (tuples, values) = value_lists(rows);
    Statement {
        sql: Cow::Owned(format!("{head} VALUES {tuples}{tail}")),
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::append::Value;

    fn stmt(sql: &'static str, values: &[i64]) -> Statement {
        Statement {
            sql: Cow::Borrowed(sql),
            values: values.iter().map(|v| Value::Int(*v)).collect(),
        }
    }

    const ROW: &str = "UPDATE cases SET version = $2 WHERE id = $1";
    const NEW: &str = "INSERT INTO cases (id, version) VALUES ($1, $2)";
    const EVENT: &str = "INSERT INTO events (case_id, seq) VALUES ($1, $2)";
    const GONE: &str = "DELETE FROM case_access WHERE case_id = $1";
    const ACCESS: &str = "INSERT INTO case_access (case_id, person) VALUES ($1, $2)";

    /// Checks that two appends of `sql`, with values `a` and `b`, are sent unmerged.
    fn sent_as_they_are(sql: &'static str, a: &[i64], b: &[i64]) {
        let appends = vec![vec![stmt(sql, a)], vec![stmt(sql, b)]];
        let groups = schedule(&appends).expect("an order");
        let sent = merged(&groups[0]);
        assert_eq!(sent.len(), 2, "{sql}");
        assert!(sent.iter().all(|s| s.sql == sql), "{sql}");
    }

    fn sqls(groups: &[Group<'_>]) -> Vec<&'static str> {
        groups
            .iter()
            .map(|g| {
                [ROW, NEW, EVENT, GONE, ACCESS]
                    .into_iter()
                    .find(|s| *s == g.sql)
                    .unwrap_or("?")
            })
            .collect()
    }

    #[test]
    fn every_append_keeps_its_order_when_the_first_append_is_not_the_richest() {
        // The first append updates a known case; the second opens one: its row must go
        // before its events even though the group of events was made first.
        let appends = vec![
            vec![stmt(ROW, &[1, 2]), stmt(EVENT, &[1, 2])],
            vec![
                stmt(NEW, &[2, 1]),
                stmt(EVENT, &[2, 1]),
                stmt(ACCESS, &[2, 7]),
            ],
            vec![stmt(GONE, &[3]), stmt(ACCESS, &[3, 8])],
        ];
        let groups = schedule(&appends).expect("an order");
        assert_eq!(sqls(&groups), vec![ROW, NEW, EVENT, GONE, ACCESS]);
        let events = &groups[2];
        assert_eq!(events.members.len(), 2);
        assert_eq!(events.members[0].values, vec![Value::Int(1), Value::Int(2)]);
    }

    #[test]
    fn an_append_that_comes_back_to_an_earlier_kind_has_no_order() {
        let appends = vec![vec![
            stmt(EVENT, &[1, 1]),
            stmt(ACCESS, &[1, 7]),
            stmt(EVENT, &[1, 2]),
        ]];
        assert!(schedule(&appends).is_none());
        // Two appends in opposite orders have none either.
        let appends = vec![
            vec![stmt(EVENT, &[1, 1]), stmt(ACCESS, &[1, 7])],
            vec![stmt(ACCESS, &[2, 7]), stmt(EVENT, &[2, 1])],
        ];
        assert!(schedule(&appends).is_none());
    }

    #[test]
    fn plain_inserts_merge_into_chunks_of_a_power_of_two_rows() {
        let appends: Vec<Vec<Statement>> = (0..7).map(|i| vec![stmt(EVENT, &[i, 1])]).collect();
        let groups = schedule(&appends).expect("an order");
        let sent = merged(&groups[0]);
        assert_eq!(sent.len(), 3, "4 + 2 + 1 rows");
        assert_eq!(
            sent[0].sql,
            "INSERT INTO events (case_id, seq) VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8)"
        );
        assert_eq!(
            sent[0].values,
            [0, 1, 1, 1, 2, 1, 3, 1].map(Value::Int).to_vec()
        );
        assert_eq!(
            sent[1].sql,
            "INSERT INTO events (case_id, seq) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(sent[2].sql, EVENT);
        assert_eq!(sent[2].values, vec![Value::Int(6), Value::Int(1)]);
        assert_eq!(chunk(100), MOST_ROWS);
    }

    #[test]
    fn other_statements_are_sent_as_they_are() {
        const UPSERT: &str = "INSERT INTO case_counts (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = case_counts.n + excluded.n";
        const SELECTED: &str =
            "INSERT INTO outbox (n, at) SELECT $1, $2 FROM persons WHERE id = $3";
        for sql in [UPSERT, SELECTED, ROW] {
            let n = sql.matches('$').count();
            let values: Vec<i64> = (0..i64::try_from(n).unwrap_or(0)).collect();
            sent_as_they_are(sql, &values, &values);
        }
    }

    #[test]
    fn updates_of_rows_by_id_merge_into_an_update_from_values() {
        const TWO: &str = "UPDATE cases SET version = $2, last_at = $3 WHERE id = $1";
        let appends: Vec<Vec<Statement>> = (0..3)
            .map(|i| vec![stmt(TWO, &[i, 10 + i, 20 + i])])
            .collect();
        let groups = schedule(&appends).expect("an order");
        let sent = merged(&groups[0]);
        assert_eq!(sent.len(), 2, "2 + 1 rows");
        assert_eq!(
            sent[0].sql,
            "UPDATE cases AS u SET version = v.version, last_at = v.last_at FROM (VALUES ($1, $2, $3), ($4, $5, $6)) AS v (id, version, last_at) WHERE u.id = v.id"
        );
        assert_eq!(
            sent[0].values,
            [0, 10, 20, 1, 11, 21].map(Value::Int).to_vec()
        );
        assert_eq!(sent[1].sql, TWO);
        assert_eq!(sent[1].values, [2, 12, 22].map(Value::Int).to_vec());
    }

    #[test]
    fn updates_that_are_not_one_row_each_by_id_are_sent_as_they_are() {
        // Two updates of one row (their order would be lost in one statement), parameters
        // out of their order, a condition on more than the id, an expression.
        let same_row = vec![vec![stmt(ROW, &[1, 2])], vec![stmt(ROW, &[1, 3])]];
        let groups = schedule(&same_row).expect("an order");
        assert_eq!(merged(&groups[0]).len(), 2);
        for sql in [
            "UPDATE cases SET version = $3, last_at = $2 WHERE id = $1",
            "UPDATE cases SET version = $2 WHERE id = $1 AND closed = $3",
            "UPDATE case_counts SET n = n + $2 WHERE id = $1",
        ] {
            let n = i64::try_from(sql.matches('$').count()).unwrap_or(0);
            let values = |i: i64| (0..n).map(|v| v + 10 * i).collect::<Vec<_>>();
            sent_as_they_are(sql, &values(0), &values(1));
        }
    }

    #[test]
    fn deletes_of_rows_named_by_their_columns_merge_into_a_delete_using_values() {
        const BY_TWO: &str = "DELETE FROM case_access WHERE case_id = $1 AND person = $2";
        let appends: Vec<Vec<Statement>> = (0..3).map(|i| vec![stmt(BY_TWO, &[i, 7])]).collect();
        let groups = schedule(&appends).expect("an order");
        let sent = merged(&groups[0]);
        assert_eq!(sent.len(), 2, "2 + 1 rows");
        assert_eq!(
            sent[0].sql,
            "DELETE FROM case_access AS d USING (VALUES ($1, $2), ($3, $4)) AS v (case_id, person) WHERE d.case_id = v.case_id AND d.person = v.person"
        );
        assert_eq!(sent[0].values, [0, 7, 1, 7].map(Value::Int).to_vec());
        assert_eq!(sent[1].sql, BY_TWO);
        // A delete of one column merges too; one with an expression or its parameters out
        // of order does not.
        let appends = vec![vec![stmt(GONE, &[1])], vec![stmt(GONE, &[2])]];
        let groups = schedule(&appends).expect("an order");
        assert_eq!(merged(&groups[0]).len(), 1);
        for sql in [
            "DELETE FROM case_access WHERE person = $2 AND case_id = $1",
            "DELETE FROM case_access WHERE case_id = $1 AND n > $2",
            "DELETE FROM case_access WHERE case_id = $1 OR person = $2",
        ] {
            sent_as_they_are(sql, &[1, 2], &[3, 4]);
        }
    }

    #[test]
    fn bumps_of_one_count_are_summed_into_one_row_of_an_upsert() {
        let bump = |gemeente: &str, phase: &str, delta: i64| Statement {
            sql: Cow::Borrowed(COUNT_SQL),
            values: vec![
                Value::Text(gemeente.to_owned()),
                Value::Text(phase.to_owned()),
                Value::Bool(false),
                Value::Int(delta),
            ],
        };
        let appends = vec![
            vec![bump("oss", "ave-1", -1), bump("oss", "ave-2", 1)],
            vec![bump("oss", "ave-1", -1), bump("oss", "ave-2", 1)],
            vec![bump("uden", "ave-1", 1)],
        ];
        let groups = schedule(&appends).expect("an order");
        let sent = merged(&groups[0]);
        assert_eq!(sent.len(), 2, "three counts: 2 + 1 rows");
        assert_eq!(
            sent[0].sql,
            format!("{COUNT_HEAD} VALUES ($1, $2, $3, $4), ($5, $6, $7, $8){COUNT_TAIL}")
        );
        let text = |t: &str| Value::Text(t.to_owned());
        assert_eq!(
            sent[0].values,
            vec![
                text("oss"),
                text("ave-1"),
                Value::Bool(false),
                Value::Int(-2),
                text("oss"),
                text("ave-2"),
                Value::Bool(false),
                Value::Int(2),
            ]
        );
        assert_eq!(sent[1].sql, COUNT_SQL);
        assert_eq!(sent[1].values[3], Value::Int(1));
    }
}
