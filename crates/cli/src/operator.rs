//! What an operator's change from the command line writes to the security audit log: its
//! entry (actor and origin `cli`) goes into the change's own transaction, through the
//! outbox of changes, and is moved into the log before the command ends — or, should that
//! fail, by the server's log writer when it next runs. A change is never committed without
//! its entry.

use ave_store::Store;
use ave_store::audit::AuditEntry;

use crate::clock::now;

/// The entry of the operator's change `action` on `object` (`account/<person>`,
/// `persoon/<id>`, …).
pub fn entry(action: &str, object: String) -> AuditEntry {
    AuditEntry {
        at: now(),
        actor: "cli".to_owned(),
        origin: "cli".to_owned(),
        action: action.to_owned().into(),
        object,
        result: "ok".into(),
    }
}

/// Moves the entries of committed changes from the outbox into the audit log. A failure is
/// reported, not fatal: the change and its entry are committed, and the server moves it.
pub async fn settle(store: &Store) {
    if let Err(e) = store.audit_append(&[]).await {
        eprintln!(
            "let op: de wijziging is vastgelegd, maar de regel voor het beveiligingslogboek wacht nog in de database ({e}); de server zet hem erin zodra hij draait"
        );
    }
}
