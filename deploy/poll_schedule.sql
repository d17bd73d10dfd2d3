-- Deploy raceday:poll_schedule to pg
-- requires: poll_schedule@v0.3.0
-- Why: a next poll never jumps a tier boundary, but a poll half a second
-- before a boundary was due again at the boundary: two polls of one race
-- half a second apart, the second a copy of the first. The next poll is now
-- the boundary or the faster tier's interval, whichever is later (and never
-- later than the current tier's interval).

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.next_poll_time(status text, start_time timestamptz, at timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN raceday.poll_interval(status, start_time, at) IS NOT NULL THEN least(
    at + raceday.poll_interval(status, start_time, at),
    -- the next tier boundary still ahead, if any (least() skips a null), but
    -- no sooner than the faster tier's own interval after this poll
    CASE WHEN start_time - at > interval '60 minutes' THEN greatest(start_time - interval '60 minutes', at + interval '60 seconds')
         WHEN start_time - at > interval '15 minutes' THEN greatest(start_time - interval '15 minutes', at + interval '30 seconds')
         WHEN start_time - at > interval '5 minutes' THEN greatest(start_time - interval '5 minutes', at + interval '15 seconds')
    END) END;
COMMENT ON FUNCTION raceday.next_poll_time(text, timestamptz, timestamptz) IS
    'When a race polled at `at` is due again; null once it is final or abandoned.';

COMMIT;
