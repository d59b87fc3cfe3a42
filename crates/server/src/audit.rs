//! What the server writes to the security audit log (BIO 8.15.01): every read and write of a
//! case, every refused access, every break-glass. Entries carry identifiers only — the
//! person's pseudonym, the organisation and functions they acted in, the case id — never a
//! name or content.
//!
//! The actor field is `person|organisation|function,function` so that a data subject's
//! access request can say which organisation, in which function, read or changed their data
//! ([`parse_actor`]).

use std::borrow::Cow;

use ave_engine::ids::CaseId;
use ave_store::audit::AuditEntry;

use crate::AppState;
use crate::access::Operation;
use crate::auth::Actor;
use crate::problem::Problem;
use crate::processing::{Activity, SubjectType};

/// The audit log's actor field for `actor` (see [`crate::auth::Identity::audit_field`]).
pub fn actor_field(actor: &Actor) -> String {
    actor.audit_field().to_owned()
}

/// The parts of an actor field: person, organisation, functions.
pub fn parse_actor(field: &str) -> (String, String, Vec<String>) {
    let mut parts = field.splitn(3, '|');
    let person = parts.next().unwrap_or_default().to_owned();
    let organisation = parts.next().unwrap_or_default().to_owned();
    let functions = parts
        .next()
        .unwrap_or_default()
        .split(',')
        .filter(|f| !f.is_empty())
        .map(str::to_owned)
        .collect();
    (person, organisation, functions)
}

/// The object of a case.
pub fn case_object(id: &CaseId) -> String {
    format!("casus/{id}")
}

/// One entry: `actor` did `action` on `object`, now, with `result`.
pub fn entry(
    actor: &Actor,
    action: &'static str,
    object: String,
    result: impl Into<Cow<'static, str>>,
) -> AuditEntry {
    AuditEntry {
        at: crate::now(),
        actor: actor_field(actor),
        origin: actor.origin.clone(),
        action: action.into(),
        object,
        result: result.into(),
    }
}

/// Hands one entry to the log writer (batched, committed within milliseconds). Fails —
/// and the request must not serve personal data — when the writer cannot keep up.
pub fn record(
    state: &AppState,
    actor: &Actor,
    action: &'static str,
    object: String,
    result: impl Into<Cow<'static, str>>,
) -> Result<(), Problem> {
    state
        .logs
        .audit(entry(actor, action, object, result))
        .map_err(Problem::from)
}

/// The audit entry of a change to case `id`, to go into the change's own transaction
/// ([`ave_store::Append::audit`]): `schrijven`, or `openen` for a new case.
pub fn of_change(actor: &Actor, id: &CaseId, opening: bool) -> AuditEntry {
    let action = if opening { "openen" } else { "schrijven" };
    entry(actor, action, case_object(id), "ok")
}

/// A case is read: the security audit log, and the processing log under "casus inzien".
/// Call before the personal data is in the response.
pub fn read(state: &AppState, actor: &Actor, id: &CaseId) -> Result<(), Problem> {
    processed(actor, Activity::CasusInzien, id);
    record(state, actor, "lezen", case_object(id), "ok")
}

/// A case was changed: its audit entry ([`of_change`]) was committed with the change; the
/// log writer is told to move it into the audit log now. The processing log records it
/// under "casus wijzigen".
pub fn wrote(state: &AppState, actor: &Actor, id: &CaseId) {
    processed(actor, Activity::CasusWijzigen, id);
    state.logs.nudge();
}

/// A case was opened: as [`wrote`], under "casus openen".
pub fn opened(state: &AppState, actor: &Actor, id: &CaseId) {
    processed(actor, Activity::CasusOpenen, id);
    state.logs.nudge();
}

fn processed(actor: &Actor, activity: Activity, id: &CaseId) {
    if let Some(p) = &actor.processing {
        p.record(activity, SubjectType::Casus, id.as_str());
    }
}

/// Access to a case was refused. (The refusal is answered even when it cannot be logged;
/// the writer's trouble shows in `/health/ready`.)
pub fn refused(state: &AppState, actor: &Actor, op: Operation, id: &CaseId) {
    let logged = record(
        state,
        actor,
        "toegang-geweigerd",
        case_object(id),
        format!("geweigerd: {}", op.name()),
    );
    if logged.is_err() {
        tracing::error!("auditlog: een geweigerde toegang is niet vastgelegd");
    }
}

/// An operation not about one case was refused.
pub fn refused_general(state: &AppState, actor: &Actor, op: Operation) {
    let logged = record(
        state,
        actor,
        "toegang-geweigerd",
        "dienst".to_owned(),
        format!("geweigerd: {}", op.name()),
    );
    if logged.is_err() {
        tracing::error!("auditlog: een geweigerde toegang is niet vastgelegd");
    }
}
