-- Verify raceday:monitor_role on pg

SELECT 1 / count(*) FROM pg_roles
WHERE rolname = 'raceday_monitor' AND rolcanlogin AND NOT rolsuper AND rolconnlimit > 0;
