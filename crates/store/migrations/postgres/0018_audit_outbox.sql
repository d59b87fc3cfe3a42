-- The audit entry of a change to a case, written in the same transaction as the change's
-- events, so that no change is committed without its entry (src/log_write.rs). The log
-- writer moves the entries into the audit log: deleted from here and appended there in one
-- transaction.

CREATE TABLE audit_outbox (
    id      BIGSERIAL PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    origin  TEXT NOT NULL,
    action  TEXT NOT NULL,
    object  TEXT NOT NULL,
    result  TEXT NOT NULL
);
