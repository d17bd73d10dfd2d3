-- Revert raceday:reprocess from pg: sweep() as of reprocess@v0.3.0.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.sweep(max_rows integer DEFAULT 200) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    item record;
    fixed integer := 0;
BEGIN
    -- Runs never pile up: a sweep still running makes the next one a no-op.
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.sweep')) THEN
        RETURN 0;
    END IF;
    FOR item IN
        SELECT s.id, s.kind, s.target FROM staging.raw_responses s
        WHERE s.body IS NOT NULL AND (s.processed_at IS NULL OR s.transform_error IS NOT NULL)
        ORDER BY s.id LIMIT max_rows
    LOOP
        IF item.kind = 'event' THEN
            IF pg_input_is_valid(item.target, 'uuid') THEN
                PERFORM raceday.reprocess(item.target::uuid);
            END IF;
        ELSE
            PERFORM raceday.run_transform(item.id, item.kind);
        END IF;
        fixed := fixed + (SELECT count(*) FROM staging.raw_responses s
                          WHERE s.id = item.id AND s.transform_error IS NULL AND s.processed_at IS NOT NULL)::integer;
    END LOOP;
    RETURN fixed;
END
$$;
COMMENT ON FUNCTION raceday.sweep(integer) IS
    'Retries unprocessed or quarantined stored responses (events by reprocessing their race); returns how many now succeed.';

COMMIT;
