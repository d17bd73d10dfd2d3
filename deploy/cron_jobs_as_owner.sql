-- Deploy raceday:cron_jobs_as_owner to pg
-- requires: housekeeping prune_derived change_feed
-- Why: pg_cron ran raceday's jobs as the superuser that scheduled them, and
-- each job calls a function raceday_owner owns and may replace: the owner
-- could have any code of its choosing run by a superuser within a minute.
-- The jobs now run as raceday_owner itself, so what they run never has
-- more rights than the owner already has.
--
-- That also makes the cron history prunable. pg_cron's row-level security
-- shows a role only the run records of its own jobs; prune_cron_history()
-- runs as raceday_owner and deleted none of the superuser's jobs' records,
-- so cron.job_run_details grew by some 1,440 rows a day. The runs recorded
-- so far move to the owner with their jobs (this deploy is a superuser).
--
-- pg_cron runs a job only as a role with LOGIN. raceday_owner gets it with
-- CONNECTION LIMIT 0 and no password: pg_cron's background workers are not
-- counted against a role's connection limit, and nobody logs in as it.
--
-- The daily jobs ran at 03:17-03:37 GMT (cron.timezone), 15:17-16:37 in New
-- Zealand: during racing. GMT 15:xx is 03:xx NZST and 04:xx NZDT: after
-- the night meetings of both countries and before the 06:00 NZ baseline,
-- in both seasons. GMT has no daylight saving, so no run is skipped or
-- repeated when New Zealand changes its clocks.

BEGIN;

ALTER ROLE raceday_owner LOGIN CONNECTION LIMIT 0;

DO $$
DECLARE
    changed integer;
BEGIN
    PERFORM cron.alter_job(j.jobid, schedule => v.schedule, username => 'raceday_owner')
    FROM cron.job j
    LEFT JOIN (VALUES ('raceday-staging-retention', '17 15 * * *'),
                      ('raceday-cron-history', '27 15 * * *'),
                      ('raceday-derived-retention', '37 15 * * *')) v(jobname, schedule) ON v.jobname = j.jobname
    WHERE j.jobname LIKE 'raceday-%' AND j.database = current_database();
    GET DIAGNOSTICS changed = ROW_COUNT;
    IF changed <> 6 THEN
        RAISE EXCEPTION 'expected the six raceday jobs, found %', changed;
    END IF;
    UPDATE cron.job_run_details d SET username = 'raceday_owner'
    FROM cron.job j WHERE j.jobid = d.jobid AND j.jobname LIKE 'raceday-%' AND j.database = current_database();
END
$$;

COMMIT;
