-- Revert raceday:transform_odds from pg

BEGIN;

DROP FUNCTION raceday.transform_odds(bigint, uuid, timestamptz, jsonb);

COMMIT;
