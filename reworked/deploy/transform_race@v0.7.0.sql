-- Deploy raceday:transform_race to pg
-- requires: meetings races
-- Why: the race row of one event poll (DOMAIN.md §1): its status, its
-- times and its card, and the meeting too if the meetings list never showed
-- it. last_status_change moves only when the status does; finalized_at and
-- abandoned_at keep the first poll that saw the race so. A part of
-- transform_event, which holds the race's lock and passes what it read.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.transform_race(race_uuid uuid, observed timestamptz, race jsonb, start_at timestamptz,
                                       new_status text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
    SELECT (race ->> 'meeting_id')::uuid, race ->> 'meeting_name', race ->> 'country', race ->> 'type',
           (race ->> 'race_date_nz')::date
    WHERE NOT EXISTS (SELECT FROM raceday.meetings m WHERE m.meeting_id = (race ->> 'meeting_id')::uuid)
    ON CONFLICT (meeting_id) DO NOTHING;

    INSERT INTO raceday.races AS t (race_id, meeting_id, name, race_number, start_time, actual_start, status, distance,
                                    track_condition, weather, type, field_size, entrant_count, positions_paid, silk_url,
                                    race_date_nz, start_time_nz, last_status_change, finalized_at, abandoned_at,
                                    last_poll_time)
    VALUES (race_uuid, (race ->> 'meeting_id')::uuid, race ->> 'description', (race ->> 'race_number')::integer,
            start_at, to_timestamp(nullif((race ->> 'actual_start')::bigint, 0)), new_status,
            (race ->> 'distance')::integer, nullif(race ->> 'track_condition', ''), nullif(race ->> 'weather', ''),
            race ->> 'type', (race ->> 'field_size')::integer, (race ->> 'entrant_count')::integer,
            (race ->> 'positions_paid')::integer, nullif(race ->> 'silk_url', ''), (race ->> 'race_date_nz')::date,
            race ->> 'start_time_nz', observed,
            CASE WHEN new_status = 'final' THEN observed END, CASE WHEN new_status = 'abandoned' THEN observed END,
            observed)
    ON CONFLICT (race_id) DO UPDATE
        SET name = excluded.name, race_number = excluded.race_number, start_time = excluded.start_time,
            actual_start = coalesce(excluded.actual_start, t.actual_start), status = excluded.status,
            distance = excluded.distance, track_condition = excluded.track_condition, weather = excluded.weather,
            type = excluded.type, field_size = excluded.field_size, entrant_count = excluded.entrant_count,
            positions_paid = excluded.positions_paid, silk_url = excluded.silk_url,
            race_date_nz = excluded.race_date_nz, start_time_nz = excluded.start_time_nz,
            last_status_change = CASE WHEN t.status IS DISTINCT FROM excluded.status THEN observed
                                      ELSE t.last_status_change END,
            finalized_at = CASE WHEN excluded.status = 'final' THEN coalesce(t.finalized_at, observed) END,
            abandoned_at = CASE WHEN excluded.status = 'abandoned' THEN coalesce(t.abandoned_at, observed) END,
            last_poll_time = greatest(t.last_poll_time, observed);
END
$$;
COMMENT ON FUNCTION raceday.transform_race(uuid, timestamptz, jsonb, timestamptz, text) IS
    'Part of transform_event: the race (and its meeting, if new) from an event''s data.race.';

COMMIT;
