//! Local accounts: a login name, a password hash and a TOTP secret per person (a second
//! factor is required for every local account), and what guards them against brute force —
//! a count of consecutive failures and a lock, kept in the database so they hold across
//! servers, and the last accepted TOTP step, so a code is never accepted twice.
//!
//! The store keeps what it is given: hashing, code checks and the rules of when to lock live
//! in the server (`ave_server::auth::credentials`). Every change that matters for security is
//! one statement, so two servers racing on one account cannot both win.

use std::fmt;

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::audit::AuditEntry;
use crate::db::{Db, parse_time, time, to_u64};
use crate::{Result, Store, StoreError};

/// A local account as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    /// The person it belongs to (one account per person).
    pub person: String,
    /// The login name, lowercased.
    pub login: String,
    /// The password's argon2id hash (a PHC string).
    pub password_hash: String,
    /// The TOTP secret (base32).
    pub totp_secret: String,
    /// The last 30-second step whose code was accepted.
    pub totp_last_step: Option<u64>,
    /// Consecutive failed logins since the last success.
    pub failed_count: u32,
    /// Locked until then (after too many failures).
    pub locked_until: Option<DateTime<Utc>>,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
}

/// Secrets stay out of logs: the hash and the TOTP secret are never shown.
impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("person", &self.person)
            .field("login", &"[verborgen]")
            .field("password_hash", &"[verborgen]")
            .field("totp_secret", &"[verborgen]")
            .field("totp_last_step", &self.totp_last_step)
            .field("failed_count", &self.failed_count)
            .field("locked_until", &self.locked_until)
            .field("created_at", &self.created_at)
            .finish()
    }
}

impl Account {
    /// Whether the account is locked at `now`.
    pub fn locked_at(&self, now: DateTime<Utc>) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// The account after a failed login was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure {
    /// Consecutive failures now.
    pub count: u32,
    /// Locked until then, if the failure locked it (or it still was).
    pub locked_until: Option<DateTime<Utc>>,
}

/// How login names are kept: trimmed and lowercased (so `A.Jansen` and `a.jansen` are one).
pub fn normalise_login(login: &str) -> String {
    login.trim().to_lowercase()
}

const COLUMNS: &str = "person, login, password_hash, totp_secret, totp_last_step, failed_count, locked_until, created_at";

/// Reads an account from either backend's row.
trait AccountRow {
    fn account(&self) -> Result<Account>;
}

macro_rules! account_row {
    ($row:ty) => {
        impl AccountRow for $row {
            fn account(&self) -> Result<Account> {
                Ok(Account {
                    person: self.try_get("person")?,
                    login: self.try_get("login")?,
                    password_hash: self.try_get("password_hash")?,
                    totp_secret: self.try_get("totp_secret")?,
                    totp_last_step: self
                        .try_get::<Option<i64>, _>("totp_last_step")?
                        .map(to_u64),
                    failed_count: u32::try_from(self.try_get::<i64, _>("failed_count")?)
                        .unwrap_or(u32::MAX),
                    locked_until: self
                        .try_get::<Option<String>, _>("locked_until")?
                        .as_deref()
                        .map(parse_time)
                        .transpose()?,
                    created_at: parse_time(&self.try_get::<String, _>("created_at")?)?,
                })
            }
        }
    };
}

account_row!(sqlx::sqlite::SqliteRow);
account_row!(sqlx::postgres::PgRow);

impl Store {
    /// Stores a new account, with `audit` (an operator's change) in the same transaction.
    /// Refused (nothing written) when the person does not exist, already has an account, or
    /// the login name is taken.
    pub async fn create_account(
        &self,
        account: &Account,
        audit: Option<&AuditEntry>,
    ) -> Result<()> {
        let login = normalise_login(&account.login);
        if self.account_of_person(&account.person).await?.is_some() {
            return Err(StoreError::Invalid(format!(
                "{} heeft al een account",
                account.person
            )));
        }
        let result = on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            let inserted = sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO accounts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            )))
            .bind(&account.person)
            .bind(&login)
            .bind(&account.password_hash)
            .bind(&account.totp_secret)
            .bind(account.totp_last_step.map(crate::db::to_i64))
            .bind(i64::from(account.failed_count))
            .bind(account.locked_until.as_ref().map(time))
            .bind(time(&account.created_at))
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => {
                    into_outbox!(tx, audit);
                    tx.commit().await
                }
                Err(e) => Err(e),
            }
        });
        result.map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                StoreError::Invalid(format!("{} staat niet in de personenlijst", account.person))
            }
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Invalid("deze gebruikersnaam is al in gebruik".to_owned())
            }
            _ => StoreError::from(e),
        })
    }

    /// The account with this login name (compared lowercased).
    pub async fn account_by_login(&self, login: &str) -> Result<Option<Account>> {
        self.account_where("login", &normalise_login(login)).await
    }

    /// The account of a person.
    pub async fn account_of_person(&self, person: &str) -> Result<Option<Account>> {
        self.account_where("person", person).await
    }

    async fn account_where(&self, column: &'static str, value: &str) -> Result<Option<Account>> {
        let sql = format!("SELECT {COLUMNS} FROM accounts WHERE {column} = $1");
        on!(&self.db, |p| {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(value)
                .fetch_optional(p)
                .await?
                .as_ref()
                .map(AccountRow::account)
                .transpose()
        })
    }

    /// Counts a failed login at `now`: one more consecutive failure, and when that makes
    /// `lock_after` or more, locked until `now + lock_for`. One statement, so failures on
    /// several servers at once are all counted. `None` when there is no such account.
    pub async fn record_login_failure(
        &self,
        person: &str,
        now: DateTime<Utc>,
        lock_after: u32,
        lock_for: chrono::Duration,
    ) -> Result<Option<Failure>> {
        self.count_failure(person, now, lock_after, lock_for, false)
            .await
    }

    /// Reserves a login attempt at `now` before its password is checked: counted as a
    /// failure at once (locking the account when that makes `lock_after` or more, until
    /// `now + lock_for`) — but only when the account is not locked. `None` when it is locked
    /// (or there is no such account): the attempt may not be checked at all. One statement,
    /// so a burst of attempts at once — on one server or several — gets no more than
    /// `lock_after` tries between them; a success forgets the count
    /// ([`Store::record_login_success`]).
    pub async fn reserve_login_attempt(
        &self,
        person: &str,
        now: DateTime<Utc>,
        lock_after: u32,
        lock_for: chrono::Duration,
    ) -> Result<Option<Failure>> {
        self.count_failure(person, now, lock_after, lock_for, true)
            .await
    }

    /// One more failure for `person` (of an unlocked account only, when `unlocked_only`).
    async fn count_failure(
        &self,
        person: &str,
        now: DateTime<Utc>,
        lock_after: u32,
        lock_for: chrono::Duration,
        unlocked_only: bool,
    ) -> Result<Option<Failure>> {
        let until = time(&(now + lock_for));
        // `$4` is `now` when only an unlocked account counts; without it every account does.
        let unlocked_at = unlocked_only.then(|| time(&now));
        let row: Option<(i64, Option<String>)> = on!(&self.db, |p| {
            sqlx::query_as(
                "UPDATE accounts SET failed_count = failed_count + 1, \
                 locked_until = CASE WHEN failed_count + 1 >= $2 THEN $3 ELSE locked_until END \
                 WHERE person = $1 AND ($4 IS NULL OR locked_until IS NULL OR locked_until <= $4) \
                 RETURNING failed_count, locked_until",
            )
            .bind(person)
            .bind(i64::from(lock_after))
            .bind(&until)
            .bind(&unlocked_at)
            .fetch_optional(p)
            .await?
        });
        row.map(|(count, locked)| {
            Ok(Failure {
                count: u32::try_from(count).unwrap_or(u32::MAX),
                locked_until: locked
                    .as_deref()
                    .map(parse_time)
                    .transpose()?
                    .filter(|u| *u > now),
            })
        })
        .transpose()
    }

    /// Records a successful login whose code belonged to TOTP step `step`: the failures are
    /// forgotten and the lock lifted — but only when `step` is later than every step accepted
    /// before. `false` (nothing changed) when the step was already used: a replayed code.
    pub async fn record_login_success(&self, person: &str, step: u64) -> Result<bool> {
        let n = on!(&self.db, |p| {
            sqlx::query(
                "UPDATE accounts SET failed_count = 0, locked_until = NULL, totp_last_step = $2 \
                 WHERE person = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
            )
            .bind(person)
            .bind(crate::db::to_i64(step))
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Lifts the lock and forgets the failures of the account with this login name, with
    /// `audit` in the same transaction. Whether there is one (if not, nothing is written).
    pub async fn unlock_account(&self, login: &str, audit: Option<&AuditEntry>) -> Result<bool> {
        let n = on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE accounts SET failed_count = 0, locked_until = NULL WHERE login = $1",
            )
            .bind(normalise_login(login))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                into_outbox!(tx, audit);
                tx.commit().await?;
            }
            n
        });
        Ok(n == 1)
    }

    /// Replaces the password hash of the account with this login name and ends its person's
    /// sessions, with `audit` in the same transaction. How many sessions ended; `None` when
    /// there is no such account (nothing is written).
    pub async fn set_password_hash(
        &self,
        login: &str,
        password_hash: &str,
        audit: Option<&AuditEntry>,
    ) -> Result<Option<u64>> {
        let login = normalise_login(login);
        Ok(on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query("UPDATE accounts SET password_hash = $2 WHERE login = $1")
                .bind(&login)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 1 {
                let ended = sqlx::query(
                    "DELETE FROM sessions WHERE person = (SELECT person FROM accounts WHERE login = $1)",
                )
                .bind(&login)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                into_outbox!(tx, audit);
                tx.commit().await?;
                Some(ended)
            } else {
                None
            }
        }))
    }

    /// Remembers that `person` passed both factors and must still choose an organisation:
    /// stored under the hash of a random token, until `expires_at`.
    pub async fn create_login_choice(
        &self,
        token_hash: &str,
        person: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        on!(&self.db, |p| {
            sqlx::query(
                "INSERT INTO login_choices (token_hash, person, expires_at) VALUES ($1, $2, $3)",
            )
            .bind(token_hash)
            .bind(person)
            .bind(time(&expires_at))
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Takes (deletes) the pending choice under `token_hash`: its person, if it had not
    /// expired at `now`. A token works once.
    pub async fn take_login_choice(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        let row: Option<(String, String)> = on!(&self.db, |p| {
            sqlx::query_as(
                "DELETE FROM login_choices WHERE token_hash = $1 RETURNING person, expires_at",
            )
            .bind(token_hash)
            .fetch_optional(p)
            .await?
        });
        match row {
            Some((person, expires)) if parse_time(&expires)? > now => Ok(Some(person)),
            _ => Ok(None),
        }
    }
}
