-- The processing log (Logboek Dataverwerkingen): for every operation that processes personal
-- data, one record — trace, span and parent span (W3C Trace Context), the operation's name,
-- start and end, status, the processing activity in our register, and the data subject's id
-- encrypted (AES-256-GCM, its nonce in front) with its type. No user identity and no client
-- address: those belong to the security audit log. Forward-only: add a migration, never edit
-- this one.

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

CREATE INDEX processing_log_trace ON processing_log (trace_id);
