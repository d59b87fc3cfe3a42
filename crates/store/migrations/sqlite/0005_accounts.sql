-- Local accounts (issue 11): a login name, an argon2id password hash and a TOTP secret per
-- person — a second factor is required for every local account (BIO). Brute force is met in
-- the database, so it holds across servers: consecutive failures are counted and the account
-- is locked until `locked_until`; `totp_last_step` is the last 30-second step whose code was
-- accepted, so a code is never accepted twice. Login names are stored lowercased.
-- Forward-only: add a migration, never edit this one.

CREATE TABLE accounts (
    person          TEXT PRIMARY KEY REFERENCES persons (id),
    login           TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT NOT NULL,
    totp_last_step  INTEGER,
    failed_count    INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL
);

-- A login whose credentials were right but whose person still has to choose the
-- organisation to act for (the web form's second step). Found by the SHA-256 hash of a
-- random token in a short-lived cookie; taken (deleted) when used.
CREATE TABLE login_choices (
    token_hash  TEXT PRIMARY KEY,
    person      TEXT NOT NULL REFERENCES persons (id),
    expires_at  TEXT NOT NULL
);
