-- Deploy raceday:api_views to pg
-- requires: grants transform_event poll_targets reprocess money_flow_latest
-- Why: the client contract (DOMAIN.md §7) as views over the private tables,
-- shaped to the names the client reads: snake_case, statuses lower case,
-- money in integer cents, times as timestamptz (served with an explicit
-- offset). The views are owned by raceday_owner, not a superuser, and run
-- with its rights, so web_anon needs nothing but SELECT on them (granted by
-- default privileges in the grants change). Each view is windowed to the
-- history kept (30 days), so no request reads beyond it.

BEGIN;

SET LOCAL ROLE raceday_owner;

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

CREATE VIEW api.race_pools AS
SELECT p.race_id, p.win_pool_total, p.place_pool_total, p.quinella_pool_total, p.trifecta_pool_total,
       p.exacta_pool_total, p.first4_pool_total, p.total_race_pool, p.currency, p.last_updated
FROM raceday.race_pools p JOIN raceday.races r USING (race_id)
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON VIEW api.race_pools IS 'Latest pool totals per race in integer cents (the client divides by 100).';

CREATE VIEW api.money_flow_timeline AS
SELECT h.id, h.race_id, h.entrant_id, h.type, h.pool_type, h.time_interval, h.time_to_start, h.interval_type,
       h.hold_percentage, h.bet_percentage, h.win_pool_amount, h.place_pool_amount, h.win_pool_percentage,
       h.place_pool_percentage, h.incremental_win_amount, h.incremental_place_amount, h.incremental_amount,
       h.fixed_win_odds, h.fixed_place_odds, h.pool_win_odds, h.pool_place_odds, h.event_timestamp,
       h.polling_timestamp, h.created_at
FROM raceday.money_flow_latest h
WHERE h.event_timestamp >= now() - interval '30 days';
COMMENT ON VIEW api.money_flow_timeline IS
    'The latest money-flow row per race, runner and bucket (the client shows the latest of a bucket). Filter by race_id and entrant_id; page by id or created_at to fetch only what is new.';

CREATE VIEW api.odds_history AS
SELECT h.id, h.race_id, h.entrant_id, h.odds_type, h.odds, h.event_timestamp, h.created_at
FROM raceday.odds_history h
WHERE h.event_timestamp >= now() - interval '30 days' AND h.event_timestamp < now() + interval '2 days';
COMMENT ON VIEW api.odds_history IS 'Odds moves (> 0.01) per runner and type; filter by race_id or entrant_id.';

CREATE VIEW api.race_results AS
SELECT t.race_id, t.results_data, t.dividends_data, t.fixed_odds_data, t.result_status, t.results_available,
       t.photo_finish, t.stewards_inquiry, t.protest_lodged, t.result_time
FROM raceday.race_results t JOIN raceday.races r USING (race_id)
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON VIEW api.race_results IS 'Results and dividends per race, interim then final, with protest and photo flags.';

CREATE VIEW api.pipeline_status AS
SELECT r.race_id, r.status, r.start_time, t.last_polled_at AS last_poll, t.next_poll_at AS next_poll,
       t.failures AS consecutive_failures, t.last_status AS last_http_status, r.last_poll_time AS last_observation,
       q.last_ingest, coalesce(q.quarantined, 0) AS quarantined_polls,
       CASE WHEN r.status IN ('final', 'abandoned') THEN NULL ELSE now() - r.last_poll_time END AS data_age
FROM raceday.races r
LEFT JOIN raceday.poll_targets t ON t.race_id = r.race_id
LEFT JOIN LATERAL (
    SELECT max(s.received_at) AS last_ingest, count(*) FILTER (WHERE s.transform_error IS NOT NULL) AS quarantined
    FROM staging.raw_responses s
    WHERE s.target = r.race_id::text AND s.received_at >= now() - interval '30 days') q ON true
WHERE r.start_time >= now() - interval '30 days';
COMMENT ON VIEW api.pipeline_status IS
    'Per race: last and next poll, failures in a row, last ingest, quarantined polls, and the age of its data.';

COMMIT;
