-- Revert raceday:ops_views from pg

BEGIN;

DROP VIEW ops.freshness;
DROP VIEW ops.fetch_errors;
DROP VIEW ops.cron_jobs;
DROP VIEW ops.partitions;
DROP VIEW ops.failed_polls;
DROP VIEW ops.pipeline_lag;

COMMIT;
