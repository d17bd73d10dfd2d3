-- Revert raceday:poll_targets_stopped from pg
-- Targets stopped stay unpolled (next_poll_at null, as a final race's), but
-- lose their reason; resume them first (raceday.resume_polling) if they
-- should be polled under the previous release.

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP TRIGGER hold_stopped ON raceday.poll_targets;
DROP FUNCTION raceday.poll_targets_hold_stopped();
DROP INDEX raceday.poll_targets_stopped_idx;
ALTER TABLE raceday.poll_targets
    DROP CONSTRAINT poll_targets_stopped_not_due_check,
    DROP CONSTRAINT poll_targets_stopped_reason_check,
    DROP COLUMN resumed_at,
    DROP COLUMN stopped_reason,
    DROP COLUMN stopped_at,
    DROP COLUMN not_found;
ALTER TABLE raceday.settings
    DROP COLUMN stop_after_start,
    DROP COLUMN stop_after_404s;

COMMIT;
