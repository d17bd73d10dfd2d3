-- Deploy raceday:api_health to pg
-- requires: ops_views_polish poll_schedule poll_targets_stopped
-- Why: the client, a load balancer and whoever is on call need one answer to
-- "can I trust what raceday shows now?", without psql. /rpc/health reads
-- the ops views and judges each figure against its thresholds:
--   database               answering (the gateway answers "down" itself
--                          when it cannot reach the database)
--   newest_ingest_age_s    while races are open, how long since any poll
--                          landed, on the schedule's clock: degraded past
--                          twice the shortest polling interval of the open
--                          races (plus 30 s of slack), down past 30 minutes
--                          (nothing the client shows is live any more)
--   pipeline_lag_s         how far the most overdue race is behind its
--                          schedule (ops.pipeline_lag): degraded past 60 s,
--                          down past 30 minutes
--   fetch_error_rate_pct   failed fetches among the last hour's attempts
--                          (ops.fetch_errors): degraded past 10 %
--   quarantined_last_hour  polls stored but not transformed in the last
--                          hour (ops.failed_polls): degraded past 5
-- The status is the worst verdict: healthy, degraded or down; down answers
-- HTTP 503 (response.status, which PostgREST and the gateway honour), so a
-- load balancer or uptime check needs no body parsing. It is never cached.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION api.health() RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
DECLARE
    clock constant timestamptz := raceday.clock();
    open_races bigint;
    shortest interval;
    ingest_age numeric;
    lag numeric;
    error_rate numeric;
    quarantined bigint;
    checks json[];
    worst int;
BEGIN
    -- Races open and still polled: while there are none, no ingest is due.
    SELECT count(*), min(raceday.poll_interval(r.status, r.start_time, clock))
    INTO open_races, shortest
    FROM raceday.poll_targets t JOIN raceday.races r ON r.race_id = t.race_id
    WHERE t.kind = 'event' AND t.next_poll_at IS NOT NULL AND r.status = 'open';
    IF open_races > 0 THEN
        SELECT round(extract(epoch FROM clock - max(t.last_polled_at)), 1) INTO ingest_age
        FROM raceday.poll_targets t;
    END IF;
    SELECT round(extract(epoch FROM coalesce(max(l.overdue_by), interval '0')), 1) INTO lag FROM ops.pipeline_lag l;
    SELECT round(100.0 * coalesce(sum(f.failed), 0) / nullif(sum(f.responses), 0), 1) INTO error_rate
    FROM ops.fetch_errors f;
    SELECT count(*) INTO quarantined FROM ops.failed_polls p
    WHERE p.failure = 'quarantined' AND p.received_at >= now() - interval '1 hour';

    SELECT array_agg(json_build_object('name', c.name,
                                       'value', CASE WHEN c.n = 1 THEN to_json('up'::text) ELSE to_json(c.value) END,
                                       'threshold', json_build_object('degraded', c.degraded, 'down', c.down),
                                       'verdict', c.verdict) ORDER BY c.n),
           max(CASE c.verdict WHEN 'ok' THEN 0 WHEN 'degraded' THEN 1 ELSE 2 END)
    INTO checks, worst
    FROM (SELECT n, name, value, degraded, down,
                 CASE WHEN value IS NULL THEN 'ok'
                      WHEN down IS NOT NULL AND value > down THEN 'down'
                      WHEN value > degraded THEN 'degraded'
                      ELSE 'ok' END AS verdict
          FROM (VALUES
              (1, 'database', NULL::numeric, NULL::numeric, NULL::numeric),
              -- No open race: no ingest is expected, the age is not judged.
              (2, 'newest_ingest_age_s', ingest_age,
                  2 * extract(epoch FROM shortest) + 30, 1800),
              (3, 'pipeline_lag_s', lag, 60, 1800),
              (4, 'fetch_error_rate_pct', error_rate, 10, NULL),
              (5, 'quarantined_last_hour', quarantined::numeric, 5, NULL)
          ) v(n, name, value, degraded, down)) c;

    IF worst = 2 THEN
        PERFORM set_config('response.status', '503', true);
    END IF;
    PERFORM set_config('response.headers', '[{"Cache-Control": "no-store"}]', true);
    RETURN json_build_object(
        'status', (ARRAY['healthy', 'degraded', 'down'])[worst + 1],
        'checked_at', now(), 'clock', clock, 'open_races', open_races,
        'checks', array_to_json(checks));
END
$$;
COMMENT ON FUNCTION api.health() IS
    'Whether raceday is live: status healthy, degraded or down (HTTP 503), and each check (database, newest_ingest_age_s, pipeline_lag_s, fetch_error_rate_pct, quarantined_last_hour) with its value, thresholds and verdict.';

COMMIT;
