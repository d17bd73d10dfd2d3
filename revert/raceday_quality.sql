-- Revert raceday:raceday_quality from pg

BEGIN;

DROP TRIGGER score_poll_quality ON raceday.poll_quality;
DROP FUNCTION raceday.score_poll_quality();
ALTER TABLE raceday.poll_quality DROP COLUMN score, DROP COLUMN reasons;
DROP FUNCTION raceday.quality_score(text, float8, float8, integer, text[], integer, integer, integer, float8);
DELETE FROM raceday.plpython_modules WHERE name = 'raceday_quality';

COMMIT;
