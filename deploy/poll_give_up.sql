-- Deploy raceday:poll_give_up to pg
-- requires: poll_targets_stopped
-- requires: ingest
-- requires: claim_due_polls
-- Why: in a two-minute run, 32 of 129 polls were 404s for races of an
-- earlier day: a target TAB does not know was backed off to 5 min and
-- polled for ever. Two rules now stop polling (poll_targets_stopped):
-- - settings.stop_after_404s (5) answers of 404 in a row: ingest_failure
--   counts them (not_found) and stops the target at the last one, unless
--   it is a race that has not been off for an hour: near its jump a race is
--   polled every 15 s, and 75 s of 404s from a glitch at TAB must not stop
--   it (it backs off instead, and a real 404 stops it an hour after);
-- - a race still not final or abandoned settings.stop_after_start (6 h)
--   after its advertised start (or after a resume by hand): the claim stops
--   it instead of handing it out, so it is not fetched once more.
-- ingest_failure is otherwise as in ingest@v0.3.0 (where it was created),
-- claim_due_polls as in claim_due_polls; both now end their search_path with
-- pg_temp.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.ingest_failure(kind text, target text, received_at timestamptz DEFAULT now(),
                                                  meta jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    staging_id bigint;
    v_status integer;
    give_up boolean;
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
    RETURNING id, http_status INTO staging_id, v_status;
    -- A failed attempt that the fetcher will retry ("final": false) is only
    -- recorded. The last one backs the target off: 15 s, 30 s, 1 min...
    -- capped at 5 min, and never later than the target's normal next poll.
    IF NOT coalesce((meta ->> 'final')::boolean, true) THEN
        RETURN staging_id;
    END IF;
    -- A 404 extends the run of 404s, any other failure ends it; the run's
    -- last allowed 404 stops polling (a target already stopped keeps its
    -- reason, and the trigger keeps it unscheduled).
    SELECT v_status = 404 AND t.stopped_at IS NULL AND t.not_found + 1 >= s.stop_after_404s
           AND coalesce((SELECT r.start_time < raceday.clock() - interval '1 hour'
                         FROM raceday.races r WHERE r.race_id = t.race_id), true)
    INTO give_up
    FROM raceday.poll_targets t, raceday.settings s
    WHERE t.target = ingest_failure.target
    FOR UPDATE OF t;
    UPDATE raceday.poll_targets t
    SET failures = t.failures + 1, lease_owner = NULL, lease_until = NULL,
        last_status = v_status,
        not_found = CASE WHEN v_status = 404 THEN t.not_found + 1 ELSE 0 END,
        next_poll_at = CASE WHEN give_up THEN NULL ELSE raceday.clock() + least(
            interval '15 seconds' * 2 ^ least(t.failures, 5), interval '5 minutes',
            coalesce((SELECT raceday.poll_interval(r.status, r.start_time, raceday.clock())
                      FROM raceday.races r WHERE r.race_id = t.race_id), interval '5 minutes')) END,
        stopped_at = CASE WHEN give_up THEN raceday.clock() ELSE t.stopped_at END,
        stopped_reason = CASE WHEN give_up
                              THEN format('TAB answered 404 (not found) %s times in a row', t.not_found + 1)
                              ELSE t.stopped_reason END
    WHERE t.target = ingest_failure.target;
    RETURN staging_id;
END
$$;
COMMENT ON FUNCTION raceday.ingest_failure(text, text, timestamptz, jsonb) IS
    'Records a failed fetch (status, error, any body that was not JSON) and backs the target off, or stops it after settings.stop_after_404s 404s in a row; returns the staging id.';

-- Due races long past their start, not yet final or abandoned, are stopped
-- before the claim hands them out. Locked rows are skipped, as the claim
-- skips them: two fetchers never wait for each other here.
CREATE FUNCTION raceday.stop_stale_races() RETURNS integer
LANGUAGE sql
SET search_path = pg_catalog, raceday, pg_temp
BEGIN ATOMIC
    WITH stale AS (
        SELECT t.target, r.start_time, r.status, s.stop_after_start
        FROM raceday.poll_targets t
        JOIN raceday.races r ON r.race_id = t.race_id
        CROSS JOIN raceday.settings s
        WHERE t.kind = 'event' AND t.next_poll_at <= raceday.clock() AND t.stopped_at IS NULL
          AND (t.lease_until IS NULL OR t.lease_until < now())
          AND greatest(r.start_time, t.resumed_at) + s.stop_after_start <= raceday.clock()
        FOR UPDATE OF t SKIP LOCKED
    ), stopped AS (
        UPDATE raceday.poll_targets t
        SET next_poll_at = NULL, stopped_at = raceday.clock(),
            stopped_reason = format('no final result %s h after its advertised start (%s NZ); status %s',
                                    trim_scale(round(extract(epoch FROM stale.stop_after_start) / 3600, 2)),
                                    to_char(stale.start_time AT TIME ZONE 'Pacific/Auckland', 'YYYY-MM-DD HH24:MI'),
                                    stale.status)
        FROM stale
        WHERE t.target = stale.target
        RETURNING 1
    )
    SELECT count(*)::integer FROM stopped;
END;
COMMENT ON FUNCTION raceday.stop_stale_races() IS
    'Stops polling due races still not final or abandoned settings.stop_after_start after their advertised start (or their resume by hand); returns how many.';

CREATE OR REPLACE FUNCTION raceday.claim_due_polls(worker text, max_polls integer DEFAULT 10)
RETURNS TABLE (target text, kind text, path text, query jsonb, lease_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
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
    -- Before spreading the overdue: a race long past its start is stopped, not spread.
    PERFORM raceday.stop_stale_races();
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
    'Leases up to max_polls due targets to a fetcher and says what to fetch for each (path under the API base, query); stops races long past their start first.';

COMMIT;
