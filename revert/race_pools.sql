-- Revert raceday:race_pools from pg

BEGIN;

DROP TABLE raceday.race_pools;

COMMIT;
