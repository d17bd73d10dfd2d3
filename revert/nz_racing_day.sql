-- Revert raceday:nz_racing_day from pg

BEGIN;

DROP FUNCTION raceday.nz_day_start(date);
DROP FUNCTION raceday.nz_racing_day(timestamptz);

COMMIT;
