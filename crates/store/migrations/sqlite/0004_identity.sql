-- Who works here (issue 11): organisations, people and the functions they hold, sessions
-- after a login, and personal API tokens. Tokens are stored only as a SHA-256 hash; a session
-- keeps a snapshot of who logged in (person, organisation, functions), so that checking a
-- request is one lookup. Forward-only: add a migration, never edit this one.

CREATE TABLE organisations (
    id    TEXT PRIMARY KEY,
    name  TEXT NOT NULL
);

CREATE TABLE persons (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    is_admin    INTEGER NOT NULL DEFAULT 0,
    is_privacy  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1
);

-- A function a person holds for an organisation; gemeente '' when the organisation works
-- for the whole region (a Zorg- en Veiligheidshuis, the police).
CREATE TABLE memberships (
    person        TEXT NOT NULL REFERENCES persons (id),
    organisation  TEXT NOT NULL REFERENCES organisations (id),
    gemeente      TEXT NOT NULL,
    function      TEXT NOT NULL,
    PRIMARY KEY (person, organisation, gemeente, function)
);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    person        TEXT NOT NULL,
    actor         TEXT NOT NULL,
    method        TEXT NOT NULL,
    csrf          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX sessions_by_person ON sessions (person);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    person      TEXT NOT NULL REFERENCES persons (id),
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT
);
CREATE INDEX api_tokens_by_person ON api_tokens (person);
