-- The two logs in a file of their own, `<database>.logboek.sqlite` next to the case store,
-- which every connection of the case store attaches as `logboek` (src/logbook.rs). Every
-- read of a case writes an audit entry and a processing record; in the case store's file
-- each commit of those made every other connection drop its page cache.
--
-- The log tables are those of the case store's migrations 0002 (audit log) and 0007
-- (processing log), unchanged; a database that had them there has its rows moved here at
-- start, positions and hashes as they were. They have no index but their position: a
-- lookup by case or by trace goes through `audit_log_objects` and `processing_log_traces`,
-- filled in bulk behind the logs (src/log_index.rs) — an index kept row by row on a random
-- key wrote a page to the write-ahead log for nearly every row. Forward-only: add a
-- migration, never edit this one.

CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    origin        TEXT NOT NULL,
    action        TEXT NOT NULL,
    object        TEXT NOT NULL,
    result        TEXT NOT NULL,
    prev_hash     BLOB NOT NULL,
    hash          BLOB NOT NULL
);

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, X'0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoints (
    seq        INTEGER PRIMARY KEY,
    hash       BLOB NOT NULL,
    at         TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    signature  BLOB NOT NULL
);

CREATE TABLE processing_log (
    seq                     INTEGER PRIMARY KEY,
    trace_id                TEXT NOT NULL,
    span_id                 TEXT NOT NULL,
    parent_span_id          TEXT,
    name                    TEXT NOT NULL,
    start_time              TEXT NOT NULL,
    end_time                TEXT NOT NULL,
    status                  TEXT NOT NULL,
    resource_name           TEXT NOT NULL,
    resource_version        TEXT NOT NULL,
    processing_activity_id  TEXT NOT NULL,
    data_subject_id         BLOB NOT NULL,
    data_subject_id_type    TEXT NOT NULL
);

-- The lookups, and up to which position each is filled.
CREATE TABLE audit_log_objects (
    object  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (object, seq)
) WITHOUT ROWID;

CREATE TABLE processing_log_traces (
    trace_id  TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (trace_id, seq)
) WITHOUT ROWID;

CREATE TABLE log_index_marks (
    name  TEXT PRIMARY KEY,
    upto  INTEGER NOT NULL
);
INSERT INTO log_index_marks (name, upto) VALUES ('audit_log', 0), ('processing_log', 0);

-- Which case store this logbook belongs to: the same random token is kept in the case
-- store (its migration 0013), and a store that finds its logbook missing or another one in
-- its place refuses to start rather than begin a new, empty audit log.
CREATE TABLE logbook_link (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    token  TEXT NOT NULL
);
