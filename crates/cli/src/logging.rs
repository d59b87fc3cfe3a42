//! The one place where log lines get a destination: `ave serve` installs a `tracing`
//! subscriber that writes to standard error, as readable text or as one JSON object per
//! line for a log collector. Standard output stays for what a person or a script reads (the
//! address, the demo summary). No other command logs.
//!
//! What is logged never holds personal data: the server logs route patterns and codes, and
//! the database URL only through [`crate::config::DatabaseUrl`], which hides its password.

use std::io::IsTerminal;

use anyhow::{Result, anyhow};
use tracing_subscriber::filter::{FilterExt, filter_fn};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

use crate::config::LogFormat;

/// Modules whose log lines can hold a secret, silenced whatever the level: the PostgreSQL
/// driver logs an unrecognised URL parameter with its value (`?sslpassword=…`) and a
/// malformed line of a pgpass file whole, both as warnings.
const SECRET_TARGETS: &[&str] = &["sqlx_postgres::options"];

/// Installs the subscriber for the rest of the process. `level` is a directive that
/// [`crate::config`] has already checked.
pub fn init(format: LogFormat, level: &str) -> Result<()> {
    let filter = EnvFilter::try_new(level).map_err(|_| anyhow!("ongeldig logniveau '{level}'"))?;
    let no_secrets = filter_fn(|meta| !SECRET_TARGETS.iter().any(|t| meta.target().starts_with(t)));
    let layer = match format {
        LogFormat::Tekst => fmt::layer()
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .boxed(),
        // Fields at the top level of each object (`"adres": …`, not `"fields": {…}`), as
        // log collectors index them; spans are not used yet.
        LogFormat::Json => fmt::layer()
            .with_writer(std::io::stderr)
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(layer.with_filter(filter.and(no_secrets)))
        .try_init()
        .map_err(|_| anyhow!("de logvoorziening is niet te starten"))
}
