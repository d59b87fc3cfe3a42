-- Announcements kept under PostgreSQL's limit for a notification's payload (8,000 bytes).
-- `ave_casussen_gewijzigd` (0016) put up to 200 ids in one announcement; ids may be 64
-- characters, so a statement that changed some 125 cases with long ids made `pg_notify`
-- fail — and with it the statement's whole transaction (a batch of the writer, or a change
-- by hand). Now every announcement carries as many ids as fit in 7,900 bytes.

-- Announces `ids` on channel `kanaal`: comma-separated, as many as fit in one payload.
CREATE FUNCTION ave_aankondigen(kanaal text, ids text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    one text;
    part text := '';
BEGIN
    FOREACH one IN ARRAY ids LOOP
        IF part <> '' AND octet_length(part) + 1 + octet_length(one) > 7900 THEN
            PERFORM pg_notify(kanaal, part);
            part := '';
        END IF;
        IF part = '' THEN
            part := one;
        ELSE
            part := part || ',' || one;
        END IF;
    END LOOP;
    IF part <> '' THEN
        PERFORM pg_notify(kanaal, part);
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION ave_casussen_gewijzigd() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text[];
BEGIN
    SELECT array_agg(id) INTO ids FROM gewijzigd;
    IF ids IS NOT NULL THEN
        PERFORM ave_aankondigen('ave_casussen', ids);
    END IF;
    RETURN NULL;
END
$$;
