-- Deploy raceday:transform_odds to pg
-- requires: transform_odds@v0.8.0
-- Why: the odds moves of one event poll (DOMAIN.md §3): a price is stored
-- when it moved more than 0.01 from the runner's previous stored value of
-- the same kind, observed earlier; zero prices never. Keyed on the
-- observation time, so a poll transformed twice writes once. A part of
-- transform_event, which makes the day's partition first.
--
-- Reworked: the look-up reads up to this poll's own instant, and a price
-- already stored at that instant ends the matter. That is what ON CONFLICT
-- DO NOTHING decided before, so the insert no longer needs it, nor the
-- second probe of the key and the speculative insertion it costs for every
-- row (about 50 rows a poll of 14 runners whose prices move): 1.35 million
-- instructions fewer a poll (callgrind). Two transforms of a race never run
-- at once (transform_event locks its row), so no other writer can come
-- between the look-up and the insert; a duplicate key would now fail the
-- poll's transform, visibly, instead of being skipped.

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
    LEFT JOIN LATERAL (SELECT h.odds, h.event_timestamp FROM raceday.odds_history h
                       WHERE h.race_id = race_uuid AND h.entrant_id = o.entrant_id AND h.odds_type = o.odds_type
                         AND h.event_timestamp <= observed
                       ORDER BY h.event_timestamp DESC LIMIT 1) last ON true
    -- A row at this very instant: the poll was transformed before; nothing more.
    WHERE o.value > 0
      AND (last.odds IS NULL OR (last.event_timestamp < observed AND abs(o.value - last.odds) > 0.01));
END
$$;
COMMENT ON FUNCTION raceday.transform_odds(bigint, uuid, timestamptz, jsonb) IS
    'Part of transform_event: the runners'' odds that moved more than 0.01, to odds_history.';

COMMIT;
