-- Revert raceday:plpython_modules from pg

BEGIN;

DROP FUNCTION raceday.plpython_module(text);
DROP TABLE raceday.plpython_modules;
DROP EXTENSION IF EXISTS jsonb_plpython3u;

COMMIT;
