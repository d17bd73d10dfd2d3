-- Revert raceday:transform_race from pg

BEGIN;

DROP FUNCTION raceday.transform_race(uuid, timestamptz, jsonb, timestamptz, text);

COMMIT;
