-- Revert raceday:poll_quality from pg

BEGIN;

DROP TABLE raceday.poll_quality;

COMMIT;
