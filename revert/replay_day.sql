-- Revert raceday:replay_day from pg

BEGIN;

DROP FUNCTION raceday.replay_day(date);

COMMIT;
