-- Revert raceday:schemas from pg

BEGIN;

DROP SCHEMA ops;
DROP SCHEMA api;
DROP SCHEMA raceday;
DROP SCHEMA staging;

COMMIT;
