-- Revert raceday:event_pools from pg

BEGIN;

DROP FUNCTION raceday.event_pools(jsonb, jsonb);

COMMIT;
