//! The audit log's checkpoints in the configuration: the ed25519 key that signs them
//! (`audit_key` or `AVE_AUDIT_KEY`, 64 hexadecimal characters — a secret, never on the command
//! line and never shown; else [`KEY_FILE`] in the data directory, made at the first start) and
//! how often `ave serve` signs (`audit_checkpoint_every` or `AVE_AUDIT_CHECKPOINT_EVERY`, for
//! example `10m`; [`DEFAULT_EVERY`] when not given).

use std::time::Duration;

use anyhow::Result;
use ave_store::audit::SigningKey;

use super::{Config, ConfigFile, Env, Setting, Source, keys, layered};

/// The file in the data directory that holds the signing key when the configuration gives
/// none.
pub const KEY_FILE: &str = "audit.key";

/// How often the server signs when nothing else is said: ten minutes, so that at most ten
/// minutes of the log can be rewritten before a witness can hold it against a checkpoint.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(600);

/// The bounds of the interval: at least a second, at most a day.
const BOUNDS: (u64, u64) = (1, 24 * 3600);

/// The signing key from `AVE_AUDIT_KEY` or the file (no flag: a secret on the command line is
/// visible to every user of the machine).
pub(super) fn key(file: Option<&ConfigFile>, env: &Env<'_>) -> Result<Option<Setting<SigningKey>>> {
    layered(
        None,
        env,
        "AVE_AUDIT_KEY",
        file,
        |v| v.audit_key.as_ref(),
        "audit_key",
        |text| {
            keys::AUDIT
                .parse(text)
                .ok_or_else(|| "de sleutel moet 64 hexadecimale tekens zijn (32 bytes)".to_owned())
        },
    )
}

/// The interval from `AVE_AUDIT_CHECKPOINT_EVERY` or the file, else [`DEFAULT_EVERY`].
pub(super) fn every(file: Option<&ConfigFile>, env: &Env<'_>) -> Result<Setting<Duration>> {
    Ok(layered(
        None,
        env,
        "AVE_AUDIT_CHECKPOINT_EVERY",
        file,
        |v| v.audit_checkpoint_every.as_ref(),
        "audit_checkpoint_every",
        parse_interval,
    )?
    .unwrap_or(Setting {
        value: DEFAULT_EVERY,
        source: Source::Default,
    }))
}

/// `30s`, `10m` or `1h`: a whole number and its unit, from a second to a day.
fn parse_interval(text: &str) -> Result<Duration, String> {
    let wrong = || {
        format!(
            "'{text}' is geen tijdsduur; schrijf een getal met s, m of h, bijvoorbeeld 10m (van 1s tot 24h)"
        )
    };
    let text = text.trim();
    let split = text.len().saturating_sub(1);
    let (number, unit) = text.split_at_checked(split).ok_or_else(wrong)?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return Err(wrong()),
    };
    let seconds = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|s| (BOUNDS.0..=BOUNDS.1).contains(s))
        .ok_or_else(wrong)?;
    Ok(Duration::from_secs(seconds))
}

/// An interval as [`parse_interval`] reads it, in the largest whole unit.
fn show_interval(every: Duration) -> String {
    let s = every.as_secs();
    if s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// The lines of `ave config show` for the checkpoints; the key itself is never shown.
pub(super) fn to_toml(config: &Config) -> String {
    let mut out = match &config.audit_key {
        Some(s) => format!("audit_key = \"***\"  # {}\n", s.source),
        None => format!(
            "# audit_key: niet gezet; ave serve gebruikt {} (aangemaakt als het ontbreekt)\n",
            config.data_dir.value.join(KEY_FILE).display()
        ),
    };
    out.push_str(&format!(
        "audit_checkpoint_every = \"{}\"  # {}\n",
        show_interval(config.audit_checkpoint_every.value),
        config.audit_checkpoint_every.source
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_and_show_in_whole_units() {
        assert_eq!(parse_interval("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_interval(" 10m "), Ok(Duration::from_secs(600)));
        assert_eq!(parse_interval("24h"), Ok(Duration::from_secs(86_400)));
        for bad in [
            "",
            "m",
            "10",
            "0s",
            "25h",
            "-1m",
            "1.5h",
            "10 m",
            "tien minuten",
            "é",
        ] {
            let e = parse_interval(bad).expect_err(bad);
            assert!(e.contains("geen tijdsduur"), "{e}");
        }
        for s in ["45s", "90s", "10m", "2h"] {
            assert_eq!(show_interval(parse_interval(s).expect(s)), s);
        }
        assert_eq!(show_interval(Duration::from_secs(120)), "2m");
    }
}
