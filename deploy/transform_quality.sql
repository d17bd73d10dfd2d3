-- Deploy raceday:transform_quality to pg
-- requires: poll_quality
-- Why: the quality facts of one event poll (one row per poll, written
-- once): runners and those not scratched, hold and bet summed over them,
-- money-tracker ids the runners[] list does not have, missing Win or Place
-- pools. Its row trigger (score_poll_quality) scores them and counts the
-- poll's negative increments, so transform_event calls this part after
-- the money flow. The next poll's money flow reads the status kept here.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.transform_quality(staging_id bigint, race_uuid uuid, observed timestamptz, new_status text,
                                          runners jsonb, money jsonb, win_total numeric, place_total numeric)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    INSERT INTO raceday.poll_quality AS q (staging_id, race_id, observed_at, status, runners, active_runners,
                                           hold_sum, bet_sum, stray_ids, missing_pools)
    SELECT transform_quality.staging_id, race_uuid, observed, new_status, count(x.entrant_id),
           count(x.entrant_id) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           sum((money -> x.entrant_id::text ->> 'hold')::numeric) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           sum((money -> x.entrant_id::text ->> 'bet')::numeric) FILTER (WHERE NOT coalesce(x.is_scratched, false)),
           (SELECT count(*) FROM jsonb_object_keys(coalesce(money, '{}')) k
            WHERE k NOT IN (SELECT y ->> 'entrant_id' FROM jsonb_array_elements(runners) y
                            WHERE y ->> 'entrant_id' IS NOT NULL)),
           array_remove(ARRAY[CASE WHEN win_total IS NULL THEN 'win' END,
                              CASE WHEN place_total IS NULL THEN 'place' END], NULL)
    FROM jsonb_to_recordset(runners) AS x(entrant_id uuid, is_scratched boolean)
    ON CONFLICT ON CONSTRAINT poll_quality_pkey DO NOTHING;
END
$$;
COMMENT ON FUNCTION raceday.transform_quality(bigint, uuid, timestamptz, text, jsonb, jsonb, numeric, numeric) IS
    'Part of transform_event: the poll''s quality facts, scored by their row trigger as they go in.';

COMMIT;
