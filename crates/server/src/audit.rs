//! What the server writes to the security audit log (BIO 8.15.01): every read and write of a
//! case, every refused access, every break-glass. Entries carry identifiers only — the
//! person's pseudonym, the organisation and functions they acted in, the case id — never a
//! name or content.
//!
//! The actor field is `person|organisation|function,function` so that a data subject's
//! access request can say which organisation, in which function, read or changed their data
//! ([`parse_actor`]).

use ave_engine::ids::CaseId;
use ave_store::audit::AuditEntry;

use crate::AppState;
use crate::access::Operation;
use crate::auth::Actor;

/// The audit log's actor field for `actor`.
pub fn actor_field(actor: &Actor) -> String {
    let functions: Vec<&str> = actor.functions().collect();
    format!(
        "{}|{}|{}",
        actor.person,
        actor.organisation.clone().unwrap_or_else(|| actor
            .memberships
            .first()
            .map(|m| m.organisation.clone())
            .unwrap_or_default()),
        functions.join(",")
    )
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

/// Writes one entry.
pub fn record(state: &AppState, actor: &Actor, action: &str, object: String, result: &str) {
    let entry = AuditEntry {
        at: crate::now(),
        actor: actor_field(actor),
        origin: actor.origin.clone(),
        action: action.to_owned(),
        object,
        result: result.to_owned(),
    };
    let store = state.store.clone();
    tokio::spawn(async move {
        if let Err(e) = store.audit_append(&[entry]).await {
            tracing::error!(error = %e, "auditlog: vastleggen mislukt");
        }
    });
}

/// A case was read.
pub fn read(state: &AppState, actor: &Actor, id: &CaseId) {
    record(state, actor, "lezen", case_object(id), "ok");
}

/// A case was changed (or opened).
pub fn wrote(state: &AppState, actor: &Actor, id: &CaseId) {
    record(state, actor, "schrijven", case_object(id), "ok");
}

/// Access to a case was refused.
pub fn refused(state: &AppState, actor: &Actor, op: Operation, id: &CaseId) {
    record(
        state,
        actor,
        "toegang-geweigerd",
        case_object(id),
        &format!("geweigerd: {}", op.name()),
    );
}

/// An operation not about one case was refused.
pub fn refused_general(state: &AppState, actor: &Actor, op: Operation) {
    record(
        state,
        actor,
        "toegang-geweigerd",
        "dienst".to_owned(),
        &format!("geweigerd: {}", op.name()),
    );
}
