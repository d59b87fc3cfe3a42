-- The dashboard's aggregates without loading cases: when a case entered its current phase
-- (time in phase per phase, grouped in SQL), and phase changes by time (flows between
-- phases in a period).

ALTER TABLE cases ADD COLUMN phase_since TEXT;
UPDATE cases SET phase_since = COALESCE(
    (SELECT MAX(e.at) FROM events e WHERE e.case_id = cases.id AND e.type = 'phase_changed'),
    opened_at);
CREATE INDEX events_by_type_at ON events (type, at);
CREATE INDEX cases_open_by_phase ON cases (closed, gemeente, phase, phase_since);
