-- Revert raceday:transform_event from pg

BEGIN;

DROP FUNCTION raceday.transform_event(bigint);

COMMIT;
