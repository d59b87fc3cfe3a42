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

impl Cells for rusqlite::Row<'_> {
    fn text(&self, column: &str) -> Result<String> {
        Ok(self.get(column)?)
    }
    fn maybe(&self, column: &str) -> Result<Option<String>> {
        Ok(self.get(column)?)
    }
    fn int(&self, column: &str) -> Result<i64> {
        Ok(self.get(column)?)
    }
    fn flag(&self, column: &str) -> Result<bool> {
        Ok(self.get(column)?)
    }
    fn maybe_bytes(&self, column: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.get(column)?)
    }
}
