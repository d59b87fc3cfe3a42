-- The audit entry of a change to a case, written in the same transaction as the change's
-- events, so that no change is committed without its entry (src/log_write.rs). The log
-- writer moves the entries into the audit log in the logbook and records how far it got in
-- the logbook's `audit_outbox_mark`, in the same transaction; rows before the mark are
-- deleted now and then, never the newest row: SQLite gives a new row the highest id + 1,
-- so with the newest row kept a new entry always lies past the mark (without the cost of
-- AUTOINCREMENT's bookkeeping on every insert).

CREATE TABLE audit_outbox (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    origin  TEXT NOT NULL,
    action  TEXT NOT NULL,
    object  TEXT NOT NULL,
    result  TEXT NOT NULL
);
