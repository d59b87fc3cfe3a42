//! Logins through an OpenID Connect provider that are under way: what the server must
//! remember between sending a browser to the provider and the provider sending it back. Kept
//! in the database (not in one server's memory) so that any server behind it can finish the
//! login; each is taken once ([`Store::take_oidc_login`] deletes as it reads).

use chrono::{DateTime, Utc};

use crate::db::{Db, parse_time, time};
use crate::{Result, Store};

/// A login that went to a provider and has not come back yet.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingLogin {
    /// The provider's name in the configuration.
    pub provider: String,
    /// SHA-256 (hex) of the value of the cookie that binds the login to the browser.
    pub browser_hash: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// When the login may no longer be finished.
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for PendingLogin {
    // The nonce and verifier are secrets of the login: never in a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingLogin")
            .field("provider", &self.provider)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Remembers a login under the hash of its `state`, and forgets logins that expired
    /// before `now` (so abandoned logins do not pile up).
    pub async fn put_oidc_login(
        &self,
        state_hash: &str,
        login: &PendingLogin,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on!(&self.db, |p| {
            sqlx::query("DELETE FROM oidc_logins WHERE expires_at < $1")
                .bind(time(&now))
                .execute(p)
                .await?;
            sqlx::query(
                "INSERT INTO oidc_logins (state_hash, provider, browser_hash, nonce, pkce_verifier, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(state_hash)
            .bind(&login.provider)
            .bind(&login.browser_hash)
            .bind(&login.nonce)
            .bind(&login.pkce_verifier)
            .bind(time(&login.expires_at))
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Takes the login stored under `state_hash`: returns it if it has not expired at
    /// `now`, and deletes it either way, so a state works once.
    pub async fn take_oidc_login(
        &self,
        state_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PendingLogin>> {
        let row: Option<(String, String, String, String, String)> = on!(&self.db, |p| {
            sqlx::query_as(
                "DELETE FROM oidc_logins WHERE state_hash = $1 RETURNING provider, browser_hash, nonce, pkce_verifier, expires_at",
            )
            .bind(state_hash)
            .fetch_optional(p)
            .await?
        });
        let Some((provider, browser_hash, nonce, pkce_verifier, expires)) = row else {
            return Ok(None);
        };
        let login = PendingLogin {
            provider,
            browser_hash,
            nonce,
            pkce_verifier,
            expires_at: parse_time(&expires)?,
        };
        Ok(Some(login).filter(|l| l.expires_at > now))
    }
}
