-- Deploy raceday:fetcher_statement_timeout to pg
-- requires: roles
-- Why: a statement of the fetcher that never ends (a lock it waits on for
-- ever, a pathological body) would hold one of its few connections, and the
-- locks it took, for good. The slowest ingest measured in a replayed
-- three-hour racing day of real-size events (9,400 polls, 350 KB each on
-- average) took 137 ms in the server, and an event padded to 16 MB (beyond
-- the fetcher's body cap) 0.5 s; 10 s leaves room for a wait behind pg_cron's
-- housekeeping. A statement cancelled by it fails the poll: the fetcher
-- records it as a failure ("ingest error: QueryCanceled ...") with its body,
-- and the target backs off as after any failure.
-- The role belongs to the cluster, as in the roles change: the setting
-- applies to the fetcher's sessions in every database, from their next login.

BEGIN;

ALTER ROLE raceday_fetcher SET statement_timeout = '10s';

COMMIT;
