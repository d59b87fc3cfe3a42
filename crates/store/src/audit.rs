//! The security audit log (BIO 8.15.01): for every read and write of personal data, every
//! login, failed access and break-glass, one entry — action, object, result, origin, actor,
//! time. Append-only and hash-chained like the events; checkpoints sign the chain's head with
//! ed25519, so an outside witness that keeps them can show the log was not rewritten — also
//! by someone who could rewrite the database and recompute every hash.
//!
//! [`Store::verify_audit`] finds an edited, deleted or reordered entry and names the first;
//! [`Store::verify_audit_witnessed`] also holds the log against the checkpoints a witness
//! kept, which finds a log rewritten or cut short together with its checkpoints.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, Verifier};
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::chain::{Hash, ZERO};
use crate::db::{Db, parse_time, time, to_i64, to_u64};
use crate::{Result, Store, StoreError};

/// One entry of the security audit log. Identifiers only — never a name or BSN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (an account or person id; `anoniem` before login).
    pub actor: String,
    /// From where (a client address or `cli`).
    pub origin: String,
    /// What: `lezen`, `schrijven`, `aanmelden`, `toegang-geweigerd`, `noodtoegang`, …
    pub action: Cow<'static, str>,
    /// On what (`casus/<id>`, `account/<id>`, …).
    pub object: String,
    /// With what result: `ok`, `geweigerd`, `mislukt`, …
    pub result: Cow<'static, str>,
}

impl AuditEntry {
    /// An entry as a row stores it: its time as text, the rest as it is.
    pub(crate) fn stored(
        at: &str,
        actor: String,
        origin: String,
        action: String,
        object: String,
        result: String,
    ) -> Result<AuditEntry> {
        Ok(AuditEntry {
            at: parse_time(at)?,
            actor,
            origin,
            action: action.into(),
            object,
            result: result.into(),
        })
    }
}

/// A signed checkpoint: the head of the log at `seq`, as an outside witness keeps it. As
/// JSON (one object per line in `ave audit controlepunten`, read back by `ave audit verify
/// --getuige`; the same object in the API) its properties are Dutch: `regel`, `hash`,
/// `tijdstip`, `sleutelId`, `handtekening`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The last entry it covers.
    #[serde(rename = "regel")]
    pub seq: u64,
    /// The chain's hash at that entry (hex).
    pub hash: String,
    /// When it was signed.
    #[serde(rename = "tijdstip")]
    pub at: DateTime<Utc>,
    /// Which key signed (hex of the first 8 bytes of SHA-256 of the public key).
    #[serde(rename = "sleutelId")]
    pub key_id: String,
    /// The ed25519 signature (hex) over [`checkpoint_message`].
    #[serde(rename = "handtekening")]
    pub signature: String,
}

/// The outcome of verifying the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// The witness's checkpoints held against the log.
    pub witnessed: u64,
    /// The first problem, if any.
    pub first_problem: Option<AuditProblem>,
}

/// Where the audit log breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    /// The entry (or checkpoint) position.
    pub seq: u64,
    /// What is wrong, in Dutch.
    pub reason: String,
}

/// The id of a public key: hex of the first 8 bytes of its SHA-256.
pub fn key_id(key: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..8])
}

/// A new random signing key for checkpoints.
pub fn new_signing_key() -> Result<SigningKey> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| StoreError::unavailable("geen toevalsbron beschikbaar", e))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A signing key from the hex of its 32-byte secret (surrounding white space allowed).
pub fn signing_key_from_hex(text: &str) -> Option<SigningKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&bytes))
}

/// The hex of a signing key's secret, as [`signing_key_from_hex`] reads it.
pub fn signing_key_hex(key: &SigningKey) -> String {
    hex::encode(key.to_bytes())
}

/// A public key from its hex (64 characters), as `ave audit sleutel` prints it.
pub fn verifying_key_from_hex(text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// The hex of a public key, as [`verifying_key_from_hex`] reads it.
pub fn verifying_key_hex(key: &VerifyingKey) -> String {
    hex::encode(key.as_bytes())
}

/// What a checkpoint signs.
pub fn checkpoint_message(seq: u64, hash: &[u8], at: &str) -> Vec<u8> {
    let mut m = b"ave-regie/audit-checkpoint/v1".to_vec();
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(hash);
    m.extend_from_slice(at.as_bytes());
    m
}

/// The hash of entry `seq` over the previous hash and its fields as stored: time, actor,
/// origin, action, object, result.
pub(crate) fn entry_hash(prev: &[u8], seq: u64, fields: [&str; 6]) -> Hash {
    let mut h = Sha256::new();
    h.update(b"ave-regie/audit/v1");
    h.update(prev);
    h.update(seq.to_be_bytes());
    for part in fields {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}

/// A stored hash (all zeros when it is not 32 bytes: then it matches nothing computed).
pub(crate) fn hash_of(bytes: Vec<u8>) -> Hash {
    bytes.try_into().unwrap_or(ZERO)
}

type Raw = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Vec<u8>,
    Vec<u8>,
);
type RawCheckpoint = (i64, Vec<u8>, String, String, Vec<u8>);

impl Store {
    /// Appends entries to the audit log in one transaction; the last entry's position.
    pub async fn audit_append(&self, entries: &[AuditEntry]) -> Result<u64> {
        let batch = crate::log_write::LogBatch {
            audit: entries.to_vec(),
            processing: Vec::new(),
        };
        self.log_append(std::sync::Arc::new(batch)).await
    }

    /// Signs the log's head with `key` at `at`; `None` when the log is empty or its head is
    /// already signed.
    pub async fn audit_checkpoint(
        &self,
        key: &SigningKey,
        at: DateTime<Utc>,
    ) -> Result<Option<Checkpoint>> {
        let (seq, hash) = self.audit_head().await?;
        if seq == 0 {
            return Ok(None);
        }
        let stamp = time(&at);
        let signature = key.sign(&checkpoint_message(seq, &hash, &stamp));
        let id = key_id(&key.verifying_key());
        let db = &self.logs;
        // A head signed already — by this server before, or by another one at the same moment
        // — adds nothing: the checkpoint's position is its key.
        let added = on!(db, |p| {
            sqlx::query(
                "INSERT INTO audit_checkpoints (seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (seq) DO NOTHING",
            )
            .bind(to_i64(seq))
            .bind(hash.to_vec())
            .bind(&stamp)
            .bind(&id)
            .bind(signature.to_bytes().to_vec())
            .execute(p)
            .await?
            .rows_affected()
        });
        if added == 0 {
            return Ok(None);
        }
        Ok(Some(Checkpoint {
            seq,
            hash: hex::encode(hash),
            at: parse_time(&stamp)?,
            key_id: id,
            signature: hex::encode(signature.to_bytes()),
        }))
    }

    /// The log's head: the last position and its hash.
    async fn audit_head(&self) -> Result<(u64, Hash)> {
        let db = &self.db;
        Ok(on!(db, |p| {
            let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(p)
                .await?;
            (
                to_u64(head.try_get::<i64, _>("seq")?),
                hash_of(head.try_get::<Vec<u8>, _>("hash")?),
            )
        }))
    }

    /// Every checkpoint, oldest first.
    pub async fn audit_checkpoints(&self) -> Result<Vec<Checkpoint>> {
        self.audit_checkpoints_after(0, u64::MAX).await
    }

    /// The checkpoints after entry `after`, oldest first, at most `limit` (for a witness
    /// that has the ones before).
    pub async fn audit_checkpoints_after(&self, after: u64, limit: u64) -> Result<Vec<Checkpoint>> {
        let db = &self.db;
        let rows: Vec<RawCheckpoint> = on!(db, |p| {
            sqlx::query(
                "SELECT seq, hash, at, key_id, signature FROM audit_checkpoints WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(to_i64(after))
            .bind(to_i64(limit))
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| -> Result<_> {
                Ok((
                    r.try_get("seq")?,
                    r.try_get("hash")?,
                    r.try_get("at")?,
                    r.try_get("key_id")?,
                    r.try_get("signature")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?
        });
        rows.into_iter()
            .map(|(seq, hash, at, key_id, signature)| {
                Ok(Checkpoint {
                    seq: to_u64(seq),
                    hash: hex::encode(hash),
                    at: parse_time(&at)?,
                    key_id,
                    signature: hex::encode(signature),
                })
            })
            .collect()
    }

    /// Entries after position `after`, at most `limit`, with their positions.
    pub async fn audit_entries(&self, after: u64, limit: u64) -> Result<Vec<(u64, AuditEntry)>> {
        let raw = self.audit_raw(after, limit).await?;
        raw.into_iter()
            .map(|(seq, at, actor, origin, action, object, result, _, _)| {
                let entry = AuditEntry::stored(&at, actor, origin, action, object, result)?;
                Ok((to_u64(seq), entry))
            })
            .collect()
    }

    /// Every entry about `object` (`casus/<id>`, …), oldest first, at most `limit`.
    pub async fn audit_for_object(
        &self,
        object: &str,
        limit: u64,
    ) -> Result<Vec<(u64, AuditEntry)>> {
        type Row = (i64, String, String, String, String, String, String);
        // The indexed runs, and the rows written since the last run read in order (at most
        // some `INDEX_EVERY`): one statement, so one view of where the runs end.
        let rows: Vec<Row> = on!(&self.db, |p| {
            sqlx::query_as(
                "SELECT a.seq, a.at, a.actor, a.origin, a.action, a.object, a.result FROM log_index_runs r CROSS JOIN audit_log_objects o CROSS JOIN audit_log a WHERE r.name = 'audit_log' AND o.run = r.run AND o.object = $1 AND a.seq = o.seq \
                 UNION ALL SELECT a.seq, a.at, a.actor, a.origin, a.action, a.object, a.result FROM audit_log a WHERE a.seq > (SELECT m.upto FROM log_index_marks m WHERE m.name = 'audit_log') AND a.object = $1 \
                 ORDER BY seq LIMIT $2",
            )
            .bind(object)
            .bind(to_i64(limit))
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|(seq, at, actor, origin, action, object, result)| {
                let entry = AuditEntry::stored(&at, actor, origin, action, object, result)?;
                Ok((to_u64(seq), entry))
            })
            .collect()
    }

    async fn audit_raw(&self, after: u64, limit: u64) -> Result<Vec<Raw>> {
        let db = &self.db;
        Ok(on!(db, |p| {
            sqlx::query(
                "SELECT seq, at, actor, origin, action, object, result, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(to_i64(after))
            .bind(to_i64(limit))
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| -> Result<Raw> {
                Ok((
                    r.try_get("seq")?,
                    r.try_get("at")?,
                    r.try_get("actor")?,
                    r.try_get("origin")?,
                    r.try_get("action")?,
                    r.try_get("object")?,
                    r.try_get("result")?,
                    r.try_get("prev_hash")?,
                    r.try_get("hash")?,
                ))
            })
            .collect::<Result<Vec<_>>>()?
        }))
    }

    /// Checks the audit log: every entry's hash over its content and the previous hash, no
    /// gap in the positions, the head, and every checkpoint's hash and signature (by one of
    /// `keys`; with no keys, signatures are not checked).
    pub async fn verify_audit(&self, keys: &[VerifyingKey]) -> Result<AuditReport> {
        self.verify_audit_witnessed(keys, &[]).await
    }

    /// [`Store::verify_audit`], and then every checkpoint in `witness` — the copies an outside
    /// witness kept — held against the log: the chain recomputed up to it must end in its
    /// hash, the database must still hold it unchanged, and (with `keys`) its signature must
    /// be by one of them. Someone who can write the database can rewrite entries, recompute
    /// every hash and delete the checkpoints, or cut entries off the end and move the head
    /// back; the log then checks out on its own, but not against its witness.
    ///
    /// Safe on a live log: entries written after the head was read are left for the next run.
    pub async fn verify_audit_witnessed(
        &self,
        keys: &[VerifyingKey],
        witness: &[Checkpoint],
    ) -> Result<AuditReport> {
        let stored = self.audit_checkpoints().await?;
        // The recomputed chain is kept only where a checkpoint needs it, not for every entry.
        let wanted: HashSet<u64> = stored.iter().chain(witness).map(|c| c.seq).collect();
        let by_seq: HashMap<u64, &Checkpoint> = stored.iter().map(|c| (c.seq, c)).collect();
        let mut report = AuditReport {
            entries: 0,
            checkpoints: 0,
            witnessed: 0,
            first_problem: None,
        };
        let chain = match self.verify_audit_chain(&wanted, &mut report).await? {
            Ok(chain) => chain,
            Err(problem) => {
                report.first_problem = Some(problem);
                return Ok(report);
            }
        };
        for c in &stored {
            report.checkpoints += 1;
            if let Err(problem) = check_checkpoint(c, &chain, keys) {
                report.first_problem = Some(problem);
                return Ok(report);
            }
        }
        // First what the witness says about the chain (a rewrite or a cut), then whether the
        // database still holds its checkpoints.
        let last = report.entries;
        for c in witness {
            report.witnessed += 1;
            let seq = c.seq;
            let problem = if seq > last {
                Some(format!(
                    "de getuige bewaart een controlepunt bij regel {seq}, maar het logboek eindigt bij regel {last} (regels aan het eind verwijderd?)"
                ))
            } else {
                check_checkpoint(c, &chain, keys)
                    .err()
                    .map(|p| format!("{} (controlepunt van de getuige)", p.reason))
            };
            if let Some(reason) = problem {
                report.first_problem = Some(AuditProblem { seq, reason });
                return Ok(report);
            }
        }
        for c in witness {
            let seq = c.seq;
            let problem = match by_seq.get(&seq) {
                None => format!(
                    "controlepunt {seq}, dat de getuige bewaart, ontbreekt in de database (verwijderd?)"
                ),
                Some(&s) if s != c => {
                    format!("controlepunt {seq} in de database wijkt af van wat de getuige bewaart")
                }
                Some(_) => continue,
            };
            report.first_problem = Some(AuditProblem {
                seq,
                reason: problem,
            });
            return Ok(report);
        }
        Ok(report)
    }

    /// Recomputes the chain up to the head: the hashes at the positions in `wanted`, or the
    /// first entry that breaks it. Counts the entries in `report`.
    async fn verify_audit_chain(
        &self,
        wanted: &HashSet<u64>,
        report: &mut AuditReport,
    ) -> Result<std::result::Result<HashMap<u64, Hash>, AuditProblem>> {
        let problem = |seq: u64, reason: String| Err(AuditProblem { seq, reason });
        // Rows past the head that were there before it was read were not written by the log
        // writer, which moves the head in the same transaction as its rows.
        let beyond = self.audit_last_seq().await?;
        let (head_seq, head_hash) = self.audit_head().await?;
        if beyond > head_seq {
            return Ok(problem(
                head_seq + 1,
                format!(
                    "regel {} staat na het hoofd van het logboek (regel {head_seq}): buiten het logboek om toegevoegd?",
                    head_seq + 1
                ),
            ));
        }
        let mut at_seq = HashMap::new();
        let mut prev: Hash = ZERO;
        let mut expected = 1u64;
        while expected <= head_seq {
            let page = self
                .audit_raw(expected - 1, 5000.min(head_seq - expected + 1))
                .await?;
            if page.is_empty() {
                break;
            }
            for (seq, at, actor, origin, action, object, result, prev_hash, hash) in page {
                let seq = to_u64(seq);
                if seq != expected {
                    return Ok(problem(
                        expected,
                        format!("regel {expected} ontbreekt (verwijderd?)"),
                    ));
                }
                if hash_of(prev_hash) != prev {
                    return Ok(problem(
                        seq,
                        format!(
                            "regel {seq} sluit niet aan op de vorige (verwijderd of verplaatst?)"
                        ),
                    ));
                }
                let computed = entry_hash(
                    &prev,
                    seq,
                    [&at, &actor, &origin, &action, &object, &result],
                );
                if computed != hash_of(hash) {
                    return Ok(problem(
                        seq,
                        format!("regel {seq} is gewijzigd (de hash klopt niet)"),
                    ));
                }
                prev = computed;
                if wanted.contains(&seq) {
                    at_seq.insert(seq, computed);
                }
                report.entries += 1;
                expected += 1;
            }
        }
        let last = expected - 1;
        if head_seq != last || head_hash != prev {
            return Ok(problem(
                last + 1,
                format!(
                    "het logboek eindigt bij regel {last}, maar het hoofd noemt regel {head_seq} (regels aan het eind verwijderd?)"
                ),
            ));
        }
        Ok(Ok(at_seq))
    }

    /// The highest position in the log's table (0 when empty).
    async fn audit_last_seq(&self) -> Result<u64> {
        let db = &self.db;
        let last: Option<i64> = on!(db, |p| {
            sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
                .fetch_one(p)
                .await?
        });
        Ok(last.map_or(0, to_u64))
    }
}

/// Checks one checkpoint against the recomputed `chain` (the hashes at the checkpoints'
/// positions) and, with `keys`, its signature.
fn check_checkpoint(
    c: &Checkpoint,
    chain: &HashMap<u64, Hash>,
    keys: &[VerifyingKey],
) -> std::result::Result<(), AuditProblem> {
    let problem = |reason: String| Err(AuditProblem { seq: c.seq, reason });
    let Some(hash) = chain.get(&c.seq) else {
        return problem(format!(
            "controlepunt bij regel {} wijst naar een regel die er niet meer is",
            c.seq
        ));
    };
    if hex::encode(hash) != c.hash {
        return problem(format!(
            "het logboek tot regel {} is herschreven na het ondertekende controlepunt",
            c.seq
        ));
    }
    if keys.is_empty() {
        return Ok(());
    }
    let Some(key) = keys.iter().find(|k| key_id(k) == c.key_id) else {
        return problem(format!(
            "controlepunt {} is getekend met een onbekende sleutel",
            c.seq
        ));
    };
    let valid = hex::decode(&c.signature)
        .ok()
        .and_then(|b| Signature::from_slice(&b).ok())
        .is_some_and(|sig| {
            key.verify(&checkpoint_message(c.seq, hash, &time(&c.at)), &sig)
                .is_ok()
        });
    if !valid {
        return problem(format!(
            "de handtekening van controlepunt {} klopt niet",
            c.seq
        ));
    }
    Ok(())
}

impl From<ed25519_dalek::SignatureError> for StoreError {
    fn from(e: ed25519_dalek::SignatureError) -> Self {
        StoreError::unavailable("handtekening niet te maken", e)
    }
}
