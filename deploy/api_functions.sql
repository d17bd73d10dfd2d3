-- Deploy raceday:api_functions to pg
-- requires: api_views
-- Why: the questions the client asks that a plain view filter cannot
-- express: what is coming up, what is next, where a race sits in its
-- meeting. They read only the api views (so they need no rights web_anon
-- lacks), refuse bad arguments with a clear message (SQLSTATE 22023, which
-- PostgREST answers with 400; an unknown race is SQLSTATE PT404, which
-- PostgREST answers with 404) and cap what they return.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION api.upcoming_races(window_minutes integer DEFAULT 120, lookback_minutes integer DEFAULT 5,
                                   max_races integer DEFAULT 50)
RETURNS SETOF api.races
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, api
AS $$
BEGIN
    IF window_minutes IS NULL OR window_minutes NOT BETWEEN 1 AND 1440 THEN
        RAISE EXCEPTION 'window_minutes must be within 1..1440, not %', window_minutes
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default is 120.';
    END IF;
    IF lookback_minutes IS NULL OR lookback_minutes NOT BETWEEN 0 AND 240 THEN
        RAISE EXCEPTION 'lookback_minutes must be within 0..240, not %', lookback_minutes
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default is 5.';
    END IF;
    IF max_races IS NULL OR max_races NOT BETWEEN 1 AND 500 THEN
        RAISE EXCEPTION 'max_races must be within 1..500, not %', max_races
            USING ERRCODE = 'invalid_parameter_value', HINT = 'The default is 50.';
    END IF;
    RETURN QUERY
    SELECT * FROM api.races r
    WHERE r.start_time BETWEEN now() - make_interval(mins => lookback_minutes)
                           AND now() + make_interval(mins => window_minutes)
      AND r.status <> 'abandoned'
    ORDER BY r.start_time, r.race_id
    LIMIT max_races;
END
$$;
COMMENT ON FUNCTION api.upcoming_races(integer, integer, integer) IS
    'Races starting within the next window_minutes (and the last lookback_minutes), soonest first, at most max_races; abandoned ones left out.';

CREATE FUNCTION api.next_scheduled_race() RETURNS SETOF api.races
LANGUAGE sql STABLE
SET search_path = pg_catalog, api
BEGIN ATOMIC
    SELECT * FROM api.races r
    WHERE r.start_time > now() AND r.status = 'open'
    ORDER BY r.start_time, r.race_id
    LIMIT 1;
END;
COMMENT ON FUNCTION api.next_scheduled_race() IS 'The next open race of the day to start (none when nothing is left).';

CREATE FUNCTION api.race_navigation(race_id uuid)
RETURNS TABLE (previous_race jsonb, next_race jsonb, next_scheduled_race jsonb)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, api
AS $$
DECLARE
    here api.races;
BEGIN
    SELECT * INTO here FROM api.races r WHERE r.race_id = race_navigation.race_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'race % not found', race_navigation.race_id USING ERRCODE = 'PT404', HINT = 'Races are kept 30 days.';
    END IF;
    RETURN QUERY
    SELECT (SELECT jsonb_build_object('race_id', p.race_id, 'name', p.name, 'race_number', p.race_number,
                                      'start_time', p.start_time, 'status', p.status, 'meeting_name', p.meeting_name)
            FROM api.races p WHERE p.meeting_id = here.meeting_id AND p.race_number < here.race_number
            ORDER BY p.race_number DESC LIMIT 1),
           (SELECT jsonb_build_object('race_id', n.race_id, 'name', n.name, 'race_number', n.race_number,
                                      'start_time', n.start_time, 'status', n.status, 'meeting_name', n.meeting_name)
            FROM api.races n WHERE n.meeting_id = here.meeting_id AND n.race_number > here.race_number
            ORDER BY n.race_number LIMIT 1),
           (SELECT jsonb_build_object('race_id', s.race_id, 'name', s.name, 'race_number', s.race_number,
                                      'start_time', s.start_time, 'status', s.status, 'meeting_name', s.meeting_name)
            FROM api.next_scheduled_race() s);
END
$$;
COMMENT ON FUNCTION api.race_navigation(uuid) IS
    'The previous and next race of a race''s meeting and the next scheduled race of the day (with meeting_name).';

COMMIT;
