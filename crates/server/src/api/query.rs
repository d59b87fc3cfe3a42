//! Query parameters checked the same way everywhere: every mistake collected as an
//! [`InvalidParam`] (the answer is one 400 that names them all), with a stable code and a
//! Dutch reason.

use std::collections::HashMap;

use crate::problem::InvalidParam;

/// One invalid parameter.
pub(crate) fn invalid(name: &str, code: &str, reason: impl Into<String>) -> InvalidParam {
    InvalidParam {
        name: name.to_owned(),
        code: code.to_owned(),
        reason: reason.into(),
    }
}

/// Every parameter of `q` that is not in `known`, as `unknown`.
pub(crate) fn unknown(q: &HashMap<String, String>, known: &[&str], bad: &mut Vec<InvalidParam>) {
    for key in q.keys().filter(|k| !known.contains(&k.as_str())) {
        bad.push(invalid(key, "unknown", "deze parameter kent de API niet"));
    }
}

/// The whole number `key` from 1 to `max`; `default` when absent (or wrong, which is then in
/// `bad`).
pub(crate) fn number(
    q: &HashMap<String, String>,
    key: &str,
    default: u64,
    max: u64,
    bad: &mut Vec<InvalidParam>,
) -> u64 {
    match q.get(key) {
        None => default,
        Some(v) => match v.parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                bad.push(invalid(
                    key,
                    "out-of-range",
                    format!("een geheel getal van 1 tot en met {max}"),
                ));
                default
            }
        },
    }
}
