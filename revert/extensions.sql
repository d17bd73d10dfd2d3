-- Revert raceday:extensions from pg

BEGIN;

DROP EXTENSION IF EXISTS pg_cron;
DROP EXTENSION IF EXISTS plpython3u;

COMMIT;
