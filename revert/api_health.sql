-- Revert raceday:api_health from pg

BEGIN;

DROP FUNCTION api.health();

COMMIT;
