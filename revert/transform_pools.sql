-- Revert raceday:transform_pools from pg

BEGIN;

DROP FUNCTION raceday.transform_pools(uuid, timestamptz, jsonb);

COMMIT;
