-- Deploy raceday:transform_meetings to pg
-- requires: transform_meetings@v0.4.0
-- Why: a meetings list tells raceday which races exist and when they start;
-- without it nothing is scheduled. Two set-based statements over the stored
-- document upsert the meetings and races of the configured countries and
-- categories (others, such as greyhounds, are ignored), touching a row only
-- when something changed; a third gives each new race its first event poll,
-- due at once (the day's baseline poll).
--
-- Reworked: staging keeps each response as the text received (see
-- raw_responses_body_text). The ingest hands over the document it has just
-- parsed, as it does to transform_event; without one (a reprocess) the
-- stored text is parsed here.

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP FUNCTION raceday.transform_meetings(bigint);

-- doc, when given, must be the stored document of staging_id.
CREATE FUNCTION raceday.transform_meetings(staging_id bigint, doc jsonb DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
AS $$
DECLARE
    meetings jsonb;
    new_races integer;
BEGIN
    SELECT coalesce(doc, r.body::jsonb) -> 'data' -> 'meetings' INTO meetings
    FROM staging.raw_responses r WHERE r.id = staging_id;
    IF jsonb_typeof(meetings) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'meetings response % has no data.meetings array', staging_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    INSERT INTO raceday.meetings AS t (meeting_id, meeting_name, country, category, date, state, track_condition)
    SELECT m.meeting, m.name, m.country, m.category, left(m.date, 10)::date, m.state, nullif(m.track_condition, '')
    FROM jsonb_to_recordset(meetings) AS m(meeting uuid, name text, country text, category text, date text,
                                      state text, track_condition text),
         raceday.settings s
    WHERE m.country = ANY (s.countries) AND m.category = ANY (s.categories)
    ON CONFLICT (meeting_id) DO UPDATE
        SET meeting_name = excluded.meeting_name, country = excluded.country, category = excluded.category,
            date = excluded.date, state = excluded.state, track_condition = excluded.track_condition
        WHERE (t.meeting_name, t.country, t.category, t.date, t.state, t.track_condition)
              IS DISTINCT FROM (excluded.meeting_name, excluded.country, excluded.category, excluded.date,
                                excluded.state, excluded.track_condition);

    WITH races AS (
        SELECT (m ->> 'meeting')::uuid AS meeting_id, m ->> 'category' AS category, r.*
        FROM jsonb_array_elements(meetings) AS m
        CROSS JOIN raceday.settings s
        CROSS JOIN LATERAL jsonb_to_recordset(m -> 'races') AS r(
            id uuid, race_number integer, name text, start_time timestamptz, track_condition text,
            distance integer, weather text, status text)
        WHERE m ->> 'country' = ANY (s.countries) AND m ->> 'category' = ANY (s.categories)
    ), upserted AS (
        INSERT INTO raceday.races AS t (race_id, meeting_id, name, race_number, start_time, status, distance,
                                        track_condition, weather, type, last_status_change)
        SELECT id, meeting_id, name, race_number, start_time, lower(status), distance,
               nullif(track_condition, ''), nullif(weather, ''), category, now()
        FROM races
        ON CONFLICT (race_id) DO UPDATE
            SET name = excluded.name, race_number = excluded.race_number, start_time = excluded.start_time,
                status = excluded.status, distance = excluded.distance,
                track_condition = excluded.track_condition, weather = excluded.weather,
                last_status_change = CASE WHEN t.status IS DISTINCT FROM excluded.status
                                          THEN now() ELSE t.last_status_change END
            WHERE (t.name, t.race_number, t.start_time, t.status, t.distance, t.track_condition, t.weather)
                  IS DISTINCT FROM (excluded.name, excluded.race_number, excluded.start_time, excluded.status,
                                    excluded.distance, excluded.track_condition, excluded.weather)
        RETURNING t.race_id
    )
    INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at)
    SELECT race_id::text, 'event', race_id, raceday.clock() FROM upserted
    ON CONFLICT (target) DO NOTHING;
    GET DIAGNOSTICS new_races = ROW_COUNT;
    RETURN new_races;
END
$$;
COMMENT ON FUNCTION raceday.transform_meetings(bigint, jsonb) IS
    'Upserts the in-scope meetings and races of a stored meetings response; schedules new races. Returns how many were new.';

COMMIT;
