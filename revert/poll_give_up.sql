-- Revert raceday:poll_give_up from pg
-- ingest_failure as created in ingest@v0.3.0, claim_due_polls as in
-- claim_due_polls; stop_stale_races dropped.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.ingest_failure(kind text, target text, received_at timestamptz DEFAULT now(),
                                       meta jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    staging_id bigint;
BEGIN
    IF kind IS NULL OR kind NOT IN ('meetings', 'event', 'meeting') OR target IS NULL THEN
        RAISE EXCEPTION 'ingest_failure: kind must be meetings, event or meeting and target given (got %, %)',
            kind, target USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO staging.raw_responses (kind, target, url, http_status, attempt, worker, received_at,
                                       last_received_at, body_raw, body_bytes, fetch_error, processed_at)
    VALUES (kind, target, meta ->> 'url', (meta ->> 'http_status')::integer,
            coalesce((meta ->> 'attempt')::integer, 1), meta ->> 'worker', received_at, received_at,
            meta ->> 'body', coalesce((meta ->> 'bytes')::integer, octet_length(meta ->> 'body')),
            coalesce(meta ->> 'error', 'unknown fetch failure'), clock_timestamp())
    RETURNING id INTO staging_id;
    -- A failed attempt that the fetcher will retry ("final": false) is only
    -- recorded. The last one backs the target off: 15 s, 30 s, 1 min...
    -- capped at 5 min, and never later than the target's normal next poll.
    IF NOT coalesce((meta ->> 'final')::boolean, true) THEN
        RETURN staging_id;
    END IF;
    UPDATE raceday.poll_targets t
    SET failures = t.failures + 1, lease_owner = NULL, lease_until = NULL,
        last_status = (meta ->> 'http_status')::integer,
        next_poll_at = raceday.clock() + least(
            interval '15 seconds' * 2 ^ least(t.failures, 5), interval '5 minutes',
            coalesce((SELECT raceday.poll_interval(r.status, r.start_time, raceday.clock())
                      FROM raceday.races r WHERE r.race_id = t.race_id), interval '5 minutes'))
    WHERE t.target = ingest_failure.target;
    RETURN staging_id;
END
$$;
COMMENT ON FUNCTION raceday.ingest_failure(text, text, timestamptz, jsonb) IS
    'Records a failed fetch (status, error, any body that was not JSON) and backs the target off; returns the staging id.';

CREATE OR REPLACE FUNCTION raceday.claim_due_polls(worker text, max_polls integer DEFAULT 10)
RETURNS TABLE (target text, kind text, path text, query jsonb, lease_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday
AS $$
BEGIN
    IF worker IS NULL OR worker !~ '^\S{1,100}$' THEN
        RAISE EXCEPTION 'claim_due_polls: worker must be 1-100 characters without spaces'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_polls IS NULL OR max_polls NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'claim_due_polls: max_polls must be within 1..1000, not %', max_polls
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM raceday.plan_day(raceday.nz_racing_day(raceday.clock()));
    PERFORM raceday.spread_overdue();
    RETURN QUERY
    WITH due AS (
        SELECT t.target FROM raceday.poll_targets t
        WHERE t.next_poll_at <= raceday.clock() AND (t.lease_until IS NULL OR t.lease_until < now())
        ORDER BY t.next_poll_at
        LIMIT max_polls
        FOR UPDATE SKIP LOCKED
    )
    UPDATE raceday.poll_targets t
    SET lease_owner = worker, lease_until = now() + s.lease
    FROM due, raceday.settings s
    WHERE t.target = due.target
    RETURNING t.target, t.kind,
              CASE t.kind WHEN 'event' THEN '/racing/events/' || t.target ELSE '/racing/meetings' END,
              CASE t.kind
                  WHEN 'event' THEN jsonb_build_object('with_money_tracker', 'true', 'with_tote_trends_data', 'true',
                                                       'with_will_pays', 'true')
                  ELSE jsonb_build_object('date_from', t.day::text, 'date_to', t.day::text,
                                          'limit', s.meetings_page_size::text, 'offset', t.page_offset::text)
              END,
              t.lease_until;
END
$$;
COMMENT ON FUNCTION raceday.claim_due_polls(text, integer) IS
    'Leases up to max_polls due targets to a fetcher and says what to fetch for each (path under the API base, query).';

DROP FUNCTION raceday.stop_stale_races();

COMMIT;
