-- Need-to-know (issue 11). Who is involved in a case, kept with the case in the same
-- transaction as its events: `rol` (holds a regie role), `deelnemer` (a participant), or
-- `bijdrager` (was involved; sees only what their organisation contributed). On the case
-- row as text (one read answers "may this person see it") and as an index for lists.
ALTER TABLE cases ADD COLUMN access TEXT NOT NULL DEFAULT '';

CREATE TABLE case_access (
    case_id  TEXT NOT NULL REFERENCES cases (id),
    person   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    PRIMARY KEY (case_id, person)
);
CREATE INDEX case_access_by_person ON case_access (person, case_id);

-- Existing cases: role holders, and everyone who wrote in the case as a participant. A
-- replay (`ave db herbouw`) gives the exact set; new events keep it exact.
INSERT INTO case_access (case_id, person, kind)
    SELECT DISTINCT case_id, person, 'rol' FROM case_roles;
INSERT INTO case_access (case_id, person, kind)
    SELECT DISTINCT e.case_id, e.by_person, 'deelnemer' FROM events e
    WHERE NOT EXISTS (SELECT 1 FROM case_access a WHERE a.case_id = e.case_id AND a.person = e.by_person);

UPDATE cases SET access = COALESCE((SELECT group_concat(person || '=' || kind, ',') FROM (SELECT person, kind FROM case_access a WHERE a.case_id = cases.id ORDER BY person)), '');

-- Who contributed each event and under which legal basis (the phase's grondslag in the
-- model when it was written). NULL for events written before this migration.
ALTER TABLE events ADD COLUMN organisation TEXT;
ALTER TABLE events ADD COLUMN grondslag TEXT;

-- Break-glass: access without involvement, with a reason, for a limited time, flagged for
-- review by the privacy officer.
CREATE TABLE break_glass (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES cases (id),
    person       TEXT NOT NULL,
    organisation TEXT,
    reason       TEXT NOT NULL,
    granted_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    reviewed_at  TEXT,
    reviewed_by  TEXT,
    review_note  TEXT
);
CREATE INDEX break_glass_by_person ON break_glass (person, case_id);

-- A data subject's access request reads the audit log by object.
CREATE INDEX audit_log_by_object ON audit_log (object, seq);
