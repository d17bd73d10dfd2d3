-- Deploy raceday:extensions to pg
-- requires: roles
-- Why: PL/Python runs the data-quality and alert code that is clearer in
-- Python; pg_cron runs the housekeeping jobs (partitions, retention, sweeps).
-- pg_cron can only be created in the database named by cron.database_name,
-- which the local cluster and the production image set to this database.
-- pgTAP is a test tool: the test harness installs it, not the deploy.

BEGIN;

CREATE EXTENSION IF NOT EXISTS plpython3u;
CREATE EXTENSION IF NOT EXISTS pg_cron;

COMMIT;
