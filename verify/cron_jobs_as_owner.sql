-- Verify raceday:cron_jobs_as_owner on pg: every raceday job runs as the
-- owner, who may log in for pg_cron only.

SELECT 1 / (count(*) > 0 AND bool_and(username = 'raceday_owner'))::int
FROM cron.job WHERE jobname LIKE 'raceday-%' AND database = current_database();
SELECT 1 / (rolcanlogin AND rolconnlimit = 0 AND NOT rolsuper)::int FROM pg_roles WHERE rolname = 'raceday_owner';
