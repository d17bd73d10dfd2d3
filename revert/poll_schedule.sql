-- Revert raceday:poll_schedule from pg: next_poll_time as of poll_schedule@v0.3.0.

BEGIN;

SET LOCAL ROLE raceday_owner;

CREATE OR REPLACE FUNCTION raceday.next_poll_time(status text, start_time timestamptz, at timestamptz)
RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN raceday.poll_interval(status, start_time, at) IS NOT NULL THEN least(
    at + raceday.poll_interval(status, start_time, at),
    -- the next tier boundary still ahead, if any (least() skips a null)
    CASE WHEN start_time - at > interval '60 minutes' THEN start_time - interval '60 minutes'
         WHEN start_time - at > interval '15 minutes' THEN start_time - interval '15 minutes'
         WHEN start_time - at > interval '5 minutes' THEN start_time - interval '5 minutes'
    END) END;
COMMENT ON FUNCTION raceday.next_poll_time(text, timestamptz, timestamptz) IS
    'When a race polled at `at` is due again; null once it is final or abandoned.';

COMMIT;
