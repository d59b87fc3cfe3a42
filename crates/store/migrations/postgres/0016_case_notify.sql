-- Every change of a case's row is announced on the channel `ave_casussen` when its
-- transaction commits: the ids of the changed rows, comma-separated, at most 200 to an
-- announcement. A server that keeps case rows in memory (src/row_cache.rs) listens and
-- forgets them — whoever changed them: this server, another `ave serve` on the same
-- database, the `ave` command, or an administrator by hand. A new row needs no
-- announcement: nothing can have kept it.

CREATE FUNCTION ave_casussen_gewijzigd() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text;
BEGIN
    FOR ids IN
        SELECT string_agg(id, ',')
        FROM (SELECT id, (row_number() OVER ()) / 200 AS part FROM gewijzigd) AS numbered
        GROUP BY part
    LOOP
        PERFORM pg_notify('ave_casussen', ids);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER cases_updated_announce AFTER UPDATE ON cases
    REFERENCING NEW TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_casussen_gewijzigd();

CREATE TRIGGER cases_deleted_announce AFTER DELETE ON cases
    REFERENCING OLD TABLE AS gewijzigd
    FOR EACH STATEMENT EXECUTE FUNCTION ave_casussen_gewijzigd();
