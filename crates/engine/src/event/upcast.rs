//! The read path of stored events: any schema version this program ever wrote is read and
//! upcast, step by step, to the current one. Upcasting works on the JSON, so an old shape
//! never needs a Rust type of its own; each step is a small, tested function.
//!
//! | version | what changed |
//! |---|---|
//! | 1 | first stored format |
//! | 2 | `handover_created.transition` became `cause`; `transition_decided.authority` became `mandate`; `role_ended.reason` became `cause` |

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value, json};

use super::{Event, Recorded, SCHEMA_VERSION};
use crate::ids::PersonId;

/// Why a stored event could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The text is not JSON.
    #[error("geen geldige JSON: {0}")]
    NotJson(String),
    /// The envelope has no (numeric) `schema`.
    #[error("de gebeurtenis heeft geen schemaversie")]
    NoSchema,
    /// The event was written by a newer program.
    #[error("schemaversie {schema} is nieuwer dan deze versie van AVE-regie kent ({known})")]
    Newer {
        /// Its version.
        schema: u64,
        /// The newest version known here.
        known: u16,
    },
    /// The event does not have the shape of its version.
    #[error("gebeurtenis met schemaversie {schema} heeft niet de vorm van die versie: {detail}")]
    Shape {
        /// Its version.
        schema: u64,
        /// What is wrong.
        detail: String,
    },
}

/// Reads one stored event from JSON text, upcasting older versions.
pub fn read(json: &str) -> Result<Recorded, ReadError> {
    let value: Value = serde_json::from_str(json).map_err(|e| ReadError::NotJson(e.to_string()))?;
    read_value(value)
}

/// Reads one stored event from a JSON value, upcasting older versions.
pub fn read_value(mut value: Value) -> Result<Recorded, ReadError> {
    let schema = value
        .get("schema")
        .and_then(Value::as_u64)
        .ok_or(ReadError::NoSchema)?;
    if schema == 0 || schema > u64::from(SCHEMA_VERSION) {
        return Err(ReadError::Newer {
            schema,
            known: SCHEMA_VERSION,
        });
    }
    let shape = |detail: String| ReadError::Shape { schema, detail };
    if schema < 2 {
        v1_to_v2(&mut value).map_err(shape)?;
    }
    let current: Current = serde_json::from_value(value).map_err(|e| shape(e.to_string()))?;
    Ok(Recorded {
        seq: current.seq,
        at: current.at,
        by: current.by,
        event: current.event,
    })
}

/// The current envelope as it deserialises (the public [`Recorded`] goes through
/// [`read_value`] instead).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Current {
    #[expect(dead_code, reason = "checked before; present in the stored envelope")]
    schema: u16,
    seq: u64,
    at: chrono::DateTime<chrono::Utc>,
    by: PersonId,
    event: Event,
}

impl<'de> Deserialize<'de> for Recorded {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        read_value(value).map_err(serde::de::Error::custom)
    }
}

/// The name of the one handover that version 1 marked with a made-up transition id.
const V1_CASUSREGIE_CHANGE: &str = "casusregie-wissel";

/// Version 1 → 2: handover causes, decision mandates and role-end causes became structured.
fn v1_to_v2(value: &mut Value) -> Result<(), String> {
    let envelope = value.as_object_mut().ok_or("geen object")?;
    envelope.insert("schema".into(), json!(2));
    let event = envelope
        .get_mut("event")
        .and_then(Value::as_object_mut)
        .ok_or("`event` ontbreekt of is geen object")?;
    let kind = event
        .get("type")
        .and_then(Value::as_str)
        .ok_or("`event.type` ontbreekt")?
        .to_owned();
    match kind.as_str() {
        "handover_created" => {
            let transition = take_string(event, "transition")?;
            let cause = if transition == V1_CASUSREGIE_CHANGE {
                json!({ "kind": "casusregie-change" })
            } else {
                json!({ "kind": "transition", "transition": transition })
            };
            event.insert("cause".into(), cause);
        }
        "transition_decided" => {
            let authority = take_string(event, "authority")?;
            event.insert("mandate".into(), json!(authority));
        }
        "role_ended" => {
            let reason = take_string(event, "reason")?;
            event.insert(
                "cause".into(),
                json!({ "kind": "person", "reason": reason }),
            );
        }
        _ => {}
    }
    Ok(())
}

fn take_string(event: &mut Map<String, Value>, key: &str) -> Result<String, String> {
    match event.remove(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("`{key}` is geen tekst")),
        None => Err(format!("`{key}` ontbreekt")),
    }
}
