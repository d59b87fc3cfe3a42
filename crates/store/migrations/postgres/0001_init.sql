-- The first schema of the case store (PostgreSQL). Migrations are forward-only: never edit a
-- migration once it has landed; add a new one.

CREATE TABLE models (
    id          TEXT NOT NULL,
    version     TEXT NOT NULL,
    text        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    stored_at   TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

-- The read model of a case: what lists, filters and the attention list need, updated in the
-- same transaction as the case's events.
CREATE TABLE cases (
    id               TEXT PRIMARY KEY,
    gemeente         TEXT,
    model_id         TEXT NOT NULL,
    model_version    TEXT NOT NULL,
    phase            TEXT NOT NULL,
    version          BIGINT NOT NULL,
    opened_at        TEXT NOT NULL,
    last_at          TEXT NOT NULL,
    closed           BOOLEAN NOT NULL,
    next_evaluation  TEXT,
    stagnation_due   TEXT,
    decision_due     TEXT,
    review_due       TEXT,
    flags            TEXT NOT NULL,
    erased_at        TEXT,
    FOREIGN KEY (model_id, model_version) REFERENCES models (id, version)
);
CREATE INDEX cases_by_place ON cases (gemeente, phase, last_at);
CREATE INDEX cases_by_last ON cases (last_at);

CREATE TABLE case_roles (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    role     TEXT NOT NULL,
    person   TEXT NOT NULL,
    PRIMARY KEY (case_id, role, person)
);
CREATE INDEX case_roles_by_person ON case_roles (person, case_id);

-- Every event of every case, hash-chained per case and globally. `content` is the event's
-- JSON and may be erased when its retention ends; `content_hash` stays, so the chains keep
-- verifying and the timeline keeps its outline (type, time, author).
CREATE TABLE events (
    case_id       TEXT NOT NULL REFERENCES cases (id),
    seq           BIGINT NOT NULL,
    global_seq    BIGINT NOT NULL UNIQUE,
    schema        BIGINT NOT NULL,
    type          TEXT NOT NULL,
    at            TEXT NOT NULL,
    by_person     TEXT NOT NULL,
    content       TEXT,
    content_hash  BYTEA NOT NULL,
    prev_hash     BYTEA NOT NULL,
    hash          BYTEA NOT NULL,
    global_prev   BYTEA NOT NULL,
    global_hash   BYTEA NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- The head of the global chain: one row, taken by each writing transaction.
CREATE TABLE chain_head (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    global_seq   BIGINT NOT NULL,
    global_hash  BYTEA NOT NULL
);
INSERT INTO chain_head (id, global_seq, global_hash) VALUES (1, 0, decode('0000000000000000000000000000000000000000000000000000000000000000', 'hex'));
