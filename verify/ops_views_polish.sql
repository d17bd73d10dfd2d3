-- Verify raceday:ops_views_polish on pg: the new columns are there, and
-- every column of the six views says what it holds.

SELECT parent::text, racing_day::date, partition::text FROM ops.partitions WHERE false;
SELECT jobname, runs_as, last_message FROM ops.cron_jobs WHERE false;
SELECT 'raceday.cron_jobs()'::regprocedure;
SELECT 1 / (count(*) > 0 AND bool_and(col_description(a.attrelid, a.attnum) IS NOT NULL))::int
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.oid IN ('ops.pipeline_lag'::regclass, 'ops.failed_polls'::regclass, 'ops.partitions'::regclass,
                'ops.cron_jobs'::regclass, 'ops.fetch_errors'::regclass, 'ops.freshness'::regclass) AND a.attnum > 0;
