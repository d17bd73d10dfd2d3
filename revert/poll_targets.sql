-- Revert raceday:poll_targets from pg

BEGIN;

DROP TABLE raceday.poll_targets;

COMMIT;
