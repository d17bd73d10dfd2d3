-- Revert raceday:transform_runners from pg

BEGIN;

DROP FUNCTION raceday.transform_runners(uuid, jsonb, jsonb, numeric, numeric);

COMMIT;
