//! Credentials for a run: the demo region's people are put in the benchmark database's
//! directory (again is fine) and each gets a personal API token that expires after a day,
//! so that every request of a run is authenticated as the person who makes it.

use std::collections::HashMap;

use ave_store::Store;
use ave_store::identity::{ApiToken, token_hash};

use crate::LoadError;

/// Tokens by person.
pub type Tokens = HashMap<String, String>;

fn failed(e: impl std::fmt::Display) -> LoadError {
    LoadError::Setup {
        scenario: "aanmelden",
        reason: e.to_string(),
    }
}

/// Makes a token for every person of the demo region in the database at `url`.
pub async fn issue(url: &str) -> Result<Tokens, LoadError> {
    let store = Store::open(url).await.map_err(failed)?;
    let region = ave_demo::region().map_err(failed)?;
    ave_demo::directory(&store, &region).await.map_err(failed)?;
    let now = crate::wall_clock();
    let mut tokens = Tokens::new();
    for person in store.persons().await.map_err(failed)? {
        let token = format!(
            "avet_{:016x}{:016x}{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..),
            fastrand::u64(..),
            fastrand::u64(..)
        );
        store
            .create_api_token(
                &token_hash(&token),
                &ApiToken {
                    person: person.id.clone(),
                    name: "ave-load".to_owned(),
                    created_at: now,
                    expires_at: Some(now + chrono::Duration::days(1)),
                },
                None,
            )
            .await
            .map_err(failed)?;
        tokens.insert(person.id, token);
    }
    store.close().await;
    Ok(tokens)
}
