-- Deploy raceday:ops_views_polish to pg
-- requires: ops_views cron_jobs_as_owner
-- Why: what a DBA's first day with the ops views found.
-- - ops.partitions named each table as a regclass, which prints without its
--   schema whenever raceday is on the search_path (make psql puts it there)
--   and sorts by OID; the NZ racing day a partition holds had to be read
--   out of its bounds in UTC. parent and partition are now schema-qualified
--   text, and racing_day is a column.
-- - ops.cron_jobs read pg_cron's tables as whoever queried it: pg_cron's
--   row-level security shows a role only its own jobs and their runs, and
--   the jobs now run as raceday_owner (cron_jobs_as_owner), so a superuser
--   would have seen no job and the owner no run. It reads them through
--   raceday.cron_jobs(), which runs as the jobs' owner, and says whom each
--   job runs as.
-- - ops.fetch_errors counted everything received since an hour ago, a row
--   dated in the future too (a clock set wrong), which then also skewed the
--   shares; it is now the last hour and nothing after now.
-- - No column said what it held: each now has a comment (\d+ in psql).

BEGIN;

SET LOCAL ROLE raceday_owner;

-- pg_cron's tables as the jobs' owner sees them: its jobs and their runs.
CREATE FUNCTION raceday.cron_jobs()
RETURNS TABLE (jobid bigint, jobname text, schedule text, active boolean, runs_as text, last_start timestamptz,
               last_end timestamptz, last_status text, last_message text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT j.jobid, j.jobname, j.schedule, j.active, j.username, d.start_time, d.end_time, d.status,
           d.return_message
    FROM cron.job j
    LEFT JOIN LATERAL (SELECT r.start_time, r.end_time, r.status, r.return_message FROM cron.job_run_details r
                       WHERE r.jobid = j.jobid ORDER BY r.start_time DESC NULLS LAST LIMIT 1) d ON true
    WHERE j.jobname LIKE 'raceday-%' AND j.database = current_database()
$$;
COMMENT ON FUNCTION raceday.cron_jobs() IS
    'raceday''s pg_cron jobs and the latest run of each, read as their owner (pg_cron shows a role only its own).';

DROP VIEW ops.partitions;
CREATE VIEW ops.partitions AS
-- Named by format(), not regclass::text, which drops the schema when it is
-- on the caller's search_path; in the default collation, like other text
-- (catalog names are "C").
SELECT format('%I.%I', pn.nspname, p.relname) COLLATE "default" AS parent,
       raceday.nz_racing_day((regexp_match(b.bounds, $re$FROM \('([^']+)'\)$re$))[1]::timestamptz) AS racing_day,
       format('%I.%I', cn.nspname, c.relname) COLLATE "default" AS partition, b.bounds, st.n_live_tup AS live_rows,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total_size, pg_total_relation_size(c.oid) AS total_bytes
FROM pg_inherits i
JOIN pg_class p ON p.oid = i.inhparent
JOIN pg_namespace pn ON pn.oid = p.relnamespace
JOIN pg_class c ON c.oid = i.inhrelid
JOIN pg_namespace cn ON cn.oid = c.relnamespace
CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bounds) b
LEFT JOIN pg_stat_user_tables st ON st.relid = c.oid
WHERE i.inhparent IN ('raceday.money_flow_history'::regclass, 'raceday.odds_history'::regclass)
ORDER BY 1, 2;
COMMENT ON VIEW ops.partitions IS
    'History partitions by NZ racing day: bounds, live rows (statistics, not a count) and size. raceday.detached_partitions lists those waiting to be dropped.';

DROP VIEW ops.cron_jobs;
CREATE VIEW ops.cron_jobs AS
SELECT jobid, jobname, schedule, active, last_start, last_end, last_status, last_message, runs_as
FROM raceday.cron_jobs()
ORDER BY jobname;
COMMENT ON VIEW ops.cron_jobs IS
    'raceday''s pg_cron jobs (schedules in GMT, cron.timezone) with their last run: start, end, status and message.';

CREATE OR REPLACE VIEW ops.fetch_errors AS
SELECT coalesce(s.http_status::text, 'no response') AS status, count(*) AS responses,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS percent,
       count(*) FILTER (WHERE s.fetch_error IS NOT NULL) AS failed, max(s.received_at) AS last_seen,
       (array_agg(s.fetch_error ORDER BY s.received_at DESC) FILTER (WHERE s.fetch_error IS NOT NULL))[1] AS last_error
FROM staging.raw_responses s
WHERE s.received_at BETWEEN now() - interval '1 hour' AND now()
GROUP BY 1
ORDER BY 2 DESC;
COMMENT ON VIEW ops.fetch_errors IS
    'The last hour of fetches (every attempt, none dated after now) by HTTP status: how many, their share, how many failed, the latest error.';

COMMENT ON COLUMN ops.pipeline_lag.race_id IS 'The race (raceday.races).';
COMMENT ON COLUMN ops.pipeline_lag.meeting_name IS 'Its meeting.';
COMMENT ON COLUMN ops.pipeline_lag.race_number IS 'Its number in the meeting.';
COMMENT ON COLUMN ops.pipeline_lag.start_time IS 'Advertised start.';
COMMENT ON COLUMN ops.pipeline_lag.status IS 'Race status, lower case.';
COMMENT ON COLUMN ops.pipeline_lag.due IS 'When the next poll is due (poll_targets.next_poll_at).';
COMMENT ON COLUMN ops.pipeline_lag.last_polled_at IS 'When it was last polled, by the schedule''s clock.';
COMMENT ON COLUMN ops.pipeline_lag.next_by_schedule IS 'When the polling tiers would make it due after its last poll.';
COMMENT ON COLUMN ops.pipeline_lag.overdue_by IS 'How long past due it is by raceday.clock(); 0 when not yet due.';
COMMENT ON COLUMN ops.pipeline_lag.lease_owner IS 'The fetcher holding its lease, if one does.';
COMMENT ON COLUMN ops.pipeline_lag.failures IS 'Failed polls in a row.';

COMMENT ON COLUMN ops.failed_polls.staging_id IS 'The row in staging.raw_responses.';
COMMENT ON COLUMN ops.failed_polls.kind IS 'meetings or event.';
COMMENT ON COLUMN ops.failed_polls.target IS 'What was polled: a race id or a meetings page.';
COMMENT ON COLUMN ops.failed_polls.received_at IS 'When the response (or the failure) was received.';
COMMENT ON COLUMN ops.failed_polls.http_status IS 'TAB''s HTTP status; empty when no response came.';
COMMENT ON COLUMN ops.failed_polls.attempt IS 'Which attempt of the fetch this was.';
COMMENT ON COLUMN ops.failed_polls.worker IS 'The fetcher that fetched it.';
COMMENT ON COLUMN ops.failed_polls.failure IS 'fetch: no usable body; quarantined: stored, but its transform failed.';
COMMENT ON COLUMN ops.failed_polls.error IS 'The fetch error, or the transform''s as SQLSTATE: message.';

COMMENT ON COLUMN ops.partitions.parent IS 'The history table, schema-qualified.';
COMMENT ON COLUMN ops.partitions.racing_day IS 'The NZ racing day the partition holds (Pacific/Auckland).';
COMMENT ON COLUMN ops.partitions.partition IS 'The partition, schema-qualified.';
COMMENT ON COLUMN ops.partitions.bounds IS 'Its bounds: NZ midnights, shown in the session''s time zone.';
COMMENT ON COLUMN ops.partitions.live_rows IS 'Live rows by the statistics collector (an estimate, not a count).';
COMMENT ON COLUMN ops.partitions.total_size IS 'Size with indexes and TOAST, readable.';
COMMENT ON COLUMN ops.partitions.total_bytes IS 'Size with indexes and TOAST, in bytes.';

COMMENT ON COLUMN ops.cron_jobs.jobid IS 'pg_cron''s job id (cron.job).';
COMMENT ON COLUMN ops.cron_jobs.jobname IS 'The job''s name; raceday''s start with raceday-.';
COMMENT ON COLUMN ops.cron_jobs.schedule IS 'cron schedule in GMT (cron.timezone): 15:17 GMT is 03:17 NZST, 04:17 NZDT.';
COMMENT ON COLUMN ops.cron_jobs.active IS 'false: pg_cron does not run it.';
COMMENT ON COLUMN ops.cron_jobs.last_start IS 'Start of its latest recorded run.';
COMMENT ON COLUMN ops.cron_jobs.last_end IS 'End of its latest run; empty while it runs.';
COMMENT ON COLUMN ops.cron_jobs.last_status IS 'starting, running, succeeded or failed.';
COMMENT ON COLUMN ops.cron_jobs.last_message IS 'pg_cron''s message: the command tag when it succeeded, the error when it failed.';
COMMENT ON COLUMN ops.cron_jobs.runs_as IS 'The role pg_cron runs it as (never a superuser).';

COMMENT ON COLUMN ops.fetch_errors.status IS 'HTTP status, or no response (timeout, network error).';
COMMENT ON COLUMN ops.fetch_errors.responses IS 'Fetch attempts with that status in the last hour.';
COMMENT ON COLUMN ops.fetch_errors.percent IS 'Their share of the hour''s attempts, in percent.';
COMMENT ON COLUMN ops.fetch_errors.failed IS 'How many of them were stored as failed fetches.';
COMMENT ON COLUMN ops.fetch_errors.last_seen IS 'The latest of them.';
COMMENT ON COLUMN ops.fetch_errors.last_error IS 'The latest failure''s error.';

COMMENT ON COLUMN ops.freshness.race_id IS 'The race (raceday.races).';
COMMENT ON COLUMN ops.freshness.meeting_name IS 'Its meeting.';
COMMENT ON COLUMN ops.freshness.race_number IS 'Its number in the meeting.';
COMMENT ON COLUMN ops.freshness.start_time IS 'Advertised start.';
COMMENT ON COLUMN ops.freshness.status IS 'open, closed or interim.';
COMMENT ON COLUMN ops.freshness.last_observation IS 'When the race was last observed (races.last_poll_time).';
COMMENT ON COLUMN ops.freshness.age IS 'How old that observation is now.';
COMMENT ON COLUMN ops.freshness.expected_every IS 'Its polling interval now.';
COMMENT ON COLUMN ops.freshness.stale IS 'Older than twice its polling interval, or never observed.';
COMMENT ON COLUMN ops.freshness.quality_score IS 'Quality score (0-100) of its latest poll.';

COMMIT;
