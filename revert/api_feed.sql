-- Revert raceday:api_feed from pg

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP FUNCTION api.feed_cursor(uuid);
DROP FUNCTION api.day_feed(bigint, integer);
DROP FUNCTION api.race_feed(uuid, bigint, integer);
DROP FUNCTION raceday.check_feed_window(bigint, integer);

COMMIT;
