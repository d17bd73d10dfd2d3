-- Revert raceday:event_runners from pg

BEGIN;

DROP FUNCTION raceday.event_runners(jsonb);

COMMIT;
