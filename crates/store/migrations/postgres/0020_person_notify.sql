-- Every change to who a person is and what they may do is announced on the channel
-- `ave_personen` when its transaction commits: the person ids, comma-separated. A server
-- keeps the person behind a session or token it checked for a short while
-- (crates/server/src/auth); it listens (src/row_cache.rs, on the same
-- connection as for the case rows) and forgets them at once — whoever made the change:
-- another `ave serve` on the same database (a logout, an administrator changing a person),
-- the `ave` command (a new password ends the sessions), or an administrator by hand. A new
-- person or token needs no announcement (nothing can have kept it); a new membership does
-- (it changes a person a server may have kept).

-- The trigger's argument names the column that holds the person's id; the ids go out as
-- many to an announcement as fit (`ave_aankondigen`, migration 0019).
CREATE FUNCTION ave_personen_gewijzigd() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text[];
BEGIN
    EXECUTE format('SELECT array_agg(DISTINCT %I) FROM gewijzigd', TG_ARGV[0]) INTO ids;
    IF ids IS NOT NULL THEN
        PERFORM ave_aankondigen('ave_personen', ids);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER persons_updated_announce AFTER UPDATE ON persons
    REFERENCING NEW TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('id');
CREATE TRIGGER persons_deleted_announce AFTER DELETE ON persons
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('id');

CREATE TRIGGER memberships_inserted_announce AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('person');
CREATE TRIGGER memberships_updated_announce AFTER UPDATE ON memberships
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('person');
CREATE TRIGGER memberships_deleted_announce AFTER DELETE ON memberships
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('person');

CREATE TRIGGER sessions_updated_announce AFTER UPDATE ON sessions
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('person');
CREATE TRIGGER sessions_deleted_announce AFTER DELETE ON sessions
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('person');

CREATE TRIGGER api_tokens_updated_announce AFTER UPDATE ON api_tokens
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('person');
CREATE TRIGGER api_tokens_deleted_announce AFTER DELETE ON api_tokens
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_personen_gewijzigd('person');
