-- The lookups by case and by trace keyed by their bulk run first (src/log_index.rs). Each
-- run of `index_logs` adds its rows under a run number of its own, the position it starts
-- after, so the rows of a run go to the end of the table as one sorted stretch of pages,
-- however large the table has grown. Keyed by case or trace alone, a run's rows fell on
-- nearly every page of the table, and each run wrote the whole table again: a cost that
-- grew with the log. A lookup reads the run numbers from `log_index_runs` and looks in
-- each run.
--
-- The lookup tables hold derived data only (the logs and their chain are what `ave audit
-- verify` checks), so they start empty here and the next run fills them from the start.

DROP TABLE audit_log_objects;
DROP TABLE processing_log_traces;

CREATE TABLE audit_log_objects (
    run     INTEGER NOT NULL,
    object  TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (run, object, seq)
) WITHOUT ROWID;

CREATE TABLE processing_log_traces (
    run       INTEGER NOT NULL,
    trace_id  TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    PRIMARY KEY (run, trace_id, seq)
) WITHOUT ROWID;

CREATE TABLE log_index_runs (
    name  TEXT NOT NULL,
    run   INTEGER NOT NULL,
    PRIMARY KEY (name, run)
) WITHOUT ROWID;

UPDATE log_index_marks SET upto = 0;
