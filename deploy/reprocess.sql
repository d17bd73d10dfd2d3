-- Deploy raceday:reprocess to pg
-- requires: reprocess@v0.3.0
-- Why: the sweep rebuilt a race once per quarantined poll of it, all in one
-- transaction holding the race's row lock: a race with n quarantined polls
-- (a transform bug for a while, say) was rebuilt n times every minute, and
-- its live polls waited for all of them (long enough for a stopping
-- fetcher to overrun its grace period). One rebuild per race and sweep is
-- what the polls need: it retries every one of them.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.sweep(max_rows integer DEFAULT 200) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    item record;
    fixed integer := 0;
    rebuilt uuid[] := '{}';     -- races already reprocessed by this call
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
            -- One rebuild retries every poll of the race: its other
            -- quarantined polls need no rebuild of their own.
            IF pg_input_is_valid(item.target, 'uuid') AND item.target::uuid <> ALL (rebuilt) THEN
                PERFORM raceday.reprocess(item.target::uuid);
                rebuilt := rebuilt || item.target::uuid;
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
