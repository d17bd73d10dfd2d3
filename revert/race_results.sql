-- Revert raceday:race_results from pg

BEGIN;

DROP TABLE raceday.race_results;

COMMIT;
