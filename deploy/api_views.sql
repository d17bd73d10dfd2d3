-- Deploy raceday:api_views to pg
-- requires: api_views@v0.7.0 client_fields api_functions api_computed_relationships
-- Why: the fields the client reads that the API lacked (DOMAIN.md §7): a
-- meeting's weather, track direction, surface and rail position, a runner's
-- weights, form comment and last twenty starts, and when each meeting,
-- race, runner and result was first stored (created_at). The other views
-- are as they were (api_views@v0.2.0, pipeline_status of api_views@v0.7.0).
--
-- Reworked: new columns go last, so each view is replaced in place and what
-- is built on them stays. A meeting's conditions are those of its race
-- observed last (TAB sends them on each race; the track's can change
-- during a day), ties to the later race, so a replay gives the same.
-- next_scheduled_race is made again: a function whose body is fixed at
-- creation (BEGIN ATOMIC) expanded api.races' * to the columns of then.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE VIEW api.meetings AS
SELECT m.meeting_id, m.meeting_name, m.country, m.category,
       CASE m.category WHEN 'T' THEN 'thoroughbred' WHEN 'H' THEN 'harness' ELSE 'greyhound' END AS race_type,
       m.date, m.track_condition,
       CASE WHEN r.total_races > 0 AND r.abandoned_races = r.total_races THEN 'abandoned'
            WHEN r.total_races > 0 AND r.finalized_races = r.total_races THEN 'completed'
            ELSE 'active' END AS status,
       r.first_race_time, coalesce(r.total_races, 0) AS total_races, coalesce(r.finalized_races, 0) AS finalized_races,
       coalesce(r.total_races > 0 AND r.finalized_races = r.total_races, false) AS is_completed,
       m.updated_at, m.created_at, c.weather, c.track_direction, c.track_surface, c.rail_position
FROM raceday.meetings m
LEFT JOIN LATERAL (
    SELECT min(x.start_time) AS first_race_time, count(*) AS total_races,
           count(*) FILTER (WHERE x.status IN ('final', 'abandoned')) AS finalized_races,
           count(*) FILTER (WHERE x.status = 'abandoned') AS abandoned_races
    FROM raceday.races x WHERE x.meeting_id = m.meeting_id) r ON true
LEFT JOIN LATERAL (
    SELECT x.weather, x.track_direction, x.track_surface, x.rail_position
    FROM raceday.races x WHERE x.meeting_id = m.meeting_id AND x.last_poll_time IS NOT NULL
    ORDER BY x.last_poll_time DESC, x.race_number DESC LIMIT 1) c ON true
-- The NZ day inline: a raceday function here would need EXECUTE granted to web_anon.
WHERE m.date >= (now() AT TIME ZONE 'Pacific/Auckland')::date - 30;
COMMENT ON COLUMN api.meetings.created_at IS 'When raceday first stored the meeting.';
COMMENT ON COLUMN api.meetings.weather IS 'The weather TAB gave with the meeting''s race observed last (Fine, Overcast, ...).';
COMMENT ON COLUMN api.meetings.track_direction IS 'Which way the track is run (Left, Right), as of the race observed last.';
COMMENT ON COLUMN api.meetings.track_surface IS 'The track''s surface (Turf, Synthetic, ...), as of the race observed last.';
COMMENT ON COLUMN api.meetings.rail_position IS 'Where the rail is, in TAB''s words, as of the race observed last.';

CREATE OR REPLACE VIEW api.races AS
SELECT r.race_id, r.meeting_id, m.meeting_name, r.name, r.race_number, r.start_time, r.actual_start, r.status,
       r.distance, r.track_condition, r.weather, r.type,
       CASE r.type WHEN 'T' THEN 'thoroughbred' WHEN 'H' THEN 'harness' WHEN 'G' THEN 'greyhound' END AS race_type,
       r.field_size, r.entrant_count, r.positions_paid, r.silk_url, r.race_date_nz, r.start_time_nz,
       r.last_status_change, r.finalized_at, r.abandoned_at, r.last_poll_time, r.updated_at,
       r.created_at, r.track_direction, r.track_surface, r.rail_position
FROM raceday.races r JOIN raceday.meetings m USING (meeting_id)
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON COLUMN api.races.field_size IS 'How many runners go to the start: the field less its scratchings.';
COMMENT ON COLUMN api.races.entrant_count IS 'How many runners the race was carded with, scratched ones included.';
COMMENT ON COLUMN api.races.created_at IS 'When raceday first stored the race.';
COMMENT ON COLUMN api.races.track_direction IS 'Which way the track is run (Left, Right).';
COMMENT ON COLUMN api.races.track_surface IS 'The track''s surface (Turf, Synthetic, ...).';
COMMENT ON COLUMN api.races.rail_position IS 'Where the rail is, in TAB''s words.';

CREATE OR REPLACE VIEW api.entrants AS
SELECT e.entrant_id, e.race_id, e.name, e.runner_number, e.barrier, e.jockey, e.trainer_name, e.silk_colours,
       e.silk_url_64x64, e.silk_url_128x128, e.is_scratched, e.is_late_scratched, e.scratch_time, e.is_emergency,
       e.favourite, e.mover, e.fixed_win_odds, e.fixed_place_odds, e.pool_win_odds, e.pool_place_odds,
       e.hold_percentage, e.bet_percentage, e.win_pool_amount, e.place_pool_amount, e.win_pool_percentage,
       e.place_pool_percentage, e.updated_at,
       e.created_at, e.weight_allocated, e.weight_total, e.form_comment, e.last_twenty_starts
FROM raceday.entrants e JOIN raceday.races r USING (race_id)
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON COLUMN api.entrants.created_at IS 'When raceday first stored the runner.';
COMMENT ON COLUMN api.entrants.weight_allocated IS 'The weight allocated to carry, kg (null for harness).';
COMMENT ON COLUMN api.entrants.weight_total IS 'The weight carried with any allowance, kg (null for harness).';
COMMENT ON COLUMN api.entrants.form_comment IS 'TAB''s comment on the runner''s form (often null).';
COMMENT ON COLUMN api.entrants.last_twenty_starts IS
    'The runner''s last starts, latest last: a placing digit each, 0 for tenth or worse, x for a spell.';

CREATE OR REPLACE VIEW api.race_results AS
SELECT t.race_id, t.results_data, t.dividends_data, t.fixed_odds_data, t.result_status, t.results_available,
       t.photo_finish, t.stewards_inquiry, t.protest_lodged, t.result_time,
       t.created_at
FROM raceday.race_results t JOIN raceday.races r USING (race_id)
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON COLUMN api.race_results.created_at IS 'When raceday first stored a result of the race (the interim, if any).';

CREATE OR REPLACE FUNCTION api.next_scheduled_race() RETURNS SETOF api.races
LANGUAGE sql STABLE
SET search_path = pg_catalog, api
BEGIN ATOMIC
    SELECT * FROM api.races r
    WHERE r.start_time > now() AND r.status = 'open'
    ORDER BY r.start_time, r.race_id
    LIMIT 1;
END;

COMMIT;
