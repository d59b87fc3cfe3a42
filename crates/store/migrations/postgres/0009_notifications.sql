-- Informing people (issue 12): meldingen in a person's inbox, and the outbox of e-mails
-- that say only "there is a melding" with a link. A melding holds ids and keys only (the
-- trigger, the transition, the role) — never household data; its words are made at the
-- edge. Meldingen are written in the same transaction as the events of the command that
-- caused them. Forward-only: add a migration, never edit this one.

-- A person's e-mail address for those mails (optional; a work address).
ALTER TABLE persons ADD COLUMN email TEXT;

CREATE TABLE notifications (
    id          TEXT PRIMARY KEY,
    person      TEXT NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases (id),
    kind        TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_by_person ON notifications (person, created_at);
-- The unread count in every page's header: one index lookup.
CREATE INDEX notifications_unread ON notifications (person) WHERE read_at IS NULL;

-- One e-mail per melding for a person with an address, delivered by `ave serve`: retried
-- with backoff until sent.
CREATE TABLE notification_outbox (
    notification     TEXT PRIMARY KEY REFERENCES notifications (id),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    sent_at          TEXT,
    last_error       TEXT
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE sent_at IS NULL;
