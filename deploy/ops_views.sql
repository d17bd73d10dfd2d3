-- Deploy raceday:ops_views to pg
-- requires: schemas poll_targets raw_responses housekeeping poll_schedule raceday_quality
-- Why: the people who run raceday investigate with psql; these views answer
-- their first questions without a query written under pressure: is polling
-- keeping up, what failed and why, how big is the history, did the cron jobs
-- run, which status codes is TAB answering, and how fresh is each race. They
-- read the private tables and are for the owner and superusers only (web_anon
-- has no usage on ops).

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE VIEW ops.pipeline_lag AS
SELECT r.race_id, m.meeting_name, r.race_number, r.start_time, r.status, t.next_poll_at AS due, t.last_polled_at,
       raceday.next_poll_time(r.status, r.start_time, t.last_polled_at) AS next_by_schedule,
       greatest(raceday.clock() - t.next_poll_at, interval '0') AS overdue_by, t.lease_owner, t.failures
FROM raceday.poll_targets t
JOIN raceday.races r ON r.race_id = t.race_id
JOIN raceday.meetings m ON m.meeting_id = r.meeting_id
WHERE t.kind = 'event' AND t.next_poll_at IS NOT NULL
ORDER BY t.next_poll_at;
COMMENT ON VIEW ops.pipeline_lag IS
    'Races still polled: when each is due, when it was last polled, how far overdue (by the schedule''s clock), who holds it.';

CREATE VIEW ops.failed_polls AS
SELECT s.id AS staging_id, s.kind, s.target, s.received_at, s.http_status, s.attempt, s.worker,
       CASE WHEN s.fetch_error IS NOT NULL THEN 'fetch' ELSE 'quarantined' END AS failure,
       coalesce(s.fetch_error, s.transform_error) AS error
FROM staging.raw_responses s
WHERE (s.fetch_error IS NOT NULL OR s.transform_error IS NOT NULL) AND s.received_at >= now() - interval '24 hours'
ORDER BY s.received_at DESC;
COMMENT ON VIEW ops.failed_polls IS
    'The last 24 hours of failed fetches and quarantined polls (transform errors), newest first, with their errors. raceday.sweep() retries the quarantined.';

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

CREATE VIEW ops.cron_jobs AS
SELECT j.jobid, j.jobname, j.schedule, j.active, d.start_time AS last_start, d.end_time AS last_end,
       d.status AS last_status, d.return_message AS last_message
FROM cron.job j
LEFT JOIN LATERAL (SELECT r.start_time, r.end_time, r.status, r.return_message FROM cron.job_run_details r
                   WHERE r.jobid = j.jobid ORDER BY r.start_time DESC NULLS LAST LIMIT 1) d ON true
WHERE j.jobname LIKE 'raceday-%'
ORDER BY j.jobname;
COMMENT ON VIEW ops.cron_jobs IS 'raceday''s pg_cron jobs with their last run: start, end, status and message.';

CREATE VIEW ops.fetch_errors AS
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

CREATE VIEW ops.freshness AS
SELECT r.race_id, m.meeting_name, r.race_number, r.start_time, r.status, r.last_poll_time AS last_observation,
       now() - r.last_poll_time AS age, raceday.poll_interval(r.status, r.start_time, raceday.clock()) AS expected_every,
       coalesce(now() - r.last_poll_time > 2 * raceday.poll_interval(r.status, r.start_time, raceday.clock()), true)
           AS stale,
       q.score AS quality_score
FROM raceday.races r
JOIN raceday.meetings m ON m.meeting_id = r.meeting_id
LEFT JOIN LATERAL (SELECT pq.score FROM raceday.poll_quality pq WHERE pq.race_id = r.race_id
                   ORDER BY pq.observed_at DESC LIMIT 1) q ON true
WHERE r.status IN ('open', 'closed', 'interim') AND r.start_time BETWEEN now() - interval '1 day' AND now() + interval '1 day'
ORDER BY r.start_time;
COMMENT ON VIEW ops.freshness IS
    'Races still running: age of their latest observation against their polling interval (stale past twice it), and its quality score.';

COMMIT;
