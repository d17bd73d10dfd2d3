-- Revert raceday:ops_views_polish from pg: the ops views of ops_views again,
-- without column comments.

BEGIN;

SET LOCAL ROLE raceday_owner;

DROP VIEW ops.partitions;
CREATE VIEW ops.partitions AS
SELECT i.inhparent::regclass AS parent, c.oid::regclass AS partition,
       pg_get_expr(c.relpartbound, c.oid) AS bounds, st.n_live_tup AS live_rows,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size, pg_total_relation_size(c.oid) AS total_bytes
FROM pg_inherits i
JOIN pg_class c ON c.oid = i.inhrelid
LEFT JOIN pg_stat_user_tables st ON st.relid = c.oid
WHERE i.inhparent IN ('raceday.money_flow_history'::regclass, 'raceday.odds_history'::regclass)
ORDER BY i.inhparent::regclass::text, c.relname;
COMMENT ON VIEW ops.partitions IS
    'History partitions by NZ racing day: bounds, live rows (statistics, not a count) and size. raceday.detached_partitions lists those waiting to be dropped.';

DROP VIEW ops.cron_jobs;
CREATE VIEW ops.cron_jobs AS
SELECT j.jobid, j.jobname, j.schedule, j.active, d.start_time AS last_start, d.end_time AS last_end,
       d.status AS last_status, d.return_message AS last_message
FROM cron.job j
LEFT JOIN LATERAL (SELECT r.start_time, r.end_time, r.status, r.return_message FROM cron.job_run_details r
                   WHERE r.jobid = j.jobid ORDER BY r.start_time DESC NULLS LAST LIMIT 1) d ON true
WHERE j.jobname LIKE 'raceday-%'
ORDER BY j.jobname;
COMMENT ON VIEW ops.cron_jobs IS 'raceday''s pg_cron jobs with their last run: start, end, status and message.';

DROP FUNCTION raceday.cron_jobs();

CREATE OR REPLACE VIEW ops.fetch_errors AS
SELECT coalesce(s.http_status::text, 'no response') AS status, count(*) AS responses,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS percent,
       count(*) FILTER (WHERE s.fetch_error IS NOT NULL) AS failed, max(s.received_at) AS last_seen,
       (array_agg(s.fetch_error ORDER BY s.received_at DESC) FILTER (WHERE s.fetch_error IS NOT NULL))[1] AS last_error
FROM staging.raw_responses s
WHERE s.received_at >= now() - interval '1 hour'
GROUP BY 1
ORDER BY 2 DESC;
COMMENT ON VIEW ops.fetch_errors IS
    'The last hour of fetches (every attempt) by HTTP status: how many, their share, how many failed, the latest error.';

DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT a.attrelid::regclass AS view, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'ops'::regnamespace AND c.relkind = 'v' AND a.attnum > 0
          AND col_description(a.attrelid, a.attnum) IS NOT NULL
    LOOP
        EXECUTE format('COMMENT ON COLUMN %s.%I IS NULL', col.view, col.attname);
    END LOOP;
END
$$;

COMMIT;
