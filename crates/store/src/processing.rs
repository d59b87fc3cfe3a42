//! The processing log (Logboek Dataverwerkingen, Logius): for every operation that processes
//! personal data, one record that says which processing activity of the register it served,
//! in which trace and span (W3C Trace Context, so that the records of cooperating systems can
//! be joined), when, with what status, and about which data subject.
//!
//! The data subject's id is stored encrypted (AES-256-GCM, a fresh random nonce per record):
//! whoever reads the database without the key learns that something was processed, not about
//! whom. The record holds no user identity and no client address — those belong to the
//! security audit log ([`crate::audit`]), which is kept for other people and other reasons.
//! Records are written together with audit entries by [`Store::log_append`].

use std::borrow::Cow;

use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::{Db, parse_time, to_i64, to_u64};
use crate::{Result, Store, StoreError};

/// The bytes of a nonce in front of every sealed subject id.
const NONCE_LEN: usize = 12;
/// The bytes of the authentication tag at the end.
const TAG_LEN: usize = 16;
/// Binds a ciphertext to this use, so that it cannot be passed off as something else.
const AAD: &[u8] = b"ave-regie/processing-log/data-subject/v1";

/// The key that encrypts data subject ids (256 bits). Its `Debug` never shows it.
#[derive(Clone)]
pub struct SubjectKey {
    bytes: [u8; 32],
    /// The cipher with its round keys expanded once, not per record.
    cipher: Aes256Gcm,
}

impl PartialEq for SubjectKey {
    fn eq(&self, other: &SubjectKey) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for SubjectKey {}

impl std::fmt::Debug for SubjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubjectKey(***)")
    }
}

impl SubjectKey {
    /// A new random key.
    pub fn generate() -> Result<SubjectKey> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)
            .map_err(|e| StoreError::unavailable("geen toevalsbron beschikbaar", e))?;
        Ok(SubjectKey::of(key))
    }

    fn of(bytes: [u8; 32]) -> SubjectKey {
        SubjectKey {
            bytes,
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(bytes)),
        }
    }

    /// A key from 64 hexadecimal characters.
    pub fn from_hex(text: &str) -> Result<SubjectKey> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| StoreError::Invalid("de sleutel is geen hexadecimale tekst".to_owned()))?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            StoreError::Invalid("de sleutel moet 32 bytes zijn (64 hexadecimale tekens)".to_owned())
        })?;
        Ok(SubjectKey::of(key))
    }

    /// The key as 64 hexadecimal characters — only for writing it to its own file.
    pub fn expose_hex(&self) -> String {
        hex::encode(self.bytes)
    }

    /// Encrypts a data subject id under a fresh random nonce.
    pub fn seal(&self, plain: &str) -> Result<SealedSubject> {
        let mut nonce = [0u8; NONCE_LEN];
        crate::random::fill(&mut nonce)
            .map_err(|e| StoreError::unavailable("geen toevalsbron beschikbaar", e))?;
        // Nonce, ciphertext and tag in one buffer, encrypted in place.
        let mut bytes = Vec::with_capacity(NONCE_LEN + plain.len() + TAG_LEN);
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(plain.as_bytes());
        let tag = self
            .cipher
            .encrypt_in_place_detached(&Nonce::from(nonce), AAD, &mut bytes[NONCE_LEN..])
            .map_err(|_| StoreError::unavailable("versleutelen mislukt", ""))?;
        bytes.extend_from_slice(&tag);
        Ok(SealedSubject(bytes))
    }

    /// Decrypts a sealed data subject id; an error when the key does not fit or the bytes
    /// were changed.
    pub fn open(&self, sealed: &SealedSubject) -> Result<String> {
        let refused = || {
            StoreError::Invalid(
                "de betrokkene is niet te ontsleutelen: verkeerde sleutel of gewijzigde regel"
                    .to_owned(),
            )
        };
        if sealed.0.len() < NONCE_LEN {
            return Err(refused());
        }
        let (nonce, body) = sealed.0.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| refused())?;
        let plain = self
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: body,
                    aad: AAD,
                },
            )
            .map_err(|_| refused())?;
        String::from_utf8(plain).map_err(|_| refused())
    }
}

/// A data subject id as stored: the nonce followed by the AES-256-GCM ciphertext and tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedSubject(#[serde(serialize_with = "as_hex")] Vec<u8>);

fn as_hex<S: serde::Serializer>(bytes: &[u8], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

impl SealedSubject {
    /// The stored bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Stored bytes, as read back.
    pub fn from_bytes(bytes: Vec<u8>) -> SealedSubject {
        SealedSubject(bytes)
    }
}

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ProcessingStatus {
    /// It succeeded.
    #[serde(rename = "OK")]
    Ok,
    /// It failed.
    #[serde(rename = "ERROR")]
    Error,
}

impl ProcessingStatus {
    /// `OK` or `ERROR`, as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessingStatus::Ok => "OK",
            ProcessingStatus::Error => "ERROR",
        }
    }

    fn parse(text: &str) -> Result<ProcessingStatus> {
        match text {
            "OK" => Ok(ProcessingStatus::Ok),
            "ERROR" => Ok(ProcessingStatus::Error),
            other => Err(StoreError::unavailable(
                format!("onbekende status {other:?} in het verwerkingslogboek"),
                "",
            )),
        }
    }
}

/// One record of the processing log. (The texts that are the same for many records are
/// borrowed when they are constants: no allocation per request for them.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessingRecord {
    /// The trace (32 lowercase hex characters), shared by every span of one processing.
    pub trace_id: String,
    /// This operation's span (16 lowercase hex characters).
    pub span_id: String,
    /// The span that caused this one (a caller's, from its `traceparent`), if any.
    pub parent_span_id: Option<String>,
    /// The operation (`GET /api/v1/casussen/{id}`).
    pub name: String,
    /// When it started.
    pub start: DateTime<Utc>,
    /// When it ended.
    pub end: DateTime<Utc>,
    /// How it ended.
    pub status: ProcessingStatus,
    /// The system that processed (`ave-regie`).
    pub resource_name: Cow<'static, str>,
    /// Its version.
    pub resource_version: Cow<'static, str>,
    /// The processing activity in the register (`casus-inzien`).
    pub activity_id: Cow<'static, str>,
    /// The data subject's id, encrypted.
    pub data_subject: SealedSubject,
    /// What kind of id that is (`casus`).
    pub data_subject_type: Cow<'static, str>,
}

/// The head of a multi-row insert of processing records (values follow).
pub(crate) const INSERT_HEAD: &str = "INSERT INTO processing_log (trace_id, span_id, parent_span_id, name, start_time, end_time, status, resource_name, resource_version, processing_activity_id, data_subject_id, data_subject_id_type) ";

type Raw = (
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Vec<u8>,
    String,
);

impl Store {
    /// Processing records after position `after`, at most `limit`, oldest first, with their
    /// positions; only those of `trace` when given.
    pub async fn processing_records(
        &self,
        trace: Option<&str>,
        after: u64,
        limit: u64,
    ) -> Result<Vec<(u64, ProcessingRecord)>> {
        let db = &self.db;
        const COLUMNS: &str = "p.seq, p.trace_id, p.span_id, p.parent_span_id, p.name, p.start_time, p.end_time, p.status, p.resource_name, p.resource_version, p.processing_activity_id, p.data_subject_id, p.data_subject_id_type";
        let sql = match trace {
            // One trace: through its lookup's runs, and the rows written since the last run
            // read in order (at most some `INDEX_EVERY`), in one statement.
            Some(_) => format!(
                "SELECT {COLUMNS} FROM log_index_runs r CROSS JOIN processing_log_traces t CROSS JOIN processing_log p WHERE r.name = 'processing_log' AND t.run = r.run AND t.seq > $1 AND t.trace_id = $2 AND p.seq = t.seq \
                 UNION ALL SELECT {COLUMNS} FROM processing_log p WHERE p.seq > $1 AND p.seq > (SELECT m.upto FROM log_index_marks m WHERE m.name = 'processing_log') AND p.trace_id = $2 \
                 ORDER BY seq LIMIT $3"
            ),
            None => format!(
                "SELECT {COLUMNS} FROM processing_log p WHERE p.seq > $1 AND $2 IS NULL ORDER BY p.seq LIMIT $3"
            ),
        };
        let rows: Vec<Raw> = on!(db, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(to_i64(after))
                .bind(trace)
                .bind(to_i64(limit))
                .fetch_all(p)
                .await?
        });
        rows.into_iter()
            .map(
                |(
                    seq,
                    trace_id,
                    span_id,
                    parent_span_id,
                    name,
                    start,
                    end,
                    status,
                    resource_name,
                    resource_version,
                    activity_id,
                    subject,
                    data_subject_type,
                )| {
                    Ok((
                        to_u64(seq),
                        ProcessingRecord {
                            trace_id,
                            span_id,
                            parent_span_id,
                            name,
                            start: parse_time(&start)?,
                            end: parse_time(&end)?,
                            status: ProcessingStatus::parse(&status)?,
                            resource_name: resource_name.into(),
                            resource_version: resource_version.into(),
                            activity_id: activity_id.into(),
                            data_subject: SealedSubject(subject),
                            data_subject_type: data_subject_type.into(),
                        },
                    ))
                },
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_subject_opens_with_its_key_only() {
        let key = SubjectKey::generate().unwrap();
        let sealed = key.seal("casus-geheim-42").unwrap();
        assert!(
            !sealed
                .as_bytes()
                .windows(b"casus-geheim-42".len())
                .any(|w| w == b"casus-geheim-42")
        );
        assert_eq!(key.open(&sealed).unwrap(), "casus-geheim-42");
        let other = SubjectKey::generate().unwrap();
        assert!(other.open(&sealed).is_err());
        // A fresh nonce each time: the same id never gives the same bytes.
        assert_ne!(key.seal("casus-geheim-42").unwrap(), sealed);
        let mut changed = sealed.as_bytes().to_vec();
        changed[NONCE_LEN] ^= 1;
        assert!(key.open(&SealedSubject(changed)).is_err());
        assert!(key.open(&SealedSubject(vec![1, 2, 3])).is_err());
    }

    #[test]
    fn a_key_reads_from_64_hex_characters_and_never_shows_itself() {
        let key = SubjectKey::generate().unwrap();
        let again = SubjectKey::from_hex(&key.expose_hex()).unwrap();
        assert_eq!(key, again);
        assert_eq!(format!("{key:?}"), "SubjectKey(***)");
        assert!(SubjectKey::from_hex("abcd").is_err());
        assert!(SubjectKey::from_hex(&"z".repeat(64)).is_err());
    }
}
