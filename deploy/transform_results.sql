-- Deploy raceday:transform_results to pg
-- requires: race_results
-- Why: the results of one event poll once the race is interim or final
-- (DOMAIN.md §5): placings and dividends as TAB gives them, each runner's
-- fixed odds by runner number, and the photo, inquiry and protest flags
-- read from the dividends' statuses. A late, older poll does not replace a
-- newer one, and an unchanged one writes nothing. A part of transform_event.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.transform_results(race_uuid uuid, observed timestamptz, new_status text, results jsonb,
                                          dividends jsonb, runners jsonb) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    IF jsonb_typeof(results) = 'array' AND jsonb_array_length(results) > 0
       AND new_status IN ('interim', 'final') THEN
        INSERT INTO raceday.race_results AS t (race_id, results_data, dividends_data, fixed_odds_data, result_status,
                                               results_available, photo_finish, stewards_inquiry, protest_lodged,
                                               result_time)
        SELECT race_uuid, results, coalesce(dividends, '[]'),
               coalesce((SELECT jsonb_object_agg(x ->> 'runner_number',
                                                 jsonb_build_object('fixed_win', x #> '{odds,fixed_win}',
                                                                    'fixed_place', x #> '{odds,fixed_place}'))
                         FROM jsonb_array_elements(runners) x WHERE x ? 'runner_number'), '{}'),
               new_status, true,
               EXISTS (SELECT FROM jsonb_array_elements(dividends) d WHERE d ->> 'status' ILIKE '%photo%'),
               EXISTS (SELECT FROM jsonb_array_elements(dividends) d WHERE d ->> 'status' ILIKE '%inquiry%'),
               EXISTS (SELECT FROM jsonb_array_elements(dividends) d WHERE d ->> 'status' ILIKE '%protest%'),
               observed
        ON CONFLICT (race_id) DO UPDATE
            SET results_data = excluded.results_data, dividends_data = excluded.dividends_data,
                fixed_odds_data = excluded.fixed_odds_data, result_status = excluded.result_status,
                results_available = excluded.results_available, photo_finish = excluded.photo_finish,
                stewards_inquiry = excluded.stewards_inquiry, protest_lodged = excluded.protest_lodged,
                result_time = excluded.result_time
            WHERE t.result_time <= excluded.result_time
              AND (t.results_data, t.dividends_data, t.fixed_odds_data, t.result_status, t.photo_finish,
                   t.stewards_inquiry, t.protest_lodged)
                  IS DISTINCT FROM
                  (excluded.results_data, excluded.dividends_data, excluded.fixed_odds_data, excluded.result_status,
                   excluded.photo_finish, excluded.stewards_inquiry, excluded.protest_lodged);
    END IF;
END
$$;
COMMENT ON FUNCTION raceday.transform_results(uuid, timestamptz, text, jsonb, jsonb, jsonb) IS
    'Part of transform_event: the race''s results, dividends and flags from data.results and data.dividends.';

COMMIT;
