-- Who holds which role and who is involved in a case, apart from the case's row: they are
-- most of the row's bytes (some thirty people, about 1.2 KB of 1.46 KB) and change on few
-- commands, while every command rewrites the case's row. Written only when they change.
-- The same tables as on PostgreSQL (0017 there).
CREATE TABLE case_involvement (
    id      TEXT PRIMARY KEY REFERENCES cases (id),
    roles   TEXT NOT NULL,
    access  TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO case_involvement (id, roles, access) SELECT id, roles, access FROM cases;
ALTER TABLE cases DROP COLUMN roles;
ALTER TABLE cases DROP COLUMN access;
