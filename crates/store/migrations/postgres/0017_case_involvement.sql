-- Who holds which role and who is involved in a case, apart from the case's row. They are
-- most of the row's bytes (some thirty people, about 1.2 KB of 1.46 KB) and change on few
-- commands, while every command rewrites the case's row: PostgreSQL writes a new copy of the
-- whole row and an entry in each of its indexes. Written only when they change. The key is
-- named `id`, as the case's row's, so the writer's merged updates and the announcement of
-- changed rows (0016) serve both.
CREATE TABLE case_involvement (
    id      TEXT PRIMARY KEY REFERENCES cases (id),
    roles   TEXT NOT NULL,
    access  TEXT NOT NULL
);
INSERT INTO case_involvement (id, roles, access) SELECT id, roles, access FROM cases;
ALTER TABLE cases DROP COLUMN roles, DROP COLUMN access;

CREATE TRIGGER case_involvement_updated_announce AFTER UPDATE ON case_involvement
    REFERENCING NEW TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_casussen_gewijzigd();

CREATE TRIGGER case_involvement_deleted_announce AFTER DELETE ON case_involvement
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_casussen_gewijzigd();
