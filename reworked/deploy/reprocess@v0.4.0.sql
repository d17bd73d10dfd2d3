-- Deploy raceday:reprocess to pg
-- requires: reprocess@v0.3.0
-- Why: the sweep reprocessed a race once for every pending poll of it, and
-- each reprocess transforms all of the race's polls again: a race with a
-- few hundred quarantined polls cost the square of that (the fault matrix
-- caught one race rebuilt some twenty times in one sweep) while holding the
-- race's row lock, so the fetcher's next ingest of that race waited for it
-- (long enough for a stopping fetcher to overrun its grace period). Each
-- race is now reprocessed once per sweep, after the pending meetings pages
-- (which create races), and the count of rows that now succeed is taken
-- once at the end.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.sweep(max_rows integer DEFAULT 200) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    pending bigint[];
    item record;
BEGIN
    -- Runs never pile up: a sweep still running makes the next one a no-op.
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.sweep')) THEN
        RETURN 0;
    END IF;
    pending := ARRAY(
        SELECT s.id FROM staging.raw_responses s
        WHERE s.body IS NOT NULL AND (s.processed_at IS NULL OR s.transform_error IS NOT NULL)
        ORDER BY s.id LIMIT max_rows);
    FOR item IN
        SELECT s.id, s.kind FROM staging.raw_responses s
        WHERE s.id = ANY (pending) AND s.kind <> 'event' ORDER BY s.id
    LOOP
        PERFORM raceday.run_transform(item.id, item.kind);
    END LOOP;
    -- One reprocess per race replays all its polls, the pending ones included.
    FOR item IN
        SELECT s.target FROM staging.raw_responses s
        WHERE s.id = ANY (pending) AND s.kind = 'event' AND pg_input_is_valid(s.target, 'uuid')
        GROUP BY s.target ORDER BY min(s.id)
    LOOP
        PERFORM raceday.reprocess(item.target::uuid);
    END LOOP;
    RETURN (SELECT count(*) FROM staging.raw_responses s
            WHERE s.id = ANY (pending) AND s.transform_error IS NULL AND s.processed_at IS NOT NULL);
END
$$;
COMMENT ON FUNCTION raceday.sweep(integer) IS
    'Retries unprocessed or quarantined stored responses (events by reprocessing their race, once per race); returns how many now succeed.';

COMMIT;
