-- Revert raceday:races from pg

BEGIN;

DROP TABLE raceday.races;

COMMIT;
