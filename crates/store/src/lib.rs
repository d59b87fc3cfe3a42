//! Storage of cases. Every case is an append-only list of the engine's events, each
//! hash-chained to the previous event of its case and to a global chain over all cases, so
//! that an edited, deleted or reordered event is found (`ave audit verify`). Next to the
//! events the store keeps read models — one row per case with what lists, filters and the
//! attention list need, and who holds which role — written in the same transaction as the
//! events, so they never disagree.
//!
//! Two backends behave the same: SQLite (the default: one file, WAL, `synchronous=FULL`, so
//! an acknowledged write survives a power cut) and PostgreSQL (for production and for more
//! than one server). Writes go through [`GroupCommit`], one writer that puts the commands
//! arriving together into one transaction — durability without a disk flush per command.
//!
//! Personal data is erasable by design: an event's content may be erased when its retention
//! ends ([`Store::erase`]); the chains hash the content's hash, which stays, so every chain
//! keeps verifying and the timeline keeps its outline.

mod append;
mod bulk;
mod cells;
mod chain;
mod checkpoint;
#[macro_use]
mod db;
pub mod access;
pub mod accounts;
pub mod audit;
pub mod dashboard;
mod direct;
pub mod hex_text;
pub mod identity;
mod kept_list;
mod listing;
pub mod log_index;
pub mod log_write;
pub mod logbook;
pub mod notifications;
pub mod oidc;
mod person_watch;
mod pipeline;
pub mod processing;
pub mod random;
mod row;
mod row_cache;
pub use row_cache::PersonsChanged;
mod writer;

use std::collections::BTreeMap;
use std::sync::Arc;

use ave_engine::Recorded;
use ave_engine::ids::CaseId;
use chrono::{DateTime, Utc};
use serde::Serialize;

pub use db::Backend;
pub use row::attention_key;
pub use writer::{GroupCommit, WriterMetrics};

use db::Db;

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is not one the store knows.
    #[error("onbekende database-URL (verwacht sqlite://… of postgres://…)")]
    BadUrl,
    /// The database cannot be reached or refused the operation. The message is Dutch; the
    /// technical text of the driver is kept apart ([`StoreError::detail`]) for logs and
    /// `--verbose`.
    #[error("de database is niet beschikbaar: {message}")]
    Unavailable {
        /// What happened, in Dutch.
        message: String,
        /// The driver's own text (English), for developers.
        detail: String,
    },
    /// Another command changed the case first (optimistic concurrency).
    #[error("casus {case} is intussen gewijzigd (versie {current}, verwacht {expected})")]
    Conflict {
        /// The case.
        case: CaseId,
        /// The version expected.
        expected: u64,
        /// The version found.
        current: u64,
    },
    /// A model version with this id and version is stored with other content.
    #[error("model {id} versie {version} bestaat al met een andere inhoud")]
    ModelConflict {
        /// Model id.
        id: String,
        /// Version.
        version: String,
    },
    /// A stored event could not be read.
    #[error("gebeurtenis {seq} van casus {case} is niet te lezen: {reason}")]
    Corrupt {
        /// The case.
        case: String,
        /// Position.
        seq: u64,
        /// Why.
        reason: String,
    },
    /// The content of the case was erased (its retention ended).
    #[error("de inhoud van casus {0} is gewist (bewaartermijn verstreken)")]
    Erased(String),
    /// The operation is not available on this backend.
    #[error("{0}")]
    Unsupported(&'static str),
    /// The input does not fit what is stored (an unknown organisation, …); nothing written.
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// A Dutch message with the technical text kept apart.
    pub(crate) fn unavailable(message: impl Into<String>, detail: impl ToString) -> StoreError {
        StoreError::Unavailable {
            message: message.into(),
            detail: detail.to_string(),
        }
    }

    /// The technical text behind the error, if any (English; for logs and `--verbose`).
    pub fn detail(&self) -> Option<&str> {
        match self {
            StoreError::Unavailable { detail, .. } if !detail.is_empty() => Some(detail),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        let message = match &e {
            sqlx::Error::Io(_) => "verbinding of bestand niet te gebruiken",
            sqlx::Error::Tls(_) => "beveiligde verbinding mislukt",
            sqlx::Error::PoolTimedOut => "geen verbinding vrij binnen de wachttijd",
            sqlx::Error::PoolClosed => "de verbindingen zijn gesloten",
            sqlx::Error::Configuration(_) => "de database-URL is ongeldig",
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                "de database weigert een dubbele sleutel"
            }
            sqlx::Error::Database(_) => "de database weigert de opdracht",
            sqlx::Error::Migrate(_) => "het schema is niet bij te werken",
            _ => "de database gaf een onverwachte fout",
        };
        StoreError::unavailable(message, e)
    }
}

type Result<T> = std::result::Result<T, StoreError>;

/// A version of a model as stored: a case records the version it runs under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelRecord {
    /// Model id.
    pub id: String,
    /// Version.
    pub version: String,
    /// The model file's text (a full model: bases merged).
    pub text: String,
    /// SHA-256 of the text, hex.
    pub sha256: String,
    /// When it was stored.
    pub stored_at: DateTime<Utc>,
}

impl ModelRecord {
    /// A record of `text` as model `id` at `version`, with its SHA-256.
    pub fn new(id: &str, version: &str, text: String, stored_at: DateTime<Utc>) -> ModelRecord {
        use sha2::Digest;
        ModelRecord {
            id: id.to_owned(),
            version: version.to_owned(),
            sha256: hex::encode(sha2::Sha256::digest(text.as_bytes())),
            text,
            stored_at,
        }
    }
}

/// The read model of one case: what lists and filters need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    /// The case.
    pub id: CaseId,
    /// The gemeente the case belongs to.
    pub gemeente: Option<String>,
    /// The model it runs under.
    pub model_id: String,
    /// The model's version.
    pub model_version: String,
    /// The current phase.
    pub phase: String,
    /// Number of events (the version for optimistic concurrency).
    pub version: u64,
    /// When opened.
    pub opened_at: DateTime<Utc>,
    /// Time of the last event.
    pub last_at: DateTime<Utc>,
    /// When the case entered its current phase.
    pub phase_since: DateTime<Utc>,
    /// Closed.
    pub closed: bool,
    /// The day the evaluation is due (overdue after it).
    pub next_evaluation: Option<String>,
    /// The day after which the case stagnates.
    pub stagnation_due: Option<String>,
    /// The day after which a pending decision is late.
    pub decision_due: Option<String>,
    /// The day procesregie must be reviewed by.
    pub review_due: Option<String>,
    /// Attention kinds that do not depend on the day (`role-unfilled`, `handover-open`, …).
    pub flags: Vec<String>,
    /// Who holds which role: (role, person).
    pub roles: Vec<(String, String)>,
    /// Who is involved and how: (person, kind) with kind `rol`, `deelnemer` or `bijdrager`
    /// (see [`access`]), sorted by person.
    pub access: access::Involved,
    /// When the case's personal content was erased, if it was.
    pub erased_at: Option<DateTime<Utc>>,
}

/// The events of one command for one case, with the read model they leave.
#[derive(Debug, Clone)]
pub struct Append {
    /// The case.
    pub case: CaseId,
    /// The case's version (number of events) the command was decided on.
    pub expected: u64,
    /// The new events, numbered from `expected + 1`.
    pub events: Vec<Recorded>,
    /// The read model after them.
    pub row: CaseRow,
    /// Who contributed each event and under which legal basis, in the order of `events`
    /// (missing entries: not recorded).
    pub provenance: Vec<Provenance>,
    /// Meldingen the command causes (issue 12), written in the same transaction: they exist
    /// exactly when the events do.
    pub notify: Vec<notifications::NewNotification>,
    /// The change's entry in the security audit log (who, from where), written in the same
    /// transaction: a change is never committed without it. The log writer moves it into
    /// the audit log ([`Store::log_append`]).
    pub audit: Option<audit::AuditEntry>,
}

/// Who contributed a command's events, and under which legal basis: recorded with every
/// event (issue 11: each partner stays responsible for what it brings in).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The contributing organisation (of the acting person, as the case knows them).
    pub organisation: Option<String>,
    /// The legal basis (grondslag) the model gives for the phase the case is in.
    pub grondslag: Option<String>,
}

/// What an append stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// The case's new version.
    pub version: u64,
    /// The global position of its last event.
    pub global_seq: u64,
}

/// Filters for listing cases.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only this gemeente.
    pub gemeente: Option<String>,
    /// Only this phase.
    pub phase: Option<String>,
    /// Only cases with this attention kind on the given day (`evaluation-overdue`, …).
    pub attention: Option<String>,
    /// Only cases where this person holds a role.
    pub holder: Option<String>,
    /// With [`CaseFilter::holder`]: only these roles (`casusregie`, …); any role when absent.
    pub holder_roles: Option<Vec<String>>,
    /// Open (false) or closed (true) cases; both when absent.
    pub closed: Option<bool>,
    /// Only these cases (for access control: the cases a person may see).
    pub within: Option<Vec<String>>,
    /// Only cases this person may see (need-to-know); `None`: no restriction.
    pub visible: Option<Visible>,
}

/// The cases a person may see: those they are involved in (any kind), those with an active
/// break-glass grant, and those whose current phase is governed by one of their functions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visible {
    /// The person.
    pub person: String,
    /// Now (RFC 3339), for break-glass grants.
    pub now: String,
    /// (gemeente — `None` for any —, model id, phase) the person governs.
    pub governs: Vec<(Option<String>, String, String)>,
}

/// A page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// How many there are in all — at most [`COUNT_CAP`] for a list limited to what one
    /// person may see (then [`Page::capped`] says there are more).
    pub total: u64,
    /// There are more than `total`.
    pub capped: bool,
}

/// The most cases a need-to-know list counts: counting a person's visible cases costs one
/// check per case, so beyond this the total is given as "more than".
pub const COUNT_CAP: u64 = 1000;

/// One event of a timeline in outline: what remains after the content is erased.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outline {
    /// Position in the case.
    pub seq: u64,
    /// The event type.
    pub event_type: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (pseudonymous).
    pub by: String,
    /// Whether the content is still there.
    pub has_content: bool,
    /// The contributing organisation, when recorded.
    pub organisation: Option<String>,
    /// The legal basis it was written under, when recorded.
    pub grondslag: Option<String>,
}

/// The outcome of verifying the chains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Events checked.
    pub events: u64,
    /// Cases seen.
    pub cases: u64,
    /// Events whose content was erased (verified by their kept hash).
    pub erased: u64,
    /// The first problem, if any.
    pub first_problem: Option<ChainProblem>,
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    /// Global position of the entry (or where one is missing).
    pub global_seq: u64,
    /// The case.
    pub case: String,
    /// Its position in the case.
    pub seq: u64,
    /// What is wrong, in Dutch.
    pub reason: String,
}

/// Counts per phase (for the dashboard and the demo).
pub type PhaseCounts = BTreeMap<String, u64>;

/// The case store.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
    /// What the group-commit writer writes through ([`writer`]).
    writer: Db,
    /// Where the two logs are written ([`logbook`]).
    logs: Db,
    /// Up to how many of a person's own cases a list starts from them (see
    /// [`Store::with_list_start_limit`]).
    list_start: u64,
    /// Case rows kept in memory, with the connection that hears of their changes
    /// ([`Store::keep_case_rows`]); `None` when not kept.
    rows: Option<(Arc<row_cache::RowCache>, sqlx::PgPool)>,
    /// On PostgreSQL, how the group-commit writer opens its pipelined connection
    /// ([`pipeline`]), and what tells it the store is closed; `None` on SQLite, or when the
    /// URL does not suit it.
    pipeline: Option<(
        tokio_postgres::Config,
        Arc<tokio::sync::watch::Sender<bool>>,
    )>,
}

impl Store {
    /// Opens (and creates, for SQLite) the database at `url`: `sqlite://path` or
    /// `postgres://…`. Runs no migrations; see [`Store::migrate`].
    pub async fn open(url: &str) -> Result<Store> {
        let db = Db::open(url).await?;
        let pipeline = match db.backend() {
            Backend::Postgres => pipeline::config(url)
                .map(|config| (config, Arc::new(tokio::sync::watch::Sender::new(false)))),
            Backend::Sqlite => None,
        };
        Ok(Store {
            logs: db.open_logbook().await?,
            writer: db.writer_pool(),
            db,
            list_start: listing::SET_LIMIT,
            rows: None,
            pipeline,
        })
    }

    /// The same store, keeping the case rows it reads for [`Store::case_row_kept`] in memory
    /// — on PostgreSQL, where a row read is a round trip; a connection of its own listens
    /// for every change of a case (from any process) and the kept row is forgotten, as
    /// `crates/store/src/row_cache.rs` describes. On SQLite, where a row read is a lookup in
    /// a file this process shares with nobody but the `ave` command, nothing changes. Call
    /// once, from within a Tokio runtime: it starts the listening task.
    #[must_use]
    pub fn keep_case_rows(mut self) -> Store {
        if let (Db::Postgres(pool), None) = (&self.db, &self.rows) {
            let cache = Arc::new(row_cache::RowCache::new(row_cache::BUDGET));
            let options = (*pool.connect_options())
                .clone()
                .application_name(row_cache::APPLICATION);
            let listen = db::pg_pool(1).connect_lazy_with(options);
            tokio::spawn(row_cache::listen(
                listen.clone(),
                self.db.clone(),
                cache.clone(),
            ));
            self.rows = Some((cache, listen));
        }
        self
    }

    /// What the database says about changed persons (their functions, sessions or tokens;
    /// from any process), for a cache of who is behind a session or token. On PostgreSQL
    /// the persons announced, while case rows are kept ([`Store::keep_case_rows`]; `None`
    /// when they are not); on SQLite "forget everything" within half a second of a change
    /// (a counter read by a task started here — call from within a Tokio runtime).
    pub fn person_changes(&self) -> Option<tokio::sync::broadcast::Receiver<PersonsChanged>> {
        match &self.db {
            Db::Sqlite(pool, _) => Some(person_watch::watch(pool.clone())),
            Db::Postgres(_) => self.rows.as_ref().map(|(cache, _)| cache.person_changes()),
        }
    }

    /// The same store, whose lists restricted to one person start from that person's own
    /// cases when they have at most `n` (else from the cases in list order, checking each).
    /// The default, 10,000, was measured on the benchmark database; every value gives the
    /// same lists — it changes only the work — which is what the tests use it for.
    #[must_use]
    pub fn with_list_start_limit(mut self, n: u64) -> Store {
        self.list_start = n;
        self
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Brings the schema up to date (embedded, forward-only migrations).
    pub async fn migrate(&self) -> Result<()> {
        self.db.migrate().await?;
        if let (Db::Sqlite(main, _), Db::Sqlite(logs, _), Some(path)) =
            (&self.db, &self.logs, self.db.logbook_path())
        {
            logbook::migrate(main, logs, &path).await?;
        }
        self.index_logs().await?;
        Ok(())
    }

    /// Where a SQLite store keeps its two logs ([`logbook`]); `None` on PostgreSQL.
    pub fn logbook_path(&self) -> Option<std::path::PathBuf> {
        self.db.logbook_path()
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await
    }

    /// The version of model `id` stored last (the one new cases start under), if any.
    pub async fn newest_version(&self, id: &str) -> Result<Option<String>> {
        self.db.newest_version(id).await
    }

    /// Stores a model version (again is fine when the text is the same).
    pub async fn put_model(&self, m: &ModelRecord) -> Result<()> {
        self.db.put_model(m).await
    }

    /// The (id, version) of every stored model, without their texts.
    pub async fn model_versions(&self) -> Result<Vec<(String, String)>> {
        self.db.model_versions().await
    }

    /// Every stored model version.
    pub async fn models(&self) -> Result<Vec<ModelRecord>> {
        self.db.models().await
    }

    /// Stores the events of commands, each all or none, in one transaction: an append whose
    /// case changed meanwhile gets [`StoreError::Conflict`] and the others still land.
    pub async fn append_batch(&self, batch: &[Append]) -> Vec<Result<Appended>> {
        writer::append_batch(&self.db, self.kept(), batch.to_vec()).await
    }

    /// Stores a batch as the group-commit writer does on PostgreSQL, through a pipelined
    /// connection of its own ([`pipeline`]), falling back to [`Store::append_batch`]'s way
    /// when a statement fails. `None` where there is no pipeline (SQLite). For tests: the
    /// writer's batches depend on what arrives together.
    #[doc(hidden)]
    pub async fn append_batch_pipelined(&self, batch: &[Append]) -> Option<Vec<Result<Appended>>> {
        let (config, closing) = self.pipeline.as_ref()?;
        let mut pipeline = pipeline::Pipeline::new(config.clone(), closing.subscribe());
        Some(writer::pipelined(&self.writer, self.kept(), &mut pipeline, batch.to_vec()).await)
    }

    /// The events of a case after position `after` (0: all), upcast to the current schema.
    pub async fn events(&self, case: &CaseId, after: u64) -> Result<Vec<Recorded>> {
        self.db.events(case, after).await
    }

    /// The case's version (number of events), if it exists.
    pub async fn version(&self, case: &CaseId) -> Result<Option<u64>> {
        self.db.version(case).await
    }

    /// Whether case rows are kept ([`Store::keep_case_rows`] on PostgreSQL): then whether
    /// they are served from memory now (the listening connection is up), how many times
    /// listening began (1, and one more after each lost connection) and how many warm-ups
    /// (one after each beginning) have ended.
    pub fn kept_rows_status(&self) -> Option<(bool, u64, u64)> {
        self.kept().map(row_cache::RowCache::status)
    }

    /// How many case rows are kept in memory, when they are kept.
    pub fn kept_rows(&self) -> Option<usize> {
        self.kept().map(row_cache::RowCache::len)
    }

    /// The kept case rows, when they are kept.
    fn kept(&self) -> Option<&row_cache::RowCache> {
        self.rows.as_ref().map(|(cache, _)| &**cache)
    }

    /// Stops listening for changes of kept rows ([`Store::keep_case_rows`]) and closes that
    /// connection; rows are read from the database from then on.
    pub async fn stop_keeping_rows(&self) {
        if let Some((_, listen)) = &self.rows {
            listen.close().await;
        }
    }

    /// The read model of a case, read from the database.
    pub async fn case_row(&self, case: &CaseId) -> Result<Option<CaseRow>> {
        self.db.case_row(case).await
    }

    /// The read model of a case for reading it: from memory when kept
    /// ([`Store::keep_case_rows`]), else as [`Store::case_row`] (and then kept). May lag a
    /// change another process committed by the time its announcement takes to arrive; a
    /// command must use [`Store::case_row`].
    pub async fn case_row_kept(&self, case: &CaseId) -> Result<Option<CaseRow>> {
        let Some(cache) = self.kept() else {
            return self.db.case_row(case).await;
        };
        if let Some(row) = cache.get(case.as_str()) {
            return Ok(Some(row));
        }
        let ticket = cache.ticket();
        let row = self.db.case_row(case).await?;
        if let (Some(ticket), Some(row)) = (ticket, &row) {
            cache.put(ticket, row);
        }
        Ok(row)
    }

    /// Cases matching a filter, newest activity first; `today` decides the day-dependent
    /// attention kinds.
    pub async fn list(
        &self,
        filter: &CaseFilter,
        today: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Page<CaseRow>> {
        // On PostgreSQL with kept rows, a need-to-know list of few enough cases is taken
        // from them; every other list is the database's query.
        if let (Db::Postgres(pool), Some(cache)) = (&self.db, self.kept()) {
            let bounds = (offset, limit, self.list_start);
            if let Some(page) = kept_list::page(pool, cache, filter, today, bounds).await? {
                return Ok(page);
            }
        }
        // On SQLite its counts and its page wait once for a place among the reads, not once
        // each, and run one after the other on one thread.
        if let Db::Sqlite(_, direct) = &self.db {
            let (db, filter, today, most) = (
                self.db.clone(),
                filter.clone(),
                today.to_owned(),
                self.list_start,
            );
            let reads = async move { db.list(&filter, &today, offset, limit, most, None).await };
            return direct.on_one_thread(reads).await;
        }
        self.db
            .list(filter, today, offset, limit, self.list_start, self.kept())
            .await
    }

    /// The gemeenten with cases: (name, open cases, all cases), by name.
    pub async fn gemeenten(&self) -> Result<Vec<(String, u64, u64)>> {
        self.db.gemeenten().await
    }

    /// Which model versions each gemeente's cases run under: (gemeente, model id, version),
    /// every case open or closed, by gemeente. Reads every case's row (no index leads with
    /// these columns): callers keep the answer a while.
    pub async fn gemeente_models(&self) -> Result<Vec<(String, String, String)>> {
        self.db.gemeente_models().await
    }

    /// Open cases per phase (per gemeente if given).
    pub async fn phase_counts(&self, gemeente: Option<&str>) -> Result<PhaseCounts> {
        self.db.phase_counts(gemeente).await
    }

    /// The timeline of a case in outline (also after erasure).
    pub async fn outline(&self, case: &CaseId) -> Result<Vec<Outline>> {
        Ok(self
            .db
            .outline(case, false)
            .await?
            .into_iter()
            .map(|(o, _)| o)
            .collect())
    }

    /// The timeline of a case in outline, each event with its content where that has not
    /// been erased — in one read (the case page needs both).
    pub async fn outline_with_content(
        &self,
        case: &CaseId,
    ) -> Result<Vec<(Outline, Option<ave_engine::Recorded>)>> {
        self.db.outline(case, true).await
    }

    /// Erases the personal content of a case's events; the chains and the outline stay.
    pub async fn erase(&self, case: &CaseId, at: DateTime<Utc>) -> Result<u64> {
        let erased = self.db.erase(case, at).await;
        if let Some(cache) = self.kept() {
            cache.forget([case.as_str()]);
        }
        erased
    }

    /// Verifies every chain and names the first entry that breaks one.
    pub async fn verify(&self) -> Result<VerifyReport> {
        self.db.verify().await
    }

    /// Closes the connections (waits for them to be returned).
    pub async fn close(&self) {
        self.stop_keeping_rows().await;
        if let Some((_, closing)) = &self.pipeline {
            // The writer's pipelined connection closes with the pools.
            closing.send_replace(true);
        }
        self.db.close().await;
        self.writer.close().await;
        self.logs.close().await;
    }

    /// Runs one raw SQL statement: for administration and for tests that play the attacker
    /// editing the database. Not for the application's own reads and writes.
    #[doc(hidden)]
    pub async fn raw_exec(&self, sql: &str) -> Result<u64> {
        self.db.raw_exec(sql).await
    }

    /// A consistent online copy of the database (SQLite: `VACUUM INTO`, the logbook beside
    /// it into [`logbook::path_beside`] of `path`); for PostgreSQL use `pg_dump`.
    pub async fn backup(&self, path: &std::path::Path) -> Result<()> {
        self.db.backup(path).await
    }
}
