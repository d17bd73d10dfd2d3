-- Deploy raceday:ops_pipeline_metrics to pg
-- requires: ops_views_polish
-- requires: poll_lateness
-- requires: ops_stopped_targets
-- Why: the questions the ops views answer for a person at psql (is polling
-- keeping up, what is quarantined, are partitions made ahead, did pg_cron's
-- jobs run) an alerting system must ask every few seconds. This function
-- answers them as numbers, one row a series, for the one process that
-- exports them to Prometheus (exporter/, as raceday_monitor), so no client
-- needs to read the private tables. It reads only small tables, catalogs
-- and staging through its received_at index: a call takes a few
-- milliseconds, and the exporter caches it for a few seconds.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE FUNCTION ops.pipeline_metrics()
RETURNS TABLE (metric text, labels jsonb, value double precision)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, raceday, pg_temp
AS $$
    WITH kinds(kind) AS (VALUES ('meetings'), ('event')),
    polled AS (
        SELECT t.kind, t.next_poll_at, t.lease_until, t.late_streak
        FROM raceday.poll_targets t WHERE t.next_poll_at IS NOT NULL
    )
    -- Polling: how far behind the schedule, and how many are waiting.
    SELECT 'raceday_pipeline_lag_seconds', jsonb_build_object('kind', k.kind),
           coalesce(extract(epoch FROM max(raceday.clock() - p.next_poll_at)
                            FILTER (WHERE p.next_poll_at <= raceday.clock())), 0)::double precision
    FROM kinds k LEFT JOIN polled p ON p.kind = k.kind GROUP BY k.kind
    UNION ALL
    SELECT 'raceday_pipeline_overdue_targets', jsonb_build_object('kind', k.kind),
           count(p.kind) FILTER (WHERE p.next_poll_at <= raceday.clock()
                                   AND (p.lease_until IS NULL OR p.lease_until < now()))
    FROM kinds k LEFT JOIN polled p ON p.kind = k.kind GROUP BY k.kind
    UNION ALL
    SELECT 'raceday_pipeline_late_poll_streak_max', jsonb_build_object('kind', k.kind),
           coalesce(max(p.late_streak), 0)
    FROM kinds k LEFT JOIN polled p ON p.kind = k.kind GROUP BY k.kind
    UNION ALL
    SELECT 'raceday_pipeline_open_races', '{}', count(*)
    FROM raceday.poll_targets t JOIN raceday.races r ON r.race_id = t.race_id
    WHERE t.kind = 'event' AND t.next_poll_at IS NOT NULL AND r.status = 'open'
    UNION ALL
    -- The latest successful ingest (it sets last_polled_at), on the schedule's clock.
    SELECT 'raceday_pipeline_ingest_age_seconds', '{}',
           coalesce(extract(epoch FROM raceday.clock() - max(t.last_polled_at)), 'NaN')::double precision
    FROM raceday.poll_targets t
    UNION ALL
    SELECT 'raceday_pipeline_stopped_targets', '{}', count(*)
    FROM raceday.poll_targets t WHERE t.stopped_at > raceday.clock() - interval '24 hours'
    UNION ALL
    -- Staging: quarantined polls (stored, transform failed) of the last 24 hours, and its size.
    SELECT 'raceday_pipeline_quarantined_polls', '{}', count(*)
    FROM staging.raw_responses s
    WHERE s.received_at >= now() - interval '24 hours' AND s.transform_error IS NOT NULL
    UNION ALL
    SELECT 'raceday_pipeline_staging_bytes', '{}', pg_total_relation_size('staging.raw_responses')
    UNION ALL
    SELECT 'raceday_pipeline_staging_rows', '{}', greatest(c.reltuples, 0)
    FROM pg_class c WHERE c.oid = 'staging.raw_responses'::regclass
    UNION ALL
    -- History partitions: NZ days made ahead of today (the job keeps 7).
    SELECT 'raceday_pipeline_partition_days_ahead', jsonb_build_object('table', t.parent),
           coalesce(max(p.racing_day) - raceday.nz_racing_day(now()), -1)
    FROM (VALUES ('raceday.money_flow_history'), ('raceday.odds_history')) t(parent)
    LEFT JOIN ops.partitions p ON p.parent = t.parent
    GROUP BY t.parent
    UNION ALL
    -- pg_cron: each job's latest run.
    SELECT 'raceday_pipeline_cron_job_failed', jsonb_build_object('job', j.jobname),
           coalesce(j.last_status = 'failed', false)::integer
    FROM raceday.cron_jobs() j
    UNION ALL
    SELECT 'raceday_pipeline_cron_job_last_run_timestamp_seconds', jsonb_build_object('job', j.jobname),
           coalesce(extract(epoch FROM j.last_start), 0)::double precision
    FROM raceday.cron_jobs() j
    UNION ALL
    -- The server's connections, of every database, against its maximum:
    -- the sessions of login roles (the owner is no superuser and sees
    -- other roles' backend_type as null; pg_cron's launcher is one of them).
    SELECT 'raceday_db_connections', jsonb_build_object('role', a.usename::text), count(*)
    FROM pg_stat_activity a WHERE a.usename IS NOT NULL GROUP BY a.usename
    UNION ALL
    SELECT 'raceday_db_max_connections', '{}', current_setting('max_connections')::double precision
$$;
COMMENT ON FUNCTION ops.pipeline_metrics() IS
    'The pipeline''s state as Prometheus series (metric, labels, value): lag, late polls, quarantined polls, partitions ahead, staging size, pg_cron runs, connections. docs/metrics.md says what each means.';

COMMIT;
