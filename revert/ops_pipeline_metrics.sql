-- Revert raceday:ops_pipeline_metrics from pg

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP FUNCTION ops.pipeline_metrics();

COMMIT;
