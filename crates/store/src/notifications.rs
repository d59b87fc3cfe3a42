//! Informing people (issue 12): meldingen in a person's inbox and the outbox of e-mails that
//! announce them. A melding is written in the same transaction as the events of the command
//! that caused it ([`crate::Append::notify`]): when the command commits the melding exists,
//! when it does not neither does the melding. A melding holds ids and keys only (which
//! trigger, which transition, which role) — never household data; its words are made at the
//! edge. The e-mail says only that there is a melding, with a link to the site.
//!
//! A person's e-mail address lives next to the directory entry ([`Email`],
//! [`Store::put_person`] with [`crate::identity::PersonWrite::email`]); a melding for someone without an address gets no e-mail.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use crate::append::{Statement, Value};
use crate::audit::AuditEntry;
use crate::db::{Db, parse_time, time, to_i64, to_u64};
use crate::{Page, Result, Store};

/// An e-mail address, checked: `local@domain.tld`, without spaces, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Email(String);

impl Email {
    /// The address in `text` (trimmed), or why it is not one — in Dutch.
    pub fn parse(text: &str) -> std::result::Result<Email, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("geef een e-mailadres, bijvoorbeeld naam@gemeente.nl".to_owned());
        }
        if t.len() > 254 {
            return Err("een e-mailadres is ten hoogste 254 tekens lang".to_owned());
        }
        let Some((local, domain)) = t.split_once('@') else {
            return Err(format!(
                "{t:?} is geen e-mailadres: het @ ontbreekt (bijvoorbeeld naam@gemeente.nl)"
            ));
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(format!(
                "{t:?} is geen geldig e-mailadres (bijvoorbeeld naam@gemeente.nl)"
            ));
        }
        Ok(Email(t.to_owned()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A melding to write with a command's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// Its id (random, made by the caller).
    pub id: String,
    /// For whom (pseudonymous person id).
    pub person: String,
    /// What kind: `trigger`, `overgang` or `overdracht`.
    pub kind: String,
    /// Ids and keys only, as a JSON object (never household data).
    pub data: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Also put an e-mail in the outbox (when the person has an address).
    pub mail: bool,
}

/// A melding as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// Its id.
    pub id: String,
    /// For whom.
    pub person: String,
    /// The case it is about.
    pub case_id: String,
    /// What kind: `trigger`, `overgang` or `overdracht`.
    pub kind: String,
    /// Ids and keys, as a JSON object.
    pub data: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When the person marked it read.
    pub read_at: Option<DateTime<Utc>>,
}

/// An e-mail due for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    /// The melding it announces.
    pub notification: String,
    /// The address to send it to.
    pub email: String,
    /// Attempts so far.
    pub attempts: u64,
}

/// After this many failed attempts an e-mail is no longer tried (the melding stays in the
/// inbox).
pub const MAX_ATTEMPTS: u64 = 20;

/// The statements that write `list` for `case` (in the transaction of the command's events):
/// each melding, then an e-mail in the outbox for each that asks for it when its person has
/// an address (all meldingen first: statements of one kind together, so a batch can send
/// them together, see `bulk.rs`).
pub(crate) fn inserts(case: &str, list: &[NewNotification]) -> Vec<Statement> {
    let mut out = Vec::new();
    for n in list {
        out.push(Statement {
            sql: Cow::Borrowed(
                "INSERT INTO notifications (id, person, case_id, kind, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            ),
            values: vec![
                Value::Text(n.id.clone()),
                Value::Text(n.person.clone()),
                Value::Text(case.to_owned()),
                Value::Text(n.kind.clone()),
                Value::Text(n.data.clone()),
                Value::Text(time(&n.created_at)),
            ],
        });
    }
    for n in list.iter().filter(|n| n.mail) {
        // Only for a person with an address; nobody else gets an e-mail.
        out.push(Statement {
            sql: Cow::Borrowed(
                "INSERT INTO notification_outbox (notification, next_attempt_at) SELECT $1, $2 FROM persons WHERE id = $3 AND email IS NOT NULL",
            ),
            values: vec![
                Value::Text(n.id.clone()),
                Value::Text(time(&n.created_at)),
                Value::Text(n.person.clone()),
            ],
        });
    }
    out
}

type NotificationRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn notification(r: NotificationRow) -> Result<Notification> {
    let (id, person, case_id, kind, data, created, read) = r;
    Ok(Notification {
        id,
        person,
        case_id,
        kind,
        data,
        created_at: parse_time(&created)?,
        read_at: read.as_deref().map(parse_time).transpose()?,
    })
}

impl Store {
    /// A person's meldingen, newest first, with how many there are in all.
    pub async fn notifications(
        &self,
        person: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Page<Notification>> {
        let rows: Vec<NotificationRow> = on!(&self.db, |p| {
            sqlx::query_as(
                "SELECT id, person, case_id, kind, data, created_at, read_at FROM notifications WHERE person = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            )
            .bind(person)
            .bind(to_i64(limit))
            .bind(to_i64(offset))
            .fetch_all(p)
            .await?
        });
        let total: i64 = on!(&self.db, |p| {
            sqlx::query("SELECT COUNT(*) AS n FROM notifications WHERE person = $1")
                .bind(person)
                .fetch_one(p)
                .await?
                .try_get("n")?
        });
        Ok(Page {
            items: rows.into_iter().map(notification).collect::<Result<_>>()?,
            total: to_u64(total),
            capped: false,
        })
    }

    /// One melding of `person` (none when it is someone else's).
    pub async fn notification(&self, person: &str, id: &str) -> Result<Option<Notification>> {
        let row: Option<NotificationRow> = on!(&self.db, |p| {
            sqlx::query_as(
                "SELECT id, person, case_id, kind, data, created_at, read_at FROM notifications WHERE id = $1 AND person = $2",
            )
            .bind(id)
            .bind(person)
            .fetch_optional(p)
            .await?
        });
        row.map(notification).transpose()
    }

    /// How many meldingen of `person` are unread (one indexed count).
    pub async fn unread_count(&self, person: &str) -> Result<u64> {
        let n: i64 = on!(&self.db, |p| {
            sqlx::query(
                "SELECT COUNT(*) AS n FROM notifications WHERE person = $1 AND read_at IS NULL",
            )
            .bind(person)
            .fetch_one(p)
            .await?
            .try_get("n")?
        });
        Ok(to_u64(n))
    }

    /// Marks notification `id` of `person` read (a second time keeps the first moment), with
    /// the change's audit entry in the same transaction. False when `person` has no such
    /// notification (nothing is written).
    pub async fn mark_read(
        &self,
        person: &str,
        id: &str,
        at: DateTime<Utc>,
        audit: &AuditEntry,
    ) -> Result<bool> {
        let n = on!(&self.db, |p| {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND person = $3",
            )
            .bind(time(&at))
            .bind(id)
            .bind(person)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n > 0 {
                into_outbox!(tx, audit);
                tx.commit().await?;
            }
            n
        });
        Ok(n > 0)
    }

    /// The active persons holding one of `functions` for `gemeente` or for the whole region
    /// (membership without gemeente); for a case without gemeente only the region-wide ones.
    /// Sorted, without repeats.
    pub async fn persons_with_functions(
        &self,
        functions: &[String],
        gemeente: Option<&str>,
    ) -> Result<Vec<String>> {
        if functions.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String)> = on!(&self.db, |p| {
            sqlx::query_as(
                "SELECT DISTINCT m.person, m.function FROM memberships m JOIN persons p ON p.id = m.person WHERE p.active = $1 AND (m.gemeente = '' OR m.gemeente = $2)",
            )
            .bind(true)
            .bind(gemeente.unwrap_or(""))
            .fetch_all(p)
            .await?
        });
        let mut out: Vec<String> = rows
            .into_iter()
            .filter(|(_, f)| functions.contains(f))
            .map(|(person, _)| person)
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Every person's e-mail address, by person.
    pub async fn person_emails(&self) -> Result<BTreeMap<String, String>> {
        let rows: Vec<(String, String)> = on!(&self.db, |p| {
            sqlx::query_as("SELECT id, email FROM persons WHERE email IS NOT NULL")
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// E-mails due at `now` (not sent, fewer than [`MAX_ATTEMPTS`] attempts, the person
    /// still has an address), oldest first.
    pub async fn due_mail(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<OutboxMail>> {
        let rows: Vec<(String, String, i64)> = on!(&self.db, |p| {
            sqlx::query_as(
                "SELECT o.notification, p.email, o.attempts FROM notification_outbox o JOIN notifications n ON n.id = o.notification JOIN persons p ON p.id = n.person WHERE o.sent_at IS NULL AND o.next_attempt_at <= $1 AND o.attempts < $2 AND p.email IS NOT NULL ORDER BY o.next_attempt_at LIMIT $3",
            )
            .bind(time(&now))
            .bind(to_i64(MAX_ATTEMPTS))
            .bind(to_i64(limit))
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(notification, email, attempts)| OutboxMail {
                notification,
                email,
                attempts: to_u64(attempts),
            })
            .collect())
    }

    /// Claims a due e-mail for one delivery attempt: pushes its next attempt to `until`, so
    /// that another server (PostgreSQL) does not send it at the same time. False when it was
    /// claimed or sent meanwhile.
    pub async fn claim_mail(
        &self,
        notification: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on!(&self.db, |p| {
            sqlx::query(
                "UPDATE notification_outbox SET next_attempt_at = $1 WHERE notification = $2 AND sent_at IS NULL AND next_attempt_at <= $3",
            )
            .bind(time(&until))
            .bind(notification)
            .bind(time(&now))
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n > 0)
    }

    /// Records that an e-mail was sent.
    pub async fn mail_sent(&self, notification: &str, at: DateTime<Utc>) -> Result<()> {
        on!(&self.db, |p| {
            sqlx::query(
                "UPDATE notification_outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL WHERE notification = $2",
            )
            .bind(time(&at))
            .bind(notification)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Records a failed attempt and when to try again.
    pub async fn mail_failed(
        &self,
        notification: &str,
        error: &str,
        next: DateTime<Utc>,
    ) -> Result<()> {
        on!(&self.db, |p| {
            sqlx::query(
                "UPDATE notification_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE notification = $3",
            )
            .bind(error)
            .bind(time(&next))
            .bind(notification)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// The outbox entry of a melding: (attempts, sent, last error) — for `ave` and tests.
    pub async fn mail_state(
        &self,
        notification: &str,
    ) -> Result<Option<(u64, bool, Option<String>)>> {
        let row: Option<(i64, Option<String>, Option<String>)> = on!(&self.db, |p| {
            sqlx::query_as(
                "SELECT attempts, sent_at, last_error FROM notification_outbox WHERE notification = $1",
            )
            .bind(notification)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|(a, sent, e)| (to_u64(a), sent.is_some(), e)))
    }
}

#[cfg(test)]
mod tests {
    use super::Email;

    #[test]
    fn an_email_address_is_checked() {
        assert!(Email::parse("a.b@gemeente-oss.nl").is_ok());
        assert_eq!(
            Email::parse("  jan@oss.nl ").map(|e| e.to_string()),
            Ok("jan@oss.nl".to_owned())
        );
        for bad in [
            "",
            "jan",
            "jan@",
            "@oss.nl",
            "jan@oss",
            "jan @oss.nl",
            "jan@oss..nl",
            "a@b@c.nl",
            ".jan@oss.nl",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
