-- The ops views answer on a small known day: lag, failures, partitions,
-- cron jobs, fetch errors by status, freshness; every column says what it
-- holds.
BEGIN;
SELECT plan(14);

INSERT INTO raceday.meetings (meeting_id, meeting_name, country, category, date)
VALUES ('00000000-0000-4000-8000-0000000000e1', 'Hastings', 'NZ', 'T', raceday.nz_racing_day(now()));
INSERT INTO raceday.races (race_id, meeting_id, name, race_number, start_time, status, last_poll_time) VALUES
    ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000e1', 'R1', 1,
     now() + interval '3 minutes', 'open', now() - interval '2 minutes'),
    ('00000000-0000-4000-8000-0000000000f2', '00000000-0000-4000-8000-0000000000e1', 'R2', 2,
     now() + interval '90 minutes', 'open', now() - interval '1 minute');
INSERT INTO raceday.poll_targets (target, kind, race_id, next_poll_at, last_polled_at) VALUES
    ('00000000-0000-4000-8000-0000000000f1', 'event', '00000000-0000-4000-8000-0000000000f1',
     raceday.clock() - interval '45 seconds', raceday.clock() - interval '1 minute'),
    ('00000000-0000-4000-8000-0000000000f2', 'event', '00000000-0000-4000-8000-0000000000f2',
     raceday.clock() + interval '4 minutes', raceday.clock() - interval '1 minute');
INSERT INTO staging.raw_responses (kind, target, http_status, body, fetch_error, transform_error) VALUES
    ('event', 'ops-a', 200, '{"data": 1}', NULL, NULL),
    ('event', 'ops-b', 200, '{"data": 2}', NULL, NULL),
    ('event', 'ops-c', 200, '{"data": 3}', NULL, 'XX000: broken payload'),
    ('event', 'ops-d', 503, NULL, 'HTTP 503', NULL);
-- Dated in the future (a clock set wrong) or over an hour ago: not the last hour.
INSERT INTO staging.raw_responses (kind, target, http_status, body, fetch_error, received_at) VALUES
    ('event', 'ops-e', 200, '{"data": 5}', NULL, now() + interval '10 minutes'),
    ('event', 'ops-f', 429, NULL, 'HTTP 429', now() + interval '2 hours'),
    ('event', 'ops-g', 500, NULL, 'HTTP 500', now() - interval '61 minutes');

SELECT results_eq($$SELECT race_number, overdue_by > interval '40 seconds' FROM ops.pipeline_lag
                    WHERE meeting_name = 'Hastings' ORDER BY due$$,
                  $$VALUES (1, true), (2, false)$$, 'pipeline_lag: soonest due first, how far overdue');
SELECT results_eq($$SELECT target, failure, error FROM ops.failed_polls WHERE target BETWEEN 'ops-a' AND 'ops-d'
                    ORDER BY target$$,
                  $$VALUES ('ops-c'::text, 'quarantined'::text, 'XX000: broken payload'::text),
                           ('ops-d', 'fetch', 'HTTP 503')$$, 'failed_polls: fetch failures and quarantined polls with errors');
SELECT ok((SELECT count(*) > 0 AND bool_and(bounds LIKE 'FOR VALUES FROM%') FROM ops.partitions
           WHERE parent = 'raceday.money_flow_history'), 'partitions: each history partition with its bounds');
SELECT ok((SELECT bool_and(total_bytes > 0) FROM ops.partitions), 'partitions: sizes');
-- Named in full whatever the search_path (make psql puts raceday on it).
SET LOCAL search_path = ops, raceday, api, public;
SELECT results_eq($$SELECT parent, partition FROM ops.partitions WHERE racing_day = raceday.nz_racing_day(now())
                    ORDER BY parent$$,
                  $$VALUES ('raceday.money_flow_history', 'raceday.money_flow_history_'
                                                          || to_char(raceday.nz_racing_day(now()), 'YYYYMMDD')),
                           ('raceday.odds_history', 'raceday.odds_history_'
                                                    || to_char(raceday.nz_racing_day(now()), 'YYYYMMDD'))$$,
                  'partitions: parent and partition as schema-qualified text, with their NZ racing day');
RESET search_path;
SELECT ok((SELECT bool_and(bounds = format('FOR VALUES FROM (%L) TO (%L)', raceday.nz_day_start(racing_day),
                                           raceday.nz_day_start(racing_day + 1)))
           FROM ops.partitions), 'partitions: the racing day is the one its bounds hold');

SELECT is(ARRAY(SELECT jobname FROM ops.cron_jobs),
          ARRAY['raceday-change-feed-retention', 'raceday-cron-history', 'raceday-derived-retention',
                'raceday-partitions', 'raceday-staging-retention', 'raceday-sweep'], 'cron_jobs: every raceday job');
SELECT is(ARRAY(SELECT DISTINCT runs_as FROM ops.cron_jobs), ARRAY['raceday_owner'], 'cron_jobs: whom they run as');
-- pg_cron's row-level security shows a role only its own jobs and their
-- runs: the view shows a job's latest run, as pg_cron recorded it, to a
-- superuser and to the owner alike.
INSERT INTO cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message,
                                  start_time, end_time)
SELECT jobid, -1, 1, database, username, command, 'failed', 'ERROR: the test says so', now() + interval '1 day',
       now() + interval '1 day'
FROM cron.job WHERE jobname = 'raceday-sweep';
CREATE FUNCTION pg_temp.sweep_run_seen_by(who text) RETURNS TABLE (last_status text, last_message text)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL ROLE %I', who);
    RETURN QUERY SELECT c.last_status, c.last_message FROM ops.cron_jobs c WHERE c.jobname = 'raceday-sweep';
    RESET ROLE;
END
$$;
SELECT results_eq($$SELECT * FROM pg_temp.sweep_run_seen_by('postgres')$$,
                  $$VALUES ('failed'::text, 'ERROR: the test says so'::text)$$,
                  'cron_jobs: a job''s latest run, with its status and message, to a superuser');
SELECT results_eq($$SELECT * FROM pg_temp.sweep_run_seen_by('raceday_owner')$$,
                  $$VALUES ('failed'::text, 'ERROR: the test says so'::text)$$,
                  'cron_jobs: and to the owner');
SELECT results_eq($$SELECT status, responses, failed FROM ops.fetch_errors ORDER BY status$$,
                  $$VALUES ('200'::text, 3::bigint, 0::bigint), ('503', 1, 1)$$,
                  'fetch_errors: the last hour by status, with failures');
SELECT is((SELECT percent FROM ops.fetch_errors WHERE status = '200'), 75.0,
          'fetch_errors: shares, of the last hour only (nothing dated after now)');
SELECT results_eq($$SELECT race_number, stale FROM ops.freshness WHERE meeting_name = 'Hastings' ORDER BY race_number$$,
                  $$VALUES (1, true), (2, false)$$,
                  'freshness: two minutes without news in the 15-second tier is stale, one in the 5-minute tier is not');

SELECT is(ARRAY(SELECT format('%s.%s', c.relname, a.attname) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                WHERE c.relnamespace = 'ops'::regnamespace AND c.relkind = 'v' AND a.attnum > 0
                  AND coalesce(col_description(a.attrelid, a.attnum), '') = ''
                ORDER BY 1),
          '{}'::text[], 'every column of every ops view has a comment');

SELECT * FROM finish();
ROLLBACK;
