-- Revert raceday:reprocess from pg

BEGIN;

DROP FUNCTION raceday.sweep(integer);
DROP FUNCTION raceday.reprocess(uuid);

COMMIT;
