-- A counter of changes to who a person is and what they may use: their row, their
-- functions, their sessions and API tokens. A server keeps the person behind a session or
-- token it checked for a short while (crates/server/src/auth); it reads this counter every
-- half second (src/person_watch.rs) and forgets what it kept when the counter moved — so a
-- change made beside it by the `ave` command (a new password, a revoked token, a person
-- changed) takes effect within that half second. (PostgreSQL announces the persons
-- themselves instead: its migration 0020.) A new person or token needs no count (nothing
-- can have kept it); a new membership does.

CREATE TABLE person_changes (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO person_changes (id, seq) VALUES (1, 0);

CREATE TRIGGER persons_updated_count AFTER UPDATE ON persons
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
CREATE TRIGGER persons_deleted_count AFTER DELETE ON persons
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_inserted_count AFTER INSERT ON memberships
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_updated_count AFTER UPDATE ON memberships
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
CREATE TRIGGER memberships_deleted_count AFTER DELETE ON memberships
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_updated_count AFTER UPDATE ON sessions
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
CREATE TRIGGER sessions_deleted_count AFTER DELETE ON sessions
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
CREATE TRIGGER api_tokens_updated_count AFTER UPDATE ON api_tokens
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
CREATE TRIGGER api_tokens_deleted_count AFTER DELETE ON api_tokens
BEGIN UPDATE person_changes SET seq = seq + 1 WHERE id = 1; END;
