-- Verify raceday:login_connection_limits on pg: every login role of raceday
-- has a connection limit.

SELECT 1 / (count(*) = 2 AND bool_and(rolconnlimit > 0))::int
FROM pg_roles WHERE rolname IN ('raceday_fetcher', 'authenticator');
