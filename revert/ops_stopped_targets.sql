-- Revert raceday:ops_stopped_targets from pg

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP VIEW ops.stopped_targets;

COMMIT;
