-- Deploy raceday:claim_due_polls to pg
-- requires: poll_schedule ingest
-- Why: fetchers ask the database what to poll. A claim takes due targets
-- with FOR UPDATE SKIP LOCKED and leases them (in real time, whatever the
-- schedule's clock), so any number of fetchers share the work and none polls
-- a target another holds. Ingest clears the lease; a fetcher that dies loses
-- it when it expires; one that stops cleanly hands its leases back.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.claim_due_polls(worker text, max_polls integer DEFAULT 10)
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

CREATE FUNCTION raceday.release_polls(worker text) RETURNS integer
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, raceday
BEGIN ATOMIC
    WITH released AS (
        UPDATE raceday.poll_targets SET lease_owner = NULL, lease_until = NULL
        WHERE lease_owner = release_polls.worker
        RETURNING 1
    )
    SELECT count(*)::integer FROM released;
END;
COMMENT ON FUNCTION raceday.release_polls(text) IS 'Hands back the leases a stopping fetcher still holds; returns how many.';

COMMIT;
