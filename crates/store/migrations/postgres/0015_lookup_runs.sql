-- The lookups by case and by trace keyed by their bulk run first (src/log_index.rs): each
-- run of `index_logs` adds its rows under a run number of its own (the position it starts
-- after), so they go to the end of the index as one sorted stretch instead of onto nearly
-- every page of it. A lookup reads the run numbers from `log_index_runs` and looks in each.
-- The lookup tables hold derived data only; they start empty and the next run fills them.

DROP TABLE audit_log_objects;
DROP TABLE processing_log_traces;

CREATE TABLE audit_log_objects (
    run     BIGINT NOT NULL,
    object  TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    PRIMARY KEY (run, object, seq)
);

CREATE TABLE processing_log_traces (
    run       BIGINT NOT NULL,
    trace_id  TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    PRIMARY KEY (run, trace_id, seq)
);

CREATE TABLE log_index_runs (
    name  TEXT NOT NULL,
    run   BIGINT NOT NULL,
    PRIMARY KEY (name, run)
);

UPDATE log_index_marks SET upto = 0;
