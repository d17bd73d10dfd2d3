-- Deploy raceday:monitor_role to pg
-- requires: roles
-- Why: the pipeline's state (lag, quarantined polls, partitions, pg_cron's
-- runs, connections) is exported to Prometheus by one small process, which
-- needs a login of its own: it may execute ops.pipeline_metrics() and
-- nothing else (grants), so a leaked metrics password reads counts, not
-- data. A few connections (one in use, one for a restart), and a statement
-- timeout: a scrape that hangs must not hold one.
-- The role belongs to the cluster, as in the roles change.

BEGIN;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'raceday_monitor') THEN
        CREATE ROLE raceday_monitor LOGIN;
    END IF;
END
$$;
ALTER ROLE raceday_monitor CONNECTION LIMIT 3;
ALTER ROLE raceday_monitor SET statement_timeout = '5s';

COMMIT;
