-- Revert raceday:change_feed from pg

BEGIN;

SELECT cron.unschedule('raceday-change-feed-retention');

SET LOCAL ROLE raceday_owner;

DROP TRIGGER change_feed_reset ON raceday.entrants;
DROP FUNCTION raceday.change_feed_reset();
DROP FUNCTION raceday.prune_change_feed();
DROP FUNCTION raceday.announce_meetings(bigint);
DROP FUNCTION raceday.announce_event(bigint, raceday.races);
DROP FUNCTION raceday.announce(uuid, text[], bigint, timestamptz, uuid[]);
DROP TABLE raceday.change_feed;
DROP FUNCTION raceday.day_kinds();

RESET ROLE;

ALTER TABLE raceday.settings DROP COLUMN change_feed_retention;

COMMIT;
