-- Revert raceday:transform_odds from pg: the version of transform_odds@v0.8.0,
-- whose look-up stops before the poll's instant and whose insert skips a
-- conflict (same signature, so replaced in place: its privileges and comment stay).

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.transform_odds(staging_id bigint, race_uuid uuid, observed timestamptz, runners jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, raceday
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    INSERT INTO raceday.odds_history (race_id, entrant_id, staging_id, odds_type, odds, event_timestamp)
    SELECT race_uuid, o.entrant_id, transform_odds.staging_id, o.odds_type, round(o.value, 2), observed
    FROM (SELECT x.entrant_id, k.odds_type, (x.odds ->> k.odds_type)::numeric AS value
          FROM jsonb_to_recordset(runners)
                   AS x(entrant_id uuid, odds jsonb)
          CROSS JOIN unnest(ARRAY['fixed_win', 'fixed_place', 'pool_win', 'pool_place']) AS k(odds_type)) o
    LEFT JOIN LATERAL (SELECT h.odds FROM raceday.odds_history h
                       WHERE h.race_id = race_uuid AND h.entrant_id = o.entrant_id AND h.odds_type = o.odds_type
                         AND h.event_timestamp < observed
                       ORDER BY h.event_timestamp DESC LIMIT 1) last ON true
    WHERE o.value > 0 AND (last.odds IS NULL OR abs(o.value - last.odds) > 0.01)
    ON CONFLICT DO NOTHING;
END
$$;
COMMENT ON FUNCTION raceday.transform_odds(bigint, uuid, timestamptz, jsonb) IS
    'Part of transform_event: the runners'' odds that moved more than 0.01, to odds_history.';

COMMIT;
