-- Revert raceday:transform_meetings from pg

BEGIN;

DROP FUNCTION raceday.transform_meetings(bigint);

COMMIT;
