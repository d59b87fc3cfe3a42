-- The audit entry of a change to a case, written in the same transaction as the change's
-- events, so that no change is committed without its entry (src/log_write.rs). The log
-- writer moves the entries into the audit log in the logbook and records how far it got in
-- the logbook's `audit_outbox_mark`, in the same transaction; rows up to the mark are
-- deleted now and then. AUTOINCREMENT: an id is never given out twice, also not after the
-- table was emptied, so a new entry always lies past the mark.

CREATE TABLE audit_outbox (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    origin  TEXT NOT NULL,
    action  TEXT NOT NULL,
    object  TEXT NOT NULL,
    result  TEXT NOT NULL
);
