-- Attention lists can start from the cases that have the attention kind when those are few
-- (see listing.rs): the flag kinds as an index kept with the events (like the roles), the
-- day-dependent kinds by their due dates (which are set only while a case is open).
CREATE TABLE case_flags (
    kind     TEXT NOT NULL,
    case_id  TEXT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (kind, case_id)
);
CREATE INDEX case_flags_by_case ON case_flags (case_id);
-- The flags column holds ",kind,kind,"; split it once for the cases there are.
INSERT INTO case_flags (kind, case_id)
SELECT DISTINCT k, c.id
FROM cases c, unnest(string_to_array(trim(both ',' from c.flags), ',')) AS k
WHERE k <> '';
CREATE INDEX cases_by_next_evaluation ON cases (next_evaluation);
CREATE INDEX cases_by_stagnation_due ON cases (stagnation_due);
CREATE INDEX cases_by_decision_due ON cases (decision_due);
CREATE INDEX cases_by_review_due ON cases (review_due);
