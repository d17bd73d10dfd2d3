-- Revert raceday:housekeeping from pg

BEGIN;

SELECT cron.unschedule(jobname) FROM cron.job
WHERE jobname IN ('raceday-partitions', 'raceday-sweep', 'raceday-staging-retention', 'raceday-cron-history');

DROP FUNCTION raceday.prune_cron_history();
DROP FUNCTION raceday.prune_staging();
DROP FUNCTION raceday.maintain_partitions();
DROP TABLE raceday.detached_partitions;

ALTER TABLE raceday.settings
    DROP COLUMN cron_history_retention, DROP COLUMN staging_retention,
    DROP COLUMN detach_grace, DROP COLUMN history_retention;

COMMIT;
