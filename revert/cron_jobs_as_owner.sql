-- Revert raceday:cron_jobs_as_owner from pg: the jobs run as the reverting
-- superuser again, the daily ones at their old times, with their history.

BEGIN;

SELECT cron.alter_job(j.jobid, schedule => v.schedule, username => current_user)
FROM cron.job j
LEFT JOIN (VALUES ('raceday-staging-retention', '17 3 * * *'),
                  ('raceday-cron-history', '27 3 * * *'),
                  ('raceday-derived-retention', '37 3 * * *')) v(jobname, schedule) ON v.jobname = j.jobname
WHERE j.jobname LIKE 'raceday-%' AND j.database = current_database();

UPDATE cron.job_run_details d SET username = current_user
FROM cron.job j WHERE j.jobid = d.jobid AND j.jobname LIKE 'raceday-%' AND j.database = current_database();

ALTER ROLE raceday_owner NOLOGIN CONNECTION LIMIT -1;

COMMIT;
