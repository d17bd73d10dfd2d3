-- Revert raceday:api_functions from pg

BEGIN;

DROP FUNCTION api.race_navigation(uuid);
DROP FUNCTION api.next_scheduled_race();
DROP FUNCTION api.upcoming_races(integer, integer, integer);

COMMIT;
