//! A result row of either driver, read by column name: the code that turns a row into a
//! value is written once for PostgreSQL (sqlx) and SQLite (rusqlite, [`crate::direct`]).

use sqlx::Row;

use crate::Result;

/// A result row, read by column name.
pub(crate) trait Cells {
    /// A text column that is never NULL.
    fn text(&self, column: &str) -> Result<String>;
    /// A text column that may be NULL.
    fn maybe(&self, column: &str) -> Result<Option<String>>;
    /// An integer column.
    fn int(&self, column: &str) -> Result<i64>;
    /// A boolean column.
    fn flag(&self, column: &str) -> Result<bool>;
    /// A byte column that may be NULL.
    fn maybe_bytes(&self, column: &str) -> Result<Option<Vec<u8>>>;
}

impl Cells for sqlx::postgres::PgRow {
    fn text(&self, column: &str) -> Result<String> {
        Ok(self.try_get(column)?)
    }
    fn maybe(&self, column: &str) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }
    fn int(&self, column: &str) -> Result<i64> {
        Ok(self.try_get(column)?)
    }
    fn flag(&self, column: &str) -> Result<bool> {
        Ok(self.try_get(column)?)
    }
    fn maybe_bytes(&self, column: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.try_get(column)?)
    }
}

/// A SQLite row with its statement's column names: a read by name compares the names in
/// Rust. (rusqlite's own read by name asks SQLite for the name of every column before the
/// one sought, per read: a page of 100 cases of 18 columns asked some 16,000 names.)
pub(crate) struct Named<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    names: &'a [String],
}

impl<'a, 'r> Named<'a, 'r> {
    /// `row` read by the names `names` (its statement's columns, in order: [`names`]).
    pub(crate) fn new(row: &'a rusqlite::Row<'r>, names: &'a [String]) -> Self {
        Named { row, names }
    }

    /// The column called `column` as a `T`.
    pub(crate) fn get<T: rusqlite::types::FromSql>(&self, column: &str) -> Result<T> {
        let index = self
            .names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(column))
            .ok_or_else(|| rusqlite::Error::InvalidColumnName(column.to_owned()))?;
        Ok(self.row.get(index)?)
    }
}

/// `f` of the one row `row`, read by name (a row of its own statement: its names taken for
/// it alone; a query of many rows takes them once, as [`crate::direct::query`] does).
pub(crate) fn named<T>(row: &rusqlite::Row<'_>, f: impl FnOnce(&Named<'_, '_>) -> T) -> T {
    f(&Named::new(row, &names(row.as_ref())))
}

/// The names of the columns `stmt` gives, in order.
pub(crate) fn names(stmt: &rusqlite::Statement<'_>) -> Vec<String> {
    stmt.column_names().into_iter().map(str::to_owned).collect()
}

impl Cells for Named<'_, '_> {
    fn text(&self, column: &str) -> Result<String> {
        self.get(column)
    }
    fn maybe(&self, column: &str) -> Result<Option<String>> {
        self.get(column)
    }
    fn int(&self, column: &str) -> Result<i64> {
        self.get(column)
    }
    fn flag(&self, column: &str) -> Result<bool> {
        self.get(column)
    }
    fn maybe_bytes(&self, column: &str) -> Result<Option<Vec<u8>>> {
        self.get(column)
    }
}
