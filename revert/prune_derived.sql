-- Revert raceday:prune_derived from pg

BEGIN;

SELECT cron.unschedule('raceday-derived-retention');
DROP FUNCTION raceday.prune_derived();

COMMIT;
