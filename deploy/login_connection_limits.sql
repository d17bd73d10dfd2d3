-- Deploy raceday:login_connection_limits to pg
-- requires: roles
-- Why: the login roles could take every connection the server has
-- (max_connections = 100): a fetcher or API pool gone wrong, or a stolen
-- password, would lock out every other client but the superuser's three
-- reserved slots. Each login role now has a limit sized to what it runs
-- plus room for a rolling restart, and together they stay well below
-- max_connections, so an operator can always get in:
--   raceday_fetcher  20: 2 connections a fetcher (FETCHER_DB_CONNECTIONS),
--                        so several fetchers, each replaced while the old
--                        one drains; make bench's ten races at once use 10
--   authenticator    40: PostgREST's pool (db-pool 10) and its listener,
--                        live's pool (4) and its listener: 16, twice over
--                        for a restart, plus a second live instance
--   raceday_owner     0: set by cron_jobs_as_owner (pg_cron only)
-- These are roles of the cluster: a second raceday database shares them.

BEGIN;

ALTER ROLE raceday_fetcher CONNECTION LIMIT 20;
ALTER ROLE authenticator CONNECTION LIMIT 40;

COMMIT;
