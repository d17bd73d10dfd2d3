-- Deploy raceday:reprocess to pg
-- requires: reprocess@v0.4.0
-- Why: the sweep retried every quarantined poll every minute for as long as
-- staging keeps it (seven days), reprocessing its whole race each time; a
-- poll that can never be transformed (TAB sends a shape the transform
-- refuses) cost a race's worth of transforms a minute, and a live race's
-- ingest waited for its lock. And it took the lowest ids first, so 200 such
-- polls filled every batch and an unprocessed poll (a fetcher or server
-- that died between store and transform) behind them was never swept.
-- Now an unprocessed poll goes first; a quarantined one is retried once it
-- has waited as long as it had been failing when last tried (at least a
-- minute, at most an hour), so the waits double: 1, 1, 2, 4 ... 60 minutes.
-- The age needs no new column: received_at is when it first arrived,
-- processed_at when it was last tried. force retries them all at once,
-- which is what to run after deploying a fix.

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP FUNCTION raceday.sweep(integer);

CREATE FUNCTION raceday.sweep(max_rows integer DEFAULT 200, force boolean DEFAULT false) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    pending bigint[];
    item record;
BEGIN
    IF max_rows IS NULL OR max_rows < 1 OR force IS NULL THEN
        RAISE EXCEPTION 'sweep: max_rows must be at least 1 and force true or false, not % and %', max_rows, force
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- Runs never pile up: a sweep still running makes the next one a no-op.
    IF NOT pg_try_advisory_xact_lock(hashtext('raceday.sweep')) THEN
        RETURN 0;
    END IF;
    pending := ARRAY(
        SELECT s.id FROM staging.raw_responses s
        WHERE s.body IS NOT NULL
          AND (s.processed_at IS NULL
               OR s.transform_error IS NOT NULL
                  AND (force OR s.processed_at <= now() - least(greatest(s.processed_at - s.received_at,
                                                                         interval '1 minute'),
                                                                interval '1 hour')))
        ORDER BY s.processed_at NULLS FIRST, s.id LIMIT max_rows);
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
COMMENT ON FUNCTION raceday.sweep(integer, boolean) IS
    'Retries up to max_rows stored responses: unprocessed ones first, then quarantined ones whose wait is over (it doubles from a minute to an hour; force skips it). Events are retried by reprocessing their race, once per race. Returns how many now succeed.';

COMMIT;
