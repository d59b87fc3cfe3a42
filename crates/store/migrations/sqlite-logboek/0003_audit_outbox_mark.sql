-- How far the log writer has moved the case store's `audit_outbox` into the audit log:
-- updated in the same transaction as the entries it moved, so an entry is moved once, also
-- when the server stops between moving and deleting (src/log_write.rs).

CREATE TABLE audit_outbox_mark (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    upto  INTEGER NOT NULL
);
INSERT INTO audit_outbox_mark (id, upto) VALUES (1, 0);
