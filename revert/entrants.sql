-- Revert raceday:entrants from pg

BEGIN;

DROP TABLE raceday.entrants;

COMMIT;
