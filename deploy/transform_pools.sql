-- Deploy raceday:transform_pools to pg
-- requires: race_pools
-- Why: the race's pools of one event poll in cents (DOMAIN.md §4), the
-- total counting every product. A late, older poll (a replay out of order)
-- does not replace a newer one, and an unchanged one writes nothing. A
-- part of transform_event; a poll without pools leaves the row as it was.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.transform_pools(race_uuid uuid, observed timestamptz, pools jsonb) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    IF pools IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO raceday.race_pools AS t (race_id, win_pool_total, place_pool_total, quinella_pool_total,
                                         trifecta_pool_total, exacta_pool_total, first4_pool_total,
                                         total_race_pool, last_updated)
    SELECT race_uuid, coalesce(round((pools ->> 'win')::numeric * 100), 0),
           coalesce(round((pools ->> 'place')::numeric * 100), 0),
           coalesce(round((pools ->> 'quinella')::numeric * 100), 0),
           coalesce(round((pools ->> 'trifecta')::numeric * 100), 0),
           coalesce(round((pools ->> 'exacta')::numeric * 100), 0),
           coalesce(round((pools ->> 'first4')::numeric * 100), 0),
           (SELECT coalesce(sum(round(value::numeric * 100)), 0) FROM jsonb_each_text(pools)),
           observed
    ON CONFLICT (race_id) DO UPDATE
        SET win_pool_total = excluded.win_pool_total, place_pool_total = excluded.place_pool_total,
            quinella_pool_total = excluded.quinella_pool_total, trifecta_pool_total = excluded.trifecta_pool_total,
            exacta_pool_total = excluded.exacta_pool_total, first4_pool_total = excluded.first4_pool_total,
            total_race_pool = excluded.total_race_pool, last_updated = excluded.last_updated
        WHERE t.last_updated <= excluded.last_updated
          AND (t.win_pool_total, t.place_pool_total, t.quinella_pool_total, t.trifecta_pool_total,
               t.exacta_pool_total, t.first4_pool_total, t.total_race_pool)
              IS DISTINCT FROM
              (excluded.win_pool_total, excluded.place_pool_total, excluded.quinella_pool_total,
               excluded.trifecta_pool_total, excluded.exacta_pool_total, excluded.first4_pool_total,
               excluded.total_race_pool);
END
$$;
COMMENT ON FUNCTION raceday.transform_pools(uuid, timestamptz, jsonb) IS
    'Part of transform_event: the race''s pools in cents (pools: event_pools()).';

COMMIT;
