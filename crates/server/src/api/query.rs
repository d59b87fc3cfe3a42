//! Query parameters checked the same way everywhere: every mistake collected as an
//! [`InvalidParam`] (the answer is one 400 that names them all), with a stable code and a
//! Dutch reason.

use std::collections::HashMap;

use crate::problem::{InvalidParam, Problem};

/// One invalid parameter.
pub(crate) fn invalid(name: &str, code: &str, reason: impl Into<String>) -> InvalidParam {
    InvalidParam {
        name: name.to_owned(),
        code: code.to_owned(),
        reason: reason.into(),
    }
}

/// Every parameter of `q` that is not in `known`, as `unknown`, in the order of their names
/// (so the answer is the same each time).
pub(crate) fn unknown(q: &HashMap<String, String>, known: &[&str], bad: &mut Vec<InvalidParam>) {
    let mut keys: Vec<&String> = q.keys().filter(|k| !known.contains(&k.as_str())).collect();
    keys.sort();
    for key in keys {
        bad.push(invalid(
            key,
            "unknown",
            format!(
                "deze parameter kent de API hier niet; wel: {}",
                known.join(", ")
            ),
        ));
    }
}

/// One 400 naming every parameter of `q` that is not in `known`; `Ok` when there is none.
pub(crate) fn no_unknown(q: &HashMap<String, String>, known: &[&str]) -> Result<(), Problem> {
    let mut bad = Vec::new();
    unknown(q, known, &mut bad);
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Problem::invalid(bad))
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
        Some(v) => {
            // Digits only, as written (no sign, no leading zero): `u64`'s parser takes `+5`.
            let plain = !v.is_empty()
                && v.bytes().all(|b| b.is_ascii_digit())
                && !(v.len() > 1 && v.starts_with('0'));
            match v.parse::<u64>() {
                Ok(n) if plain && (1..=max).contains(&n) => n,
                _ => {
                    bad.push(invalid(
                        key,
                        if plain { "out-of-range" } else { "invalid" },
                        format!("een geheel getal van 1 tot en met {max}"),
                    ));
                    default
                }
            }
        }
    }
}
