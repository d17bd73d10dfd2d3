-- Revert raceday:settings from pg

BEGIN;

DROP FUNCTION raceday.clock();
DROP TABLE raceday.settings;

COMMIT;
