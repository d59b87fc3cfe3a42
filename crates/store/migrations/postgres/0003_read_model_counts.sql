-- Faster reads: the roles of a case on its row (one query per case or page), and the number
-- of cases per gemeente, phase and open/closed kept up to date in the same transaction as the
-- events (a list's total without counting every matching row).

ALTER TABLE cases ADD COLUMN roles TEXT NOT NULL DEFAULT '';
UPDATE cases SET roles = COALESCE(
    (SELECT string_agg(role || '=' || person, ',' ORDER BY role, person)
       FROM case_roles r WHERE r.case_id = cases.id),
    '');

CREATE TABLE case_counts (
    gemeente  TEXT NOT NULL,
    phase     TEXT NOT NULL,
    closed    BOOLEAN NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (gemeente, phase, closed)
);
INSERT INTO case_counts (gemeente, phase, closed, n)
    SELECT COALESCE(gemeente, ''), phase, closed, COUNT(*) FROM cases
    GROUP BY COALESCE(gemeente, ''), phase, closed;
