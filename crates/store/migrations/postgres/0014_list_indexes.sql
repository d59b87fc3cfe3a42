-- Lists found on narrow columns (src/listing.rs). A list first finds its page by the
-- columns its conditions and its order read, then reads the page's rows whole; these
-- indexes hold those columns, so finding the page reads no row of the table.

-- A case looked up by id (a list that starts at a person's cases joins them by id).
CREATE INDEX cases_narrow ON cases (
    id, closed, last_at, gemeente, phase, model_id,
    next_evaluation, stagnation_due, decision_due, review_due, flags
);

-- The cases of one phase of one gemeente's model, newest activity first: what someone who
-- governs that phase may see. A page takes its first rows, a count stops at the cap.
CREATE INDEX cases_by_governed_phase ON cases (
    gemeente, phase, model_id, last_at, id DESC, closed,
    next_evaluation, stagnation_due, decision_due, review_due, flags
);

-- The day-dependent attention kinds apply to open cases only: their index starts at
-- open/closed, so "open and overdue" is one range (on the due day alone, the planner took
-- the order of all open cases and read each).
DROP INDEX cases_by_next_evaluation;
DROP INDEX cases_by_stagnation_due;
DROP INDEX cases_by_decision_due;
DROP INDEX cases_by_review_due;
CREATE INDEX cases_open_by_next_evaluation ON cases (closed, next_evaluation, id);
CREATE INDEX cases_open_by_stagnation_due ON cases (closed, stagnation_due, id);
CREATE INDEX cases_open_by_decision_due ON cases (closed, decision_due, id);
CREATE INDEX cases_open_by_review_due ON cases (closed, review_due, id);

-- The same per governed phase: the cases of a phase that are overdue on a day are one range
-- (walking the phase in list order would read all of it when few are overdue). Only cases
-- with the day are in them.
CREATE INDEX cases_governed_next_evaluation ON cases (
    gemeente, phase, model_id, next_evaluation, closed, last_at, id
) WHERE next_evaluation IS NOT NULL;
CREATE INDEX cases_governed_stagnation_due ON cases (
    gemeente, phase, model_id, stagnation_due, closed, last_at, id
) WHERE stagnation_due IS NOT NULL;
CREATE INDEX cases_governed_decision_due ON cases (
    gemeente, phase, model_id, decision_due, closed, last_at, id
) WHERE decision_due IS NOT NULL;
CREATE INDEX cases_governed_review_due ON cases (
    gemeente, phase, model_id, review_due, closed, last_at, id
) WHERE review_due IS NOT NULL;
