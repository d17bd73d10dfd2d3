-- Deploy raceday:session_clock to pg
-- requires: settings
-- Why: settings hold one schedule clock for every session. A replay that
-- keeps several polls in flight, as the fetcher does (ten at once), delivers
-- polls of different instants side by side, and each ingest must schedule
-- its target's next poll from the poll's own instant, or the replayed day
-- is not the day. So a session may set the schedule's now for itself: the
-- setting raceday.clock (a timestamptz); unset or empty, settings' clock as
-- before. It moves nothing for any other session: pg_cron's jobs, the API
-- and the fetcher never set it.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.clock() RETURNS timestamptz
LANGUAGE sql STABLE
RETURN coalesce(nullif(current_setting('raceday.clock', true), '')::timestamptz,
                (SELECT coalesce(s.clock_virtual + (now() - s.clock_real) * s.clock_speed, now())
                 FROM raceday.settings s));
COMMENT ON FUNCTION raceday.clock() IS
    'The schedule''s now: the session''s raceday.clock setting if set, else real time unless settings hold a '
    'simulated clock.';

COMMIT;
