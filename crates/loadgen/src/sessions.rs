//! Session cookies for a run of the page scenarios. The web pages accept only the session
//! cookie (`__Host-ave-sessie`), never an API token, so — as [`crate::tokens`] does for the
//! API — the demo region's people are put in the benchmark database's directory (again is
//! fine) and each gets a session written straight into its `sessions` table, stored the way
//! the server's `start_session` stores one after a login: under the SHA-256 hash of the
//! cookie value ([`token_hash`]), with a JSON snapshot of the actor and a CSRF token.
//!
//! The snapshot has the shape of the server's `Actor` (`ave_server::auth::Actor`): the
//! person, their work name, the organisation chosen at login, the functions held for it, the
//! admin and privacy flags, and how they logged in. A person with one organisation acts for
//! it, as the login does; a person with several (who would choose one at the login) acts
//! with all their functions, as their API token does in the API scenarios, so the page
//! scenarios see the same cases as `read` and `list`. The smoke test checks that the server
//! reads these snapshots back.

use std::collections::HashMap;

use ave_store::Store;
use ave_store::identity::{Person, Session, token_hash};
use serde_json::json;

use crate::LoadError;

/// The name of the session cookie (the server's `SESSION_COOKIE`).
pub const SESSION_COOKIE: &str = "__Host-ave-sessie";

/// How the sessions of a run say they were started (the server records the login method).
pub const METHOD: &str = "ave-load";

/// Session cookie values by person.
pub type Sessions = HashMap<String, String>;

fn failed(e: impl std::fmt::Display) -> LoadError {
    LoadError::Setup {
        scenario: "sessies",
        reason: e.to_string(),
    }
}

/// The organisation a login would act for: the person's only one, else none (all functions).
pub fn organisation(person: &Person) -> Option<String> {
    let mut ids: Vec<&str> = person
        .memberships
        .iter()
        .map(|m| m.organisation.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    match ids.as_slice() {
        [only] => Some((*only).to_owned()),
        _ => None,
    }
}

/// The actor snapshot a session holds for `person` acting for `organisation` (the shape of
/// the server's `Actor`, as its login serialises it).
pub fn snapshot(person: &Person, organisation: Option<&str>) -> String {
    let memberships: Vec<_> = person
        .memberships
        .iter()
        .filter(|m| organisation.is_none_or(|o| m.organisation == o))
        .collect();
    json!({
        "person": person.id,
        "name": person.name,
        "organisation": organisation,
        "memberships": memberships,
        "admin": person.admin,
        "privacy": person.privacy,
        "via": { "Session": { "csrf": "", "key": "" } },
    })
    .to_string()
}

fn secret() -> String {
    format!(
        "{:016x}{:016x}{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..),
        fastrand::u64(..),
        fastrand::u64(..)
    )
}

/// Starts a session, valid for a day, for every active person of the demo region in the
/// database at `url`; returns the cookie values by person.
pub async fn issue(url: &str) -> Result<Sessions, LoadError> {
    let store = Store::open(url).await.map_err(failed)?;
    let region = ave_demo::region().map_err(failed)?;
    ave_demo::directory(&store, &region).await.map_err(failed)?;
    let now = crate::wall_clock();
    let mut sessions = Sessions::new();
    for person in store.persons().await.map_err(failed)? {
        if !person.active {
            continue;
        }
        let cookie = secret();
        let session = Session {
            person: person.id.clone(),
            actor: snapshot(&person, organisation(&person).as_deref()),
            method: METHOD.to_owned(),
            csrf: secret(),
            created_at: now,
            expires_at: now + chrono::Duration::days(1),
        };
        store
            .create_session(&token_hash(&cookie), &session)
            .await
            .map_err(failed)?;
        sessions.insert(person.id, cookie);
    }
    store.close().await;
    Ok(sessions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ave_store::identity::Membership;

    fn person(orgs: &[&str]) -> Person {
        Person {
            id: "p-1".to_owned(),
            name: "Werknaam".to_owned(),
            admin: false,
            privacy: false,
            active: true,
            memberships: orgs
                .iter()
                .map(|o| Membership {
                    organisation: (*o).to_owned(),
                    gemeente: None,
                    function: format!("functie-{o}"),
                })
                .collect(),
        }
    }

    #[test]
    fn one_organisation_is_chosen_several_are_not() {
        assert_eq!(organisation(&person(&["a", "a"])), Some("a".to_owned()));
        assert_eq!(organisation(&person(&["a", "b"])), None);
        assert_eq!(organisation(&person(&[])), None);
    }

    #[test]
    fn the_snapshot_keeps_the_functions_for_the_organisation() {
        let p = person(&["a", "b"]);
        let v: serde_json::Value = serde_json::from_str(&snapshot(&p, Some("b"))).expect("json");
        assert_eq!(v["organisation"], "b");
        assert_eq!(v["memberships"].as_array().map(Vec::len), Some(1));
        assert_eq!(v["memberships"][0]["function"], "functie-b");
        let all: serde_json::Value = serde_json::from_str(&snapshot(&p, None)).expect("json");
        assert!(all["organisation"].is_null());
        assert_eq!(all["memberships"].as_array().map(Vec::len), Some(2));
    }
}
