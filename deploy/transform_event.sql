-- Deploy raceday:transform_event to pg
-- requires: store_response races
-- Why: the schedule of a race follows its status, which only event polls
-- report closely; this brings the race's status, actual start and last poll
-- time up to date from a stored event response. (The full transform of
-- runners, pools, odds and money flow builds on it.)

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.transform_event(staging_id bigint) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    rec record;
BEGIN
    SELECT r.target, r.body -> 'data' -> 'race' AS race, coalesce(r.generated_at, r.received_at) AS observed
    INTO rec FROM staging.raw_responses r WHERE r.id = staging_id;
    IF jsonb_typeof(rec.race) IS DISTINCT FROM 'object' THEN
        RAISE EXCEPTION 'event response % has no data.race object', staging_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF rec.race ->> 'event_id' IS DISTINCT FROM rec.target THEN
        RAISE EXCEPTION 'event response % is for race %, polled as %', staging_id, rec.race ->> 'event_id', rec.target
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE raceday.races t
    SET status = n.status,
        actual_start = coalesce(n.actual_start, t.actual_start),
        last_status_change = CASE WHEN t.status <> n.status THEN rec.observed ELSE t.last_status_change END,
        finalized_at = CASE WHEN n.status = 'final' THEN coalesce(t.finalized_at, rec.observed) END,
        abandoned_at = CASE WHEN n.status = 'abandoned' THEN coalesce(t.abandoned_at, rec.observed) END,
        last_poll_time = greatest(t.last_poll_time, rec.observed)
    FROM (SELECT lower(rec.race ->> 'status') AS status,
                 to_timestamp(nullif((rec.race ->> 'actual_start')::bigint, 0)) AS actual_start) n
    WHERE t.race_id = rec.target::uuid;
END
$$;
COMMENT ON FUNCTION raceday.transform_event(bigint) IS
    'Brings a race''s status, actual start and last poll time up to date from a stored event response.';

COMMIT;
