-- Revert raceday:touch_updated_at from pg

BEGIN;

DROP FUNCTION raceday.touch_updated_at();

COMMIT;
