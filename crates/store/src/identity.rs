//! Who works here: organisations, people and their functions (the directory), sessions after
//! a login, and personal API tokens. Secrets are never stored: a session or token is found by
//! the SHA-256 hash of its value ([`token_hash`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::audit::AuditEntry;
use crate::db::{Db, parse_time, time};
use crate::notifications::Email;
use crate::{Result, Store, StoreError};

/// An organisation people work for (a gemeente, a care provider, the police, a ZVH).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Its id, e.g. `gemeente-oss`.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A function a person holds for an organisation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Membership {
    /// The organisation.
    pub organisation: String,
    /// The gemeente the function is for; `None` for the whole region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gemeente: Option<String>,
    /// The function, as the models name it (`casusregisseur`, `procesregisseur-zvh`, …).
    pub function: String,
}

/// A person in the directory. Pseudonymous id; the name is a work name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Pseudonymous id, as in the case events.
    pub id: String,
    /// Work name.
    pub name: String,
    /// Manages models, organisations and accounts (reads no case contents).
    pub admin: bool,
    /// Privacy officer (functionaris gegevensbescherming): answers access requests.
    pub privacy: bool,
    /// Whether the person may log in.
    pub active: bool,
    /// The functions held.
    pub memberships: Vec<Membership>,
}

/// A session after a login: who logged in, as they were at that moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The person.
    pub person: String,
    /// A snapshot of the person and the organisation chosen at login (JSON, read by the
    /// server).
    pub actor: String,
    /// How they logged in: `wachtwoord+totp`, `oidc:<provider>`, …
    pub method: String,
    /// The session's CSRF token (for forms and unsafe methods).
    pub csrf: String,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
}

/// A personal API token (its value is shown once, then only its hash is kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    /// The person it acts for.
    pub person: String,
    /// A name the person gave it.
    pub name: String,
    /// When made.
    pub created_at: DateTime<Utc>,
    /// When it stops working; `None`: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// What [`Store::put_person`] writes with the person, in the same transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct PersonWrite<'a> {
    /// `Some(Some(address))` sets the e-mail address, `Some(None)` removes it, `None`
    /// leaves it as it is.
    pub email: Option<Option<&'a Email>>,
    /// The change's audit entry (an administrator's change; the directory's seeding writes
    /// none).
    pub audit: Option<&'a AuditEntry>,
}

/// The hash a session or token is stored under: lowercase hex of SHA-256 of its value.
pub fn token_hash(value: &str) -> String {
    crate::hex_text::lower_hex(&Sha256::digest(value.as_bytes()))
}

impl Store {
    /// Adds or renames an organisation; with `audit`, its entry in the same transaction (an
    /// administrator's change; the directory's seeding writes none).
    pub async fn put_organisation(
        &self,
        o: &Organisation,
        audit: Option<&AuditEntry>,
    ) -> Result<()> {
        on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO organisations (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
            )
            .bind(&o.id)
            .bind(&o.name)
            .execute(&mut *tx)
            .await?;
            into_outbox!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every organisation, by id.
    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        let rows: Vec<(String, String)> = on!(&self.db, |p| {
            sqlx::query_as("SELECT id, name FROM organisations ORDER BY id")
                .fetch_all(p)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name)| Organisation { id, name })
            .collect())
    }

    /// The name of organisation `id`, if the directory has it.
    pub async fn organisation_name(&self, id: &str) -> Result<Option<String>> {
        Ok(on!(&self.db, |p| {
            sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        }))
    }

    /// Adds or replaces a person with their memberships, and with what `with` adds, in one
    /// transaction: all of it is written, or nothing. Every membership's organisation must
    /// exist. The person's sessions end (what they may do changed: they log in again); how
    /// many ended.
    pub async fn put_person(&self, person: &Person, with: PersonWrite<'_>) -> Result<u64> {
        let ended = on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO persons (id, name, is_admin, is_privacy, active) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, is_admin = excluded.is_admin, \
                 is_privacy = excluded.is_privacy, active = excluded.active",
            )
            .bind(&person.id)
            .bind(&person.name)
            .bind(person.admin)
            .bind(person.privacy)
            .bind(person.active)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM memberships WHERE person = $1")
                .bind(&person.id)
                .execute(&mut *tx)
                .await?;
            for m in &person.memberships {
                sqlx::query(
                    "INSERT INTO memberships (person, organisation, gemeente, function) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(&person.id)
                .bind(&m.organisation)
                .bind(m.gemeente.as_deref().unwrap_or(""))
                .bind(&m.function)
                .execute(&mut *tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                        StoreError::Invalid(format!(
                            "organisatie {:?} bestaat niet",
                            m.organisation
                        ))
                    }
                    _ => StoreError::from(e),
                })?;
            }
            if let Some(email) = with.email {
                sqlx::query("UPDATE persons SET email = $1 WHERE id = $2")
                    .bind(email.map(|e| e.as_str().to_owned()))
                    .bind(&person.id)
                    .execute(&mut *tx)
                    .await?;
            }
            let ended = sqlx::query("DELETE FROM sessions WHERE person = $1")
                .bind(&person.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            into_outbox!(tx, with.audit);
            tx.commit().await?;
            ended
        });
        Ok(ended)
    }

    /// A person with their memberships.
    pub async fn person(&self, id: &str) -> Result<Option<Person>> {
        Ok(self.persons_where(Some(id)).await?.into_iter().next())
    }

    /// The work names of the persons among `ids` that the directory has, by id, in one
    /// query per 500 ids (a page names tens of people).
    pub async fn work_names(&self, ids: &[String]) -> Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT id, name FROM persons WHERE id IN ({})",
                marks.join(", ")
            );
            let rows: Vec<(String, String)> = on!(&self.db, |p| {
                let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
                for id in chunk {
                    q = q.bind(id.clone());
                }
                q.fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Every person, by id.
    pub async fn persons(&self) -> Result<Vec<Person>> {
        self.persons_where(None).await
    }

    async fn persons_where(&self, id: Option<&str>) -> Result<Vec<Person>> {
        type PersonRow = (String, String, bool, bool, bool);
        let filter = if id.is_some() { "WHERE id = $1" } else { "" };
        let persons: Vec<PersonRow> = on!(&self.db, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id, name, is_admin, is_privacy, active FROM persons {filter} ORDER BY id"
            )))
            .bind(id.unwrap_or(""))
            .fetch_all(p)
            .await?
        });
        let members: Vec<(String, String, String, String)> = on!(&self.db, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT person, organisation, gemeente, function FROM memberships {} ORDER BY person, organisation, gemeente, function",
                if id.is_some() { "WHERE person = $1" } else { "" }
            )))
            .bind(id.unwrap_or(""))
            .fetch_all(p)
            .await?
        });
        Ok(persons
            .into_iter()
            .map(|(id, name, admin, privacy, active)| Person {
                memberships: members
                    .iter()
                    .filter(|m| m.0 == id)
                    .map(|(_, organisation, gemeente, function)| Membership {
                        organisation: organisation.clone(),
                        gemeente: Some(gemeente.clone()).filter(|g| !g.is_empty()),
                        function: function.clone(),
                    })
                    .collect(),
                id,
                name,
                admin,
                privacy,
                active,
            })
            .collect())
    }

    /// Stores a new session under the hash of its token.
    pub async fn create_session(&self, token_hash: &str, s: &Session) -> Result<()> {
        on!(&self.db, |p| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, person, actor, method, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(token_hash)
            .bind(&s.person)
            .bind(&s.actor)
            .bind(&s.method)
            .bind(&s.csrf)
            .bind(time(&s.created_at))
            .bind(time(&s.expires_at))
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The session stored under `token_hash`, if it has not expired at `now`.
    pub async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        let row = on!(&self.db, |p| {
            sqlx::query(
                "SELECT person, actor, method, csrf, created_at, expires_at FROM sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(p)
            .await?
            .map(|r| -> Result<Session> {
                Ok(Session {
                    person: r.try_get("person")?,
                    actor: r.try_get("actor")?,
                    method: r.try_get("method")?,
                    csrf: r.try_get("csrf")?,
                    created_at: parse_time(&r.try_get::<String, _>("created_at")?)?,
                    expires_at: parse_time(&r.try_get::<String, _>("expires_at")?)?,
                })
            })
        });
        Ok(row.transpose()?.filter(|s| s.expires_at > now))
    }

    /// Ends a session (logout). Whether there was one.
    pub async fn end_session(&self, token_hash: &str) -> Result<bool> {
        let n = on!(&self.db, |p| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    /// Stores a personal API token under the hash of its value, with `audit` (an operator's
    /// change) in the same transaction.
    pub async fn create_api_token(
        &self,
        token_hash: &str,
        t: &ApiToken,
        audit: Option<&AuditEntry>,
    ) -> Result<()> {
        on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO api_tokens (token_hash, person, name, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(&t.person)
            .bind(&t.name)
            .bind(time(&t.created_at))
            .bind(t.expires_at.as_ref().map(time))
            .execute(&mut *tx)
            .await?;
            into_outbox!(tx, audit);
            tx.commit().await?;
        });
        Ok(())
    }

    /// The API token stored under `token_hash`, if it works at `now`.
    pub async fn api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ApiToken>> {
        let row: Option<(String, String, String, Option<String>)> = on!(&self.db, |p| {
            sqlx::query_as(
                "SELECT person, name, created_at, expires_at FROM api_tokens WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(p)
            .await?
        });
        let Some((person, name, created, expires)) = row else {
            return Ok(None);
        };
        let token = ApiToken {
            person,
            name,
            created_at: parse_time(&created)?,
            expires_at: expires.as_deref().map(parse_time).transpose()?,
        };
        Ok(Some(token).filter(|t| t.expires_at.is_none_or(|e| e > now)))
    }

    /// Revokes every API token of `person` named `name`, with `audit` in the same
    /// transaction. How many (none: nothing is written).
    pub async fn revoke_api_token(
        &self,
        person: &str,
        name: &str,
        audit: Option<&AuditEntry>,
    ) -> Result<u64> {
        Ok(on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query("DELETE FROM api_tokens WHERE person = $1 AND name = $2")
                .bind(person)
                .bind(name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n > 0 {
                into_outbox!(tx, audit);
                tx.commit().await?;
            }
            n
        }))
    }
}
