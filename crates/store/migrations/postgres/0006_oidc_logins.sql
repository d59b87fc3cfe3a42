-- Logins through an OpenID Connect provider that have started but not yet come back
-- (issue 11). A row lives at most ten minutes and is used once: the callback deletes it as it
-- reads it, so every server behind this database can finish a login another one started.
-- The state is stored only as a SHA-256 hash, like the browser binding (the hash of a cookie
-- set when the login started); the nonce and PKCE verifier are useless without the
-- provider's one-time code. Forward-only: add a migration, never edit this one.

CREATE TABLE oidc_logins (
    state_hash     TEXT PRIMARY KEY,
    provider       TEXT NOT NULL,
    browser_hash   TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
CREATE INDEX oidc_logins_by_expiry ON oidc_logins (expires_at);
