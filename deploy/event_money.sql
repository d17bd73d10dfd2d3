-- Deploy raceday:event_money to pg
-- requires: schemas
-- Why: a runner's hold and bet are the SUM of its interleaved money-tracker
-- entries (DOMAIN.md §2), where earlier systems took one entry. Summed
-- once per poll, here; the runners, the money flow and the quality record
-- of the transform all read the result.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION raceday.event_money(entrants jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (
    SELECT jsonb_object_agg(entrant_id, jsonb_build_object('hold', hold, 'bet', bet))
    FROM (SELECT e ->> 'entrant_id' AS entrant_id, sum((e ->> 'hold_percentage')::numeric) AS hold,
                 sum((e ->> 'bet_percentage')::numeric) AS bet
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(entrants) = 'array' THEN entrants END) AS e
          GROUP BY 1) m);
COMMENT ON FUNCTION raceday.event_money(jsonb) IS
    'An event''s money_tracker.entrants summed per runner: {entrant_id: {hold, bet}}, null without entries.';

COMMIT;
