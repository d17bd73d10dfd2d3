-- Revert raceday:login_connection_limits from pg: no limits.

BEGIN;

ALTER ROLE raceday_fetcher CONNECTION LIMIT -1;
ALTER ROLE authenticator CONNECTION LIMIT -1;

COMMIT;
