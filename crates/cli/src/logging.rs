//! The one place where log lines get a destination: `ave serve` installs a `tracing`
//! subscriber that writes to standard error, as readable text or as one JSON object per
//! line for a log collector. Standard output stays for what a person or a script reads (the
//! address, the demo summary). No other command logs.
//!
//! What is logged never holds personal data: the server logs route patterns and codes, and
//! the database URL only through [`crate::config::DatabaseUrl`], which hides its password.

use std::io::IsTerminal;

use anyhow::{Result, anyhow};
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the subscriber for the rest of the process. `level` is a directive that
/// [`crate::config`] has already checked.
pub fn init(format: LogFormat, level: &str) -> Result<()> {
    let filter = EnvFilter::try_new(level).map_err(|_| anyhow!("ongeldig logniveau '{level}'"))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Tekst => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        // Fields at the top level of each object (`"adres": …`, not `"fields": {…}`), as
        // log collectors index them; spans are not used yet.
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
    installed.map_err(|_| anyhow!("de logvoorziening is niet te starten"))
}
