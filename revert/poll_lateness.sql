-- Revert raceday:poll_lateness from pg

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP TRIGGER poll_targets_lateness ON raceday.poll_targets;
DROP FUNCTION raceday.track_poll_lateness();
ALTER TABLE raceday.poll_targets DROP COLUMN claim_lag, DROP COLUMN late_streak;

COMMIT;
