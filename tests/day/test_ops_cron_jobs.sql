-- ops.cron_jobs on a simulated day: raceday's pg_cron jobs, each with whom
-- it runs as and its latest run, as pg_cron recorded it (under the job's
-- user, which row-level security shows only to that user).
BEGIN;
SELECT plan(5);

SELECT is(ARRAY(SELECT jobname::text FROM ops.cron_jobs),
          ARRAY(SELECT jobname::text FROM cron.job WHERE jobname LIKE 'raceday-%' ORDER BY jobname),
          'every raceday job, by name');
SELECT ok((SELECT count(*) = 6 AND bool_and(active) FROM ops.cron_jobs), 'six jobs, all active');
SELECT ok((SELECT bool_and(c.runs_as = j.username AND NOT r.rolsuper)
           FROM ops.cron_jobs c JOIN cron.job j USING (jobid) JOIN pg_roles r ON r.rolname = j.username),
          'each runs as its user, none a superuser');

-- Two runs of the sweep: the view shows the later one, failed, with its message.
INSERT INTO cron.job_run_details (jobid, runid, job_pid, database, username, command, status, return_message,
                                  start_time, end_time)
SELECT jobid, nextval('cron.runid_seq'), 1, database, username, command, s, m, t, t + interval '1 second'
FROM cron.job, (VALUES ('succeeded', 'SELECT 1', now() + interval '1 hour'),
                       ('failed', 'ERROR: the test says so', now() + interval '2 hours')) v(s, m, t)
WHERE jobname = 'raceday-sweep';
SELECT results_eq($$SELECT last_status, last_message, last_start FROM ops.cron_jobs WHERE jobname = 'raceday-sweep'$$,
                  $$VALUES ('failed'::text, 'ERROR: the test says so'::text, now() + interval '2 hours')$$,
                  'a job''s latest run, with its status and message');
-- The day ran for real: pg_cron's own records of each job, read as a superuser.
SELECT ok((SELECT bool_and(last_start IS NOT DISTINCT FROM (SELECT max(start_time) FROM cron.job_run_details d
                                                            WHERE d.jobid = c.jobid))
           FROM ops.cron_jobs c), 'for every job, its latest run or none');

SELECT * FROM finish();
ROLLBACK;
