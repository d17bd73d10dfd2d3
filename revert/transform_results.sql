-- Revert raceday:transform_results from pg

BEGIN;

DROP FUNCTION raceday.transform_results(uuid, timestamptz, text, jsonb, jsonb, jsonb);

COMMIT;
