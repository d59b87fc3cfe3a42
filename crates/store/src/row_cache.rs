//! Case rows kept in memory on PostgreSQL, forgotten when the database says they changed;
//! and what the database says about changed persons, passed on to the server's cache of who
//! is behind a session or token ([`PersonsChanged`]).
//!
//! Reading a case on PostgreSQL is a round trip for one row (and sqlx's test of the
//! connection when it is given back); the HTTP work around it is a fraction of that. So a
//! server keeps the rows it read ([`RowCache`]) and serves later reads of them from memory.
//! That is only right while it hears of every change, from whichever process made it:
//!
//! - a trigger on `cases` (migration `0016_case_notify.sql`) announces the id of every
//!   updated or deleted row on the channel [`CHANNEL`] when its transaction commits — this
//!   server's writer, another `ave serve`, `ave` on the command line or an administrator's
//!   `UPDATE` by hand alike;
//! - one connection of this server listens ([`listen`]) and forgets what is announced; this
//!   server's own writes are also forgotten at once, before their commands are answered
//!   (read-your-writes without waiting for the announcement);
//! - while that connection is not listening (not yet, lost, or silent for longer than a
//!   check of it allows) nothing is served from memory and everything kept is forgotten:
//!   announcements made meanwhile are lost.
//!
//! A read that started before a change and ends after it must not put its old row back: every
//! change moves the cache's epoch, and a row is only kept when the epoch is still the one
//! seen before its read began ([`RowCache::ticket`]).
//!
//! Commands never use it: they read their row fresh and are guarded by the expected version.
//! A read on one server may see a change made on another server up to the announcement's
//! travel time (well under a millisecond on one machine) later — as if it had come a moment
//! earlier.
//!
//! Once listening, the cache is warmed in the background with the most recently active
//! open cases, then closed ones, up to nine tenths of its budget ([`warm`]), so a server
//! that just started reads from memory within seconds.
//!
//! Rows are kept small: every text but the case's id is a number into a table of the texts
//! seen (persons, gemeenten, phases, days…), so a row of some thirty involved persons takes
//! a few hundred bytes, and the cache stays under [`BUDGET`] bytes (least recently used rows
//! go first).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ave_engine::ids::CaseId;
use chrono::{DateTime, Utc};
use lru::LruCache;
use sqlx::PgPool;
use sqlx::postgres::PgListener;

use crate::CaseRow;
use crate::access::Involved;
use crate::db::Db;

/// The channel the trigger on `cases` announces changed case ids on (comma-separated; `*`
/// for "forget everything").
pub const CHANNEL: &str = "ave_casussen";

/// The channel the triggers on the directory, sessions and API tokens announce changed
/// person ids on (comma-separated; migration `0020_person_notify.sql`). The same connection
/// listens; what it hears is passed on to whoever keeps persons ([`PersonsChanged`]).
pub const PERSONS_CHANNEL: &str = "ave_personen";

/// What the listening connection heard about persons, for a cache of who is behind a
/// session or token (the server's): see [`crate::Store::person_changes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonsChanged {
    /// These persons changed (their functions, their sessions or tokens): forget what is
    /// kept of them.
    Persons(Vec<String>),
    /// Listening stopped or began anew — announcements may have been lost meanwhile:
    /// forget everything kept.
    All,
}

/// How many announcements about persons wait for a slow receiver before it is told
/// [`PersonsChanged::All`] instead (by the broadcast channel's lag).
const PERSONS_QUEUE: usize = 1024;

/// The most memory the kept rows may take (by [`Packed::size`], an estimate of their heap
/// use): 64 MiB, some 130,000 rows of the benchmark database.
pub const BUDGET: usize = 64 * 1024 * 1024;

/// The `application_name` of the listening connection (to find it in `pg_stat_activity`).
pub const APPLICATION: &str = "ave-casusrijen";

/// After this long without an announcement the listening connection is asked to answer.
const QUIET: Duration = Duration::from_secs(5);

/// How long that answer may take before the connection counts as lost.
const ANSWER: Duration = Duration::from_secs(2);

/// The longest wait between two attempts to listen again.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// When the table of texts grows past this, it starts again (with an empty cache).
const MAX_WORDS: usize = 1 << 20;

/// A word that is not there (an absent optional text).
const NONE: u32 = u32::MAX;

/// Case rows by id, valid while listening.
#[derive(Debug)]
pub(crate) struct RowCache {
    inner: Mutex<Inner>,
    listening: AtomicBool,
    /// How many times listening began (the first connection, then each one after a loss).
    subscriptions: AtomicU64,
    /// How many warm-ups ([`warm`]) ended.
    warmed: AtomicU64,
    budget: usize,
    /// Announcements about persons, passed on.
    persons: tokio::sync::broadcast::Sender<PersonsChanged>,
}

#[derive(Debug)]
struct Inner {
    rows: LruCache<CaseId, Packed>,
    words: Words,
    epoch: u64,
    bytes: usize,
}

impl Default for Inner {
    fn default() -> Inner {
        Inner {
            rows: LruCache::unbounded(),
            words: Words::default(),
            epoch: 0,
            bytes: 0,
        }
    }
}

impl Inner {
    fn forget_all(&mut self) {
        self.epoch += 1;
        self.rows.clear();
        self.bytes = 0;
        if self.words.texts.len() > MAX_WORDS {
            self.words = Words::default();
        }
    }

    fn forget(&mut self, id: &str) {
        if let Some(old) = self.rows.pop(id) {
            self.bytes -= old.size(id);
        }
    }
}

impl RowCache {
    /// An empty cache of at most `budget` bytes, not yet listening.
    pub(crate) fn new(budget: usize) -> RowCache {
        RowCache {
            inner: Mutex::new(Inner::default()),
            listening: AtomicBool::new(false),
            subscriptions: AtomicU64::new(0),
            warmed: AtomicU64::new(0),
            budget,
            persons: tokio::sync::broadcast::Sender::new(PERSONS_QUEUE),
        }
    }

    /// Receives what the listening connection hears about persons from now on.
    pub(crate) fn person_changes(&self) -> tokio::sync::broadcast::Receiver<PersonsChanged> {
        self.persons.subscribe()
    }

    /// Passes on an announcement about persons (nobody receiving is fine).
    fn tell(&self, change: PersonsChanged) {
        let _ = self.persons.send(change);
    }

    /// The row of the case with id `id` if it is kept (and the cache is listening).
    pub(crate) fn get(&self, id: &str) -> Option<CaseRow> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let mut inner = self.inner.lock().ok()?;
        let inner = &mut *inner;
        let (id, packed) = inner.rows.get_key_value(id)?;
        Some(packed.unpack(id, &inner.words))
    }

    /// The epoch to give [`RowCache::put`] with a row read from now on; `None` while not
    /// listening (then nothing is kept).
    pub(crate) fn ticket(&self) -> Option<u64> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        self.inner.lock().ok().map(|inner| inner.epoch)
    }

    /// Keeps `row`, read after [`RowCache::ticket`] gave `ticket` — unless something changed
    /// since (or the cache stopped listening).
    pub(crate) fn put(&self, ticket: u64, row: &CaseRow) {
        self.put_all(ticket, std::slice::from_ref(row));
    }

    /// Keeps `rows` as [`RowCache::put`] keeps one; whether they were kept.
    pub(crate) fn put_all(&self, ticket: u64, rows: &[CaseRow]) -> bool {
        let Ok(mut inner) = self.inner.lock() else {
            return false;
        };
        if inner.epoch != ticket || !self.listening.load(Ordering::Acquire) {
            return false;
        }
        if inner.words.texts.len() > MAX_WORDS {
            // Start the table of texts again rather than let it grow without end.
            inner.forget_all();
        }
        for row in rows {
            let packed = Packed::pack(row, &mut inner.words);
            let size = packed.size(row.id.as_str());
            if let Some(old) = inner.rows.put(row.id.clone(), packed) {
                inner.bytes -= old.size(row.id.as_str());
            }
            inner.bytes += size;
        }
        while inner.bytes > self.budget {
            match inner.rows.pop_lru() {
                Some((id, old)) => inner.bytes -= old.size(id.as_str()),
                None => break,
            }
        }
        true
    }

    /// Which of `ids` are not kept (all of them while not listening).
    pub(crate) fn unkept<'a>(&self, ids: &[&'a str]) -> Vec<&'a str> {
        let inner = match self.inner.lock() {
            Ok(inner) if self.listening.load(Ordering::Acquire) => inner,
            _ => return ids.to_vec(),
        };
        ids.iter()
            .copied()
            .filter(|id| !inner.rows.contains(*id))
            .collect()
    }

    /// The kept rows of `ids` that `keep` takes, in the order of a list (most recently
    /// active first, then by id): the `limit` rows after the first `offset`, and how many
    /// `keep` took in all. `None` when a row of `ids` is not kept (or the cache is not
    /// listening): then the list cannot be answered from memory.
    pub(crate) fn select(
        &self,
        ids: &[&str],
        keep: impl Fn(&str, &Facts<'_>) -> bool,
        offset: usize,
        limit: usize,
    ) -> Option<(Vec<CaseRow>, usize)> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let mut inner = self.inner.lock().ok()?;
        let inner = &mut *inner;
        let mut taken: Vec<(DateTime<Utc>, &str)> = Vec::new();
        for id in ids {
            let packed = inner.rows.peek(*id)?;
            let facts = Facts {
                packed,
                words: &inner.words,
            };
            if keep(id, &facts) {
                taken.push((packed.last_at, id));
            }
        }
        taken.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let page = taken
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|(_, id)| {
                let (id, packed) = inner.rows.get_key_value(*id)?;
                Some(packed.unpack(id, &inner.words))
            })
            .collect();
        Some((page, taken.len()))
    }

    /// Whether the kept rows take more than nine tenths of the budget.
    fn nearly_full(&self) -> bool {
        self.inner
            .lock()
            .map_or(true, |i| i.bytes > self.budget / 10 * 9)
    }

    /// Forgets the rows of `ids` (and stops any read under way from keeping what it read).
    pub(crate) fn forget<'a>(&self, ids: impl IntoIterator<Item = &'a str>) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.epoch += 1;
            for id in ids {
                inner.forget(id);
            }
        }
    }

    /// Forgets what an announcement names: comma-separated ids, or `*` for everything.
    fn announced(&self, payload: &str) {
        if payload == "*" {
            self.forget_all();
        } else {
            self.forget(payload.split(',').filter(|id| !id.is_empty()));
        }
    }

    fn forget_all(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.forget_all();
        }
    }

    /// Starts or stops serving from memory; either way what was kept is forgotten, and
    /// those keeping persons are told to forget theirs.
    fn set_listening(&self, on: bool) {
        // Forget first when stopping (no read may be served from what is now unguarded),
        // last when starting (nothing kept from before may survive).
        if !on {
            self.listening.store(false, Ordering::Release);
        }
        self.forget_all();
        self.tell(PersonsChanged::All);
        if on {
            self.subscriptions.fetch_add(1, Ordering::Relaxed);
            self.listening.store(true, Ordering::Release);
        }
    }

    /// Whether rows are served from memory now, how many times listening began, and how
    /// many warm-ups ended.
    pub(crate) fn status(&self) -> (bool, u64, u64) {
        (
            self.listening.load(Ordering::Acquire),
            self.subscriptions.load(Ordering::Relaxed),
            self.warmed.load(Ordering::Acquire),
        )
    }

    /// How many rows are kept.
    pub(crate) fn len(&self) -> usize {
        self.inner.lock().map(|i| i.rows.len()).unwrap_or(0)
    }
}

/// Listens on `pool`'s one connection for announced changes until the pool is closed,
/// keeping `cache` in step: serving from memory only while listening.
pub(crate) async fn listen(pool: PgPool, db: Db, cache: Arc<RowCache>) {
    let mut backoff = Duration::from_millis(100);
    while !pool.is_closed() {
        match subscribe(&pool).await {
            Ok(mut listener) => {
                cache.set_listening(true);
                tokio::spawn(warm(db.clone(), cache.clone()));
                backoff = Duration::from_millis(100);
                let why = follow(&mut listener, &cache).await;
                cache.set_listening(false);
                drop(listener);
                if pool.is_closed() {
                    break;
                }
                tracing::warn!(
                    reden = why,
                    "casusrijen: luisteren naar wijzigingen onderbroken; rijen worden weer uit de database gelezen"
                );
            }
            Err(e) => {
                if pool.is_closed() {
                    break;
                }
                tracing::warn!(fout = %e, "casusrijen: luisteren naar wijzigingen lukt niet");
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
    cache.set_listening(false);
}

/// How many rows one warm-up read takes.
const WARM_CHUNK: u32 = 500;

/// How often a chunk a change overtook is read again before the warm-up moves on.
const WARM_RETRIES: u32 = 3;

/// Fills the cache, once listening began, with the rows most likely to be read: open cases,
/// most recently active first, then closed ones — until nine tenths of the budget are used.
/// Each chunk is read under a ticket of its own, so a chunk that a change overtook is not
/// kept (and is read again). Ends early when listening stops or begins anew (that beginning
/// starts its own warm-up).
async fn warm(db: Db, cache: Arc<RowCache>) {
    let (_, generation, _) = cache.status();
    let current = |cache: &RowCache| {
        let (on, n, _) = cache.status();
        on && n == generation
    };
    'kinds: for closed in [false, true] {
        let mut after: Option<(String, String)> = None;
        let mut retries = 0;
        loop {
            if !current(&cache) || cache.nearly_full() {
                break 'kinds;
            }
            let Some(ticket) = cache.ticket() else {
                break 'kinds;
            };
            let chunk = match db.rows_by_recency(closed, after.as_ref(), WARM_CHUNK).await {
                Ok(chunk) => chunk,
                Err(e) => {
                    tracing::debug!(fout = %e, "casusrijen: voorverwarmen afgebroken");
                    break 'kinds;
                }
            };
            let Some((last, last_at)) = chunk.last() else {
                break;
            };
            let next = (last_at.clone(), last.id.as_str().to_owned());
            let rows: Vec<CaseRow> = chunk.into_iter().map(|(row, _)| row).collect();
            if cache.put_all(ticket, &rows) || retries >= WARM_RETRIES {
                after = Some(next);
                retries = 0;
            } else {
                retries += 1;
            }
        }
    }
    cache.warmed.fetch_add(1, Ordering::Release);
}

async fn subscribe(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // A lost connection is noticed by `follow`, which stops serving before listening anew.
    listener.eager_reconnect(false);
    listener.listen_all([CHANNEL, PERSONS_CHANNEL]).await?;
    Ok(listener)
}

/// Forgets what is announced until the connection is lost (or the pool closed); says why.
async fn follow(listener: &mut PgListener, cache: &RowCache) -> &'static str {
    loop {
        // Receiving is cancel-safe in sqlx (a message is taken from its buffer whole or
        // not at all), so a quiet spell may end the wait.
        match tokio::time::timeout(QUIET, listener.try_recv()).await {
            Ok(Ok(Some(notification))) if notification.channel() == PERSONS_CHANNEL => {
                let persons = notification.payload().split(',').filter(|p| !p.is_empty());
                cache.tell(PersonsChanged::Persons(
                    persons.map(str::to_owned).collect(),
                ));
            }
            Ok(Ok(Some(notification))) => cache.announced(notification.payload()),
            Ok(Ok(None)) => return "verbinding verbroken",
            Ok(Err(_)) => return "fout bij ontvangen",
            Err(_) => {
                let check = sqlx::query("SELECT 1").execute(&mut *listener);
                match tokio::time::timeout(ANSWER, check).await {
                    Ok(Ok(_)) => {}
                    Ok(Err(_)) => return "verbinding antwoordt niet",
                    Err(_) => return "verbinding antwoordt niet op tijd",
                }
            }
        }
    }
}

/// The table of texts a kept row points into.
#[derive(Debug, Default)]
struct Words {
    texts: Vec<Arc<str>>,
    numbers: HashMap<Arc<str>, u32>,
}

impl Words {
    fn number(&mut self, text: &str) -> u32 {
        if let Some(n) = self.numbers.get(text) {
            return *n;
        }
        let n = u32::try_from(self.texts.len()).unwrap_or(NONE - 1);
        let text: Arc<str> = Arc::from(text);
        self.texts.push(text.clone());
        self.numbers.insert(text, n);
        n
    }

    fn optional(&mut self, text: Option<&str>) -> u32 {
        text.map_or(NONE, |t| self.number(t))
    }

    fn text(&self, n: u32) -> &str {
        self.texts.get(n as usize).map_or("", |t| t)
    }

    fn optional_text(&self, n: u32) -> Option<String> {
        (n != NONE).then(|| self.text(n).to_owned())
    }
}

/// What a list's filters read of a kept row, without unpacking it ([`RowCache::select`]).
pub(crate) struct Facts<'a> {
    packed: &'a Packed,
    words: &'a Words,
}

impl Facts<'_> {
    fn word(&self, i: usize) -> Option<&str> {
        let n = self.packed.words[i];
        (n != NONE).then(|| self.words.text(n))
    }

    /// The case's gemeente.
    pub(crate) fn gemeente(&self) -> Option<&str> {
        self.word(GEMEENTE)
    }

    /// The case's current phase.
    pub(crate) fn phase(&self) -> &str {
        self.word(PHASE).unwrap_or_default()
    }

    /// Whether the case is closed.
    pub(crate) fn closed(&self) -> bool {
        self.packed.closed
    }

    /// The day in the read model's column `column` (as [`crate::row::due_column`] names it:
    /// `c.next_evaluation`, …), if the case has one.
    pub(crate) fn due(&self, column: &str) -> Option<&str> {
        let i = match column.trim_start_matches("c.") {
            "next_evaluation" => NEXT_EVALUATION,
            "stagnation_due" => STAGNATION_DUE,
            "decision_due" => DECISION_DUE,
            "review_due" => REVIEW_DUE,
            _ => return None,
        };
        self.word(i)
    }

    /// Whether the case has the attention flag `kind` (one that does not depend on the day).
    pub(crate) fn has_flag(&self, kind: &str) -> bool {
        let end = FIXED + self.packed.flags as usize;
        self.packed.words[FIXED..end]
            .iter()
            .any(|n| self.words.text(*n) == kind)
    }
}

/// The fixed words of a packed row, in [`Packed::words`]' first places.
const GEMEENTE: usize = 0;
const MODEL_ID: usize = 1;
const MODEL_VERSION: usize = 2;
const PHASE: usize = 3;
const NEXT_EVALUATION: usize = 4;
const STAGNATION_DUE: usize = 5;
const DECISION_DUE: usize = 6;
const REVIEW_DUE: usize = 7;
const FIXED: usize = 8;

/// A [`CaseRow`] without its id, its texts as numbers into [`Words`]: the fixed words, then
/// the flags, then (role, person) pairs, then (person, kind) pairs of the involvement.
#[derive(Debug)]
struct Packed {
    words: Box<[u32]>,
    flags: u16,
    roles: u16,
    closed: bool,
    version: u64,
    opened_at: DateTime<Utc>,
    last_at: DateTime<Utc>,
    phase_since: DateTime<Utc>,
    erased_at: Option<DateTime<Utc>>,
}

impl Packed {
    fn pack(row: &CaseRow, words: &mut Words) -> Packed {
        let mut w = Vec::with_capacity(
            FIXED + row.flags.len() + 2 * row.roles.len() + 2 * row.access.iter().count(),
        );
        w.push(words.optional(row.gemeente.as_deref()));
        w.push(words.number(&row.model_id));
        w.push(words.number(&row.model_version));
        w.push(words.number(&row.phase));
        for due in [
            &row.next_evaluation,
            &row.stagnation_due,
            &row.decision_due,
            &row.review_due,
        ] {
            w.push(words.optional(due.as_deref()));
        }
        for flag in &row.flags {
            w.push(words.number(flag));
        }
        for (role, person) in &row.roles {
            w.push(words.number(role));
            w.push(words.number(person));
        }
        for (person, kind) in row.access.iter() {
            w.push(words.number(person));
            w.push(words.number(kind));
        }
        Packed {
            words: w.into_boxed_slice(),
            flags: u16::try_from(row.flags.len()).unwrap_or(u16::MAX),
            roles: u16::try_from(row.roles.len()).unwrap_or(u16::MAX),
            closed: row.closed,
            version: row.version,
            opened_at: row.opened_at,
            last_at: row.last_at,
            phase_since: row.phase_since,
            erased_at: row.erased_at,
        }
    }

    fn unpack(&self, id: &CaseId, words: &Words) -> CaseRow {
        let w = &self.words;
        let fixed = |i: usize| words.text(w[i]).to_owned();
        let optional = |i: usize| words.optional_text(w[i]);
        let flags_end = FIXED + self.flags as usize;
        let roles_end = flags_end + 2 * self.roles as usize;
        CaseRow {
            id: id.clone(),
            gemeente: optional(GEMEENTE),
            model_id: fixed(MODEL_ID),
            model_version: fixed(MODEL_VERSION),
            phase: fixed(PHASE),
            version: self.version,
            opened_at: self.opened_at,
            last_at: self.last_at,
            phase_since: self.phase_since,
            closed: self.closed,
            next_evaluation: optional(NEXT_EVALUATION),
            stagnation_due: optional(STAGNATION_DUE),
            decision_due: optional(DECISION_DUE),
            review_due: optional(REVIEW_DUE),
            flags: w[FIXED..flags_end]
                .iter()
                .map(|n| words.text(*n).to_owned())
                .collect(),
            roles: w[flags_end..roles_end]
                .chunks_exact(2)
                .map(|p| (words.text(p[0]).to_owned(), words.text(p[1]).to_owned()))
                .collect(),
            access: Involved::from_pairs(
                w[roles_end..]
                    .chunks_exact(2)
                    .map(|p| (words.text(p[0]), words.text(p[1]))),
            ),
            erased_at: self.erased_at,
        }
    }

    /// About how much memory the row takes kept under `id`: its words, its fields, the id
    /// and the cache's own bookkeeping.
    fn size(&self, id: &str) -> usize {
        std::mem::size_of::<Packed>() + 4 * self.words.len() + id.len() + 96
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, version: u64) -> CaseRow {
        let at = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        CaseRow {
            id: CaseId::parse(id).unwrap(),
            gemeente: Some("Rivierstad".into()),
            model_id: "ave-wams-wgs".into(),
            model_version: "1.0.0".into(),
            phase: "ave-2".into(),
            version,
            opened_at: at,
            last_at: at + chrono::Duration::hours(3),
            phase_since: at + chrono::Duration::hours(1),
            closed: false,
            next_evaluation: Some("2026-12-18".into()),
            stagnation_due: None,
            decision_due: Some("2026-12-06".into()),
            review_due: None,
            flags: vec!["role-unfilled".into(), "handover-open".into()],
            roles: vec![
                ("casusregie".into(), "p-1".into()),
                ("procesregie".into(), "p-2".into()),
            ],
            access: Involved::from_pairs([("p-1", "rol"), ("p-2", "rol"), ("p-9", "bijdrager")]),
            erased_at: None,
        }
    }

    fn listening() -> RowCache {
        listening_within(BUDGET)
    }

    fn listening_within(budget: usize) -> RowCache {
        let cache = RowCache::new(budget);
        cache.set_listening(true);
        cache
    }

    #[test]
    fn a_kept_row_comes_back_as_it_went_in() {
        let cache = listening();
        let r = row("c-1", 4);
        cache.put(cache.ticket().unwrap(), &r);
        assert_eq!(cache.get(r.id.as_str()), Some(r.clone()));
        let mut bare = row("c-2", 1);
        bare.gemeente = None;
        bare.flags.clear();
        bare.roles.clear();
        bare.access = Involved::default();
        bare.next_evaluation = None;
        bare.decision_due = None;
        bare.erased_at = Some(bare.opened_at);
        cache.put(cache.ticket().unwrap(), &bare);
        assert_eq!(cache.get(bare.id.as_str()), Some(bare));
        assert_eq!(cache.get(r.id.as_str()), Some(r));
    }

    #[test]
    fn a_read_that_a_change_overtook_is_not_kept() {
        let cache = listening();
        let r = row("c-1", 4);
        let ticket = cache.ticket().unwrap();
        // The row was read; before it is put, a change of any case is announced.
        cache.announced("c-7");
        cache.put(ticket, &r);
        assert_eq!(cache.get(r.id.as_str()), None);
        // A read begun after the change is kept.
        cache.put(cache.ticket().unwrap(), &r);
        assert!(cache.get(r.id.as_str()).is_some());
    }

    #[test]
    fn announced_ids_are_forgotten_and_a_star_forgets_all() {
        let cache = listening();
        for (id, v) in [("c-1", 1), ("c-2", 2), ("c-3", 3)] {
            cache.put(cache.ticket().unwrap(), &row(id, v));
        }
        cache.announced("c-1,c-3");
        assert_eq!(cache.len(), 1);
        assert!(cache.get("c-2").is_some());
        cache.announced("*");
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn nothing_is_served_or_kept_while_not_listening() {
        let cache = listening();
        let r = row("c-1", 4);
        cache.put(cache.ticket().unwrap(), &r);
        let ticket = cache.ticket().unwrap();
        cache.set_listening(false);
        assert_eq!(cache.get(r.id.as_str()), None);
        assert_eq!(cache.ticket(), None);
        cache.put(ticket, &r);
        cache.set_listening(true);
        // What was kept before the connection was lost is gone, and so is the late put.
        assert_eq!(cache.get(r.id.as_str()), None);
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn the_budget_holds_the_least_recently_used_go_first() {
        let one = Packed::pack(&row("c-0", 1), &mut Words::default()).size("c-000000");
        let cache = listening_within(100 * one);
        let fits = 100;
        for i in 0..fits + 10 {
            cache.put(cache.ticket().unwrap(), &row(&format!("c-{i:06}"), 1));
        }
        assert!(cache.len() <= fits);
        assert!(cache.inner.lock().unwrap().bytes <= 100 * one);
        assert!(cache.get("c-000000").is_none());
        let last = format!("c-{:06}", fits + 9);
        assert!(cache.get(&last).is_some());
    }
}
