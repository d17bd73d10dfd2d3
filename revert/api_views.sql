-- Revert raceday:api_views from pg: the four views as of api_views@v0.7.0
-- (a view loses columns only by being made again, and with it what is
-- built on its rows: the functions returning or taking them, made again as
-- api_functions and api_computed_relationships made them).

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP FUNCTION api.odds_history(api.entrants), api.money_flow_timeline(api.entrants),
    api.upcoming_races(integer, integer, integer), api.next_scheduled_race();
DROP VIEW api.meetings, api.races, api.entrants, api.race_results;

CREATE VIEW api.meetings AS
SELECT m.meeting_id, m.meeting_name, m.country, m.category,
       CASE m.category WHEN 'T' THEN 'thoroughbred' WHEN 'H' THEN 'harness' ELSE 'greyhound' END AS race_type,
       m.date, m.track_condition,
       CASE WHEN r.total_races > 0 AND r.abandoned_races = r.total_races THEN 'abandoned'
            WHEN r.total_races > 0 AND r.finalized_races = r.total_races THEN 'completed'
            ELSE 'active' END AS status,
       r.first_race_time, coalesce(r.total_races, 0) AS total_races, coalesce(r.finalized_races, 0) AS finalized_races,
       coalesce(r.total_races > 0 AND r.finalized_races = r.total_races, false) AS is_completed,
       m.updated_at
FROM raceday.meetings m
LEFT JOIN LATERAL (
    SELECT min(x.start_time) AS first_race_time, count(*) AS total_races,
           count(*) FILTER (WHERE x.status IN ('final', 'abandoned')) AS finalized_races,
           count(*) FILTER (WHERE x.status = 'abandoned') AS abandoned_races
    FROM raceday.races x WHERE x.meeting_id = m.meeting_id) r ON true
-- The NZ day inline: a raceday function here would need EXECUTE granted to web_anon.
WHERE m.date >= (now() AT TIME ZONE 'Pacific/Auckland')::date - 30;
COMMENT ON VIEW api.meetings IS
    'Meetings of the last 30 NZ racing days onwards: first race time, race counts, completed when every race is final or abandoned.';

CREATE VIEW api.races AS
SELECT r.race_id, r.meeting_id, m.meeting_name, r.name, r.race_number, r.start_time, r.actual_start, r.status,
       r.distance, r.track_condition, r.weather, r.type,
       CASE r.type WHEN 'T' THEN 'thoroughbred' WHEN 'H' THEN 'harness' WHEN 'G' THEN 'greyhound' END AS race_type,
       r.field_size, r.entrant_count, r.positions_paid, r.silk_url, r.race_date_nz, r.start_time_nz,
       r.last_status_change, r.finalized_at, r.abandoned_at, r.last_poll_time, r.updated_at
FROM raceday.races r JOIN raceday.meetings m USING (meeting_id)
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON VIEW api.races IS 'Races of the last 30 days onwards, with their meeting''s name; statuses lower case.';

CREATE VIEW api.entrants AS
SELECT e.entrant_id, e.race_id, e.name, e.runner_number, e.barrier, e.jockey, e.trainer_name, e.silk_colours,
       e.silk_url_64x64, e.silk_url_128x128, e.is_scratched, e.is_late_scratched, e.scratch_time, e.is_emergency,
       e.favourite, e.mover, e.fixed_win_odds, e.fixed_place_odds, e.pool_win_odds, e.pool_place_odds,
       e.hold_percentage, e.bet_percentage, e.win_pool_amount, e.place_pool_amount, e.win_pool_percentage,
       e.place_pool_percentage, e.updated_at
FROM raceday.entrants e JOIN raceday.races r USING (race_id)
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON VIEW api.entrants IS 'Runners with their current odds and money (cents); filter by race_id.';

CREATE VIEW api.race_results AS
SELECT t.race_id, t.results_data, t.dividends_data, t.fixed_odds_data, t.result_status, t.results_available,
       t.photo_finish, t.stewards_inquiry, t.protest_lodged, t.result_time
FROM raceday.race_results t JOIN raceday.races r USING (race_id)
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON VIEW api.race_results IS 'Results and dividends per race, interim then final, with protest and photo flags.';

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

CREATE FUNCTION api.odds_history(api.entrants) RETURNS SETOF api.odds_history
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM api.odds_history h WHERE h.race_id = $1.race_id AND h.entrant_id = $1.entrant_id;
END;
COMMENT ON FUNCTION api.odds_history(api.entrants) IS
    'Embeds a runner''s odds moves: /entrants?select=*,odds_history(odds,odds_type,event_timestamp).';

CREATE FUNCTION api.money_flow_timeline(api.entrants) RETURNS SETOF api.money_flow_timeline
LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT * FROM api.money_flow_timeline m WHERE m.race_id = $1.race_id AND m.entrant_id = $1.entrant_id;
END;
COMMENT ON FUNCTION api.money_flow_timeline(api.entrants) IS
    'Embeds a runner''s latest money flow per bucket: /entrants?select=*,money_flow_timeline(time_interval,win_pool_amount).';

GRANT EXECUTE ON FUNCTION api.odds_history(api.entrants), api.money_flow_timeline(api.entrants) TO web_anon;

COMMIT;
