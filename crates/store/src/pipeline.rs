//! The PostgreSQL writer's batches pipelined: sent without waiting for each statement's
//! answer before the next, so a batch costs the server two trips there and back instead of
//! one per statement.
//!
//! Why: the single writer ([`crate::writer`]) takes a batch of commands as one transaction,
//! some twenty statements even when grouped by kind ([`crate::bulk`]). Through sqlx each
//! statement waits for its answer before the next is sent; on the 2-core benchmark machine
//! the writer's PostgreSQL backend was busy 65 % of the time and the writer thread spent a
//! third of its own in sending and waking (5 December). Joining the statements into one
//! (data-modifying `WITH` parts) cut the trips but had PostgreSQL plan the joined statement
//! anew for every batch, and was slower. tokio-postgres sends a request as soon as it is
//! asked for and matches the answers in order: the statements stay prepared (once per
//! connection and shape), and only the sending changes.
//!
//! A batch, all appends on cases of their own:
//! 1. `BEGIN`, the global chain's head read and locked (`FOR UPDATE`, so writers of several
//!    servers take turns), and the batch's cases read — sent together, in that order, so the
//!    cases are read after the lock is held;
//! 2. every append planned ([`crate::append::plan`]), the statements grouped
//!    ([`crate::bulk`]), any shape not yet prepared prepared (all at once);
//! 3. the statements, the head's update and `COMMIT`, sent together in their order.
//!
//! When a statement fails the transaction is aborted and the `COMMIT` that follows rolls it
//! back (PostgreSQL ends an aborted transaction block that way): nothing is written and the
//! batch goes the long way ([`crate::append::postgres`], each append in a savepoint). When
//! the connection fails, its answer is "unavailable", as for any failed transaction, and the
//! next batch connects anew.
//!
//! Its connection is one of its own, opened from the same URL as the store's (plain TCP or a
//! Unix socket, as sqlx's here: neither speaks TLS in this build).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use futures_util::future::{MaybeDone, maybe_done};
use tokio::sync::watch;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, Config, NoTls, Row, Statement as Prepared};

use crate::append::{
    BEFORES_SQL, HEAD_FOR_UPDATE_SQL, Layout, Statement, Value, before_of, head_of, plan_all,
    set_head,
};
use crate::cells::Cells;
use crate::{Append, Appended, Result, StoreError};

/// How many prepared shapes a connection keeps; past that they are all let go (the shapes of
/// a batch's statements vary with its size and the columns its commands change).
const MOST_PREPARED: usize = 1024;

/// A statement's text and the types of its parameters: what it is prepared by.
type Shape = (String, Vec<Type>);

/// The writer's pipelined connection, opened when first needed and again after it failed.
pub(crate) struct Pipeline {
    config: Config,
    /// Says `true` once the store is closed: the connection closes, and every batch after is
    /// answered "unavailable", as by the store's closed pools.
    closing: watch::Receiver<bool>,
    client: Option<Client>,
    prepared: HashMap<Shape, Prepared>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // tokio-postgres's own `Debug` of a configuration hides the password.
        f.debug_struct("Pipeline")
            .field("config", &self.config)
            .field("prepared", &self.prepared.len())
            .finish_non_exhaustive()
    }
}

/// The configuration of the pipelined connection for the PostgreSQL URL `url`, or `None`
/// when tokio-postgres cannot take it (the writer then sends statement by statement).
pub(crate) fn config(url: &str) -> Option<Config> {
    match url.parse::<Config>() {
        Ok(config) if config.get_ssl_mode() == tokio_postgres::config::SslMode::Require => {
            tracing::warn!("PostgreSQL met TLS verplicht: de schrijver stuurt per opdracht");
            None
        }
        Ok(mut config) => {
            if config.get_connect_timeout().is_none() {
                config.connect_timeout(std::time::Duration::from_secs(10));
            }
            if config.get_application_name().is_none() {
                // So it is told apart in `pg_stat_activity`.
                config.application_name("ave-schrijver");
            }
            Some(config)
        }
        Err(e) => {
            // The URL itself holds the password: only the reason is logged.
            tracing::warn!(fout = %e, "PostgreSQL-URL niet te gebruiken voor de schrijver in één keer; per opdracht");
            None
        }
    }
}

impl Pipeline {
    /// A pipeline that will connect with `config`, until `closing` says `true`.
    pub(crate) fn new(config: Config, closing: watch::Receiver<bool>) -> Pipeline {
        Pipeline {
            config,
            closing,
            client: None,
            prepared: HashMap::new(),
        }
    }

    /// Stores `batch` in one transaction; one answer per append, in order. `Ok(None)`: two
    /// appends on one case, or a statement failed — nothing was written, and the batch is to
    /// go the long way. `Err`: the connection failed (whether the commit landed is
    /// unknown to the caller, as with any lost answer).
    pub(crate) async fn append(
        &mut self,
        batch: &[Append],
    ) -> Result<Option<Vec<Result<Appended>>>> {
        let mut cases = std::collections::HashSet::new();
        if !batch.iter().all(|a| cases.insert(a.case.as_str())) {
            return Ok(None);
        }
        let outcome = self.try_append(batch).await;
        if outcome.is_err() {
            // Whatever state the connection is in, the next batch starts on a new one.
            self.close();
        }
        outcome
    }

    /// Lets the connection go (it is closed when dropped); a next batch would open another.
    pub(crate) fn close(&mut self) {
        self.client = None;
        self.prepared.clear();
    }

    async fn try_append(&mut self, batch: &[Append]) -> Result<Option<Vec<Result<Appended>>>> {
        let begin: Shape = ("BEGIN".to_owned(), Vec::new());
        let head_sql: Shape = (HEAD_FOR_UPDATE_SQL.to_owned(), Vec::new());
        let befores_sql: Shape = (BEFORES_SQL.to_owned(), vec![Type::TEXT_ARRAY]);
        let commit: Shape = ("COMMIT".to_owned(), Vec::new());
        self.prepare(&[&begin, &head_sql, &befores_sql, &commit])
            .await?;
        let client = self.client()?;
        let ids: Vec<&str> = batch.iter().map(|a| a.case.as_str()).collect();
        let first: [(&Prepared, Vec<&(dyn ToSql + Sync)>); 3] = [
            (&self.prepared[&begin], Vec::new()),
            (&self.prepared[&head_sql], Vec::new()),
            (&self.prepared[&befores_sql], vec![&ids]),
        ];
        let mut answers = in_order(
            first
                .iter()
                .map(|(s, params)| client.query(*s, params.as_slice()))
                .collect(),
        )
        .await
        .into_iter();
        let (Some(begun), Some(head), Some(befores)) =
            (answers.next(), answers.next(), answers.next())
        else {
            return Err(StoreError::unavailable(
                "de database gaf een onverwachte fout",
                "antwoorden ontbreken",
            ));
        };
        begun.map_err(failed)?;
        let (head, befores) = match (head, befores) {
            (Ok(head), Ok(befores)) => (head, befores),
            (head, befores) => {
                let e = head.err().or(befores.err());
                self.rollback().await?;
                return Err(e.map_or_else(|| failed_text("antwoord ontbreekt"), failed));
            }
        };
        let head = match head.first() {
            Some(row) => head_of(row)?,
            None => {
                self.rollback().await?;
                return Err(failed_text("de kop van de keten ontbreekt"));
            }
        };
        let mut known = HashMap::new();
        for row in &befores {
            let before = before_of(row)?;
            known.insert(before.id().to_owned(), before);
        }
        let (results, plans, head) = plan_all(batch, &mut known, head, Layout::Apart);
        let Some(groups) = crate::bulk::schedule(&plans) else {
            self.rollback().await?;
            return Ok(None);
        };
        let mut sent: Vec<Statement> = groups
            .iter()
            .flat_map(|g| {
                crate::bulk::merged(g)
                    .into_iter()
                    .map(std::borrow::Cow::into_owned)
            })
            .collect();
        sent.push(set_head(head));
        let shapes: Vec<Shape> = sent.iter().map(shape_of).collect();
        let mut wanted: Vec<&Shape> = shapes.iter().collect();
        wanted.push(&commit);
        if let Err(e) = self.prepare(&wanted).await {
            // A shape the server would not prepare (it should not happen): the batch is
            // rolled back, if the connection still stands, and goes the long way.
            if self.rollback().await.is_ok() {
                tracing::warn!(fout = %e, "batch in één keer niet voor te bereiden; per opdracht");
                return Ok(None);
            }
            return Err(e);
        }
        let client = self.client()?;
        let params: Vec<Vec<&(dyn ToSql + Sync)>> = sent.iter().map(bound).collect();
        let mut requests: Vec<_> = shapes
            .iter()
            .zip(&params)
            .map(|(shape, p)| client.query(&self.prepared[shape], p.as_slice()))
            .collect();
        requests.push(client.query(&self.prepared[&commit], &[]));
        let mut answers = in_order(requests).await;
        let committed = answers.pop();
        if let Some(e) = answers.into_iter().find_map(|a| a.err()) {
            // The transaction was aborted at the failing statement and the `COMMIT` after it
            // rolled it back — unless the connection itself failed.
            if client.is_closed() || e.is_closed() {
                return Err(failed(e));
            }
            tracing::warn!(fout = %e, "batch in één keer mislukt; per opdracht opnieuw");
            return Ok(None);
        }
        match committed {
            Some(Ok(_)) => Ok(Some(results)),
            Some(Err(e)) => Err(failed(e)),
            None => Err(failed_text("het antwoord op COMMIT ontbreekt")),
        }
    }

    /// The connection, opened when there is none or it failed.
    async fn connect(&mut self) -> Result<()> {
        // Closed, or every handle of the store let go.
        if *self.closing.borrow() || self.closing.has_changed().is_err() {
            self.close();
            return Err(StoreError::unavailable(
                "de verbindingen zijn gesloten",
                "store closed",
            ));
        }
        if self.client.as_ref().is_some_and(|c| !c.is_closed()) {
            return Ok(());
        }
        self.prepared.clear();
        let (client, connection) = self.config.connect(NoTls).await.map_err(failed)?;
        let mut closing = self.closing.clone();
        tokio::spawn(async move {
            tokio::select! {
                ended = connection => if let Err(e) = ended {
                    tracing::warn!(fout = %e, "verbinding van de schrijver verbroken");
                },
                // The store closed: the connection is dropped, so closed, at once — not
                // when the writer's next batch would notice.
                _ = closing.wait_for(|closed| *closed) => {}
            }
        });
        self.client = Some(client);
        Ok(())
    }

    /// The open connection.
    fn client(&self) -> Result<&Client> {
        self.client
            .as_ref()
            .ok_or_else(|| failed_text("geen verbinding"))
    }

    /// Prepares, all at once, every shape of `shapes` not prepared yet on this connection
    /// (connecting first if need be).
    async fn prepare(&mut self, shapes: &[&Shape]) -> Result<()> {
        self.connect().await?;
        let mut missing = distinct(shapes, &self.prepared);
        if missing.is_empty() {
            return Ok(());
        }
        if self.prepared.len() + missing.len() > MOST_PREPARED {
            // Dropped, they are closed on the server.
            self.prepared.clear();
            missing = distinct(shapes, &self.prepared);
        }
        let client = self.client()?;
        let made = in_order(
            missing
                .iter()
                .map(|(sql, types)| client.prepare_typed(sql, types))
                .collect(),
        )
        .await;
        for (shape, statement) in missing.into_iter().zip(made) {
            self.prepared
                .insert(shape.clone(), statement.map_err(failed)?);
        }
        Ok(())
    }

    /// Ends the transaction begun without writing anything.
    async fn rollback(&self) -> Result<()> {
        self.client()?
            .batch_execute("ROLLBACK")
            .await
            .map_err(failed)
    }
}

/// The outputs of `futures`, each first polled — so each request sent — in the order given
/// (tokio-postgres sends a request when its future is first polled, and the server answers
/// in the order it received them), then all awaited together.
async fn in_order<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut all: Vec<Pin<Box<MaybeDone<F>>>> = futures
        .into_iter()
        .map(|f| Box::pin(maybe_done(f)))
        .collect();
    for f in &mut all {
        let _ = futures_util::poll!(f.as_mut());
    }
    for f in &mut all {
        f.as_mut().await;
    }
    all.iter_mut()
        .filter_map(|f| f.as_mut().take_output())
        .collect()
}

/// The shapes of `shapes` not in `prepared`, each once, in their order.
fn distinct<'a>(shapes: &[&'a Shape], prepared: &HashMap<Shape, Prepared>) -> Vec<&'a Shape> {
    let mut seen = std::collections::HashSet::new();
    shapes
        .iter()
        .copied()
        .filter(|s| !prepared.contains_key(*s) && seen.insert(*s))
        .collect()
}

/// A statement's text and the types its values are bound as.
fn shape_of(s: &Statement) -> Shape {
    let types = s
        .values
        .iter()
        .map(|v| match v {
            Value::Text(_) | Value::MaybeText(_) => Type::TEXT,
            Value::Int(_) => Type::INT8,
            Value::Bool(_) => Type::BOOL,
            Value::Bytes(_) => Type::BYTEA,
        })
        .collect();
    (s.sql.to_string(), types)
}

/// A statement's values, to bind.
fn bound(s: &Statement) -> Vec<&(dyn ToSql + Sync)> {
    s.values
        .iter()
        .map(|v| -> &(dyn ToSql + Sync) {
            match v {
                Value::Text(t) => t,
                Value::MaybeText(t) => t,
                Value::Int(n) => n,
                Value::Bool(b) => b,
                Value::Bytes(b) => b,
            }
        })
        .collect()
}

/// A failure of tokio-postgres as the store's error.
fn failed(e: tokio_postgres::Error) -> StoreError {
    let message = if e.is_closed() {
        "verbinding niet te gebruiken"
    } else if e.code().is_some() {
        "de database weigert de opdracht"
    } else {
        "de database gaf een onverwachte fout"
    };
    StoreError::unavailable(message, e)
}

/// A failure without a driver's error.
fn failed_text(detail: &str) -> StoreError {
    StoreError::unavailable("de database gaf een onverwachte fout", detail)
}

impl Cells for Row {
    fn text(&self, column: &str) -> Result<String> {
        self.try_get(column).map_err(failed)
    }
    fn maybe(&self, column: &str) -> Result<Option<String>> {
        self.try_get(column).map_err(failed)
    }
    fn int(&self, column: &str) -> Result<i64> {
        self.try_get(column).map_err(failed)
    }
    fn flag(&self, column: &str) -> Result<bool> {
        self.try_get(column).map_err(failed)
    }
    fn maybe_bytes(&self, column: &str) -> Result<Option<Vec<u8>>> {
        self.try_get(column).map_err(failed)
    }
}
