-- SQLite keeps the two logs in a file of their own from here on (a commit of a log row no
-- longer empties the page cache of every reader of the cases), tied to its database by a
-- token in this table. PostgreSQL keeps them in the same database — its readers share no
-- such cache — so the table stays empty here; it exists so both schemas stay alike.
CREATE TABLE logbook_link (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    token  TEXT NOT NULL
);

-- A lookup in the logs by case or by trace goes through two tables filled in bulk behind
-- the logs (src/log_index.rs) instead of an index kept row by row on a random key, which
-- cost a page write for nearly every row (measured on SQLite; the same here, so that both
-- backends run the same statements).
DROP INDEX audit_log_by_object;
DROP INDEX processing_log_trace;

CREATE TABLE audit_log_objects (
    object  TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    PRIMARY KEY (object, seq)
);

CREATE TABLE processing_log_traces (
    trace_id  TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (trace_id, seq)
);

CREATE TABLE log_index_marks (
    name  TEXT PRIMARY KEY,
    upto  BIGINT NOT NULL
);
INSERT INTO log_index_marks (name, upto) VALUES ('audit_log', 0), ('processing_log', 0);
